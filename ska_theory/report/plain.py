"""Maths boxes as one line of Unicode text, for terminals (``ska-theory check``) and its JUnit report.

The third serialiser of ``mathbox``'s boxes, beside MathML and Typst, so a summary reads the same
symbols in a terminal as in the report: ``$nabla_z_H$`` prints ∇_z H, never the markup's spelling.
"""

from __future__ import annotations

import unicodedata

from ska_theory.report.mathbox import (
    Accent,
    Fence,
    Frac,
    Grid,
    Ident,
    Limits,
    Node,
    Num,
    Op,
    Root,
    Row,
    Scripts,
    Space,
    Txt,
    to_boxes,
)
from ska_theory.report.notation import MarkupError, parse_math, split_markup

_SUB = str.maketrans("0123456789+−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+−=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")


def _script(node: Node, table: dict[int, int], mark: str) -> str:
    """A sub/superscript in Unicode small characters where every character has one, else mark + text."""
    text = to_text(node).replace(" ", "")
    if set(text) <= {"′"}:  # f′: a prime is written on the line
        return text
    if all(ord(c) in table for c in text):
        return text.translate(table)
    return f"{mark}{text}" if _atom(text) else f"{mark}({text})"


_POWERS = "⁰¹²³⁴⁵⁶⁷⁸⁹′"


def _atom(text: str) -> bool:
    """Reads as one unit after / or ^: no spaces or operators, or one bracket around all of it."""
    return not any(c in text for c in " +−-/=") or _enclosed(text.rstrip(_POWERS))


def _enclosed(text: str) -> bool:
    """True when the first character opens a bracket that the last character closes."""
    if text[:1] not in ("(", "[") or text[-1:] not in (")", "]"):
        return False
    depth = 0
    for i, c in enumerate(text):
        depth += (c in "([") - (c in ")]")
        if depth == 0:
            return i == len(text) - 1
    return False


def _group(node: Node) -> str:
    text = to_text(node)
    return text if _atom(text) else f"({text})"


def _unary(prev: Node | None) -> bool:
    """A minus or plus with no left operand (a sign, not a binary operator)."""
    return prev is None or (isinstance(prev, Op) and prev.kind != "fence")


def _spaced(prev: Node | None, item: Node) -> bool:
    """A space between two juxtaposed factors, where writing them together would read as one name."""
    if prev is None or isinstance(prev, Op | Space | Num) or isinstance(item, Op | Space | Fence):
        return False
    if isinstance(prev, Ident) and prev.text in ("d", "∂", "Δ"):  # dH, ∂V, ΔD: an operator on its letter
        return False
    base = item.base if isinstance(item, Scripts) else item
    short = isinstance(prev, Ident | Accent) and isinstance(base, Ident | Accent)
    return not (short and len(to_text(prev)) == 1 and len(to_text(base)) == 1)


def _row(items: tuple[Node, ...]) -> str:
    out, prev = "", None
    for item in items:
        if isinstance(item, Op) and item.kind in ("bin", "rel") and item.text in "+−" and _unary(prev):
            out += item.text
        else:
            out += (" " if _spaced(prev, item) else "") + to_text(item)
        prev = item
    return out


def to_text(n: Node) -> str:
    """One line of Unicode for the boxes ``n`` (fractions as a/b, scripts as small characters or _ ^)."""
    if isinstance(n, Ident | Num | Txt):
        return n.text
    if isinstance(n, Op):
        return f" {n.text} " if n.kind in ("rel", "bin") else (f"{n.text} " if n.kind == "punct" else n.text)
    if isinstance(n, Space):
        return " "
    if isinstance(n, Row):
        return _row(n.items)
    if isinstance(n, Frac):
        return f"{_group(n.num)}/{_group(n.den)}"
    if isinstance(n, Scripts | Limits):
        base, low, high = (n.base, n.sub, n.sup) if isinstance(n, Scripts) else (n.base, n.under, n.over)
        text = to_text(base)
        text += _script(low, _SUB, "_") if low is not None else ""
        return text + (_script(high, _SUP, "^") if high is not None else "")
    if isinstance(n, Accent):
        return unicodedata.normalize("NFC", to_text(n.base) + _ACCENTS.get(n.accent, ""))
    if isinstance(n, Root):
        return f"√{_group(n.body)}"
    if isinstance(n, Fence):
        return f"{n.open}{to_text(n.body).strip()}{n.close}"
    if isinstance(n, Grid):
        return "{" + "; ".join(", ".join(to_text(c) for c in r) for r in n.rows) + "}"
    raise TypeError(f"not a maths box: {n!r}")


# Combining characters for notation.ACCENTS' keys (ż, z̈, x̂, x̄, x̃).
_ACCENTS = {"dot": "\u0307", "ddot": "\u0308", "hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}


def markup_text(text: str) -> str:
    """Prose with ``$...$`` maths as plain Unicode text; a span that does not parse stays as written."""
    try:
        pieces = split_markup(text)
    except MarkupError:
        return text
    out: list[str] = []
    for kind, body in pieces:
        if kind == "text":
            out.append(body)
            continue
        try:
            out.append(to_text(to_boxes(parse_math(body), written_order=True)).strip())
        except (MarkupError, TypeError, ValueError):
            out.append(f"${body}$")
    return "".join(out)
