"""The paper's notation: the ``$...$`` maths markup of prose, and the symbol table both printers use.

Prose strings a claim produces may hold inline maths between ``$`` signs, written in SymPy syntax
(``$H_b(sigma(z)) - H_b(sigma(z_0))$``). :func:`split_markup` cuts a string into text and maths;
:func:`parse_math` turns one maths span into a SymPy object *as written*: the order of terms and
factors is kept (:class:`Written` nodes), nothing is simplified, unknown names become symbols and
unknown calls undefined functions. A span that does not parse raises :class:`MarkupError`.

:func:`symbol_glyphs` is the symbol table: how a SymPy name prints (``nabla_z_H`` -> ∇_z H,
``zdot`` -> ż, ``D_l_minus_1__T`` -> D_{l−1}ᵀ, ``dW_l`` -> dW_l, ``Delta_H`` -> ΔH, ``calL`` -> 𝓛).
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.parsing.sympy_parser import convert_xor, parse_expr, standard_transformations
from sympy.printing.conventions import split_super_sub
from sympy.printing.pretty.pretty_symbology import greek_unicode

from ska_theory.symbolic.definitions import sigma


class MarkupError(ValueError):
    """A ``$...$`` span (or the ``$`` signs of a string) that cannot be typeset."""


# --- the symbol table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Glyph:
    """One printed symbol: a base with optional sub/superscript pieces and an accent.

    ``upright`` bases are operators or words (d of a differential, "Net", "SKA"); pieces are printed
    by :func:`piece_kind`: digits as numbers, one letter italic, words upright, ``−``/``+``/``,`` as
    operators.
    """

    base: str
    upright: bool = False
    sub: tuple[str, ...] = ()
    sup: tuple[str, ...] = ()
    accent: str | None = None  # a key of ACCENTS


# Name suffixes read as accents (as SymPy's LaTeX printer reads them): suffix -> combining character
# shown over the base. ``prime`` is a superscript ′ instead. Longest suffix first.
ACCENTS: dict[str, str] = {"ddot": "\u00a8", "dot": "\u02d9", "hat": "^", "bar": "\u00af", "tilde": "~"}
PRIME = "′"
# d/dt (and d/dz...) as an operator in front of what it differentiates: ddt.
DIFF_OPERATOR = re.compile(r"dd([a-z])")
# Names that are not Greek letters but are symbols in the papers.
NAMED_SYMBOLS = {"nabla": "∇", "partial": "∂", "ell": "ℓ", "hbar": "ℏ", "infty": "∞"}
# Words inside sub/superscripts that are operators: D_l_minus_1 -> D_{l−1}.
PIECE_WORDS = {"minus": "−", "plus": "+", "prime": PRIME}
# Bases that take a subscript and then a following symbol: nabla_z_H -> ∇_z H.
_SUBSCRIPTED_OPERATORS = ("nabla", "partial")
# Bases written in front of the next symbol: Delta_H -> ΔH.
_PREFIX_OPERATORS = ("Delta",)
_DIFFERENTIAL = re.compile(r"d([A-Za-z])(?=$|_)")
_SCRIPT_CAPITAL = re.compile(r"cal([A-Z])")


def _script(letter: str) -> str:
    """Bold script capital (𝓛 for L), the papers' Lagrangian letter."""
    return chr(0x1D4D0 + ord(letter) - ord("A"))


def name_part(part: str) -> tuple[str, str | None]:
    """One piece of a name as (text, accent): ``alphadot`` -> (α, "dot"), ``sigmaprime`` -> (σ, "prime")."""
    if part.endswith("prime") and len(part) > 5:
        return name_part(part[:-5])[0], "prime"
    for suffix in ACCENTS:
        if part.endswith(suffix) and len(part) > len(suffix):
            return name_part(part[: -len(suffix)])[0], suffix
    if part in greek_unicode:
        return greek_unicode[part], None
    m = _SCRIPT_CAPITAL.fullmatch(part)
    if m:
        return _script(m.group(1)), None
    return NAMED_SYMBOLS.get(part, part), None


def _pieces(parts: list[str]) -> tuple[str, ...]:
    """Sub/superscript parts as printed pieces, with commas between adjacent operands: w_1_11 -> 1, 11."""
    out: list[str] = []
    for p in parts:
        text = PIECE_WORDS.get(p) or name_part(p)[0]
        if out and out[-1] not in PIECE_WORDS.values() and text not in PIECE_WORDS.values():
            out.append(",")
        out.append(text)
    return tuple(out)


