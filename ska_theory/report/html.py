"""Render a :class:`Document` as one self-contained HTML page: MathML, inline SVG, inline CSS, no script.

The page fetches nothing: no external stylesheet, font, script or image, and no namespace URI either
(HTML5 needs none for inline ``<math>`` and ``<svg>``). The output is also well-formed XML, so it can
be checked with an XML parser.
"""

from __future__ import annotations

import html
import re
from html.entities import html5
from xml.dom.minidom import Text

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter

from ska_theory.report.document import (
    Block,
    BulletList,
    Code,
    Document,
    Emph,
    Equation,
    Figure,
    Inlines,
    Math,
    Paragraph,
    Quote,
    Ref,
    Section,
    Subheading,
    Table,
    VerdictTag,
    walk,
)
from ska_theory.report.notation import ACCENTS, equation_pieces, lhs_stays_on_first_line, name_part

_ENTITY_OR_SPECIAL = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);|[<>&]")
_ACCENT_CHAR = {suffix: char for suffix, _, char in ACCENTS}


def _xml_text(data: str) -> str:
    """Text for XML: SymPy's entity strings (``&InvisibleTimes;``) as characters, ``<>&`` escaped."""

    def repl(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref is None:
            return html.escape(m.group(0), quote=False)
        if ref.startswith("#x"):
            char = chr(int(ref[2:], 16))
        elif ref.startswith("#"):
            char = chr(int(ref[1:]))
        else:
            char = html5.get(ref + ";", "")
            if not char:
                return "&amp;" + ref + ";"
        return html.escape(char, quote=False)

    return _ENTITY_OR_SPECIAL.sub(repl, data)


class _EscapedText(Text):
    def writexml(self, writer, indent="", addindent="", newl=""):  # type: ignore[no-untyped-def]
        writer.write(_xml_text(self.data))


class ReportMathMLPrinter(MathMLPresentationPrinter):
    """SymPy's presentation MathML with σ, ln, cases and accents, and with text properly escaped.

    SymPy writes text nodes raw (so its entity names survive), which leaves ``<`` unescaped in
    relations; here every text node goes through :func:`_xml_text` instead.
    """

    def __init__(self) -> None:
        super().__init__({"ln_notation": True})

        def create_text(data: str) -> Text:
            node = _EscapedText()
            node.data = data
            node.ownerDocument = self.dom
            return node

        self.dom.createTextNode = create_text  # type: ignore[method-assign]

    def doprint(self, expr: sp.Basic) -> str:  # type: ignore[override]
        # A true minus sign, not a hyphen, in every operator slot.
        return str(self._print(expr).toxml()).replace("<mo>-</mo>", "<mo>\u2212</mo>")

    def _el(self, tag: str, *children: object, text: str | None = None) -> object:
        node = self.dom.createElement(tag)
        if text is not None:
            node.appendChild(self.dom.createTextNode(text))
        for c in children:
            node.appendChild(c)
        return node

    def _name(self, part: str) -> object:
        text, accent = name_part(part)
        mi = self._el("mi", text=text)
        if accent is None:
            return mi
        mover = self._el("mover", mi, self._el("mo", text=_ACCENT_CHAR[accent]))
        mover.setAttribute("accent", "true")  # type: ignore[attr-defined]
        return mover

    def _print_Symbol(self, sym: sp.Symbol, style: str = "plain") -> object:
        name, supers, subs = self._split_super_sub(sym.name)

        def join(parts: list[str]) -> object:
            return self._name(parts[0]) if len(parts) == 1 else self._el("mrow", *map(self._name, parts))

        base = self._name(name)
        if supers and subs:
            return self._el("msubsup", base, join(subs), join(supers))
        if subs:
            return self._el("msub", base, join(subs))
        if supers:
            return self._el("msup", base, join(supers))
        return base

    def _print_sigma(self, e: sp.Function) -> object:
        return self._el("mrow", self._el("mi", text="σ"), self._paren_comma_separated(*e.args))

    def _print_Function(self, e: sp.Function) -> object:
        name = type(e).__name__
        if isinstance(e, sp.core.function.AppliedUndef):
            return self._el("mrow", self._print_Symbol(sp.Symbol(name)), self._paren_comma_separated(*e.args))
        return super()._print_Function(e)

    def _print_Piecewise(self, e: sp.Piecewise) -> object:
        rows = []
        for expr, cond in e.args:
            when = (
                self._el("mtext", text="otherwise")
                if cond is sp.true
                else self._el("mrow", self._el("mtext", text="if\u00a0"), self._print(cond))
            )
            rows.append(self._el("mtr", self._el("mtd", self._print(expr)), self._el("mtd", when)))
        table = self._el("mtable", *rows)
        table.setAttribute("columnalign", "left left")  # type: ignore[attr-defined]
        return self._el("mrow", self._el("mo", text="{"), table)

    def _print_str(self, s: str) -> object:
        return self._el("mtext", text=s)


def mathml(expr: sp.Basic | str, *, display: bool) -> str:
    """``<math>`` element of ``expr`` (no namespace attribute: HTML5 does not need one)."""
    body = ReportMathMLPrinter().doprint(expr)  # type: ignore[arg-type]
    attr = ' display="block"' if display else ""
    return f"<math{attr}>{body}</math>"


# Columns of SymPy's 2-D text rendering that fit one line of the page (about 9 px each at 16 px).
WIDE = 90


def _text_width(expr: sp.Basic) -> int:
    return max(len(line) for line in sp.pretty(expr, use_unicode=True, wrap_line=False).splitlines())


def display_math(expr: sp.Basic | str) -> str:
    """A display ``<math>``; one too wide for the page is set as a table of aligned lines, broken
    where the PDF breaks it (browsers do not break MathML lines)."""
    pieces = equation_pieces(expr)
    if pieces is None or _text_width(expr) <= WIDE:  # type: ignore[arg-type]
        return mathml(expr, display=True)
    printer = ReportMathMLPrinter()

    def piece(ops: str, e: sp.Basic) -> str:
        signs = "".join(f"<mo>{_xml_text(o)}</mo>" for o in ops.replace("-", "\u2212").split())
        return signs + printer.doprint(e)

    def cell(content: str, align: str) -> str:
        return f'<mtd displaystyle="true" style="text-align: {align}">{content}</mtd>'

    if lhs_stays_on_first_line(pieces):
        lhs = printer.doprint(pieces[0][1])
        rows = [cell(lhs, "right") + cell(piece(*pieces[1]), "left")]
        rows += [cell("", "right") + cell(piece(*p), "left") for p in pieces[2:]]
    else:
        rows = [cell(piece(*p), "left") for p in pieces]
    body = "".join(f"<mtr>{r}</mtr>" for r in rows)
    return f'<math display="block"><mtable>{body}</mtable></math>'


# --- inline SVG ----------------------------------------------------------------------------------

_SVG_DROP = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->|<metadata>.*?</metadata>", re.S)
_SVG_XMLNS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG file as an inline ``<svg>`` element: no prolog, metadata or namespaces; ids prefixed.

    Prefixing keeps the ids of several figures (glyphs, clip paths) from colliding in one page.
    """
    svg = _SVG_DROP.sub("", svg)
    svg = _SVG_XMLNS.sub("", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    return svg.strip()


# --- document ------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1d232b; --muted: #5a6472; --rule: #d5dae1; --accent: #1f4e8c; --shade: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 2rem 2.2rem 4rem; color: var(--ink);
  font: 16px/1.55 "Libertinus Serif", "Linux Libertine", Georgia, "Times New Roman", serif; }
header h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .3rem; }
.subtitle { color: var(--muted); margin: 0 0 1.5rem; font-size: .95rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin-top: 2.6rem; }
h3 { font-size: 1.1rem; margin-top: 2.2rem; }
.secno { color: var(--muted); margin-right: .5rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .84em; }
nav.toc { background: var(--shade); border: 1px solid var(--rule); padding: .6rem 1.2rem; }
nav.toc h2 { border: 0; margin: .3rem 0; font-size: 1.05rem; }
nav.toc ol { list-style: none; padding-left: 1.1rem; margin: .2rem 0; }
nav.toc > ol { padding-left: 0; }
nav.toc li { margin: .1rem 0; font-size: .93rem; }
.subheading { font-weight: bold; margin: 1.2rem 0 .3rem; }
.small { font-size: .9rem; color: var(--muted); }
blockquote { margin: .6rem 0; padding: .3rem .9rem; border-left: 3px solid var(--rule); color: var(--muted); }
blockquote cite { display: block; font-size: .85rem; font-style: normal; }
.eq { margin: .5rem 0 .7rem; }
.eq .why { font-size: .88rem; color: var(--muted); font-style: italic; margin: 0; }
.eq-row { display: flex; align-items: center; gap: 1rem; }
.eq-body { flex: 1; overflow-x: auto; }
.eqno { color: var(--muted); white-space: nowrap; }
math[display="block"] { margin: .3rem 0; }
.table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .86rem; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .84rem;
  padding-top: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid var(--ink); font-weight: 600; }
tbody tr:nth-child(even) { background: var(--shade); }
figure { margin: 1rem 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .88rem; color: var(--muted); margin-top: .3rem; }
.verdict { display: inline-block; padding: 0 .45em; border-radius: .3em; font-size: .82em;
  font-family: "DejaVu Sans", Arial, sans-serif; font-weight: 600; white-space: nowrap; border: 1px solid; }
.v-holds, .v-supported { color: #17632a; background: #e3f3e6; }
.v-holds-under-conditions { color: #155a70; background: #e0f0f5; }
.v-holds-vacuously { color: #7a5400; background: #fbf0d4; }
.v-fails, .v-not-supported { color: #a01818; background: #fbe3e3; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav.toc { break-after: page; background: none; }
  a { color: inherit; }
  main > section { break-before: page; }
  .eq, figure, tr, blockquote { break-inside: avoid; }
  h2, h3, .subheading { break-after: avoid; }
  .eq-body, .table-wrap { overflow: visible; }
  tbody tr:nth-child(even) { background: none; }
}
@page { margin: 2cm; }
"""


class _Renderer:
    """State of one rendering pass: section and equation numbers, figure counter."""

    def __init__(self) -> None:
        self.equations = 0
        self.figures = 0

    def inline(self, parts: Inlines) -> str:
        out = []
        for p in parts:
            match p:
                case Code(text):
                    out.append(f"<code>{html.escape(text)}</code>")
                case Emph(text):
                    out.append(f"<em>{html.escape(text)}</em>")
                case Math(expr):
                    out.append(mathml(expr, display=False))
                case Ref(label, text):
                    out.append(f'<a href="#{html.escape(label)}">{html.escape(text)}</a>')
                case VerdictTag(verdict):
                    out.append(
                        f'<span class="verdict v-{html.escape(verdict)}">{html.escape(verdict)}</span>'
                    )
                case _:
                    out.append(html.escape(p.text))
        return "".join(out)

    def block(self, b: Block) -> str:
        match b:
            case Paragraph(content, small):
                cls = ' class="small"' if small else ""
                return f"<p{cls}>{self.inline(content)}</p>"
            case Subheading(text):
                return f'<p class="subheading">{html.escape(text)}</p>'
            case Quote(text, attribution):
                return (
                    f"<blockquote><p>“{html.escape(text)}”</p><cite>— {html.escape(attribution)}</cite>"
                    "</blockquote>"
                )
            case BulletList(items):
                return "<ul>" + "".join(f"<li>{self.inline(i)}</li>" for i in items) + "</ul>"
            case Equation(expr, label, note):
                self.equations += 1
                ident = f' id="{html.escape(label)}"' if label else ""
                why = f'<p class="why">{html.escape(note)}</p>' if note else ""
                return (
                    f'<div class="eq"{ident}>{why}<div class="eq-row"><div class="eq-body">'
                    f"{display_math(expr)}</div>"
                    f'<span class="eqno">({self.equations})</span></div></div>'
                )
            case Table():
                return self.table(b)
            case Figure(svg, caption, label):
                self.figures += 1
                return (
                    f'<figure id="{html.escape(label)}">{inline_svg(svg, label)}'
                    f"<figcaption>Figure {self.figures}: {html.escape(caption)}</figcaption></figure>"
                )
        raise TypeError(f"unknown block {b!r}")

    def table(self, t: Table) -> str:
        cols = ""
        if t.widths:
            total = sum(t.widths)
            cols = (
                "<colgroup>"
                + "".join(f'<col style="width: {100 * w / total:.1f}%" />' for w in t.widths)
                + "</colgroup>"
            )
        head = "".join(f"<th>{html.escape(h)}</th>" for h in t.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{self.inline(c)}</td>" for c in row) + "</tr>" for row in t.rows
        )
        caption = f"<caption>{html.escape(t.caption)}</caption>" if t.caption else ""
        return (
            f'<div class="table-wrap"><table>{caption}{cols}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )

    def section(self, s: Section, number: str, depth: int) -> str:
        h = f"h{min(depth + 1, 6)}"
        parts = [
            f'<section id="{html.escape(s.label)}">',
            f'<{h}><span class="secno">{number}</span>{html.escape(s.title)}</{h}>',
            *(self.block(b) for b in s.blocks),
            *(self.section(sub, f"{number}.{i}", depth + 1) for i, sub in enumerate(s.subsections, start=1)),
            "</section>",
        ]
        return "\n".join(parts)


def _toc(sections: list[Section], prefix: str = "") -> str:
    items = []
    for i, s in enumerate(sections, start=1):
        number = f"{prefix}{i}"
        sub = _toc(s.subsections, number + ".") if s.subsections else ""
        items.append(
            f'<li><a href="#{html.escape(s.label)}"><span class="secno">{number}</span>'
            f"{html.escape(s.title)}</a>{sub}</li>"
        )
    return "<ol>" + "".join(items) + "</ol>"


def render_html(doc: Document) -> str:
    """The whole page as text (deterministic: same document, same bytes)."""
    labels = [s.label for _, s in walk(doc.sections)]
    if len(set(labels)) != len(labels):
        raise ValueError("duplicate section labels")
    r = _Renderer()
    body = "\n".join(r.section(s, str(i), 1) for i, s in enumerate(doc.sections, start=1))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{html.escape(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{html.escape(doc.title)}</h1>"
        f'<p class="subtitle">{html.escape(doc.subtitle)}</p></header>\n'
        f'<nav class="toc"><h2>Contents</h2>{_toc(doc.sections)}</nav>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
