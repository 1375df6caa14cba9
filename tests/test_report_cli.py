"""``ska-theory report``: three deterministic files, written atomically; usage errors write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_samples import sample_results

from ska_theory.claims.record import round_floats
from ska_theory.cli import main
from ska_theory.io import dump_json
from ska_theory.report import CLAIMS_FILE, FIGURES_DIR, MATRIX_FILE, REPORT_FILES, TIMINGS_FILE

ONE = "flow.entropy-gradient-z"  # a fast real claim
OUTPUTS = (REPORT_FILES["html"], REPORT_FILES["pdf"], CLAIMS_FILE)


def _files(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the command see the made-up sample claims (figures, every verdict) instead of proofs/."""
    claims = [c for c, _ in sample_results()]
    monkeypatch.setattr("ska_theory.cli.report.discover", lambda: claims)
    return [c.id for c in claims]


def test_regenerating_gives_byte_identical_files(tmp_path: Path, fake_registry: list[str]) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["report", "--out", str(a), "--quiet"]) == 0
    assert main(["report", "--out", str(b), "--quiet"]) == 0
    fa, fb = _files(a), _files(b)
    plots = {
        f"{FIGURES_DIR}/{c.id}--{p.name}.svg": p.svg for c, o in sample_results() for p in o.evidence.plots
    }
    assert plots, "the samples must include a numeric claim with a figure"
    assert set(fa) == {*OUTPUTS, TIMINGS_FILE, *plots}
    for name in [*OUTPUTS, *plots]:
        assert fa[name] == fb[name], f"{name} differs between two runs"
    assert all(fa[name].decode() == svg for name, svg in plots.items())  # the wide layout only
    # A figure no claim produces any more is removed by the next full run.
    stale = a / FIGURES_DIR / "gone--old.svg"
    stale.write_text("<svg/>")
    assert main(["report", "--out", str(a), "--quiet"]) == 0
    assert not stale.exists()
    html = fa[REPORT_FILES["html"]].decode()
    for cid in fake_registry:
        assert f'id="claim-{cid}"' in html


def test_real_claim_report_and_claims_json_match_check(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert main(["report", "--out", str(out), "--only", ONE, "--quiet"]) == 0
    check_json = tmp_path / "check.json"
    main(["check", "--only", ONE, "--quiet", "--json", str(check_json), "--record", str(out / CLAIMS_FILE)])
    # The same record, with the report's floats rounded to 6 significant digits.
    checked = round_floats(json.loads(check_json.read_text()))
    assert (out / CLAIMS_FILE).read_text() == dump_json(checked)
    record = json.loads((out / CLAIMS_FILE).read_text())
    assert "git" not in record["provenance"] and len(record["provenance"]["inputs"]) == 64
    timings = json.loads((out / TIMINGS_FILE).read_text())
    assert set(timings["claims"]) == {ONE} and set(timings["render"]) == {"html", "pdf"}
    assert (out / REPORT_FILES["pdf"]).read_bytes().startswith(b"%PDF")


def test_format_selects_outputs_and_progress_goes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--out", str(tmp_path), "--only", ONE, "--format", "html"]) == 0
    assert set(_files(tmp_path)) == {REPORT_FILES["html"], CLAIMS_FILE, TIMINGS_FILE}
    err = capsys.readouterr().err
    assert f"[1/1] {ONE}" in err and "total" in err


def test_quiet_is_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / CLAIMS_FILE).write_text(json.dumps({"claims": [{"id": ONE, "verdict": "holds"}]}))
    assert main(["report", "--out", str(tmp_path), "--only", ONE, "--format", "html", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_only_keeps_other_recorded_claims(tmp_path: Path) -> None:
    other = {"id": "entropy.some-other-claim", "verdict": "holds"}
    (tmp_path / CLAIMS_FILE).write_text(json.dumps({"claims": [other]}))
    assert main(["report", "--out", str(tmp_path), "--only", ONE, "--format", "html", "--quiet"]) == 0
    ids = [c["id"] for c in json.loads((tmp_path / CLAIMS_FILE).read_text())["claims"]]
    assert ids == [other["id"], ONE]


def test_theory_matrix_in_out_dir_is_shown(tmp_path: Path, fake_registry: list[str]) -> None:
    from report_samples import MATRIX

    (tmp_path / MATRIX_FILE).write_text(json.dumps(MATRIX))
    assert main(["report", "--out", str(tmp_path), "--format", "html", "--quiet"]) == 0
    html = (tmp_path / REPORT_FILES["html"]).read_text()
    assert 'id="theory-matrix"' in html and "tempered" in html


@pytest.mark.parametrize(
    "extra",
    [
        ["--matrix", "no-such-matrix.json"],
        ["--format", "html,docx"],
        ["--format", ""],
        ["--only", "no-such-claim.*"],
        ["--quick", "--full"],
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["report", "--out", str(out), *extra]) == 2
    assert list(out.iterdir()) == []
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ska-theory: error:")


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for out in (blocker, blocker / "sub"):
        assert main(["report", "--out", str(out), "--only", ONE]) == 2
        assert str(blocker) in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_broken_record_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / CLAIMS_FILE).write_text("{not json")
    assert main(["report", "--out", str(tmp_path), "--only", ONE, "--quiet"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [CLAIMS_FILE]
