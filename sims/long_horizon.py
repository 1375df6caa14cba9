"""Long horizons of the exact flow: does it come to rest, and does anything mark the end? (SKA-2 §2.4–2.6)

Run: the characteristic-time study's flow from the authors' weights (to t = 2 quick, 5 full) continued
from its final weights to t = 100 (quick) or 1000 (full), DOP853 at rtol 1e-6.

Exact identity (every layer, any data, any state): with A_l = (W_l; b_l), inputs U_l = (D_(l-1), 1) and
Z_l = U_l A_l, the flow dA_l/dt = U_lᵀ S_l with S_l = Z_l σ'(Z_l) / (N ln 2) (SKA-2 eqs. 3–4) gives

    d/dt ‖A_l‖²/2 = ⟨A_l, U_lᵀ S_l⟩ = ⟨Z_l, S_l⟩ = Σ Z_l² σ'(Z_l) / (N ln 2) ≥ 0,

zero only when Z_l = 0 for every sample (every decision 1/2: the maximal-entropy states). So the flow's
only rest points are those states, which it leaves (the linearised rates are positive, see
time.characteristic-time), and every layer's weights grow for ever. Per entry, ż ∝ z σ'(z) ≈ z e^(-z) at
large z, so z ≈ ln t (flow.global-existence): ‖Z‖_F grows like ln t, ‖dZ/dt‖_F and H decay like 1/t and
dH/dt like 1/t². These are power laws: no time scale, nothing that marks an end.

The studies measure those laws on the tail (t from T/10 to T), count threshold-free events (extrema or
zeros of ‖dZ/dt‖_F and dH/dt) after each layer's peak, and witness the identity on the run's states.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from ska_theory.claims.model import (
    Claim,
    Context,
    Evidence,
    Figure,
    KeyNumber,
    Outcome,
    Robustness,
    Source,
    Verdict,
    claim,
)
from ska_theory.network.data import load_dataset
from ska_theory.network.params import Params
from ska_theory.plotting import svg_figure

from ._analysis import (
    json_safe,
    log_slope,
    tail_exponent,
    threshold_time,
    turning_points,
    weight_norm_rates,
)
from ._prose import layer_list, layer_numbers, legend_below, pct, power_of_ten, rounded, sci
from ._runs import across_seeds, authors_spec, continuation_spec, initial_params, prefetch, run
from .characteristic_time import horizon_spec

LONG_T = {"quick": 100.0, "full": 1000.0}
LONG_GRID = {"quick": 40, "full": 200}  # samples of the continuation (t > the start run's end)
FLOW = {"kind": "continuous", "rtol": 1e-6, "atol": 1e-9}
THRESHOLDS: tuple[float, ...] = (0.1, 0.01, 0.001)  # stop when ‖dZ/dt‖_F < this fraction of its peak
STABLE_TOLERANCE = 0.01  # ‖Z‖_F settled: grows by less than 1 % over the last doubling of t
IDENTITY_TOLERANCE = 1e-9  # relative residual of the exact identity on a state (float64)
# Tail laws predicted by z ≈ ln t per entry: exponents of |y| ∝ t^a.
PREDICTED = {"knowledge_flow": -1.0, "entropy_rate": -2.0, "shannon_entropy": -1.0}
QUANTITY_LABEL = {
    "knowledge_flow": "knowledge flow ‖dZ/dt‖_F",
    "entropy_rate": "entropy rate |dH/dt|",
    "shannon_entropy": "Shannon entropy H",
}

CLAIMS: list[Claim] = []


def start_spec(ctx: Context) -> dict[str, Any]:
    """The flow to t = 2 (quick) or 5 (full) the characteristic-time and learning studies also run."""
    return authors_spec(**horizon_spec(ctx.mode, input_scale=1.0))


@dataclass(frozen=True)
class LongRun:
    """The start run and its continuation as one series: metrics (L, n) on ``t``, weights at ``states``."""

    t: np.ndarray
    metrics: dict[str, np.ndarray]
    states: dict[str, Params]  # label ("t = 0"...) -> weights
    entropy_rate_minima: list[list[float]]  # per layer, the solver's events over the whole horizon
    nfev: int


def long_run(ctx: Context) -> LongRun:
    """The flow from the current initial weights to t = LONG_T (start run, then its continuation)."""
    spec = start_spec(ctx)
    prefetch([spec], ctx)
    first = run(spec, ctx)
    t0 = float(first.t[-1])
    cont = run(continuation_spec(first, **FLOW, T=LONG_T[ctx.mode] - t0, grid=LONG_GRID[ctx.mode]), ctx)
    names = ("z_fro", "knowledge_flow", "entropy_rate", "shannon_entropy", "cosine")
    metrics = {k: np.hstack([first.metrics[k], cont.metrics[k][:, 1:]]) for k in names}
    minima = [
        [float(x) for x in a] + [t0 + float(x) for x in b]
        for a, b in zip(first.events["entropy_rate_min"], cont.events["entropy_rate_min"], strict=True)
    ]
    return LongRun(
        t=np.concatenate([first.t, t0 + cont.t[1:]]),
        metrics=metrics,
        states={
            "t = 0": initial_params(),
            f"t = {t0:g}": first.params,
            f"t = {t0 + cont.t[-1]:g}": cont.params,
        },
        entropy_rate_minima=minima,
        nfev=int((first.nfev or 0) + (cont.nfev or 0)),
    )


def identity_witness(lr: LongRun) -> dict[str, Any]:
    """Both sides of d/dt ‖A_l‖²/2 = Σ Z² σ'(Z)/(N ln 2) on every recorded state, and the worst residual."""
    X = load_dataset().X
    out: dict[str, Any] = {"states": {}}
    worst = 0.0
    for label, params in lr.states.items():
        lhs, rhs = weight_norm_rates(params, X)
        res = np.abs(lhs - rhs) / np.abs(rhs)
        worst = max(worst, float(np.max(res)))
        out["states"][label] = {"lhs": lhs.tolist(), "rhs": rhs.tolist(), "relative_residual": res.tolist()}
    out["max_relative_residual"] = worst
    out["agrees"] = worst <= IDENTITY_TOLERANCE
    out["min_rate"] = min(min(s["rhs"]) for s in out["states"].values())
    return out


