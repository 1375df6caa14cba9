"""The SKA objects as SymPy expressions, named after the papers' symbols.

Everything symbolic in ``proofs/`` is built from these definitions, so a reader can hold the code and
the papers side by side.
"""

from __future__ import annotations

import mpmath
import sympy as sp

z = sp.Symbol("z", real=True)  # knowledge (pre-activation), SKA-2 §1.1
s = sp.Symbol("s", real=True)  # integration variable
t = sp.Symbol("t", real=True)  # continuous time, t = η·k (SKA-2 §2.1)
D = sp.Symbol("D", positive=True)  # decision probability, 0 < D < 1
LN2 = sp.log(2)


class sigma(sp.Function):
    """Logistic sigmoid σ(z) = 1/(1+e^{-z}) (essay-1 eq. 1), with σ' = σ(1-σ) kept symbolic."""

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


def logit(p: sp.Expr) -> sp.Expr:
    """Inverse of σ: z = ln(D/(1-D)) (SKA-1 §3.2.2)."""
    return sp.log(p / (1 - p))


def binary_entropy_bits(p: sp.Expr) -> sp.Expr:
    """Shannon entropy of a Bernoulli(p) decision, in bits: H_b(p) = -p log2 p - (1-p) log2(1-p)."""
    return -(p * sp.log(p) + (1 - p) * sp.log(1 - p)) / LN2


def entropy_gradient_z(zz: sp.Expr = z) -> sp.Expr:
    """∇_z H = -(1/ln2) z ⊙ σ'(z) (SKA-2 eq. 31, paper's sign)."""
    return -zz * sigma(zz) * (1 - sigma(zz)) / LN2


def h_ska(upper: sp.Expr = z, lower: sp.Expr = sp.S.NegativeInfinity) -> sp.Expr:
    """H_SKA = -(1/ln2) ∫ z dD with D = σ(z), as an unevaluated integral in z (SKA-2 eq. 9/30)."""
    return -sp.Integral(s * sigma(s).diff(s), (s, lower, upper)) / LN2


def ska_lagrangian(q: sp.Expr, qdot: sp.Expr) -> sp.Expr:
    """𝓛(z, ż) = -z σ(z)(1-σ(z)) ż (SKA-2 eq. 14)."""
    return -q * sigma(q) * (1 - sigma(q)) * qdot


def tensor_net_integrand(zz: sp.Expr = z) -> sp.Expr:
    """D - ∇_z H, the integrand of Net = ∫(D - ∇_z H) dz (SKA-2 eq. 26, paper's sign)."""
    return sigma(zz) - entropy_gradient_z(zz)


def to_exp(e: sp.Expr) -> sp.Expr:
    """Replace σ by its exponential form (the rewrite used before integrating or cancelling)."""
    return e.rewrite(sp.exp)


# mpmath implementations of the custom functions, for lambdify(..., modules=MPMATH_MODULES).
MPMATH_MODULES: list[object] = [{"sigma": lambda x: 1 / (1 + mpmath.exp(-x))}, "mpmath"]
