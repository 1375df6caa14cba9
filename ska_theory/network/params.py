"""Network parameters: per-layer weights W_l (fan_in, fan_out) and biases b_l, and their initialisation."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ska_theory.errors import ArgumentError
from ska_theory.network import defaults
from ska_theory.network.checks import positive


@dataclass(frozen=True)
class Layer:
    """One fully connected sigmoid layer: Z = D_prev W + b (SKA-2 §1.1)."""

    W: np.ndarray  # (fan_in, fan_out)
    b: np.ndarray  # (fan_out,)


Params = tuple[Layer, ...]


def layer_sizes(params: Params) -> tuple[int, ...]:
    return (params[0].W.shape[0], *(lay.W.shape[1] for lay in params))


def check_layers(layers: Sequence[int], n_features: int | None = None) -> tuple[int, ...]:
    """Validate a layer list (input size first), and against the data's feature count when given."""
    if isinstance(layers, str | bytes) or not hasattr(layers, "__iter__"):
        raise ArgumentError("layers", layers, "must be a list of layer sizes, input size first")
    given = tuple(layers)
    if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in given):
        raise ArgumentError("layers", given, "sizes must be integers")
    sizes = tuple(int(s) for s in given)
    if len(sizes) < 2:
        raise ArgumentError("layers", sizes, "need the input size and at least one layer")
    if any(s < 1 for s in sizes):
        raise ArgumentError("layers", sizes, "sizes must be positive")
    if n_features is not None and sizes[0] != n_features:
        raise ArgumentError(
            "layers",
            sizes,
            f"input size {sizes[0]} does not fit the data ({n_features} features)",
        )
    return sizes


def init_params(
    layers: Sequence[int],
    *,
    seed: int = defaults.SEED,
    scale: float = defaults.INIT_SCALE,
    dtype: type = np.float64,
) -> Params:
    """W_l ~ N(0, scale²) drawn with ``numpy.random.default_rng(seed)`` layer by layer; b_l = 0."""
    scale = positive("scale", scale)
    rng = np.random.default_rng(seed)
    return tuple(
        Layer(
            (rng.standard_normal((fan_in, fan_out)) * scale).astype(dtype),
            np.zeros(fan_out, dtype=dtype),
        )
        for fan_in, fan_out in itertools.pairwise(layers)
    )


def load_params(weights: Path | str, *, dtype: type = np.float64) -> Params:
    """Read W0..W{L-1} (fan_in, fan_out) and optional b0.. from an ``.npz``; shapes must chain.

    A bad file is an ArgumentError naming ``weights``.
    """
    path = Path(weights)

    def bad(reason: str) -> ArgumentError:
        return ArgumentError("weights", str(weights), reason)

    if not path.is_file():
        raise bad("file not found")
    raw = np.load(path)
    n = 0
    while f"W{n}" in raw:
        n += 1
    if n == 0:
        raise bad(f"no arrays W0, W1, ... (keys: {', '.join(raw.files)})")
    layers: list[Layer] = []
    for i in range(n):
        W: np.ndarray = np.asarray(raw[f"W{i}"], dtype=dtype)
        if W.ndim != 2:
            raise bad(f"W{i} must be 2-D, got shape {W.shape}")
        if layers and layers[-1].W.shape[1] != W.shape[0]:
            raise bad(f"W{i} shape {W.shape} does not chain with W{i - 1} {layers[-1].W.shape}")
        b: np.ndarray = (
            np.asarray(raw[f"b{i}"], dtype=dtype) if f"b{i}" in raw else np.zeros(W.shape[1], dtype)
        )
        if b.shape != (W.shape[1],):
            raise bad(f"b{i} shape {b.shape} != ({W.shape[1]},)")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise bad(f"layer {i} has non-finite values")
        layers.append(Layer(W, b))
    return tuple(layers)


def save_params(params: Params) -> dict[str, np.ndarray]:
    """The ``.npz`` keys for ``params`` (W0.., b0..), the inverse of :func:`load_params`."""
    out: dict[str, np.ndarray] = {}
    for i, lay in enumerate(params):
        out[f"W{i}"], out[f"b{i}"] = lay.W, lay.b
    return out
