"""The SKA weight flow as an ODE right-hand side on one flat state vector (SKA-2 eqs. 2–4, 31).

For every layer l (D_0 = X, mean over the N samples as in the authors' code):

    Z_l = D_{l-1} W_l + b_l,   D_l = σ(Z_l),   G_l = ∇_z H_l = -(1/ln2) Z_l ⊙ D_l(1-D_l),
    dW_l/dt = -D_{l-1}ᵀ G_l / N,   db_l/dt = -mean_n G_l.

This is :func:`ska_theory.network.velocity.velocity` made fit for an adaptive solver: preallocated
buffers, ``out=`` products, constants folded into one scale, and the structure of the data used
exactly. An input column that is zero for every sample adds nothing to Z_1 and its row of dW_1/dt is
``Xᵀ G`` restricted to that column, i.e. exactly 0; such rows are left out of both layer-1 products
and their derivative is written as 0. The state keeps them (so a state is always a whole network) but
stores W_1's rows in the order (used columns, unused columns) so the used block is one contiguous
view and no gather is needed per call.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ska_theory.network.metrics import cosine, shannon_entropy_bits, tensor_net_potential
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
    """Where one layer lives in the flat state: W (fan_in, fan_out) then b (fan_out,)."""

    W: slice
    b: slice
    shape: tuple[int, int]


class Flow:
    """Right-hand side dy/dt of the SKA flow for fixed data ``X`` (callable as ``flow(t, y)``).

    ``dtype`` is the arithmetic of every product and buffer (float64 or float32). SciPy's solvers
    keep their own state in float64; with float32 the state is rounded to float32 on entry, so the
    flow itself is computed in float32 throughout.
    """

    def __init__(self, sizes: Sequence[int], X: np.ndarray, *, dtype: type = np.float64):
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype {self.dtype}: only float64 and float32")
        X = np.asarray(X)
        self.sizes = check_layers(sizes, X.shape[1])
        self.n_samples = int(X.shape[0])
        used = np.any(X != 0, axis=0)
        self.used_inputs = np.flatnonzero(used)
        self.unused_inputs = np.flatnonzero(~used)
        self._row_order = np.concatenate([self.used_inputs, self.unused_inputs])
        self._k = len(self.used_inputs)
        self.X_used = np.ascontiguousarray(X[:, self.used_inputs], dtype=self.dtype)
        self._X_used_T = np.ascontiguousarray(self.X_used.T)  # dW_1 = Xᵀ S: no transposed BLAS operand

        slots, at = [], 0
        for fan_in, fan_out in itertools.pairwise(self.sizes):
            w_end = at + fan_in * fan_out
            slots.append(_Slot(slice(at, w_end), slice(w_end, w_end + fan_out), (fan_in, fan_out)))
            at = w_end + fan_out
        self.slots: tuple[_Slot, ...] = tuple(slots)
        self.size = at
        # dW = Dᵀ (Z ⊙ D(1-D)) / (N ln2): the two minus signs cancel; one scale in the flow's dtype
        # (a float64 scalar would promote float32 arrays under NumPy 2).
        self._scale = self.dtype.type(1.0 / (self.n_samples * LN2))

        n, dt = self.n_samples, self.dtype
        self._Z = [np.empty((n, o), dt) for o in self.sizes[1:]]
        self._D = [np.empty((n, o), dt) for o in self.sizes[1:]]
        self._S = [np.empty((n, o), dt) for o in self.sizes[1:]]  # Z ⊙ D(1-D) / (N ln2) = -G / N
        self._dZ = [np.empty((n, o), dt) for o in self.sizes[1:]]
        self._dD = [np.empty((n, o), dt) for o in self.sizes[1:]]
        self._tmp = [np.empty((n, o), dt) for o in self.sizes[1:]]
        self._y = np.empty(self.size, dt)  # float32 copy of the solver's float64 state
        self._dy = np.empty(self.size, dt)

    @property
    def n_layers(self) -> int:
        return len(self.slots)

    # -- state layout -------------------------------------------------------------------------

    def layer_counts(self) -> np.ndarray:
        """Number of state components each layer actually integrates (unused W_1 rows excluded)."""
        counts = [s.shape[0] * s.shape[1] + s.shape[1] for s in self.slots]
        counts[0] -= len(self.unused_inputs) * self.slots[0].shape[1]
        return np.array(counts)

    def layer_of_component(self) -> np.ndarray:
        """Layer index (0-based) of every state component."""
        return np.repeat(np.arange(self.n_layers), [s.b.stop - s.W.start for s in self.slots])

    def pack(self, params: Params) -> np.ndarray:
        """Flat state (this flow's dtype) of ``params``; W_1's rows in (used, unused) order."""
        if layer_sizes(params) != self.sizes:
            raise ValueError(f"params have layers {layer_sizes(params)}, the flow has {self.sizes}")
        y = np.empty(self.size, self.dtype)
        for i, (lay, s) in enumerate(zip(params, self.slots, strict=True)):
            W = lay.W[self._row_order] if i == 0 else lay.W
            y[s.W] = W.ravel()
            y[s.b] = lay.b
        return y

    def unpack(self, y: np.ndarray) -> Params:
        """Params (fresh arrays in this flow's dtype, W_1 rows in input order) from a flat state."""
        out = []
        for i, s in enumerate(self.slots):
            Wp = np.asarray(y[s.W], dtype=self.dtype).reshape(s.shape)
            W = np.empty_like(Wp)
            if i == 0:
                W[self._row_order] = Wp
            else:
                W[...] = Wp
            out.append(Layer(W, np.array(y[s.b], dtype=self.dtype)))
        return tuple(out)

    def _views(self, y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) views into a flat state; layer 1's W is only its used rows."""
        views = []
        for i, s in enumerate(self.slots):
            W = y[s.W].reshape(s.shape)
            views.append((W[: self._k] if i == 0 else W, y[s.b]))
        return views

    def _as_dtype(self, y: np.ndarray) -> np.ndarray:
        if y.dtype == self.dtype:
            return y
        np.copyto(self._y, y, casting="same_kind")
        return self._y

    # -- the flow -----------------------------------------------------------------------------

    def _derivative(self, y: np.ndarray, out: np.ndarray) -> None:
        """Forward pass into the buffers and dy/dt into ``out`` (both this flow's dtype)."""
        dviews = self._views(out)
        with np.errstate(invalid="ignore"):  # NaN is caught below and reported with its layer
            self._layers_derivative(y, dviews)
        out[self.slots[0].W.start + self._k * self.slots[0].shape[1] : self.slots[0].W.stop] = 0

    def _layers_derivative(self, y: np.ndarray, dviews: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Layer by layer: Z = inp W + b, D = σ(Z), S = Z D(1-D)/(N ln2), dW = inpᵀ S, db = Σ_n S."""
        inp = self.X_used
        for i, ((W, b), (dW, db)) in enumerate(zip(self._views(y), dviews, strict=True)):
            Z, D, S = self._Z[i], self._D[i], self._S[i]
            np.matmul(inp, W, out=Z)
            Z += b
            _sigmoid(Z, out=D)
            np.subtract(1, D, out=S)
            S *= D
            S *= Z
            S *= self._scale
            np.matmul(self._X_used_T if i == 0 else inp.T, S, out=dW)
            S.sum(axis=0, out=db)
            if not np.isfinite(db).all():  # a NaN or ±inf in Z leaves a NaN in S, hence in db
                raise NonFiniteState(i, "knowledge Z")
            inp = D

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

    def _knowledge_flow(self, y: np.ndarray) -> None:
        """dZ_l/dt and dD_l/dt into the buffers, through the moving input of every layer.

        dZ_l/dt = dD_{l-1}/dt W_l + D_{l-1} dW_l/dt + db_l/dt (dD_0/dt = 0); dD/dt = D(1-D) ⊙ dZ/dt.
        """
        self._derivative(y, self._dy)
        inp, dinp = self.X_used, None
        for i, ((W, _), (dW, db)) in enumerate(zip(self._views(y), self._views(self._dy), strict=True)):
            dZ, dD, tmp = self._dZ[i], self._dD[i], self._tmp[i]
            np.matmul(inp, dW, out=dZ)
            if dinp is not None:
                np.matmul(dinp, W, out=tmp)
                dZ += tmp
            dZ += db
            D = self._D[i]
            np.subtract(1, D, out=dD)
            dD *= D
            dD *= dZ
            inp, dinp = D, dD

    def entropy_rate(self, y: np.ndarray) -> np.ndarray:
        """dH_l/dt in bits per unit time = Σ ∇_z H ⊙ dZ/dt = -(1/ln2) Σ Z ⊙ dD/dt, per layer."""
        self._knowledge_flow(self._as_dtype(y))
        n = self.n_samples
        return np.array([-n * _dot64(S, dZ) for S, dZ in zip(self._S, self._dZ, strict=True)])

    def tensor_net_potential(self, y: np.ndarray) -> np.ndarray:
        """Σ F(Z_l) per layer, F' = D - ∇_z H, so Net_l(t) = potential(t) - potential(0)."""
        inp = self.X_used
        out = np.empty(self.n_layers)
        for i, (W, b) in enumerate(self._views(self._as_dtype(y))):
            Z = self._Z[i]
            np.matmul(inp, W, out=Z)
            Z += b
            inp = _sigmoid(Z, out=self._D[i])
            out[i] = tensor_net_potential(Z, inp)
        return out

    def observe(self, y: np.ndarray) -> dict[str, np.ndarray]:
        """Every entry of :data:`METRICS` except ``tensor_net`` (needs the start), one value per layer.

        Sums are accumulated in float64 whatever the flow's dtype.
        """
        self._knowledge_flow(self._as_dtype(y))
        n = self.n_samples
        rows: dict[str, list[float]] = {k: [] for k in METRICS if k != "tensor_net"}
        rows["tensor_net_potential"] = []
        for Z, D, S, dZ, dD in zip(self._Z, self._D, self._S, self._dZ, self._dD, strict=True):
            rate = -n * _dot64(S, dZ)
            rows["shannon_entropy"].append(shannon_entropy_bits(D))
            rows["entropy_rate"].append(rate)
            rows["z_fro"].append(float(np.linalg.norm(Z.astype(np.float64, copy=False))))
            rows["knowledge_flow"].append(float(np.linalg.norm(dZ.astype(np.float64, copy=False))))
            rows["cosine"].append(cosine(Z.astype(np.float64, copy=False), dD.astype(np.float64, copy=False)))
            # Σ (D - ∇_z H) ⊙ dZ/dt = Σ D ⊙ dZ/dt - dH/dt (SKA-2 eq. 8, continuous form eq. 27)
            rows["tensor_net_rate"].append(_dot64(D, dZ) - rate)
            rows["tensor_net_potential"].append(tensor_net_potential(Z, D))
        return {k: np.array(v) for k, v in rows.items()}


def _dot64(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a ⊙ b accumulated in float64."""
    return float(np.dot(a.ravel().astype(np.float64, copy=False), b.ravel().astype(np.float64, copy=False)))


def _sigmoid(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ(Z) = 1/(1 + e^{-Z}) into ``out``; ~4x faster than ``scipy.special.expit`` here.

    e^{-Z} overflows to inf for Z < -709 (float64) or -88 (float32), giving σ = 0 exactly: correct.
    """
    np.negative(Z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)
