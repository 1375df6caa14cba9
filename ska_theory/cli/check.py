"""``ska-theory check``: recompute every claim's verdict and compare with the recorded ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ska_theory.claims.evaluate import NUMERIC_UNDER_THEORY, Decided, applicable, evaluate, stderr_progress
from ska_theory.claims.junit import junit_xml
from ska_theory.claims.matrix import DEFAULT_MATRIX, load_matrix
from ska_theory.claims.model import Context, Mode, Outcome, Verdict
from ska_theory.claims.record import DEFAULT_RECORD, claims_document, compare, load_recorded, merge_record
from ska_theory.claims.registry import discover, select
from ska_theory.cli.options import theory_from_args
from ska_theory.errors import UsageError
from ska_theory.io import atomic_write_text, check_writable, dump_json
from ska_theory.provenance import provenance
from ska_theory.report.plain import markup_text
from ska_theory.symbolic.theory import BUILTINS, PAPER

EPILOG = """\
--theory NAME|FILE.toml decides the symbolic claims from other definitions. Built-ins: paper (default:
σ, bits, the paper's sign of ∇_z H), code-sign (∇_z H with the authors' code's sign), nats (entropy in
nats), tempered (D = σ(2z)). A theory file has exactly these keys:
  name = "my-theory"
  activation = "1/(1 + exp(-2*z))"   # D = f(z), SymPy syntax, variable z; strictly increasing 0 → 1
  entropy_unit = "bits"              # or "nats"
  gradient_sign = "paper"            # or "code"
Under a theory other than paper, numeric claims are skipped (the simulations implement the paper's
network) and nothing is compared with the record.

exit status: 0 every verdict as recorded (paper) or decided (other theories); 1 a verdict differs from
the record, or a claim is undecided (the toolkit could not decide it); 2 usage or input error."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="recompute every claim's verdict; exit 1 when one differs from the record or is undecided",
        description="Recompute the verdict of every claim (symbolic proofs and numeric studies) and compare "
        "with the recorded verdicts.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--only",
        action="append",
        metavar="ID_GLOB",
        help="only claims whose id matches this glob (repeatable), e.g. 'entropy.*'",
    )
    p.add_argument(
        "--theory",
        default="paper",
        metavar="NAME|FILE.toml",
        help=f"definitions to decide the symbolic claims from: {', '.join(BUILTINS)} or a TOML file "
        f"(default: paper)",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the claims JSON here")
    p.add_argument(
        "--junit",
        type=Path,
        metavar="PATH",
        help="also write a JUnit XML report here (one test case per claim)",
    )
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
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="recompute every verdict and simulation run (no cache read or written)",
    )
    p.add_argument("--list", action="store_true", help="list claim ids and exit")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run)


def _residual(o: Outcome) -> str:
    ws = o.evidence.witnesses
    return f"{max(w.max_rel_residual for w in ws):.1e}" if ws else "-"


def print_table(results: list[Decided]) -> None:
    width = max((len(r.claim.id) for r in results), default=5)
    print(f"{'claim':{width}s}  {'verdict':24s} {'residual':>9s}  summary")
    for c, o, _ in results:
        print(f"{c.id:{width}s}  {o.verdict!s:24s} {_residual(o):>9s}  {markup_text(o.summary)}")


def run(args: argparse.Namespace) -> int:
    theory = theory_from_args(args.theory)
    claims = select(discover(), args.only)
    if args.list:
        for c in claims:
            print(f"{c.id:52s} {c.kind:9s} {c.source}")
        return 0
    is_paper = theory.fingerprint() == PAPER.fingerprint()
    if args.update and not is_paper:
        raise UsageError("--update: the record holds the paper theory's verdicts; drop --theory or --update")
    for path in (args.json, args.junit, args.record if args.update else None):
        if path is not None:
            check_writable(path)
    mode: Mode = "full" if args.full else "quick"
    ctx = Context(mode=mode, use_cache=not args.no_cache, progress=not args.quiet, theory=theory)
    run_claims, skipped = applicable(claims, ctx)
    results = evaluate(run_claims, ctx, None if args.quiet else stderr_progress)
    print_table(results)
    for c in skipped:
        print(f"skipped: {c.id} ({NUMERIC_UNDER_THEORY})")

    pairs = [(c, o) for c, o, _ in results]
    doc = claims_document(pairs, provenance(), mode, theory, load_matrix(DEFAULT_MATRIX))
    if args.json is not None:
        atomic_write_text(args.json, dump_json(doc))
    undecided = [c.id for c, o in pairs if o.verdict is Verdict.UNDECIDED]
    for cid in undecided:
        print(f"undecided: {cid} (the toolkit could not decide it)", file=sys.stderr)
    if args.update:
        atomic_write_text(args.record, dump_json(merge_record(args.record, doc)))
        print(f"recorded {len(pairs)} verdicts in {args.record}", file=sys.stderr)
    changes = compare(load_recorded(args.record), pairs) if is_paper and not args.update else []
    for ch in changes:
        print(f"verdict changed: {ch}", file=sys.stderr)
    if args.junit is not None:
        xml = junit_xml(
            results,
            changes,
            [(c, NUMERIC_UNDER_THEORY) for c in skipped],
            f"ska-theory check ({theory.name})",
            text=markup_text,
        )
        atomic_write_text(args.junit, xml)
    return 1 if changes or undecided else 0