def is_upright(text: str) -> bool:
    """Words (more than one letter) print upright; single letters and symbols italic/as they are."""
    return len(text) > 1 and not text.isdigit()


@dataclass(frozen=True)
class _Split:
    head: str
    rest: str


def _split_first(name: str) -> _Split | None:
    """``nabla_z_H_l`` -> (nabla_z, H_l): an operator base, its one subscript, and what follows."""
    parts = name.split("_")
    if len(parts) >= 3 and parts[0] in _SUBSCRIPTED_OPERATORS:
        return _Split("_".join(parts[:2]), "_".join(parts[2:]))
    if len(parts) >= 2 and parts[0] in _PREFIX_OPERATORS:
        return _Split(parts[0], "_".join(parts[1:]))
    return None


_BRACED = re.compile(
    r"(?P<base>[A-Za-z]+)(?:_\{(?P<sub>[^{}]*)\}|_(?P<sub1>[A-Za-z0-9]))?(?:\^\{?(?P<sup>[^{}]*)\}?)?"
)
_BRACED_OPS = {"-": "_minus_", "+": "_plus_", ",": "_"}


def from_braces(name: str) -> str | None:
    """``D_{l-1}^T`` (LaTeX-style braces) as the table's form ``D_l_minus_1__T``; None if not that form."""
    m = _BRACED.fullmatch(name)
    if m is None or not ("{" in name or "^" in name):
        return None

    def parts(text: str) -> str:
        for op, word in _BRACED_OPS.items():
            text = text.replace(op, word)
        return "_".join(p for p in re.split(r"[\s_]+", text) if p)

    sub = m.group("sub") if m.group("sub") is not None else m.group("sub1")
    out = m.group("base") + (f"_{parts(sub)}" if sub else "")
    return out + (f"__{parts(m.group('sup'))}" if m.group("sup") else "")


def symbol_glyphs(name: str) -> tuple[Glyph, ...]:
    """How the symbol ``name`` prints (module docstring): one glyph, or several side by side."""
    if name == "d":  # the d of d/dt
        return (Glyph("d", upright=True),)
    braced = from_braces(name)
    if braced is not None:
        return symbol_glyphs(braced)
    split = _split_first(name)
    if split is not None:
        return symbol_glyphs(split.head) + symbol_glyphs(split.rest)
    m = _DIFFERENTIAL.match(name)
    greek = re.match(r"d([a-zA-Z]+?)(?=$|_)", name)
    if (m or (greek and greek.group(1) in greek_unicode)) and not name.startswith(("delta", "dot")):
        return (Glyph("d", upright=True), *symbol_glyphs(name[1:]))
    if name.endswith("*") and len(name) > 1:  # z* (a special point): a superscript star
        (*head, last) = symbol_glyphs(name[:-1])
        return (*head, Glyph(last.base, last.upright, last.sub, (*last.sup, "∗"), last.accent))
    base, sups, subs = split_super_sub(name)
    if len(subs) == 1 and subs[0] in ACCENTS:  # z_dot: the accent, as zdot
        base, subs = base + subs[0], []
    text, accent = name_part(base)
    sup = _pieces(sups)
    if accent == "prime":
        sup, accent = (PRIME, *sup), None
    upright = is_upright(text) and accent is None
    return (Glyph(text, upright=upright, sub=_pieces(subs), sup=sup, accent=accent),)


def piece_kind(piece: str) -> str:
    """How a sub/superscript piece prints: "num", "op", "group" ("(l)"), "upright" (a word) or "ident"."""
    if len(piece) > 2 and piece[0] == "(" and piece[-1] == ")":
        return "group"
    if piece.isdigit():
        return "num"
    if piece in (*PIECE_WORDS.values(), ","):
        return "op"
    return "upright" if is_upright(piece) else "ident"


# --- maths as written -------------------------------------------------------------------------------


class Written(sp.Expr):
    """An operation kept exactly as written (argument order and nesting): for typesetting only."""

    def __new__(cls, *args: Any, evaluate: bool = False) -> Written:
        return sp.Expr.__new__(cls, *(sp.sympify(a) for a in args))  # type: ignore[no-any-return]


class WAdd(Written):
    """a + b (- c is WMul(-1, c)), terms in the written order."""


