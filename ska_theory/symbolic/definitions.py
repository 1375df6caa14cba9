"""The paper's definitions written with σ, for display and report examples only.

No claim is decided from this module (a test fails when a proof imports it): every claim derives its
objects from a :class:`~ska_theory.symbolic.theory.Theory`. These σ-forms are how the papers print the
paper theory's objects, and what the report's examples typeset.
"""

from __future__ import annotations

import sympy as sp

from ska_theory.symbolic.display import sigma
from ska_theory.symbolic.theory import LN2, s, t, z

D = sp.Symbol("D", positive=True)  # decision probability, 0 < D < 1

__all__ = [
    "LN2",
    "D",
    "binary_entropy_bits",
    "entropy_gradient_z",
    "h_ska",
    "s",
    "sigma",
    "ska_lagrangian",
    "t",
    "tensor_net_integrand",
    "z",
]


def binary_entropy_bits(p: sp.Expr) -> sp.Expr:
    """H_b(p) = -p log2 p - (1-p) log2(1-p)."""
    return -(p * sp.log(p) + (1 - p) * sp.log(1 - p)) / LN2


def entropy_gradient_z(zz: sp.Expr = z) -> sp.Expr:
    """∇_z H = -(1/ln2) z σ'(z) (SKA-2 eq. 31, as printed)."""
    return -zz * sigma(zz) * (1 - sigma(zz)) / LN2


def h_ska(upper: sp.Expr = z, lower: sp.Expr = sp.S.NegativeInfinity) -> sp.Expr:
    """H_SKA = -(1/ln2) ∫ z dD with D = σ(z), unevaluated (SKA-2 eq. 9)."""
    return -sp.Integral(s * sigma(s).diff(s), (s, lower, upper)) / LN2


def ska_lagrangian(q: sp.Expr, qdot: sp.Expr) -> sp.Expr:
    """𝓛 = -z σ(z)(1-σ(z)) ż (SKA-2 eq. 14, as printed)."""
    return -q * sigma(q) * (1 - sigma(q)) * qdot


def tensor_net_integrand(zz: sp.Expr = z) -> sp.Expr:
    """D - ∇_z H (SKA-2 eq. 26, as printed)."""
    return sigma(zz) - entropy_gradient_z(zz)
