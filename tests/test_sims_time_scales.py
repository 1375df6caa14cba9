"""time.continuous-process, time.knowledge-capacity, time.adaptive-stepping-speedup on small cases.

The claims run end to end on a 784-6-5-4-10 network (the tiny fixture swaps the authors' weights, shortens
the flow's grid and the (η, K) list, and shrinks the controls), and the deciding numbers are recomputed
from their evidence; the helpers are checked on hand-made data, and each verdict is shown to move when
its deciding numbers would.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import ska_theory.sims._runs as runs_mod
from ska_theory.claims.model import Context, Verdict
from ska_theory.io import dump_json
from ska_theory.network.params import init_params, save_params
from ska_theory.sims import _gradient_descent as gd
from ska_theory.sims import _starts, time_invariance, time_scales
from ska_theory.sims._analysis import convergence_order
from tests.prose_checks import problems

TINY = (784, 6, 5, 4, 10)  # ten outputs: the full mode trains it with labels too


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    weights = tmp_path / "tiny_weights.npz"
    np.savez(weights, **save_params(init_params(TINY, seed=3, scale=0.01)))
    monkeypatch.setenv("SKA_THEORY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(runs_mod, "weights_path", lambda: weights)
    monkeypatch.setattr(runs_mod, "_memo", {})
    monkeypatch.setattr(runs_mod, "REFERENCE_FLOW", {**runs_mod.REFERENCE_FLOW, "grid": 101})
    monkeypatch.setattr(time_invariance, "QUICK_CONFIGS", ((0.02, 25), (0.01, 50)))
    monkeypatch.setattr(time_scales, "GD_SYSTEMS", {"logistic regression": (784, 10), "MLP": (784, 4, 10)})
    ladder = (("RK23", 1e-2), ("RK45", 1e-3))
    monkeypatch.setattr(time_scales, "ADAPTIVE", {"quick": ladder, "full": ladder})
    # full mode: the same two (η, K) and the paper network's control on the tiny weights
    monkeypatch.setattr(time_invariance, "CONFIGS", ((0.02, 25), (0.01, 50)))
    monkeypatch.setattr(time_scales, "weights_path", lambda: weights)
    return weights


def _problem(sizes=(5, 4, 3), n=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, (n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    p = gd.Problem(X, Y, sizes)
    return p, p.pack(init_params(sizes, seed=seed, scale=0.5))


def _claim(cid: str):
    return {c.id: c for c in time_scales.CLAIMS}[cid]


# --- gradient descent and its flow ---------------------------------------------------------------------


def test_loss_gradient_matches_finite_differences():
    p, theta = _problem()

    def loss(th):
        return gd.loss_gradient(p, th)[1][0]

    grad = gd.loss_gradient(p, theta)[0]
    h = 1e-6
    for i in np.random.default_rng(1).choice(len(theta), 12, replace=False):
        e = np.zeros_like(theta)
        e[i] = h
        assert grad[i] == pytest.approx((loss(theta + e) - loss(theta - e)) / (2 * h), rel=1e-5, abs=1e-9)


def test_observables_are_those_of_the_gradient_pass():
    p, theta = _problem()
    np.testing.assert_allclose(gd.observables(p, theta), gd.loss_gradient(p, theta)[1], rtol=1e-14)


def test_record_on_grid_follows_an_exact_solution():
    traj = gd.record_on_grid(lambda t, y: -2 * y, np.array([1.0, 3.0]), 1.0, 11, lambda y: y, 1e-10, 1e-12)
    np.testing.assert_allclose(traj.values, np.outer([1.0, 3.0], np.exp(-2 * traj.t)), rtol=1e-8)


def test_gradient_descent_reaches_its_flow_at_first_order():
    p, theta = _problem()
    cfgs = [(0.02, 25), (0.01, 50), (0.005, 100)]
    d = time_scales.gd_distances(p, theta, cfgs)
    assert d[0.02] > d[0.01] > d[0.005] > 0
    assert convergence_order([0.02, 0.01, 0.005], [d[0.02], d[0.01], d[0.005]]) == pytest.approx(1.0, abs=0.1)


def test_grid_holds_every_step_time():
    assert time_scales.grid_for([0.02, 0.01, 0.005]) == 101
    assert time_scales.grid_for([0.02, 0.01, 0.005, 0.0025, 0.001]) == 1001


# --- time.continuous-process ----------------------------------------------------------------------------


@pytest.mark.slow
def test_continuous_process_on_a_small_case(tiny: Path):
    c = _claim("time.continuous-process")
    o = c.decide(Context())
    figs = o.evidence.figures
    etas = figs["etas"]
    dist = {k: [v[f"{e:g}"] for e in etas] for k, v in figs["distance_to_own_flow"].items()}
    orders = {k: convergence_order(etas, v) for k, v in dist.items()}
    assert orders == pytest.approx(figs["observed_order"])
    gap = max(abs(p - orders[time_scales.SKA_RUN]) for k, p in orders.items() if k != time_scales.SKA_RUN)
    shrinking = all(v[0] > v[-1] for v in dist.values())
    same = gap <= time_scales.ORDER_TOLERANCE and shrinking
    assert o.verdict is (Verdict.NOT_SUPPORTED if same else Verdict.SUPPORTED)
    assert o.robustness is not None and o.robustness.value == pytest.approx(gap, abs=1e-4)
    dump_json(figs)
    assert not problems(c, o)


def test_continuous_verdict_moves_with_the_controls_order():
    etas = [0.02, 0.01, 0.005]
    ska = {e: 10 * e for e in etas}
    first = time_scales.continuous_outcome({time_scales.SKA_RUN: ska, "gd": {e: 2 * e for e in etas}}, etas)
    second = time_scales.continuous_outcome(
        {time_scales.SKA_RUN: ska, "gd": {e: 2 * e**2 for e in etas}}, etas
    )
    assert first.verdict is Verdict.NOT_SUPPORTED
    assert second.verdict is Verdict.SUPPORTED  # a second-order control would set SKA apart


# --- time.knowledge-capacity ----------------------------------------------------------------------------


def _fake_flow():
    t = np.linspace(0.0, 0.5, 6)  # step 0.1
    z = np.vstack([1 + 4 * t, 2 + 0 * t])
    kf = np.vstack([np.array([1.0, 2.0, 4.0, 3.0, 2.0, 1.0]), 2 + 0 * t])
    return SimpleNamespace(t=t, metrics={"z_fro": z, "knowledge_flow": kf})


def test_capacity_readings_by_hand():
    f = _fake_flow()
    r = time_scales.capacity_readings(f, np.array([2.0, 0.5]))  # type: ignore[arg-type]
    mean0 = 0.1 * (0.5 + 2 + 4 + 3 + 2 + 0.5) / 0.5  # trapezoid mean of layer 1's flow = 2.4
    assert r["knowledge held at the end / peak flow"] == pytest.approx([3.0 / 4.0, 2.0 / 2.0])
    assert r["knowledge held at the end / mean flow"] == pytest.approx([3.0 / mean0, 2.0 / 2.0])
    assert r["knowledge held at the flow peak / peak flow"] == pytest.approx([(1 + 4 * 0.2) / 4.0, 2.0 / 2.0])
    assert r["knowledge accumulated / mean flow"] == pytest.approx([2.0 / mean0, 0.5 / 2.0])
    h = time_scales.horizon_readings(f, (0.2,))  # type: ignore[arg-type]
    mean_to_02 = 0.1 * (1 / 2 + 2 + 4 / 2) / 0.2  # trapezoid mean on [0, 0.2] = 2.25
    assert h["0.2"] == pytest.approx([(1 + 4 * 0.2) / mean_to_02, 1.0])


def test_capacity_verdict_moves_with_the_spread():
    horizon = {"0.1": [0.1], "0.5": [0.5]}

    def verdict(values):
        return time_scales.capacity_outcome({"a": values}, horizon, 1.0, []).verdict

    assert verdict([0.1, 0.5]) is Verdict.NOT_CHECKABLE
    assert verdict([0.48, 0.5, 0.52]) is Verdict.SUPPORTED
    assert verdict([0.1, 0.11]) is Verdict.NOT_SUPPORTED


@pytest.mark.slow
def test_knowledge_capacity_on_a_small_case(tiny: Path):
    c = _claim("time.knowledge-capacity")
    o = c.decide(Context())
    values = [v for per in o.evidence.figures["readings_per_layer"].values() for v in per]
    spread = max(values) / min(values)
    assert o.evidence.figures["spread"] == pytest.approx(spread)
    assert o.evidence.figures["accumulated_over_mean_flow_per_horizon"] <= 1.0 + 1e-9  # the triangle bound
    if spread > time_scales.SPREAD_TOLERANCE:
        assert o.verdict is Verdict.NOT_CHECKABLE
    else:
        assert o.verdict in (Verdict.SUPPORTED, Verdict.NOT_SUPPORTED)
    assert not problems(c, o)


# --- time.adaptive-stepping-speedup ---------------------------------------------------------------------


def test_euler_steps_at_equal_error_on_first_order_data():
    Ks, errors = [25, 50, 100], [0.2, 0.1, 0.05]
    assert time_scales.euler_steps_for(0.1, Ks, errors) == pytest.approx(50)
    assert time_scales.euler_steps_for(0.01, Ks, errors) == pytest.approx(500)


def test_adaptive_verdict_moves_with_the_evaluations():
    euler = {25: 0.2, 50: 0.1, 100: 0.05}

    def run(nfev, error):
        return {"method": "RK45", "rtol": 1e-2, "nfev": nfev, "steps": 4, "error": error}

    cheap = time_scales.adaptive_outcome(euler, [run(20, 0.08)])
    assert cheap.verdict is Verdict.SUPPORTED
    assert cheap.evidence.figures["at_euler_accuracy"]["50"]["speedup"] == pytest.approx(50 / 20)
    dear = time_scales.adaptive_outcome(euler, [run(60, 0.08), run(20, 0.3)])
    assert dear.verdict is Verdict.NOT_SUPPORTED  # the cheap run is less accurate than Euler's


@pytest.mark.slow
def test_adaptive_stepping_on_a_small_case(tiny: Path):
    c = _claim("time.adaptive-stepping-speedup")
    o = c.decide(Context())
    figs = o.evidence.figures
    euler = {int(k): v for k, v in figs["euler_error_by_steps"].items()}
    assert euler[25] > euler[50]  # first order: halving η about halves the error
    assert convergence_order([0.02, 0.01], [euler[25], euler[50]]) == pytest.approx(1.0, abs=0.15)
    runs = figs["adaptive_runs"]
    good = [r["nfev"] for r in runs if r["error"] <= euler[50]]
    S = 50 / min(good) if good else 0.0
    assert figs["at_euler_accuracy"]["50"]["speedup"] == pytest.approx(S)
    assert o.verdict is (Verdict.SUPPORTED if S > 1 else Verdict.NOT_SUPPORTED)
    assert all("wall_s" not in r and r["nfev"] > 0 for r in runs)  # nothing run-dependent is recorded
    assert not problems(c, o)


# --- initialisations (full mode) ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "cid", ["time.continuous-process", "time.knowledge-capacity", "time.adaptive-stepping-speedup"]
)
def test_full_mode_decides_on_three_initialisations(tiny: Path, cid: str):
    o = _claim(cid).decide(Context(mode="full"))
    per = o.evidence.figures["initialisations"]
    assert list(per) == [_starts.AUTHORS, "seed 1", "seed 2"]
    assert o.robustness is not None and o.robustness.seeds == tuple(per)
    assert o.robustness.agree == sum(v["verdict"] == str(o.verdict) for v in per.values())
    assert per[_starts.AUTHORS]["verdict"] == str(o.verdict)
    assert not problems(_claim(cid), o)


def test_disagreeing_initialisations_are_said_in_the_summary():
    o = time_scales.capacity_outcome({"a": [0.1, 0.5]}, {"0.1": [0.1], "0.5": [0.5]}, 1.0, [])
    verdicts = {_starts.AUTHORS: o.verdict, "seed 1": Verdict.SUPPORTED, "seed 2": o.verdict}
    _starts.with_seeds(o, verdicts, {"seed 1": {"spread": 1.1}})
    assert o.robustness is not None and o.robustness.agree == 2
    assert "2 of 3" in o.summary and "seed 1 supported" in o.summary
    assert o.evidence.figures["initialisations"]["seed 1"] == {"verdict": "supported", "spread": 1.1}
