"""The studies' new claims on small cases: each recomputes its deciding numbers on a tiny network or on
synthetic series whose answer is known, and each verdict is shown to move when the data change so that
the paper's statement becomes true (or false). Also: the extra seeds of full mode and continued runs.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from sims_helpers import fake_run, prose_problems

import ska_theory.sims._runs as runs_mod
from ska_theory.claims.model import Context, Figure, Outcome, Robustness, Verdict
from ska_theory.network.forward import forward
from ska_theory.network.metrics import shannon_entropy_bits
from ska_theory.network.params import Layer, init_params, load_params
from ska_theory.network.velocity import velocity
from ska_theory.sims import learning, long_horizon, observed_events, time_invariance
from ska_theory.sims._analysis import (
    LN2,
    layer_one_rates,
    tail_exponent,
    threshold_time,
    turning_points,
    u_shape,
    weight_norm_rates,
)
from ska_theory.sims.characteristic_time import z_star

DATA = Path(__file__).parent / "data"
QUICK = Context(mode="quick")
FULL = Context(mode="full")


def tiny_net(sizes: tuple[int, ...] = (6, 5, 4, 3), seed: int = 0, scale: float = 0.8) -> Any:
    params = init_params(sizes, seed=seed, scale=scale)
    rng = np.random.default_rng(seed + 1)
    params = tuple(Layer(p.W, rng.normal(0, 0.3, p.b.shape)) for p in params)
    X = rng.uniform(0, 1, (40, sizes[0]))
    return params, X


def dummy_figure(*_: Any, **__: Any) -> Figure:
    return Figure("dummy", "a figure", "<?xml version='1.0'?><svg/>")


# --- exact identities -------------------------------------------------------------------------------


def test_weight_norm_identity_holds_and_vanishes_only_at_maximal_entropy() -> None:
    params, X = tiny_net()
    lhs, rhs = weight_norm_rates(params, X)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12)
    assert np.all(rhs > 0)
    # Zero knowledge everywhere (every decision 1/2) is a rest point: both sides and the velocity vanish.
    zero = tuple(Layer(np.zeros_like(p.W), np.zeros_like(p.b)) for p in params)
    lhs0, rhs0 = weight_norm_rates(zero, X)
    assert np.all(lhs0 == 0) and np.all(rhs0 == 0)
    assert all(not np.any(v.W) and not np.any(v.b) for v in velocity(zero, X))


def test_layer_one_rate_is_the_shannon_derivative_and_the_rayleigh_bound_holds() -> None:
    params, X = tiny_net()
    r = layer_one_rates(params, X)
    assert r["rate"] == pytest.approx(r["minus_N_speed2"], rel=1e-12)
    assert r["lambda_min"] - 1e-12 <= r["rayleigh"] <= r["lambda_max"] + 1e-12
    # Independently: the Shannon entropy of layer 1 differentiated along the velocity by central differences.
    v = velocity(params, X)[0]
    lay = params[0]

    def H(s: float) -> float:
        return shannon_entropy_bits(forward((Layer(lay.W + s * v.W, lay.b + s * v.b),), X)[1][0])

    d = 1e-5
    assert (H(d) - H(-d)) / (2 * d) == pytest.approx(r["rate"], rel=1e-6)


def test_single_neuron_entropy_rate_bottoms_at_z_star_whatever_the_input() -> None:
    """dz/dt = |u|² z σ'(z)/ln 2, dH/dt = -|u|² (z σ'(z))²/ln² 2: the U's bottom is z* for any u."""
    for u2 in (0.3, 7.0):

        def rhs(_: float, z: np.ndarray, u2: float = u2) -> np.ndarray:
            s = 1 / (1 + np.exp(-z))
            return u2 * z * s * (1 - s) / LN2

        sol = solve_ivp(rhs, (0, 60 / u2), [0.01], rtol=1e-10, atol=1e-12, dense_output=True)
        z = sol.sol(np.linspace(0, 60 / u2, 20001))[0]
        s = 1 / (1 + np.exp(-z))
        rate = -u2 * (z * s * (1 - s)) ** 2 / LN2**2
        assert u_shape(rate).minima == 1
        assert z[np.argmin(rate)] == pytest.approx(z_star(), abs=2e-3)


# --- analysis helpers on known curves ---------------------------------------------------------------


