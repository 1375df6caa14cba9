"""lagrangian.* and learning.* claims: recomputed with SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import LN2, decide, sigmoid, sigmoid_prime
from scipy.integrate import quad, solve_ivp

from ska_theory.claims.model import Verdict


def action(a, b, s):
    path = lambda t: a + (b - a) * t + s * np.sin(np.pi * t)  # noqa: E731
    dpath = lambda t: (b - a) + s * np.pi * np.cos(np.pi * t)  # noqa: E731
    return quad(lambda t: -path(t) * sigmoid_prime(path(t)) * dpath(t), 0, 1, limit=200)[0]


def test_actions_of_paths_with_the_same_ends_agree():
    assert (
        action(-1, 2, 0)
        == pytest.approx(action(-1, 2, 4), abs=1e-10)
        == pytest.approx(action(-1, 2, -3), abs=1e-10)
    )
    o = decide("lagrangian.least-action-principle")
    assert o.evidence.figures["action_straight"] == pytest.approx(action(-1, 2, 0), rel=1e-9)
    assert o.verdict is Verdict.HOLDS_VACUOUSLY
    assert decide("lagrangian.euler-lagrange").verdict is Verdict.HOLDS_VACUOUSLY


def test_euler_endpoints_differ_at_fixed_eta_k():
    rate = lambda z: 5 * z * sigmoid_prime(z) / LN2  # noqa: E731
    exact = solve_ivp(lambda t, y: rate(y), (0, 0.5), [1.0], rtol=1e-12, atol=1e-14).y[0, -1]
    o = decide("lagrangian.time-independence-explains-invariance")
    assert o.evidence.figures["exact_z_T"] == pytest.approx(exact, rel=1e-8)
    z = 1.0
    for _ in range(1):
        z += 0.5 * rate(z)
    assert o.evidence.figures["euler_z_T_eta_0.5_K_1"] == pytest.approx(z, rel=1e-10)
    assert o.verdict is Verdict.FAILS


def test_boundary_claim_two_paths_and_one_flow():
    o = decide("lagrangian.boundary-conditions-determine-path")
    assert o.evidence.figures["paths_same_endpoints_gap_at_half"] == pytest.approx(1.0)
    assert o.verdict is Verdict.HOLDS_UNDER_CONDITIONS


def test_cosine_vanishes_while_entropy_step_does_not():
    o = decide("learning.cosine-break-condition")
    dD = sigmoid(2.0) - sigmoid(1.0)
    for m in (10, 1000, 100000):
        cos, h = o.evidence.counterexample[f"M = {m}"]["cos"], o.evidence.counterexample[f"M = {m}"]["H"]
        assert cos == pytest.approx(1 / np.sqrt(m**2 + 1)) and h == pytest.approx(-dD / LN2)
    assert o.verdict is Verdict.FAILS
