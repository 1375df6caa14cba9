"""The studies' analysis functions on hand-computed cases and exact identities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ska_theory.network.params import Layer, init_params
from ska_theory.network.velocity import velocity
from ska_theory.sims._analysis import (
    LN2,
    absolute_sup_error,
    convergence_order,
    half_input_rate,
    linearised_rates,
    log_slope,
    nearest_centroid_accuracy,
    normalized_mutual_info,
    pair_orders,
    peak,
    power_law_exponent,
    relative_sup_error,
    ridge_probe_accuracy,
    second_moment,
    sign_patterns,
    sign_summary,
    step_for_tolerance,
    stratified_split,
    zero_crossings,
)


@settings(max_examples=30, deadline=None)
@given(p=st.floats(0.3, 4.0), C=st.floats(1e-3, 1e3))
def test_convergence_order_recovers_the_power(p: float, C: float) -> None:
    h = [0.02, 0.01, 0.005, 0.0025]
    assert convergence_order(h, [C * x**p for x in h]) == pytest.approx(p, rel=1e-9)


def test_power_law_exponent_and_missing_values() -> None:
    assert power_law_exponent([0.5, 1, 2], [8.0, 2.0, 0.5]) == pytest.approx(-2.0)
    assert math.isnan(power_law_exponent([0.5, 1, 2], [1.0, float("nan"), 2.0]))
    assert math.isnan(power_law_exponent([0.5, 1], [1.0, 0.0]))


def test_sup_errors_on_a_hand_case() -> None:
    t_ref = np.linspace(0, 1, 11)
    y_ref = 2 * t_ref  # max |y_ref| = 2
    t = np.array([0.25, 0.5, 1.5])  # 1.5 lies outside the reference and is ignored
    y = np.array([0.5, 1.4, 100.0])  # errors 0 and 0.4
    assert relative_sup_error(t, y, t_ref, y_ref) == pytest.approx(0.2)
    assert absolute_sup_error(t, y, t_ref, y_ref) == pytest.approx(0.4)


@settings(max_examples=30, deadline=None)
@given(tv=st.floats(0.2, 0.8), a=st.floats(0.5, 5.0), seed=st.integers(0, 1000))
def test_peak_is_exact_for_a_parabola_on_an_uneven_grid(tv: float, a: float, seed: int) -> None:
    t = np.sort(np.random.default_rng(seed).uniform(0, 1, 40))
    t = np.concatenate([[0.0], t, [1.0]])
    y = 3.0 - a * (t - tv) ** 2
    p = peak(t, y)
    assert p.interior
    assert p.t == pytest.approx(tv, abs=1e-9)
    assert p.value == pytest.approx(3.0, abs=1e-9)


def test_peak_at_the_end_is_not_interior() -> None:
    t = np.linspace(0, 1, 11)
    p = peak(t, t**2)
    assert not p.interior and p.t == 1.0


def test_zero_crossings_linear_and_sine() -> None:
    t = np.linspace(0, 1, 6)
    np.testing.assert_allclose(zero_crossings(t, t - 0.37), [0.37])
    ts = np.linspace(0.0, 10.0, 2001)
    found = zero_crossings(ts, np.sin(ts))  # the exact zero at t = 0 is not a crossing
    np.testing.assert_allclose(found, [np.pi, 2 * np.pi, 3 * np.pi], atol=1e-5)
    assert zero_crossings(t, t**2 + 1).size == 0


def test_sign_summary() -> None:
    assert sign_summary(np.array([0.0, 1.0, 2.0])) == "positive"
    assert sign_summary(np.array([0.0, -1.0])) == "negative"
    assert sign_summary(np.array([-1.0, 1.0])) == "mixed"


def _numeric_jacobian_top_eigenvalue(X: np.ndarray, fan_out: int) -> float:
    """Largest eigenvalue of the Jacobian of a one-layer velocity at W = 0, b = 0, by central differences."""
    d = X.shape[1]
    n = (d + 1) * fan_out
    J = np.zeros((n, n))
    eps = 1e-6

    def v(a: np.ndarray) -> np.ndarray:
        A = a.reshape(d + 1, fan_out)
        (out,) = velocity((Layer(A[:d], A[d]),), X)
        return np.vstack([out.W, out.b[None, :]]).ravel()

    for j in range(n):
        e = np.zeros(n)
        e[j] = eps
        J[:, j] = (v(e) - v(-e)) / (2 * eps)
    return float(np.max(np.linalg.eigvals(J).real))


def test_linearised_rate_matches_the_numeric_jacobian() -> None:
    X = np.random.default_rng(3).uniform(0, 1, (40, 3))
    zero = (Layer(np.zeros((3, 2)), np.zeros(2)),)
    (lam,) = linearised_rates(zero, X)
    assert lam == pytest.approx(_numeric_jacobian_top_eigenvalue(X, 2), rel=1e-6)
    assert lam == pytest.approx(np.linalg.eigvalsh(second_moment(X))[-1] / (4 * LN2))


def test_deeper_layer_at_zero_weights_has_the_half_input_rate() -> None:
    params = tuple(Layer(np.zeros_like(p.W), np.zeros_like(p.b)) for p in init_params((5, 7, 3), seed=0))
    X = np.random.default_rng(0).uniform(0, 1, (30, 5))
    assert linearised_rates(params, X)[1] == pytest.approx(half_input_rate(7), rel=1e-12)
    assert half_input_rate(7) == pytest.approx((7 / 4 + 1) / (4 * math.log(2)))


def test_stratified_split_keeps_class_shares() -> None:
    labels = np.repeat(np.arange(4), 10)
    train, test = stratified_split(labels, 0.3, seed=1)
    assert len(np.intersect1d(train, test)) == 0
    assert sorted(np.concatenate([train, test])) == list(range(40))
    assert all(np.sum(labels[test] == c) == 3 for c in range(4))
    again = stratified_split(labels, 0.3, seed=1)
    np.testing.assert_array_equal(test, again[1])


def test_probe_and_centroid_on_separable_and_hand_cases() -> None:
    # Centroids (0, 0) and (10, 0); test points at x = 4 and x = 6 go to the nearer one.
    F_train = np.array([[0.0, 1], [0, -1], [10, 1], [10, -1]])
    y_train = np.array([0, 0, 1, 1])
    F_test = np.array([[4.0, 0], [6.0, 0], [6.0, 0]])
    y_test = np.array([0, 1, 0])
    assert nearest_centroid_accuracy(F_train, y_train, F_test, y_test) == pytest.approx(2 / 3)
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 30)
    F = rng.normal(size=(90, 5)) * 0.1 + np.eye(5)[y] * 3
    assert ridge_probe_accuracy(F[::2], y[::2], F[1::2], y[1::2]) == 1.0


def test_normalized_mutual_info_hand_cases() -> None:
    a = np.array([0, 0, 1, 1, 2, 2])
    assert normalized_mutual_info(a, a) == pytest.approx(1.0)
    assert normalized_mutual_info(a, (a + 1) % 3) == pytest.approx(1.0)  # relabelling changes nothing
    assert normalized_mutual_info(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])) == pytest.approx(0.0)
    assert normalized_mutual_info(np.zeros(4), np.array([0, 1, 0, 1])) == 0.0
    # a = (0,0,0,1), b = (0,0,1,1): joint {(0,0): 1/2, (0,1): 1/4, (1,1): 1/4}.
    ha = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    hb = math.log(2)
    mi = (
        0.5 * math.log(0.5 / (0.75 * 0.5))
        + 0.25 * math.log(0.25 / (0.75 * 0.5))
        + 0.25 * math.log(0.25 / 0.125)
    )
    got = normalized_mutual_info(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]))
    assert got == pytest.approx(mi / ((ha + hb) / 2))


def test_sign_patterns() -> None:
    D = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.6, 0.7]])
    assert sign_patterns(D) == 3
    assert sign_patterns(np.full((5, 12), 0.4)) == 1


def test_pair_orders_and_the_step_where_an_error_law_meets_a_tolerance() -> None:
    steps = [0.02, 0.01, 0.005]
    # error = 3 h (first order): each pair has order 1 and 3 h = 0.05 at h = 1/60.
    assert pair_orders(steps, [3 * h for h in steps]) == pytest.approx([1.0, 1.0])
    assert pair_orders(steps[::-1], [3 * h for h in steps[::-1]]) == pytest.approx([1.0, 1.0])  # any order
    assert step_for_tolerance(steps, [3 * h for h in steps], 0.05) == pytest.approx(1 / 60)
    assert math.isnan(step_for_tolerance(steps, [1.0, 1.0, 1.0], 0.05))  # an error that does not shrink


def test_log_slope_is_the_growth_per_e_fold() -> None:
    t = np.linspace(1, 100, 500)
    assert log_slope(t, 4 + 2.5 * np.log(t), 10, 100) == pytest.approx(2.5)