def test_rate_law_helpers_on_power_laws() -> None:
    t = np.linspace(0.01, 100, 10001)
    flow = t / (0.04 + t**2)  # peak at t = 0.2, then like 1/t
    assert tail_exponent(t, flow, 10, 100) == pytest.approx(-1.0, abs=1e-3)
    assert tail_exponent(t, -(flow**2), 10, 100) == pytest.approx(-2.0, abs=1e-3)
    # Below 10 % and 1 % of the peak: the times differ tenfold (no scale of its own).
    t10, t1 = threshold_time(t, flow, 0.1), threshold_time(t, flow, 0.01)
    assert t1 / t10 == pytest.approx(10.0, rel=0.02)
    assert math.isnan(threshold_time(t, flow, 1e-6))
    assert turning_points(flow[np.argmax(flow) :]) == ([], [])
    bumped = flow + 0.01 * np.exp(-((t - 50) ** 2))
    assert turning_points(bumped[np.argmax(bumped) :]) != ([], [])


def test_u_shape_measures() -> None:
    x = np.linspace(0, 8, 400)
    u = u_shape(-((x * np.exp(-x)) ** 2))
    assert u.minima == 1 and u.arm_ratio > 0.99
    assert u_shape(-x).arm_ratio == 0.0  # the minimum at the end: no second arm
    w = u_shape(-(np.sin(x) ** 2) - 0.001 * x)  # two valleys
    assert w.minima >= 2


# --- long horizon: stopping and stabilising --------------------------------------------------------------


def synthetic_long_run(bump: bool = False, settle: bool = False) -> long_horizon.LongRun:
    """Flow peaks at t = 0.2 per layer then decays like 1/t, dH/dt like 1/t², ‖Z‖_F grows like ln t (or
    settles); ``bump`` adds a second bump of the flow at t = 50."""
    t = np.concatenate([np.linspace(0, 2, 201), np.linspace(3, 100, 98)])
    L = 4
    flow = np.vstack([(i + 1) * t / (0.04 + t**2) for i in range(L)])
    if bump:
        flow = flow + 0.05 * np.exp(-((t - 50) ** 2) / 4)
    rate = -(flow**2)
    z = np.vstack([100 + 50 * (1 - np.exp(-t)) if settle else 100 + 50 * np.log1p(t / 0.2) for _ in range(L)])
    states = {f"t = {s}": init_params((784, 6, 5, 4, 3), seed=s, scale=0.01 * (1 + s)) for s in (0, 2, 100)}
    return long_horizon.LongRun(
        t=t,
        metrics={
            "z_fro": z,
            "knowledge_flow": flow,
            "entropy_rate": rate,
            "shannon_entropy": 1 / (1 + t) + 0 * flow,
            "cosine": 0 * flow,
        },
        states=states,
        entropy_rate_minima=[[0.2]] * L,
        nfev=0,
    )


def test_stopping_criterion_recomputes_the_laws_and_moves_with_an_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(long_horizon, "long_run", lambda ctx: synthetic_long_run())
    o = long_horizon._stopping_criterion(QUICK)
    assert o.verdict == Verdict.NOT_SUPPORTED
    laws = o.evidence.figures["rate_laws"]
    assert laws["knowledge_flow"]["exponent"] == pytest.approx([-1.0] * 4, abs=0.01)
    assert laws["entropy_rate"]["exponent"] == pytest.approx([-2.0] * 4, abs=0.02)
    stops = o.evidence.figures["stop_times"]
    assert stops["0.01"]["network"] / stops["0.1"]["network"] == pytest.approx(10, rel=0.05)
    assert o.robustness is not None and o.robustness.value == 0 and prose_problems(o) == []
    monkeypatch.setattr(long_horizon, "long_run", lambda ctx: synthetic_long_run(bump=True))
    assert long_horizon._stopping_criterion(QUICK).verdict == Verdict.SUPPORTED


def test_knowledge_stabilises_recomputes_growth_and_moves_when_knowledge_settles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(long_horizon, "long_run", lambda ctx: synthetic_long_run())
    o = long_horizon._knowledge_stabilises(QUICK)
    assert o.verdict == Verdict.NOT_SUPPORTED
    # ‖Z‖_F = 100 + 50 ln(1 + t/0.2): growth from t = 50 to 100 and per e-fold, by hand.
    grow = (100 + 50 * math.log1p(500)) / (100 + 50 * math.log1p(250)) - 1
    assert o.evidence.figures["rate_laws"]["z_fro_growth_last_doubling"] == pytest.approx(
        [grow] * 4, rel=1e-9
    )
    assert o.evidence.figures["rate_laws"]["z_fro_per_e_fold"] == pytest.approx([50] * 4, rel=0.01)
    assert o.evidence.figures["identity_witness"]["agrees"]
    assert prose_problems(o) == []
    monkeypatch.setattr(long_horizon, "long_run", lambda ctx: synthetic_long_run(settle=True))
    assert long_horizon._knowledge_stabilises(QUICK).verdict == Verdict.SUPPORTED


