"""SymPy -> a small tree of maths boxes, the one layout both renderers serialise (MathML and Typst).

One printer decides how every expression looks (symbol table, signs, fractions, parentheses, number
digits, where a long equation breaks); ``html.py`` and ``typst_printer.py`` only spell the boxes. So
the two documents cannot typeset an expression differently.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.printer import Printer

from ska_theory.report.notation import (
    DIFF_OPERATOR,
    Chain,
    Glyph,
    MarkupError,
    WAdd,
    WMul,
    WPow,
    Written,
    from_braces,
    parse_math,
    piece_kind,
    symbol_glyphs,
)

# --- boxes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ident:
    """A letter or name; ``upright`` for words, operators' names and the d of differentials;
    ``function`` for the name of a function applied to what follows (ln, tanh, Net)."""

    text: str
    upright: bool = False
    function: bool = False


@dataclass(frozen=True)
class Num:
    text: str


@dataclass(frozen=True)
class Op:
    """An operator or delimiter; ``kind`` is "rel", "bin", "punct", "fence", "large" or "plain"."""

    text: str
    kind: str = "bin"


@dataclass(frozen=True)
class Txt:
    """Upright words inside maths ("if", "otherwise")."""

    text: str


@dataclass(frozen=True)
class Row:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Frac:
    num: Node
    den: Node


@dataclass(frozen=True)
class Scripts:
    base: Node
    sub: Node | None = None
    sup: Node | None = None


@dataclass(frozen=True)
class Limits:
    """Under/over scripts (sums, products, limits)."""

    base: Node
    under: Node | None = None
    over: Node | None = None


@dataclass(frozen=True)
class Accent:
    base: Node
    accent: str  # a key of notation.ACCENTS


@dataclass(frozen=True)
class Root:
    body: Node


@dataclass(frozen=True)
class Fence:
    """Stretchy delimiters around a body: ( ), [ ], | |, { }."""

    open: str
    body: Node
    close: str


@dataclass(frozen=True)
class Grid:
    """Rows of cells: ``kind`` "cases" (a brace on the left) or "matrix" (brackets)."""

    rows: tuple[tuple[Node, ...], ...]
    kind: str


@dataclass(frozen=True)
class Space:
    """A thin space."""


Node = Ident | Num | Op | Txt | Row | Frac | Scripts | Limits | Accent | Root | Fence | Grid | Space

MINUS = "−"
TIMES = "×"
DOT = "·"
SIGNIFICANT = 6  # digits of a number in maths (as in the document's tables)

# Printed relation signs of SymPy's relational operators.
REL_SIGNS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_UPRIGHT_FUNCTIONS = {
    "sin", "cos", "tan", "cot", "sinh", "cosh", "tanh", "coth", "asin", "acos", "atan",
    "asinh", "acosh", "atanh", "exp", "log", "ln", "det", "sign", "erf", "erfc",
}  # fmt: skip


def row(*items: Node) -> Node:
    """A row, or its single item."""
    flat: list[Node] = []
    for it in items:
        flat.extend(it.items if isinstance(it, Row) else (it,))
    return flat[0] if len(flat) == 1 else Row(tuple(flat))


def glyph_node(g: Glyph) -> Node:
    """One glyph of the symbol table as boxes."""
    base: Node = Ident(g.base, upright=g.upright)
    if g.accent is not None:
        base = Accent(base, g.accent)

    def pieces(ps: tuple[str, ...]) -> Node | None:
        if not ps:
            return None
        nodes: list[Node] = []
        for p in ps:
            kind = piece_kind(p)
            if kind == "num":
                nodes.append(Num(p))
            elif kind == "op":
                nodes.append(Op(p, "punct" if p == "," else "bin"))
            elif kind == "group":
                nodes.append(Fence("(", glyph_node(Glyph(p[1:-1], upright=len(p) > 3)), ")"))
            else:
                nodes.append(Ident(p, upright=kind == "upright" or p == "T"))
        return row(*nodes)

    sub, sup = pieces(g.sub), pieces(g.sup)
    return Scripts(base, sub, sup) if sub is not None or sup is not None else base


# Names the symbol table reads itself (a base, parts, an optional ^{...} superscript or a star);
# any other name is tried as maths (``dH/dz``, ``A(D)``).
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\^\{[^{}]*\}|\^\w+)?\*?")


def symbol_node(name: str) -> Node:
    """A symbol by the symbol table; a name that is itself maths (``dH/dz``, ``A(D)``) is typeset as such."""
    op = DIFF_OPERATOR.fullmatch(name)
    if op is not None:  # ddt: the operator d/dt
        d = Ident("d", upright=True)
        return Frac(d, row(d, Ident(op.group(1))))
    if not _PLAIN_NAME.fullmatch(name) and from_braces(name) is None:
        try:
            expr = parse_math(name)
        except MarkupError:
            return Txt(name)
        if not (isinstance(expr, sp.Symbol) and expr.name == name):
            return BoxPrinter({"order": "none"}).doprint(expr)
    return row(*(glyph_node(g) for g in symbol_glyphs(name)))


def number_text(x: float) -> tuple[str, int | None]:
    """(mantissa, power of ten or None) of ``x`` to :data:`SIGNIFICANT` digits: 1.5e-07 -> ("1.5", -7)."""
    if x == 0:
        return "0", None
    if 1e-4 <= abs(x) < 1e6:
        return format(x, f".{SIGNIFICANT}g"), None
    mantissa, _, exponent = format(x, f".{SIGNIFICANT - 1}e").partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return mantissa, int(exponent)


# --- SymPy -> boxes -----------------------------------------------------------------------------------


def _prec(e: sp.Basic) -> int:
    if isinstance(e, WAdd):
        return PRECEDENCE["Add"]
    if isinstance(e, WMul):
        return PRECEDENCE["Add"] if _leading_minus(e) else PRECEDENCE["Mul"]
    if isinstance(e, WPow):
        return PRECEDENCE["Pow"]
    if isinstance(e, Chain):
        return PRECEDENCE["Relational"]
    if isinstance(e, sp.Float) and e < 0:
        return PRECEDENCE["Add"]
    return int(precedence(e))


def _leading_minus(e: sp.Basic) -> bool:
    """A written product whose first factor is negative: -1, a negative number, or -x (unary minus)."""
    if not isinstance(e, WMul) or not e.args:
        return False
    first = e.args[0]
    return bool(first.is_Number and first.is_negative) or (
        isinstance(first, sp.Mul) and first.could_extract_minus_sign()
    )


class BoxPrinter(Printer):
    """SymPy expression -> :data:`Node`. ``Written`` nodes (the markup) keep their order."""

    printmethod = "_mathbox"
    _default_settings: ClassVar[dict[str, object]] = {"order": None}

    def doprint(self, expr: object) -> Node:  # type: ignore[override]
        return self._print(expr)  # type: ignore[no-any-return]

    def emptyPrinter(self, expr: object) -> Node:
        if isinstance(expr, sp.Basic) and expr.args:
            return row(Txt(type(expr).__name__), self._fence_args(expr.args))
        return Txt(str(expr))

    def paren(self, e: sp.Basic, level: int, strict: bool = False) -> Node:
        p = _prec(e)
        if p < level or (strict and p == level):
            return Fence("(", self._print(e), ")")
        return self._print(e)  # type: ignore[no-any-return]

    def _fence_args(self, args: Sequence[object], open: str = "(", close: str = ")") -> Node:
        items: list[Node] = []
        for i, a in enumerate(args):
            if i:
                items.append(Op(",", "punct"))
            items.append(self._print(a))
        return Fence(open, row(*items) if items else Row(()), close)

    # --- atoms ----------------------------------------------------------------------------------------
    def _print_Symbol(self, e: sp.Symbol) -> Node:
        return symbol_node(e.name)

    _print_Dummy = _print_Symbol

    def _print_Integer(self, e: sp.Integer) -> Node:
        return row(Op(MINUS), Num(str(-e.p))) if e.p < 0 else Num(str(e.p))

    def _print_Rational(self, e: sp.Rational) -> Node:
        frac = Frac(Num(str(abs(e.p))), Num(str(e.q)))
        return row(Op(MINUS), frac) if e.p < 0 else frac

    def _print_Float(self, e: sp.Float) -> Node:
        x = float(e)
        if not math.isfinite(x):
            return self._print(sp.oo if x > 0 else -sp.oo) if not math.isnan(x) else Txt("undefined")
        mantissa, power = number_text(abs(x))
        body: Node = Num(mantissa)
        if power is not None:
            ten = Scripts(Num("10"), sup=row(Op(MINUS), Num(str(-power))) if power < 0 else Num(str(power)))
            body = row(Num(mantissa), Op(TIMES), ten) if mantissa != "1" else ten
        return row(Op(MINUS), body) if x < 0 else body

    def _print_int(self, e: int) -> Node:
        return self._print(sp.Integer(e))  # type: ignore[no-any-return]

    def _print_float(self, e: float) -> Node:
        return self._print(sp.Float(e))  # type: ignore[no-any-return]

    def _print_Infinity(self, e: sp.Basic) -> Node:
        return Ident("∞")

    def _print_NegativeInfinity(self, e: sp.Basic) -> Node:
        return row(Op(MINUS), Ident("∞"))

    def _print_ComplexInfinity(self, e: sp.Basic) -> Node:
        return Txt("complex ∞")

    def _print_NaN(self, e: sp.Basic) -> Node:
        return Txt("undefined")

    def _print_Pi(self, e: sp.Basic) -> Node:
        return Ident("π")

    def _print_Exp1(self, e: sp.Basic) -> Node:
        return Ident("e")

    def _print_ImaginaryUnit(self, e: sp.Basic) -> Node:
        return Ident("i")

    def _print_EulerGamma(self, e: sp.Basic) -> Node:
        return Ident("γ")

    def _print_BooleanTrue(self, e: sp.Basic) -> Node:
        return Txt("true")

    def _print_BooleanFalse(self, e: sp.Basic) -> Node:
        return Txt("false")

    def _print_str(self, e: str) -> Node:
        return Txt(e)

    # --- sums and products ------------------------------------------------------------------------------
    def signed_terms(self, e: sp.Basic) -> list[tuple[str, sp.Basic]]:
        """Terms of a sum in print order with their signs pulled out: a - b -> [("", a), ("−", b)]."""
        if isinstance(e, WAdd):
            terms = list(e.args)
        else:
            terms = list(e.as_ordered_terms()) if self._settings["order"] != "none" else list(e.args)
        out: list[tuple[str, sp.Basic]] = []
        for i, t in enumerate(terms):
            neg = _leading_minus(t) if isinstance(t, Written) else t.could_extract_minus_sign()
            if neg:
                out.append((MINUS, _negate(t)))
            else:
                out.append(("+" if i else "", t))
        return out

    def term(self, sign: str, t: sp.Basic) -> Node:
        """One term of a sum after its sign; a sum inside a sum keeps its parentheses."""
        body = self.paren(t, PRECEDENCE["Add"], strict=bool(sign) or isinstance(t, WAdd))
        return row(Op(sign), body) if sign else body

    def _print_Add(self, e: sp.Basic) -> Node:
        return row(*(self.term(s, t) for s, t in self.signed_terms(e)))

    _print_WAdd = _print_Add

    def _print_Mul(self, e: sp.Mul) -> Node:
        if e.could_extract_minus_sign():
            return row(Op(MINUS), self.paren(-e, PRECEDENCE["Mul"]))
        num, den = sp.fraction(e, exact=True)
        if den != 1:
            return Frac(self._print(num), self._print(den))
        factors = [a for a in (e.as_ordered_factors() if e.is_commutative else e.args) if a != 1]
        return self.product(factors or [sp.S.One])

    def product(self, factors: Sequence[sp.Basic]) -> Node:
        """Factors side by side; two numbers in a row get a multiplication dot."""
        nodes: list[Node] = []
        for prev, f in itertools.pairwise([None, *factors]):
            if prev is not None and _numeric(prev) and _numeric(f):
                nodes.append(Op(DOT))
            nodes.append(self.paren(f, PRECEDENCE["Mul"]))
        return row(*nodes)

    def _print_WMul(self, e: WMul) -> Node:
        if _leading_minus(e):
            return row(Op(MINUS), self.paren(_negate(e), PRECEDENCE["Mul"]))
        # As written, a/b*c is (a/b)·c: a denominator divides the factors before it.
        out: list[Node] = []
        for num, den in _written_segments(e):
            top = self.product(num) if num else Num("1")
            out.append(Frac(_strip_fence(top), _strip_fence(self.product(den))) if den else top)
        return row(*out)

    def _print_Pow(self, e: sp.Basic) -> Node:
        base, exp = e.args
        if exp == sp.S.Half:
            return Root(self._print(base))
        if isinstance(e, sp.Pow) and exp.is_Rational and exp.is_negative and base.is_commutative:
            inverse = base if exp == -1 else sp.Pow(base, -exp, evaluate=False)
            return Frac(Num("1"), self._print(inverse))
        if isinstance(e, WPow) and exp == -1:
            return Frac(Num("1"), self._print(base))
        strict = isinstance(base, sp.Pow | WPow | sp.exp) or (base.is_Number and base.is_negative)
        return Scripts(self.paren(base, PRECEDENCE["Pow"], strict=strict), sup=self._print(exp))

    _print_WPow = _print_Pow

    def _print_exp(self, e: sp.exp) -> Node:
        return Scripts(Ident("e"), sup=self._print(e.args[0]))

    # --- functions -------------------------------------------------------------------------------------
    def _print_Function(self, e: sp.Function) -> Node:
        name = type(e).__name__
        if name == "norm":  # norm(x): ‖x‖
            args = self._fence_args(e.args)
            return Fence("‖", args.body if isinstance(args, Fence) else args, "‖")
        if isinstance(e, AppliedUndef) or name == "sigma":
            head = symbol_node(name)
            if isinstance(head, Ident) and len(head.text) > 1:
                head = Ident(head.text, upright=True, function=True)
        else:
            head = Ident(name, upright=True, function=True)
        return row(head, self._fence_args(e.args))

    def _print_log(self, e: sp.log) -> Node:
        if len(e.args) == 2:
            head: Node = Scripts(Ident("log", upright=True, function=True), sub=self._print(e.args[1]))
            return row(head, self._fence_args(e.args[:1]))
        return row(Ident("ln", upright=True, function=True), self._fence_args(e.args))

    def _print_Abs(self, e: sp.Abs) -> Node:
        return Fence("|", self._print(e.args[0]), "|")

    def _print_Min(self, e: sp.Basic) -> Node:
        return row(Ident("min", upright=True, function=True), self._fence_args(e.args))

    def _print_Max(self, e: sp.Basic) -> Node:
        return row(Ident("max", upright=True, function=True), self._fence_args(e.args))

    def _print_Piecewise(self, e: sp.Piecewise) -> Node:
        rows = []
        for value, cond in e.args:
            when: Node = Txt("otherwise") if cond is sp.true else row(Txt("if"), Space(), self._print(cond))
            rows.append((self._print(value), when))
        return Grid(tuple(rows), "cases")

    def _print_MatrixBase(self, e: sp.MatrixBase) -> Node:
        return Grid(
            tuple(tuple(self._print(e[i, j]) for j in range(e.cols)) for i in range(e.rows)), "matrix"
        )

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Tuple(self, e: sp.Tuple) -> Node:
        return self._fence_args(e.args)

    def _print_tuple(self, e: tuple[object, ...]) -> Node:
        return self._fence_args(e)

    _print_list = _print_tuple

    # --- relations and logic -------------------------------------------------------------------------
    def _print_Relational(self, e: sp.core.relational.Relational) -> Node:
        return row(self._print(e.lhs), Op(REL_SIGNS.get(e.rel_op, e.rel_op), "rel"), self._print(e.rhs))

    def _print_Chain(self, e: Chain) -> Node:
        items: list[Node] = [self._print(e.sides[0])]
        for op, side in zip(e.ops, e.sides[1:], strict=True):
            items += [Op(op, "rel"), self._print(side)]
        return row(*items)

    def _connective(self, e: sp.Basic, sign: str, level: int) -> Node:
        items: list[Node] = []
        for i, a in enumerate(e.args):
            if i:
                items.append(Op(sign, "rel"))
            items.append(self.paren(a, level, strict=True))
        return row(*items)

    def _print_Implies(self, e: sp.Basic) -> Node:
        return self._connective(e, "⇒", PRECEDENCE["Relational"] - 1)

    def _print_Equivalent(self, e: sp.Basic) -> Node:
        return self._connective(e, "⇔", PRECEDENCE["Relational"] - 1)

    def _print_And(self, e: sp.Basic) -> Node:
        return self._connective(e, "∧", PRECEDENCE["And"])

    def _print_Or(self, e: sp.Basic) -> Node:
        return self._connective(e, "∨", PRECEDENCE["Or"])

    def _print_Not(self, e: sp.Basic) -> Node:
        return row(Op("¬", "plain"), self.paren(e.args[0], PRECEDENCE["Not"], strict=True))

    # --- calculus --------------------------------------------------------------------------------------
    def _differential(self, var: sp.Basic) -> Node:
        return row(Space(), Ident("d", upright=True), self._print(var))

    def _print_Integral(self, e: sp.Integral) -> Node:
        items: list[Node] = []
        for lim in reversed(e.limits):
            sign = Op("∫", "large")
            items.append(Scripts(sign, self._print(lim[1]), self._print(lim[2])) if len(lim) == 3 else sign)
        items.append(self.paren(e.function, PRECEDENCE["Mul"]))
        items += [self._differential(lim[0]) for lim in e.limits]
        return row(*items)

    def _print_Derivative(self, e: sp.Derivative) -> Node:
        if isinstance(e.expr, sp.Symbol) and len(e.variable_count) == 1 and e.variable_count[0][1] == 1:
            # ∂𝓛/∂ż: a named quantity is a function of several variables, its derivative partial.
            var = e.variable_count[0][0]
            return Frac(row(Ident("∂"), self._print(e.expr)), row(Ident("∂"), self._print(var)))
        partial = len(e.expr.free_symbols) > 1 or len(e.variable_count) > 1
        d: Node = Ident("∂") if partial else Ident("d", upright=True)
        total = sum(int(n) for _, n in e.variable_count)
        top = d if total == 1 else Scripts(d, sup=Num(str(total)))
        bottom = [
            row(d, self._print(v)) if n == 1 else row(d, Scripts(self._print(v), sup=Num(str(n))))
            for v, n in e.variable_count
        ]
        return row(Frac(top, row(*bottom)), self.paren(e.expr, PRECEDENCE["Mul"]))

    def _print_Subs(self, e: sp.Subs) -> Node:
        pairs = [
            row(self._print(v), Op("=", "rel"), self._print(p)) for v, p in zip(*e.args[1:], strict=True)
        ]
        sub = row(
            *itertools.chain.from_iterable((Op(",", "punct"), p) if i else (p,) for i, p in enumerate(pairs))
        )
        return Scripts(Fence("(", self._print(e.expr), "|"), sub=sub)

    def _big(self, sign: str, e: sp.Basic) -> Node:
        heads = [
            Limits(Op(sign, "large"), row(self._print(v), Op("=", "rel"), self._print(lo)), self._print(hi))
            for v, lo, hi in reversed(e.limits)
        ]
        return row(*heads, self.paren(e.function, PRECEDENCE["Mul"]))

    def _print_Sum(self, e: sp.Sum) -> Node:
        return self._big("∑", e)

    def _print_Product(self, e: sp.Product) -> Node:
        return self._big("∏", e)

    def _print_Limit(self, e: sp.Limit) -> Node:
        body, var, point, direction = e.args
        target = self._print(point)
        if str(direction) != "+-" and point not in (sp.oo, -sp.oo):
            target = Scripts(target, sup=Op(str(direction), "plain"))
        under = row(self._print(var), Op("→", "rel"), target)
        return row(
            Limits(Ident("lim", upright=True, function=True), under), self.paren(body, PRECEDENCE["Mul"])
        )


def _negate(t: sp.Basic) -> sp.Basic:
    """-t for a term printed after a minus sign (a written product negates its first factor)."""
    if _leading_minus(t):
        first = -t.args[0]
        rest = t.args[1:] if first == 1 else (first, *t.args[1:])
        return rest[0] if len(rest) == 1 else WMul(*rest)
    return -t


def _numeric(e: object) -> bool:
    return isinstance(e, sp.Number | int | float)


def _written_fraction(e: WMul) -> tuple[list[sp.Basic], list[sp.Basic]]:
    """(numerator factors, denominator factors) of a written product, nested products flattened."""
    num: list[sp.Basic] = []
    den: list[sp.Basic] = []
    for f in e.args:
        if isinstance(f, WMul) and not _leading_minus(f):
            n, d = _written_fraction(f)
            num += n
            den += d
        elif isinstance(f, WPow) and f.args[1].is_Number and f.args[1].is_negative:
            base, exp = f.args
            den.append(base if exp == -1 else WPow(base, -exp))
        elif f != 1:
            num.append(f)
    return num, den


def _written_segments(e: WMul) -> list[tuple[list[sp.Basic], list[sp.Basic]]]:
    """A written product as (numerator, denominator) groups in order: a/b*c/d -> (a, b), (c, d)."""
    segments: list[tuple[list[sp.Basic], list[sp.Basic]]] = [([], [])]
    for f in _flat_factors(e):
        inverse = isinstance(f, WPow) and f.args[1].is_Number and f.args[1].is_negative
        num, den = segments[-1]
        if inverse:
            base, exp = f.args
            den.append(base if exp == -1 else WPow(base, -exp))
        elif den:  # a factor after a denominator starts a new group
            segments.append(([f], []))
        elif f != 1:
            num.append(f)
    return segments


def _flat_factors(e: WMul) -> list[sp.Basic]:
    out: list[sp.Basic] = []
    for f in e.args:
        out += _flat_factors(f) if isinstance(f, WMul) and not _leading_minus(f) else [f]
    return out


def _strip_fence(n: Node) -> Node:
    """A fraction bar already groups: (a + b)/c prints without the parentheses."""
    return n.body if isinstance(n, Fence) and n.open == "(" else n


def to_boxes(expr: object, *, written_order: bool = False) -> Node:
    """``expr`` as boxes; ``written_order`` keeps SymPy's argument order of sums (for markup maths)."""
    return BoxPrinter({"order": "none" if written_order else None}).doprint(expr)


