"""The claims engine itself: witnesses, identity checks, discovery, recorded-verdict comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ska_theory.claims.model import Verdict
from ska_theory.claims.record import compare, load_recorded
from ska_theory.claims.registry import discover, select
from ska_theory.cli import main
from ska_theory.errors import UsageError


def test_discovered_ids_are_unique_and_recorded():
    ids = [c.id for c in discover()]
    assert len(ids) == len(set(ids))
    recorded = json.loads(Path("reports/claims.json").read_text(encoding="utf-8"))["claims"]
    assert ids == [c["id"] for c in recorded]  # the record lists every discovered claim, in order


def test_select_rejects_unknown_glob():
    with pytest.raises(UsageError, match="matches no claim"):
        select(discover(), ["no-such.*"])


def test_compare_reports_changed_and_missing_verdicts():
    claims = [c for c in discover() if c.id == "flow.entropy-gradient-z"]
    o = claims[0].decide()
    assert compare({claims[0].id: str(o.verdict)}, [(claims[0], o)]) == []
    other = next(v for v in Verdict if v is not o.verdict)
    (ch,) = compare({claims[0].id: str(other)}, [(claims[0], o)])
    assert ch.recorded == str(other) and ch.computed == str(o.verdict)
    assert compare({}, [(claims[0], o)])[0].recorded is None


def test_check_cli_exit_codes(tmp_path, capsys):
    record = tmp_path / "claims.json"
    only = ["--only", "flow.entropy-gradient-z", "-q"]
    assert main(["check", *only, "--record", str(record)]) == 1  # nothing recorded yet
    assert main(["check", *only, "--record", str(record), "--update"]) == 0
    assert main(["check", *only, "--record", str(record)]) == 0
    doc = json.loads(record.read_text())
    assert {"claims", "provenance"} <= doc.keys()
    assert {"id", "source", "kind", "verdict", "conditions", "summary", "evidence"} <= doc["claims"][0].keys()
    doc["claims"][0]["verdict"] = "fails"
    record.write_text(json.dumps(doc))
    assert main(["check", *only, "--record", str(record)]) == 1
    assert load_recorded(record)["flow.entropy-gradient-z"] == "fails"
    assert main(["check", "--only", "zzz*"]) == 2
    assert main(["check", *only, "--json", str(tmp_path / "missing" / "x.json")]) == 2
    assert main(["check", "--bogus"]) == 2


def test_atomic_write_leaves_nothing_on_error_and_uses_normal_permissions(tmp_path):
    import os

    from ska_theory.io import atomic_write, atomic_write_text

    target = tmp_path / "out.txt"

    def boom(p):
        p.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, boom)
    assert list(tmp_path.iterdir()) == []
    atomic_write_text(target, "ok")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_text() == "ok" and (target.stat().st_mode & 0o777) == (0o666 & ~umask)


def test_a_claim_that_never_returns_is_undecided_within_its_budget():
    """An unseen activation can send SymPy into a computation that does not return: the claim must end
    as undecided at its budget, naming where it was, even if the proof catches Exception, and the
    timer must not outlive it."""
    import signal
    import time

    from ska_theory.claims.model import Claim, Context, Source

    def forever(th):  # type: ignore[no-untyped-def]
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # a proof's broad fallback must not swallow the budget
                pass

    c = Claim("test.forever", Source("SKA-2", "§1", "q"), "s", "symbolic", forever)
    start = time.perf_counter()
    o = c.decide(Context(budget=0.3))
    assert time.perf_counter() - start < 5
    assert o.verdict is Verdict.UNDECIDED and "time budget of 0.3 s" in o.summary
    assert "forever" in (o.step or "")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
