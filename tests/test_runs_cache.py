"""The run cache: content keys, exact round trip, corrupt entries recomputed, atomic writes, CLI."""

from __future__ import annotations

import importlib
import logging
import shutil

import numpy as np
import pytest

from ska_theory import provenance
from ska_theory.cli import main
from ska_theory.io import atomic_write
from ska_theory.runs import (
    Cache,
    DiscreteConfig,
    FlowConfig,
    RunResult,
    cache_key,
    cached_run,
    default_cache_dir,
    run,
)

cache_module = importlib.import_module("ska_theory.runs.cache")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "tiny.npz"
    np.savez(path, X=np.random.default_rng(0).random((40, 16)))
    return str(path)


@pytest.fixture(scope="module")
def configs(data):
    tiny = {"data": data, "layers": (16, 8, 4), "seed": 3, "scale": 0.5}
    return {
        "discrete": DiscreteConfig(eta=0.5, steps=6, **tiny),
        "continuous": FlowConfig(T=0.5, grid=7, **tiny),
    }


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """Copies of the numeric core and of a package no run depends on, which ``package_digest`` reads
    instead of the installed ones; returns their folders. The caches of the digest are cleared."""
    copies = {}
    for package in ("ska_theory.network", "ska_theory.runs", "ska_theory.report"):
        copies[package] = tmp_path / package
        shutil.copytree(provenance.package_folder(package), copies[package])
    real = provenance.package_folder
    monkeypatch.setattr(provenance, "package_folder", lambda p: copies.get(p) or real(p))

    def fresh() -> None:
        provenance.package_digest.cache_clear()
        provenance.git_state.cache_clear()
        cache_module.environment.cache_clear()

    fresh()
    yield copies, fresh
    fresh()


