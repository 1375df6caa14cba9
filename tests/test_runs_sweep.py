"""Sweeps: the TOML schema, its errors, and identical results from every backend (loky, Dask)."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

from ska_theory.cli import main
from ska_theory.errors import ArgumentError, InputError
from ska_theory.runs import Cache, DiscreteConfig, load_sweep, sweep
from ska_theory.runs.cache import environment
from ska_theory.runs.parallel import _check_worker, expand

# The package re-exports the function sweep(), which hides the module of the same name.
sweep_module = importlib.import_module("ska_theory.runs.parallel")


EXAMPLE = Path(__file__).resolve().parent.parent / "sims" / "example.toml"

TINY = """
name = "tiny"
[base]
data = "tiny.npz"
layers = [16, 8, 4]
scale = 0.5
[grid]
seed = [0, 1]
[[cases]]
kind = "discrete"
eta = 0.5
steps = 6
[[cases]]
kind = "discrete"
variant = "reference-code"
eta = 0.5
steps = 6
dtype = "float32"
[[cases]]
kind = "continuous"
T = 0.5
grid = 7
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A sweep file of 6 tiny runs beside its data (the path in the file is relative)."""
    d = tmp_path_factory.mktemp("sweep")
    np.savez(d / "tiny.npz", X=np.random.default_rng(0).random((40, 16)))
    (d / "tiny.toml").write_text(TINY, encoding="utf-8")
    return d / "tiny.toml"


def test_example_file_expands_cases_times_grid():
    spec = load_sweep(EXAMPLE)
    assert spec.name == "example"
    got = [(c.kind, c.seed) for c in spec.configs]
    assert got == [("discrete", 0), ("discrete", 1), ("continuous", 0), ("continuous", 1)]
    assert all(c.layers == (784, 8, 4) for c in spec.configs)


def test_grid_is_a_product_in_file_order():
    points = [v for _, v in expand({"kind": "discrete"}, {"seed": [0, 1], "eta": [0.1, 0.2, 0.3]})]
    assert [(p["seed"], p["eta"]) for p in points] == [(s, e) for s in (0, 1) for e in (0.1, 0.2, 0.3)]


def test_relative_paths_are_relative_to_the_file(tiny):
    assert {c.data for c in load_sweep(tiny).configs} == {str(tiny.parent / "tiny.npz")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[base\nkind = 1", "invalid TOML.*line 1"),
        (
            '[base]\nkind = "discrete"\netaa = 0.1\nsteps = 3',
            "unknown field 'etaa' \\(did you mean 'eta'\\?\\)",
        ),
        ('[bsae]\nkind = "discrete"', "unknown top-level key 'bsae'"),
        (
            '[base]\nkind = "discrete"\nsteps = 3\n[grid]\neta = 0.1',
            "\\[grid\\] eta = 0.1: must be a non-empty list",
        ),
        ('[base]\nkind = "discrete"\nsteps = 3\n[grid]\neta = []', "eta = \\[\\]"),
        ('[base]\nkind = "discrete"\nsteps = 3\n[grid]\neta = [0.1, -1]', "eta=-1: must be a positive"),
        (
            '[grid]\neta = [0.1]\n[[cases]]\nkind = "discrete"\neta = 0.2',
            "\\[\\[cases\\]\\] #1: field 'eta' is also in \\[grid\\]",
        ),
        ('[base]\nkind = "discrete"\neta = 0.1\nsteps = 3\nT = 1.0', "T=1.0: applies to kind 'continuous'"),
        ("base = 3", "\\[base\\] must be a table"),
    ],
)
def test_bad_sweep_file_exits_2_naming_the_problem(tmp_path, capsys, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["sweep", str(path), "--no-cache", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ska-theory: error: {path}: ") and len(err.strip().splitlines()) == 1
    with pytest.raises(ValueError, match=message):
        load_sweep(path)


def test_missing_file_and_bad_inputs_fail_before_running(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "none.toml")]) == 2
    assert "none.toml: file not found" in capsys.readouterr().err
    path = tmp_path / "wrong-layers.toml"
    path.write_text('[base]\nkind = "discrete"\nlayers = [10, 4]\neta = 0.1\nsteps = 3\n', encoding="utf-8")
    assert main(["sweep", str(path), "--cache-dir", str(tmp_path / "c"), "-q"]) == 2
    assert "does not fit the data (784 features)" in capsys.readouterr().err
    assert not list((tmp_path / "c").rglob("*.npz"))


def test_sweep_cli_prints_the_table_and_uses_the_cache(tiny, tmp_path, capsys):
    argv = ["sweep", str(tiny), "--jobs", "1", "--cache-dir", str(tmp_path), "-q"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "6 runs: 0 cached, 6 computed" in out and "variant=reference-code" in out
    assert main(argv) == 0
    assert "6 runs: 6 cached, 0 computed" in capsys.readouterr().out
    assert main([*argv, "--no-cache"]) == 0
    assert "0 cached, 6 computed" in capsys.readouterr().out


def test_equal_configs_are_computed_once(tiny, tmp_path):
    config = load_sweep(tiny).configs[0]
    items = sweep([config, config], jobs=1, cache=Cache(tmp_path))
    assert items[0] is items[1] and Cache(tmp_path).info().entries == 1


def test_a_worker_with_other_code_is_refused():
    other = {**environment(), "sources": "0" * 64}
    with pytest.raises(InputError, match="sources"):
        _check_worker(other)
    _check_worker(environment())


def _assert_identical(a, b):
    assert [x.config for x in a] == [y.config for y in b]
    for x, y in zip(a, b, strict=True):
        assert x.result.identical(y.result), x.config
        for name, arr in x.result.arrays().items():
            assert np.array_equal(arr, y.result.arrays()[name]), name


@pytest.mark.slow
def test_results_are_identical_on_every_backend(tiny, tmp_path):
    """In this process, on 2 loky processes and on a 2-process Dask cluster: the same bits, and the
    same cache entry bytes."""
    distributed = pytest.importorskip("dask.distributed")
    configs = load_sweep(tiny).configs
    serial = sweep(configs, jobs=1, cache=Cache(tmp_path / "serial"))
    loky = sweep(configs, jobs=2, cache=Cache(tmp_path / "loky"))
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        dask = sweep(configs, scheduler=cluster.scheduler_address, cache=Cache(tmp_path / "dask"))
    assert not any(x.cached for x in serial + loky + dask)
    _assert_identical(serial, loky)
    _assert_identical(serial, dask)
    for item in serial:
        entries = {
            name: Cache(tmp_path / name).paths(item.key)[0].read_bytes()
            for name in ("serial", "loky", "dask")
        }
        assert entries["serial"] == entries["loky"] == entries["dask"]
    # And what the Dask workers stored is what this process reads back.
    again = sweep(configs, jobs=2, cache=Cache(tmp_path / "dask"))
    assert all(x.cached for x in again)
    _assert_identical(serial, again)


def test_unreachable_scheduler_is_a_usage_error(tiny, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(sweep_module, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ArgumentError, match=r"scheduler='tcp://127\.0\.0\.1:9': cannot connect"):
        sweep(load_sweep(tiny).configs[:1], scheduler="tcp://127.0.0.1:9", use_cache=False)


def test_jobs_must_be_positive(tiny, capsys):
    with pytest.raises(ArgumentError, match="jobs=0: must be at least 1"):
        sweep([DiscreteConfig(eta=0.1, steps=2)], jobs=0, use_cache=False)
    assert main(["sweep", str(tiny), "--jobs", "0", "--no-cache", "-q"]) == 2
    assert "--jobs 0: must be at least 1" in capsys.readouterr().err
