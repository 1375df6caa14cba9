"""A derivation as a sequence of small named steps, each verified (the way sympy.physics.mechanics
builds equations of motion: inspectable objects, not one opaque call).

A :class:`Derivation` collects the steps, the witnesses and the raw numbers of one claim. Two kinds of
checks go through it:

- :meth:`Derivation.lemma`: one of the toolkit's own steps (an antiderivative, a limit, a rewrite of
  the theory's definitions). It must be proved by the rewrite chain *and* agree with its independent
  witness; otherwise :class:`StepFailed` is raised and the claim is ``undecided`` at that step.
- :meth:`Derivation.statement`: the paper's statement itself, derived under the theory. Its result is
  returned to the claim, which decides: a refuted statement is a counterexample (``fails``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

from ska_theory.symbolic.display import display
from ska_theory.symbolic.steps import Step, Witness
from ska_theory.symbolic.witness import IdentityCheck, check_identity, witness_functions

Box = Mapping[sp.Symbol, tuple[float, float]]


_STATUS = {
    "proven": "proved, and confirmed by the witness",
    "refuted": "contradicted by the witness",
    "unproven": "confirmed by the witness, not proved",
    "inconsistent": "proved, yet contradicted by the witness",
}


# Single letters SymPy would read as its own objects (N is evaluation, S singletons, E Euler's number...).
_LETTERS = {name: sp.Symbol(name) for name in ("N", "S", "E", "I", "O", "Q", "beta", "gamma", "lambda_")}


def named(text: str) -> sp.Expr:
    """A left-hand side written in the report's ``$...$`` syntax (``H_SKA(z, z_0)``, ``Net(z) - Net(z_0)``),
    as an unevaluated SymPy expression whose names the report's symbol table prints."""
    return parse_expr(text, local_dict=_LETTERS, evaluate=False)


class StepFailed(Exception):
    """One of the toolkit's own steps did not go through: the claim is ``undecided`` at ``step``."""

    def __init__(self, step: str, why: str, derivation: Derivation | None = None):
        super().__init__(f"{step}: {why}")
        self.step, self.why, self.derivation = step, why, derivation


@dataclass
class Derivation:
    """Steps, witnesses and numbers of one claim's derivation, in the order they were made."""

    steps: list[Step] = field(default_factory=list)
    witnesses: list[Witness] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def show(self, expr: sp.Basic, why: str, tool: str = "") -> None:
        """A step that states a result already obtained (a definition, a substitution, a conclusion)."""
        self.steps.append(Step(display(expr), why, tool))

    def fail(self, step: str, why: str) -> StepFailed:
        return StepFailed(step, why, self)

    def _record(self, chk: IdentityCheck, conclusion: sp.Basic | None) -> None:
        self.steps += [Step(display(s.expr), s.justification, "rewrite chain") for s in chk.steps[1:]]
        if conclusion is not None:
            self.show(conclusion, f"{chk.description} ({_STATUS[chk.status]})")
        if chk.witness is not None:
            self.witnesses.append(chk.witness)

    def lemma(
        self, lhs: sp.Expr, rhs: sp.Expr, box: Box, description: str, *, witness: Witness | None = None
    ) -> IdentityCheck:
        """A toolkit step ``lhs = rhs``: proved and witnessed, or :class:`StepFailed`."""
        chk = check_identity(lhs, rhs, box, description=description, witness=witness)
        self._record(chk, sp.Eq(lhs, rhs, evaluate=False))
        if chk.status != "proven":
            raise self.fail(description, f"the step is {chk.status}")
        return chk

    def statement(
        self, lhs: sp.Expr, rhs: sp.Expr, box: Box, description: str, *, witness: Witness | None = None
    ) -> IdentityCheck:
        """The paper's statement ``lhs = rhs`` under the theory: checked and returned, never raised."""
        chk = check_identity(lhs, rhs, box, description=description, witness=witness)
        self._record(chk, None)
        if chk.status == "inconsistent":
            raise self.fail(description, "the rewrites reach 0 but the witness disagrees (toolkit defect)")
        return chk

    def antiderivative(
        self,
        integrand: sp.Expr,
        x: sp.Symbol,
        name: str,
        *,
        symbol: str = "F",
        ansatz: sp.Expr | None = None,
        box: tuple[float, float] = (-20.0, 20.0),
    ) -> sp.Expr:
        """``symbol`` with ``symbol``' = ``integrand`` (up to a constant): from ``ansatz`` only if it
        differentiates back, else ``sympy.integrate``; verified by differentiation and by quadrature
        between random a, b. ``name`` is the integrand in the report's ``$...$`` syntax."""
        F = None
        lhs = sp.Function(symbol)(x)
        if ansatz is not None:
            tried = check_identity(sp.diff(ansatz, x), integrand, {x: box}, description="ansatz")
            if tried.status == "proven":
                F, how = ansatz, "ansatz, verified by differentiation"
            else:
                self.show(
                    sp.Eq(lhs, ansatz), f"tried first (an ansatz): it does not differentiate back to ${name}$"
                )
        if F is None:
            F, how = sp.integrate(integrand, x), "sympy.integrate"
            if F.has(sp.Integral):
                raise self.fail(f"integrate ${name}$", "no closed form was found")
        self.show(sp.Eq(lhs, F), f"integrate ${name}$ in ${x}$", tool=how)
        self.lemma(
            sp.diff(F, x),
            integrand,
            {x: box},
            f"${symbol}$ differentiates back to ${name}$",
            witness=quadrature_witness(integrand, F, x, box, name, symbol),
        )
        return F

    def limit(self, expr: sp.Expr, x: sp.Symbol, point: sp.Expr, name: str) -> sp.Expr:
        """lim_{x → point} ``expr`` by SymPy (``name``: the expression in ``$...$`` syntax);
        :class:`StepFailed` when it cannot tell."""
        where = f"the limit of ${name}$ as ${x} -> {sp.sstr(point)}$"
        try:
            value = sp.limit(expr, x, point)
        except (NotImplementedError, ValueError, TypeError) as e:
            raise self.fail(where, f"the limit could not be computed ({type(e).__name__})") from None
        if isinstance(value, sp.Limit) or not (value.is_number or value in (sp.oo, -sp.oo)):
            raise self.fail(where, "the limit could not be computed")
        self.show(sp.Eq(sp.Limit(expr, x, point), value), where, tool="sympy.limit")
        return value


