"""Render a :class:`Document` as Typst source and compile it to PDF with the ``typst`` package.

Only the fonts embedded in the typst package are used (system fonts are ignored) and the creation
date is fixed, so the same document gives the same PDF bytes on every machine.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import typst

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
    Text,
    VerdictTag,
)
from ska_theory.report.graph import FONT
from ska_theory.report.style import VERDICT_COLOURS
from ska_theory.report.typst_printer import typst_math, typst_math_lines, typst_string

# Any fixed instant works; the epoch says plainly that it is not a real date.
FIXED_TIMESTAMP = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# The page's text width and the drawing width of the claim graph on it.
TEXT_WIDTH_PT = 481.9
GRAPH_HEIGHT_PT = 380.0  # the graph stays on the first page, under the title and the verdict counts

_COLOURS = ",\n  ".join(f'"{v}": (rgb("{ink}"), rgb("{fill}"))' for v, (ink, fill) in VERDICT_COLOURS.items())

PREAMBLE = (
    r"""
#let ink = rgb("#1d232b")
#let muted = rgb("#5a6472")
#let accent = rgb("#1f4e8c")
#let rule = rgb("#d5dae1")
#let shade = rgb("#f4f6f9")
#let verdict-colours = (
  """
    + _COLOURS
    + r"""
)
// A verdict tag on one line: a box as wide as its text does not wrap in a narrow cell.
#let verdict(v) = context {
  let (c, f) = verdict-colours.at(v, default: (ink, shade))
  let body = text(font: "DejaVu Sans Mono", size: 0.7em, weight: "bold", fill: c, v)
  box(width: measure(body).width + 4pt, fill: f, stroke: 0.4pt + c, inset: (x: 2pt, y: 1.5pt),
    outset: (y: 1pt), radius: 2pt, body)
}
// A numbered display equation that fits the line: Typst does not break equations, so a wider one
// is set on several aligned lines (`alt`) when given, and scaled down (never below 80 %, i.e. the
// body size minus 2 pt) if it is still too wide.
#let fit-equation(main, alt: none, numbered: true) = layout(size => {
  // A centred equation clears its number only if it leaves the number's width free on both sides.
  let room = size.width - 64pt
  let width(e) = measure(math.equation(block: true, numbering: none, e.body)).width
  let body = main.body
  let w = width(main)
  if w > room and alt != none {
    body = alt.body
    w = width(alt)
  }
  let num = if numbered { "(R1)" } else { none }
  if w > room {
    let r = calc.max(room / w, 0.8)
    math.equation(block: true, numbering: num,
      scale(r * 100%, reflow: true, math.equation(block: true, numbering: none, body)))
  } else {
    math.equation(block: true, numbering: num, body)
  }
})
// A derivation step: its justification beside the numbered equation.
#let step(why, eq) = grid(columns: (26%, 1fr), column-gutter: 1em, align: (left + horizon, left),
  { set par(justify: false); text(size: 0.82em, fill: muted, style: "italic", why) }, eq)
#let subheading(t) = block(above: 0.9em, below: 0.45em, sticky: true, text(weight: "bold", size: 0.95em, t))
#let graph-node(dx, dy, w, h, target, lines, v, size) = {
  let (c, f) = verdict-colours.at(v, default: (ink, shade))
  place(dx: dx, dy: dy, link(target, box(width: w, height: h, fill: f, stroke: 0.6pt + c, radius: 2pt,
    align(center + horizon, text(font: "DejaVu Sans Mono", size: size, fill: c, lines.join(linebreak()))))))
}
#let graph-edge(pts) = {
  place(curve(stroke: 0.7pt + muted, curve.move(pts.first()), ..pts.slice(1).map(p => curve.line(p))))
  let (a, b) = (pts.at(-2), pts.last())
  let (dx, dy) = (b.at(0) - a.at(0), b.at(1) - a.at(1))
  let n = calc.sqrt(dx.pt() * dx.pt() + dy.pt() * dy.pt())
  let (ux, uy) = (dx.pt() / n, dy.pt() / n)
  let s = 4
  place(polygon(fill: muted, b,
    (b.at(0) - (s * ux - s * 0.5 * uy) * 1pt, b.at(1) - (s * uy + s * 0.5 * ux) * 1pt),
    (b.at(0) - (s * ux + s * 0.5 * uy) * 1pt, b.at(1) - (s * uy - s * 0.5 * ux) * 1pt)))
}
#set document(title: @TITLE@, author: "ska-theory", date: none)
#set page(
  paper: "a4", margin: (x: 2cm, top: 2.1cm, bottom: 2cm),
  header: context if here().page() > 1 {
    set text(size: 8pt, fill: muted)
    @TITLE@
    h(1fr)
    @SUBTITLE@
  },
  footer: context align(center, text(size: 8.5pt, fill: muted,
    counter(page).display("1 / 1", both: true))),
)
#set text(font: "Libertinus Serif", size: 10pt, lang: "en", fill: ink)
#set par(justify: true, spacing: 0.8em)
#set heading(numbering: "1.1")
#show heading: set text(fill: ink)
#show heading.where(level: 1): it => { v(0.3em); it; v(0.2em) }
#show heading.where(level: 2): it => block(above: 1.3em, below: 0.6em, sticky: true,
  grid(columns: (1fr, auto), column-gutter: 1em, it,
    text(size: 0.75em, weight: "regular", link(<summary>)[↑ summary])))
