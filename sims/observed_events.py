"""Where the observed events fall: knowledge-flow peaks, Tensor Net zero crossings (SKA-2 §2.3–2.4).

Sources: the continuous flow (t ≤ 0.5) and the discrete runs with η = 0.01, K = 50 in both variants
(the paper's Figs. 3–6 set-up), from the authors' initial weights; both modes run the same set-up.
Times are reported as t and as steps K = t/η (η = 0.01); K is the pass index, as in the authors' logs.

The Tensor Net of SKA-2 eq. 8 is the sum over steps of (D - ∇_z H)·ΔZ; the authors' code records each
step's term on its own (not the running sum) and with ∇_z H of the opposite sign ("code sign"). Every
combination is located: per step / running sum, paper sign / code sign; for the flow, the per-step term
is the rate (D - ∇_z H)·dZ/dt and the code sign's is that rate plus 2 dH/dt (since dH/dt = ∇_z H·dZ/dt).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import cumulative_trapezoid

from ska_theory.claims.model import Claim, Context, Evidence, Figure, Outcome, Source, Verdict, claim
from ska_theory.plotting import svg_figure

from ._analysis import json_safe, peak, sign_summary, zero_crossings
from ._runs import (
    VARIANTS,
    discrete,
    discrete_spec,
    prefetch,
    reference_flow,
    reference_flow_spec,
    step_columns,
)

ETA, STEPS = 0.01, 50
STEP_TOLERANCE = 3.0  # steps (0.03 in t) a located event may be from the paper's
# SKA-2 §2.3.2: knowledge flow peaks (layer -> K); layer 4 has "a gradual, lower trajectory".
PAPER_FLOW_PEAKS: dict[int, float] = {1: 28.0, 2: 16.0, 3: 24.0}
# SKA-2 §2.4.2: zero crossings of layers 1 and 3; layer 2 positive, layer 4 negative.
PAPER_CROSSINGS: dict[int, float] = {1: 24.0, 3: 23.0}
PAPER_SIGNS: dict[int, str] = {2: "positive", 4: "negative"}
SIGN_FRACTION = 0.9  # "throughout (most of) its trajectory": share of samples with the stated sign
DECIDING = "reference-code, per step, code sign"  # what the authors' code plotted in Fig. 6

CLAIMS: list[Claim] = []


def runs(ctx: Context) -> list[dict[str, Any]]:
    """Every run the study needs (RunConfig fields); the same in both modes."""
    return [reference_flow_spec(), *(discrete_spec(v, ETA, STEPS) for v in VARIANTS)]


def knowledge_flow_series(ctx: Context) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Source -> (t, (L, n) knowledge flow ‖dZ/dt‖_F or ‖ΔZ‖_F/η)."""
    f = reference_flow(ctx)
    out = {"flow": (f.t, f.metrics["knowledge_flow"])}
    for v in VARIANTS:
        d = discrete(v, ETA, STEPS, ctx)
        keep = step_columns(d)
        out[v] = (d.t[keep], d.metrics["knowledge_flow"][:, keep])
    return out


def tensor_net_series(ctx: Context) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """'<source>, <per step|running sum>, <paper|code> sign' -> (t, (L, n) values)."""
    f = reference_flow(ctx)
    paper_rate = f.metrics["tensor_net_rate"]
    code_rate = paper_rate + 2 * f.metrics["entropy_rate"]
    out = {
        "flow, per step, paper sign": (f.t, paper_rate),
        "flow, per step, code sign": (f.t, code_rate),
        "flow, running sum, paper sign": (f.t, cumulative_trapezoid(paper_rate, f.t, axis=1, initial=0)),
        "flow, running sum, code sign": (f.t, cumulative_trapezoid(code_rate, f.t, axis=1, initial=0)),
    }
    for v in VARIANTS:
        d = discrete(v, ETA, STEPS, ctx)
        for sign, key in (("paper", "tensor_net"), ("code", "tensor_net_code_sign")):
            Y = d.metrics[key]
            out[f"{v}, per step, {sign} sign"] = (d.t, Y)
            out[f"{v}, running sum, {sign} sign"] = (d.t, np.cumsum(Y, axis=1))
    return out


