"""The claims engine itself: witnesses, identity checks, discovery, recorded-verdict comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp

from ska_theory.claims.model import Verdict
from ska_theory.claims.record import compare, load_recorded
from ska_theory.claims.registry import discover, select
from ska_theory.cli import main
from ska_theory.errors import UsageError
from ska_theory.symbolic.definitions import sigma, z
from ska_theory.symbolic.rewrites import EXPAND, TO_EXP
from ska_theory.symbolic.witness import check_identity, witness_identity


def test_witness_finds_counterexample_to_wrong_identity():
    # σ(z) = 1 - σ(z) is false except at z = 0: the witness must find a point far above precision.
    chk = check_identity(sigma(z), 1 - sigma(z), {z: (-5.0, 5.0)}, [TO_EXP, EXPAND], description="wrong")
    assert chk.refuted
    assert chk.witness.max_rel_residual > 1e-3
    zz = chk.witness.worst_point["z"]
    assert abs(float(sigma(zz).evalf()) - float(1 - sigma(zz).evalf())) > 1e-3


def test_witness_accepts_true_identity_at_high_precision():
    w = witness_identity(sigma(-z), 1 - sigma(z), {z: (-30.0, 30.0)}, description="symmetry")
    assert w.agrees and w.max_rel_residual < 1e-45 and w.digits >= 50 and w.n_points >= 20


def test_witness_refuses_low_precision():
    with pytest.raises(ValueError, match="50 digits"):
        witness_identity(z, z, {z: (0.0, 1.0)}, description="x", digits=15)


def test_incomplete_proof_is_an_error_not_a_verdict():
    with pytest.raises(RuntimeError, match="incomplete proof"):
        check_identity(sigma(-z), 1 - sigma(z), {z: (-3.0, 3.0)}, [EXPAND], description="symmetry")


def test_sigma_derivative_and_values():
    assert sp.diff(sigma(z), z) == sigma(z) * (1 - sigma(z))
    assert sigma(0) == sp.Rational(1, 2) and sigma(sp.oo) == 1 and sigma(-sp.oo) == 0


def test_discovered_ids_are_unique_and_recorded():
    ids = [c.id for c in discover()]
    assert len(ids) == len(set(ids))
    recorded = json.loads(Path("reports/claims.json").read_text(encoding="utf-8"))["claims"]
    assert ids == [c["id"] for c in recorded]  # the record lists every discovered claim, in order


def test_select_rejects_unknown_glob():
    with pytest.raises(UsageError, match="matches no claim"):
        select(discover(), ["no-such.*"])


def test_compare_reports_changed_and_missing_verdicts():
    claims = discover()[:1]
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


def test_deliberately_wrong_identity_gets_fails_with_counterexample():
    # The authors' code uses +(1/ln2) z σ'(z) for ∇_z H: the same decision procedure must refute it.
    from ska_theory.proofs.flow import decide_gradient_z
    from ska_theory.symbolic.definitions import LN2

    o = decide_gradient_z(z * sigma(z) * (1 - sigma(z)) / LN2, "the code's sign")
    assert o.verdict is Verdict.FAILS
    zz = o.evidence.counterexample["z"]
    true_grad = -zz * float(sigma(zz).evalf()) * (1 - float(sigma(zz).evalf())) / float(LN2)
    assert abs(true_grad) > 1e-3  # a real counterexample: the two sides differ by 2|∇H| there
