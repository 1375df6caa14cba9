"""One run: the engine called on a run config, and its result as plain numpy arrays.

:func:`run` is the one path from a config to the engines: the CLI (``ska-theory discrete``,
``ska-theory integrate``), sweeps and the studies all call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

from ska_theory.errors import ArgumentError
from ska_theory.network import checks
from ska_theory.network.data import load_dataset
from ska_theory.network.discrete import DiscreteRun, run_discrete
from ska_theory.network.integrate import FlowRun, integrate_flow
from ska_theory.network.params import Layer, Params, check_layers, init_params, layer_sizes, load_params
from ska_theory.runs.config import DiscreteConfig, FlowConfig, RunConfig, file_sha256

C = TypeVar("C", bound=RunConfig)


@dataclass(frozen=True, eq=False)
class RunResult(Generic[C]):
    """What a run produced: per-layer metric histories on ``t``, flow events, final parameters.

    ``metrics[name]`` has shape (L, n_cols), its columns at :meth:`times` ``(name)``; discrete runs
    record step metrics at ``t`` and state metrics and ``output_mean`` rows at ``t_state`` (None for the
    flow, whose metrics are all on ``t``). Flow only (None for discrete runs): ``events[name][l]``, the
    event times of layer l; ``nfev``, right-hand-side evaluations; ``n_steps``, accepted solver steps;
    ``t_final``, the time of ``params`` (before T when the run failed). ``status`` is ``finished`` or
    ``failed``, with the integrator's ``message``.
    """

    config: C
    t: np.ndarray
    metrics: Mapping[str, np.ndarray]
    params: Params
    status: str = "finished"
    message: str = ""
    t_state: np.ndarray | None = None
    events: Mapping[str, tuple[np.ndarray, ...]] = field(default_factory=dict)
    output_mean: np.ndarray | None = None
    nfev: int | None = None
    n_steps: int | None = None
    t_final: float | None = None

    @classmethod
    def of_discrete(cls, config: C, d: DiscreteRun) -> RunResult[C]:
        return cls(
            config=config,
            t=d.t,
            t_state=d.t_state,
            metrics=d.metrics,
            params=d.params,
            output_mean=d.output_mean,
        )

    @classmethod
    def of_flow(cls, config: C, f: FlowRun) -> RunResult[C]:
        return cls(
            config=config,
            t=f.t,
            metrics=f.metrics,
            params=f.params,
            status=str(f.status),
            message=f.message,
            events={name: tuple(per_layer) for name, per_layer in f.events.items()},
            nfev=int(f.nfev),
            n_steps=int(f.n_steps),
            t_final=float(f.t_final),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """Flat name -> array form (``.npz`` keys), the inverse of :meth:`from_arrays`."""
        out: dict[str, np.ndarray] = {
            "t": self.t,
            "status": np.array(self.status),
            "message": np.array(self.message),
        }
        for name, values in self.metrics.items():
            out[f"metrics/{name}"] = values
        for name, per_layer in self.events.items():
            for layer, times in enumerate(per_layer):
                out[f"events/{name}/{layer}"] = times
        for i, lay in enumerate(self.params):
            out[f"params/W{i}"], out[f"params/b{i}"] = lay.W, lay.b
        if self.t_state is not None:
            out["t_state"] = self.t_state
        if self.output_mean is not None:
            out["output_mean"] = self.output_mean
        if self.nfev is not None:
            out["nfev"] = np.array(self.nfev, dtype=np.int64)
        if self.n_steps is not None:
            out["n_steps"] = np.array(self.n_steps, dtype=np.int64)
        if self.t_final is not None:
            out["t_final"] = np.array(self.t_final, dtype=np.float64)
        return out

    @classmethod
    def from_arrays(cls, config: C, arrays: Mapping[str, np.ndarray]) -> RunResult[C]:
        metrics: dict[str, np.ndarray] = {}
        events: dict[str, dict[int, np.ndarray]] = {}
        weights: dict[str, np.ndarray] = {}
        for key, value in arrays.items():
            group, _, name = key.partition("/")
            if group == "metrics":
                metrics[name] = value
            elif group == "events":
                event, _, layer = name.rpartition("/")
                events.setdefault(event, {})[int(layer)] = value
            elif group == "params":
                weights[name] = value
        n_layers = len(weights) // 2
        return cls(
            config=config,
            t=arrays["t"],
            t_state=arrays.get("t_state"),
            metrics=metrics,
            events={name: tuple(per[i] for i in range(len(per))) for name, per in events.items()},
            params=tuple(Layer(weights[f"W{i}"], weights[f"b{i}"]) for i in range(n_layers)),
            output_mean=arrays.get("output_mean"),
            nfev=int(arrays["nfev"]) if "nfev" in arrays else None,
            n_steps=int(arrays["n_steps"]) if "n_steps" in arrays else None,
            t_final=float(arrays["t_final"]) if "t_final" in arrays else None,
            status=str(arrays["status"]),
            message=str(arrays["message"]),
        )

    def times(self, name: str) -> np.ndarray:
        """The times of the columns of ``metrics[name]``."""
        if self.t_state is not None and self.metrics[name].shape[1] == len(self.t_state):
            return self.t_state
        return self.t

    def identical(self, other: RunResult[RunConfig]) -> bool:
        """Same config and the same arrays bit for bit (dtype, shape and bytes)."""
        a, b = self.arrays(), other.arrays()
        return (
            self.config == other.config
            and a.keys() == b.keys()
            and all(
                a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and a[k].tobytes() == b[k].tobytes()
                for k in a
            )
        )


def _unchanged(name: str, path: str, digest: str | None) -> Path:
    """The input file, after checking it still has the content the config was made with."""
    if digest is not None and (not Path(path).is_file() or file_sha256(Path(path)) != digest):
        raise ArgumentError(name, path, "file changed or missing since the config was made")
    return Path(path)


def prepare(config: RunConfig) -> tuple[Params, np.ndarray]:
    """Initial parameters and the input X (already multiplied by ``input_scale``), validated."""
    data = (
        config.data
        if config.data_sha256 is None
        else str(_unchanged("data", config.data, config.data_sha256))
    )
    dataset = load_dataset(data)
    if config.weights is not None:
        params0 = load_params(_unchanged("weights", config.weights, config.weights_sha256))
        if layer_sizes(params0)[0] != dataset.n_features:
            raise ArgumentError(
                "weights",
                config.weights,
                f"input size {layer_sizes(params0)[0]} does not fit the data ({dataset.n_features} features)",
            )
    else:
        assert config.seed is not None and config.scale is not None  # filled in by RunConfig
        sizes = check_layers(config.layers or (), dataset.n_features)
        params0 = init_params(sizes, seed=config.seed, scale=config.scale)
    return params0, dataset.X * config.input_scale


def run(config: C, *, progress: bool = False) -> RunResult[C]:
    """Run the engine of the config's kind; BLAS held to one thread, so any process gives the same bits."""
    params0, X = prepare(config)
    dtype = checks.DTYPES[str(config.dtype)]
    with threadpool_limits(limits=1, user_api="blas"):
        if isinstance(config, DiscreteConfig):
            d = run_discrete(
                params0,
                X,
                variant=config.variant,  # type: ignore[arg-type]
                eta=config.eta,
                steps=config.steps,
                dtype=dtype,
                progress=progress,
            )
            return RunResult.of_discrete(config, d)
        assert isinstance(config, FlowConfig)
        f = integrate_flow(
            params0,
            X,
            T=config.T,
            method=config.method,
            rtol=config.rtol,
            atol=config.atol,
            grid=config.grid,
            dtype=dtype,
            progress=progress,
            events=config.events,
        )
        return RunResult.of_flow(config, f)
