"""Sub-derivations several proof modules share, each derived from the theory's definitions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import mpmath
import sympy as sp

from ska_theory.claims.model import KeyNumber, Outcome, Verdict, evidence_of
from ska_theory.symbolic.derivation import Derivation, named
from ska_theory.symbolic.steps import Witness
from ska_theory.symbolic.theory import Theory, z
from ska_theory.symbolic.variational import VariationalDerivation

Z_BOX = (-30.0, 30.0)  # witness range of z: the activations of interest saturate well inside it
DIGITS = 50


def unit(th: Theory) -> str:
    """The entropy unit's name for numbers: bit or nat."""
    return "bit" if th.entropy_unit == "bits" else "nat"


def shannon_ansatz(th: Theory) -> sp.Expr:
    """The papers' reading, tried first: Φ is the Shannon entropy of D (verified, or integrated without)."""
    return th.shannon(th.f(z))


# Replaceable: tests put a wrong ansatz here and show that no verdict moves.
POTENTIAL_ANSATZ: Callable[[Theory], sp.Expr] = shannon_ansatz

# The potential is derived once per theory and its steps replayed into every claim that uses it.
_POTENTIALS: dict[str, tuple[Derivation, sp.Expr]] = {}


def clear_caches() -> None:
    """Forget the per-theory derivations (after replacing an ansatz or a definition)."""
    _POTENTIALS.clear()


def entropy_potential(d: Derivation, th: Theory) -> sp.Expr:
    """Φ with Φ' = -κ z f'(z) = dH_SKA/dz: H_SKA(z; z0) = Φ(z) - Φ(z0) (SKA-2 eq. 9), derived and verified."""
    key_ = th.fingerprint()
    if key_ not in _POTENTIALS:  # a StepFailed propagates and nothing is cached
        own = Derivation()
        own.show(
            sp.Eq(named("Derivative(H_SKA(z), z)"), th.h_ska_integrand(z)),
            "the integrand of $H_SKA = -kappa*Integral(z, D)$",
        )
        phi = own.antiderivative(
            th.h_ska_integrand(z), z, "Derivative(H_SKA(z), z)", symbol="Phi", ansatz=POTENTIAL_ANSATZ(th)
        )
        _POTENTIALS[key_] = (own, phi)
    own, phi = _POTENTIALS[key_]
    d.steps += own.steps
    d.witnesses += own.witnesses
    return phi


def h_ska_from_minus_infinity(d: Derivation, th: Theory) -> tuple[sp.Expr, sp.Expr]:
    """(H_SKA(z) from -∞, Φ(-∞)); Φ(-∞) may be ±∞, in which case H_SKA is returned as Φ itself."""
    phi = entropy_potential(d, th)
    at_minus_inf = d.limit(phi, z, sp.S.NegativeInfinity, "Phi(z)")
    return (phi - at_minus_inf if at_minus_inf.is_finite else phi), at_minus_inf


def mp_h_ska(th: Theory) -> Callable[..., tuple[mpmath.mpf, mpmath.mpf]]:
    """z ↦ (H_SKA(z) from -∞, quadrature error) straight from the definition, for witnesses."""
    return lambda z: th.mp_h_ska(z)


def mp_number(x: sp.Expr | mpmath.mpf) -> float:
    """A finite SymPy or mpmath number as a float."""
    return float(sp.N(x, 30)) if isinstance(x, sp.Basic) else float(x)


def point_of(w: Witness | None) -> dict[str, float]:
    """The witness's worst point (a counterexample when it disagrees); empty without a witness."""
    return dict(w.worst_point) if w is not None else {}


def values_at(fns: Mapping[str, Callable[..., Any]], point: Mapping[str, float]) -> dict[str, float]:
    """Evaluate several mpmath functions at one point (50 digits), as floats, for a counterexample."""
    with mpmath.workdps(DIGITS):
        args = {k: mpmath.mpf(v) for k, v in point.items()}
        out = {}
        for name, fn in fns.items():
            v = fn(**args)
            out[name] = float(v[0] if isinstance(v, tuple) else v)
    return out


def key(label: str, value: float | int | str | bool, unit: str = "", **kw: Any) -> KeyNumber:
    """A curated number for the report, rounded to 6 significant digits when it is a float."""
    if isinstance(value, float):
        value = float(f"{value:.6g}")
    return KeyNumber(label, value, unit, **kw)


def euler_lagrange_outcome(
    d: Derivation, v: VariationalDerivation, *, interpretation: str, shown_as: str
) -> Outcome:
    """Decide "the Euler–Lagrange equation of L reduces to 0 = 0": vacuous when L is a null Lagrangian.

    ``interpretation`` is what the source reads into the identity; it does not follow when every path
    satisfies the equation. ``shown_as`` names the potential F with L = dF/dt, in the markup.
    """
    d.steps += v.steps
    d.witnesses += v.witnesses
    d.figures |= {"euler_lagrange_identically_zero": v.identically_zero, "null_lagrangian": v.is_null}
    if not v.identically_zero:
        return Outcome(
            Verdict.FAILS,
            "the Euler–Lagrange expression is not identically 0",
            evidence=evidence_of(d, counterexample={"jet_point": dict(v.nonzero_at or {})}),
            meaning="The equation of motion is a real constraint here, unlike what the paper states.",
        )
    return Outcome(
        Verdict.HOLDS_VACUOUSLY,
        f"the Euler–Lagrange expression vanishes for every path because $L = dF/dt$ with {shown_as}; the "
        f"action "
        f"depends only on the endpoints, "
        f"so '{interpretation}' does not follow",
        conditions=[
            "true for every differentiable path z(t): the equation constrains nothing",
            "L is a total time derivative (a null Lagrangian); the action is $F(z(t_1)) - F(z(t_0))$",
        ],
        evidence=evidence_of(
            d,
            key_numbers=[
                key(
                    "largest relative residual of the Euler–Lagrange witness",
                    max((w.max_rel_residual for w in v.witnesses), default=0.0),
                )
            ],
        ),
        meaning="The Euler–Lagrange identity is true but empty: every path satisfies it, so it says nothing "
        "about how SKA learns.",
    )
