"""Notation for showing derived expressions: the logistic function written σ(x).

Display only: no decision uses :class:`sigma`. Derivations run on the theory's own expression of the
activation (``1/(1 + exp(-z))`` for the paper's); :func:`display` writes every 1/(1 + e^{-x}) in it
as σ(x) so steps read as the papers write them.
"""

from __future__ import annotations

import sympy as sp


class sigma(sp.Function):
    """The logistic function σ(x) = 1/(1+e^{-x}) (essay-1 eq. 1), as a display symbol."""

    is_real = True

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.Rational(1, 2)
        if arg is sp.oo:
            return sp.S.One
        if arg is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigma(self.args[0]) * (1 - sigma(self.args[0]))

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0]))).evalf(prec)


def _logistic_argument(e: sp.Basic) -> sp.Expr | None:
    """x when ``e`` is 1/(1 + e^{-x}) (any x), else None."""
    if not (isinstance(e, sp.Pow) and e.exp == -1 and isinstance(e.base, sp.Add) and len(e.base.args) == 2):
        return None
    one, other = sorted(e.base.args, key=lambda a: a != 1)
    if one != 1 or not isinstance(other, sp.exp):
        return None
    return -other.args[0]


def _local_function(e: sp.Basic) -> bool:
    """An application of a function class defined inside a function (a proof's opaque f, Φ)."""
    return isinstance(e, sp.Function) and "<locals>" in type(e).__qualname__


def display(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every logistic 1/(1 + e^{-x}) written σ(x), and a proof's local opaque functions as
    plain named functions (notation only; the result can be stored and printed anywhere)."""
    if not isinstance(expr, sp.Basic):
        return expr
    expr = expr.replace(_local_function, lambda e: sp.Function(type(e).__name__)(*e.args))
    return expr.replace(lambda e: _logistic_argument(e) is not None, lambda e: sigma(_logistic_argument(e)))
