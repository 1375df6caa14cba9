"""``ska-theory cache``: where the run cache is, what it holds, and emptying it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ska_theory.runs.cache import ENV_VAR, Cache, default_cache_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "cache",
        help="show or clear the run cache",
        description=f"The run cache holds simulation results keyed by config, code and library "
        f"versions. Location: ${ENV_VAR}, else ~/.cache/ska-theory.",
    )
    p.add_argument("action", choices=("info", "clear"), help="info: location, entries, size; clear: empty it")
    p.add_argument(
        "--cache-dir", type=Path, metavar="DIR", help=f"run cache location (default: {default_cache_dir()})"
    )
    p.set_defaults(func=run)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    size = n / 1024
    for unit in ("KiB", "MiB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def run(args: argparse.Namespace) -> int:
    cache = Cache(args.cache_dir) if args.cache_dir else Cache.default()
    if args.action == "clear":
        print(f"removed {cache.clear()} entries from {cache.root}")
        return 0
    info = cache.info()
    print(f"location: {info.root}")
    print(f"entries:  {info.entries}")
    print(f"size:     {_size(info.bytes)}")
    if info.stray:
        print(f"stray:    {info.stray} files of interrupted writes (removed by 'cache clear')")
    return 0
