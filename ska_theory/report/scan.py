"""The forbidden-fragment scan: tool output that must never reach a report's rendered text.

Python and JSON reprs (``{'a': 1}``, ``None``, ``null``, ``True``), ``nan``, SymPy's ``oo``, unrounded
floats, negative zero, LaTeX (``\\frac``, ``_{``, ``^{``), ASCII or code maths (``H_b``, ``z*sigma(z)``,
``d/dt``, ``z_dot``) and the names of the tools' routines (``manualintegrate``, ``findroot``). Claim
prose writes maths as ``$...$`` markup instead, and numbers through the report's formatter.

:func:`scan_html` reads the text a browser shows (figures' SVG text included, the stylesheet not);
:func:`scan_text` any extracted text, e.g. a PDF's. Code spans (file names, JSON paths and keys in
the collapsed full evidence) are exempt from the rules about identifiers, not from the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# rule name -> pattern; the rules marked in CODE_EXEMPT do not apply inside <code>.
RULES: dict[str, re.Pattern[str]] = {
    "python dict or list": re.compile(r"""[{\[]\s*['"][^'"]*['"]\s*[:,\]]|[{\[](True|False|None)\b"""),
    # As a value ("= None", "(True,"), not as a word ("None of the runs").
    "Python None/True/False": re.compile(
        r"(?:(?<=[:=(,\[{])|(?<=[:=(,\[{]\s))(None|True|False)\b|\b(None|True|False)(?=\s*[,)\]}])"
    ),
    # "null" as a value, not the adjective ("a null Lagrangian").
    "JSON null": re.compile(r"\bnull\b(?!\s+[A-Za-z])"),
    "nan": re.compile(r"(?<![\w.])[+\-−]?nan\b", re.IGNORECASE),
    "SymPy oo / inf": re.compile(r"(?<![\w.])[+\-−]?(oo|inf)\b|zoo\b"),
    "negative zero": re.compile(r"(?<![\w.])[-−]0(\.0+)?(?![\d.])"),
    # More than 6 significant digits (the report writes 6): 0.7345676811153303, 1.5434046.
    "unrounded float": re.compile(r"(?<![\d.])(?<!arXiv:)(?:0\.0*[1-9]\d{6,}|[1-9]\d*\.\d+)(?![\d.])"),
    "float in e-notation": re.compile(r"\d[eE][+\-]\d"),
    "LaTeX": re.compile(r"\\[A-Za-z]{2,}|_\{|\^\{"),
    "ASCII maths": re.compile(r"[A-Za-z0-9)\]]\^[A-Za-z0-9(]|\*\*|[\w)]\*[\w(]|\bd/d[a-zA-Z]\b|\b\w+_dot\b"),
    "code function": re.compile(r"\b(sigma|log|exp|sqrt|Integral|Derivative|Eq|Symbol)\("),
    "identifier with underscore": re.compile(r"[A-Za-z0-9)]_[A-Za-z0-9({<]"),
    "tool routine": re.compile(
        r"\b(manualintegrate|findroot|lambdify|dsolve|nsolve|euler_equations|solve_ivp|quad|"
        r"mpmath\.\w+|sympy\.\w+|np\.\w+|sp\.\w+)\b"
    ),
}
CODE_EXEMPT = frozenset({"identifier with underscore", "code function", "ASCII maths", "tool routine"})


@dataclass(frozen=True)
class Finding:
    rule: str
    fragment: str
    context: str  # the text around it
    where: str = ""  # the claim (or section) it was found in


def _significant(number: str) -> int:
    return len(number.replace(".", "").lstrip("0"))


def scan_text(text: str, where: str = "", *, code: bool = False) -> list[Finding]:
    """Forbidden fragments in ``text``; ``code`` applies only the rules code spans must also obey."""
    out = []
    for rule, pattern in RULES.items():
        if code and rule in CODE_EXEMPT:
            continue
        for m in pattern.finditer(text):
            if rule == "unrounded float" and _significant(m.group(0)) <= 6:
                continue
            lo, hi = max(0, m.start() - 30), min(len(text), m.end() + 30)
            out.append(Finding(rule, m.group(0), text[lo:hi].replace("\n", " "), where))
    return out


class _Text(HTMLParser):
    """The text a browser shows, in runs of (text, inside <code>, enclosing section id)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, bool, str]] = []
        self._skip = 0
        self._code = 0
        self._sections: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "code":
            self._code += 1
        if tag == "section":
            self._sections.append(dict(attrs).get("id") or "")
        if tag in ("math", "td", "th", "li", "p", "text", "mrow", "mtd", "caption", "figcaption"):
            self.runs.append((" ", False, self.where))  # cells and maths are separate words

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "code":
            self._code -= 1
        if tag == "section" and self._sections:
            self._sections.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.runs.append((data, self._code > 0, self.where))

    @property
    def where(self) -> str:
        return next(
            (s for s in reversed(self._sections) if s.startswith("claim-")),
            self._sections[-1] if self._sections else "",
        )


def scan_html(page: str) -> list[Finding]:
    """Forbidden fragments in the rendered text of an HTML report, each with its claim section."""
    parser = _Text()
    parser.feed(page)
    out: list[Finding] = []
    # Consecutive runs of one kind in one section are scanned together (a fragment can span tags).
    groups: list[tuple[str, bool, str]] = []
    for text, code, where in parser.runs:
        if groups and groups[-1][1] == code and groups[-1][2] == where:
            groups[-1] = (groups[-1][0] + text, code, where)
        else:
            groups.append((text, code, where))
    for text, code, where in groups:
        out += scan_text(text, where.removeprefix("claim-"), code=code)
    return out
