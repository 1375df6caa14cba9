"""Named, targeted rewrites used in proofs (each is a step a reader can check by hand)."""

from __future__ import annotations

import sympy as sp

from ska_theory.symbolic.definitions import sigma, to_exp
from ska_theory.symbolic.witness import Rewrite


def log_sigma_rules(arg: sp.Expr) -> dict[sp.Expr, sp.Expr]:
    """ln σ(x) = -ln(1+e^{-x}) and ln(1-σ(x)) = -x - ln(1+e^{-x}), so ln(σ/(1-σ)) = x (logit)."""
    return {
        sp.log(sigma(arg)): -sp.log(1 + sp.exp(-arg)),
        sp.log(1 - sigma(arg)): -arg - sp.log(1 + sp.exp(-arg)),
    }


def logit_rewrite(arg: sp.Expr) -> Rewrite:
    return (
        "ln σ = -ln(1+e^{-z}), ln(1-σ) = -z - ln(1+e^{-z}) (logit identity)",
        lambda e: e.subs(log_sigma_rules(arg)),
    )


EXPAND: Rewrite = ("expand products", sp.expand)
TO_EXP: Rewrite = ("σ(z) = 1/(1+e^{-z})", to_exp)
CANCEL: Rewrite = ("cancel the rational function in e^{z}", lambda e: sp.cancel(sp.together(e)))


def _softplus_flip(e: sp.Expr) -> sp.Expr:
    w = sp.Wild("w")

    def positive_softplus(a: sp.Basic) -> bool:
        m = a.args[0].match(1 + sp.exp(w)) if isinstance(a, sp.log) else None
        return m is not None and not m[w].could_extract_minus_sign()

    def flipped(a: sp.Basic) -> sp.Expr:
        x = a.args[0].match(1 + sp.exp(w))[w]
        return x + sp.log(1 + sp.exp(-x))

    return e.replace(positive_softplus, flipped)


# One canonical softplus form, so ln(1+e^{z}) and ln(1+e^{-z}) terms can cancel.
SOFTPLUS: Rewrite = ("ln(1+e^{z}) = z + ln(1+e^{-z})", _softplus_flip)
