"""``ska-theory report``: recompute every verdict and write the HTML and PDF reports and claims.json."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from ska_theory.claims.coverage import load_coverage
from ska_theory.claims.evaluate import evaluate, stderr_progress
from ska_theory.claims.matrix import DEFAULT_MATRIX
from ska_theory.claims.model import Context, Mode
from ska_theory.claims.record import claims_document, compare, load_recorded, merge_record
from ska_theory.claims.registry import discover, select
from ska_theory.errors import UsageError
from ska_theory.io import atomic_write_bytes, atomic_write_text, dump_json
from ska_theory.provenance import provenance
from ska_theory.report import (
    CLAIMS_FILE,
    FIGURES_DIR,
    MATRIX_FILE,
    RENDERERS,
    REPORT_FILES,
    TIMINGS_FILE,
    build_document,
)

DEFAULT_OUT = Path("reports")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="recompute every verdict; write the HTML and PDF reports and claims.json",
        description="Recompute the verdict of every claim and write, into --out, "
        f"{REPORT_FILES['html']}, {REPORT_FILES['pdf']} and {CLAIMS_FILE} (the same JSON as "
        "'check --json'). Unchanged inputs give byte-identical files; run times go to stderr and "
        f"{TIMINGS_FILE}. The theory matrix ({MATRIX_FILE}, from 'ska-theory matrix --update') is "
        f"shown from --matrix, else from --out, else from {DEFAULT_MATRIX}. Exit status: 0 written, "
        "2 usage error (nothing written).",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"output directory (default: {DEFAULT_OUT}/)",
    )
    p.add_argument(
        "--format",
        default=",".join(REPORT_FILES),
        metavar="LIST",
        help=f"comma-separated report formats from {', '.join(REPORT_FILES)} (default: all); "
        f"{CLAIMS_FILE} is always written",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="full", action="store_false", help="reduced numeric studies (default)")
    mode.add_argument("--full", dest="full", action="store_true", help="run the numeric studies in full")
    p.add_argument(
        "--only",
        action="append",
        metavar="ID_GLOB",
        help="only claims whose id matches this glob (repeatable); other recorded claims are kept "
        f"in {CLAIMS_FILE}",
    )
    p.add_argument(
        "--matrix",
        type=Path,
        metavar="PATH",
        help=f"theory matrix to show (default: {MATRIX_FILE} in --out, else {DEFAULT_MATRIX}, if any)",
    )
    p.add_argument("--no-cache", action="store_true", help="recompute simulation runs")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or timings on stderr")
    p.set_defaults(func=run, full=False)


def parse_formats(text: str) -> tuple[str, ...]:
    """``"pdf,html"`` -> ("pdf", "html"); unknown or no format is a usage error."""
    formats: list[str] = []
    for item in (f.strip().lower() for f in text.split(",")):
        if item not in REPORT_FILES:
            raise UsageError(f"--format: unknown format {item!r} (choose from {', '.join(REPORT_FILES)})")
        if item not in formats:
            formats.append(item)
    return tuple(formats)


def check_out_dir(out: Path) -> None:
    """Fail before any work when ``out`` is not a directory we can create or write into."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {str(out)!r} is not a directory")
    existing = out.resolve()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"--out {str(out)!r}: {str(existing)!r} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {str(out)!r} is not writable")


def load_matrix(named: Path | None, out: Path) -> dict[str, Any] | None:
    """The theory matrix named by --matrix, else the one in --out, else the recorded one
    (``reports/theory-matrix.json``, as ``check`` uses), else none."""
    path = named if named is not None else out / MATRIX_FILE
    if named is None and not path.exists():
        path = DEFAULT_MATRIX
    if not path.exists():
        if named is not None:
            raise UsageError(f"--matrix {str(path)!r} does not exist")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise UsageError(f"--matrix {str(path)!r} is not a theory matrix: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise UsageError(f"--matrix {str(path)!r} is not a theory matrix (no 'claims' list)")
    return data


def run(args: argparse.Namespace) -> int:
    formats = parse_formats(args.format)
    check_out_dir(args.out)
    matrix = load_matrix(args.matrix, args.out)
    record_path = args.out / CLAIMS_FILE
    recorded = load_recorded(record_path)
    claims = select(discover(), args.only)
    mode: Mode = "full" if args.full else "quick"
    ctx = Context(mode=mode, use_cache=not args.no_cache, progress=not args.quiet)

    # Everything is rendered in memory first; files are written only when all of it succeeded.
    t_start = time.perf_counter()
    results = evaluate(claims, ctx, None if args.quiet else stderr_progress)
    pairs = [(c, o) for c, o, _ in results]
    prov = provenance()
    # Floats to 6 significant digits: last-bit differences between machines stay out of the file.
    record = claims_document(pairs, prov, mode, matrix=matrix)
    if args.only:
        record = merge_record(record_path, record)
    document = build_document(pairs, prov, mode, matrix=matrix, coverage=load_coverage())
    outputs: dict[str, bytes] = {}
    render_seconds: dict[str, float] = {}
    for fmt in formats:
        t0 = time.perf_counter()
        outputs[REPORT_FILES[fmt]] = RENDERERS[fmt](document)
        render_seconds[fmt] = time.perf_counter() - t0
    outputs[CLAIMS_FILE] = dump_json(record).encode("utf-8")
    # The numeric studies' figures also as standalone SVG files, for citing outside the reports.
    figures = {
        f"{FIGURES_DIR}/{c.id}--{plot.name}.svg": str(plot.svg).encode("utf-8")
        for c, o in pairs
        for plot in o.evidence.plots
    }

    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, data in outputs.items():
            atomic_write_bytes(args.out / name, data)
        if figures:
            (args.out / FIGURES_DIR).mkdir(exist_ok=True)
        for name, data in figures.items():
            atomic_write_bytes(args.out / name, data)
        if not args.only:  # a full run owns the figures directory: drop figures no claim produces now
            for stale in sorted((args.out / FIGURES_DIR).glob("*.svg")):
                if f"{FIGURES_DIR}/{stale.name}" not in figures:
                    stale.unlink()
    except OSError as e:
        raise UsageError(f"--out {str(args.out)!r}: cannot write ({e.strerror})") from e
    total = time.perf_counter() - t_start
    timings = {
        "note": "wall-clock seconds of the last 'ska-theory report' run; differs between runs, "
        "so it is kept out of the reports",
        "mode": mode,
        "claims": {c.id: round(sec, 3) for c, _, sec in results},
        "render": {fmt: round(sec, 3) for fmt, sec in render_seconds.items()},
        "total": round(total, 3),
    }
    atomic_write_text(args.out / TIMINGS_FILE, dump_json(timings))

    # Against an existing record only: a fresh directory has nothing to change from.
    for change in compare(recorded, pairs) if recorded else []:
        print(f"verdict changed: {change}", file=sys.stderr)
    for name, data in outputs.items():
        print(f"wrote {args.out / name} ({len(data) / 1024:.0f} KiB)")
    if figures:
        size = sum(len(d) for d in figures.values()) / 1024
        print(f"wrote {len(figures)} figures to {args.out / FIGURES_DIR}/ ({size:.0f} KiB)")
    if not args.quiet:
        claim_time = sum(sec for _, _, sec in results)
        rendered = ", ".join(f"{fmt} {sec:.2f} s" for fmt, sec in render_seconds.items())
        print(
            f"report: {len(pairs)} claims decided in {claim_time:.2f} s; rendered {rendered}; "
            f"total {total:.2f} s (timings in {args.out / TIMINGS_FILE})",
            file=sys.stderr,
        )
    return 0