#set math.equation(numbering: "(R1)")
#show raw: set text(font: "DejaVu Sans Mono", size: 0.86em)
#show link: set text(fill: accent)
#show figure.where(kind: table): set block(breakable: true)
#show figure: set figure.caption(position: bottom)
#show figure.caption: set text(size: 0.85em, fill: muted)
#show figure: set block(above: 0.7em, below: 0.7em)
#set table(
  inset: (x: 4pt, y: 3pt),
  stroke: (x, y) => (bottom: if y == 0 { 0.8pt + ink } else { 0.4pt + rule }),
  align: left + top,
)
#show table: set text(size: 8.5pt)
#show table: set par(justify: false)
#set list(spacing: 0.5em)
#show table: set block(above: 0.5em, below: 0.5em)
"""
)


def _text(s: str) -> str:
    return "#" + typst_string(s) if s else ""


def _pt(x: float) -> str:
    return f"{round(x, 2):g}pt"


class _TypstWriter:
    def inline(self, parts: Inlines) -> str:
        out = []
        for p in parts:
            match p:
                case Text(text):
                    out.append(_text(text))
                case Code(text):
                    out.append(f"#raw({typst_string(text)})")
                case Emph(text):
                    out.append(f"#emph({typst_string(text)})")
                case Strong(text):
                    out.append(f"#strong({typst_string(text)})")
                case Math(expr, written):
                    out.append(f"${typst_math(expr, written_order=written)}$")
                case Ref(label, text):
                    out.append(f"#link(<{label}>, {typst_string(text)})")
                case VerdictTag(verdict):
                    out.append(f"#verdict({typst_string(verdict)})")
        return "".join(out)

    def equation(self, b: Equation) -> str:
        lines = typst_math_lines(b.expr, written_order=b.written)
        alt = f", alt: ${lines}$" if lines else ""
        numbered = "" if b.numbered else ", numbered: false"
        eq = f"fit-equation(${typst_math(b.expr, written_order=b.written)}${alt}{numbered})"
        if b.note:
            return f"#step([{self.inline(b.note)}], {eq})\n"
        return f"#{eq}\n"

    def block(self, b: Block) -> str:
        match b:
            case Paragraph(content, small):
                body = self.inline(content)
                return f"#text(size: 0.9em, fill: muted)[{body}]\n" if small else body + "\n"
            case Subheading(text):
                return f"#subheading({typst_string(text)})\n"
            case Quote(content, attribution):
                return (
                    f"#block(inset: (left: 1em), above: 0.5em, below: 0.5em)"
                    f"[#text(fill: muted)[“{self.inline(content)}” — {self.inline(attribution)}]]\n"
                )
            case BulletList(items, labels):
                tags = [f" <{lab}>" for lab in labels] or [""] * len(items)
                entries = (f"[#box[{self.inline(i)}]{t}]" for i, t in zip(items, tags, strict=True))
                return "#list(" + ", ".join(entries) + ")\n"
            case Equation():
                return self.equation(b)
            case Table():
                return self.table(b)
            case Figure(svg, caption, label, _, outlines):
                return (
                    f'#figure(image(bytes({typst_string(outlines or svg)}), format: "svg", width: 100%), '
                    f"caption: [{self.inline(caption)}]) <{label}>\n"
                )
            case Details(_, _, note):
                return f"#text(size: 0.85em, fill: muted)[{self.inline(note)}]\n" if note else ""
            case Graph():
                return self.graph(b)
        raise TypeError(f"unknown block {b!r}")

    def graph(self, g: Graph) -> str:
        """The claim graph drawn with Typst shapes (so its boxes are links), scaled to the text width
        or to :data:`GRAPH_HEIGHT_PT`, whichever is smaller (vector text: readers zoom)."""
        u = min(TEXT_WIDTH_PT / g.width, GRAPH_HEIGHT_PT / g.height, 0.75)
        items = []
        for e in g.edges:
            pts = ", ".join(f"({_pt(x * u)}, {_pt(y * u)})" for x, y in e.points)
            items.append(f"graph-edge(({pts},))")
        for n in g.nodes:
            lines = "(" + ", ".join(typst_string(t) for t in n.lines) + ",)"
            items.append(
                f"graph-node({_pt((n.x - n.w / 2) * u)}, {_pt((n.y - n.h / 2) * u)}, {_pt(n.w * u)}, "
                f"{_pt(n.h * u)}, <{n.label}>, {lines}, {typst_string(n.verdict)}, {_pt(FONT * 0.92 * u)})"
            )
        body = "\n  ".join(items)
        return (
            f"#figure(box(width: {_pt(g.width * u)}, height: {_pt(g.height * u)}, {{\n  {body}\n}}), "
            f"caption: [{self.inline(g.caption)}], supplement: [Figure]) <{g.label}>\n"
        )

    def table(self, t: Table) -> str:
        """A full-width table; its caption a small line below (tables are not numbered)."""
        columns = (
            "(" + ", ".join(f"{w}fr" for w in t.widths) + ",)" if t.widths else f"(auto,) * {len(t.header)}"
        )
        header = ", ".join(f"[*{_text(h)}*]" for h in t.header)
        cells = "".join(",\n  " + self._row(r, len(t.header)) for r in t.rows)
        label = f" <{t.label}>" if t.label else ""
        tbl = f"#table(columns: {columns},\n  table.header({header}){cells},\n){label}\n"
        if t.dense:
            tbl = f"#[#set text(size: 7.5pt)\n#set table(inset: (x: 3pt, y: 1.6pt))\n{tbl}]\n"
        caption = f"#text(size: 0.85em, fill: muted)[{self.inline(t.caption)}]\n" if t.caption else ""
        return tbl + caption

    def _row(self, r: Sequence[Inlines] | GroupRow, n: int) -> str:
        if isinstance(r, GroupRow):
            return f"table.cell(colspan: {n}, fill: shade)[*{self.inline(r.content)}*]"
        return ", ".join(f"[{self.inline(c)}]" for c in r)

    def section(self, s: Section, depth: int) -> str:
        outlined = "" if s.in_toc or depth > 1 else "#set heading(outlined: false)\n"
        head = outlined + "=" * depth + f" {_text(s.title)} <{s.label}>\n"
        parts = [head, *(self.block(b) for b in s.blocks)]
        parts += [self.section(sub, depth + 1) for sub in s.subsections]
        return "\n".join(parts)


def typst_source(doc: Document) -> str:
    """The complete Typst source of ``doc``."""
    w = _TypstWriter()
    preamble = PREAMBLE.replace("@TITLE@", typst_string(doc.title)).replace(
        "@SUBTITLE@", typst_string(doc.subtitle)
    )
    title = (
        "#align(center)[\n"
        f'  #text(size: 17pt, weight: "bold")[{_text(doc.title)}]\n\n'
        f"  #text(size: 10pt, fill: muted)[{_text(doc.subtitle)}]\n]\n"
    )
    # Sections run on (no forced page breaks): the PDF stays within 1.3 pages per claim.
    sections = [w.section(s, 1) for s in doc.sections]
    toc = "#outline(depth: 1, indent: auto)\n"
    return preamble + title + "\n".join([*sections[:1], toc, *sections[1:]])


def compile_pdf(source: str) -> bytes:
    """Compile Typst source to PDF bytes with the embedded fonts only and a fixed date."""
    try:
        out = typst.compile(source.encode("utf-8"), ignore_system_fonts=True, timestamp=FIXED_TIMESTAMP)
    except typst.TypstError as e:
        raise RuntimeError(f"typst could not compile the report: {e}") from e
    assert isinstance(out, bytes)
    return out


def render_pdf(doc: Document) -> bytes:
    return compile_pdf(typst_source(doc))
