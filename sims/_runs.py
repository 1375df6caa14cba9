"""How the studies get their simulation runs: :class:`RunConfig` fields as data, results cached.

Every run goes through ``ska_theory.runs`` (on-disk cache keyed by config, code and library versions),
honouring ``Context.use_cache``; within one process a result is computed or loaded once. Studies first
``prefetch`` all their runs so the missing ones are computed in parallel (one process per core).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

from ska_theory.claims.model import Context
from ska_theory.runs import RunConfig, RunResult, cached_run, sweep

matplotlib.use("Agg")

INITIAL_WEIGHTS = "initial_weights_seed42.npz"  # the authors' seed-42 weights, 784-256-128-64-10

# The runs several studies share: the continuous flow to the paper's T = 0.5 on a grid of step 0.001
# (every η of the paper but 0.0033 lands on it), and discrete runs of the paper's set-up. Everything in
# float64 (the authors' float32 only adds rounding to the discretisation being measured).
REFERENCE_FLOW: dict[str, Any] = {"kind": "continuous", "T": 0.5, "grid": 501, "rtol": 1e-8, "atol": 1e-10}
VARIANTS: tuple[str, str] = ("paper", "reference-code")

_memo: dict[str, RunResult] = {}


def weights_path() -> Path:
    """The bundled copy of the authors' initial weights (tests/data holds the same file)."""
    with resources.as_file(resources.files(__package__) / "data" / INITIAL_WEIGHTS) as p:
        return Path(p)


def authors_spec(**fields: Any) -> dict[str, Any]:
    """A run on the bundled MNIST subset from the authors' initial weights, with ``fields`` set."""
    return {"weights": str(weights_path()), "dtype": "float64", **fields}


def _key(spec: Mapping[str, Any]) -> str:
    return json.dumps(dict(spec), sort_keys=True)


def prefetch(specs: Sequence[Mapping[str, Any]], ctx: Context) -> None:
    """Compute (in parallel) or load every run of ``specs`` not yet in this process."""
    todo = {_key(s): s for s in specs if _key(s) not in _memo}
    if not todo:
        return
    items = sweep(
        [RunConfig.from_mapping(s) for s in todo.values()], use_cache=ctx.use_cache, progress=ctx.progress
    )
    for key, item in zip(todo, items, strict=True):
        _memo[key] = item.result


def run(spec: Mapping[str, Any], ctx: Context) -> RunResult:
    """The result of the run ``spec`` (RunConfig fields)."""
    key = _key(spec)
    if key not in _memo:
        _memo[key] = cached_run(RunConfig.from_mapping(spec), use_cache=ctx.use_cache, progress=ctx.progress)
    return _memo[key]


def reference_flow_spec() -> dict[str, Any]:
    return authors_spec(**REFERENCE_FLOW)


def discrete_spec(variant: str, eta: float, steps: int) -> dict[str, Any]:
    return authors_spec(kind="discrete", variant=variant, eta=eta, steps=steps)


def reference_flow(ctx: Context) -> RunResult:
    """The continuous flow from the authors' initial weights to t = 0.5."""
    return run(reference_flow_spec(), ctx)


def discrete(variant: str, eta: float, steps: int, ctx: Context) -> RunResult:
    """A discrete run of ``variant`` from the authors' initial weights."""
    return run(discrete_spec(variant, eta, steps), ctx)


def step_columns(d: RunResult) -> np.ndarray:
    """Step columns that carry a step: the reference code's first step compares two passes run with the
    same weights (ΔZ = 0 in every layer), an artefact of its loop, not a point of the trajectory."""
    return np.any(d.metrics["knowledge_flow"] != 0, axis=0)
