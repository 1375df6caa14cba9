"""What the discrete SKA variants share: input checks, the pass loop, the metric columns, the run record.

A run is a sequence of forward passes k = 0, 1, ... of the network on the whole data set, with a
parameter update between passes. Two kinds of metric columns are recorded per layer:

- state metrics (``z_fro``, ``shannon_entropy``) and ``output_mean``: one column per forward pass k;
- step metrics (``entropy``, ``cosine``, ``knowledge_flow``, ``tensor_net``, ``tensor_net_code_sign``):
  one column per pass k >= 1, comparing pass k with pass k-1 (ΔZ = Z_k - Z_{k-1}, ΔD = D_k - D_{k-1},
  with Z, D of pass k in the products).

``weight_fro`` goes with the states in the paper variant and with the steps (recorded after the
update, as the authors do) in the reference-code variant. Column times are t = η·k.

How a pass is computed (the same numbers as the definitions, fewer operations; tested against them):

- Layer 1's input is split as :mod:`ska_theory.network.inputs` says (as in ``network.flow``): the
  rows of W_1 of columns zero for every sample never change (their update is exactly 0) and take
  part in no product; sparse columns enter a CSR product; the dense ones with a column of ones,
  [X_dense 1], and W_1's dense rows with b_1 below them make Z_1 and the update of (W_1, b_1) one
  GEMM each.
- The run keeps every W and b negated, so each product gives Y = -Z, the exponent of σ(z) = 1/(1+e^Y),
  at no cost; the signs are folded into the coefficients below (negation is exact in floating point,
  so the numbers are those of the unnegated formulas). σ's exponential and log σ give H_b with one
  log per element (``metrics.shannon_entropy_from_pass``).
- Every layer keeps its buffers (two generations of Y and D, for ΔZ and ΔD); sums of products are
  BLAS dot products; an update is one GEMM adding into W in place.
"""

from __future__ import annotations

import math
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from scipy.linalg import blas
from tqdm import tqdm

from ska_theory.errors import ArgumentError
from ska_theory.network import checks
from ska_theory.network.inputs import split_inputs
from ska_theory.network.metrics import INV_LN2, shannon_entropy_from_pass
from ska_theory.network.params import Layer, Params, layer_sizes

STEP_METRICS: tuple[str, ...] = ("entropy", "cosine", "knowledge_flow", "tensor_net", "tensor_net_code_sign")
STATE_METRICS: tuple[str, ...] = ("z_fro", "shannon_entropy")
METRICS: tuple[str, ...] = (*STEP_METRICS, *STATE_METRICS, "weight_fro")


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


def check_run_inputs(params: Params, X: np.ndarray, eta: float, steps: int, dtype: object) -> type:
    """Validate η, K, dtype, X against ``params``; the dtype's scalar type (ArgumentError if bad)."""
    checks.positive("eta", eta)
    checks.integer("steps", steps, 2)
    scalar = checks.dtype(dtype)
    X = np.asarray(X)
    sizes = layer_sizes(params)
    if X.ndim != 2 or X.shape[1] != sizes[0]:
        raise ArgumentError(
            "X", X, f"shape {X.shape} needs (N, {sizes[0]}) for layers {sizes}", shown="<array>"
        )
    checks.finite("X", X)
    return scalar


class Buffers:
    """One layer's arrays, (N, n_l) each, in the run's dtype.

    ``Y[g]`` = -Z and ``D[g]`` = σ(Z) of the pass of generation g = k mod 2 (pass k and pass k-1 side
    by side). ``OM`` = 1 - D and ``S`` = -Z ⊙ D(1-D) belong to the current pass; ``dY`` and ``dD`` hold
    ΔY = -ΔZ and ΔD (and scratch before them).
    """

    def __init__(self, n: int, width: int, dtype: type) -> None:
        def new() -> np.ndarray:
            return np.empty((n, width), dtype)

        self.Y, self.D = (new(), new()), (new(), new())
        self.OM, self.S, self.dY, self.dD = new(), new(), new(), new()


