"""Sweeps: a grid of run configs from a TOML file, run in parallel through the cache.

Schema (``sims/example.toml`` is a worked example)::

    name = "example"            # optional, default: the file name
    description = "..."         # optional
    [base]                      # fields shared by every run (DiscreteConfig/FlowConfig fields)
    kind = "discrete"
    eta = 0.01
    [grid]                      # optional: the Cartesian product of these value lists
    seed = [0, 1, 2]
    [[cases]]                   # optional: explicit variants, each combined with the whole grid
    kind = "continuous"
    T = 1.0

A run is ``base`` updated by one case, then by one grid point; a field may not be both in ``[grid]``
and in a case. Relative ``data``/``weights`` paths are relative to the TOML file.

Local runs use joblib's loky processes; with a scheduler address they run on that Dask cluster. Workers
only compute and return arrays; this process reads and writes the cache, so workers need no shared disk.
"""

from __future__ import annotations

import itertools
import sys
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ska_theory.errors import ArgumentError, InputError
from ska_theory.network import checks
from ska_theory.network.data import BUNDLED
from ska_theory.runs.cache import Cache, cache_key, environment
from ska_theory.runs.config import RunConfig
from ska_theory.runs.execute import RunResult, prepare, run

TOP_LEVEL = ("name", "description", "base", "grid", "cases")
CONNECT_TIMEOUT = "10s"  # to reach a Dask scheduler


@dataclass(frozen=True)
class Sweep:
    name: str
    description: str
    configs: tuple[RunConfig, ...]


@dataclass(frozen=True)
class SweepItem:
    """One run of a sweep: ``seconds`` is the load time for a cached result, else the compute time."""

    config: RunConfig
    key: str
    result: RunResult[RunConfig]
    cached: bool
    seconds: float