# --- widths and line breaks -------------------------------------------------------------------------

# Widths in em, measured in Chromium with its fallback maths font (the widest case): a letter 0.7,
# a digit 0.58, a relation with its spaces 1.35, a pair of stretchy parentheses 1.34.
_OP_WIDTH = {"rel": 1.35, "bin": 1.25, "lead": 1.25, "punct": 0.5, "fence": 0.67, "large": 1.1, "plain": 0.7}


def width(n: Node, scale: float = 1.0) -> float:
    """A rough width in em of ``n`` as displayed (good enough to decide where to break lines)."""
    match n:
        case Ident(text, upright):
            return scale * (0.62 * len(text) if upright or len(text) > 1 else 0.7)
        case Num(text) | Txt(text):
            return scale * 0.6 * len(text)
        case Op(text, kind):
            return scale * _OP_WIDTH.get(kind, 0.6) * max(1, len(text))
        case Row(items):
            return sum(width(i, scale) for i in items)
        case Frac(num, den):
            return max(width(num, scale), width(den, scale)) + 0.3 * scale
        case Scripts(base, sub, sup):
            s = max(width(sub, 0.7 * scale) if sub else 0.0, width(sup, 0.7 * scale) if sup else 0.0)
            return width(base, scale) + s + 0.05 * scale
        case Limits(base, under, over):
            return max(width(base, scale), *(width(x, 0.7 * scale) for x in (under, over) if x))
        case Accent(base, _):
            return width(base, scale)
        case Root(body):
            return width(body, scale) + 0.9 * scale
        case Fence(_, body, _):
            return width(body, scale) + 1.34 * scale
        case Grid(rows, _):
            cols = [max(width(r[j], scale) for r in rows) for j in range(max(len(r) for r in rows))]
            return sum(cols) + 1.0 * scale * len(cols)
        case Space():
            return 0.17 * scale
    raise TypeError(f"unknown box {n!r}")


