"""The second witness of every symbolic result: high-precision mpmath evaluation at seeded random points.

A witness compares two *independent* evaluations of one statement (a quadrature against a closed form,
a numerical derivative against a formula, the two sides of an identity), never one expression with
itself. A SymPy failure to simplify is never a disproof; a counterexample is a point where the two
sides differ far above working precision: the relative residual, after subtracting any error bound a
side reports (``(value, error)`` from ``mpmath.quad(..., error=True)``), exceeds ``tolerance``
(default 10^-(digits-10)).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from ska_theory.symbolic.proving import CHAIN, Rewrite, prove_zero
from ska_theory.symbolic.steps import Step, Witness

DEFAULT_DIGITS = 50
DEFAULT_POINTS = 20
DEFAULT_SEED = 20250407  # SKA-2's date; any fixed seed would do

MpFn = Callable[..., mpmath.mpf | tuple[mpmath.mpf, mpmath.mpf]]


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


TAIL_CUTS = tuple(2.0**k for k in range(3, 21))  # candidate finite ends: 8 ... 10^6


def _finite_tail(fn: Callable[[mpmath.mpf], mpmath.mpf], end: mpmath.mpf) -> mpmath.mpf:
    """An infinite quadrature ``end`` (±∞) replaced by the first ±2^k (k = 3..20) where |fn| is below
    10^-(dps + 10), so a double-exponential tail (exp(-exp(-z)), the Gumbel activation) is never
    evaluated at |z| ~ 10^30, which costs mpmath unbounded time; ``end`` itself when no cut qualifies
    (a slowly decaying tail). A finite ``end`` is returned unchanged."""
    if mpmath.isfinite(end):
        return end
    tiny = mpmath.mpf(10) ** -(mpmath.mp.dps + 10)
    sign = 1 if end > 0 else -1
    for cut in TAIL_CUTS:
        x = mpmath.mpf(sign * cut)
        if abs(fn(x)) < tiny:
            return x
    return end


def quad_line(
    fn: Callable[[mpmath.mpf], mpmath.mpf], nodes: Sequence[mpmath.mpf]
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(∫ fn over the increasing ``nodes``, error estimate) by mpmath.quad, ends possibly ±∞.

    An infinite end is cut where fn is negligible (:func:`_finite_tail`); a slowly decaying tail beyond
    E = ∓1 (or the nearest node) is integrated in t = E/x, ∫ fn(E/t) |E|/t² dt over (0, 1]: smooth for
    algebraic tails (fn ~ 1/x² gives a bounded integrand), where quad on the infinite range is off by
    10^-4."""
    pts = [mpmath.mpf(v) for v in nodes]
    pts[0], pts[-1] = _finite_tail(fn, pts[0]), _finite_tail(fn, pts[-1])
    value, error = mpmath.mpf(0), mpmath.mpf(0)
    for end, inner in ((0, 1), (-1, -2)):
        if mpmath.isfinite(pts[end]):
            continue
        edge = (min if pts[end] < 0 else max)(mpmath.mpf(-1 if pts[end] < 0 else 1), pts[inner])
        v, e = mpmath.quad(lambda t, edge=edge: fn(edge / t) * abs(edge) / t**2, [0, 1], error=True)
        value, error = value + v, error + e
        pts[end] = edge
    pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
    if len(pts) > 1:
        v, e = mpmath.quad(fn, pts, error=True)
        value, error = value + v, error + e
    return value, error


def _value(v: mpmath.mpf | tuple[mpmath.mpf, mpmath.mpf]) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(value, error bound) of one side's evaluation."""
    if isinstance(v, tuple):
        return mpmath.mpmathify(v[0]), abs(mpmath.mpmathify(v[1]))
    return mpmath.mpmathify(v), mpmath.mpf(0)


