"""Network parameters: per-layer weights W_l (fan_in, fan_out) and biases b_l, and their initialisation."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ska_theory.errors import UsageError

DEFAULT_LAYERS: tuple[int, ...] = (784, 256, 128, 64, 10)  # SKA-2 §2.2.1


@dataclass(frozen=True)
class Layer:
    """One fully connected sigmoid layer: Z = D_prev W + b (SKA-2 §1.1)."""

    W: np.ndarray  # (fan_in, fan_out)
    b: np.ndarray  # (fan_out,)


Params = tuple[Layer, ...]


def layer_sizes(params: Params) -> tuple[int, ...]:
    return (params[0].W.shape[0], *(lay.W.shape[1] for lay in params))


def check_layers(sizes: Sequence[int], n_features: int) -> tuple[int, ...]:
    """Validate a layer list (input size first) against the data's feature count."""
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < 2:
        raise UsageError(f"--layers {','.join(map(str, sizes))}: need the input size and at least one layer")
    if any(s < 1 for s in sizes):
        raise UsageError(f"--layers {','.join(map(str, sizes))}: sizes must be positive")
    if sizes[0] != n_features:
        raise UsageError(
            f"--layers {','.join(map(str, sizes))}: input size {sizes[0]} does not fit the data "
            f"({n_features} features)"
        )
    return sizes


def init_params(sizes: Sequence[int], *, seed: int, scale: float = 0.01, dtype: type = np.float64) -> Params:
    """W_l ~ N(0, scale²) drawn with ``numpy.random.default_rng(seed)`` layer by layer; b_l = 0."""
    if not (scale > 0 and np.isfinite(scale)):
        raise UsageError(f"--init-scale {scale}: must be a positive number")
    rng = np.random.default_rng(seed)
    return tuple(
        Layer(
            (rng.standard_normal((fan_in, fan_out)) * scale).astype(dtype),
            np.zeros(fan_out, dtype=dtype),
        )
        for fan_in, fan_out in itertools.pairwise(sizes)
    )


def load_params(path: Path, *, dtype: type = np.float64) -> Params:
    """Read W0..W{L-1} (fan_in, fan_out) and optional b0.. from an ``.npz``; shapes must chain."""
    if not Path(path).is_file():
        raise UsageError(f"--init-weights {str(path)!r}: file not found")
    raw = np.load(path)
    n = 0
    while f"W{n}" in raw:
        n += 1
    if n == 0:
        raise UsageError(
            f"--init-weights {str(path)!r}: no arrays W0, W1, ... (keys: {', '.join(raw.files)})"
        )
    layers: list[Layer] = []
    for i in range(n):
        W: np.ndarray = np.asarray(raw[f"W{i}"], dtype=dtype)
        if W.ndim != 2:
            raise UsageError(f"--init-weights {str(path)!r}: W{i} must be 2-D, got shape {W.shape}")
        if layers and layers[-1].W.shape[1] != W.shape[0]:
            raise UsageError(
                f"--init-weights {str(path)!r}: W{i} shape {W.shape} does not chain with "
                f"W{i - 1} {layers[-1].W.shape}"
            )
        b: np.ndarray = (
            np.asarray(raw[f"b{i}"], dtype=dtype) if f"b{i}" in raw else np.zeros(W.shape[1], dtype)
        )
        if b.shape != (W.shape[1],):
            raise UsageError(f"--init-weights {str(path)!r}: b{i} shape {b.shape} != ({W.shape[1]},)")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise UsageError(f"--init-weights {str(path)!r}: layer {i} has non-finite values")
        layers.append(Layer(W, b))
    return tuple(layers)


def save_params(params: Params) -> dict[str, np.ndarray]:
    """The ``.npz`` keys for ``params`` (W0.., b0..), the inverse of :func:`load_params`."""
    out: dict[str, np.ndarray] = {}
    for i, lay in enumerate(params):
        out[f"W{i}"], out[f"b{i}"] = lay.W, lay.b
    return out
