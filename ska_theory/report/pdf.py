"""Render a :class:`Document` as Typst source and compile it to PDF with the ``typst`` package.

Only the fonts embedded in the typst package are used (system fonts are ignored) and the creation
date is fixed, so the same document gives the same PDF bytes on every machine.
"""

from __future__ import annotations

import datetime

import typst

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
    Text,
    VerdictTag,
)
from ska_theory.report.typst_printer import typst_math, typst_math_lines, typst_string

# Any fixed instant works; the epoch says plainly that it is not a real date.
FIXED_TIMESTAMP = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

PREAMBLE = r"""
#let ink = rgb("#1d232b")
#let muted = rgb("#5a6472")
#let accent = rgb("#1f4e8c")
#let rule = rgb("#d5dae1")
#let shade = rgb("#f4f6f9")
#let verdict-colours = (
  "holds": rgb("#17632a"), "supported": rgb("#17632a"),
  "holds-under-conditions": rgb("#155a70"), "holds-vacuously": rgb("#7a5400"),
  "fails": rgb("#a01818"), "not-supported": rgb("#a01818"),
)
#let verdict(v) = {
  let c = verdict-colours.at(v, default: ink)
  box(fill: c.lighten(88%), stroke: 0.4pt + c.lighten(40%), inset: (x: 2.5pt, y: 1.5pt), outset: (y: 1pt),
    radius: 2pt, text(font: "DejaVu Sans Mono", size: 0.78em, weight: "bold", fill: c, v))
}
// A numbered display equation that fits the line: Typst does not break equations, so a wider one
// is set on several aligned lines (`alt`) when given, and scaled down if it is still too wide.
#let fit-equation(main, alt: none) = layout(size => {
  let room = size.width - 30pt
  let width(e) = measure(math.equation(block: true, numbering: none, e.body)).width
  let body = main.body
  let w = width(main)
  if w > room and alt != none {
    body = alt.body
    w = width(alt)
  }
  if w > room {
    let r = calc.max(room / w, 0.5)
    math.equation(block: true, numbering: "(1)",
      scale(r * 100%, reflow: true, math.equation(block: true, numbering: none, body)))
  } else {
    math.equation(block: true, numbering: "(1)", body)
  }
})
#let claim-ref(l, t) = {
  link(l, raw(t))
  text(size: 0.8em, fill: muted)[ §#ref(l, supplement: none)]
}
// A derivation step: its justification beside the numbered equation.
#let step(why, eq) = grid(columns: (27%, 1fr), column-gutter: 1em, align: (left + horizon, left),
  { set par(justify: false); text(size: 0.82em, fill: muted, style: "italic", why) }, eq)
#let subheading(t) = block(above: 1.2em, below: 0.6em, sticky: true, text(weight: "bold", t))
#set document(title: @TITLE@, author: "ska-theory", date: none)
#set page(
  paper: "a4", margin: (x: 2cm, top: 2.3cm, bottom: 2.2cm),
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
#set par(justify: true)
#set heading(numbering: "1.1")
#show heading: set text(fill: ink)
#show heading.where(level: 1): it => { v(0.4em); it; v(0.3em) }
#set math.equation(numbering: "(1)")
#show raw: set text(font: "DejaVu Sans Mono", size: 0.86em)
#show link: set text(fill: accent)
#show figure.where(kind: table): set block(breakable: true)
#show figure: set figure.caption(position: bottom)
#show figure.caption: set text(size: 0.85em, fill: muted)
#set table(
  inset: (x: 4pt, y: 3.5pt),
  stroke: (x, y) => (bottom: if y == 0 { 0.8pt + ink } else { 0.4pt + rule }),
  fill: (x, y) => if y > 0 and calc.even(y) { shade },
  align: left + top,
)
#show table: set text(size: 8.5pt)
#show table: set par(justify: false)
"""


def _text(s: str) -> str:
    return "#" + typst_string(s) if s else ""


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
                case Math(expr):
                    out.append(f"${typst_math(expr)}$")
                case Ref(label, text):
                    out.append(f"#claim-ref(<{label}>, {typst_string(text)})")
                case VerdictTag(verdict):
                    out.append(f"#verdict({typst_string(verdict)})")
        return "".join(out)

    def block(self, b: Block) -> str:
        match b:
            case Paragraph(content, small):
                body = self.inline(content)
                return f"#text(size: 0.9em, fill: muted)[{body}]\n" if small else body + "\n"
            case Subheading(text):
                return f"#subheading({typst_string(text)})\n"
            case Quote(text, attribution):
                return (
                    f"#quote(block: true, attribution: {typst_string(attribution)})"
                    f"[#text(fill: muted)[{_text('“' + text + '”')}]]\n"
                )
            case BulletList(items):
                return "#list(" + ", ".join(f"[{self.inline(i)}]" for i in items) + ")\n"
            case Equation(expr, _, note):
                lines = typst_math_lines(expr)
                alt = f", alt: ${lines}$" if lines else ""
                eq = f"fit-equation(${typst_math(expr)}${alt})"
                return f"#step({typst_string(note)}, {eq})\n" if note else f"#{eq}\n"
            case Table():
                return self.table(b)
            case Figure(svg, caption, label):
                return (
                    f'#figure(image(bytes({typst_string(svg)}), format: "svg", width: 85%), '
                    f"caption: {typst_string(caption)}) <{label}>\n"
                )
        raise TypeError(f"unknown block {b!r}")

    def table(self, t: Table) -> str:
        columns = "(" + ", ".join(f"{w}fr" for w in t.widths) + ",)" if t.widths else str(len(t.header))
        header = ", ".join(f"[*{_text(h)}*]" for h in t.header)
        cells = "".join(",\n  " + ", ".join(f"[{self.inline(c)}]" for c in row) for row in t.rows)
        tbl = f"table(columns: {columns},\n  table.header({header}){cells},\n)"
        caption = f", caption: {typst_string(t.caption)}" if t.caption else ""
        return f"#figure(kind: table, supplement: [Table]{caption},\n{tbl})\n"

    def section(self, s: Section, depth: int, *, first: bool = False) -> str:
        # Each top-level part after the first starts a page.
        brk = "#pagebreak(weak: true)\n" if depth == 1 and not first else ""
        head = brk + "=" * depth + f" {_text(s.title)} <{s.label}>\n"
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
        "#v(1em)\n#outline(depth: 2, indent: auto)\n"
    )
    body = "\n".join(w.section(s, 1, first=i == 0) for i, s in enumerate(doc.sections))
    return preamble + title + body


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
