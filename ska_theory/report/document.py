"""A small document model shared by the HTML and PDF renderers.

``build.py`` turns claims into a :class:`Document`; renderers only typeset it. Every number is already
text here and every maths span already parsed, so the two outputs cannot disagree about a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

# --- inline content ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Code:
    """Monospace text: file names, commands, JSON paths."""

    text: str


@dataclass(frozen=True)
class Emph:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Math:
    """Inline maths; ``written`` when it comes from ``$...$`` markup (kept in the written order)."""

    expr: sp.Basic | str
    written: bool = False


@dataclass(frozen=True)
class Ref:
    """Link to a labelled place in the same document (a claim section, a bibliography entry)."""

    label: str
    text: str


@dataclass(frozen=True)
class VerdictTag:
    """A verdict, typeset with its colour."""

    verdict: str


Inline = Text | Code | Emph | Strong | Math | Ref | VerdictTag
Inlines = tuple[Inline, ...]


# --- blocks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    content: Inlines
    small: bool = False


@dataclass(frozen=True)
class Subheading:
    """A run-in heading inside a section (not numbered, not in the table of contents)."""

    text: str


@dataclass(frozen=True)
class Quote:
    """A quotation from a paper, with where it comes from."""

    content: Inlines
    attribution: Inlines


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inlines, ...]
    labels: tuple[str, ...] = ()  # an anchor per item (bibliography entries), or none


@dataclass(frozen=True)
class Equation:
    """A numbered display equation; ``note`` says why it holds (a derivation step's justification)."""

    expr: sp.Basic | str
    label: str | None = None
    note: Inlines = ()
    written: bool = False
    numbered: bool = True


@dataclass(frozen=True)
class GroupRow:
    """A heading row inside a table (the summary's groups)."""

    content: Inlines


Cells = tuple[Inlines, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Cells | GroupRow, ...]
    caption: Inlines = ()
    # Relative column widths; None lets the renderer size columns to content.
    widths: tuple[float, ...] | None = None
    label: str | None = None
    # A reference table (the coverage index): set smaller and tighter than the evidence tables.
    dense: bool = False


@dataclass(frozen=True)
class Figure:
    """An SVG figure; ``narrow`` is the same figure laid out for narrow screens (2 columns), if any;
    ``outlines`` the same figure with its text as outlines (the PDF's), if any."""

    svg: str
    caption: Inlines
    label: str
    narrow: str | None = None
    outlines: str | None = None


@dataclass(frozen=True)
class Details:
    """Material the HTML shows collapsed; the PDF shows ``pdf_note`` (where to find it) instead."""

    summary: str
    blocks: tuple[Block, ...]
    pdf_note: Inlines = ()


@dataclass(frozen=True)
class GraphNode:
    label: str  # the section it links to
    lines: tuple[str, ...]  # text lines of the box
    verdict: str
    x: float  # centre, in graph units (px at 100 %)
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class GraphEdge:
    points: tuple[tuple[float, float], ...]  # from the used claim to the claim that uses it


@dataclass(frozen=True)
class Graph:
    """The claim graph, laid out: nodes and edges in units of ``width`` × ``height``."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    width: float
    height: float
    caption: Inlines
    label: str = "claim-graph"
    narrow: Graph | None = None  # the same graph for narrow screens (the grid in fewer columns)


Block = Paragraph | Subheading | Quote | BulletList | Equation | Table | Figure | Details | Graph


@dataclass
class Section:
    title: str
    label: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    # Label of a place the section links back to (a claim section links to the summary).
    back: str | None = None
    in_toc: bool = True


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]


def inlines(*parts: Inline | str) -> Inlines:
    """Inline content from parts; plain strings become :class:`Text`."""
    return tuple(Text(p) if isinstance(p, str) else p for p in parts)


def walk(sections: list[Section]) -> list[tuple[int, Section]]:
    """Every section with its depth (1 = top level), in document order."""
    out: list[tuple[int, Section]] = []

    def visit(secs: list[Section], depth: int) -> None:
        for s in secs:
            out.append((depth, s))
            visit(s.subsections, depth + 1)

    visit(sections, 1)
    return out
