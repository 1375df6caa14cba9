"""A small document model shared by the HTML and PDF renderers.

``build.py`` turns claims into a :class:`Document`; renderers only typeset it. Every number is already
text here, so the two outputs cannot disagree about a value.
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
    """Monospace text: identifiers, file names, numbers copied from the record."""

    text: str


@dataclass(frozen=True)
class Emph:
    text: str


@dataclass(frozen=True)
class Math:
    """Inline math."""

    expr: sp.Basic | str


@dataclass(frozen=True)
class Ref:
    """Link to a labelled block in the same document (a claim section, an equation)."""

    label: str
    text: str


@dataclass(frozen=True)
class VerdictTag:
    """A verdict, typeset with its colour."""

    verdict: str


Inline = Text | Code | Emph | Math | Ref | VerdictTag
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

    text: str
    attribution: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inlines, ...]


@dataclass(frozen=True)
class Equation:
    """A numbered display equation; ``note`` says why it holds (a derivation step's justification)."""

    expr: sp.Basic | str
    label: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    caption: str = ""
    # Relative column widths; None lets the renderer size columns to content.
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Figure:
    svg: str
    caption: str
    label: str


Block = Paragraph | Subheading | Quote | BulletList | Equation | Table | Figure


@dataclass
class Section:
    title: str
    label: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


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
