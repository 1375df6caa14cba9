"""The SKA entropy as a Stieltjes integral ∫ z dD with D = σ(z) (SKA-2 eq. 9), symbolic and numeric.

Symbolic side: ∫ g(u) dσ(u) is evaluated by the substitution D = σ(u), u = logit D, which turns it into an
ordinary integral in D. Numeric side: the mpmath integrals and the discrete Riemann–Stieltjes sums
-(1/ln2) Σ z_k ΔD_k of SKA-1 §3.1.2, kept independent of SymPy so they can witness it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Literal

import mpmath
import sympy as sp
from sympy.integrals.manualintegrate import manualintegrate

from ska_theory.symbolic.definitions import D, logit, sigma

MpFn = Callable[[mpmath.mpf], mpmath.mpf]
Rule = Literal["right", "left", "mid"]


@cache  # the same few integrands recur across claims; SymPy expressions are hashable
def antiderivative_in_D(g: sp.Expr, u: sp.Symbol) -> sp.Expr:
    """A(D) with A'(D) = g(logit D), so that ∫ g(u) dσ(u) = A(σ(u)) + const (u = logit D, 0 < D < 1)."""
    # ln(D/(1-D)) = ln D - ln(1-D) is valid because 0 < D < 1.
    return manualintegrate(sp.expand_log(g.subs(u, logit(D)), force=True), D)


def _at_endpoint(A: sp.Expr, bound: sp.Expr) -> sp.Expr:
    """A(σ(bound)); at σ = 0 or 1 (bound = ∓∞) the one-sided limit from inside (0, 1)."""
    p = sigma(bound)
    if p == 0:
        return sp.limit(A, D, 0, "+")
    if p == 1:
        return sp.limit(A, D, 1, "-")
    return A.subs(D, p)


def integral_dsigma(g: sp.Expr, u: sp.Symbol, lower: sp.Expr, upper: sp.Expr) -> sp.Expr:
    """∫_{lower}^{upper} g(u) dσ(u) = A(σ(upper)) - A(σ(lower)), A from ``antiderivative_in_D``."""
    A = antiderivative_in_D(g, u)
    return _at_endpoint(A, upper) - _at_endpoint(A, lower)


def dsigma_weight(integrand: sp.Expr, u: sp.Symbol) -> sp.Expr:
    """g(u) such that ``integrand`` = g(u) σ'(u), i.e. the integrand of ∫ g dσ (exact cancellation)."""
    return sp.cancel(integrand / (sigma(u) * (1 - sigma(u))))


# --- numeric (mpmath) -------------------------------------------------------------------------------------


def mp_sigma(x: mpmath.mpf) -> mpmath.mpf:
    """σ(x) = 1/(1+e^{-x})."""
    return 1 / (1 + mpmath.exp(-x))


def mp_sigma_prime(x: mpmath.mpf) -> mpmath.mpf:
    """σ'(x) = 1/(4 cosh²(x/2)), without the cancellation of σ(1-σ) at large |x|."""
    return 1 / (4 * mpmath.cosh(x / 2) ** 2)


def mp_binary_entropy_bits(p: mpmath.mpf) -> mpmath.mpf:
    """H_b(p) in bits, with 0 ln 0 = 0."""
    terms = [q * mpmath.log(q) for q in (p, 1 - p) if q != 0]
    return -mpmath.fsum(terms) / mpmath.log(2)


def mp_h_ska(
    f_prime: MpFn,
    upper: mpmath.mpf,
    lower: mpmath.mpf = mpmath.ninf,
    breakpoints: Sequence[mpmath.mpf] = (),
) -> mpmath.mpf:
    """-(1/ln2) ∫_{lower}^{upper} s f'(s) ds by mpmath.quad (SKA-2 eq. 9 for the activation f).

    The interval is split at 0 (where the bell of σ' sits) and at ``breakpoints`` (kinks of f').
    """
    lo, hi = (lower, upper) if lower <= upper else (upper, lower)
    cuts = sorted({mpmath.mpf(0), *map(mpmath.mpf, breakpoints)})
    nodes = [lo, *(c for c in cuts if lo < c < hi), hi]
    val = -mpmath.quad(lambda x: x * f_prime(x), nodes) / mpmath.log(2)
    return val if lower <= upper else -val


def mp_path_integral(
    z_of_t: MpFn, zdot_of_t: MpFn, t0: mpmath.mpf, t1: mpmath.mpf, breakpoints: Sequence[mpmath.mpf] = ()
) -> mpmath.mpf:
    """-(1/ln2) ∫ z(t) Ḋ(t) dt with Ḋ = σ'(z) ż along the trajectory z(t) (SKA-2 eq. 10)."""

    def integrand(t: mpmath.mpf) -> mpmath.mpf:
        zt = z_of_t(t)
        return zt * mp_sigma_prime(zt) * zdot_of_t(t)

    return -mpmath.quad(integrand, [t0, *breakpoints, t1]) / mpmath.log(2)


def stieltjes_sum(z_nodes: Sequence[mpmath.mpf], rule: Rule = "right") -> mpmath.mpf:
    """-(1/ln2) Σ_k z̃_k (D_k - D_{k-1}) along the sampled path z_0..z_K (SKA-1 §3.1.2, SKA-2 §1).

    ``rule`` picks z̃_k: "right" = z_k (the value after the step, paired with D_k), "left" = z_{k-1},
    "mid" = (z_{k-1} + z_k)/2.
    """
    Ds = [mp_sigma(x) for x in z_nodes]
    total = mpmath.mpf(0)
    for k in range(1, len(z_nodes)):
        zk = {"right": z_nodes[k], "left": z_nodes[k - 1], "mid": (z_nodes[k - 1] + z_nodes[k]) / 2}[rule]
        total += zk * (Ds[k] - Ds[k - 1])
    return -total / mpmath.log(2)


def observed_orders(steps: Sequence[int], errors: Sequence[mpmath.mpf]) -> list[float]:
    """Observed orders p_i = ln(e_i/e_{i+1}) / ln(K_{i+1}/K_i) between consecutive step counts K_i."""
    return [
        float(
            mpmath.log(abs(errors[i]) / abs(errors[i + 1])) / mpmath.log(mpmath.mpf(steps[i + 1]) / steps[i])
        )
        for i in range(len(steps) - 1)
    ]
