"""What the discrete SKA variants share: input checks, the pass loop, the metric columns, the run record.

A run is a sequence of forward passes k = 0, 1, ... of the network on the whole data set, with a
parameter update between passes. Two kinds of metric columns are recorded per layer:

- state metrics (``z_fro``, ``shannon_entropy``) and ``output_mean``: one column per forward pass k;
- step metrics (``entropy``, ``cosine``, ``knowledge_flow``, ``tensor_net``, ``tensor_net_code_sign``):
  one column per pass k >= 1, comparing pass k with pass k-1 (ΔZ = Z_k - Z_{k-1}, ΔD = D_k - D_{k-1},
  with Z, D of pass k in the products).

``weight_fro`` goes with the states in the paper variant and with the steps (recorded after the
update, as the authors do) in the reference-code variant. Column times are t = η·k.
"""

from __future__ import annotations

import math
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from tqdm import tqdm

from ska_theory.errors import UsageError
from ska_theory.network.forward import forward
from ska_theory.network.metrics import (
    cosine,
    shannon_entropy_bits,
    ska_entropy,
    tensor_net,
    tensor_net_code_sign,
)
from ska_theory.network.params import Layer, Params, layer_sizes

STEP_METRICS: tuple[str, ...] = ("entropy", "cosine", "knowledge_flow", "tensor_net", "tensor_net_code_sign")
STATE_METRICS: tuple[str, ...] = ("z_fro", "shannon_entropy")
METRICS: tuple[str, ...] = (*STEP_METRICS, *STATE_METRICS, "weight_fro")
DTYPES: tuple[type, ...] = (np.float32, np.float64)


@dataclass(frozen=True)
class DiscreteRun:
    """Record of one discrete run; every array has the run's dtype.

    ``t``: times η·k of the step-metric columns; ``t_state``: times of the state-metric columns and of
    the rows of ``output_mean``; ``metrics[name]``: (L, n_cols) per layer; ``params``: final parameters.
    """

    variant: str
    eta: float
    steps: int
    t: np.ndarray
    metrics: dict[str, np.ndarray]
    params: Params
    output_mean: np.ndarray  # (passes, n_out)
    t_state: np.ndarray

    def times(self, name: str) -> np.ndarray:
        """The times t = η·k of the columns of ``metrics[name]``."""
        return self.t_state if self.metrics[name].shape[1] == len(self.t_state) else self.t


@dataclass(frozen=True)
class ForwardPass:
    """Knowledge tensors Z_l and decision tensors D_l = σ(Z_l) of one pass, each (N, n_l)."""

    Zs: list[np.ndarray]
    Ds: list[np.ndarray]


def sample_mean(A: np.ndarray) -> np.ndarray:
    """Mean over samples (axis 0) with pairwise summation, as accurate in float32 as torch's mean."""
    # NumPy reduces axis 0 of a C-ordered array row by row (error ~ N·ε); the transposed copy puts
    # the samples on the contiguous axis, where NumPy sums pairwise (error ~ log N·ε).
    return np.ascontiguousarray(A.T).mean(axis=1)


def check_run_inputs(params: Params, X: np.ndarray, eta: float, steps: int, dtype: object) -> type:
    """Validate η, K, dtype, X against ``params``; return the dtype's scalar type (UsageError if bad)."""
    try:
        eta_ok = math.isfinite(float(eta)) and float(eta) > 0
    except (TypeError, ValueError):
        eta_ok = False
    if not eta_ok:
        raise UsageError(f"eta {eta!r}: must be a positive finite number")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 2:
        raise UsageError(f"steps {steps!r}: must be an integer >= 2")
    try:
        scalar = np.dtype(dtype).type  # type: ignore[call-overload]
    except TypeError:
        scalar = None
    if scalar not in DTYPES:
        raise UsageError(f"dtype {dtype!r}: must be float32 or float64")
    X = np.asarray(X)
    sizes = layer_sizes(params)
    if X.ndim != 2 or X.shape[1] != sizes[0]:
        raise UsageError(f"X shape {X.shape}: needs (N, {sizes[0]}) for layers {sizes}")
    if not np.all(np.isfinite(X)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(X))[0])
        raise UsageError(f"X has a non-finite value {X[bad]} at index {bad}")
    return scalar  # type: ignore[return-value]


