"""The second witness of every symbolic result: high-precision mpmath evaluation at random real points.

A SymPy failure to simplify is never a disproof; a counterexample is a point where the residual is far
above working precision (``tolerance`` is relative, and defaults to 10^-(digits-10)).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from ska_theory.symbolic.definitions import MPMATH_MODULES
from ska_theory.symbolic.steps import Step, Witness

DEFAULT_DIGITS = 50
DEFAULT_POINTS = 20
DEFAULT_SEED = 20250407  # SKA-2's date; any fixed seed would do

MpFn = Callable[..., mpmath.mpf]


def random_points(
    domain: Mapping[str, tuple[float, float]], n_points: int, seed: int
) -> list[dict[str, mpmath.mpf]]:
    """``n_points`` seeded uniform points of the real box ``domain`` (name -> (lo, hi))."""
    rng = random.Random(seed)
    names = sorted(domain)
    return [
        {
            n: mpmath.mpf(domain[n][0]) + (domain[n][1] - domain[n][0]) * mpmath.mpf(rng.random())
            for n in names
        }
        for _ in range(n_points)
    ]


def witness_functions(
    lhs: MpFn,
    rhs: MpFn,
    domain: Mapping[str, tuple[float, float]],
    *,
    description: str,
    digits: int = DEFAULT_DIGITS,
    n_points: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
    tolerance: float | None = None,
) -> Witness:
    """Evaluate ``lhs(**point)`` and ``rhs(**point)`` with mpmath at ``digits`` digits and compare."""
    if digits < 50 or n_points < 20:
        raise ValueError(f"witness needs >= 50 digits and >= 20 points, got {digits}, {n_points}")
    tol = tolerance if tolerance is not None else 10.0 ** (-(digits - 10))
    worst_rel = mpmath.mpf(0)
    worst_abs = mpmath.mpf(0)
    worst_point: dict[str, mpmath.mpf] = {}
    with mpmath.workdps(digits):
        for point in random_points(domain, n_points, seed):
            a, b = lhs(**point), rhs(**point)
            res = abs(a - b)
            rel = res / max(abs(a), abs(b), mpmath.mpf(1))
            if rel > worst_rel or not worst_point:
                worst_rel, worst_abs, worst_point = rel, res, point
    return Witness(
        description=description,
        digits=digits,
        n_points=n_points,
        seed=seed,
        domain=dict(domain),
        max_abs_residual=float(worst_abs),
        max_rel_residual=float(worst_rel),
        tolerance=tol,
        worst_point={k: float(v) for k, v in worst_point.items()},
    )


def mp_lambdify(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> MpFn:
    """``lambdify`` to mpmath (σ included) taking keyword arguments named after ``symbols``."""
    f = sp.lambdify(list(symbols), expr, modules=MPMATH_MODULES)
    names = [str(x) for x in symbols]

    def call(**kw: mpmath.mpf) -> mpmath.mpf:
        return f(*(kw[n] for n in names))

    return call


def witness_identity(
    lhs: sp.Expr,
    rhs: sp.Expr,
    domain: Mapping[sp.Symbol, tuple[float, float]],
    *,
    description: str,
    **kw: object,
) -> Witness:
    """Witness ``lhs == rhs`` on the real box ``domain`` (symbol -> (lo, hi))."""
    syms = sorted(domain, key=str)
    return witness_functions(
        mp_lambdify(lhs, syms),
        mp_lambdify(rhs, syms),
        {str(k): v for k, v in domain.items()},
        description=description,
        **kw,  # type: ignore[arg-type]
    )


Rewrite = tuple[str, Callable[[sp.Expr], sp.Expr]]


def reduce_to_zero(expr: sp.Expr, rewrites: Sequence[Rewrite]) -> tuple[bool, list[Step]]:
    """Apply named targeted rewrites in order; True when the expression becomes exactly 0.

    Each rewrite becomes a derivation step, so the proof is inspectable. No bare ``simplify``: a
    rewrite list that does not reach 0 proves nothing either way.
    """
    steps = [Step(expr, "difference of the two sides")]
    for why, fn in rewrites:
        expr = fn(expr)
        steps.append(Step(expr, why))
        if expr == 0:
            return True, steps
    return expr == 0, steps


@dataclass(frozen=True)
class IdentityCheck:
    """A symbolic identity checked twice: targeted rewrites (proof) and the mpmath witness."""

    proven: bool
    steps: list[Step]
    witness: Witness

    @property
    def refuted(self) -> bool:
        """True when the witness found a point with residual far above working precision."""
        return not self.witness.agrees


def check_identity(
    lhs: sp.Expr,
    rhs: sp.Expr,
    domain: Mapping[sp.Symbol, tuple[float, float]],
    rewrites: Sequence[Rewrite],
    *,
    description: str,
    **witness_kw: object,
) -> IdentityCheck:
    """Prove ``lhs == rhs`` by ``rewrites`` of ``lhs - rhs`` and witness it numerically on ``domain``.

    Raises RuntimeError when the witness agrees but the rewrites do not reach 0: that is an
    incomplete proof (choose better rewrites), not evidence either way.
    """
    proven, steps = reduce_to_zero(lhs - rhs, rewrites)
    w = witness_identity(lhs, rhs, domain, description=description, **witness_kw)
    if w.agrees and not proven:
        raise RuntimeError(f"incomplete proof of {description!r}: rewrites ended at {steps[-1].expr}")
    return IdentityCheck(proven=proven, steps=steps, witness=w)
