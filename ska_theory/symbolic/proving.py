"""Proving an expression ≡ 0 by a fixed chain of named rewrites, each an inspectable step.

The chain works for any activation a :class:`~ska_theory.symbolic.theory.Theory` may hold: it expands,
writes hyperbolic and special functions in exponentials, splits logarithms of products and quotients,
brings ln(1+e^x) to one canonical form, cancels the rational function left, and only then, as the last
named step, tries ``sympy.simplify``. A chain that does not reach 0 proves nothing either way: the
caller decides what an unproven step means (``undecided``, never ``fails``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from ska_theory.symbolic.steps import Step

Rewrite = tuple[str, Callable[[sp.Expr], sp.Expr]]


def split_logs(e: sp.Expr) -> sp.Expr:
    """ln of a product or quotient as a sum of lns (arguments first brought over one denominator).

    ``force=True`` is sound here: every logarithm in the SKA expressions has a positive argument (entropies
    of probabilities in (0, 1), ln(1 + e^x)).
    """
    e = e.replace(lambda a: isinstance(a, sp.log), lambda a: sp.log(sp.factor(sp.together(a.args[0]))))
    return sp.expand_log(e, force=True)


def canonical_softplus(e: sp.Expr) -> sp.Expr:
    """ln(1 + e^x) → x + ln(1 + e^{-x}) unless x carries a minus sign, so both forms can cancel."""
    w = sp.Wild("w")

    def is_positive_softplus(a: sp.Basic) -> bool:
        m = a.args[0].match(1 + sp.exp(w)) if isinstance(a, sp.log) else None
        return m is not None and not m[w].could_extract_minus_sign()

    def flipped(a: sp.Basic) -> sp.Expr:
        x = a.args[0].match(1 + sp.exp(w))[w]
        return x + sp.log(1 + sp.exp(-x))

    return e.replace(is_positive_softplus, flipped)


EXPAND: Rewrite = ("expand products and powers", sp.expand)
TO_EXP: Rewrite = (
    "write every function in exponentials; split logarithms of products and quotients",
    lambda e: sp.expand(split_logs(sp.expand(e.rewrite(sp.exp)))),
)
SOFTPLUS: Rewrite = (
    "one form for ln(1 + e^x): x + ln(1 + e^{-x})",
    lambda e: sp.expand(canonical_softplus(e)),
)
CANCEL: Rewrite = ("cancel the rational function", lambda e: sp.cancel(sp.together(e)))
SIMPLIFY: Rewrite = ("simplify what is left (the last, most general rewrite)", sp.simplify)

# The chain every "≡ 0" question goes through, in order; it stops at the first exact 0.
CHAIN: tuple[Rewrite, ...] = (EXPAND, TO_EXP, SOFTPLUS, CANCEL, SIMPLIFY)


def prove_zero(expr: sp.Expr, chain: Sequence[Rewrite] = CHAIN) -> tuple[bool, list[Step]]:
    """Apply ``chain`` in order; True when the expression becomes exactly 0.

    Every rewrite that changes the expression becomes a step (a rewrite that changes nothing is not
    shown). Returns at the first 0.
    """
    steps = [Step(expr, "difference of the two sides")]
    if expr == 0:
        return True, steps
    for why, fn in chain:
        new = fn(expr)
        if new == expr:
            continue
        expr = new
        steps.append(Step(expr, why))
        if expr == 0:
            return True, steps
    return False, steps
