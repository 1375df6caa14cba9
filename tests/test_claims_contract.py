"""The contract every discovered claim keeps, checked claim by claim (decided once, through the cache)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import claims_by_id, decide

from ska_theory.claims.model import NUMERIC_VERDICTS, SYMBOLIC_VERDICTS, Outcome, Verdict
from ska_theory.claims.record import claim_json
from ska_theory.claims.sources import TEXTS
from ska_theory.io import dump_json
from ska_theory.provenance import provenance
from ska_theory.report import build_document, render_html
from ska_theory.report.scan import scan_html

IDS = sorted(claims_by_id())
RECORD = {c["id"]: c for c in json.loads(Path("reports/claims.json").read_text(encoding="utf-8"))["claims"]}


@pytest.mark.parametrize("cid", IDS)
def test_claim_contract(cid: str) -> None:
    c = claims_by_id()[cid]
    o: Outcome = decide(cid)
    assert o.verdict is not Verdict.UNDECIDED, o.summary
    assert o.verdict in (SYMBOLIC_VERDICTS if c.kind == "symbolic" else NUMERIC_VERDICTS)
    assert c.source.paper in TEXTS and c.source.quote and c.title
    assert o.summary and "\n" not in o.summary
    assert o.meaning.strip().endswith("."), "one plain sentence for the reader"
    assert o.evidence.key_numbers, "the report shows the numbers the verdict was decided on"
    assert set(c.uses) <= set(IDS) - {cid}
    if c.kind == "numeric":
        assert o.robustness is not None and o.robustness.decided_on
    if o.verdict is Verdict.FAILS:
        assert o.evidence.counterexample, "fails needs a counterexample"
    if c.kind == "symbolic":
        assert all(w.digits >= 50 and w.n_points >= 20 for w in o.evidence.witnesses)
    dump_json(claim_json(c, o))  # strict JSON: no NaN, everything serialisable
    assert RECORD[cid]["verdict"] == str(o.verdict), "reports/claims.json records another verdict"


def test_the_claim_graph_has_no_cycle() -> None:
    graph = {cid: set(claims_by_id()[cid].uses) for cid in IDS}
    done: set[str] = set()

    def visit(cid: str, path: tuple[str, ...]) -> None:
        assert cid not in path, f"cycle {' -> '.join((*path, cid))}"
        if cid not in done:
            for used in graph[cid]:
                visit(used, (*path, cid))
            done.add(cid)

    for cid in IDS:
        visit(cid, ())


@pytest.mark.slow
def test_the_whole_report_renders_without_forbidden_fragments() -> None:
    pairs = [(claims_by_id()[cid], decide(cid)) for cid in IDS]
    findings = scan_html(render_html(build_document(pairs, provenance(), "quick")))
    assert not findings, [f"{f.where}: {f.context}" for f in findings[:5]]
