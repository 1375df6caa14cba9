"""``ska-theory integrate``: documented keys, equality with the API run, every bad input (exit 2, no file)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ska_theory.cli import main
from ska_theory.cli.integrate import EPILOG
from ska_theory.network.data import load_dataset
from ska_theory.network.flow import Flow
from ska_theory.network.integrate import integrate_flow
from ska_theory.network.params import init_params

README = Path(__file__).parent.parent / "README.md"
SIZES = (6, 4, 3)


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "tiny.npz"
    X = np.random.default_rng(0).random((9, SIZES[0]))
    X[:, 1] = 0.0
    np.savez(path, X=X)
    return path


def cli(*argv: str) -> int:
    return main(["integrate", *argv])


def tiny_args(data: Path, out: Path, *extra: str) -> list[str]:
    layers = ",".join(map(str, SIZES))
    model = ["--data", str(data), "--layers", layers]
    return ["--T", "0.5", "--grid", "11", *model, "--out", str(out), "-q", *extra]


def documented_keys() -> list[str]:
    return re.findall(r"^  (\w+)\s+\(", EPILOG, flags=re.MULTILINE)


def test_writes_the_documented_keys_equal_to_the_api_run(data, tmp_path):
    out = tmp_path / "flow.npz"
    assert cli(*tiny_args(data, out, "--seed", "3", "--init-scale", "2")) == 0
    saved = np.load(out)  # no allow_pickle: no object arrays
    L = len(SIZES) - 1
    documented = documented_keys()
    per_layer = [k for k in documented if k.endswith("_l")]
    expected = {k for k in documented if k not in per_layer}
    expected |= {k[:-1] + str(i) for k in per_layer for i in range(L)}
    expected |= {f"{p}_T{i}" for p in "Wb" for i in range(L)}
    assert set(saved.files) == expected
    readme = README.read_text(encoding="utf-8")
    assert all(f"`{k}`" in readme for k in documented), "README must document every key"

    run = integrate_flow(init_params(SIZES, seed=3, scale=2.0), load_dataset(str(data)).X, T=0.5, grid=11)
    np.testing.assert_array_equal(saved["t"], run.t)
    for name, values in run.metrics.items():
        assert saved[name].shape == (L, 11)
        np.testing.assert_array_equal(saved[name], values)
    for i in range(L):
        for name in ("entropy_rate_min", "tensor_net_zero"):
            np.testing.assert_array_equal(saved[f"events_{name}_{i}"], run.events[name][i])
        np.testing.assert_array_equal(saved[f"W_T{i}"], run.params[i].W)
    assert int(saved["nfev"]) == run.nfev > 0 and str(saved["status"]) == "finished"
    assert saved["W_T0"][1].tolist() == init_params(SIZES, seed=3, scale=2.0)[0].W[1].tolist()


def test_float32_and_name_without_suffix(data, tmp_path):
    out = tmp_path / "flow"
    assert cli(*tiny_args(data, out, "--dtype", "float32", "--rtol", "1e-7", "--method", "RK45")) == 0
    assert out.is_file() and not (tmp_path / "flow.npz").exists()
    saved = np.load(out)
    assert saved["W_T0"].dtype == np.float32 and saved["shannon_entropy"].dtype == np.float64
    assert "raised to rtol 1e-06, atol 1e-08" in str(saved["message"])


def test_progress_and_quiet(data, tmp_path, capsys):
    out = tmp_path / "flow.npz"
    argv = tiny_args(data, out)[:-1]
    assert cli(*argv) == 0
    assert str(out) in capsys.readouterr().err
    assert cli(*argv, "--quiet") == 0
    assert capsys.readouterr().err == ""


def test_failed_run_writes_the_partial_result_and_exits_1(data, tmp_path, monkeypatch, capsys):
    original = Flow.__call__

    def poisoned(self, t, y):
        return original(self, t, np.full_like(y, np.nan) if t > 0.1 else y)

    monkeypatch.setattr(Flow, "__call__", poisoned)
    out = tmp_path / "flow.npz"
    assert cli(*tiny_args(data, out)) == 1
    assert "non-finite" in capsys.readouterr().err
    saved = np.load(out)
    assert str(saved["status"]) == "failed" and len(saved["t"]) < 11


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--T", "0"], "--T 0.0"),
        (["--T", "-1"], "--T -1.0"),
        (["--T", "nan"], "--T nan"),
        (["--T", "soon"], "'soon'"),
        (["--method", "Radau"], "--method Radau: implicit"),
        (["--method", "BDF"], "--method BDF: implicit"),
        (["--method", "LSODA"], "--method LSODA: implicit"),
        (["--method", "euler"], "'euler'"),
        (["--rtol", "0"], "--rtol 0.0"),
        (["--rtol=-1e-8"], "--rtol -1e-08"),
        (["--atol", "0"], "--atol 0.0"),
        (["--atol", "inf"], "--atol inf"),
        (["--grid", "1"], "--grid 1"),
        (["--grid", "many"], "'many'"),
        (["--layers", "5,4,3"], "--layers 5,4,3"),
        (["--dtype", "float16"], "'float16'"),
        (["--data", "cifar"], "'cifar'"),
    ],
)
def test_bad_input_exits_2_naming_the_value(data, tmp_path, capsys, argv, named):
    out = tmp_path / "flow.npz"
    code = cli(*tiny_args(data, out), *argv)  # a repeated option: the later value wins
    err = capsys.readouterr().err
    assert code == 2
    assert named in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.npz"]  # nothing written, no temp file


def test_nan_in_data_and_missing_out_dir(tmp_path, capsys):
    nan_data = tmp_path / "nan.npz"
    X = np.ones((4, 6))
    X[1, 2] = np.nan
    np.savez(nan_data, X=X)
    out = tmp_path / "flow.npz"
    assert cli("--T", "0.5", "--data", str(nan_data), "--layers", "6,2", "--out", str(out)) == 2
    assert "nan" in capsys.readouterr().err
    good = tmp_path / "good.npz"
    np.savez(good, X=np.ones((4, 6)))
    missing = tmp_path / "no" / "flow.npz"
    assert cli("--T", "0.5", "--data", str(good), "--layers", "6,2", "--out", str(missing)) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not out.exists()


def test_no_events_writes_empty_event_arrays_and_the_same_metrics(tmp_path):
    X = np.random.default_rng(3).random((40, 20))
    data = tmp_path / "d.npz"
    np.savez(data, X=X)
    model = ["--data", str(data), "--layers", "20,8,4,3", "--init-scale", "1", "--seed", "3", "-q"]
    on, off = tmp_path / "on.npz", tmp_path / "off.npz"
    assert cli("--T", "3", "--grid", "31", *model, "--out", str(on)) == 0
    assert cli("--T", "3", "--grid", "31", *model, "--no-events", "--out", str(off)) == 0
    with_events, without = np.load(on), np.load(off)
    events = [k for k in with_events.files if k.startswith("events_")]
    assert sum(len(with_events[k]) for k in events) >= 2
    assert all(len(without[k]) == 0 for k in events)
    np.testing.assert_array_equal(with_events["entropy_rate"], without["entropy_rate"])
