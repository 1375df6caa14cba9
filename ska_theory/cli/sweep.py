"""``ska-theory sweep``: run a grid of simulation configs (a TOML file) in parallel through the cache."""

from __future__ import annotations

import argparse
from pathlib import Path

from ska_theory.runs.cache import Cache, default_cache_dir
from ska_theory.runs.parallel import load_sweep, summary_table, sweep


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "sweep",
        help="run a grid of simulation configs (TOML) in parallel, through the run cache",
        description="Run every config of a sweep file (a [base] table, an optional [grid] of value "
        "lists and optional [[cases]]; see sims/example.toml) and print one line per run. Results go "
        "to the run cache; runs already there are loaded, not recomputed.",
    )
    p.add_argument("file", type=Path, metavar="FILE.toml", help="the sweep file, e.g. sims/example.toml")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "-j", "--jobs", type=int, metavar="N", help="local worker processes (default: one per CPU)"
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on this Dask cluster instead, e.g. tcp://10.0.0.5:8786 (needs the dask extra)",
    )
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the run cache")
    p.add_argument(
        "--cache-dir", type=Path, metavar="DIR", help=f"run cache location (default: {default_cache_dir()})"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    spec = load_sweep(args.file)
    cache = Cache(args.cache_dir) if args.cache_dir else Cache.default()
    items = sweep(
        spec.configs,
        jobs=args.jobs,
        scheduler=args.scheduler,
        cache=cache,
        use_cache=not args.no_cache,
        progress=not args.quiet,
    )
    print(f"sweep {spec.name}: {len(items)} runs" + ("" if args.no_cache else f", cache {cache.root}"))
    if spec.description:
        print(spec.description)
    print(summary_table(items))
    return 0