# --- peaks and entropy minima -----------------------------------------------------------------------------


def bump(t: np.ndarray, centre: float, width: float = 0.08) -> np.ndarray:
    return np.exp(-((t - centre) ** 2) / (2 * width**2))


def test_alignment_rows_locate_the_gap_in_steps() -> None:
    t = 0.01 * np.arange(1, 51)
    kf = np.vstack([bump(t, 0.30), bump(t, 0.17)])
    H = -np.vstack([bump(t, 0.28), bump(t, 0.17)])
    rows = observed_events.alignment_rows(t, kf, H)
    assert rows[0]["gap_steps"] == pytest.approx(2.0, abs=0.05)
    assert rows[1]["gap_steps"] == pytest.approx(0.0, abs=1e-9)
    assert all(r["both_interior"] for r in rows)


def test_peaks_align_moves_with_the_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    t = 0.01 * np.arange(1, 51)
    witness = {
        "max_residual": 0.0,
        "rayleigh_range": [1.0, 2.0],
        "rayleigh_at_entropy_min": 1.5,
        "t = 0": {"lambda_max": 2.0},
    }
    monkeypatch.setattr(observed_events, "prefetch", lambda specs, ctx: None)
    monkeypatch.setattr(observed_events, "layer_one_witness", lambda ctx: witness)
    monkeypatch.setattr(observed_events, "alignment_figure", dummy_figure)

    def found(shift: float) -> dict[str, list[dict[str, Any]]]:
        kf = np.vstack([bump(t, c) for c in (0.30, 0.17, 0.25, 0.45)])
        H = -np.vstack([bump(t, c - shift) for c in (0.30, 0.17, 0.25, 0.45)])
        rows = observed_events.alignment_rows(t, kf, H)
        return {"flow": rows, "reference-code": rows, "paper": rows}

    monkeypatch.setattr(observed_events, "alignment", lambda ctx: found(0.01))
    o = observed_events._peaks_align(QUICK)
    assert o.verdict == Verdict.SUPPORTED and o.robustness is not None
    assert o.robustness.value == pytest.approx(1.0, abs=0.05)
    assert prose_problems(o) == []
    monkeypatch.setattr(observed_events, "alignment", lambda ctx: found(0.05))
    assert observed_events._peaks_align(QUICK).verdict == Verdict.NOT_SUPPORTED


# --- the U --------------------------------------------------------------------------------------------


def synthetic_u(right_arm: bool) -> dict[str, learning.USeries]:
    """Entropy against knowledge: a U, or (``right_arm`` False) a curve that bottoms and stays flat."""
    x = np.vstack([np.linspace(1, 5000, 60) for _ in range(4)])
    k = x / 1000
    y = -((k * np.exp(-k)) ** 2) if right_arm else -np.minimum(k, 2.0)
    series = learning.USeries(x, y, 100, (256, 128, 64, 10))
    return {name: series for name in (*learning.VARIANT_LABEL.values(), "exact flow to t = 2", "random data")}


def test_u_shape_claim_moves_with_the_right_arm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SKA_THEORY_CACHE", str(tmp_path))
    monkeypatch.setattr(learning, "prefetch", lambda specs, ctx: None)
    monkeypatch.setattr(learning, "u_series", lambda ctx: synthetic_u(True))
    o = learning._entropy_knowledge_u(QUICK)
    assert o.verdict == Verdict.SUPPORTED
    rows = o.evidence.figures["u"]["authors' algorithm"]
    # Bottom of -(k e^-k)² at k = 1, i.e. ‖Z‖_F ≈ 1000: RMS per entry 1000/√(100·256) for layer 1.
    assert rows[0]["bottom_rms_per_entry"] == pytest.approx(1000 / math.sqrt(100 * 256), rel=0.1)
    assert prose_problems(o) == []
    monkeypatch.setattr(learning, "u_series", lambda ctx: synthetic_u(False))
    assert learning._entropy_knowledge_u(QUICK).verdict == Verdict.NOT_SUPPORTED


