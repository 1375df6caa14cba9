"""Input data for the network: the bundled MNIST subset or a user ``.npz`` (SKA-2 §2.1.2 setup)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ska_theory.errors import ArgumentError
from ska_theory.network import defaults
from ska_theory.network.checks import finite

# Bundled data sets: name -> file in ska_theory/data (see ATTRIBUTION.md there).
BUNDLED: dict[str, str] = {"mnist-subset": "mnist_subset_100_per_class.npz"}


@dataclass(frozen=True)
class Dataset:
    """X: (N, d) float64 inputs; labels: (N,) ints or None; name: where it came from."""

    X: np.ndarray
    labels: np.ndarray | None
    name: str

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])


def load_dataset(data: str = defaults.DATA) -> Dataset:
    """A bundled name (pixels/255, flattened, no other normalisation) or a ``.npz`` with ``X``.

    A ``.npz`` must hold ``X`` of shape (N, d) and may hold ``labels`` of shape (N,). A bad file is an
    ArgumentError naming ``data``.
    """
    spec = str(data)
    if spec in BUNDLED:
        with resources.as_file(resources.files("ska_theory") / "data" / BUNDLED[spec]) as p:
            raw = np.load(p)
            X = raw["images"].reshape(len(raw["images"]), -1).astype(np.float64) / 255.0
            labels = raw["labels"].astype(np.int64)
        return Dataset(X, labels, spec)
    path = Path(spec)
    if path.suffix != ".npz":
        raise ArgumentError("data", spec, f"not a bundled data set ({', '.join(BUNDLED)}) nor a .npz file")
    if not path.is_file():
        raise ArgumentError("data", spec, "file not found")
    try:
        raw = np.load(path)
    except (OSError, ValueError) as e:
        raise ArgumentError("data", spec, f"cannot read ({e})") from e
    if "X" not in raw:
        raise ArgumentError("data", spec, f"no array 'X' (keys: {', '.join(raw.files)})")
    X = np.asarray(raw["X"], dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ArgumentError("data", spec, f"X must have shape (N, d), got {X.shape}")
    try:
        finite("X", X)
    except ArgumentError as e:
        raise ArgumentError("data", spec, f"X has a {e.reason}") from None
    labels = None
    if "labels" in raw:
        labels = np.asarray(raw["labels"]).astype(np.int64)
        if labels.shape != (X.shape[0],):
            raise ArgumentError("data", spec, f"labels shape {labels.shape} does not match X {X.shape}")
    return Dataset(X, labels, str(path))
