"""integrate_flow: agreement with solve_ivp, the discrete variants' limit, events, failure handling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import cumulative_simpson, solve_ivp
from scipy.interpolate import CubicHermiteSpline, CubicSpline

from ska_theory.errors import ArgumentError
from ska_theory.network.discrete import run_discrete
from ska_theory.network.flow import Flow
from ska_theory.network.integrate import integrate_flow, layer_tolerances
from ska_theory.network.params import Layer, Params, init_params
from ska_theory.network.velocity import velocity

SIZES = (20, 8, 4, 3)


def small(seed: int = 0, scale: float = 1.0, sparse: bool = False) -> tuple[Params, np.ndarray]:
    X = np.random.default_rng(seed).random((50, SIZES[0]))
    X[:, :3] = 0.0  # unused input columns, as MNIST has
    if sparse:  # and sparse ones (nonzero for 3 of 50 samples), as its border pixels
        X[3:, 3:6] = 0.0
    return init_params(SIZES, seed=seed, scale=scale), X


def flat(params: Params) -> np.ndarray:
    return np.concatenate([np.concatenate([lay.W.ravel(), lay.b]) for lay in params])


def test_final_state_agrees_with_solve_ivp_on_the_plain_velocity():
    p, X = small(sparse=True)
    run = integrate_flow(p, X, T=0.5, rtol=1e-11, atol=1e-13, grid=3)
    assert run.status == "finished" and run.t.tolist() == [0.0, 0.25, 0.5]

    shapes = [(lay.W.shape, lay.b.shape) for lay in p]

    def plain(t, y):
        params, at = [], 0
        for ws, bs in shapes:
            W = y[at : at + ws[0] * ws[1]].reshape(ws)
            at += W.size
            params.append(Layer(W, y[at : at + bs[0]]))
            at += bs[0]
        return flat(velocity(tuple(params), X))

    ref = solve_ivp(plain, (0, 0.5), flat(p), method="DOP853", rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(flat(run.params), ref.y[:, -1], rtol=0, atol=1e-9)
    assert np.array_equal(run.params[0].W[:3], p[0].W[:3])  # unused input rows never move
    assert Flow(SIZES, X).sparse_inputs.tolist() == [3, 4, 5]  # the sparse product took part


def test_every_layer_is_held_to_the_tolerance_on_its_own():
    """An error of RMS atol confined to any one layer has SciPy error norm exactly 1."""
    _, X = small()
    flow = Flow(SIZES, X)
    rtol_v, atol_v = layer_tolerances(flow, 1e-6, 1e-9)
    layer = flow.layer_of_component()
    unused = np.zeros(flow.size, bool)
    unused[flow.unused_components()] = True
    for ell in range(flow.n_layers):
        err = np.where((layer == ell) & ~unused, 1e-9, 0.0)
        assert np.sqrt(np.mean((err / atol_v) ** 2)) == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(rtol_v / 1e-6, atol_v / 1e-9)


def test_refuses_implicit_and_bad_arguments():
    p, X = small()
    for kw, word in [
        ({"method": "Radau"}, "implicit"),
        ({"method": "BDF"}, "implicit"),
        ({"method": "LSODA"}, "implicit"),
        ({"method": "Euler"}, "unknown"),
        ({"T": 0.0}, "T=0.0"),
        ({"rtol": -1.0}, "rtol=-1.0"),
        ({"atol": 0.0}, "atol=0.0"),
        ({"grid": 1}, "grid=1"),
    ]:
        args = {"T": 0.5} | kw
        with pytest.raises(ValueError, match=word) as e:
            integrate_flow(p, X, **args)
        assert isinstance(e.value, ArgumentError) and e.value.name == next(iter(kw))
    bad = X.copy()
    bad[4, 7] = np.nan
    with pytest.raises(ValueError, match=r"X=.*\(4, 7\)"):
        integrate_flow(p, bad, T=0.5)


def test_negative_T_is_a_value_error_naming_T():
    p, X = small()
    with pytest.raises(ValueError, match=r"^T=-1: must be a positive finite number$") as e:
        integrate_flow(p, X, T=-1)
    assert e.value.name == "T" and e.value.value == -1


def _error_at_T(variant: str, eta: float, T: float, p: Params, X: np.ndarray, ref: np.ndarray) -> float:
    updates = round(T / eta)
    # paper: K steps are K updates; reference code: K passes make K - 1 updates
    steps = updates if variant == "paper" else updates + 1
    run = run_discrete(p, X, variant=variant, eta=eta, steps=steps)
    return float(np.max(np.abs(flat(run.params) - ref)) / np.max(np.abs(ref)))


@pytest.mark.parametrize("variant", ["paper", "reference-code"])
def test_discrete_variants_converge_to_the_flow_at_order_one(variant):
    p, X = small(seed=1)
    T = 0.5
    ref = flat(integrate_flow(p, X, T=T, rtol=1e-12, atol=1e-14, grid=2).params)
    etas = [0.05, 0.025, 0.0125, 0.00625]
    errors = [_error_at_T(variant, eta, T, p, X, ref) for eta in etas]
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.diff(errors) < 0), errors
    assert np.all(np.abs(orders - 1.0) < 0.15), orders


def test_one_discrete_update_over_eta_tends_to_the_rhs():
    """paper: (W_1 - W_0)/η is the RHS at W_0 exactly (Euler); reference code: its first update is the
    same Euler step (ΔD = 0, same inputs), its second differs from the RHS at W_1 by O(η) (the ΔD term
    and the previous pass's inputs)."""
    p, X = small(seed=2)
    flow = Flow(SIZES, X)

    def euler(params: Params, eta: float) -> np.ndarray:
        return flat(params) + eta * flat(flow.velocity(params))

    for eta in (1e-2, 1e-3):
        paper2 = run_discrete(p, X, variant="paper", eta=eta, steps=2).params
        first = run_discrete(p, X, variant="reference-code", eta=eta, steps=2).params
        np.testing.assert_allclose(flat(first), euler(p, eta), rtol=0, atol=1e-15)
        np.testing.assert_allclose(flat(paper2), euler(first, eta), rtol=0, atol=1e-15)
    gaps = []
    for eta in (4e-3, 2e-3, 1e-3):
        w1 = run_discrete(p, X, variant="reference-code", eta=eta, steps=2).params
        w2 = run_discrete(p, X, variant="reference-code", eta=eta, steps=3).params
        rhs = flat(flow.velocity(w1))
        gaps.append(np.max(np.abs((flat(w2) - flat(w1)) / eta - rhs)) / np.max(np.abs(rhs)))
    ratios = np.array(gaps[:-1]) / np.array(gaps[1:])
    assert np.all(np.abs(ratios - 2.0) < 0.1), (gaps, ratios)


def test_events_agree_with_a_dense_grid_root_search():
    T, grid = 3.0, 3001
    for seed, expected in ((1, "tensor_net_zero"), (3, "entropy_rate_min")):
        p, X = small(seed=seed, scale=1.0)
        run = integrate_flow(p, X, T=T, rtol=1e-10, atol=1e-12, grid=grid)
        assert sum(len(e) for e in run.events[expected]) >= 2
        t, m = run.t, run.metrics
        for layer in range(len(SIZES) - 1):
            # Tensor Net: Hermite cubic with its recorded rate as the slope, roots after t = 0
            net = CubicHermiteSpline(t, m["tensor_net"][layer], m["tensor_net_rate"][layer])
            roots = [r for r in net.roots(extrapolate=False) if r > 1e-6]
            np.testing.assert_allclose(run.events["tensor_net_zero"][layer], roots, atol=1e-7)
            # entropy-rate minima: zeros of the spline's derivative going from - to +
            rate = CubicSpline(t, m["entropy_rate"][layer])
            slope = rate.derivative()
            mins = [r for r in slope.roots(extrapolate=False) if slope(r + 1e-4) > 0 > slope(r - 1e-4)]
            np.testing.assert_allclose(run.events["entropy_rate_min"][layer], mins, atol=1e-6)


@pytest.mark.parametrize("grid", [2, 7, 301])
def test_events_do_not_depend_on_the_grid(grid):
    """Detected on the grid or, in a step without a grid time, at its end; located to 1e-9 T: the same
    events whether the grid is coarser than the solver's steps (grid 2: every step end) or finer."""
    T = 3.0
    for seed in (1, 3):
        p, X = small(seed=seed, scale=1.0)
        fine = integrate_flow(p, X, T=T, rtol=1e-10, atol=1e-12, grid=3001)
        run = integrate_flow(p, X, T=T, rtol=1e-10, atol=1e-12, grid=grid)
        for name, per_layer in fine.events.items():
            for layer, times in enumerate(per_layer):
                np.testing.assert_allclose(run.events[name][layer], times, rtol=0, atol=1e-8 * T)
        # the same solver steps: the grid changes only which steps build an interpolant (3 evaluations)
        assert run.n_steps == fine.n_steps and (fine.nfev - run.nfev) % 3 == 0


def test_no_events_costs_only_the_grid():
    p, X = small(seed=3, scale=1.0)
    on = integrate_flow(p, X, T=3.0, rtol=1e-10, atol=1e-12, grid=2)
    off = integrate_flow(p, X, T=3.0, rtol=1e-10, atol=1e-12, grid=2, events=False)
    assert sum(len(v) for per in on.events.values() for v in per) >= 2
    assert all(len(v) == 0 for per in off.events.values() for v in per)
    # with events every step's interpolant is kept for locating them (DOP853: 3 evaluations a step)
    assert on.nfev - off.nfev == 3 * on.n_steps
    for name in off.metrics:
        np.testing.assert_array_equal(on.metrics[name], off.metrics[name])


def test_running_tensor_net_is_the_integral_of_its_rate():
    p, X = small(seed=1)
    run = integrate_flow(p, X, T=1.0, rtol=1e-11, atol=1e-13, grid=2001)
    integral = cumulative_simpson(run.metrics["tensor_net_rate"], x=run.t, axis=1, initial=0.0)
    scale = np.abs(run.metrics["tensor_net"]).max()
    np.testing.assert_allclose(run.metrics["tensor_net"], integral, rtol=0, atol=1e-9 * scale)
    entropy = run.metrics["shannon_entropy"]
    integral_h = cumulative_simpson(run.metrics["entropy_rate"], x=run.t, axis=1, initial=0.0)
    np.testing.assert_allclose(entropy - entropy[:, :1], integral_h, rtol=0, atol=1e-9 * entropy.max())


def test_float32_run_stays_float32_and_close_to_float64():
    p, X = small()
    p32 = tuple(Layer(lay.W.astype(np.float32), lay.b.astype(np.float32)) for lay in p)
    r32 = integrate_flow(p32, X, T=0.5, rtol=1e-6, atol=1e-8, grid=5, dtype=np.float32)
    r64 = integrate_flow(p, X, T=0.5, rtol=1e-6, atol=1e-8, grid=5)
    assert r32.status == "finished"
    assert all(lay.W.dtype == np.float32 and lay.b.dtype == np.float32 for lay in r32.params)
    np.testing.assert_allclose(flat(r32.params), flat(r64.params), rtol=0, atol=2e-5)
    np.testing.assert_allclose(r32.metrics["shannon_entropy"], r64.metrics["shannon_entropy"], rtol=1e-5)


def test_nonfinite_state_stops_with_a_partial_run(monkeypatch):
    p, X = small()
    original = Flow.__call__

    def poisoned(self, t, y):
        if t > 0.2:
            y = y.copy()
            y[self.slots[2].start] = np.inf
        return original(self, t, y)

    monkeypatch.setattr(Flow, "__call__", poisoned)
    run = integrate_flow(p, X, T=0.5, grid=51)
    assert run.status == "failed"
    assert "layer 2" in run.message and "t=0.2" in run.message
    assert 0.0 < run.t_final <= 0.2 and run.t[-1] <= run.t_final
    assert 1 < len(run.t) < 51 and all(v.shape == (3, len(run.t)) for v in run.metrics.values())
    assert all(np.all(np.isfinite(lay.W)) for lay in run.params)


def test_float32_tolerances_are_raised_to_what_float32_can_resolve():
    p, X = small()
    p32 = tuple(Layer(lay.W.astype(np.float32), lay.b.astype(np.float32)) for lay in p)
    with pytest.warns(UserWarning, match="rtol 1e-06, atol 1e-08"):
        r32 = integrate_flow(p32, X, T=0.5, rtol=1e-10, atol=1e-12, grid=2, dtype=np.float32)
    floor = integrate_flow(p32, X, T=0.5, rtol=1e-6, atol=1e-8, grid=2, dtype=np.float32)
    assert r32.nfev == floor.nfev and "raised" in r32.message
