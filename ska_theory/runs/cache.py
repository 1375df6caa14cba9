"""On-disk cache of run results, keyed by what a result is computed from, never by a git commit.

The key is the sha256 of the config's identity (its fields, input files by content), the digest of the
sources a run executes (``ska_theory.network`` and ``ska_theory.runs``, by
:func:`ska_theory.provenance.package_digest`), the NumPy and SciPy versions and the entry format. A
commit that touches no numeric source (a README, a claim, a report) keeps every key; an edit of the
numeric core, committed or not, changes them all.

An entry is ``runs/<kk>/<key>.npz`` (the arrays; no pickle) and ``<key>.json`` beside it (the config,
the environment and the npz's sha256). The sidecar is written last, so it marks a complete entry; both
files are written to a temporary name and renamed. A corrupt entry is removed and recomputed.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import time
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy

from ska_theory import provenance
from ska_theory.errors import ArgumentError
from ska_theory.io import atomic_write_bytes, atomic_write_text, dump_json
from ska_theory.runs.config import RunConfig
from ska_theory.runs.execute import C, RunResult, run

log = logging.getLogger(__name__)

ENV_VAR = "SKA_THEORY_CACHE"
FORMAT = 2  # bump when the entry layout changes
# The packages whose sources a run executes: the numeric core and the run layer.
SOURCES: tuple[str, ...] = ("ska_theory.network", "ska_theory.runs")
# Entry files and the temporaries of atomic_write: nothing else under runs/ is touched.
_OURS = re.compile(r"[0-9a-f]{64}\.(npz|json)|\.[0-9a-f]{64}\.(npz|json)\..*\.tmp")


def default_cache_dir() -> Path:
    """``$SKA_THEORY_CACHE``, else ``~/.cache/ska-theory``."""
    return Path(os.environ.get(ENV_VAR) or Path.home() / ".cache" / "ska-theory").expanduser()


@cache
def environment() -> dict[str, Any]:
    """What a result depends on besides its config: the numeric sources and libraries, the format."""
    return {
        "format": FORMAT,
        "sources": provenance.package_digest(SOURCES),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def cache_key(config: RunConfig) -> str:
    """sha256 of the canonical JSON of the config's identity and the :func:`environment`."""
    payload = dump_json({"config": config.identity(), "environment": environment()})
    return hashlib.sha256(payload.encode()).hexdigest()


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` (readable by ``np.load``) with fixed timestamps, so equal arrays give equal bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            with zf.open(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), "w") as f:
                np.lib.format.write_array(f, np.asarray(arrays[name]), allow_pickle=False)
    return buf.getvalue()


class CorruptEntry(Exception):
    """A cache entry that cannot be trusted; it is removed and the run recomputed."""


@dataclass(frozen=True)
class CacheInfo:
    root: Path
    entries: int
    bytes: int
    stray: int  # files that belong to no complete entry (interrupted writes)


@dataclass(frozen=True)
class Cache:
    """Run results under ``root`` (see the module docstring for the layout)."""

    root: Path

    @classmethod
    def default(cls) -> Cache:
        return cls(default_cache_dir())

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    def paths(self, key: str) -> tuple[Path, Path]:
        base = self.runs / key[:2] / key
        return base.with_suffix(".npz"), base.with_suffix(".json")

    def load(self, config: C) -> RunResult[C] | None:
        """The cached result of ``config``, or None (absent, or corrupt: then the entry is removed)."""
        key = cache_key(config)
        npz, sidecar = self.paths(key)
        if not sidecar.exists():
            npz.unlink(missing_ok=True)  # left by an interrupted write
            return None
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
            blob = npz.read_bytes()
            if hashlib.sha256(blob).hexdigest() != meta["sha256"]:
                raise CorruptEntry("checksum mismatch")
            if meta["key"] != key or meta["identity"] != config.identity():
                raise CorruptEntry("sidecar describes another run")
            with np.load(io.BytesIO(blob), allow_pickle=False) as z:
                arrays = {name: z[name] for name in z.files}
            return RunResult.from_arrays(config, arrays)
        except (CorruptEntry, OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:
            log.warning("cache entry %s is corrupt (%s): removed, recomputing", npz, e)
            sidecar.unlink(missing_ok=True)
            npz.unlink(missing_ok=True)
            return None

    def store(self, result: RunResult[Any], *, seconds: float | None = None) -> Path:
        """Write the entry of ``result`` (npz, then sidecar); on any error neither file is left."""
        key = cache_key(result.config)
        npz, sidecar = self.paths(key)
        self.ensure()
        npz.parent.mkdir(exist_ok=True)
        blob = _npz_bytes(result.arrays())
        meta = {
            "key": key,
            "config": result.config.to_dict(),
            "identity": result.config.identity(),
            "environment": environment(),
            "sha256": hashlib.sha256(blob).hexdigest(),
            "seconds": seconds,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        try:
            atomic_write_bytes(npz, blob)
            atomic_write_text(sidecar, dump_json(meta))
        except BaseException:
            npz.unlink(missing_ok=True)
            raise
        return npz

    def ensure(self) -> None:
        """Create the cache directory; an ArgumentError naming ``cache_dir`` when that is impossible."""
        try:
            self.runs.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ArgumentError(
                "cache_dir", str(self.root), f"cannot create the cache directory ({e.strerror})"
            ) from e
        if not os.access(self.runs, os.W_OK):
            raise ArgumentError("cache_dir", str(self.root), "the cache directory is not writable")

    def _files(self) -> list[Path]:
        if not self.runs.is_dir():
            return []
        return [
            p
            for d in self.runs.iterdir()
            if d.is_dir()
            for p in d.iterdir()
            if p.is_file() and _OURS.fullmatch(p.name)
        ]

    def info(self) -> CacheInfo:
        files = self._files()
        sidecars = {p.stem for p in files if p.suffix == ".json" and not p.name.startswith(".")}
        complete = [p for p in files if not p.name.startswith(".") and p.stem in sidecars]
        return CacheInfo(
            self.root, len(sidecars), sum(p.stat().st_size for p in files), len(files) - len(complete)
        )

    def clear(self) -> int:
        """Remove every entry (and interrupted writes); returns the number of entries removed."""
        entries = self.info().entries
        for p in self._files():
            p.unlink(missing_ok=True)
        if self.runs.is_dir():
            for d in self.runs.iterdir():
                if d.is_dir() and not any(d.iterdir()):
                    d.rmdir()
        return entries


def cached_run(
    config: C, cache: Cache | None = None, use_cache: bool = True, *, progress: bool = False
) -> RunResult[C]:
    """:func:`run` through the cache: load the entry if there is a sound one, else compute and store it."""
    if not use_cache:
        return run(config, progress=progress)
    cache = cache or Cache.default()
    hit = cache.load(config)
    if hit is not None:
        return hit
    start = time.perf_counter()
    result = run(config, progress=progress)
    cache.store(result, seconds=time.perf_counter() - start)
    return result
