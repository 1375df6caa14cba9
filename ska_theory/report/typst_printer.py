"""Maths boxes (:mod:`ska_theory.report.mathbox`) spelled as Typst math source.

The layout (symbols, signs, fractions, line breaks) is decided once in ``mathbox``; this module only
escapes and spells it, so every expression compiles and means what the boxes say.
"""

from __future__ import annotations

import re

from ska_theory.report.mathbox import (
    Accent,
    Fence,
    Frac,
    Grid,
    Ident,
    Limits,
    Lines,
    Node,
    Num,
    Op,
    Root,
    Row,
    Scripts,
    Space,
    Txt,
    break_lines,
    to_boxes,
)

_ACCENT = {"ddot": "dot.double", "dot": "dot", "hat": "hat", "bar": "macron", "tilde": "tilde"}
# Characters that mean something in Typst math and are written escaped when they are an operator.
_ESCAPE = set("\\$#_^&/',;*\"@<>=[](){}|~")
_PLAIN_OPS = {"=", "<", ">", "+", "−", "≠", "≤", "≥", "⇒", "⇔", "→", "×", "·", "∧", "∨", "¬", "∫", "∑", "∏"}


def typst_string(text: str) -> str:
    """A Typst string literal (usable in markup after ``#`` and in math as upright text)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _letter(text: str) -> bool:
    """One character Typst reads as a variable or symbol in math, not as syntax."""
    return (len(text) == 1 and (text.isalnum() or text in "∇∂∞ℓℏ𝓛")) or (
        len(text) == 1 and ord(text) > 0x2000 and text not in _ESCAPE
    )


def _ident(n: Ident) -> str:
    if n.function and len(n.text) > 1:
        return f"op({typst_string(n.text)})"
    if n.upright:
        return f"upright({n.text})" if _letter(n.text) else typst_string(n.text)
    return n.text if _letter(n.text) else typst_string(n.text)


def _op(n: Op) -> str:
    if n.kind == "lead":  # after an invisible atom, so the operator stays binary
        return "zws " + _op(Op(n.text))
    text = {"−": "-", "·": "dot.op"}.get(n.text, n.text)
    if n.text in _PLAIN_OPS or n.text.isalnum():
        return text
    if n.text == "′":
        return "'"
    return "".join(f"\\{c}" if c in _ESCAPE else c for c in n.text)


def _fence(open_: str, body: str, close: str) -> str:
    if (open_, close) == ("|", "|"):
        return f"abs({body})"
    if (open_, close) == ("‖", "‖"):
        return f"norm({body})"
    left = "\\{" if open_ == "{" else ("\\" + open_ if open_ in "([|" else open_)
    right = "\\}" if close == "}" else ("\\" + close if close in ")]|" else close)
    return f"lr({left} {body} {right})"


def to_typst(n: Node) -> str:
    """Typst math source of one box (no ``$`` delimiters)."""
    match n:
        case Ident():
            return _ident(n)
        case Num(text):
            return text
        case Op():
            return _op(n)
        case Txt(text):
            return typst_string(text)
        case Row(items):
            return " ".join(to_typst(i) for i in items)
        case Frac(num, den):
            return f"frac({to_typst(num)}, {to_typst(den)})"
        case Scripts(base, sub, sup):
            args = [f"b: {to_typst(sub)}"] if sub is not None else []
            args += [f"t: {to_typst(sup)}"] if sup is not None else []
            return f"attach({to_typst(base)}, {', '.join(args)})"
        case Limits(base, under, over):
            args = [f"b: {to_typst(under)}"] if under is not None else []
            args += [f"t: {to_typst(over)}"] if over is not None else []
            return f"attach(limits({to_typst(base)}), {', '.join(args)})"
        case Accent(base, accent):
            return f"accent({to_typst(base)}, {_ACCENT[accent]})"
        case Root(body):
            return f"sqrt({to_typst(body)})"
        case Fence(open_, body, close):
            return _fence(open_, to_typst(body), close)
        case Grid(rows, "cases"):
            return "cases(" + ", ".join(" & ".join(to_typst(c) for c in r) for r in rows) + ")"
        case Grid(rows, _):
            cells = "; ".join(", ".join(to_typst(c) for c in r) for r in rows)
            return f'mat(delim: "[", {cells})'
        case Space():
            return "thin"
    raise TypeError(f"unknown box {n!r}")


def typst_math(expr: object, *, written_order: bool = False) -> str:
    """The Typst math source of ``expr`` (a plain string prints as upright text)."""
    return to_typst(to_boxes(expr, written_order=written_order))


def typst_lines(lines: Lines) -> str:
    """A broken equation as aligned Typst lines: ``lhs & = a + b \\ & + c``."""
    left = to_typst(lines.left) if lines.left is not None else ""
    body = " \\\n".join(f"{left if i == 0 else ''} & {to_typst(r)}" for i, r in enumerate(lines.rights))
    return re.sub(r"^ +", "", body, flags=re.M)


# Width in em of a display line on the PDF page (17 cm of 10 pt text less the equation number).
PDF_LINE_EM = 42.0


def typst_math_lines(expr: object, budget: float = PDF_LINE_EM, *, written_order: bool = False) -> str | None:
    """``expr`` on aligned lines of about ``budget`` em, or None when it fits or cannot break."""
    lines = break_lines(expr, budget, written_order=written_order)
    return typst_lines(lines) if lines is not None else None
