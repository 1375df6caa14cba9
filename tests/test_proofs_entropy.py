"""entropy.* claims: the numbers each verdict was decided on, recomputed with SciPy and NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import LN2, binary_entropy, decide, h_ska_quad, sigmoid, sigmoid_prime

from ska_theory.claims.model import Verdict


@pytest.mark.parametrize("zz", [-7.3, -1.0, 0.0, 0.4, 5.5])
def test_h_ska_from_minus_infinity_is_shannon_for_the_sigmoid(zz):
    assert h_ska_quad(zz) == pytest.approx(float(binary_entropy(sigmoid(zz))), abs=1e-9)


def test_shannon_equivalence_paper_offset_is_one_bit():
    o = decide("entropy.shannon-equivalence")
    assert o.verdict is Verdict.HOLDS_UNDER_CONDITIONS
    # From z0 = 0 the integral misses H_b(1/2) = 1 bit (SciPy): the offset the verdict names.
    assert h_ska_quad(0.0) - h_ska_quad(0.0, lower=0.0) == pytest.approx(1.0)
    assert o.evidence.figures["offset_from_z0_equal_0"] == pytest.approx(1.0)


def test_shannon_equivalence_tempered_reports_half_of_shannon():
    """D = σ(2z): ∫ z dσ(2z) with u = 2z is (1/2)∫ u dσ(u), so H_SKA = H_b(D)/2 ≠ H_b(D)."""
    o = decide("entropy.shannon-equivalence", "tempered")
    assert o.verdict is Verdict.FAILS
    cx = o.evidence.counterexample
    assert cx["H_SKA"] == pytest.approx(h_ska_quad(cx["z"], slope=2), rel=1e-8)
    assert cx["H_b(D)"] == pytest.approx(float(binary_entropy(sigmoid(cx["z"], 2))), rel=1e-8)
    assert cx["H_SKA"] / cx["H_b(D)"] == pytest.approx(0.5)
    assert "1/2*H_b(D)" in o.summary


def test_sigmoid_uniqueness_counterexample_under_tempered_is_real():
    o = decide("entropy.sigmoid-uniqueness", "tempered")
    assert o.verdict is Verdict.FAILS
    zz = o.evidence.counterexample["z"]
    assert o.evidence.counterexample["f(z)"] == pytest.approx(float(sigmoid(zz, 2)))
    assert o.evidence.counterexample["s(z)"] == pytest.approx(float(sigmoid(zz)))
    assert decide("entropy.sigmoid-uniqueness").verdict is Verdict.HOLDS_UNDER_CONDITIONS


def test_steeper_activation_has_lower_h_ska():
    o = decide("entropy.sigmoid-from-minimisation")
    assert o.verdict is Verdict.FAILS
    cx = o.evidence.counterexample
    assert cx["H_SKA of f"] == pytest.approx(h_ska_quad(0.0)) and cx["H_SKA of f(2z)"] == pytest.approx(
        h_ska_quad(0.0, 2)
    )
    assert h_ska_quad(0.0, 4) < h_ska_quad(0.0, 2) < h_ska_quad(0.0)  # and lower still as τ → 0


def test_local_h_takes_two_values_at_one_state():
    o = decide("entropy.local-h-is-uncertainty")
    up, down = sigmoid(2.1) - sigmoid(2.0), sigmoid(1.9) - sigmoid(2.0)
    assert o.evidence.counterexample["h forward"] == pytest.approx(-2.0 * up / LN2)
    assert o.evidence.counterexample["h backward"] == pytest.approx(-2.0 * down / LN2)
    assert o.verdict is Verdict.FAILS


def test_discrete_sum_orders_recomputed_with_numpy():
    def sums(K: int, rule: str) -> float:
        zk = np.linspace(-3.0, 4.0, K + 1)
        node = {"right": zk[1:], "left": zk[:-1], "mid": (zk[1:] + zk[:-1]) / 2}[rule]
        return float(-(node * np.diff(sigmoid(zk))).sum() / LN2)

    exact = h_ska_quad(4.0) - h_ska_quad(-3.0)
    for rule, order in (("right", 1), ("mid", 2)):
        e1, e2 = sums(256, rule) - exact, sums(512, rule) - exact
        assert np.log2(abs(e1 / e2)) == pytest.approx(order, abs=0.02)
    assert sums(64, "right") < exact  # biased low
    o = decide("entropy.discrete-sum-converges")
    assert o.verdict is Verdict.HOLDS_UNDER_CONDITIONS
    assert o.evidence.figures["observed_orders"]["right"]["-3 to +4"][-1] == pytest.approx(1.0, abs=0.02)


def test_two_paths_with_the_same_ends_accumulate_the_same_entropy():
    from scipy.integrate import quad

    def along(path, dpath):
        return quad(lambda u: -path(u) * sigmoid_prime(path(u)) * dpath(u) / LN2, 0, 1, limit=200)[0]

    straight = along(lambda u: -2 + 5 * u, lambda u: 5.0)
    wiggle = along(
        lambda u: -2 + 5 * u + 40 * u * (1 - u) * (1 - 2 * u), lambda u: 5 + 40 * (1 - 6 * u + 6 * u**2)
    )
    assert straight == pytest.approx(wiggle, abs=1e-9)
    assert decide("entropy.path-independence").verdict is Verdict.HOLDS
