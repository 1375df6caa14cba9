"""The configuration of one simulation run: everything its result depends on, validated and hashable.

A run is a pure function of its :class:`RunConfig`. Input files (a data ``.npz``, initial weights) enter
through their content hash, so the same file under another path is the same run and an edited file is a
different one.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ska_theory.errors import UsageError
from ska_theory.network.data import BUNDLED, DEFAULT_DATA
from ska_theory.network.discrete import DEFAULT_DTYPE as DISCRETE_DEFAULT_DTYPE
from ska_theory.network.integrate import EXPLICIT
from ska_theory.network.params import DEFAULT_LAYERS, layer_sizes, load_params

KINDS: tuple[str, ...] = ("discrete", "continuous")
VARIANTS: tuple[str, ...] = ("paper", "reference-code")
METHODS: tuple[str, ...] = tuple(EXPLICIT)  # the SciPy solvers integrate_flow drives
DTYPES: tuple[str, ...] = ("float64", "float32")

# Fields that only one kind of run reads; for the other kind they must stay unset (None).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "discrete": ("variant", "eta", "steps"),
    "continuous": ("T", "method", "rtol", "atol", "grid"),
}
# Filled in when the kind reads the field and the config leaves it unset; eta, steps and T have none.
KIND_DEFAULTS: dict[str, Any] = {
    "variant": "paper",
    "method": "DOP853",
    "rtol": 1e-8,
    "atol": 1e-10,
    "grid": 501,
}
# The discrete engine's per-variant default (float32 for the authors' code), float64 for the flow.
DEFAULT_DTYPE: dict[str, str] = {
    **{variant: np.dtype(dt).name for variant, dt in DISCRETE_DEFAULT_DTYPE.items()},
    "continuous": "float64",
}
DEFAULT_SEED = 0
DEFAULT_SCALE = 0.01  # as init_params


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"{name}={value!r}: must be a number")
    if not (math.isfinite(value) and value > 0):
        raise UsageError(f"{name}={value!r}: must be a positive finite number")
    return float(value)


def _integer(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{name}={value!r}: must be an integer")
    if value < minimum:
        raise UsageError(f"{name}={value!r}: must be at least {minimum}")
    return int(value)


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise UsageError(f"{name}={value!r}: must be one of {', '.join(choices)}")
    return str(value)


def _input_file(name: str, value: Any, pinned: str | None) -> tuple[str, str]:
    """Absolute path and content hash of an input file; ``pinned`` (a hash) must match when given."""
    if not isinstance(value, str | Path) or not str(value):
        raise UsageError(f"{name}={value!r}: must be a file path")
    path = Path(value).expanduser().resolve()
    if path.suffix != ".npz":
        raise UsageError(f"{name}={str(value)!r}: not a .npz file")
    if not path.is_file():
        raise UsageError(f"{name}={str(value)!r}: file not found")
    digest = file_sha256(path)
    if pinned is not None and pinned != digest:
        raise UsageError(f"{name}={str(value)!r}: content sha256 {digest} differs from the pinned {pinned}")
    return str(path), digest


@dataclass(frozen=True)
class RunConfig:
    """One run of the discrete algorithm or the continuous flow (SKA-2 §2.2 set-up).

    data: a bundled data set name or a ``.npz`` path (``X`` times ``input_scale`` is the input).
    Initial weights: ``seed`` and ``scale`` (``init_params``) or a ``weights`` ``.npz`` (``load_params``).
    ``layers`` starts with the input size; it defaults to the paper's network, or to the weights' shapes.
    ``dtype`` defaults to float32 for the ``reference-code`` variant (the authors' precision), else float64.
    Discrete runs read ``variant, eta, steps``; continuous runs ``T, method, rtol, atol, grid``.
    ``data_sha256``/``weights_sha256`` are filled in from the files (give them to pin the content).
    """

    kind: str
    data: str = DEFAULT_DATA
    layers: tuple[int, ...] | None = None
    seed: int | None = None
    scale: float | None = None
    weights: str | None = None
    input_scale: float = 1.0
    dtype: str | None = None
    variant: str | None = None
    eta: float | None = None
    steps: int | None = None
    T: float | None = None
    method: str | None = None
    rtol: float | None = None
    atol: float | None = None
    grid: int | None = None
    data_sha256: str | None = None
    weights_sha256: str | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        kind = _choice("kind", self.kind, KINDS)
        for other, fields in KIND_FIELDS.items():
            for name in fields:
                value = getattr(self, name)
                if other != kind and value is not None:
                    raise UsageError(f"{name}={value!r}: applies to kind {other!r}, not {kind!r}")
                if other == kind and value is None:
                    if name not in KIND_DEFAULTS:
                        raise UsageError(f"{name}: required for kind {kind!r}")
                    put(name, KIND_DEFAULTS[name])
        if kind == "discrete":
            put("variant", _choice("variant", self.variant, VARIANTS))
            put("eta", _positive("eta", self.eta))
            put("steps", _integer("steps", self.steps, 2))  # run_discrete's minimum
        else:
            put("T", _positive("T", self.T))
            put("method", _choice("method", self.method, METHODS))
            put("rtol", _positive("rtol", self.rtol))
            put("atol", _positive("atol", self.atol))
            put("grid", _integer("grid", self.grid, 2))
        if self.dtype is None:
            put("dtype", DEFAULT_DTYPE[str(self.variant) if kind == "discrete" else kind])
        put("dtype", _choice("dtype", self.dtype, DTYPES))
        put("input_scale", _positive("input_scale", self.input_scale))

        if self.data in BUNDLED:
            if self.data_sha256 is not None:
                raise UsageError(f"data_sha256: only for a data file, not the bundled {self.data!r}")
        else:
            path, digest = _input_file("data", self.data, self.data_sha256)
            put("data", path)
            put("data_sha256", digest)

        if self.weights is None:
            if self.weights_sha256 is not None:
                raise UsageError("weights_sha256: given without weights")
            put("seed", _integer("seed", DEFAULT_SEED if self.seed is None else self.seed, 0))
            put("scale", _positive("scale", DEFAULT_SCALE if self.scale is None else self.scale))
        else:
            for name in ("seed", "scale"):
                if getattr(self, name) is not None:
                    raise UsageError(f"{name}={getattr(self, name)!r}: give either seed/scale or weights")
            path, digest = _input_file("weights", self.weights, self.weights_sha256)
            put("weights", path)
            put("weights_sha256", digest)
            if self.layers is None:
                put("layers", layer_sizes(load_params(Path(path))))

        layers = DEFAULT_LAYERS if self.layers is None else self.layers
        if isinstance(layers, str | bytes) or not hasattr(layers, "__iter__"):
            raise UsageError(f"layers={layers!r}: must be a list of layer sizes, input size first")
        put("layers", tuple(_integer("layers", s, 1) for s in layers))
        if len(self.layers or ()) < 2:
            raise UsageError(f"layers={list(layers)!r}: need the input size and at least one layer")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RunConfig:
        """Build from plain values (a TOML table); an unknown field is a UsageError naming it."""
        known = [f.name for f in dataclasses.fields(cls)]
        for name in values:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
                raise UsageError(f"unknown field {name!r}{hint}")
        if "kind" not in values:
            raise UsageError(f"kind: required ({' or '.join(KINDS)})")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values of every field (the inverse of :meth:`from_mapping`)."""
        out = dataclasses.asdict(self)
        out["layers"] = list(self.layers or ())
        return out

    def identity(self) -> dict[str, Any]:
        """What the result depends on: :meth:`to_dict` with input files named by content, not path."""
        out = self.to_dict()
        if self.data_sha256 is not None:
            out["data"] = None
        if self.weights_sha256 is not None:
            out["weights"] = None
        return out

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with ``changes``; values derived from a field that changes (hashes, defaults) are reset."""
        base = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if "data" in changes:
            base["data_sha256"] = None
        if "weights" in changes:
            base["weights_sha256"] = None
            if changes["weights"] is not None:  # the new file decides the shapes unless told otherwise
                base.update(seed=None, scale=None, layers=None)
        if changes.get("kind", self.kind) != self.kind:
            for name in KIND_FIELDS[self.kind]:
                base[name] = None
        if self.dtype == DEFAULT_DTYPE[self.variant or self.kind]:
            base["dtype"] = None  # a default dtype follows the variant and kind
        base.update(changes)
        return type(self)(**base)
