"""Initialisations a numeric verdict is decided from: the authors' weights, and in full mode two more.

Quick mode decides on the authors' initial weights alone. Full mode adds two initialisations drawn as the
authors drew theirs (W ~ N(0, 0.01²), biases 0; seeds :data:`SEEDS`), each with its own continuous flow to
t = 0.5 and paper-variant runs at the quick (η, K), and records how many give the same verdict
(``Robustness.seeds``/``agree``); a disagreement is said in the summary.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from ska_theory.claims.model import Context, Outcome, Verdict
from ska_theory.network.params import layer_sizes, load_params
from ska_theory.runs.execute import RunResult

from . import _runs
from ._analysis import json_safe
from .time_invariance import configs

AUTHORS = "authors' weights"
SEEDS: tuple[int, ...] = (1, 2)
PAPER_T = 0.5


@dataclass(frozen=True)
class Start:
    """One initialisation: the spec of its flow to t = 0.5 and of its paper-variant runs, η -> (K, spec)."""

    name: str
    flow: dict[str, Any]
    discrete: dict[float, tuple[int, dict[str, Any]]]

    def specs(self) -> list[dict[str, Any]]:
        return [self.flow, *(spec for _, spec in self.discrete.values())]


def invariance_configs(ctx: Context) -> list[tuple[float, int]]:
    """The time-invariance study's (η, K) whose product is exactly 0.5 (the runs it has already made)."""
    return [(eta, K) for eta, K in configs(ctx) if math.isclose(eta * K, PAPER_T)]


def seeded(seed: int, **fields: Any) -> dict[str, Any]:
    """A run of the authors' network from weights drawn as they drew theirs, with ``fields`` set."""
    layers = list(layer_sizes(load_params(_runs.weights_path())))
    return {"layers": layers, "seed": seed, "scale": 0.01, "dtype": "float64", **fields}


def starts(ctx: Context) -> list[Start]:
    """The authors' weights (every (η, K) of the mode), then in full mode the seeds (the quick (η, K))."""
    out = [
        Start(
            AUTHORS,
            _runs.reference_flow_spec(),
            {eta: (K, _runs.discrete_spec("paper", eta, K)) for eta, K in invariance_configs(ctx)},
        )
    ]
    if ctx.mode == "full":
        quick = invariance_configs(Context(mode="quick"))
        for s in SEEDS:
            runs = {
                eta: (K, seeded(s, kind="discrete", variant="paper", eta=eta, steps=K)) for eta, K in quick
            }
            out.append(Start(f"seed {s}", seeded(s, **_runs.REFERENCE_FLOW), runs))
    return out


def prefetch_starts(ctx: Context) -> list[Start]:
    """Every start of the mode, with all their runs computed (in parallel) or loaded."""
    chosen = starts(ctx)
    _runs.prefetch([spec for s in chosen for spec in s.specs()], ctx)
    return chosen


def flow_of(start: Start, ctx: Context) -> RunResult:
    return _runs.run(start.flow, ctx)


def discrete_of(start: Start, ctx: Context) -> dict[float, tuple[int, RunResult]]:
    """η -> (K, the paper-variant run) of a start."""
    return {eta: (K, _runs.run(spec, ctx)) for eta, (K, spec) in start.discrete.items()}


def with_seeds(o: Outcome, verdicts: dict[str, Verdict], numbers: dict[str, Any]) -> Outcome:
    """Record the initialisations run and how many agree with ``o``'s verdict (full mode).

    ``numbers``: per initialisation, the deciding numbers (kept in the evidence). When some disagree, the
    summary says which.
    """
    if len(verdicts) < 2:
        return o
    agree = sum(v is o.verdict for v in verdicts.values())
    o.evidence.figures["initialisations"] = json_safe(
        {k: {"verdict": str(verdicts[k]), **numbers.get(k, {})} for k in verdicts}
    )
    if o.robustness is not None:
        o.robustness = dataclasses.replace(o.robustness, seeds=tuple(verdicts), agree=agree)
    if agree < len(verdicts):
        other = ", ".join(f"{k} {v}" for k, v in verdicts.items() if v is not o.verdict)
        o.summary += f"; the initialisations disagree: {agree} of {len(verdicts)} give this verdict ({other})"
    return o
