"""``ska-theory check``: recompute every claim's verdict and compare with the recorded ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ska_theory.claims.evaluate import evaluate, stderr_progress
from ska_theory.claims.model import Context, Mode, Outcome, Verdict
from ska_theory.claims.record import (
    DEFAULT_RECORD,
    claims_document,
    compare,
    load_recorded,
    merge_record,
)
from ska_theory.claims.registry import discover, select
from ska_theory.io import atomic_write_text, check_writable, dump_json
from ska_theory.provenance import provenance


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="recompute every claim's verdict; exit 1 when one differs from the record",
        description="Recompute the verdict of every claim (symbolic proofs and numeric studies) "
        "and compare with the recorded verdicts. Exit status: 0 all verdicts as recorded, "
        "1 a computed verdict differs from the record, 2 usage or input error.",
    )
    p.add_argument(
        "--only",
        action="append",
        metavar="ID_GLOB",
        help="only claims whose id matches this glob (repeatable), e.g. 'entropy.*'",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the claims JSON here")
    p.add_argument(
        "--record",
        type=Path,
        default=DEFAULT_RECORD,
        metavar="PATH",
        help=f"recorded verdicts to compare with (default: {DEFAULT_RECORD})",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="rewrite the record with the computed verdicts instead of failing",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="run the numeric studies in full (default: quick mode, reduced grids)",
    )
    p.add_argument("--no-cache", action="store_true", help="recompute simulation runs")
    p.add_argument("--list", action="store_true", help="list claim ids and exit")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run)


def _residual(o: Outcome) -> str:
    ws = o.evidence.witnesses
    return f"{max(w.max_rel_residual for w in ws):.1e}" if ws else "-"


def run(args: argparse.Namespace) -> int:
    claims = select(discover(), args.only)
    if args.list:
        for c in claims:
            print(f"{c.id:52s} {c.kind:9s} {c.source}")
        return 0
    for path in (args.json, args.record if args.update else None):
        if path is not None:
            check_writable(path)
    mode: Mode = "full" if args.full else "quick"
    ctx = Context(mode=mode, use_cache=not args.no_cache, progress=not args.quiet)
    results = evaluate(claims, ctx, None if args.quiet else stderr_progress)

    width = max(len(c.id) for c, _, _ in results)
    print(f"{'claim':{width}s}  {'verdict':24s} {'residual':>9s}  summary")
    for c, o, _ in results:
        print(f"{c.id:{width}s}  {o.verdict!s:24s} {_residual(o):>9s}  {o.summary}")

    pairs = [(c, o) for c, o, _ in results]
    doc = claims_document(pairs, provenance(), mode)
    if args.json is not None:
        atomic_write_text(args.json, dump_json(doc))
    if args.update:
        atomic_write_text(args.record, dump_json(merge_record(args.record, doc)))
        print(f"recorded {len(pairs)} verdicts in {args.record}", file=sys.stderr)
        return 0
    undecided = [c.id for c, o in pairs if o.verdict is Verdict.UNDECIDED]
    for cid in undecided:
        print(f"undecided: {cid} (the toolkit could not decide it)", file=sys.stderr)
    changes = compare(load_recorded(args.record), pairs)
    for ch in changes:
        print(f"verdict changed: {ch}", file=sys.stderr)
    return 1 if changes or undecided else 0
