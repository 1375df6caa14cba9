"""SymPy expressions as Typst math, for the subset the toolkit emits (σ, ln, integrals, derivatives...).

Anything without a rule falls back to its ``sstr`` form as quoted upright text, so every expression
compiles; the rules cover what ``proofs/`` and ``sims/`` produce.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import ClassVar

import sympy as sp
from sympy.printing.conventions import split_super_sub
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.printer import Printer

from ska_theory.report.notation import (
    ACCENTS,
    CONNECTIVES,
    NAMED_SYMBOLS,
    RELATIONS,
    equation_pieces,
    lhs_stays_on_first_line,
    name_part,
    signed_terms,
)

# Functions Typst typesets upright as operators under their own name.
_TYPST_OPS = {
    "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "coth",
    "arcsin", "arccos", "arctan", "exp", "log", "ln", "det", "min", "max", "sup", "inf", "lim",
}  # fmt: skip


def typst_string(text: str) -> str:
    """A Typst string literal (usable in markup after ``#`` and in math as upright text)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


_TYPST_ACCENT = {suffix: accent for suffix, accent, _ in ACCENTS}


def _name_part(part: str) -> str:
    """Typst for one piece of a symbol name: a letter, a number, or quoted upright text."""
    text, accent = name_part(part)
    plain = text.isdigit() or (len(text) == 1 and (text.isalpha() or text in NAMED_SYMBOLS.values()))
    out = text if plain else typst_string(text)
    return f"{_TYPST_ACCENT[accent]}({out})" if accent else out


def symbol_name(name: str) -> str:
    """``alpha_k^2`` -> ``α_(k)^(2)``; multi-letter names become quoted upright text."""
    base, sups, subs = split_super_sub(name)
    out = _name_part(base)
    if subs:
        out += "_(" + " ".join(_name_part(p) for p in subs) + ")"
    if sups:
        out += "^(" + " ".join(_name_part(p) for p in sups) + ")"
    return out


class TypstPrinter(Printer):
    """Print SymPy expressions as the body of a Typst math block (without the ``$`` delimiters)."""

    printmethod = "_typst"
    _default_settings: ClassVar[dict[str, object]] = {"order": None}

    def emptyPrinter(self, expr: object) -> str:
        return typst_string(sp.sstr(expr) if isinstance(expr, sp.Basic) else str(expr))

    def parenthesize(self, item: sp.Basic, level: int, strict: bool = False) -> str:
        prec = precedence(item)
        if prec < level or (strict and prec == level):
            return f"({self._print(item)})"
        return self._print(item)

    def _args(self, args: Iterable[sp.Basic]) -> str:
        return ", ".join(self._print(a) for a in args)

    # --- atoms -----------------------------------------------------------------------------------
    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return symbol_name(expr.name)

    _print_Dummy = _print_Symbol

    def _print_Integer(self, expr: sp.Integer) -> str:
        return str(expr.p)

    def _print_Rational(self, expr: sp.Rational) -> str:
        sign = "-" if expr.p < 0 else ""
        return f"{sign}frac({abs(expr.p)}, {expr.q})"

    def _print_Float(self, expr: sp.Float) -> str:
        text = sp.sstr(expr, full_prec=False)
        mantissa, _, exponent = text.partition("e")
        if not exponent:
            return mantissa
        return f"{mantissa} times 10^({int(exponent)})"

    def _print_Infinity(self, expr: sp.Basic) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: sp.Basic) -> str:
        return "-∞"

    def _print_ComplexInfinity(self, expr: sp.Basic) -> str:
        return "tilde(∞)"

    def _print_NaN(self, expr: sp.Basic) -> str:
        return '"NaN"'

    def _print_Pi(self, expr: sp.Basic) -> str:
        return "π"

    def _print_Exp1(self, expr: sp.Basic) -> str:
        return "e"

    def _print_ImaginaryUnit(self, expr: sp.Basic) -> str:
        return "i"

    def _print_EulerGamma(self, expr: sp.Basic) -> str:
        return "γ"

    def _print_BooleanTrue(self, expr: sp.Basic) -> str:
        return '"true"'

    def _print_BooleanFalse(self, expr: sp.Basic) -> str:
        return '"false"'

    # --- arithmetic ------------------------------------------------------------------------------
    def piece(self, ops: str, expr: sp.Basic) -> str:
        """One piece of a sum or equation: its leading operators, then the (parenthesized) term."""
        body = self.parenthesize(expr, PRECEDENCE["Add"], strict=ops.endswith("-"))
        return f"{ops} {body}" if ops else body

    def add_terms(self, expr: sp.Add) -> list[str]:
        """The terms of a sum with their signs: ``["a", "- b", "+ c"]``."""
        return [self.piece(ops, term) for ops, term in signed_terms(expr)]

    def _print_Add(self, expr: sp.Add) -> str:
        return " ".join(self.add_terms(expr))

    def _print_Mul(self, expr: sp.Mul) -> str:
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_negative:
            positive = sp.Mul(-coeff, rest, evaluate=False) if coeff != -1 else rest
            return "-" + self.parenthesize(positive, PRECEDENCE["Mul"])
        num, den = sp.fraction(expr, exact=True)
        if den != 1:
            return f"frac({self._print(num)}, {self._print(den)})"
        factors = [self.parenthesize(f, PRECEDENCE["Mul"], strict=False) for f in self._mul_factors(expr)]
        out = factors[0]
        for prev, nxt in itertools.pairwise(factors):
            # Two numbers side by side need an explicit product sign.
            sep = " dot " if prev[-1:].isdigit() and nxt[:1].isdigit() else " "
            out += sep + nxt
        return out

    def _mul_factors(self, expr: sp.Mul) -> list[sp.Basic]:
        args = list(expr.args)
        if expr.is_commutative:
            args = list(expr.as_ordered_factors())
        # Sums inside a product need parentheses; parenthesize() does it via precedence.
        return [a for a in args if a != 1] or [sp.S.One]

    def _print_Pow(self, expr: sp.Pow) -> str:
        base, exp = expr.as_base_exp()
        if exp == sp.S.Half:
            return f"sqrt({self._print(base)})"
        if exp.is_Rational and exp.is_negative and base.is_commutative:
            inverse = base if exp == -1 else sp.Pow(base, -exp, evaluate=False)
            return f"frac(1, {self._print(inverse)})"
        if isinstance(base, (sp.exp, sp.Pow)) or (
            base.is_Number and (base.is_negative or not base.is_Integer)
        ):
            b = f"({self._print(base)})"
        else:
            b = self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        return f"{b}^({self._print(exp)})"

    def _print_exp(self, expr: sp.exp) -> str:
        return f"e^({self._print(expr.args[0])})"

    # --- functions -------------------------------------------------------------------------------
    def _print_Function(self, expr: sp.Function) -> str:
        name = type(expr).__name__
        if name in _TYPST_OPS:
            head = name
        else:
            head = symbol_name(name)
        return f"{head}({self._args(expr.args)})"

    def _print_log(self, expr: sp.log) -> str:
        # SymPy's log is the natural logarithm; the papers write ln.
        if len(expr.args) == 2:
            return f"log_({self._print(expr.args[1])})({self._print(expr.args[0])})"
        return f"ln({self._print(expr.args[0])})"

    def _print_sigma(self, expr: sp.Function) -> str:
        return f"σ({self._args(expr.args)})"

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Min(self, expr: sp.Basic) -> str:
        return f"min({self._args(expr.args)})"

    def _print_Max(self, expr: sp.Basic) -> str:
        return f"max({self._args(expr.args)})"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        rows = []
        for e, c in expr.args:
            cond = '"otherwise"' if c is sp.true else f'"if " {self._print(c)}'
            rows.append(f"{self._print(e)} & {cond}")
        return "cases(" + ", ".join(rows) + ")"

    def _print_Relational(self, expr: sp.core.relational.Relational) -> str:
        op = RELATIONS.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_Implies(self, expr: sp.Basic) -> str:
        return f" {CONNECTIVES[sp.Implies]} ".join(self._print(a) for a in expr.args)

    def _print_Equivalent(self, expr: sp.Basic) -> str:
        return f" {CONNECTIVES[sp.Equivalent]} ".join(self._print(a) for a in expr.args)

    def _print_And(self, expr: sp.Basic) -> str:
        return " ∧ ".join(self.parenthesize(a, PRECEDENCE["And"], strict=True) for a in expr.args)

    def _print_Or(self, expr: sp.Basic) -> str:
        return " ∨ ".join(self.parenthesize(a, PRECEDENCE["Or"], strict=True) for a in expr.args)

    def _print_Not(self, expr: sp.Basic) -> str:
        return "¬" + self.parenthesize(expr.args[0], PRECEDENCE["Not"], strict=True)

    # --- calculus --------------------------------------------------------------------------------
    def _print_Integral(self, expr: sp.Integral) -> str:
        signs, diffs = [], []
        for lim in reversed(expr.limits):
            var = lim[0]
            if len(lim) == 3:
                signs.append(f"integral_({self._print(lim[1])})^({self._print(lim[2])})")
            else:
                signs.append("integral")
            diffs.append(f"dif {self._print(var)}")
        body = self.parenthesize(expr.function, PRECEDENCE["Mul"])
        return " ".join(signs) + f" {body} " + " ".join(reversed(diffs))

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        partial = len(expr.free_symbols) > 1 or len(expr.variable_count) > 1
        d = "partial" if partial else "dif"
        total = sum(int(n) for _, n in expr.variable_count)
        top = d if total == 1 else f"{d}^({total})"
        bottom = " ".join(
            f"{d} {self._print(v)}" + (f"^({n})" if n != 1 else "") for v, n in expr.variable_count
        )
        body = self.parenthesize(expr.expr, PRECEDENCE["Mul"])
        return f"frac({top}, {bottom}) {body}"

    def _print_Subs(self, expr: sp.Subs) -> str:
        pairs = ", ".join(f"{self._print(v)} = {self._print(p)}" for v, p in zip(*expr.args[1:], strict=True))
        return f"lr(({self._print(expr.expr)}) |)_({pairs})"

    def _big_operator(self, op: str, expr: sp.Basic) -> str:
        heads = []
        for var, lo, hi in reversed(expr.limits):
            heads.append(f"{op}_({self._print(var)} = {self._print(lo)})^({self._print(hi)})")
        return " ".join(heads) + " " + self.parenthesize(expr.function, PRECEDENCE["Mul"])

    def _print_Sum(self, expr: sp.Sum) -> str:
        return self._big_operator("sum", expr)

    def _print_Product(self, expr: sp.Product) -> str:
        return self._big_operator("product", expr)

    def _print_Limit(self, expr: sp.Limit) -> str:
        e, v, p, d = expr.args
        side = "" if str(d) == "+-" or p in (sp.oo, -sp.oo) else f"^({d})"
        return f"lim_({self._print(v)} → {self._print(p)}{side}) {self.parenthesize(e, PRECEDENCE['Mul'])}"

    # --- containers ------------------------------------------------------------------------------
    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        rows = "; ".join(", ".join(self._print(x) for x in expr.row(i)) for i in range(expr.rows))
        return f'mat(delim: "[", {rows})'

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Tuple(self, expr: sp.Tuple) -> str:
        return f"({self._args(expr.args)})"

    def _print_tuple(self, expr: tuple[object, ...]) -> str:
        return f"({', '.join(self._print(a) for a in expr)})"

    _print_list = _print_tuple

    def _print_str(self, expr: str) -> str:
        return typst_string(expr)


def typst_math(expr: sp.Basic | str) -> str:
    """The Typst math source of ``expr`` (a plain string prints as upright text)."""
    return TypstPrinter().doprint(expr)


def typst_math_lines(expr: sp.Basic | str) -> str | None:
    """``expr`` on aligned lines, broken at :func:`~ska_theory.report.notation.equation_pieces`, for
    display equations too wide for the page (Typst does not break them); None when nothing breaks.
    """
    pieces = equation_pieces(expr)
    if pieces is None:
        return None
    p = TypstPrinter()
    lines = [p.piece(ops, e) for ops, e in pieces]
    if lhs_stays_on_first_line(pieces):
        return f"{lines[0]} &" + " \\\n&".join(lines[1:])
    return " \\\n".join(f"&{x}" for x in lines)