class WMul(Written):
    """a * b (/ c is WPow(c, -1)), factors in the written order."""


class WPow(Written):
    """a ** b."""


class Chain(sp.Expr):
    """A chain of relations ``a = b ≤ c`` (or a relation SymPy cannot build): sides and operators."""

    def __new__(cls, sides: tuple[sp.Basic, ...], ops: tuple[str, ...]) -> Chain:
        obj = sp.Expr.__new__(cls, sp.Tuple(*sides), sp.Tuple(*(sp.Symbol(o) for o in ops)))
        return obj  # type: ignore[no-any-return]

    @property
    def sides(self) -> tuple[sp.Basic, ...]:
        return tuple(self.args[0])  # type: ignore[arg-type]

    @property
    def ops(self) -> tuple[str, ...]:
        return tuple(str(o) for o in self.args[1])  # type: ignore[attr-defined]


# Relations of the markup, longest first (so "<=" is not read as "<" then "="): text -> printed sign.
RELATIONS: dict[str, str] = {
    "<->": "⇔",
    "->": "→",  # tends to (tau -> 0, z -> -oo); never logic, so SymPy cannot evaluate it away
    "=>": "⇒",
    "~=": "≈",
    "==": "=",
    "!=": "≠",
    "<=": "≤",
    ">=": "≥",
    "=": "=",
    "<": "<",
    ">": ">",
}
_SYMPY_RELATION: dict[str, Callable[..., sp.Basic]] = {
    "=": sp.Eq,
    "≠": sp.Ne,
    "<": sp.Lt,
    "≤": sp.Le,
    ">": sp.Gt,
    "≥": sp.Ge,
}
_LOGIC: dict[str, Callable[..., sp.Basic]] = {"⇒": sp.Implies, "⇔": sp.Equivalent}


def _no_eval(f: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *args: f(*args, evaluate=False)


class _Sigma(sp.Symbol):
    """``sigma`` in the markup: σ applied as sigma(z), or the bare letter σ as the papers write it."""

    def __call__(self, *args: Any) -> sp.Basic:  # type: ignore[override]
        return sigma(*args, evaluate=False)  # type: ignore[no-any-return]


# The names a maths span may use besides its own symbols; anything else becomes a symbol (N, E, S, I,
# beta, gamma... are letters here, not SymPy's objects).
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sigma": _Sigma("sigma"),
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sqrt": sp.sqrt,
    "Abs": sp.Abs,
    "Min": _no_eval(sp.Min),
    "Max": _no_eval(sp.Max),
    "tanh": sp.tanh,
    "Integral": sp.Integral,
    "Derivative": sp.Derivative,
    "Sum": sp.Sum,
    "Product": sp.Product,
    "Limit": sp.Limit,
    "Piecewise": sp.Piecewise,
}
_GLOBALS: dict[str, Any] = {
    **_FUNCTIONS,
    "Add": WAdd,
    "Mul": WMul,
    "Pow": WPow,
    "Symbol": sp.Symbol,
    "Function": sp.Function,
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Rational": sp.Rational,
    "oo": sp.oo,
    "pi": sp.pi,
    "Eq": sp.Eq,
    "Ne": sp.Ne,
    "Lt": sp.Lt,
    "Le": sp.Le,
    "Gt": sp.Gt,
    "Ge": sp.Ge,
    "And": sp.And,
    "Or": sp.Or,
    "Not": sp.Not,
    "True": sp.true,
    "False": sp.false,
}