@dataclass(frozen=True)
class Piece:
    """A piece of a long equation: its leading operator (a relation or a sign, or none) and body."""

    op: Node | None
    body: Node

    def node(self) -> Node:
        return row(self.op, self.body) if self.op is not None else self.body

    def width(self) -> float:
        return width(self.node())


def _sides(expr: sp.Basic) -> tuple[list[sp.Basic], list[str]] | None:
    if isinstance(expr, Chain):
        return list(expr.sides), list(expr.ops)
    if isinstance(expr, sp.core.relational.Relational):
        return [expr.lhs, expr.rhs], [REL_SIGNS.get(expr.rel_op, "=")]
    if isinstance(expr, sp.Implies | sp.Equivalent) and len(expr.args) == 2:
        return list(expr.args), ["⇒" if isinstance(expr, sp.Implies) else "⇔"]
    return None


def _pieces(p: BoxPrinter, e: sp.Basic, lead: Node | None, budget: float) -> list[Piece]:
    """``e`` cut before the terms of a sum, and a too-wide product before its factors."""
    if isinstance(e, sp.Add | WAdd):
        out: list[Piece] = []
        for i, (sign, t) in enumerate(p.signed_terms(e)):
            op: Node | None = Op(sign) if sign else None
            if i == 0 and lead is not None:
                op = row(lead, Op(sign)) if sign else lead
            out += _product_pieces(p, t, op, budget)
        return out
    return _product_pieces(p, e, lead, budget)


