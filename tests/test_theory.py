"""The Theory: one set of definitions, validated; its derived objects checked against float references."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from helpers import LN2, binary_entropy, sigmoid

from ska_theory.cli import main
from ska_theory.symbolic.theory import (
    BUILTINS,
    builtin,
    load_theory,
    parse_activation,
    resolve_theory,
    theory,
    theory_from_mapping,
    z,
)

GOOD = {"name": "t", "activation": "1/(1 + exp(-2*z))", "entropy_unit": "bits", "gradient_sign": "paper"}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"colour": "red"}, "colour"),
        ({"activation": "1/(1 + exp(-x))"}, "activation"),
        ({"activation": "1/(1 + exp(-z)"}, "activation"),
        ({"activation": "__import__('os')"}, "activation"),
        ({"activation": "z"}, "activation"),
        ({"activation": "1/(1 + exp(z))"}, "activation"),
        ({"activation": "(1 + sin(z))/2"}, "activation"),
        ({"activation": "1/(1 + exp(-z**3)) + exp(-z**2)"}, "activation"),
        ({"entropy_unit": "bans"}, "entropy_unit"),
        ({"gradient_sign": "both"}, "gradient_sign"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_theories_are_refused_naming_the_key(change, key):
    with pytest.raises(ValueError, match=rf"^{key}"):
        theory_from_mapping(GOOD | change)


def test_missing_key_is_named():
    with pytest.raises(ValueError, match=r"^gradient_sign: missing"):
        theory_from_mapping({k: v for k, v in GOOD.items() if k != "gradient_sign"})


def test_toml_file_round_trip_and_errors(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("\n".join(f'{k} = "{v}"' for k, v in GOOD.items()))
    th = load_theory(path)
    assert th.describe()["activation"] == "1/(1 + exp(-2*z))" and th.entropy_unit == "bits"
    assert (
        resolve_theory(str(path)).fingerprint() == builtin("tempered").fingerprint()
    )  # same maths, any name
    path.write_text("name = ")
    with pytest.raises(ValueError, match="not a readable TOML"):
        load_theory(path)
    with pytest.raises(ValueError, match="not a built-in"):
        resolve_theory("no-such-theory")


def test_derived_objects_match_float_references():
    x = 0.7
    for name, slope, unit, sign in (
        ("paper", 1, "bits", 1),
        ("code-sign", 1, "bits", -1),
        ("nats", 1, "nats", 1),
        ("tempered", 2, "bits", 1),
    ):
        th = builtin(name)
        k = 1 / LN2 if unit == "bits" else 1.0
        s = float(sigmoid(x, slope))
        fp = slope * s * (1 - s)
        assert float(th.f(x)) == pytest.approx(s)
        assert float(th.shannon(th.f(x))) == pytest.approx(float(binary_entropy(s, unit)))
        assert float(th.entropy_gradient_z(x)) == pytest.approx(-sign * k * x * fp)
        assert float(th.tensor_net_integrand(x)) == pytest.approx(s + sign * k * x * fp)
        assert float(th.lagrangian(x, 2.0)) == pytest.approx(-x * fp * 2.0)
        with mpmath.workdps(30):
            assert float(th.mp_h_ska(mpmath.mpf(x))[0]) == pytest.approx(
                float(binary_entropy(s, unit)) / slope, rel=1e-9
            )


def test_activation_text_is_parsed_exactly():
    assert parse_activation("1/(1+exp(-z/2))") == 1 / (1 + sp.exp(-z / 2))
    assert parse_activation("(1 + tanh(z))/2").has(sp.tanh)
    assert set(BUILTINS) == {"paper", "code-sign", "nats", "tempered"}
    assert np.isclose(float(theory("a", "atan(z)/pi + 1/2").f(1)), 0.75)


def test_check_refuses_a_bad_theory_file_with_one_line_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "b"\nactivation = "1/(1+exp(-y))"\nentropy_unit = "bits"\ngradient_sign = "paper"\n'
    )
    out = tmp_path / "out.json"
    assert main(["check", "--theory", str(bad), "--only", "flow.*", "--json", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--theory" in err[0] and "activation" in err[0] and "y" in err[0]
    assert not out.exists()
    assert main(["check", "--theory", "nope", "--only", "flow.*"]) == 2


def test_proofs_never_use_a_module_level_sigma():
    """Every proof reads D from the theory: an import of the display definitions or of SymPy's σ-like
    helpers in proofs/ would let a verdict ignore ``--theory`` (the matrix would not move)."""
    import ast
    from pathlib import Path

    import ska_theory.proofs as proofs

    offenders = []
    for path in sorted(Path(proofs.__path__[0]).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            display_only = "ska_theory.symbolic.definitions"
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(display_only)]
    assert not offenders, offenders
