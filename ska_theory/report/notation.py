"""Notation shared by the Typst and MathML printers: symbol names, and how a long equation breaks."""

from __future__ import annotations

import sympy as sp
from sympy.printing.pretty.pretty_symbology import greek_unicode

# Names that are not Greek letters but are written as symbols in the papers.
NAMED_SYMBOLS = {"nabla": "∇", "partial": "∂", "ell": "ℓ", "hbar": "ℏ"}

# Name suffixes SymPy's LaTeX printer also reads as accents (``zdot`` is ż): suffix, Typst accent,
# MathML accent character. Longest suffix first.
ACCENTS = (
    ("ddot", "dot.double", "\u00a8"),
    ("dot", "dot", "\u02d9"),
    ("hat", "hat", "^"),
    ("bar", "overline", "\u00af"),
    ("tilde", "tilde", "~"),
)

RELATIONS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
# As SymPy's MathML printer writes them.
CONNECTIVES = {sp.Implies: "⇒", sp.Equivalent: "⇔"}

# (leading operators, expression): ("", lhs), ("=", first term), ("+", term), ("= -", term)...
Piece = tuple[str, sp.Basic]


def name_part(part: str) -> tuple[str, str | None]:
    """One piece of a symbol name as (letter or text, accent suffix or None): ``alphadot`` -> (α, dot)."""
    for suffix, _, _ in ACCENTS:
        if part.endswith(suffix) and len(part) > len(suffix):
            return name_part(part[: -len(suffix)])[0], suffix
    if part in greek_unicode:
        return greek_unicode[part], None
    if part[:1].isupper() and part.lower() in greek_unicode:
        return greek_unicode[part.lower()].upper(), None
    return NAMED_SYMBOLS.get(part, part), None


def signed_terms(expr: sp.Add) -> list[Piece]:
    """The terms of a sum in print order, each with its sign pulled out: a - b -> ("", a), ("-", b)."""
    out: list[Piece] = []
    for i, term in enumerate(expr.as_ordered_terms()):
        if term.could_extract_minus_sign():
            out.append(("-", -term))
        else:
            out.append(("+" if i else "", term))
    return out


def equation_pieces(expr: sp.Basic | str) -> list[Piece] | None:
    """Where a display equation too wide for a line may break: before its relations and the terms of
    its sums. None when there is nothing to break at.
    """

    def pieces(e: sp.Basic) -> list[Piece]:
        if isinstance(e, sp.Add):
            return signed_terms(e)
        if isinstance(e, sp.core.relational.Relational | sp.Implies | sp.Equivalent) and len(e.args) == 2:
            op = CONNECTIVES.get(type(e)) or RELATIONS.get(e.rel_op, "=")
            (sign, first), *rest = pieces(e.args[1])
            return [*pieces(e.args[0]), (f"{op} {sign}".strip(), first), *rest]
        return [("", e)]

    if isinstance(expr, str):
        return None
    out = pieces(expr)
    return out if len(out) > 1 else None


def lhs_stays_on_first_line(pieces: list[Piece]) -> bool:
    """A one-piece left side keeps the first right-hand piece beside it (aligned at the relation)."""
    return len(pieces) > 2 and pieces[1][0][:1] not in ("+", "-")