def _product_pieces(p: BoxPrinter, t: sp.Basic, op: Node | None, budget: float) -> list[Piece]:
    """A term too wide for a line: a product breaks before its factors (a fraction is set as
    (1/den) times its numerator), a sum inside a fraction before its terms, an integral before the
    factors of its integrand."""
    whole = Piece(op, p.term("", t) if op is not None else p._print(t))
    if whole.width() <= budget:
        return [whole]
    if isinstance(t, sp.Integral) and len(t.limits) == 1 and isinstance(t.function, sp.Mul | WMul):
        head = p._print(sp.Integral(sp.Symbol("X"), t.limits[0]))  # the sign with its limits
        sign = head.items[0] if isinstance(head, Row) else head
        pieces = _factor_pieces(p, sign, _factors(t.function)[0], op)
        last = pieces[-1]
        pieces[-1] = Piece(last.op, row(last.body, p._differential(t.limits[0][0])))
        return pieces
    if not isinstance(t, sp.Mul | WMul):
        return [whole]
    negative = _leading_minus(t) if isinstance(t, WMul) else t.could_extract_minus_sign()
    if negative:
        t = _negate(t)
        op = row(op, Op(MINUS)) if op is not None else Op(MINUS)
    factors, den = _factors(t)
    head = Frac(Num("1"), _strip_fence(p._print(den))) if den != 1 else None
    if head is not None and len(factors) == 1 and isinstance(factors[0], sp.Add | WAdd):
        return _open_sum(p, row(head, Op("(", "fence")), factors[0], op)
    if len(factors) + (head is not None) < 2:
        return [whole]
    return _factor_pieces(p, head, factors, op)