def locate_peaks(t: np.ndarray, Y: np.ndarray) -> list[dict[str, Any]]:
    out = []
    for i in range(Y.shape[0]):
        p = peak(t, Y[i])
        out.append({"t": p.t, "K": p.t / ETA, "value": p.value, "interior": p.interior})
    return out


def peaks_match(found: list[dict[str, Any]]) -> dict[str, bool]:
    """Per layer: the paper's peak is within STEP_TOLERANCE; layer 4's flow stays below the others' peaks."""
    ok = {
        f"layer {n}": bool(found[n - 1]["interior"] and abs(found[n - 1]["K"] - K) <= STEP_TOLERANCE)
        for n, K in PAPER_FLOW_PEAKS.items()
    }
    ok["layer 4"] = found[3]["value"] < min(found[n - 1]["value"] for n in PAPER_FLOW_PEAKS)
    return ok


def locate_crossings(t: np.ndarray, Y: np.ndarray) -> list[dict[str, Any]]:
    out = []
    for i in range(Y.shape[0]):
        tc = zero_crossings(t, Y[i])
        nz = Y[i][Y[i] != 0]
        out.append(
            {
                "t": [float(x) for x in tc],
                "K": [float(x / ETA) for x in tc],
                "sign": sign_summary(Y[i]),
                "positive_share": float(np.mean(nz > 0)) if nz.size else 0.0,
            }
        )
    return out


def crossings_match(found: list[dict[str, Any]]) -> dict[str, bool]:
    """Per layer: a crossing within STEP_TOLERANCE of the paper's; the stated sign on ≥ SIGN_FRACTION."""
    ok = {
        f"layer {n}": any(abs(k - K) <= STEP_TOLERANCE for k in found[n - 1]["K"])
        for n, K in PAPER_CROSSINGS.items()
    }
    for n, sign in PAPER_SIGNS.items():
        share = found[n - 1]["positive_share"]
        ok[f"layer {n}"] = (share if sign == "positive" else 1 - share) >= SIGN_FRACTION
    return dict(sorted(ok.items()))


def _entropy_minimum_index(ctx: Context) -> list[int]:
    """Per layer: flow grid index of the most negative dH/dt (the papers' red 'entropy minima')."""
    f = reference_flow(ctx)
    return [int(np.argmin(r)) for r in f.metrics["entropy_rate"]]


def _layers_fig(n: int, height: float = 2.8) -> tuple[Any, Any]:
    return plt.subplots(1, n, figsize=(3.0 * n, height))


def knowledge_flow_figures(ctx: Context) -> list[Figure]:
    f = reference_flow(ctx)
    d = discrete("reference-code", ETA, STEPS, ctx)
    keep = step_columns(d)
    z_step = d.metrics["z_fro"][:, 1:][:, keep]
    L = f.metrics["z_fro"].shape[0]
    imin = _entropy_minimum_index(ctx)
    fig3, ax3 = _layers_fig(L)
    fig4, ax4 = _layers_fig(L)
    for i in range(L):
        ax3[i].plot(f.metrics["z_fro"][i], f.metrics["knowledge_flow"][i], "k-", lw=1, label="flow")
        ax3[i].scatter(
            z_step[i], d.metrics["knowledge_flow"][i, keep], c=d.t[keep], cmap="Blues", s=8,
            label="η=0.01, K=50",
        )  # fmt: skip
        ax3[i].plot(f.metrics["z_fro"][i, imin[i]], f.metrics["knowledge_flow"][i, imin[i]], "ro", ms=4)
        ax3[i].set_title(f"layer {i + 1}")
        ax3[i].set_xlabel("‖Z‖_F")
        ax4[i].plot(f.t / ETA, f.metrics["knowledge_flow"][i], "k-", lw=1, label="flow")
        ax4[i].plot(d.t[keep] / ETA, d.metrics["knowledge_flow"][i, keep], "o", ms=2.5, label="η=0.01")
        if i + 1 in PAPER_FLOW_PEAKS:
            ax4[i].axvline(PAPER_FLOW_PEAKS[i + 1], color="r", ls=":", lw=1, label="paper's peak")
        ax4[i].set_title(f"layer {i + 1}")
        ax4[i].set_xlabel("K = t/η")
    ax3[0].set_ylabel("knowledge flow ‖dZ/dt‖_F")
    ax4[0].set_ylabel("knowledge flow ‖dZ/dt‖_F")
    ax3[0].legend(fontsize=6)
    ax4[0].legend(fontsize=6)
    fig3.tight_layout()
    fig4.tight_layout()
    return [
        Figure(
            "knowledge-flow-vs-knowledge",
            "Fig. 3 counterpart: knowledge flow against ‖Z‖_F per layer, continuous flow (line) and the "
            "authors' algorithm with η = 0.01, K = 50 (dots, darker later); red: steepest entropy descent.",
            svg_figure(fig3),
        ),
        Figure(
            "knowledge-flow-vs-time",
            "Fig. 4 counterpart: knowledge flow against K = t/η, continuous flow (line) and the authors' "
            "algorithm (dots); dotted: the peaks the paper reports (K ≈ 28, 16, 24).",
            svg_figure(fig4),
        ),
    ]


