"""SKA-2's Lagrangian claims, recomputed: verdicts and the closed forms behind them, checked independently."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from ska_theory.claims.model import Verdict
from ska_theory.proofs import lagrangian
from ska_theory.symbolic.definitions import z


def by_id(cid: str):
    return next(c for c in lagrangian.CLAIMS if c.id == cid)


@pytest.fixture(scope="module")
def outcomes():
    return {c.id: c.decide() for c in lagrangian.CLAIMS}


def softplus(x: float) -> float:
    return math.log1p(math.exp(x)) if x < 30 else x + math.log1p(math.exp(-x))


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def hb_nats(p: float) -> float:
    return -(p * math.log(p) + (1 - p) * math.log(1 - p))


def test_all_three_claims_are_exported():
    assert {c.id for c in lagrangian.CLAIMS} == {
        "lagrangian.euler-lagrange",
        "lagrangian.least-action-principle",
        "lagrangian.time-independence-explains-invariance",
    }


def test_euler_lagrange_is_vacuous_with_entropy_potential(outcomes):
    o = outcomes["lagrangian.euler-lagrange"]
    assert o.verdict is Verdict.HOLDS_VACUOUSLY
    assert o.evidence.figures["null_lagrangian"] and o.evidence.figures["F_is_ln2_times_H_b"]
    assert all(w.agrees for w in o.evidence.witnesses)


def test_engine_potential_differentiates_back_to_the_lagrangian():
    d = lagrangian.ska_derivation()
    assert d.identically_zero and d.total_derivative is not None
    dF = sp.diff(d.total_derivative, z)  # dF/dt = F'(z) ż; compare F' with -z σ(1-σ) numerically
    for x in (-7.3, -1.0, 0.4, 2.9, 11.0):
        want = -x * math.exp(-x) / (1 + math.exp(-x)) ** 2  # -z σ(1-σ) without cancellation
        assert math.isclose(float(sp.N(dF.subs(z, sp.Float(x, 30)), 30)), want, rel_tol=1e-12)


@settings(max_examples=30, deadline=None)
@given(x=st.floats(-25, 25))
def test_potential_is_nats_entropy(x):
    f = softplus(x) - x * sig(x)
    assert math.isclose(f, hb_nats(sig(x)), rel_tol=1e-9, abs_tol=1e-12)


def test_least_action_paths_have_equal_action(outcomes):
    o = outcomes["lagrangian.least-action-principle"]
    assert o.verdict is Verdict.HOLDS_VACUOUSLY
    # Recompute one path's action here, independently of the module: z = -1 + 3t + 4 sin(πt).
    with mpmath.workdps(30):

        def lag(tt):
            q = -1 + 3 * tt + 4 * mpmath.sin(mpmath.pi * tt)
            qd = 3 + 4 * mpmath.pi * mpmath.cos(mpmath.pi * tt)
            s = 1 / (1 + mpmath.exp(-q))
            return -q * s * (1 - s) * qd

        detour = mpmath.quad(lag, [0, 0.5, 1])
    endpoint = hb_nats(sig(2.0)) - hb_nats(sig(-1.0))
    figs = o.evidence.figures
    assert math.isclose(float(detour), endpoint, rel_tol=1e-12)
    for name in ("straight", "detour", "oscillating"):
        assert math.isclose(figs[f"action_{name}"], endpoint, rel_tol=1e-12)
    # A different endpoint gives a different action: the action is an endpoint function, not a constant.
    assert math.isclose(figs["action_straight_to_z1_equal_3"], hb_nats(sig(3.0)) - hb_nats(sig(-1.0)))
    assert abs(figs["action_straight_to_z1_equal_3"] - endpoint) > 0.1


def test_time_independence_inference_fails_with_first_order_gaps(outcomes):
    o = outcomes["lagrangian.time-independence-explains-invariance"]
    assert o.verdict is Verdict.FAILS and o.evidence.counterexample is not None
    figs = o.evidence.figures
    assert figs["dL_dt"] == "0"
    ends = {}
    for eta, k in ((0.5, 1), (0.25, 2), (0.1, 5), (0.01, 50)):
        zk = 1.0
        for _ in range(k):  # explicit Euler of ż = 4 z σ'(z)/ln2, recomputed in floats
            zk += eta * 4 * zk * sig(zk) * (1 - sig(zk)) / math.log(2)
        ends[eta] = zk
        assert math.isclose(figs[f"autonomous_z_T[eta={eta},K={k}]"], zk, rel_tol=1e-12)
    assert ends[0.01] - ends[0.5] > 0.05
    # First order: error/η roughly constant across a 50-fold change of η.
    ratios = [figs[f"autonomous_error_over_eta[eta={eta},K={k}]"] for eta, k in ((0.5, 1), (0.01, 50))]
    assert 0.5 < ratios[0] / ratios[1] < 2
    # The exact endpoint solves the separable ODE: check it against a fine RK4 integration.
    zt, h = 1.0, 0.5 / 2000

    def f(x: float) -> float:
        return 4 * x * sig(x) * (1 - sig(x)) / math.log(2)

    for _ in range(2000):
        k1 = f(zt)
        k2 = f(zt + h * k1 / 2)
        k3 = f(zt + h * k2 / 2)
        k4 = f(zt + h * k3)
        zt += h * (k1 + 2 * k2 + 2 * k3 + k4) / 6
    assert math.isclose(figs["autonomous_z_T_exact"], zt, rel_tol=1e-10)
