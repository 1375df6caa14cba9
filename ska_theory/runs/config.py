"""The configuration of one simulation run: everything its result depends on, validated and hashable.

A run config is a tagged union: :class:`DiscreteConfig` (``kind = "discrete"``) or :class:`FlowConfig`
(``kind = "continuous"``), both a :class:`RunConfig` sharing the model part (data, layers, initial
weights, dtype). ``RunConfig.from_mapping`` builds the member its ``kind`` names. Defaults come from
:mod:`ska_theory.network.defaults`. Input files enter through their content hash, so the same file under
another path is the same run and an edited file is a different one; the bundled data set too.

Bad values raise ArgumentError naming the field; a mapping's unknown field raises InputError.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from ska_theory.errors import ArgumentError, InputError
from ska_theory.network import checks, defaults
from ska_theory.network.data import BUNDLED
from ska_theory.network.discrete import VARIANTS
from ska_theory.network.integrate import check_flow_arguments
from ska_theory.network.params import check_layers, layer_sizes, load_params


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@cache
def bundled_sha256(name: str) -> str:
    """Content hash of a bundled data set's file."""
    with resources.as_file(resources.files("ska_theory") / "data" / BUNDLED[name]) as p:
        return file_sha256(Path(p))


def _input_file(name: str, value: Any, pinned: str | None) -> tuple[str, str]:
    """Absolute path and content hash of an input file; ``pinned`` (a hash) must match when given."""
    if not isinstance(value, str | Path) or not str(value):
        raise ArgumentError(name, value, "must be a file path")
    path = Path(value).expanduser().resolve()
    if path.suffix != ".npz":
        why = (
            f"not a bundled data set ({', '.join(BUNDLED)}) nor a .npz file"
            if name == "data"
            else "not a .npz file"
        )
        raise ArgumentError(name, str(value), why)
    if not path.is_file():
        raise ArgumentError(name, str(value), "file not found")
    digest = file_sha256(path)
    if pinned is not None and pinned != digest:
        raise ArgumentError(name, str(value), f"content sha256 {digest} differs from the pinned {pinned}")
    return str(path), digest


