"""The numeric studies compute verdicts: every claim on a reduced set-up; the real quick mode behind --full.

The reduced set-up swaps the authors' 784-256-128-64-10 weights for a 784-6-5-4-3 network (four layers,
like the paper's) and shortens the grids and horizons, so the whole pipeline (runs, cache, analysis,
figures, verdict, margin, prose) runs in seconds. It checks that verdicts are computed from the runs, not
which verdict comes out.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sims_helpers import prose_problems

import ska_theory.sims._runs as runs_mod
from ska_theory.claims.model import Context, Verdict
from ska_theory.claims.registry import discover
from ska_theory.io import dump_json
from ska_theory.network.params import init_params, save_params
from ska_theory.sims import characteristic_time, learning, long_horizon, observed_events, time_invariance
from ska_theory.sims._analysis import convergence_order, json_safe

# The studies of this folder's modules (other sims modules may add their own claims).
MODULES = {
    m.__name__ for m in (characteristic_time, learning, long_horizon, observed_events, time_invariance)
}
NUMERIC_IDS = (
    "time.invariance",
    "time.characteristic-time",
    "knowledge-flow.layer-peaks",
    "tensor-net.observed-crossings",
    "learning.cosine-alignment",
    "learning.label-free-separation",
    "knowledge-flow.stopping-criterion",
    "flow.knowledge-stabilises",
    "knowledge-flow.peaks-align-entropy-minima",
    "learning.entropy-knowledge-u-shape",
    "entropy.per-step-scales-with-eta",
    "time.eta-fundamental-timescale",
)
SVG_LIMIT = 150_000  # bytes per figure


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    weights = tmp_path / "tiny_weights.npz"
    np.savez(weights, **save_params(init_params((784, 6, 5, 4, 3), seed=3, scale=0.01)))
    monkeypatch.setenv("SKA_THEORY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(runs_mod, "weights_path", lambda: weights)
    monkeypatch.setattr(runs_mod, "_memo", {})
    monkeypatch.setattr(runs_mod, "REFERENCE_FLOW", {**runs_mod.REFERENCE_FLOW, "grid": 101, "rtol": 1e-6})
    monkeypatch.setattr(time_invariance, "QUICK_CONFIGS", ((0.02, 25), (0.01, 50)))
    monkeypatch.setattr(characteristic_time, "HORIZON", {"quick": 1.0, "full": 1.0})
    monkeypatch.setattr(characteristic_time, "GRID", {"quick": 101, "full": 101})
    monkeypatch.setattr(long_horizon, "LONG_T", {"quick": 20.0, "full": 20.0})
    monkeypatch.setattr(long_horizon, "LONG_GRID", {"quick": 39, "full": 39})
    monkeypatch.setattr(learning, "RANDOM_FLOW", {**learning.RANDOM_FLOW, "T": 10.0, "grid": 101})
    return weights


def _claims() -> dict[str, object]:
    return {c.id: c for c in discover() if c.kind == "numeric" and c.module in MODULES}


def test_every_numeric_claim_id_is_a_study() -> None:
    assert set(_claims()) == set(NUMERIC_IDS)


def test_the_claims_a_study_uses_exist() -> None:
    known = {c.id for c in discover()}
    for c in _claims().values():
        assert set(c.uses) <= known, (c.id, set(c.uses) - known)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_reduced_studies_compute_verdicts(tiny: Path) -> None:
    claims = _claims()
    ctx = Context(mode="quick", use_cache=True)
    outcomes = {}
    for cid in NUMERIC_IDS:
        o = outcomes[cid] = claims[cid].decide(ctx)  # type: ignore[attr-defined]
        assert o.verdict in (Verdict.SUPPORTED, Verdict.NOT_SUPPORTED), (cid, o.summary)
        assert o.conditions and any(w in o.conditions[0] for w in ("tolerance", "threshold", "margin")), cid
        dump_json(o.evidence.figures)  # strict JSON (no NaN), as the record needs
        assert o.evidence.plots, cid
        for fig in o.evidence.plots:
            assert fig.svg.startswith("<?xml") and len(fig.svg.encode()) < SVG_LIMIT, (cid, fig.name)
        # Every verdict states its margin, a meaning and its key numbers, in the report's prose rules.
        r = o.robustness
        assert r is not None and r.decided_on and math.isfinite(r.value) and math.isfinite(r.tolerance), cid
        assert r.flips_at is None or math.isfinite(r.flips_at), cid
        assert o.meaning.endswith(".") and o.meaning.count(". ") == 0, (cid, o.meaning)
        assert o.evidence.key_numbers, cid
        assert prose_problems(o) == [], (cid, prose_problems(o))
    # The same runs again come from the on-disk cache and give the same evidence.
    runs_mod._memo.clear()
    again = time_invariance.time_invariance.decide(ctx).evidence.figures
    assert dump_json(again) == dump_json(outcomes["time.invariance"].evidence.figures)


def test_peaks_and_crossings_match_rules() -> None:
    def peaks(ks: list[float], values: list[float]) -> list[dict[str, object]]:
        return [{"K": k, "value": v, "interior": True} for k, v in zip(ks, values, strict=True)]

    assert all(observed_events.peaks_match(peaks([28, 16, 24, 48], [5, 7, 5, 1])).values())
    assert not observed_events.peaks_match(peaks([31.5, 16, 24, 48], [5, 7, 5, 1]))["layer 1"]
    assert not observed_events.peaks_match(peaks([28, 16, 24, 48], [5, 7, 5, 9]))["layer 4"]

    def cross(k: list[float], share: float) -> dict[str, object]:
        return {"K": k, "positive_share": share}

    good = [cross([26.5], 0.5), cross([], 1.0), cross([20.5], 0.5), cross([], 0.05)]
    assert all(observed_events.crossings_match(good).values())
    bad = [cross([27.5], 0.5), cross([], 0.8), cross([20.5], 0.5), cross([], 0.05)]
    assert observed_events.crossings_match(bad) == {
        "layer 1": False,
        "layer 2": False,
        "layer 3": True,
        "layer 4": True,
    }


def test_z_star_is_where_the_knowledge_speed_peaks() -> None:
    z = np.linspace(0.5, 3.0, 250_001)
    s = 1 / (1 + np.exp(-z))
    assert characteristic_time.z_star() == pytest.approx(z[np.argmax(z * s * (1 - s))], abs=1e-5)


def test_network_time_is_the_latest_layer() -> None:
    assert characteristic_time.network_time([0.1, 0.4, 0.2]) == 0.4
    assert math.isnan(characteristic_time.network_time([0.1, float("nan")]))


def test_random_projection_matches_the_target_knowledge_rms() -> None:
    X = np.random.default_rng(0).uniform(0, 1, (50, 6))
    params = learning.random_projection((6, 4, 3), X, [2.0, 0.5], seed=1)
    Z1 = X @ params[0].W
    Z2 = 1 / (1 + np.exp(-Z1)) @ params[1].W
    assert np.sqrt(np.mean(Z1**2)) == pytest.approx(2.0)
    assert np.sqrt(np.mean(Z2**2)) == pytest.approx(0.5)


def test_json_safe_is_strict_json() -> None:
    doc = json_safe({1: [np.float64("nan"), np.int64(3), (np.True_, 0.5)], "x": np.inf})
    assert doc == {"1": [None, 3, [True, 0.5]], "x": None}
    dump_json(doc)


@pytest.mark.full
def test_quick_mode_studies_on_the_authors_network() -> None:
    """The real quick studies; the decisive numbers must be physically sensible, whatever the verdict."""
    ctx = Context(mode="quick")
    ti = time_invariance.time_invariance.decide(ctx).evidence.figures
    # Explicit Euler is first order: the observed order of the paper variant must be close to 1.
    assert 0.8 <= ti["median_convergence_order"]["paper"] <= 1.2
    ct = characteristic_time.characteristic_time.decide(ctx).evidence.figures
    # Layer 1's linearised rate is quadratic in the data scale (the bias keeps it slightly below 2).
    assert 1.8 <= ct["exponents"]["lambda_1"] <= 2.0
    ev = observed_events.observed_crossings.decide(ctx).evidence.figures
    assert ev["crossings"]


def _fake_runs(eta: float, offset: float) -> tuple[SimpleNamespace, SimpleNamespace]:
    """A 'flow' with known metrics and a 'discrete run' sampling it at t = η·k, shifted by ``offset``·η."""
    tf = np.linspace(0, 0.5, 501)

    def H(t: np.ndarray) -> np.ndarray:
        return np.vstack([100 - 50 * t**2, 80 - 20 * t])

    def dH(t: np.ndarray) -> np.ndarray:
        return np.vstack([-100 * t, -20 + 0 * t])

    flow = SimpleNamespace(
        t=tf,
        metrics={
            "z_fro": np.vstack([1 + tf, 2 + tf**2]),
            "shannon_entropy": H(tf),
            "entropy_rate": dH(tf),
            "knowledge_flow": np.vstack([1 + 0 * tf, 2 * tf + 0.1]),
            "cosine": np.vstack([0.5 + tf, 0.9 + 0 * tf]),
        },
    )
    ts = eta * np.arange(round(0.5 / eta) + 1)
    s = ts + offset * eta  # the discrete run runs ahead by offset·η
    steps = ts[1:]
    d = SimpleNamespace(
        t=steps,
        t_state=ts,
        config=SimpleNamespace(eta=eta),
        metrics={
            "z_fro": np.vstack([1 + s, 2 + s**2]),
            "shannon_entropy": H(s),
            "entropy": np.diff(H(s), axis=1),
            "knowledge_flow": np.vstack([1 + 0 * steps, 2 * (steps + offset * eta) + 0.1]),
            "cosine": np.vstack([0.5 + steps + offset * eta, 0.9 + 0 * steps]),
        },
    )
    return d, flow


def test_distances_vanish_on_the_flow_and_converge_at_first_order_when_lagging() -> None:
    d, f = _fake_runs(0.01, 0.0)
    exact = time_invariance.distances(d, f)  # type: ignore[arg-type]
    for name in ("z_fro", "entropy_drop", "knowledge_flow", "cosine"):
        assert max(exact[name]) < 1e-12, name
    etas = [0.02, 0.01, 0.005]
    errs = [max(time_invariance.distances(*_fake_runs(e, 1.0))["z_fro"]) for e in etas]  # type: ignore[arg-type]
    assert convergence_order(etas, errs) == pytest.approx(1.0, abs=0.05)