class DiscreteSKA(ABC):
    """A discrete SKA variant: how many passes, and the update between pass k and pass k+1."""

    variant: ClassVar[str]
    # "state": ‖W‖_F of the weights each pass ran with; "step": ‖W‖_F after each step's update.
    weight_fro_columns: ClassVar[Literal["state", "step"]]

    def __init__(self, params: Params, X: np.ndarray, *, eta: float, steps: int, dtype: type) -> None:
        self.dtype = check_run_inputs(params, X, eta, steps, dtype)
        self.eta, self.steps = float(eta), int(steps)
        self.lr = self.dtype(eta)  # the step size in the run's dtype (float32 stays float32)
        self.X: np.ndarray = np.asarray(X, dtype=self.dtype)
        self.params0: Params = tuple(
            Layer(np.asarray(lay.W, self.dtype), np.asarray(lay.b, self.dtype)) for lay in params
        )

    @property
    @abstractmethod
    def n_passes(self) -> int:
        """Number of forward passes of a run of ``self.steps`` steps."""

    @abstractmethod
    def update(self, k: int, params: Params, now: ForwardPass, prev: ForwardPass | None) -> Params:
        """The parameters of pass k+1, from those of pass k and passes k and k-1."""

    def run(self, *, progress: bool = False) -> DiscreteRun:
        L, n_pass, dt = len(self.params0), self.n_passes, self.dtype
        n_cols = {name: n_pass - 1 for name in STEP_METRICS} | {name: n_pass for name in STATE_METRICS}
        n_cols["weight_fro"] = n_pass if self.weight_fro_columns == "state" else n_pass - 1
        metrics: dict[str, np.ndarray] = {name: np.zeros((L, n), dt) for name, n in n_cols.items()}
        output_mean: np.ndarray = np.zeros((n_pass, self.params0[-1].W.shape[1]), dt)

        params, prev = self.params0, None
        passes = tqdm(
            range(n_pass),
            desc=f"discrete {self.variant}",
            unit="pass",
            disable=not progress,
            delay=1.0,
            file=sys.stderr,
            leave=False,
        )
        for k in passes:
            now = ForwardPass(*forward(params, self.X))
            output_mean[k] = sample_mean(now.Ds[-1])
            for i, (Z, D) in enumerate(zip(now.Zs, now.Ds, strict=True)):
                metrics["z_fro"][i, k] = np.linalg.norm(Z)
                metrics["shannon_entropy"][i, k] = shannon_entropy_bits(D)
                if prev is not None:
                    self._record_step(metrics, i, k - 1, Z, D, prev.Zs[i], prev.Ds[i])
            if self.weight_fro_columns == "state":
                self._record_weights(metrics, k, params)
            params = self.update(k, params, now, prev)
            if self.weight_fro_columns == "step" and k > 0:
                self._record_weights(metrics, k - 1, params)
            prev = now

        ks = np.arange(n_pass)
        return DiscreteRun(
            variant=self.variant,
            eta=self.eta,
            steps=self.steps,
            t=(self.eta * ks[1:]).astype(dt),
            metrics=metrics,
            params=params,
            output_mean=output_mean,
            t_state=(self.eta * ks).astype(dt),
        )

    def _record_step(
        self,
        metrics: dict[str, np.ndarray],
        i: int,
        col: int,
        Z: np.ndarray,
        D: np.ndarray,
        Z_prev: np.ndarray,
        D_prev: np.ndarray,
    ) -> None:
        delta_Z, delta_D = Z - Z_prev, D - D_prev
        metrics["entropy"][i, col] = ska_entropy(Z, delta_D)
        metrics["cosine"][i, col] = cosine(Z, delta_D)
        metrics["knowledge_flow"][i, col] = np.linalg.norm(delta_Z) / self.lr  # SKA-2 eq. 7
        metrics["tensor_net"][i, col] = tensor_net(Z, D, delta_Z)
        metrics["tensor_net_code_sign"][i, col] = tensor_net_code_sign(Z, D, delta_Z)

    @staticmethod
    def _record_weights(metrics: dict[str, np.ndarray], col: int, params: Params) -> None:
        for i, lay in enumerate(params):
            metrics["weight_fro"][i, col] = np.linalg.norm(lay.W)