def tensor_net_figures(ctx: Context) -> list[Figure]:
    f = reference_flow(ctx)
    d = discrete("reference-code", ETA, STEPS, ctx)
    series = tensor_net_series(ctx)
    L = f.metrics["z_fro"].shape[0]
    fig5, ax5 = _layers_fig(L)
    fig6, ax6 = _layers_fig(L)
    for i in range(L):
        for sign, style in (("code", "-"), ("paper", "--")):
            tf, Yf = series[f"flow, per step, {sign} sign"]
            td, Yd = series[f"reference-code, per step, {sign} sign"]
            ax5[i].plot(f.metrics["z_fro"][i], Yf[i] * ETA, "k" + style, lw=1, label=f"flow×η, {sign} sign")
            ax5[i].plot(d.metrics["z_fro"][i, 1:], Yd[i], style, lw=1, label=f"η=0.01, {sign} sign")
            ax6[i].plot(tf / ETA, Yf[i] * ETA, "k" + style, lw=1, label=f"flow×η, {sign} sign")
            ax6[i].plot(td / ETA, Yd[i], style, marker="o", ms=2, lw=0.8, label=f"η=0.01, {sign} sign")
        for ax in (ax5[i], ax6[i]):
            ax.axhline(0, color="0.6", lw=0.6)
            ax.set_title(f"layer {i + 1}")
        if i + 1 in PAPER_CROSSINGS:
            ax6[i].axvline(PAPER_CROSSINGS[i + 1], color="g", ls=":", lw=1, label="paper's crossing")
        ax5[i].set_xlabel("‖Z‖_F")
        ax6[i].set_xlabel("K = t/η")
    ax5[0].set_ylabel("Tensor Net term per step")
    ax6[0].set_ylabel("Tensor Net term per step")
    ax5[0].legend(fontsize=5)
    ax6[0].legend(fontsize=5)
    fig5.tight_layout()
    fig6.tight_layout()
    return [
        Figure(
            "tensor-net-vs-knowledge",
            "Fig. 5 counterpart: per-step Tensor Net term (D ∓ ∇_z H)·ΔZ against ‖Z‖_F, with the authors' "
            "code sign (solid) and eq. 8's sign (dashed); flow rates multiplied by η = 0.01.",
            svg_figure(fig5),
        ),
        Figure(
            "tensor-net-vs-time",
            "Fig. 6 counterpart: per-step Tensor Net term against K = t/η, code sign (solid) and eq. 8's "
            "sign (dashed); dotted green: the crossings the paper reports (K ≈ 24, 23).",
            svg_figure(fig6),
        ),
    ]


