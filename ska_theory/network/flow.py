"""The SKA weight flow as an ODE right-hand side on one flat state vector (SKA-2 eqs. 2–4, 31).

For every layer l (D_0 = X, mean over the N samples as in the authors' code):

    Z_l = D_{l-1} W_l + b_l,   D_l = σ(Z_l),   G_l = ∇_z H_l = -(1/ln2) Z_l ⊙ D_l(1-D_l),
    dW_l/dt = -D_{l-1}ᵀ G_l / N,   db_l/dt = -mean_n G_l.

This is :func:`ska_theory.network.velocity.velocity` made fit for an adaptive solver, computing the
same numbers with fewer operations (tested against it):

- Layer 1's input is split as :mod:`ska_theory.network.inputs` says: columns zero for every sample
  take part in no product (their rows' derivative is exactly 0 and written as 0; the state keeps
  them, so a state is always a whole network), sparse columns enter a CSR product, and the dense
  ones with a column of ones, X_1 = [X_dense 1], enter GEMMs that give b_1 too.
- Every layer is stored as one block [W_l; b_l] (bias as the last row); layer 1's is
  [W_dense rows; b_1; W_sparse rows; W_unused rows].
- The forward product is taken with factor -1 (a BLAS argument), giving Y = -Z, the exponent of
  σ(z) = 1/(1 + e^Y): no separate negation; signs and 1/(N ln 2) are folded into the GEMM factors.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import blas

from ska_theory.network import checks
from ska_theory.network.inputs import split_inputs
from ska_theory.network.metrics import INV_LN2
from ska_theory.network.params import Layer, Params, check_layers, layer_sizes

LN2 = float(np.log(2.0))

# Per-layer observables on the grid (SKA-2 §2.3–2.4); each is one number per layer.
METRICS: tuple[str, ...] = (
    "shannon_entropy",
    "entropy_rate",
    "z_fro",
    "knowledge_flow",
    "cosine",
    "tensor_net_rate",
    "tensor_net",
)


class NonFiniteState(ArithmeticError):
    """The flow met a NaN or infinity; names the layer (0-based) and what was non-finite."""

    def __init__(self, layer: int, what: str, t: float | None = None):
        at = "" if t is None else f" at t={t:.6g}"
        super().__init__(f"non-finite {what} in layer {layer}{at}")
        self.layer, self.what, self.t = layer, what, t


@dataclass(frozen=True)
class _Slot:
    """Where one layer lives in the flat state: a (rows, fan_out) block starting at ``start``.

    ``rows`` = fan_in + 1 (the bias is the last row of [W; b]); for layer 1 the block is
    [W dense rows; b; W sparse rows; W unused rows] and ``k`` = number of dense rows (fan_in elsewhere).
    """

    start: int
    rows: int
    fan_out: int
    k: int

    @property
    def stop(self) -> int:
        return self.start + self.rows * self.fan_out


class _LayerBuffers:
    """One layer's (N, n_l) arrays in the flow's dtype."""

    def __init__(self, n: int, width: int, dtype: np.dtype) -> None:
        self.Y, self.D, self.S = (np.empty((n, width), dtype) for _ in range(3))  # -Z, σ(Z), Y D(1-D)
        self.OM = np.empty((n, width), dtype)  # 1 - D
        self.dZ, self.dD, self.tmp = (np.empty((n, width), dtype) for _ in range(3))  # dZ/dt, dD/dt


class Flow:
    """Right-hand side dy/dt of the SKA flow for fixed data ``X`` (callable as ``flow(t, y)``).

    ``dtype`` is the arithmetic of every product and buffer (float64 or float32). SciPy's solvers
    keep their own state in float64; with float32 the state is rounded to float32 on entry, so the
    flow itself is computed in float32 throughout.
    """

    def __init__(self, sizes: Sequence[int], X: np.ndarray, *, dtype: type = np.float64):
        self.dtype = np.dtype(checks.dtype(dtype))
        X = np.asarray(X)
        self.sizes = check_layers(sizes, X.shape[1])
        self.n_samples = n = int(X.shape[0])
        split = split_inputs(X, self.dtype)
        self.dense_inputs, self.sparse_inputs, self.unused_inputs = split.dense, split.sparse, split.unused
        self.used_inputs = split.used
        k, self._ks = len(self.dense_inputs), len(self.sparse_inputs)
        self.X1, self._Xs, self._XsT = split.X1, split.Xs, split.XsT  # [X_dense 1], sparse X and Xᵀ

        slots, at = [], 0
        for i, (fan_in, fan_out) in enumerate(itertools.pairwise(self.sizes)):
            slots.append(_Slot(at, fan_in + 1, fan_out, k if i == 0 else fan_in))
            at += (fan_in + 1) * fan_out
        self.slots: tuple[_Slot, ...] = tuple(slots)
        self.size = at
        # dW/dt = -(1/(N ln2)) inpᵀ (Y D(1-D)): one factor in the flow's dtype
        self._scale = float(self.dtype.type(-INV_LN2 / n))
        self._gemm = blas.sgemm if self.dtype == np.float32 else blas.dgemm
        self._ones = np.ones(n, self.dtype)
        self.buf = [_LayerBuffers(n, o, self.dtype) for o in self.sizes[1:]]
        self._y = np.empty(self.size, self.dtype)  # float32 copy of the solver's float64 state
        self._dy = np.empty(self.size, self.dtype)

    @property
    def n_layers(self) -> int:
        return len(self.slots)

    # -- state layout -------------------------------------------------------------------------

    def layer_counts(self) -> np.ndarray:
        """Number of state components each layer actually integrates (unused W_1 rows excluded)."""
        counts = [s.rows * s.fan_out for s in self.slots]
        counts[0] -= len(self.unused_inputs) * self.slots[0].fan_out
        return np.array(counts)

    def layer_of_component(self) -> np.ndarray:
        """Layer index (0-based) of every state component."""
        return np.repeat(np.arange(self.n_layers), [s.rows * s.fan_out for s in self.slots])

    def unused_components(self) -> slice:
        """The state components of W_1's unused rows (their derivative is exactly 0)."""
        s = self.slots[0]
        return slice(s.start + (s.k + 1 + self._ks) * s.fan_out, s.stop)

    def block(self, y: np.ndarray, i: int) -> np.ndarray:
        """Layer i's [W; b] as the GEMMs use it (layer 1: dense rows and b only), a view into ``y``."""
        s = self.slots[i]
        return y[s.start : s.stop].reshape(s.rows, s.fan_out)[: s.k + 1]

    def sparse_block(self, y: np.ndarray) -> np.ndarray:
        """Layer 1's rows of the sparse inputs, a view into ``y``."""
        s = self.slots[0]
        return y[s.start : s.stop].reshape(s.rows, s.fan_out)[s.k + 1 : s.k + 1 + self._ks]

    def pack(self, params: Params) -> np.ndarray:
        """Flat state (this flow's dtype) of ``params``."""
        if layer_sizes(params) != self.sizes:
            raise ValueError(f"params have layers {layer_sizes(params)}, the flow has {self.sizes}")
        y = np.empty(self.size, self.dtype)
        for i, (lay, s) in enumerate(zip(params, self.slots, strict=True)):
            rows = (
                [lay.W[self.dense_inputs], lay.b[None], lay.W[self.sparse_inputs], lay.W[self.unused_inputs]]
                if i == 0
                else [lay.W, lay.b[None]]
            )
            y[s.start : s.stop] = np.concatenate(rows).ravel()
        return y

    def unpack(self, y: np.ndarray) -> Params:
        """Params (fresh arrays in this flow's dtype, W_1 rows in input order) from a flat state."""
        out = []
        for i, s in enumerate(self.slots):
            M = np.asarray(y[s.start : s.stop], dtype=self.dtype).reshape(s.rows, s.fan_out)
            if i == 0:
                W = np.empty((s.rows - 1, s.fan_out), self.dtype)
                W[self.dense_inputs], W[self.sparse_inputs] = M[: s.k], M[s.k + 1 : s.k + 1 + self._ks]
                W[self.unused_inputs] = M[s.k + 1 + self._ks :]
            else:
                W = M[:-1].copy()
            out.append(Layer(W, M[s.k].copy()))
        return tuple(out)

    def _as_dtype(self, y: np.ndarray) -> np.ndarray:
        if y.dtype == self.dtype:
            return y
        np.copyto(self._y, y, casting="same_kind")
        return self._y

    # -- the flow -----------------------------------------------------------------------------

    def _forward(self, y: np.ndarray, layers: int) -> None:
        """Y = -Z, D = σ(Z), 1 - D of the first ``layers`` layers into the buffers."""
        inp = self.X1
        for i in range(layers):
            B, buf = self.block(y, i), self.buf[i]
            W = B if i == 0 else B[:-1]
            self._gemm(-1.0, W.T, inp.T, c=buf.Y.T, overwrite_c=1)  # Yᵀ = -Wᵀ inpᵀ, in place
            if i > 0:
                buf.Y -= B[-1]
            elif self._ks:
                buf.Y -= self._Xs @ self.sparse_block(y)
            np.exp(buf.Y, out=buf.D)  # inf above y ≈ 709 (float64): D = 0 exactly, as it should be
            buf.D += 1
            np.reciprocal(buf.D, out=buf.D)
            np.subtract(1, buf.D, out=buf.OM)
            inp = buf.D

    def _derivative(self, y: np.ndarray, out: np.ndarray, layers: int | None = None) -> None:
        """Forward pass and S into the buffers, and dy/dt into ``out`` (first ``layers`` layers)."""
        layers = self.n_layers if layers is None else layers
        with np.errstate(over="ignore", invalid="ignore"):  # NaN is caught below, with its layer
            self._forward(y, layers)
            for i in range(layers):
                buf, dB = self.buf[i], self.block(out, i)
                np.multiply(buf.OM, buf.D, out=buf.S)
                buf.S *= buf.Y  # S = Y D(1-D) = -Z D(1-D) = ∇_z H ln 2
                inp = self.X1 if i == 0 else self.buf[i - 1].D
                dW = dB if i == 0 else dB[:-1]  # layer 1's block includes its bias row
                self._gemm(self._scale, buf.S.T, inp.T, c=dW.T, overwrite_c=1, trans_b=1)
                if i > 0:
                    np.dot(self._ones, buf.S, out=dB[-1])
                    dB[-1] *= self._scale
                elif self._ks:
                    dWs = self.sparse_block(out)
                    dWs[...] = self._XsT @ buf.S
                    dWs *= self._scale
                if not np.isfinite(dB[-1]).all():  # a NaN or ±inf in Z leaves a NaN in S, hence in db
                    raise NonFiniteState(i, "knowledge Z")
        out[self.unused_components()] = 0

    def __call__(self, t: float, y: np.ndarray) -> np.ndarray:
        """dy/dt at state ``y`` (SciPy's ``fun(t, y)``); a fresh float64 array, as SciPy keeps it."""
        y = self._as_dtype(y)
        out = np.empty(self.size) if self.dtype == np.float64 else self._dy
        try:
            self._derivative(y, out)
        except NonFiniteState as e:
            raise NonFiniteState(e.layer, e.what, t) from None
        return out if out.dtype == np.float64 else out.astype(np.float64)

    def velocity(self, params: Params) -> Params:
        """(dW_l/dt, db_l/dt) at ``params`` in this flow's dtype, like ``velocity.velocity``."""
        self._derivative(self.pack(params), self._dy)
        return self.unpack(self._dy)

    # -- observables --------------------------------------------------------------------------

    def _knowledge_flow(self, y: np.ndarray, layers: int | None = None) -> None:
        """dZ_l/dt and dD_l/dt into the buffers, through the moving input of every layer.

        dZ_l/dt = dD_{l-1}/dt W_l + D_{l-1} dW_l/dt + db_l/dt (dD_0/dt = 0); dD/dt = D(1-D) ⊙ dZ/dt.
        """
        layers = self.n_layers if layers is None else layers
        self._derivative(y, self._dy, layers)
        inp, dinp = self.X1, None
        for i in range(layers):
            buf, B, dB = self.buf[i], self.block(y, i), self.block(self._dy, i)
            if i == 0:
                np.matmul(inp, dB, out=buf.dZ)
                if self._ks:
                    buf.dZ += self._Xs @ self.sparse_block(self._dy)
            else:
                assert dinp is not None
                np.matmul(inp, dB[:-1], out=buf.dZ)
                np.matmul(dinp, B[:-1], out=buf.tmp)
                buf.dZ += buf.tmp
                buf.dZ += dB[-1]
            np.multiply(buf.OM, buf.D, out=buf.dD)
            buf.dD *= buf.dZ
            inp, dinp = buf.D, buf.dD

    def _rate(self, i: int) -> float:
        """dH_l/dt in bits per unit time = Σ ∇_z H ⊙ dZ/dt, ∇_z H = S/ln2, from the buffers."""
        buf = self.buf[i]
        return _dot64(buf.S, buf.dZ) * INV_LN2

    def entropy_rate(self, y: np.ndarray, layers: int | None = None) -> np.ndarray:
        """dH_l/dt per layer (bits per unit time), of the first ``layers`` layers (default all)."""
        layers = self.n_layers if layers is None else layers
        self._knowledge_flow(self._as_dtype(y), layers)
        return np.array([self._rate(i) for i in range(layers)])

    def tensor_net_potential(self, y: np.ndarray, layers: int | None = None) -> np.ndarray:
        """Σ F(Z_l) per layer, F' = D - ∇_z H, so Net_l(t) = potential(t) - potential(0)."""
        layers = self.n_layers if layers is None else layers
        with np.errstate(over="ignore"):
            self._forward(self._as_dtype(y), layers)
        return np.array([self._potential_and_entropy(i)[0] for i in range(layers)])

    def _potential_and_entropy(self, i: int) -> tuple[float, float]:
        """(Σ F(Z), Σ H_b(D) in bits) of layer i from Y = -Z and D in the buffers, one log per element.

        softplus(z) = -(y + log D) and H_b(σ(z)) ln 2 = softplus(z) - z D = -(log D + y (1 - D));
        F = (1 - 1/ln2) softplus + z D / ln2 (SKA-2 eqs. 26–27). Each element is formed before
        summing (for z < 0 the terms cancel to within |z| ε); where D underflowed to 0 (z < -745)
        both are below 1e-300 and count as 0.
        """
        buf = self.buf[i]
        L, T = buf.dD, buf.tmp  # scratch: dD/dt is not needed here or is recomputed after
        with np.errstate(divide="ignore"):
            np.log(buf.D, out=L)
        np.add(buf.Y, L, out=T)  # -softplus(z)
        softplus = -_sum64(T, buf.D)
        np.multiply(buf.OM, buf.Y, out=T)
        T += L  # -H_b ln 2
        entropy = -_sum64(T, buf.D) * INV_LN2
        z_d = -_dot64(buf.Y, buf.D)
        return (1.0 - INV_LN2) * softplus + INV_LN2 * z_d, entropy

    def observe(self, y: np.ndarray) -> dict[str, np.ndarray]:
        """Every entry of :data:`METRICS` except ``tensor_net`` (needs the start), one value per layer,
        and ``tensor_net_potential``. Sums are accumulated in float64 whatever the flow's dtype."""
        y = self._as_dtype(y)
        self._knowledge_flow(y)
        rows: dict[str, list[float]] = {k: [] for k in METRICS if k != "tensor_net"}
        rows["tensor_net_potential"] = []
        for i, buf in enumerate(self.buf):
            rate = self._rate(i)
            y_norm, dz_norm = math.sqrt(_dot64(buf.Y, buf.Y)), math.sqrt(_dot64(buf.dZ, buf.dZ))
            dd_norm = math.sqrt(_dot64(buf.dD, buf.dD))
            y_dd = rate * LN2  # Σ Y ⊙ D(1-D) dZ/dt = Σ S ⊙ dZ/dt: no second product
            d_dz = _dot64(buf.D, buf.dZ)
            potential, entropy = self._potential_and_entropy(i)  # overwrites dD: last
            rows["shannon_entropy"].append(entropy)
            rows["entropy_rate"].append(rate)
            rows["z_fro"].append(y_norm)
            rows["knowledge_flow"].append(dz_norm)
            rows["cosine"].append(-y_dd / (y_norm * dd_norm) if y_norm and dd_norm else 0.0)
            # Σ (D - ∇_z H) ⊙ dZ/dt = Σ D ⊙ dZ/dt - dH/dt (SKA-2 eq. 8, continuous form eq. 27)
            rows["tensor_net_rate"].append(d_dz - rate)
            rows["tensor_net_potential"].append(potential)
        return {k: np.array(v) for k, v in rows.items()}


def _dot64(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a ⊙ b accumulated in float64."""
    return float(np.dot(a.ravel().astype(np.float64, copy=False), b.ravel().astype(np.float64, copy=False)))


def _sum64(a: np.ndarray, D: np.ndarray) -> float:
    """Σ a in float64; entries where D underflowed to 0 (a is ±inf or NaN there) count as 0."""
    total = float(a.sum(dtype=np.float64))
    if not math.isfinite(total):
        total = float(np.where(D == 0, 0.0, a).sum(dtype=np.float64))
    return total
