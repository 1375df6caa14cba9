"""``ska-theory discrete``: documented keys and shapes, defaults, and every bad input (exit 2, no file)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ska_theory.cli import main
from ska_theory.cli.discrete import EPILOG
from ska_theory.network.data import load_dataset
from ska_theory.network.discrete import run_discrete
from ska_theory.network.params import init_params

README = Path(__file__).parent.parent / "README.md"
SIZES = (6, 4, 3)  # input, hidden, output


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "tiny.npz"
    np.savez(path, X=np.random.default_rng(0).random((9, SIZES[0])), labels=np.arange(9) % 3)
    return path


def cli(*argv: str) -> int:
    return main(["discrete", *argv])


def tiny_args(data: Path, out: Path, *extra: str) -> list[str]:
    return ["--data", str(data), "--layers", ",".join(map(str, SIZES)), "--out", str(out), "-q", *extra]


def documented_shapes() -> dict[str, tuple[str, str]]:
    """key -> (paper shape, reference-code shape) as written in the --help epilog table."""
    rows = re.findall(r"^  (\w+)\s+(\([^)]*\))\s+(\([^)]*\))", EPILOG, flags=re.MULTILINE)
    return {key: (paper, ref) for key, paper, ref in rows}


@pytest.mark.parametrize("variant", ["paper", "reference-code"])
def test_writes_documented_keys_and_shapes(data, tmp_path, variant):
    out, steps = tmp_path / "run.npz", 5
    assert cli("--variant", variant, "--steps", str(steps), "--eta", "0.1", *tiny_args(data, out)) == 0
    saved = np.load(out)
    shapes = documented_shapes()
    assert len(shapes) == 11
    L = len(SIZES) - 1
    values = {"K": steps, "L": L, "n_out": SIZES[-1]}
    for key, documented in shapes.items():
        expected = eval(documented[variant == "reference-code"], {}, values)  # e.g. "(L, K-1)"
        assert saved[key].shape == expected, key
    weights = {f"{p}{i}" for i in range(L) for p in "Wb"}
    assert set(saved.files) == set(shapes) | weights
    assert saved["W0"].shape == (SIZES[0], SIZES[1]) and saved["b1"].shape == (SIZES[2],)
    readme = README.read_text(encoding="utf-8")
    assert all(f"`{key}`" in readme for key in shapes), "README must document every key"


def test_output_equals_the_api_run(data, tmp_path):
    out = tmp_path / "run.npz"
    assert (
        cli("--variant", "paper", "--steps", "4", "--eta", "0.2", "--seed", "3", *tiny_args(data, out)) == 0
    )
    params = init_params(SIZES, seed=3, scale=0.01)
    run = run_discrete(params, load_dataset(str(data)).X, variant="paper", eta=0.2, steps=4)
    saved = np.load(out)
    for name, values in run.metrics.items():
        np.testing.assert_array_equal(saved[name], values)
    np.testing.assert_array_equal(saved["W1"], run.params[1].W)


@pytest.mark.parametrize(
    ("variant", "dtype_opt", "dtype"),
    [
        ("paper", [], np.float64),
        ("reference-code", [], np.float32),
        ("paper", ["--dtype", "float32"], np.float32),
        ("reference-code", ["--dtype", "float64"], np.float64),
    ],
)
def test_default_dtype_per_variant(data, tmp_path, variant, dtype_opt, dtype):
    out = tmp_path / "run.npz"
    assert cli("--variant", variant, "--steps", "2", *tiny_args(data, out, *dtype_opt)) == 0
    saved = np.load(out)
    assert all(saved[k].dtype == dtype for k in saved.files)


def test_out_name_without_suffix_is_kept(data, tmp_path):
    out = tmp_path / "histories"
    assert cli("--variant", "paper", "--steps", "2", *tiny_args(data, out)) == 0
    assert out.is_file() and not (tmp_path / "histories.npz").exists()
    assert "entropy" in np.load(out).files


def test_init_weights_file(data, tmp_path, capsys):
    weights = tmp_path / "w.npz"
    W = [np.full((6, 4), 0.1), np.full((4, 3), -0.2)]
    np.savez(weights, W0=W[0], W1=W[1], b1=np.ones(3))
    out = tmp_path / "run.npz"
    argv = ["--data", str(data), "--init-weights", str(weights), "--out", str(out), "-q"]
    assert cli("--variant", "paper", "--steps", "2", "--eta", "1e-9", *argv) == 0
    np.testing.assert_allclose(np.load(out)["b1"], np.ones(3), atol=1e-6)
    out.unlink()
    assert cli("--variant", "paper", "--layers", "6,5,3", *argv) == 2
    assert "--layers 6,5,3: differs from --init-weights" in capsys.readouterr().err
    assert not out.exists()


def test_progress_and_quiet(data, tmp_path, capsys):
    out = tmp_path / "run.npz"
    argv = ["--variant", "paper", "--steps", "2", "--data", str(data), "--layers", "6,3", "--out", str(out)]
    assert cli(*argv) == 0
    assert str(out) in capsys.readouterr().err
    assert cli(*argv, "--quiet") == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--eta", "0"], "eta 0.0"),
        (["--eta", "-0.5"], "eta -0.5"),
        (["--eta", "nan"], "eta nan"),
        (["--eta", "inf"], "eta inf"),
        (["--eta", "fast"], "'fast'"),
        (["--steps", "1"], "steps 1"),
        (["--steps", "0"], "steps 0"),
        (["--steps", "ten"], "'ten'"),
        (["--layers", "5,4,3"], "--layers 5,4,3"),
        (["--layers", "6,x"], "'6,x'"),
        (["--layers", "6,0"], "--layers 6,0"),
        (["--variant", "backprop"], "'backprop'"),
        (["--dtype", "float16"], "'float16'"),
        (["--init-scale", "-1"], "--init-scale -1"),
        (["--seed", "-3"], "--seed -3"),
        (["--init-weights", "missing.npz"], "missing.npz"),
        (["--data", "cifar"], "'cifar'"),
    ],
)
def test_bad_input_exits_2_naming_the_value(data, tmp_path, capsys, argv, named):
    out = tmp_path / "run.npz"
    base = ["--variant", "paper", "--steps", "3", *tiny_args(data, out)]
    code = cli(*base, *argv)  # a repeated option: the later value wins
    err = capsys.readouterr().err
    assert code == 2
    assert named in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.npz"]  # nothing written, no temp file


def test_nan_in_data_and_bad_weights_and_out_dir(tmp_path, capsys):
    nan_data = tmp_path / "nan.npz"
    X = np.ones((4, 6))
    X[1, 2] = np.nan
    np.savez(nan_data, X=X)
    out = tmp_path / "run.npz"
    assert cli("--variant", "paper", "--data", str(nan_data), "--layers", "6,2", "--out", str(out)) == 2
    assert "nan" in capsys.readouterr().err
    weights = tmp_path / "w.npz"
    np.savez(weights, W0=np.ones((5, 2)))
    good = tmp_path / "good.npz"
    np.savez(good, X=np.ones((4, 6)))
    assert (
        cli("--variant", "paper", "--data", str(good), "--init-weights", str(weights), "--out", str(out)) == 2
    )
    assert "input size 5" in capsys.readouterr().err
    assert cli("--variant", "paper", "--data", str(good), "--out", str(tmp_path / "no" / "r.npz")) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not out.exists()


def test_missing_required_options(capsys):
    assert cli("--variant", "paper") == 2
    assert "--out" in capsys.readouterr().err


def test_diverging_run_is_refused_and_nothing_written(data, tmp_path, capsys):
    out = tmp_path / "run.npz"
    assert cli("--variant", "paper", "--eta", "1e300", *tiny_args(data, out)) == 2
    err = capsys.readouterr().err
    assert "--eta 1e+300: the run diverged" in err and err.count("\n") == 1
    assert not out.exists()