@claim(
    "knowledge-flow.layer-peaks",
    source=Source(
        "SKA-2",
        "§2.3.2, Fig. 4",
        "Layer 2 experiences the most rapid increase, peaking at K ≈ 16. Layer 3 and Layer 1 reach their "
        "peak knowledge flow later, around K ≈ 24 and K ≈ 28",
    ),
    statement="Knowledge flow peaks at K ≈ 28, 16, 24 in layers 1–3 (η = 0.01); layer 4 stays lower",
    kind="numeric",
    title="Layer-wise knowledge-flow peaks",
    into=CLAIMS,
)
def layer_peaks(ctx: Context) -> Outcome:
    prefetch(runs(ctx), ctx)
    found = {src: locate_peaks(t, Y) for src, (t, Y) in knowledge_flow_series(ctx).items()}
    match = {src: peaks_match(p) for src, p in found.items()}
    deciding = "reference-code"
    ok = all(match[deciding].values())

    def ks(src: str) -> str:
        return ", ".join(
            f"L{i + 1} {p['K']:.1f}" + ("" if p["interior"] else " (no peak)")
            for i, p in enumerate(found[src])
        )

    conditions = [
        f"tolerance ±{STEP_TOLERANCE:g} steps (±{STEP_TOLERANCE * ETA:g} in t) around the paper's K; "
        "layer 4 ('a gradual, lower trajectory') reproduced when its largest flow stays below the peaks "
        "of layers 1–3",
        "decided on the authors' algorithm (reference-code variant, η = 0.01, K = 50); K = t/η",
        *(f"{src}: peaks at K = {ks(src)}; matches {match[src]}" for src in found),
    ]
    evidence = Evidence(
        figures=json_safe(
            {
                "paper_K": PAPER_FLOW_PEAKS,
                "tolerance_steps": STEP_TOLERANCE,
                "peaks": found,
                "match": match,
            }
        ),
        plots=knowledge_flow_figures(ctx),
    )
    verdict = Verdict.SUPPORTED if ok else Verdict.NOT_SUPPORTED
    word = "reproduced" if ok else "not reproduced"
    return Outcome(
        verdict, f"{word} within ±{STEP_TOLERANCE:g} steps: K = {ks(deciding)}", conditions, evidence
    )


@claim(
    "tensor-net.observed-crossings",
    source=Source(
        "SKA-2",
        "§2.4.2, Figs. 5–6",
        "Layers 1 and 3 cross the zero threshold at different steps (approximately K = 24 for Layer 1 and "
        "K = 23 for Layer 3) ... Layer 2 begins with positive values ... Layer 4 maintains consistently low "
        "values",
    ),
    statement="Tensor Net crosses zero at K ≈ 24 (layer 1) and 23 (layer 3); layer 2 > 0, layer 4 < 0",
    kind="numeric",
    title="Observed Tensor Net zero crossings",
    into=CLAIMS,
)
def observed_crossings(ctx: Context) -> Outcome:
    prefetch(runs(ctx), ctx)
    found = {name: locate_crossings(t, Y) for name, (t, Y) in tensor_net_series(ctx).items()}
    match = {name: crossings_match(c) for name, c in found.items()}
    reproduced = sorted(name for name, m in match.items() if all(m.values()))
    ok = DECIDING in reproduced

    def desc(name: str) -> str:
        c = found[name]
        return "; ".join(
            f"L{i + 1} " + (", ".join(f"K={k:.1f}" for k in c[i]["K"][:3]) if c[i]["K"] else c[i]["sign"])
            for i in range(len(c))
        )

    conditions = [
        f"tolerance ±{STEP_TOLERANCE:g} steps around K = 24 (layer 1) and 23 (layer 3); layers 2 and 4 must "
        f"keep the stated sign on ≥ {SIGN_FRACTION:.0%} of the samples",
        f"decided on {DECIDING} (what the authors' code records and plots); the paper's eq. 8 has the "
        "other sign and a running sum",
        "conventions reproducing the pattern: " + (", ".join(reproduced) if reproduced else "none"),
        *(f"{name}: {desc(name)}" for name in found),
    ]
    evidence = Evidence(
        figures=json_safe(
            {
                "paper_K": PAPER_CROSSINGS,
                "paper_signs": PAPER_SIGNS,
                "tolerance_steps": STEP_TOLERANCE,
                "crossings": found,
                "match": match,
                "reproducing_conventions": reproduced,
            }
        ),
        plots=tensor_net_figures(ctx),
    )
    verdict = Verdict.SUPPORTED if ok else Verdict.NOT_SUPPORTED
    word = "reproduced" if ok else "not reproduced"
    return Outcome(
        verdict,
        f"{word} by {DECIDING} ({desc(DECIDING)}); "
        f"{len(reproduced)} of {len(found)} conventions reproduce it",
        conditions,
        evidence,
    )