def quadrature_witness(
    integrand: sp.Expr, F: sp.Expr, x: sp.Symbol, box: tuple[float, float], name: str, symbol: str = "F"
) -> Witness:
    """∫_a^b integrand dx by mpmath.quad (with its error estimate) against F(b) - F(a), a, b in ``box``."""
    f = sp.lambdify([x], integrand, modules="mpmath")
    Fm = sp.lambdify([x], F, modules="mpmath")

    def quad(a: mpmath.mpf, b: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        nodes = [a, *(c for c in (-1, 0, 1) if min(a, b) < c < max(a, b)), b]
        nodes = sorted(nodes) if a <= b else sorted(nodes, reverse=True)
        return mpmath.quad(f, nodes, error=True)  # type: ignore[no-any-return]

    return witness_functions(
        quad,
        lambda a, b: Fm(b) - Fm(a),
        {"a": box, "b": box},
        description=f"quadrature of ${name}$ from a to b against ${symbol}(b) - {symbol}(a)$",
    )


def _sign_change_holds(fn: Callable[[mpmath.mpf], mpmath.mpf], a: mpmath.mpf, b: mpmath.mpf) -> bool:
    """The sign change between a and b survives re-evaluation at twice the digits (not rounding noise)."""
    with mpmath.workdps(2 * mpmath.mp.dps):
        return bool(fn(a) * fn(b) < 0)


def real_roots(
    fn: Callable[[mpmath.mpf], mpmath.mpf], interval: tuple[float, float] = (-60.0, 60.0), samples: int = 2401
) -> list[mpmath.mpf]:
    """The real roots of ``fn`` in ``interval`` where it changes sign between grid points, each refined by
    mpmath.findroot (bisection-safe Anderson–Björck) at the current working precision.

    A grid value of exactly 0 is a root only when the nearest non-zero values on its two sides differ
    in sign: in an activation's tails cancellation makes whole runs of exact zeros ((1 + erf z)/2 is 0
    to 50 digits below z ≈ -11, 1e-1566 at z = -60 in truth), and they are no roots. A sign change must
    survive twice the digits."""
    lo, hi = (mpmath.mpf(v) for v in interval)
    grid = [lo + (hi - lo) * k / (samples - 1) for k in range(samples)]
    values = [fn(x) for x in grid]
    signed = [i for i, v in enumerate(values) if v != 0]
    roots = []
    for i, j in itertools.pairwise(signed):
        if values[i] * values[j] > 0:
            continue
        if j == i + 2:  # one exact zero between opposite signs: a root on the grid
            roots.append(grid[i + 1])
        elif _sign_change_holds(fn, grid[i], grid[j]):
            roots.append(mpmath.findroot(fn, (grid[i], grid[j]), solver="anderson"))
    return roots