def tail_window(lr: LongRun) -> tuple[float, float]:
    T = float(lr.t[-1])
    return T / 10, T


def rate_laws(lr: LongRun) -> dict[str, Any]:
    """Tail exponents (whole tail and its two halves in log t), ‖Z‖_F growth per e-fold and per doubling."""
    lo, hi = tail_window(lr)
    mid = math.sqrt(lo * hi)
    L = lr.metrics["z_fro"].shape[0]
    out: dict[str, Any] = {"window": [lo, hi]}
    for q in PREDICTED:
        Y = lr.metrics[q]
        out[q] = {
            "exponent": [tail_exponent(lr.t, Y[i], lo, hi) for i in range(L)],
            "exponent_first_half": [tail_exponent(lr.t, Y[i], lo, mid) for i in range(L)],
            "exponent_second_half": [tail_exponent(lr.t, Y[i], mid, hi) for i in range(L)],
        }
    Z = lr.metrics["z_fro"]
    out["z_fro_per_e_fold"] = [log_slope(lr.t, Z[i], lo, hi) for i in range(L)]
    out["z_fro_growth_last_doubling"] = [
        float(Z[i, -1] / np.interp(hi / 2, lr.t, Z[i]) - 1) for i in range(L)
    ]
    return out


def events_after_peaks(lr: LongRun) -> dict[str, Any]:
    """Per layer: turning points of ‖dZ/dt‖_F after its peak, of dH/dt after its minimum, and sign
    changes of dH/dt after it: threshold-free signals an end could be read from."""
    kf, rate = lr.metrics["knowledge_flow"], lr.metrics["entropy_rate"]
    out: dict[str, Any] = {"per_layer": []}
    for i in range(kf.shape[0]):
        ip, im = int(np.argmax(kf[i])), int(np.argmin(rate[i]))
        kf_turns = sum(len(x) for x in turning_points(kf[i, ip:]))
        rate_turns = sum(len(x) for x in turning_points(rate[i, im:]))
        signs = int(np.sum(np.diff(np.sign(rate[i, im:])) != 0))
        extra_minima = max(0, len(lr.entropy_rate_minima[i]) - 1)
        out["per_layer"].append(
            {
                "flow_peak_t": float(lr.t[ip]),
                "entropy_rate_min_t": float(lr.t[im]),
                "flow_turning_points": kf_turns,
                "entropy_rate_turning_points": rate_turns,
                "entropy_rate_sign_changes": signs,
                "further_solver_minima": extra_minima,
            }
        )
    out["total"] = sum(
        d["flow_turning_points"] + d["entropy_rate_turning_points"] + d["entropy_rate_sign_changes"]
        + d["further_solver_minima"]
        for d in out["per_layer"]
    )  # fmt: skip
    out["last_peak_t"] = max(max(d["flow_peak_t"], d["entropy_rate_min_t"]) for d in out["per_layer"])
    return out


