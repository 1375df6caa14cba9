"""How the studies get their simulation runs: one function per run kind, memoised and cached.

A run is named by a plain mapping of :class:`ska_theory.runs.RunConfig` fields, so every study states
its runs as data. ``INITIAL_WEIGHTS`` are the authors' seed-42 weights (784-256-128-64-10, scale 0.01).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

from ska_theory.claims.model import Context
from ska_theory.network.data import load_dataset
from ska_theory.network.params import init_params, load_params

matplotlib.use("Agg")

INITIAL_WEIGHTS = "initial_weights_seed42.npz"


def weights_path() -> Path:
    """The bundled copy of the authors' initial weights (tests/data has the same file)."""
    with resources.as_file(resources.files("sims") / "data" / INITIAL_WEIGHTS) as p:
        return Path(p)


def base_spec(**fields: Any) -> dict[str, Any]:
    """A run on the bundled MNIST subset from the authors' initial weights, with ``fields`` set."""
    return {"weights": str(weights_path()), **fields}


@cache
def _run(key: str) -> Any:
    from sims._fallback_engines import integrate_flow, run_discrete

    spec = json.loads(key)
    X = load_dataset(spec.get("data", "mnist-subset")).X * spec.get("input_scale", 1.0)
    if spec.get("weights"):
        params = load_params(Path(spec["weights"]))
    else:
        params = init_params(spec["layers"], seed=spec["seed"], scale=spec.get("scale", 0.01))
    if spec["kind"] == "discrete":
        return run_discrete(params, X, variant=spec["variant"], eta=spec["eta"], steps=spec["steps"])
    return integrate_flow(
        params,
        X,
        T=spec["T"],
        rtol=spec.get("rtol", 1e-8),
        atol=spec.get("atol", 1e-10),
        grid=spec.get("grid", 501),
    )


def run(spec: Mapping[str, Any], ctx: Context) -> Any:
    """The result of the run ``spec`` (a DiscreteRun or a FlowRun)."""
    return _run(json.dumps(dict(spec), sort_keys=True))


def run_many(specs: list[Mapping[str, Any]], ctx: Context) -> list[Any]:
    return [run(s, ctx) for s in specs]


def initial_params(spec: Mapping[str, Any]) -> Any:
    if spec.get("weights"):
        return load_params(Path(spec["weights"]))
    return init_params(spec["layers"], seed=spec["seed"], scale=spec.get("scale", 0.01))


def inputs(spec: Mapping[str, Any]) -> np.ndarray:
    return load_dataset(spec.get("data", "mnist-subset")).X * spec.get("input_scale", 1.0)


def svg_figure(fig: Any) -> str:
    """Deterministic SVG text of a matplotlib figure (closes it)."""
    import io

    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "ska-theory"
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


# The runs several studies share: the continuous flow to the paper's T = 0.5 on a grid of step 0.001
# (every η of the paper but 0.0033 lands on it), and discrete runs of the paper's set-up.
REFERENCE_FLOW: dict[str, Any] = {"kind": "continuous", "T": 0.5, "grid": 501, "rtol": 1e-8, "atol": 1e-10}
VARIANTS: tuple[str, str] = ("paper", "reference-code")


def reference_flow(ctx: Context) -> Any:
    """The continuous flow from the authors' initial weights to t = 0.5."""
    return run(base_spec(**REFERENCE_FLOW), ctx)


def discrete(variant: str, eta: float, steps: int, ctx: Context) -> Any:
    """A discrete run of ``variant`` from the authors' initial weights."""
    return run(base_spec(kind="discrete", variant=variant, eta=eta, steps=steps), ctx)


def step_columns(d: Any) -> np.ndarray:
    """Step columns that carry a step: the reference code's first step compares two passes run with the
    same weights (ΔZ = 0 in every layer), which is an artefact of its loop, not a point of the trajectory."""
    return np.any(d.metrics["knowledge_flow"] != 0, axis=0)