class DiscreteSKA(ABC):
    """A discrete SKA variant: how many passes, and the update between pass k and pass k+1."""

    variant: ClassVar[str]
    # "state": ‖W‖_F of the weights each pass ran with; "step": ‖W‖_F after each step's update.
    weight_fro_columns: ClassVar[Literal["state", "step"]]

    def __init__(self, params: Params, X: np.ndarray, *, eta: float, steps: int, dtype: type) -> None:
        dt = self.dtype = check_run_inputs(params, X, eta, steps, dtype)
        self.eta, self.steps = float(eta), int(steps)
        self.lr = dt(eta)  # the step size in the run's dtype (float32 stays float32)
        self.split = split = split_inputs(np.asarray(X), np.dtype(dt))
        n, k = split.X1.shape[0], len(split.dense)
        self.n, self.X1 = n, split.X1  # [X_dense 1]
        first = params[0]
        # W[l], b[l]: -W_l, -b_l as the products use them, updated in place; W[0] is -[W_1 dense rows; b_1]
        # and Ws is -(W_1's sparse rows).
        self.W: list[np.ndarray] = [-np.vstack([first.W[split.dense], first.b[None, :]]).astype(dt)]
        self.W += [-np.array(lay.W, dtype=dt) for lay in params[1:]]
        self.b = [self.W[0][k]] + [-np.array(lay.b, dtype=dt) for lay in params[1:]]  # b_1: W[0]'s last row
        self.Ws: np.ndarray = -np.array(first.W[split.sparse], dtype=dt)
        self.W_fro = [self.W[0][:k], *self.W[1:]]  # the weights ‖W‖_F measures (not b_1; + Ws for W_1)
        self.W1_unused: np.ndarray = np.array(first.W[split.unused], dtype=dt)
        self.unused_sq = float(np.sum(np.square(self.W1_unused, dtype=np.float64)))
        self.buf = [Buffers(n, lay.W.shape[1], dt) for lay in params]
        self.ones: np.ndarray = np.ones(n, dt)
        # Every update adds α Dᵀ g to -W with α = η / (N ln 2) (both variants: see update()).
        self.alpha = float(self.lr * dt(INV_LN2) / dt(n))

    @property
    @abstractmethod
    def n_passes(self) -> int:
        """Number of forward passes of a run of ``self.steps`` steps."""

    @abstractmethod
    def update(self, k: int) -> None:
        """Update ``self.W``, ``self.b`` (negated) in place from pass k (generation k % 2) and pass k-1."""

    def layer_input(self, i: int, g: int) -> np.ndarray:
        """D_{i-1} of the pass of generation g (for layer 0: [X_used 1])."""
        return self.X1 if i == 0 else self.buf[i - 1].D[g]

    def add_update(self, i: int, inp: np.ndarray, g: np.ndarray) -> None:
        """-W_i += α inpᵀ g and -b_i += α Σ_n g (layer 0: [X_dense 1] gives its bias, Xs its sparse rows)."""
        gemm = blas.sgemm if self.dtype is np.float32 else blas.dgemm
        # Fortran view of the C-ordered arrays: Wᵀ (out, in) += α gᵀ inp, in place.
        gemm(self.alpha, g.T, inp.T, beta=1.0, c=self.W[i].T, overwrite_c=1, trans_b=1)
        if i > 0:
            self.b[i] += self.dtype(self.alpha) * (self.ones @ g)
        elif len(self.split.sparse):
            self.Ws += self.dtype(self.alpha) * (self.split.XsT @ g)

    def forward(self, g: int) -> None:
        """Pass of generation g: Y = -Z = D_prev (-W) + (-b), D = 1/(1 + e^Y), 1 - D, into the buffers."""
        inp = self.X1
        for i, buf in enumerate(self.buf):
            Y, D = buf.Y[g], buf.D[g]
            np.matmul(inp, self.W[i], out=Y)
            if i > 0:
                Y += self.b[i]
            elif len(self.split.sparse):
                Y += self.split.Xs @ self.Ws
            np.exp(Y, out=D)  # inf above y ≈ 88 (float32): D = 0 exactly, as it should be
            D += 1
            np.reciprocal(D, out=D)
            np.subtract(1, D, out=buf.OM)
            inp = D

    def record_state(self, metrics: dict[str, np.ndarray], k: int, g: int) -> None:
        """z_fro and shannon_entropy of pass k; then S = -Z ⊙ D(1-D) for the steps and the update."""
        for i, buf in enumerate(self.buf):
            Y, D = buf.Y[g].ravel(), buf.D[g]
            metrics["z_fro"][i, k] = math.sqrt(_dot(Y, Y))
            np.multiply(buf.Y[g], buf.OM, out=buf.S)  # y(1-D), H_b's second term
            metrics["shannon_entropy"][i, k] = shannon_entropy_from_pass(D, buf.S, out=buf.dY)
            buf.S *= D

    def record_step(self, metrics: dict[str, np.ndarray], col: int, g: int) -> None:
        """Step metrics of pass k (generation g) against pass k-1, into column ``col``; leaves ΔD in dD.

        In Y = -Z and S = -Z ⊙ D(1-D): Σ Z ⊙ ΔD = -Σ Y ⊙ ΔD, Σ ΔZ ⊙ D = -Σ ΔY ⊙ D, Σ ΔZ ⊙ Z D(1-D) = Σ ΔY ⊙ S.
        """
        c = float(self.dtype(INV_LN2))
        for i, buf in enumerate(self.buf):
            Y = buf.Y[g].ravel()
            np.subtract(buf.Y[g], buf.Y[1 - g], out=buf.dY)
            np.subtract(buf.D[g], buf.D[1 - g], out=buf.dD)
            dY, dD = buf.dY.ravel(), buf.dD.ravel()
            z_dd, dd_sq, dz_sq = -_dot(Y, dD), _dot(dD, dD), _dot(dY, dY)
            z_norm = float(metrics["z_fro"][i, col + 1])  # ‖Z_k‖, pass k = col + 1
            # The Tensor Net sums pairwise (NumPy's sum), not by BLAS dot: their two terms nearly cancel
            # in the code's sign, and dot's float32 accumulation would add 1.6e-5 of relative error
            # against the authors' history of it (8.3e-5 instead of 6.9e-5; a float64 run: 6.6e-5).
            dz_d, dz_zd = -_pairwise_dot(buf.dY, buf.D[g], buf.OM), _pairwise_dot(buf.dY, buf.S, buf.OM)
            metrics["entropy"][i, col] = -c * z_dd  # -(1/ln2) Σ Z ⊙ ΔD (SKA-1 §3.1.2)
            metrics["cosine"][i, col] = z_dd / (z_norm * math.sqrt(dd_sq)) if z_norm and dd_sq else 0.0
            metrics["knowledge_flow"][i, col] = math.sqrt(dz_sq) / float(self.lr)  # SKA-2 eq. 7
            # Σ ΔZ ⊙ (D ∓ ∇_z H) with ∇_z H = -(1/ln2) Z D(1-D): the paper's sign (eq. 8), the code's
            metrics["tensor_net"][i, col] = dz_d + c * dz_zd
            metrics["tensor_net_code_sign"][i, col] = dz_d - c * dz_zd

    def record_weights(self, metrics: dict[str, np.ndarray], col: int) -> None:
        for i, W in enumerate(self.W_fro):
            w = W.ravel()
            rest = _dot(self.Ws.ravel(), self.Ws.ravel()) + self.unused_sq if i == 0 else 0.0
            metrics["weight_fro"][i, col] = math.sqrt(_dot(w, w) + rest)

    def params(self) -> Params:
        """The current parameters as Layers (fresh arrays, W_1's rows in input order)."""
        first, split = self.W[0], self.split
        W1: np.ndarray = np.empty(
            (sum(map(len, (split.dense, split.sparse, split.unused))), first.shape[1]), self.dtype
        )
        W1[split.dense], W1[split.sparse], W1[split.unused] = -first[:-1], -self.Ws, self.W1_unused
        rest = [Layer(-W, -b) for W, b in zip(self.W[1:], self.b[1:], strict=True)]
        return (Layer(W1, -first[-1]), *rest)

    def run(self, *, progress: bool = False) -> DiscreteRun:
        L, n_pass, dt = len(self.buf), self.n_passes, self.dtype
        n_cols = {name: n_pass - 1 for name in STEP_METRICS} | {name: n_pass for name in STATE_METRICS}
        n_cols["weight_fro"] = n_pass if self.weight_fro_columns == "state" else n_pass - 1
        metrics: dict[str, np.ndarray] = {name: np.zeros((L, n), dt) for name, n in n_cols.items()}
        output_mean: np.ndarray = np.zeros((n_pass, self.W[-1].shape[1]), dt)
        passes = tqdm(
            range(n_pass),
            desc=f"discrete {self.variant}",
            unit="pass",
            disable=not progress,
            delay=1.0,
            file=sys.stderr,
            leave=False,
        )
        with np.errstate(over="ignore"):
            for k in passes:
                g = k % 2
                self.forward(g)
                output_mean[k] = (self.ones @ self.buf[-1].D[g]) / dt(self.n)
                self.record_state(metrics, k, g)
                if k > 0:
                    self.record_step(metrics, k - 1, g)
                if self.weight_fro_columns == "state":
                    self.record_weights(metrics, k)
                self.update(k)
                if self.weight_fro_columns == "step" and k > 0:
                    self.record_weights(metrics, k - 1)

        ks = np.arange(n_pass)
        return DiscreteRun(
            variant=self.variant,
            eta=self.eta,
            steps=self.steps,
            t=(self.eta * ks[1:]).astype(dt),
            metrics=metrics,
            params=self.params(),
            output_mean=output_mean,
            t_state=(self.eta * ks).astype(dt),
        )


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a ⊙ b of two flat arrays (BLAS dot in their dtype)."""
    return float(np.dot(a, b))


def _pairwise_dot(a: np.ndarray, b: np.ndarray, scratch: np.ndarray) -> float:
    """Σ a ⊙ b summed pairwise (error ~ log n ε instead of BLAS dot's accumulation)."""
    np.multiply(a, b, out=scratch)
    return float(scratch.sum())