# --- per-step scaling and η -------------------------------------------------------------------------------

CHOSEN = ((0.02, 25), (0.01, 50), (0.005, 100))


def synthetic_measured(power: float = 1.0, fixed_steps: bool = False) -> time_invariance.Measured:
    """Runs whose per-step entropy is η^power times a bump, with events at fixed t (or fixed steps K)."""
    tf = np.linspace(0, 0.5, 501)
    flow = SimpleNamespace(
        t=tf,
        metrics={
            "knowledge_flow": np.vstack([bump(tf, 0.3)] * 4),
            "entropy_rate": -np.vstack([bump(tf, 0.3)] * 4),
            "z_fro": np.vstack([1 + tf] * 4),
        },
    )
    runs: dict[str, dict[tuple[float, int], Any]] = {}
    for v in time_invariance.VARIANTS:
        runs[v] = {}
        for eta, K in CHOSEN:
            t = eta * np.arange(1, K + 1)
            centre = 15 * eta if fixed_steps else 0.3
            kf = np.vstack([bump(t, centre)] * 4)
            H = -(eta**power) * np.vstack([bump(t, centre)] * 4)
            runs[v][(eta, K)] = fake_run(t, {"knowledge_flow": kf, "entropy": H}, eta)
    errors = {
        v: {f"{e:g}": {q: [e] * 4 for q in time_invariance.INVARIANT_QUANTITIES} for e, _ in CHOSEN}
        for v in time_invariance.VARIANTS
    }
    worst = {v: {f"{e:g}": e for e, _ in CHOSEN} for v in time_invariance.VARIANTS}
    return time_invariance.Measured(flow, CHOSEN, runs, errors, worst)


def test_per_step_scaling_recomputes_the_exponents_and_moves_with_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(time_invariance, "measure", lambda ctx: synthetic_measured(1.0))
    o = time_invariance._per_step_scales(QUICK)
    assert o.verdict == Verdict.SUPPORTED
    sc = o.evidence.figures["scaling"]["paper"]
    assert sc["per_step_finest_pair_exponent"] == pytest.approx([1.0] * 4, abs=1e-9)
    # Σ_k H_k = η · Σ bump(η k) ≈ ∫ bump dt: independent of η.
    assert max(abs(a) for a in sc["cumulative_exponent"]) < 0.01
    assert prose_problems(o) == []
    monkeypatch.setattr(time_invariance, "measure", lambda ctx: synthetic_measured(1.5))
    assert time_invariance._per_step_scales(QUICK).verdict == Verdict.NOT_SUPPORTED


def test_eta_timescale_moves_when_events_sit_at_fixed_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time_invariance, "measure", lambda ctx: synthetic_measured())
    o = time_invariance._eta_timescale(QUICK)
    assert o.verdict == Verdict.NOT_SUPPORTED
    ev = o.evidence.figures["events"]["reference-code"]
    assert ev["exponent_in_t"]["flow_peak"] == pytest.approx([0.0] * 4, abs=1e-6)
    assert ev["exponent_in_steps"]["flow_peak"] == pytest.approx([-1.0] * 4, abs=1e-6)
    assert prose_problems(o) == []
    monkeypatch.setattr(time_invariance, "measure", lambda ctx: synthetic_measured(fixed_steps=True))
    moved = time_invariance._eta_timescale(QUICK)
    assert moved.verdict == Verdict.SUPPORTED
    assert moved.evidence.figures["events"]["paper"]["exponent_in_t"]["flow_peak"] == pytest.approx(
        [1.0] * 4, abs=1e-6
    )


# --- seeds and inputs -----------------------------------------------------------------------------------


def test_the_authors_weights_are_normal_with_one_scale_and_zero_biases() -> None:
    init = runs_mod.classify_initialisation(load_params(DATA / "initial_weights_seed42.npz"))
    assert init.distribution == "normal" and init.zero_biases
    assert init.scale == pytest.approx(0.01, rel=0.01)
    assert all(s == pytest.approx(0.01, rel=0.05) for s in init.std)  # one scale whatever the fan-in