def _table(doc: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        raise InputError(f"[{name}] must be a table, got {value!r}")
    return dict(value)


def _resolve_paths(values: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    out = dict(values)
    for name in ("data", "weights"):
        v = out.get(name)
        if isinstance(v, str) and v not in BUNDLED and not Path(v).expanduser().is_absolute():
            out[name] = str(base_dir / v)
    return out


def expand(
    base: Mapping[str, Any], grid: Mapping[str, Sequence[Any]], cases: Sequence[Mapping[str, Any]] = ()
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, values) of every run: each case (or none) times each grid point, in file order."""
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise InputError(f"[grid] {name} = {values!r}: must be a non-empty list of values")
    for i, case in enumerate(cases or [{}]):
        clash = sorted(set(case) & set(grid))
        if clash:
            raise InputError(f"[[cases]] #{i + 1}: field {clash[0]!r} is also in [grid]")
        for point in itertools.product(*grid.values()):
            chosen = dict(zip(grid, point, strict=True))
            where = ", ".join(f"{k}={v!r}" for k, v in chosen.items())
            if cases:
                where = f"case #{i + 1}" + (f", {where}" if where else "")
            yield where, {**base, **case, **chosen}


def load_sweep(path: Path) -> Sweep:
    """Parse and validate a sweep file; every error is an InputError starting with the file name."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e})") from e
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: invalid TOML: {e}") from e
    try:
        for key in doc:
            if key not in TOP_LEVEL:
                raise InputError(f"unknown top-level key {key!r} (known: {', '.join(TOP_LEVEL)})")
        base = _table(doc, "base")
        grid = _table(doc, "grid")
        cases = doc.get("cases", [])
        if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
            raise InputError("cases must be an array of tables ([[cases]])")
        configs = []
        for where, values in expand(base, grid, cases):
            try:
                configs.append(RunConfig.from_mapping(_resolve_paths(values, path.parent)))
            except ValueError as e:  # ArgumentError or InputError: the field's own message
                raise InputError(f"{where or 'base'}: {e}") from e
    except InputError as e:
        raise InputError(f"{path}: {e}") from e
    name, description = doc.get("name", path.stem), doc.get("description", "")
    return Sweep(str(name), str(description), tuple(configs))


Computed = tuple[int, dict[str, np.ndarray], float, dict[str, Any]]


def _compute(index: int, config: RunConfig) -> Computed:
    """Worker side: run; return the index, the arrays, the seconds and the worker's environment."""
    start = time.perf_counter()
    result = run(config)
    return index, result.arrays(), time.perf_counter() - start, environment()


def _check_worker(env: Mapping[str, Any]) -> None:
    ours = environment()
    if dict(env) != ours:
        diff = ", ".join(f"{k}: {env.get(k)!r} here {ours[k]!r}" for k in ours if env.get(k) != ours[k])
        raise InputError(f"a worker runs different code or libraries ({diff}); its results would not match")


def _local(configs: list[RunConfig], jobs: int) -> Iterator[Computed]:
    """:func:`_compute` outputs as runs finish, on ``jobs`` loky processes (in this process if 1)."""
    if jobs == 1:
        yield from (_compute(i, c) for i, c in enumerate(configs))
        return
    from joblib import Parallel, delayed, parallel_config

    # One BLAS thread per worker (run() holds it there too): no oversubscription.
    with parallel_config(backend="loky", inner_max_num_threads=1):
        yield from Parallel(n_jobs=jobs, return_as="generator_unordered")(
            delayed(_compute)(i, c) for i, c in enumerate(configs)
        )


def _dask(configs: list[RunConfig], address: str) -> Iterator[Computed]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError as e:
        raise ArgumentError(
            "scheduler", address, "needs the dask extra: pip install 'ska-theory[dask]'"
        ) from e
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        raise ArgumentError("scheduler", address, f"cannot connect ({e})") from e
    with client:
        futures = [client.submit(_compute, i, c, pure=False) for i, c in enumerate(configs)]
        for fut in as_completed(futures):
            yield fut.result()


def sweep(
    configs: Sequence[RunConfig],
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    cache: Cache | None = None,
    use_cache: bool = True,
    progress: bool = False,
) -> list[SweepItem]:
    """Every config's result, in order: cached ones loaded, the rest computed in parallel and stored.

    ``jobs``: local worker processes (default: one per CPU, at most one per run to compute);
    ``scheduler``: a Dask scheduler address instead. Equal configs are computed once.
    """
    if jobs is not None:
        checks.integer("jobs", jobs, 1)
    cache = cache or Cache.default()
    if use_cache:
        cache.ensure()
    keys = [cache_key(c) for c in configs]
    unique = dict(zip(keys, configs, strict=True))
    done: dict[str, SweepItem] = {}
    todo: list[RunConfig] = []
    bar = tqdm(total=len(unique), desc="sweep", unit="run", file=sys.stderr, disable=not progress)
    with bar:
        for key, config in unique.items():
            start = time.perf_counter()
            hit = cache.load(config) if use_cache else None
            if hit is None:
                prepare(config)  # bad inputs fail here, before anything runs
                todo.append(config)
            else:
                done[key] = SweepItem(config, key, hit, True, time.perf_counter() - start)
                bar.update()
        if todo:
            if scheduler:
                results = _dask(todo, scheduler)
            else:
                from joblib import cpu_count  # respects cgroup CPU limits

                results = _local(todo, min(jobs or cpu_count(), len(todo)))
            for i, arrays, seconds, env in results:
                _check_worker(env)
                config = todo[i]
                result = RunResult.from_arrays(config, arrays)
                if use_cache:
                    cache.store(result, seconds=seconds)
                done[cache_key(config)] = SweepItem(config, cache_key(config), result, False, seconds)
                bar.update()
    return [done[k] for k in keys]


def summary_table(items: Sequence[SweepItem]) -> str:
    """One line per run: the fields that vary across the sweep, key prefix, cached/computed, seconds."""
    dicts = [it.config.to_dict() for it in items]
    names = list(dict.fromkeys(f for d in dicts for f in d))  # both kinds' fields, first seen first
    varying = [f for f in names if any(d.get(f) != dicts[0].get(f) for d in dicts)]
    shown = varying or ["kind"]
    rows = [
        (
            str(n),
            " ".join(f"{f}={_short(d[f])}" for f in shown if d.get(f) is not None),
            it.key[:12],
            "cached" if it.cached else "computed",
            f"{it.seconds:.2f}",
        )
        for n, (it, d) in enumerate(zip(items, dicts, strict=True), 1)
    ]
    header = ("#", "config", "key", "result", "seconds")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    ]
    computed = [it for it in items if not it.cached]
    lines.append(
        f"{len(items)} runs: {len(items) - len(computed)} cached, {len(computed)} computed "
        f"({sum(it.seconds for it in computed):.2f} s of compute)"
    )
    return "\n".join(lines)


def _short(value: Any) -> str:
    if isinstance(value, list):
        return "-".join(map(str, value))
    if isinstance(value, str) and "/" in value:
        return Path(value).name
    return str(value)