def split_relations(src: str) -> tuple[list[str], list[str]]:
    """(sides, printed relation signs) of ``src``, split at relations outside brackets."""
    sides, ops, depth, start, i = [], [], 0, 0, 0
    while i < len(src):
        ch = src[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            op = next((r for r in RELATIONS if src.startswith(r, i)), None)
            if op is not None:
                sides.append(src[start:i])
                ops.append(RELATIONS[op])
                i += len(op)
                start = i
                continue
        i += 1
    sides.append(src[start:])
    return sides, ops


# The papers' layer superscript: H^(l), z_k^(l), dW^(l) are names with a parenthesised superscript.
_LAYER_SUPERSCRIPT = re.compile(r"\b([A-Za-z][A-Za-z0-9_]*)\^\(([A-Za-z0-9]{1,3})\)")


def _parse_side(src: str) -> sp.Basic:
    try:
        out = parse_expr(
            _LAYER_SUPERSCRIPT.sub(r"Symbol('\1^{(\2)}')", src),
            local_dict={},
            global_dict={"__builtins__": {}, **_GLOBALS},
            transformations=(*standard_transformations, convert_xor),
            evaluate=False,
        )
    except (
        SyntaxError,
        TypeError,
        ValueError,
        AttributeError,
        NameError,
        tokenize.TokenError,
        sp.SympifyError,
    ) as e:
        raise MarkupError(f"${src.strip()}$ does not parse ({type(e).__name__})") from None
    if callable(out) and src.strip().isidentifier():  # a function's name on its own: $sigma$
        return sp.Symbol(src.strip())
    if not isinstance(out, sp.Basic):
        raise MarkupError(f"${src.strip()}$ is not maths (it reads as {type(out).__name__})")
    return out


def _relation(op: str, lhs: sp.Basic, rhs: sp.Basic) -> sp.Basic | None:
    """The SymPy relation ``lhs op rhs``, or None when SymPy cannot represent it."""
    try:
        if op in _LOGIC:
            return _LOGIC[op](lhs, rhs)
        if op in _SYMPY_RELATION:
            return _SYMPY_RELATION[op](lhs, rhs, evaluate=False)
    except (TypeError, ValueError):
        pass
    return None  # ≈, or a relation SymPy cannot build: a Chain


def parse_math(src: str) -> sp.Basic:
    """One maths span (without its ``$`` signs) as SymPy, as written (module docstring)."""
    if not src.strip():
        raise MarkupError("empty $...$")
    if "$" in src:
        raise MarkupError(f"${src}$: a $ inside maths")
    outer, arrows = _split_at(src, ("<->", "->", "=>"))
    parts = [_parse_relations(s) for s in outer]
    if not arrows:
        return parts[0]
    if len(parts) == 2:
        rel = _relation(arrows[0], parts[0], parts[1])
        if rel is not None:
            return rel
    return Chain(tuple(parts), tuple(arrows))


def _split_at(src: str, ops: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Split at the logical arrows only (they bind loosest), outside brackets."""
    sides, signs = split_relations(src)
    out, arrows, current = [], [], ""
    pos = 0
    # Re-walk the original text: keep relations other than arrows inside their side.
    for side, sign in zip(sides, [*signs, None], strict=True):
        current += side
        pos += len(side)
        if sign is None:
            break
        op = next(r for r in RELATIONS if src.startswith(r, pos))
        pos += len(op)
        if op in ops:
            out.append(current)
            arrows.append(sign)
            current = ""
        else:
            current += op
    out.append(current)
    return out, arrows


def _parse_relations(src: str) -> sp.Basic:
    sides, ops = split_relations(src)
    if any(not s.strip() for s in sides):
        raise MarkupError(f"${src.strip()}$: a relation is missing a side")
    exprs = [_parse_side(s) for s in sides]
    if not ops:
        return exprs[0]
    if len(exprs) == 2:
        rel = _relation(ops[0], exprs[0], exprs[1])
        if rel is not None:
            return rel
    return Chain(tuple(exprs), tuple(ops))


# --- prose with maths ---------------------------------------------------------------------------------


def split_markup(text: str) -> list[tuple[str, str]]:
    """``text`` as [("text", ...), ("math", ...)] pieces; ``\\$`` is a literal dollar sign."""
    out: list[tuple[str, str]] = []
    buf, math, i = "", False, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text[i + 1 : i + 2] == "$":
            buf += "$"
            i += 2
            continue
        if ch == "$":
            if buf or math:
                out.append(("math" if math else "text", buf))
            buf, math = "", not math
        else:
            buf += ch
        i += 1
    if math:
        raise MarkupError(f"unbalanced $ in {text!r}")
    if buf:
        out.append(("text", buf))
    return out


def parse_markup(text: str) -> list[str | sp.Basic]:
    """Prose as text strings and parsed maths (SymPy objects), in order; MarkupError when a span fails."""
    return [body if kind == "text" else parse_math(body) for kind, body in split_markup(text)]


def display_math(text: str) -> sp.Basic | None:
    """The maths of a string that is exactly one ``$...$`` span (a display equation), else None."""
    pieces = split_markup(text.strip())
    if len(pieces) == 1 and pieces[0][0] == "math":
        return parse_math(pieces[0][1])
    return None