@dataclass(frozen=True, kw_only=True)
class RunConfig:
    """One run of the discrete algorithm or the continuous flow (SKA-2 §2.2 set-up): the model part.

    data: a bundled data set name or a ``.npz`` path (``X`` times ``input_scale`` is the input).
    Initial weights: ``seed`` and ``scale`` (``init_params``) or a ``weights`` ``.npz`` (``load_params``).
    ``layers`` starts with the input size; it defaults to the paper's network, or to the weights' shapes.
    ``dtype`` defaults by kind and variant (``defaults.DTYPE``: float32 for the authors' code).
    ``data_sha256``/``weights_sha256`` are filled in from the files (give them to pin the content).
    Build a member (:class:`DiscreteConfig`, :class:`FlowConfig`) or use :meth:`from_mapping`.
    """

    kind: ClassVar[str]
    data: str = defaults.DATA
    layers: tuple[int, ...] | None = None
    seed: int | None = None
    scale: float | None = None
    weights: str | None = None
    input_scale: float = defaults.INPUT_SCALE
    dtype: str | None = None
    data_sha256: str | None = None
    weights_sha256: str | None = None

    def __post_init__(self) -> None:
        if type(self) is RunConfig:
            raise TypeError("RunConfig is DiscreteConfig | FlowConfig: build one, or RunConfig.from_mapping")
        self._check_kind()
        self._check_model()

    def _put(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _check_kind(self) -> None:
        """Validate and fill in the kind's own fields (in the members)."""

    @property
    def default_dtype(self) -> str:
        return defaults.DTYPE[self.kind]

    def _check_model(self) -> None:
        self._put("dtype", checks.choice("dtype", self.dtype or self.default_dtype, checks.DTYPES))
        self._put("input_scale", checks.positive("input_scale", self.input_scale))
        if self.data in BUNDLED:
            if self.data_sha256 is not None:
                raise ArgumentError(
                    "data_sha256", self.data_sha256, f"only for a data file, not the bundled {self.data!r}"
                )
        else:
            self._put_file("data", _input_file("data", self.data, self.data_sha256))
        if self.weights is None:
            if self.weights_sha256 is not None:
                raise ArgumentError("weights_sha256", self.weights_sha256, "given without weights")
            self._put("seed", checks.integer("seed", defaults.SEED if self.seed is None else self.seed, 0))
            self._put(
                "scale", checks.positive("scale", defaults.INIT_SCALE if self.scale is None else self.scale)
            )
        else:
            self._check_weights()
        self._put("layers", check_layers(defaults.LAYERS if self.layers is None else self.layers))

    def _put_file(self, name: str, path_digest: tuple[str, str]) -> None:
        self._put(name, path_digest[0])
        self._put(f"{name}_sha256", path_digest[1])

    def _check_weights(self) -> None:
        for name in ("seed", "scale"):
            if getattr(self, name) is not None:
                raise ArgumentError(name, getattr(self, name), "give either seed/scale or weights")
        self._put_file("weights", _input_file("weights", self.weights, self.weights_sha256))
        shapes = layer_sizes(load_params(str(self.weights)))
        if self.layers is None:
            self._put("layers", shapes)
        elif tuple(self.layers) != shapes:
            written = ",".join(map(str, shapes))
            raise ArgumentError(
                "layers",
                self.layers,
                f"differs from {{weights}} (layers {written})",
                refs={"weights": self.weights},
            )

    # -- the union ----------------------------------------------------------------------------

    @staticmethod
    def from_mapping(values: Mapping[str, Any]) -> RunConfig:
        """The member ``values["kind"]`` names, built from plain values (a TOML table)."""
        if "kind" not in values:
            raise ArgumentError("kind", None, f"required ({' or '.join(KINDS)})", shown="")
        cls = KINDS[checks.choice("kind", values["kind"], KINDS)]
        fields = {f.name for f in dataclasses.fields(cls)}
        for name, value in values.items():
            if name == "kind" or name in fields:
                continue
            owner = next(
                (k for k, c in KINDS.items() if name in {f.name for f in dataclasses.fields(c)}), None
            )
            if owner is not None:
                raise ArgumentError(name, value, f"applies to kind {owner!r}, not {cls.kind!r}")
            close = difflib.get_close_matches(name, ["kind", *sorted(fields)], n=1)
            hint = (
                f" (did you mean {close[0]!r}?)" if close else f" (known: kind, {', '.join(sorted(fields))})"
            )
            raise InputError(f"unknown field {name!r}{hint}")
        for f in dataclasses.fields(cls):
            if f.default is dataclasses.MISSING and f.name not in values:
                raise ArgumentError(f.name, None, f"required for kind {cls.kind!r}", shown="")
        return cls(**{k: v for k, v in values.items() if k != "kind"})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values of every field and ``kind`` (the inverse of :meth:`from_mapping`)."""
        out = {"kind": self.kind, **dataclasses.asdict(self)}
        out["layers"] = list(self.layers or ())
        return out

    def identity(self) -> dict[str, Any]:
        """What the result depends on: :meth:`to_dict` with input files named by content, not path."""
        out = self.to_dict()
        if self.data_sha256 is not None:
            out["data"] = None
        else:  # bundled: the name and the content
            out["data_sha256"] = bundled_sha256(self.data)
        if self.weights_sha256 is not None:
            out["weights"] = None
        return out

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with ``changes`` (``kind`` too); values derived from a changed field are reset."""
        base = self.to_dict()
        if "data" in changes:
            base["data_sha256"] = None
        if "weights" in changes:
            base["weights_sha256"] = None
            if changes["weights"] is not None:  # the new file decides the shapes unless told otherwise
                base.update(seed=None, scale=None, layers=None)
        kind = changes.get("kind", self.kind)
        if kind != self.kind:
            theirs = {f.name for f in dataclasses.fields(KINDS.get(kind, RunConfig))}
            base = {k: v for k, v in base.items() if k == "kind" or k in theirs}
        if self.dtype == self.default_dtype:
            base["dtype"] = None  # a default dtype follows the variant and kind
        return RunConfig.from_mapping(base | changes)


@dataclass(frozen=True, kw_only=True)
class DiscreteConfig(RunConfig):
    """A run of the discrete algorithm: ``variant`` (paper, reference-code), step ``eta``, K = ``steps``."""

    kind: ClassVar[str] = "discrete"
    variant: str = defaults.VARIANT
    eta: float = defaults.ETA
    steps: int = defaults.STEPS

    @property
    def default_dtype(self) -> str:
        return defaults.DTYPE[self.variant]

    def _check_kind(self) -> None:
        self._put("variant", checks.choice("variant", self.variant, VARIANTS))
        self._put("eta", checks.positive("eta", self.eta))
        self._put("steps", checks.integer("steps", self.steps, 2))  # run_discrete's minimum


@dataclass(frozen=True, kw_only=True)
class FlowConfig(RunConfig):
    """A run of the continuous flow to ``T`` with a SciPy ``method``, ``rtol``/``atol`` per layer, metrics
    on ``grid`` uniform times, and the ``events`` located or not."""

    kind: ClassVar[str] = "continuous"
    T: float
    method: str = defaults.METHOD
    rtol: float = defaults.RTOL
    atol: float = defaults.ATOL
    grid: int = defaults.GRID
    events: bool = defaults.EVENTS

    def _check_kind(self) -> None:
        check_flow_arguments(self.T, self.method, self.rtol, self.atol, self.grid)
        for name in ("T", "rtol", "atol"):
            self._put(name, float(getattr(self, name)))
        self._put("grid", int(self.grid))
        if not isinstance(self.events, bool):
            raise ArgumentError("events", self.events, "must be true or false")


KINDS: dict[str, type[RunConfig]] = {"discrete": DiscreteConfig, "continuous": FlowConfig}
AnyRunConfig = DiscreteConfig | FlowConfig