def _factors(t: sp.Basic) -> tuple[list[sp.Basic], sp.Basic]:
    """(numerator factors, denominator) of a product."""
    if isinstance(t, WMul):
        nums, dens = _written_fraction(t)
        den = (dens[0] if len(dens) == 1 else WMul(*dens)) if dens else sp.S.One
        return nums or [sp.S.One], den
    num, den = sp.fraction(t, exact=True)
    if isinstance(num, sp.Mul):
        return [f for f in num.as_ordered_factors() if f != 1], den
    return [num], den


def _factor_pieces(p: BoxPrinter, head: Node | None, factors: list[sp.Basic], op: Node | None) -> list[Piece]:
    nodes = [p.paren(f, PRECEDENCE["Mul"]) for f in factors]
    first = row(head, nodes[0]) if head is not None else nodes[0]
    return [Piece(op, first), *(Piece(Op(TIMES), n) for n in nodes[1:])]


def _open_sum(p: BoxPrinter, head: Node, total: sp.Basic, op: Node | None) -> list[Piece]:
    """``head`` then the terms of ``total`` as pieces, the closing parenthesis after the last."""
    terms = p.signed_terms(total)
    out: list[Piece] = []
    for i, (sign, t) in enumerate(terms):
        body = p.term("", t)
        if i == len(terms) - 1:
            body = row(body, Op(")", "fence"))
        if i == 0:
            lead = row(Op(sign), body) if sign else body
            out.append(Piece(op, row(head, lead)))
        else:
            out.append(Piece(Op(sign), body))
    return out


