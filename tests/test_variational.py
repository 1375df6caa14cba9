"""The variational engine: Euler–Lagrange expressions and null-Lagrangian detection, by recomputation."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from ska_theory.claims.model import Context, Outcome, Source, Verdict, claim
from ska_theory.proofs._common import euler_lagrange_outcome
from ska_theory.symbolic.derivation import Derivation
from ska_theory.symbolic.variational import (
    Jet,
    action,
    analyse_lagrangian,
    total_time_derivative,
)

t = sp.Symbol("t", real=True)
Q = sp.Function("q")(t)
QD = Q.diff(t)
JET = Jet.of(Q)


def numeric_zero(e: sp.Expr, n: int = 7) -> bool:
    """e vanishes at n deterministic jet points (an independent check of the engine's own witness)."""
    for i in range(n):
        pt = {JET.q: 0.3 + 0.7 * i, JET.qdot: -1.1 + 0.5 * i, JET.qddot: 2.0 - 0.9 * i, JET.t: -0.8 + 0.4 * i}
        if abs(complex(e.subs(pt).evalf())) > 1e-12:
            return False
    return True


def test_vacuous_lagrangian_with_trig_is_detected_with_its_potential():
    d = analyse_lagrangian(QD * sp.cos(Q) + t, Q)
    assert d.identically_zero and d.is_null and d.closed_form
    F = d.total_derivative
    # dF/dt recomputed must give L back; and F differs from sin q + t²/2 by a constant at most.
    assert numeric_zero(total_time_derivative(F, JET) - d.lagrangian)
    diff = F - (sp.sin(JET.q) + JET.t**2 / 2)
    assert numeric_zero(sp.diff(diff, JET.q)) and numeric_zero(sp.diff(diff, JET.t))


def test_total_derivative_of_q_squared_t_is_recovered():
    d = analyse_lagrangian(sp.diff(Q**2 * t, t), Q)
    assert d.is_null
    assert sp.expand(d.total_derivative - JET.q**2 * JET.t).free_symbols == set()


def test_harmonic_oscillator_is_not_null():
    d = analyse_lagrangian(QD**2 / 2 - Q**2 / 2, Q)
    assert not d.identically_zero and d.total_derivative is None and not d.is_null
    assert sp.expand(d.euler_lagrange - (JET.qddot + JET.q)) == 0
    p = d.nonzero_at
    assert p is not None and abs(p["q"] + p["q_ddot"]) > 1e-3
    assert not d.witnesses[0].agrees


def test_affine_but_not_closed_lagrangian_is_not_null():
    # L = q t q̇: ∂A/∂t = q ≠ ∂B/∂q = 0, so EL = q.
    d = analyse_lagrangian(Q * t * QD, Q)
    assert d.total_derivative is None
    assert sp.expand(d.euler_lagrange - JET.q) == 0


def _decide_with_engine(lagrangian: sp.Expr) -> Outcome:
    @claim("test.el-zero", source=Source("SKA-2", "none"), statement="EL = 0")
    def c(th: object) -> Outcome:
        v = analyse_lagrangian(lagrangian, Q)
        return euler_lagrange_outcome(Derivation(), v, interpretation="optimality", shown_as="F")

    return c.decide(Context(use_cache=False))


def test_claim_built_on_the_engine_is_vacuous_for_a_null_lagrangian():
    out = _decide_with_engine(QD * sp.cos(Q) + t)
    assert out.verdict is Verdict.HOLDS_VACUOUSLY
    assert out.evidence.figures["null_lagrangian"] is True
    assert all(w.agrees for w in out.evidence.witnesses)


def test_claim_built_on_the_engine_fails_for_the_oscillator():
    out = _decide_with_engine(QD**2 / 2 - Q**2 / 2)
    assert out.verdict is Verdict.FAILS and out.evidence.counterexample is not None


def test_action_of_null_lagrangian_is_the_endpoint_change():
    d = analyse_lagrangian(QD * sp.cos(Q) + t, Q)
    path = sp.Rational(1, 2) + 2 * JET.t + 3 * sp.sin(sp.pi * JET.t) ** 2  # q(0) = 1/2, q(1) = 5/2
    got = action(d.lagrangian, JET, path, 0, 1)
    F = d.total_derivative
    want = F.subs({JET.q: sp.Rational(5, 2), JET.t: 1}) - F.subs({JET.q: sp.Rational(1, 2), JET.t: 0})
    with mpmath.workdps(50):
        assert abs(got - mpmath.mpf(str(sp.N(want, 50)))) < mpmath.mpf(10) ** -40


def test_jet_rejects_non_paths():
    with pytest.raises(ValueError, match="undefined function"):
        Jet.of(sp.sin(t))


@settings(max_examples=8, deadline=None)
@given(
    a=st.integers(-3, 3),
    b=st.integers(-3, 3),
    c=st.integers(-3, 3),
    k=st.integers(1, 3),
)
def test_any_total_derivative_is_detected(a, b, c, k):
    # F(q, t) built at random; L = dF/dt must be found null and the engine's F equal to it up to a constant.
    F = a * Q**2 * t + b * sp.sin(k * Q) + c * t**3 + Q * sp.exp(t)
    d = analyse_lagrangian(sp.diff(F, t), Q)
    assert d.is_null
    gap = d.total_derivative - JET.from_path(F)
    for pt in ((0.2, -0.4), (1.3, 0.9), (-2.1, 1.7)):
        v = gap.subs({JET.q: pt[0], JET.t: pt[1]}) - gap.subs({JET.q: 0, JET.t: 0})
        assert math.isclose(float(v), 0.0, abs_tol=1e-9)


@settings(max_examples=8, deadline=None)
@given(w=st.integers(1, 4))
def test_oscillators_are_never_null(w):
    d = analyse_lagrangian(QD**2 / 2 - w**2 * Q**2 / 2, Q)
    assert d.total_derivative is None
    assert sp.expand(d.euler_lagrange - (JET.qddot + w**2 * JET.q)) == 0
