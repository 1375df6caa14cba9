"""``ska-theory matrix``: decide every symbolic claim under every built-in theory, compare with the record."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ska_theory.claims.evaluate import stderr_progress
from ska_theory.claims.matrix import DEFAULT_MATRIX, changed_cells, decide_matrix, load_matrix
from ska_theory.claims.registry import discover
from ska_theory.io import atomic_write_text, check_writable, dump_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "matrix",
        help="decide every symbolic claim under every built-in theory (the mutation matrix)",
        description="Decide every symbolic claim under the built-in theories paper, code-sign, nats and "
        "tempered, "
        f"print the claims × theories table and compare it with {DEFAULT_MATRIX}. Each theory changes one "
        "definition, so a verdict that differs from the paper's names a definition it depends on. Exit "
        "status: 0 every cell as recorded, 1 a cell changed or a claim is undecided, 2 usage error.",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the matrix JSON here")
    p.add_argument(
        "--record",
        type=Path,
        default=DEFAULT_MATRIX,
        metavar="PATH",
        help=f"recorded matrix (default: {DEFAULT_MATRIX})",
    )
    p.add_argument("--update", action="store_true", help="rewrite the record with the computed matrix")
    p.add_argument(
        "--no-cache", action="store_true", help="decide every cell again (no cache read or written)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for path in (args.json, args.record if args.update else None):
        if path is not None:
            check_writable(path)
    doc = decide_matrix(
        discover(), use_cache=not args.no_cache, progress=None if args.quiet else stderr_progress
    )
    names = [t["name"] for t in doc["theories"]]
    width = max(len(r["id"]) for r in doc["claims"])
    print(f"{'claim':{width}s}  " + "  ".join(f"{n:22s}" for n in names) + "  depends on")
    for r in doc["claims"]:
        cells = "  ".join(f"{r['verdicts'][n]:22s}" for n in names)
        print(f"{r['id']:{width}s}  {cells}  {', '.join(r['depends_on']) or '-'}")
    undecided = [
        f"{r['id']} under {n}" for r in doc["claims"] for n in names if r["verdicts"][n] == "undecided"
    ]
    for u in undecided:
        print(f"undecided: {u}", file=sys.stderr)
    if args.json is not None:
        atomic_write_text(args.json, dump_json(doc))
    if args.update:
        atomic_write_text(args.record, dump_json(doc))
        print(f"recorded the matrix in {args.record}", file=sys.stderr)
        return 1 if undecided else 0
    recorded = load_matrix(args.record)
    if recorded is None:
        print(f"no recorded matrix at {args.record}: run 'ska-theory matrix --update'", file=sys.stderr)
        return 1
    changes = changed_cells(recorded, doc)
    for ch in changes:
        print(f"cell changed: {ch}", file=sys.stderr)
    return 1 if changes or undecided else 0