def half_gap(laws: dict[str, Any]) -> float:
    """Largest change of a rate's tail exponent between the two halves (in log t) of the tail."""
    return max(
        abs(x - y)
        for q in ("knowledge_flow", "entropy_rate")
        for x, y in zip(laws[q]["exponent_first_half"], laws[q]["exponent_second_half"], strict=True)
    )


def stop_times(lr: LongRun, exponents: list[float]) -> dict[str, Any]:
    """Per threshold ε: when every layer's ‖dZ/dt‖_F has fallen below ε times its own peak; beyond the
    horizon, extrapolated with the layer's tail law."""
    kf = lr.metrics["knowledge_flow"]
    out: dict[str, Any] = {}
    for eps in THRESHOLDS:
        per_layer, extrapolated = [], False
        for i in range(kf.shape[0]):
            t_eps = threshold_time(lr.t, kf[i], eps)
            if math.isnan(t_eps):
                ratio = kf[i, -1] / (eps * np.max(kf[i]))
                t_eps = float(lr.t[-1] * ratio ** (-1 / exponents[i]))
                extrapolated = True
            per_layer.append(t_eps)
        out[f"{eps:g}"] = {"per_layer": per_layer, "network": max(per_layer), "extrapolated": extrapolated}
    return out


def rates_figure(lr: LongRun, laws: dict[str, Any]) -> Figure:
    """Knowledge flow and entropy rate against t (log-log) with the fitted tail laws."""
    keep = lr.t > 0
    t = lr.t[keep]
    L = lr.metrics["z_fro"].shape[0]
    colors = plt.get_cmap("tab10")(np.arange(L))
    lo, hi = laws["window"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, q in zip(axes, ("knowledge_flow", "entropy_rate"), strict=True):
        Y = np.abs(lr.metrics[q][:, keep])
        for i in range(L):
            ax.loglog(t, Y[i], color=colors[i], lw=1.2, label=f"layer {i + 1}")
            a = laws[q]["exponent"][i]
            tt = np.array([lo, hi])
            ax.loglog(
                tt, Y[i, -1] * (tt / hi) ** a, "k--", lw=0.8, label="fitted tail law" if i == 0 else None
            )
        ax.set_xlabel("t")
        ax.set_ylabel(QUANTITY_LABEL[q])
    legend_below(fig, axes, L + 1)
    return Figure(
        "long-horizon-rates",
        f"Knowledge flow and entropy rate of the exact flow from the authors' weights to t = {hi:g} "
        f"(log-log), {L} layers, with the power laws fitted on t from {lo:g} to {hi:g} (dashed).",
        svg_figure(fig),
    )


def growth_figure(lr: LongRun) -> Figure:
    """‖Z‖_F against ln t (a straight line is growth like ln t) and the Shannon entropy (log-log)."""
    keep = lr.t > 0
    t = lr.t[keep]
    L = lr.metrics["z_fro"].shape[0]
    colors = plt.get_cmap("tab10")(np.arange(L))
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for i in range(L):
        axes[0].semilogx(t, lr.metrics["z_fro"][i, keep], color=colors[i], lw=1.2, label=f"layer {i + 1}")
        axes[1].loglog(t, lr.metrics["shannon_entropy"][i, keep], color=colors[i], lw=1.2)
    axes[0].set_ylabel("knowledge ‖Z‖_F")
    axes[1].set_ylabel("Shannon entropy H (bits)")
    for ax in axes:
        ax.set_xlabel("t")
    legend_below(fig, axes, L)
    return Figure(
        "long-horizon-knowledge",
        f"Knowledge ‖Z‖_F against t on a log axis (straight lines: growth like ln t) and the Shannon "
        f"entropy of each of the {L} layers (log-log), exact flow to t = {lr.t[-1]:g}.",
        svg_figure(fig),
    )


@claim(
    "flow.knowledge-stabilises",
    source=Source(
        "SKA-2",
        "§2.5 (quoting SKA-1)",
        "layer-wise entropy converges to an equilibrium state where knowledge accumulation stabilizes "
        "across hierarchical representations",
    ),
    statement="The flow reaches an equilibrium where knowledge stops accumulating",
    kind="numeric",
    title="Knowledge stabilises at an equilibrium",
    uses=("flow.weight-ode", "flow.entropy-monotone", "flow.global-existence", "time.characteristic-time"),
    into=CLAIMS,
)
def knowledge_stabilises(ctx: Context) -> Outcome:
    return across_seeds(ctx, _knowledge_stabilises)


def _knowledge_stabilises(ctx: Context) -> Outcome:
    lr = long_run(ctx)
    witness = identity_witness(lr)
    laws = rate_laws(lr)
    growth = laws["z_fro_growth_last_doubling"]
    T = float(lr.t[-1])
    settled = [g <= STABLE_TOLERANCE for g in growth]
    # ‖Z‖_F ≈ a + b ln t: the growth over a doubling, b ln 2 / ‖Z‖_F, falls below the tolerance only
    # where ln t ≥ (b ln 2 / tol - a) / b.
    b = np.array(laws["z_fro_per_e_fold"])
    a = lr.metrics["z_fro"][:, -1] - b * math.log(T)
    log10_t_settle = [
        float((bi * math.log(2) / STABLE_TOLERANCE - ai) / bi / math.log(10))
        for ai, bi in zip(a, b, strict=True)
    ]
    figures = {
        "horizon": T,
        "tolerance_growth_per_doubling": STABLE_TOLERANCE,
        "identity_witness": witness,
        "rate_laws": laws,
        "z_fro_at_horizon": lr.metrics["z_fro"][:, -1].tolist(),
        "shannon_entropy_at_horizon": lr.metrics["shannon_entropy"][:, -1].tolist(),
        "log10_t_where_growth_falls_below_tolerance": log10_t_settle,
        "weight_norm": {
            k: [float(np.sqrt(np.sum(p.W**2) + np.sum(p.b**2))) for p in v] for k, v in lr.states.items()
        },
        "nfev": lr.nfev,
    }
    worst = int(np.argmax(growth))
    key = [
        *layer_numbers("growth of ‖Z‖_F over the last doubling of t", growth, "fraction"),
        *layer_numbers("growth of ‖Z‖_F per e-fold of t", laws["z_fro_per_e_fold"]),
        *layer_numbers(
            "Shannon entropy at the horizon", lr.metrics["shannon_entropy"][:, -1].tolist(), "bits"
        ),
        KeyNumber("horizon", T, "t"),
        KeyNumber(
            "largest relative residual of the weight-norm identity",
            rounded(witness["max_relative_residual"], 2),
        ),
    ]
    conditions = [
        f"tolerance: knowledge counts as settled when ‖Z‖_F grows by at most {pct(STABLE_TOLERANCE)} over "
        f"the last doubling of t (t from {T / 2:g} to {T:g}) in every layer",
        "exact identity, every layer and state: $d(norm(A_l)**2/2)/dt$ equals the sum over samples and "
        "neurons of $Z**2*sigma(Z)*(1 - sigma(Z))$ divided by $n_s*log(2)$, with $A_l$ the weights and "
        "biases of layer l and $n_s$ the number of samples; it is zero only when every decision is 1/2 "
        f"(largest relative residual on the run's {len(lr.states)} states "
        f"{sci(witness['max_relative_residual'])})",
        "so the only rest points are the maximal-entropy states, which the flow leaves; the weights' norm "
        "grows at every time: "
        + "; ".join(f"{k}: " + ", ".join(f"{x:.1f}" for x in v) for k, v in figures["weight_norm"].items()),
        f"tail fitted on t from {laws['window'][0]:g} to {T:g}: ‖Z‖_F grows by "
        + layer_list(laws["z_fro_per_e_fold"], ".0f")
        + " per e-fold of t (like ln t); the Shannon entropy decays like $t**a$ with a = "
        + layer_list(laws["shannon_entropy"]["exponent"]),
    ]
    meaning = (
        "The flow has no resting state with knowledge in it: the weights grow for ever and knowledge keeps "
        "accumulating like the logarithm of time, so the entropy only approaches zero and never settles at "
        "an equilibrium."
    )
    robustness = Robustness(
        "largest growth of ‖Z‖_F over the last doubling of t",
        growth[worst],
        STABLE_TOLERANCE,
        growth[worst],
        note=f"supported only with a settling tolerance above {pct(growth[worst])} per doubling; by the "
        f"identity the growth never stops, it slows like 1/ln t and falls below {pct(STABLE_TOLERANCE)} "
        f"only near t = {power_of_ten(round(max(log10_t_settle)))}",
    )
    evidence = Evidence(figures=json_safe(figures), plots=[growth_figure(lr)], key_numbers=key)
    if not witness["agrees"]:
        return Outcome(Verdict.UNDECIDED, "the weight-norm identity did not verify on the run's states",
                       evidence=evidence, step="identity witness")  # fmt: skip
    if all(settled):
        return Outcome(
            Verdict.SUPPORTED,
            f"‖Z‖_F grows by at most {pct(max(growth))} over the last doubling of t in every layer",
            conditions, evidence, meaning, robustness,
        )  # fmt: skip
    return Outcome(
        Verdict.NOT_SUPPORTED,
        "no equilibrium but the maximal-entropy states, which the flow leaves: the weights' norm grows at "
        f"every time (exact identity), and at t = {T:g} ‖Z‖_F still grows per doubling of t by "
        + layer_list([100 * g for g in growth], ".1f", "%")
        + f" (like ln t; settled would be at most {pct(STABLE_TOLERANCE)}) while the entropy only tends to 0",
        conditions, evidence, meaning, robustness,
    )  # fmt: skip


@claim(
    "knowledge-flow.stopping-criterion",
    source=Source(
        "SKA-2",
        "abstract; §2.4.1; §2.6.2",
        "the convergence of entropy and knowledge flow provides a natural stopping condition, replacing "
        "arbitrary thresholds with an information-theoretic criterion",
    ),
    statement="Convergence of the entropy and the knowledge flow signals the end of learning without a "
    "threshold",
    kind="numeric",
    title="A threshold-free stopping criterion",
    uses=("flow.knowledge-stabilises", "flow.global-existence", "knowledge-flow.layer-peaks"),
    into=CLAIMS,
)
def stopping_criterion(ctx: Context) -> Outcome:
    return across_seeds(ctx, _stopping_criterion)


def _stopping_criterion(ctx: Context) -> Outcome:
    lr = long_run(ctx)
    laws = rate_laws(lr)
    events = events_after_peaks(lr)
    stops = stop_times(lr, laws["knowledge_flow"]["exponent"])
    T = float(lr.t[-1])
    L = lr.metrics["z_fro"].shape[0]
    kf_ratio = (lr.metrics["knowledge_flow"][:, -1] / np.max(lr.metrics["knowledge_flow"], axis=1)).tolist()
    figures = {
        "horizon": T,
        "rate_laws": laws,
        "predicted_exponents": PREDICTED,
        "events_after_peaks": events,
        "stop_times": stops,
        "knowledge_flow_at_horizon_over_peak": kf_ratio,
        "nfev": lr.nfev,
    }

    def stop_txt() -> str:
        return ", ".join(
            f"{pct(eps)}: t = {stops[f'{eps:g}']['network']:.3g}"
            + (" (extrapolated)" if stops[f"{eps:g}"]["extrapolated"] else "")
            for eps in THRESHOLDS
        )

    kf_exp, rate_exp = laws["knowledge_flow"]["exponent"], laws["entropy_rate"]["exponent"]
    key = [
        *layer_numbers(
            "decay exponent of the knowledge flow", kf_exp, paper=PREDICTED["knowledge_flow"], digits=3
        ),
        *layer_numbers(
            "decay exponent of the entropy rate", rate_exp, paper=PREDICTED["entropy_rate"], digits=3
        ),
        *(
            KeyNumber(
                f"time when every layer's flow is below {pct(eps)} of its peak",
                rounded(stops[f"{eps:g}"]["network"], 3),
                "t",
                group="network",
            )
            for eps in THRESHOLDS
        ),
        KeyNumber("threshold-free events after the peaks", events["total"], group="network"),
        KeyNumber(
            "last flow peak or steepest entropy descent",
            rounded(events["last_peak_t"], 3),
            "t",
            group="network",
        ),
        KeyNumber("horizon", T, "t", group="network"),
    ]
    conditions = [
        "tolerance: a threshold-free end needs at least one event after each layer's peak (an extremum or "
        "a zero of the knowledge flow or of the entropy rate); the flow has no rest point to reach "
        "(see flow.knowledge-stabilises)",
        f"tail fitted on t from {laws['window'][0]:g} to {T:g}: knowledge flow like $t**a$ with a = "
        + layer_list(kf_exp)
        + "; entropy rate with a = "
        + layer_list(rate_exp)
        + f"; predicted by $z = log(t)$ per entry: {PREDICTED['knowledge_flow']:g} and "
        f"{PREDICTED['entropy_rate']:g}",
        f"the two halves of the tail give the same exponents within {half_gap(laws):.2f} (a power law has "
        "no time scale)",
        "stopping when every layer's knowledge flow is below a fraction of its peak: " + stop_txt(),
        "the layers' flows do not converge to one another: at the horizon each is "
        + layer_list([100 * r for r in kf_ratio], ".2f", "%")
        + " of its own peak, all decaying alike",
    ]  # fmt: skip
    meaning = (
        "The exact flow gives no information-theoretic signal that learning is complete: after their peaks "
        "the knowledge flow and the entropy rate fade as power laws with nothing marking an end, so the "
        "stopping time is whatever threshold one picks."
    )
    robustness = Robustness(
        "threshold-free events after the peaks",
        float(events["total"]),
        0.0,
        1.0,
        note=f"one extremum or zero after the peaks would give a threshold-free signal; none up to "
        f"t = {T:g}. A stopping threshold ε moves the stop time like $epsilon**(1/a)$ with "
        f"a = {float(np.mean(kf_exp)):.2f}",
    )
    evidence = Evidence(figures=json_safe(figures), plots=[rates_figure(lr, laws)], key_numbers=key)
    if events["total"] > 0:
        return Outcome(
            Verdict.SUPPORTED,
            f"{events['total']} threshold-free events follow the peaks before t = {T:g}",
            conditions, evidence, meaning, robustness,
        )  # fmt: skip
    return Outcome(
        Verdict.NOT_SUPPORTED,
        f"nothing marks an end: after the last peak (t = {events['last_peak_t']:.2f}) the knowledge flow "
        f"decays like $t**({np.mean(kf_exp):.2f})$ and the entropy rate like $t**({np.mean(rate_exp):.2f})$ "
        f"in all {L} layers up to t = {T:g}, with no extremum or zero; a stop needs a threshold "
        f"(flow below {stop_txt()})",
        conditions, evidence, meaning, robustness,
    )  # fmt: skip
