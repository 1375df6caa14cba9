"""`ska-theory check --theory/--junit` and `ska-theory matrix`: exit codes, outputs, records."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from ska_theory.cli import main

ONLY = ["--only", "flow.entropy-gradient-z", "--only", "learning.label-free-separation", "-q"]


def test_check_under_another_theory_skips_numeric_claims_and_records_the_theory(tmp_path, capsys):
    out, junit = tmp_path / "c.json", tmp_path / "j.xml"
    assert main(["check", "--theory", "code-sign", *ONLY, "--json", str(out), "--junit", str(junit)]) == 0
    doc = json.loads(out.read_text())
    assert doc["theory"] == {
        "name": "code-sign",
        "activation": "1/(1 + exp(-z))",
        "entropy_unit": "bits",
        "gradient_sign": "code",
    }
    assert [c["verdict"] for c in doc["claims"]] == ["fails"]
    assert "skipped: learning.label-free-separation" in capsys.readouterr().out
    suite = ET.parse(junit).getroot().find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases["learning.label-free-separation"].find("skipped") is not None
    assert cases["flow.entropy-gradient-z"].find("failure") is None  # fails is a verdict, not a test failure
    assert main(["check", "--theory", "code-sign", *ONLY, "--update"]) == 2


def test_junit_marks_a_changed_verdict_as_a_failure(tmp_path):
    record, junit = tmp_path / "claims.json", tmp_path / "j.xml"
    only = ["--only", "flow.entropy-gradient-z", "-q", "--record", str(record)]
    assert main(["check", *only, "--update"]) == 0
    doc = json.loads(record.read_text())
    doc["claims"][0]["verdict"] = "fails"
    record.write_text(json.dumps(doc))
    assert main(["check", *only, "--junit", str(junit)]) == 1
    (case,) = ET.parse(junit).getroot().iter("testcase")
    failure = case.find("failure")
    assert (
        failure is not None
        and failure.get("type") == "verdict-changed"
        and "recorded fails" in failure.get("message")
    )


def test_matrix_fails_on_a_changed_cell_and_update_rewrites_it(tmp_path, capsys):
    record = tmp_path / "m.json"
    original = json.loads(open("reports/theory-matrix.json", encoding="utf-8").read())
    record.write_text(json.dumps(original))
    assert main(["matrix", "-q", "--record", str(record)]) == 0
    original["claims"][0]["verdicts"]["tempered"] = "holds"
    record.write_text(json.dumps(original))
    assert main(["matrix", "-q", "--record", str(record)]) == 1
    assert "cell changed: entropy.shannon-equivalence under tempered" in capsys.readouterr().err
    assert main(["matrix", "-q", "--record", str(record), "--update"]) == 0
    assert json.loads(record.read_text())["claims"][0]["verdicts"]["tempered"] == "fails"
