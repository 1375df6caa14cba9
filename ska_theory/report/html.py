"""Render a :class:`Document` as one self-contained HTML page: MathML, inline SVG, inline CSS, no script.

The page fetches nothing: no external stylesheet, font, script or image, and no namespace URI either
(HTML5 needs none for inline ``<math>`` and ``<svg>``). The output is also well-formed XML, so it can
be checked with an XML parser. Below 600 px the tables become stacked cards, multi-panel figures and
long equations switch to their narrow layouts, and nothing but a wide equation or the graph scrolls.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from ska_theory.report.document import (
    Block,
    BulletList,
    Code,
    Details,
    Document,
    Emph,
    Equation,
    Figure,
    Graph,
    GroupRow,
    Inlines,
    Math,
    Paragraph,
    Quote,
    Ref,
    Section,
    Strong,
    Subheading,
    Table,
    VerdictTag,
    walk,
)
from ska_theory.report.graph import FONT, LINE
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
    width,
)
from ska_theory.report.notation import ACCENTS
from ska_theory.report.style import VERDICT_COLOURS, verdict_colours

# Widths in em of a display equation: beside its number at 1280 px, and on a 420 px screen.
WIDE_EM = 48.0
NARROW_EM = 19.0


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


# --- maths ------------------------------------------------------------------------------------------


def to_mathml(n: Node) -> str:
    """Presentation MathML of one box (without the ``<math>`` element)."""
    match n:
        case Ident(text, upright, _):
            variant = ' mathvariant="normal"' if upright and len(text) == 1 else ""
            return f"<mi{variant}>{_esc(text)}</mi>"
        case Num(text):
            return f"<mn>{_esc(text)}</mn>"
        case Op(text, kind):
            extra = {"large": ' largeop="true"', "lead": ' form="infix"'}.get(kind, "")
            return f"<mo{extra}>{_esc(text)}</mo>"
        case Txt(text):
            return f"<mtext>{_esc(text)}</mtext>"
        case Row(items):
            # An invisible function application after a function's name keeps ln(2) tight.
            return (
                "<mrow>"
                + "".join(to_mathml(i) + ("<mo>\u2061</mo>" if _is_function(i) else "") for i in items)
                + "</mrow>"
            )
        case Frac(num, den):
            return f"<mfrac>{to_mathml(num)}{to_mathml(den)}</mfrac>"
        case Scripts(base, sub, sup):
            tag = (
                "msubsup" if sub is not None and sup is not None else ("msub" if sub is not None else "msup")
            )
            parts = [to_mathml(base), *(to_mathml(x) for x in (sub, sup) if x is not None)]
            return f"<{tag}>{''.join(parts)}</{tag}>"
        case Limits(base, under, over):
            tag = (
                "munderover"
                if under is not None and over is not None
                else ("munder" if under is not None else "mover")
            )
            parts = [to_mathml(base), *(to_mathml(x) for x in (under, over) if x is not None)]
            return f"<{tag}>{''.join(parts)}</{tag}>"
        case Accent(base, accent):
            return f'<mover accent="true">{to_mathml(base)}<mo>{_esc(ACCENTS[accent])}</mo></mover>'
        case Root(body):
            return f"<msqrt>{to_mathml(body)}</msqrt>"
        case Fence(open_, body, close):
            return f"<mrow><mo>{_esc(open_)}</mo>{to_mathml(body)}<mo>{_esc(close)}</mo></mrow>"
        case Grid(rows, kind):
            cells = "".join(
                "<mtr>" + "".join(f'<mtd style="text-align: left">{to_mathml(c)}</mtd>' for c in r) + "</mtr>"
                for r in rows
            )
            table = f"<mtable>{cells}</mtable>"
            return (
                f"<mrow><mo>{{</mo>{table}</mrow>"
                if kind == "cases"
                else f"<mrow><mo>[</mo>{table}<mo>]</mo></mrow>"
            )
        case Space():
            return '<mspace width="0.1667em"></mspace>'
    raise TypeError(f"unknown box {n!r}")


def _is_function(n: Node) -> bool:
    base = n.base if isinstance(n, Scripts) else n
    return isinstance(base, Ident) and base.function


def mathml(expr: object, *, display: bool, written: bool = False) -> str:
    """``<math>`` element of ``expr`` (no namespace attribute: HTML5 does not need one)."""
    attr = ' display="block"' if display else ""
    return f"<math{attr}>{to_mathml(to_boxes(expr, written_order=written))}</math>"


def lines_mathml(lines: Lines) -> str:
    """A broken equation as a table of lines aligned at the first relation."""
    rows = []
    for i, right in enumerate(lines.rights):
        cells = ""
        if lines.left is not None:
            left = to_mathml(lines.left) if i == 0 else ""
            cells += f'<mtd style="text-align: right">{left}</mtd>'
        cells += f'<mtd style="text-align: left">{to_mathml(right)}</mtd>'
        rows.append(f"<mtr>{cells}</mtr>")
    return f'<math display="block"><mtable>{"".join(rows)}</mtable></math>'


def display_math(expr: object, written: bool = False) -> str:
    """A display equation: one line, or aligned lines when too wide; with a second, narrower
    breaking for small screens when that differs."""
    one = mathml(expr, display=True, written=written)
    if width(to_boxes(expr, written_order=written)) <= NARROW_EM:
        return one
    wide = break_lines(expr, WIDE_EM, written_order=written)
    narrow = break_lines(expr, NARROW_EM, written_order=written)
    wide_html = lines_mathml(wide) if wide is not None else one
    if narrow is None or narrow == wide:
        return wide_html
    return f'<div class="eq-wide">{wide_html}</div><div class="eq-narrow">{lines_mathml(narrow)}</div>'


# --- inline SVG ----------------------------------------------------------------------------------

_SVG_DROP = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->|<metadata>.*?</metadata>", re.S)
_SVG_XMLNS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG file as an inline ``<svg>`` element: no prolog, metadata or namespaces; ids prefixed.

    Prefixing keeps the ids of several figures (clip paths, markers) from colliding in one page.
    """
    svg = _SVG_DROP.sub("", svg)
    svg = _SVG_XMLNS.sub("", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    # The font stack is set once by the page's stylesheet (figure svg text), not on every text.
    svg = re.sub(r"font-family: [^;\"]*;? ?", "", svg)
    return svg.strip()


def _num(x: float) -> str:
    return format(round(x, 1), "g")


def graph_svg(g: Graph, marker: str = "arrow") -> str:
    """The claim graph as an inline SVG: boxes linking to their claims, arrows from used to user."""
    parts = [
        f'<svg class="claim-graph" width="{_num(g.width + 4)}" '
        f'height="{_num(g.height + 4)}" viewBox="-2 -2 {_num(g.width + 4)} {_num(g.height + 4)}" '
        'role="img" aria-label="claim graph">',
        f'<defs><marker id="{marker}" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#5a6472"/></marker></defs>',
    ]
    for e in g.edges:
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in e.points)
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="#5a6472" stroke-width="1.2" '
            f'marker-end="url(#{marker})"/>'
        )
    for n in g.nodes:
        ink, fill = verdict_colours(n.verdict)
        x0, y0 = n.x - n.w / 2, n.y - n.h / 2
        # Lines centred on the box: the first baseline a third of a font size below its line's middle.
        first = n.y - (len(n.lines) - 1) * LINE / 2 + FONT / 3
        texts = "".join(
            f'<text x="{_num(n.x)}" y="{_num(first + k * LINE)}">{_esc(t)}</text>'
            for k, t in enumerate(n.lines)
        )
        parts.append(
            f'<a href="#{_attr(n.label)}"><rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(n.w)}" '
            f'height="{_num(n.h)}" rx="4" fill="{fill}" stroke="{ink}"/><g fill="{ink}">{texts}</g></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- document ------------------------------------------------------------------------------------

_VERDICT_CSS = "\n".join(
    f".v-{v} {{ color: {ink}; background: {fill}; }}" for v, (ink, fill) in VERDICT_COLOURS.items()
)

CSS = (
    """
:root { --ink: #1d232b; --muted: #5a6472; --rule: #d5dae1; --accent: #1f4e8c; --shade: #f4f6f9; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 62rem; padding: 2rem 2.2rem 4rem; color: var(--ink);
  font: 16px/1.55 "Libertinus Serif", "Linux Libertine O", "STIX Two Text", Georgia, "DejaVu Serif",
  "Times New Roman", serif; overflow-wrap: break-word; }
math { font-family: "STIX Two Math", "Libertinus Math", "Latin Modern Math", "Cambria Math",
  "DejaVu Math TeX Gyre", "Noto Sans Math", math; }
header h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .3rem; }
.subtitle { color: var(--muted); margin: 0 0 1.5rem; font-size: .95rem; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin-top: 2.6rem; }
h3 { font-size: 1.1rem; margin-top: 2.2rem; display: flex; gap: 1rem; align-items: baseline; }
h3 .title { flex: 1; }
.back { font-size: .8rem; font-weight: normal; white-space: nowrap; }
.secno { color: var(--muted); margin-right: .5rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .84em;
  overflow-wrap: anywhere; }
nav.toc { background: var(--shade); border: 1px solid var(--rule); padding: .6rem 1.2rem; }
nav.toc h2 { border: 0; margin: .3rem 0; font-size: 1.05rem; }
nav.toc ol { list-style: none; padding-left: 0; margin: .2rem 0; columns: 2 16rem; }
nav.toc li { margin: .1rem 0; font-size: .93rem; }
.subheading { font-weight: bold; margin: 1.2rem 0 .3rem; }
.small { font-size: .9rem; color: var(--muted); }
blockquote { margin: .6rem 0; padding: .3rem .9rem; border-left: 3px solid var(--rule); color: var(--muted); }
blockquote p { margin: .2rem 0; }
blockquote cite { display: block; font-size: .85rem; font-style: normal; }
.eq { margin: .5rem 0 .7rem; }
.eq .why { font-size: .88rem; color: var(--muted); font-style: italic; margin: 0; }
.eq-row { display: flex; align-items: center; gap: 1rem; }
.eq-body { flex: 1; min-width: 0; overflow-x: auto; }
.eq-narrow, .fig-narrow { display: none; }
.eqno { color: var(--muted); white-space: nowrap; }
math[display="block"] { margin: .3rem 0; }
.table-wrap { margin: .6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .86rem; }
table.auto { width: auto; min-width: 50%; }
table.dense { font-size: .78rem; }
table.dense td { padding-top: .15rem; padding-bottom: .15rem; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: .84rem;
  padding-top: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid var(--ink); font-weight: 600; }
tr.group th { border-bottom: 1px solid var(--rule); background: var(--shade); font-weight: 600;
  padding-top: .5rem; }
figure { margin: 1rem 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
figure svg text { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
figcaption { font-size: .88rem; color: var(--muted); margin-top: .3rem; text-align: left; }
.graph-wrap { overflow-x: auto; }
svg.claim-graph { max-width: 100%; height: auto;
  font: 12px "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
svg.claim-graph text { text-anchor: middle; }
svg.claim-graph a:hover rect { stroke-width: 2.5; }
details { margin: .6rem 0 1rem; border: 1px solid var(--rule); border-radius: .3rem; padding: .3rem .8rem; }
details summary { cursor: pointer; color: var(--accent); font-size: .92rem; }
.verdict { display: inline-block; padding: 0 .45em; border-radius: .3em; font-size: .82em; line-height: 1.45;
  font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-weight: 600; white-space: nowrap;
  border: 1px solid; }
"""
    + _VERDICT_CSS
    + """
@media (max-width: 600px) {
  body { padding: 1rem .9rem 3rem; }
  header h1 { font-size: 1.4rem; }
  .eq-wide, .fig-wide { display: none; }
  .eq-narrow, .fig-narrow { display: block; }
  .eq-row { gap: .4rem; }
  .eq math { font-size: .9em; }
  table.cards, table.cards thead, table.cards tbody, table.cards tr, table.cards th, table.cards td,
  table.cards caption { display: block; width: 100%; }
  table.cards thead { display: none; }
  table.cards tr { border: 1px solid var(--rule); border-radius: .3rem; margin: 0 0 .6rem;
    padding: .3rem .2rem; }
  table.cards tr.group { border: 0; padding: 0; }
  table.cards td { border: 0; padding: .1rem .4rem; }
  table.cards td[data-label]:not([data-label=""])::before { content: attr(data-label) ": ";
    color: var(--muted); font-size: .85em; }
  table.auto { min-width: 0; }
  /* The summary's card: the id, then kind, source and verdict on one line, then the reason. */
  #summary-table td:nth-child(2), #summary-table td:nth-child(3), #summary-table td:nth-child(4) {
    display: inline-block; width: auto; }
  #summary-table td:nth-child(2)::before, #summary-table td:nth-child(4)::before { content: none; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  a { color: inherit; }
  .eq, figure, tr, blockquote { break-inside: avoid; }
  h2, h3, .subheading { break-after: avoid; }
  .eq-body { overflow: visible; }
}
@page { margin: 2cm; }
"""
)


class _Renderer:
    """State of one rendering pass: equation and figure counters."""

    def __init__(self) -> None:
        self.equations = 0
        self.figures = 0

    def inline(self, parts: Inlines) -> str:
        out = []
        for p in parts:
            match p:
                case Code(text):
                    out.append(f"<code>{_esc(text)}</code>")
                case Emph(text):
                    out.append(f"<em>{_esc(text)}</em>")
                case Strong(text):
                    out.append(f"<strong>{_esc(text)}</strong>")
                case Math(expr, written):
                    out.append(mathml(expr, display=False, written=written))
                case Ref(label, text):
                    out.append(f'<a href="#{_attr(label)}">{_esc(text)}</a>')
                case VerdictTag(verdict):
                    out.append(f'<span class="verdict v-{_attr(verdict)}">{_esc(verdict)}</span>')
                case _:
                    out.append(_esc(p.text))
        return "".join(out)

    def equation(self, b: Equation) -> str:
        ident = f' id="{_attr(b.label)}"' if b.label else ""
        why = f'<p class="why">{self.inline(b.note)}</p>' if b.note else ""
        number = ""
        if b.numbered:
            self.equations += 1
            number = f'<span class="eqno">(R{self.equations})</span>'
        body = display_math(b.expr, b.written)
        row = f'<div class="eq-row"><div class="eq-body">{body}</div>{number}</div>'
        return f'<div class="eq"{ident}>{why}{row}</div>'

    def figure(self, b: Figure) -> str:
        self.figures += 1
        svg = inline_svg(b.svg, b.label)
        if b.narrow is not None:
            svg = (
                f'<div class="fig-wide">{svg}</div>'
                f'<div class="fig-narrow">{inline_svg(b.narrow, b.label + "-n")}</div>'
            )
        caption = f"<figcaption>Figure {self.figures}: {self.inline(b.caption)}</figcaption>"
        return f'<figure id="{_attr(b.label)}">{svg}{caption}</figure>'

    def block(self, b: Block) -> str:
        match b:
            case Paragraph(content, small):
                cls = ' class="small"' if small else ""
                return f"<p{cls}>{self.inline(content)}</p>"
            case Subheading(text):
                return f'<p class="subheading">{_esc(text)}</p>'
            case Quote(content, attribution):
                return (
                    f"<blockquote><p>“{self.inline(content)}”</p><cite>— {self.inline(attribution)}</cite>"
                    "</blockquote>"
                )
            case BulletList(items, labels):
                ids = [f' id="{_attr(lab)}"' for lab in labels] or [""] * len(items)
                return (
                    "<ul>"
                    + "".join(f"<li{i}>{self.inline(x)}</li>" for i, x in zip(ids, items, strict=True))
                    + "</ul>"
                )
            case Equation():
                return self.equation(b)
            case Table():
                return self.table(b)
            case Figure():
                return self.figure(b)
            case Details(summary, blocks, _):
                inner = "\n".join(self.block(x) for x in blocks)
                return f"<details><summary>{_esc(summary)}</summary>{inner}</details>"
            case Graph():
                svg = graph_svg(b)
                if b.narrow is not None:
                    narrow = graph_svg(b.narrow, "arrow-n")
                    svg = f'<div class="fig-wide">{svg}</div><div class="fig-narrow">{narrow}</div>'
                return (
                    f'<figure id="{_attr(b.label)}" class="graph"><div class="graph-wrap">{svg}</div>'
                    f"<figcaption>{self.inline(b.caption)}</figcaption></figure>"
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
        head = "".join(f"<th>{_esc(h)}</th>" for h in t.header)
        body = "".join(self._row(r, t.header) for r in t.rows)
        caption = f"<caption>{self.inline(t.caption)}</caption>" if t.caption else ""
        ident = f' id="{_attr(t.label)}"' if t.label else ""
        # A small table is as wide as its content; a wide one becomes stacked cards on a narrow screen.
        classes = [
            c for c, on in (("auto", not t.widths), ("cards", len(t.header) >= 4), ("dense", t.dense)) if on
        ]
        cls = f' class="{" ".join(classes)}"' if classes else ""
        return (
            f'<div class="table-wrap"><table{ident}{cls}>{caption}{cols}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )

    def _row(self, r: Sequence[Inlines] | GroupRow, header: Sequence[str]) -> str:
        if isinstance(r, GroupRow):
            return f'<tr class="group"><th colspan="{len(header)}">{self.inline(r.content)}</th></tr>'
        cells = "".join(
            f'<td data-label="{_attr(h)}">{self.inline(c)}</td>' for h, c in zip(header, r, strict=True)
        )
        return f"<tr>{cells}</tr>"

    def section(self, s: Section, number: str, depth: int) -> str:
        h = f"h{min(depth + 1, 6)}"
        back = f'<a class="back" href="#{_attr(s.back)}">↑ summary</a>' if s.back else ""
        title = f'<span class="title"><span class="secno">{number}</span>{_esc(s.title)}</span>'
        parts = [
            f'<section id="{_attr(s.label)}">',
            f"<{h}>{title}{back}</{h}>",
            *(self.block(b) for b in s.blocks),
            *(self.section(sub, f"{number}.{i}", depth + 1) for i, sub in enumerate(s.subsections, start=1)),
            "</section>",
        ]
        return "\n".join(parts)


def _toc(sections: list[Section]) -> str:
    items = [
        f'<li><a href="#{_attr(s.label)}"><span class="secno">{i}</span>{_esc(s.title)}</a></li>'
        for i, s in enumerate(sections, start=1)
        if s.in_toc
    ]
    return "<ol>" + "".join(items) + "</ol>"


def render_html(doc: Document) -> str:
    """The whole page as text (deterministic: same document, same bytes)."""
    labels = [s.label for _, s in walk(doc.sections)]
    if len(set(labels)) != len(labels):
        raise ValueError("duplicate section labels")
    r = _Renderer()
    rendered = [r.section(s, str(i), 1) for i, s in enumerate(doc.sections, start=1)]
    # The first section (the overview with the claim graph) opens the page, before the contents.
    toc = f'<nav class="toc"><h2>Contents</h2>{_toc(doc.sections)}</nav>'
    body = "\n".join([*rendered[:1], toc, *rendered[1:]])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{_esc(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(doc.title)}</h1>"
        f'<p class="subtitle">{_esc(doc.subtitle)}</p></header>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
