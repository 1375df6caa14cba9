"""How the studies get their simulation runs: :class:`RunConfig` fields as data, results cached.

Every run goes through ``ska_theory.runs`` (on-disk cache keyed by config, code and library versions),
honouring ``Context.use_cache``; within one process a result is computed or loaded once. Studies first
``prefetch`` all their runs so the missing ones are computed in parallel (one process per core).

Initial weights: the authors' seed-42 file by default. In full mode every study is decided again from
two more initialisations drawn the way the authors drew theirs (:func:`authors_initialisation` infers
how from the file's per-layer statistics), and its margin records how many seeds agree (:func:`across_seeds`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from scipy import stats

from ska_theory.claims.model import Context, Outcome
from ska_theory.io import atomic_write_bytes
from ska_theory.network.params import Params, layer_sizes, load_params, save_params
from ska_theory.runs import RunConfig, RunResult, cached_run, default_cache_dir, sweep
from ska_theory.runs.execute import prepare

matplotlib.use("Agg")

INITIAL_WEIGHTS = "initial_weights_seed42.npz"  # the authors' seed-42 weights, 784-256-128-64-10
AUTHORS_SEED = 42
EXTRA_SEEDS: tuple[int, ...] = (1, 2)  # full mode: two more draws like the authors'

# The runs several studies share: the continuous flow to the paper's T = 0.5 on a grid of step 0.001
# (every η of the paper but 0.0033 lands on it), and discrete runs of the paper's set-up. Everything in
# float64 (the authors' float32 only adds rounding to the discretisation being measured).
REFERENCE_FLOW: dict[str, Any] = {"kind": "continuous", "T": 0.5, "grid": 501, "rtol": 1e-8, "atol": 1e-10}
VARIANTS: tuple[str, str] = ("paper", "reference-code")

_memo: dict[str, RunResult] = {}
_seed: list[int | None] = [None]  # the initialisation studies run from: None = the authors' file


def weights_path() -> Path:
    """The bundled copy of the authors' initial weights (tests/data holds the same file)."""
    with resources.as_file(resources.files(__package__) / "data" / INITIAL_WEIGHTS) as p:
        return Path(p)


# --- initial weights --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Initialisation:
    """How a weights file was drawn, read off its per-layer statistics."""

    distribution: str  # "normal" (N(0, scale²)) or "uniform" (±1/√fan_in, PyTorch's nn.Linear default)
    scale: float  # the common standard deviation of the normal draw
    std: tuple[float, ...]  # per layer
    excess_kurtosis: tuple[float, ...]  # per layer: 0 for a normal draw, -1.2 for a uniform one
    zero_biases: bool


def classify_initialisation(params: Params) -> Initialisation:
    """Normal with one scale, or PyTorch's uniform(±1/√fan_in): decided by kurtosis and std vs fan-in.

    A uniform draw has excess kurtosis -1.2 and std 1/√(3 fan_in) (shrinking with fan-in); a normal draw
    has kurtosis 0. The larger layers decide (the output layer has too few weights for a sharp estimate).
    """
    std = tuple(float(lay.W.std()) for lay in params)
    kurt = tuple(float(stats.kurtosis(lay.W.ravel())) for lay in params)
    sizes = np.array([lay.W.size for lay in params], float)
    mean_kurt = float(np.average(kurt, weights=sizes))
    distribution = "uniform" if mean_kurt < -0.6 else "normal"
    scale = float(np.sqrt(np.average(np.square(std), weights=sizes)))
    zero_b = all(not np.any(lay.b) for lay in params)
    return Initialisation(distribution, scale, std, kurt, zero_b)


def authors_initialisation() -> Initialisation:
    """The bundled weights' initialisation (N(0, 0.01²), zero biases: ``init_params`` draws the same way)."""
    return classify_initialisation(load_params(weights_path()))


def seed_label(seed: int | None) -> str:
    return f"authors' weights (seed {AUTHORS_SEED})" if seed is None else f"seed {seed}"


def initial_fields() -> dict[str, Any]:
    """RunConfig fields of the current initialisation: the authors' file, or a draw like theirs."""
    if _seed[0] is None:
        return {"weights": str(weights_path())}
    init = authors_initialisation()
    if init.distribution != "normal" or not init.zero_biases:
        raise ValueError(f"seed: the bundled weights are not N(0, s²) with zero biases ({init})")
    sizes = layer_sizes(load_params(weights_path()))
    # The pooled std (0.01004 for the authors' file) estimates a round scale: keep two significant digits.
    return {"seed": _seed[0], "scale": float(f"{init.scale:.2g}"), "layers": list(sizes)}


@contextmanager
def initial_seed(seed: int | None) -> Iterator[None]:
    """Run the studies from the initialisation ``seed`` (None: the authors' weights) inside the block."""
    before, _seed[0] = _seed[0], seed
    try:
        yield
    finally:
        _seed[0] = before


def authors_spec(**fields: Any) -> dict[str, Any]:
    """A run on the bundled MNIST subset from the current initial weights, with ``fields`` set."""
    return {**initial_fields(), "dtype": "float64", **fields}


def initial_params() -> Params:
    """The current initial weights (the authors', or the seed's draw)."""
    return prepare(RunConfig.from_mapping(authors_spec(kind="continuous", T=1.0)))[0]


def across_seeds(ctx: Context, decide: Callable[[Context], Outcome]) -> Outcome:
    """``decide`` from the authors' weights; in full mode also from :data:`EXTRA_SEEDS`, with the count of
    seeds giving the same verdict in the outcome's margin (and the summary when they disagree)."""
    outcome = decide(ctx)
    if ctx.mode != "full" or outcome.robustness is None:
        return outcome
    verdicts = {seed_label(None): outcome.verdict}
    for seed in EXTRA_SEEDS:
        with initial_seed(seed):
            verdicts[seed_label(seed)] = decide(ctx).verdict
    agree = sum(v == outcome.verdict for v in verdicts.values())
    outcome.robustness = dataclasses.replace(outcome.robustness, seeds=tuple(verdicts), agree=agree)
    if agree < len(verdicts):
        others = ", ".join(f"{k} {v}" for k, v in verdicts.items() if v != outcome.verdict)
        outcome.summary += f"; seeds disagree: {agree} of {len(verdicts)} give {outcome.verdict} ({others})"
    return outcome


# --- inputs written by the studies -----------------------------------------------------------------


def _npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """An ``.npz`` with fixed timestamps: equal arrays give equal bytes, hence the same run identity."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            with zf.open(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), "w") as f:
                np.lib.format.write_array(f, np.asarray(arrays[name]), allow_pickle=False)
    return buf.getvalue()


def input_file(arrays: Mapping[str, np.ndarray]) -> Path:
    """A run input (weights or data ``.npz``) under the cache folder, named by its content."""
    data = _npz_bytes(arrays)
    folder = default_cache_dir() / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()}.npz"
    if not path.is_file():
        atomic_write_bytes(path, data)
    return path


def continuation_spec(start: RunResult, **fields: Any) -> dict[str, Any]:
    """A run from the final weights of ``start`` (same data and input scale), with ``fields`` set."""
    c = start.config
    weights = input_file(save_params(start.params))
    return {"weights": str(weights), "data": c.data, "input_scale": c.input_scale, "dtype": c.dtype, **fields}


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