@dataclass(frozen=True)
class Lines:
    """A display equation over several lines: ``left`` (the first line's left side, aligned at the
    relation) and each line's right part."""

    left: Node | None
    rights: tuple[Node, ...]


def break_lines(expr: object, budget: float, *, written_order: bool = False) -> Lines | None:
    """``expr`` packed into lines of at most ``budget`` em, broken before relations, the terms of its
    sums and (when a term is still too wide) the factors of a product; None when it fits on one line
    or has nowhere to break."""
    if not isinstance(expr, sp.Basic):
        return None
    p = BoxPrinter({"order": "none" if written_order else None})
    if width(p.doprint(expr)) <= budget:
        return None
    sides = _sides(expr)
    pieces: list[Piece] = []
    if sides is None:
        pieces = _pieces(p, expr, None, budget)
    else:
        exprs, ops = sides
        pieces = _pieces(p, exprs[0], None, budget)
        for op, side in zip(ops, exprs[1:], strict=True):
            pieces += _pieces(p, side, Op(op, "rel"), budget)
    if len(pieces) < 2:
        return None
    left: Node | None = None
    # A short left side stays beside the first line, the others aligned under its relation; a long one
    # gets a line of its own.
    if (
        sides is not None
        and pieces[0].op is None
        and pieces[1].op is not None
        and _is_relation(pieces[1])
        and pieces[0].width() <= budget / 3
    ):
        left, pieces = pieces[0].body, pieces[1:]
    budget_right = budget - (width(left) if left is not None else 0.0)
    lines: list[list[Piece]] = [[]]
    for piece in pieces:
        current = lines[-1]
        if current and sum(x.width() for x in current) + piece.width() > budget_right:
            lines.append([])
        lines[-1].append(piece)
    if len(lines) < 2:
        return None
    return Lines(left, tuple(_line(line, first=i == 0) for i, line in enumerate(lines)))


def _line(pieces: list[Piece], *, first: bool) -> Node:
    """One line: factors side by side (the × only where a product breaks), a continuation line's
    leading operator kept binary."""
    nodes: list[Node] = []
    for k, x in enumerate(pieces):
        if k and isinstance(x.op, Op) and x.op.text == TIMES:
            nodes.append(x.body)
        elif k == 0 and not first:
            nodes.append(_lead(x.node()))
        else:
            nodes.append(x.node())
    return row(*nodes)


def _lead(n: Node) -> Node:
    """A continuation line's first operator stays binary (spaced), not a sign."""
    if isinstance(n, Row) and isinstance(n.items[0], Op) and n.items[0].kind == "bin":
        return Row((Op(n.items[0].text, "lead"), *n.items[1:]))
    return n


def _is_relation(piece: Piece) -> bool:
    op = piece.op
    first = op.items[0] if isinstance(op, Row) else op
    return isinstance(first, Op) and first.kind == "rel"