def test_a_pytorch_uniform_draw_is_told_apart() -> None:
    rng = np.random.default_rng(0)
    sizes = (784, 256, 128, 64, 10)
    params = tuple(
        Layer(rng.uniform(-1, 1, (a, b)) / math.sqrt(a), np.zeros(b)) for a, b in itertools.pairwise(sizes)
    )
    assert runs_mod.classify_initialisation(params).distribution == "uniform"


def test_extra_seeds_are_drawn_like_the_authors_and_the_block_restores() -> None:
    with runs_mod.initial_seed(1):
        fields = runs_mod.initial_fields()
        params = runs_mod.initial_params()
    assert fields == {"seed": 1, "scale": 0.01, "layers": [784, 256, 128, 64, 10]}
    init = runs_mod.classify_initialisation(params)
    assert init.distribution == "normal" and init.zero_biases and init.scale == pytest.approx(0.01, rel=0.01)
    assert "weights" in runs_mod.initial_fields()


def test_across_seeds_counts_agreement_in_full_mode_only() -> None:
    def decide(ctx: Context) -> Outcome:
        seed = runs_mod._seed[0]
        verdict = Verdict.NOT_SUPPORTED if seed == 2 else Verdict.SUPPORTED
        return Outcome(verdict, "decided", robustness=Robustness("x", 1.0, 2.0, 1.0))

    quick = runs_mod.across_seeds(QUICK, decide)
    assert quick.robustness is not None and quick.robustness.seeds == ()
    full = runs_mod.across_seeds(FULL, decide)
    assert full.robustness is not None and len(full.robustness.seeds) == 3 and full.robustness.agree == 2
    assert "seeds disagree: 2 of 3" in full.summary and "seed 2 not-supported" in full.summary
    assert runs_mod._seed[0] is None


def test_inputs_are_named_by_content_and_a_continued_flow_is_the_same_flow(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SKA_THEORY_CACHE", str(tmp_path))
    monkeypatch.setattr(runs_mod, "_memo", {})
    X = np.random.default_rng(0).uniform(0, 1, (30, 5))
    data = runs_mod.input_file({"X": X})
    assert runs_mod.input_file({"X": X.copy()}) == data
    base = {
        "kind": "continuous",
        "data": str(data),
        "layers": [5, 4, 3],
        "seed": 0,
        "scale": 0.5,
        "rtol": 1e-10,
        "atol": 1e-12,
    }
    whole = runs_mod.run({**base, "T": 2.0, "grid": 3}, QUICK)
    half = runs_mod.run({**base, "T": 1.0, "grid": 2}, QUICK)
    rest = runs_mod.run(
        runs_mod.continuation_spec(half, kind="continuous", T=1.0, grid=2, rtol=1e-10, atol=1e-12), QUICK
    )
    for a, b in zip(whole.params, rest.params, strict=True):
        np.testing.assert_allclose(a.W, b.W, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(whole.metrics["z_fro"][:, -1], rest.metrics["z_fro"][:, -1], rtol=1e-7)


@pytest.mark.full
def test_new_claims_on_the_authors_network() -> None:
    """The real quick studies: the deciding numbers must be physically sensible, whatever the verdict."""
    stop = long_horizon.stopping_criterion.decide(QUICK)
    laws = stop.evidence.figures["rate_laws"]
    assert all(-1.2 <= a <= -0.8 for a in laws["knowledge_flow"]["exponent"])
    assert all(-2.3 <= a <= -1.7 for a in laws["entropy_rate"]["exponent"])
    stab = long_horizon.knowledge_stabilises.decide(QUICK)
    assert stab.evidence.figures["identity_witness"]["max_relative_residual"] < 1e-9
    per_step = time_invariance.per_step_scales.decide(QUICK).evidence.figures["scaling"]
    assert all(0.9 <= p <= 1.3 for v in per_step.values() for p in v["per_step_finest_pair_exponent"])
    align = observed_events.peaks_align.decide(QUICK).evidence.figures
    assert align["layer_one_identity"]["max_residual"] < 1e-9


def test_prose_helpers_never_print_a_missing_value() -> None:
    from ska_theory.sims._prose import layer_list, num, pct, rounded

    assert num(float("nan")) == "not reached" and num(float("inf"), missing="at the end") == "at the end"
    assert layer_list([0.5, float("nan")], ".1f", "%") == "layer 1 0.5 %, layer 2 not reached"
    assert rounded(float("inf")) == "not reached" and rounded(0.123456, 3) == 0.123
    assert pct(0.001) == "0.1 %" and pct(0.5) == "50 %"