def test_key_follows_the_numeric_sources_not_the_commit(configs, sources, monkeypatch):
    """A commit that touches no numeric source keeps every key; an edit of the numeric core changes it."""
    copies, fresh = sources
    before = {kind: cache_key(c) for kind, c in configs.items()}
    # another commit, a report module and a README edited: the same keys
    monkeypatch.setattr(provenance, "_git", lambda *args: "f" * 40)  # every git query: another commit
    provenance.git_state.cache_clear()
    (copies["ska_theory.report"] / "html.py").write_text("# edited\n", encoding="utf-8")
    (copies["ska_theory.network"] / "README.md").write_text("not a source\n", encoding="utf-8")
    fresh()
    assert {kind: cache_key(c) for kind, c in configs.items()} == before
    # a comment added to the flow's source: every key changes
    flow = copies["ska_theory.network"] / "flow.py"
    flow.write_text(flow.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    fresh()
    after = {kind: cache_key(c) for kind, c in configs.items()}
    assert all(after[k] != before[k] for k in before)
    # and the run layer's sources count as well
    flow.write_text(flow.read_text(encoding="utf-8")[: -len("# edited\n")], encoding="utf-8")
    fresh()
    assert {kind: cache_key(c) for kind, c in configs.items()} == before
    execute = copies["ska_theory.runs"] / "execute.py"
    execute.write_text(execute.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fresh()
    assert all(cache_key(c) != before[k] for k, c in configs.items())


def test_key_holds_the_library_versions_and_no_commit():
    env = cache_module.environment()
    assert set(env) == {"format", "sources", "numpy", "scipy"}
    assert env["sources"] == provenance.package_digest(("ska_theory.network", "ska_theory.runs"))
    assert env["numpy"] == np.__version__


def _entry_files(cache: Cache) -> list:
    return sorted(p for p in cache.root.rglob("*") if p.is_file())


@pytest.mark.parametrize("kind", ["discrete", "continuous"])
def test_round_trip_is_exact(tmp_path, configs, kind, monkeypatch):
    cache = Cache(tmp_path)
    first = cached_run(configs[kind], cache)
    assert cache.info().entries == 1
    assert first.identical(run(configs[kind]))  # a run is a pure function of its config
    monkeypatch.setattr(cache_module, "run", lambda *a, **k: pytest.fail("recomputed a cached run"))
    again = cached_run(configs[kind], cache)
    assert again.identical(first)
    arrays = again.arrays()
    assert all(a.dtype == b.dtype for a, b in zip(arrays.values(), first.arrays().values(), strict=True))
    assert RunResult.from_arrays(configs[kind], arrays).identical(first)
    assert (again.status, again.nfev, again.n_steps, again.t_final) == (
        first.status,
        first.nfev,
        first.n_steps,
        first.t_final,
    )
    if kind == "continuous":  # events: per-layer arrays, some empty, some not, all back in place
        sizes = [len(times) for per_layer in again.events.values() for times in per_layer]
        assert len(sizes) == 2 * 2 and 0 in sizes and max(sizes) > 0
        assert again.status == "finished" and again.nfev > 0
    else:
        assert again.t_state is not None and again.times("z_fro") is again.t_state


def test_use_cache_false_bypasses_the_cache(tmp_path, configs):
    cache = Cache(tmp_path)
    cached_run(configs["discrete"], cache, use_cache=False)
    assert _entry_files(cache) == []


@pytest.mark.parametrize(
    "damage",
    [
        "truncate-npz",
        "flip-byte-npz",
        "empty-npz",
        "missing-npz",
        "garbage-sidecar",
        "sidecar-of-another-run",
    ],
)
def test_corrupt_entry_is_detected_removed_and_recomputed(tmp_path, configs, damage, caplog):
    cache = Cache(tmp_path)
    config = configs["discrete"]
    good = cached_run(config, cache)
    npz, sidecar = cache.paths(cache_key(config))
    blob = npz.read_bytes()
    if damage == "truncate-npz":
        npz.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip-byte-npz":
        npz.write_bytes(blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:])
    elif damage == "empty-npz":
        npz.write_bytes(b"")
    elif damage == "missing-npz":
        npz.unlink()
    elif damage == "garbage-sidecar":
        sidecar.write_text("{not json", encoding="utf-8")
    else:
        other = configs["continuous"]
        sidecar.write_text(
            sidecar.read_text(encoding="utf-8").replace(config.kind, other.kind), encoding="utf-8"
        )
    with caplog.at_level(logging.WARNING, logger="ska_theory.runs.cache"):
        assert cache.load(config) is None
    assert "corrupt" in caplog.text
    assert _entry_files(cache) == []  # removed
    assert cached_run(config, cache).identical(good)  # and recomputed
    assert cache.load(config) is not None


@pytest.mark.parametrize("fail_at", ["npz", "sidecar"])
def test_interrupted_write_leaves_no_entry(tmp_path, configs, monkeypatch, fail_at):
    cache = Cache(tmp_path)
    result = run(configs["discrete"])

    def half_then_fail(path, _content):
        """The real atomic write, with a writer interrupted halfway through."""

        def broken(tmp):
            tmp.write_bytes(b"PK\x03\x04 half an entry")
            raise KeyboardInterrupt

        atomic_write(path, broken)

    target = "atomic_write_bytes" if fail_at == "npz" else "atomic_write_text"
    monkeypatch.setattr(cache_module, target, half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        cache.store(result)
    assert _entry_files(cache) == []
    assert cache.load(configs["discrete"]) is None


def test_orphan_npz_is_not_an_entry(tmp_path, configs):
    cache = Cache(tmp_path)
    cached_run(configs["discrete"], cache)
    npz, sidecar = cache.paths(cache_key(configs["discrete"]))
    sidecar.unlink()
    assert cache.info().stray == 1
    assert cache.load(configs["discrete"]) is None and not npz.exists()


def test_entry_bytes_do_not_depend_on_when_they_were_written(tmp_path, configs):
    result = run(configs["continuous"])
    a, b = Cache(tmp_path / "a"), Cache(tmp_path / "b")
    assert a.store(result).read_bytes() == b.store(result).read_bytes()


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.setenv("SKA_THEORY_CACHE", str(tmp_path / "here"))
    assert default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("SKA_THEORY_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / ".cache" / "ska-theory"


def test_cache_cli_info_and_clear(tmp_path, configs, capsys, monkeypatch):
    monkeypatch.setenv("SKA_THEORY_CACHE", str(tmp_path))
    cache = Cache.default()
    for config in configs.values():
        cached_run(config, cache)
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("not the cache's", encoding="utf-8")
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert f"location: {tmp_path}" in out and "entries:  2" in out
    size = sum(p.stat().st_size for p in (tmp_path / "runs").rglob("*") if p.is_file())
    assert f"{size / 1024:.1f} KiB" in out
    assert main(["cache", "clear"]) == 0
    assert "removed 2 entries" in capsys.readouterr().out
    assert cache.info().entries == 0 and not list((tmp_path / "runs").rglob("*.npz"))
    assert unrelated.exists()


def test_unwritable_cache_dir_is_a_usage_error(tmp_path, configs, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    toml = tmp_path / "s.toml"
    toml.write_text(
        f'[base]\nkind = "discrete"\ndata = "{configs["discrete"].data}"\n'
        "layers = [16, 4]\neta = 0.1\nsteps = 3\n",
        encoding="utf-8",
    )
    assert main(["sweep", str(toml), "--cache-dir", str(blocker), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"--cache-dir {str(blocker)!r}: cannot create the cache directory" in err