def _residual(
    lhs: MpFn, rhs: MpFn, point: dict[str, mpmath.mpf], digits: int
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(relative, absolute) residual of the two sides at ``point``, evaluated at ``digits`` digits."""
    with mpmath.workdps(digits):
        (a, ea), (b, eb) = _value(lhs(**point)), _value(rhs(**point))
        res = max(abs(a - b) - 10 * (ea + eb), mpmath.mpf(0))
        rel = res / max(abs(a), abs(b), mpmath.mpf(1))
    return (rel if mpmath.isfinite(rel) else mpmath.inf), res


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
    """Evaluate ``lhs(**point)`` and ``rhs(**point)`` with mpmath at ``digits`` digits and compare.

    A point whose residual exceeds the tolerance is evaluated again at twice the digits and keeps the
    smaller residual, so cancellation in one side's formula is not mistaken for a counterexample.
    """
    if digits < 50 or n_points < 20:
        raise ValueError(
            f"witness needs >= 50 digits and >= 20 points, got digits={digits}, n_points={n_points}"
        )
    tol = tolerance if tolerance is not None else 10.0 ** (-(digits - 10))
    worst_rel, worst_abs = mpmath.mpf(-1), mpmath.mpf(0)
    worst_point: dict[str, mpmath.mpf] = {}
    for point in random_points(domain, n_points, seed):
        rel, res = _residual(lhs, rhs, point, digits)
        if rel > tol:  # rounding (cancellation) shrinks with precision; a real difference does not
            rel, res = min((rel, res), _residual(lhs, rhs, point, 2 * digits))
        if rel > worst_rel:
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


def mp_lambdify(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> Callable[..., mpmath.mpf]:
    """``lambdify`` to mpmath taking keyword arguments named after ``symbols``."""
    f = sp.lambdify(list(symbols), expr, modules="mpmath", cse=True)
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
    """Witness ``lhs == rhs`` on the real box ``domain`` by evaluating both sides with mpmath.

    Refuses two sides that are the same expression: that would witness nothing.
    """
    if sp.sympify(lhs) == sp.sympify(rhs):
        raise ValueError(f"witness of {description!r} would evaluate the same expression on both sides")
    syms = sorted(domain, key=str)
    return witness_functions(
        mp_lambdify(lhs, syms),
        mp_lambdify(rhs, syms),
        {str(k): v for k, v in domain.items()},
        description=description,
        **kw,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class IdentityCheck:
    """A symbolic identity checked twice: a rewrite chain (proof) and the mpmath witness.

    ``status``: ``proven`` (proof reached 0 and the witness agrees), ``refuted`` (the witness found a
    point far above precision), ``unproven`` (the witness agrees, the rewrites did not reach 0) or
    ``inconsistent`` (the rewrites reached 0 but the witness disagrees: a toolkit defect).
    """

    description: str
    proven: bool
    steps: list[Step]
    witness: Witness | None  # None when the two sides are literally the same expression (nothing to witness)

    @property
    def refuted(self) -> bool:
        return self.witness is not None and not self.witness.agrees

    @property
    def status(self) -> str:
        if self.proven:
            return "inconsistent" if self.refuted else "proven"
        return "refuted" if self.refuted else "unproven"


def check_identity(
    lhs: sp.Expr,
    rhs: sp.Expr,
    domain: Mapping[sp.Symbol, tuple[float, float]],
    *,
    description: str,
    rewrites: Sequence[Rewrite] | None = None,
    witness: Witness | None = None,
) -> IdentityCheck:
    """Prove ``lhs == rhs`` by rewriting ``lhs - rhs`` and witness it numerically on ``domain``.

    ``witness`` replaces the default witness (both sides lambdified) by an independent evaluation,
    e.g. a quadrature of the definition against the derived closed form.
    """
    if sp.sympify(lhs - rhs) == 0:  # literally equal: proved as written, nothing to witness
        return IdentityCheck(
            description, True, [Step(sp.S.Zero, "the two sides are the same expression")], witness
        )
    w = witness if witness is not None else witness_identity(lhs, rhs, domain, description=description)
    # A refuted identity is not worth the whole chain (simplify can take seconds): expand it for display.
    chain = ((rewrites or CHAIN)[0],) if not w.agrees else (rewrites or CHAIN)
    proven, steps = prove_zero(lhs - rhs, chain)
    return IdentityCheck(description, proven, steps, w)
