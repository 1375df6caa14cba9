"""Run configs (DiscreteConfig | FlowConfig): validation naming the field, defaults, keys."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ska_theory.errors import ArgumentError, InputError
from ska_theory.network import defaults
from ska_theory.network.params import init_params, save_params
from ska_theory.runs import DiscreteConfig, FlowConfig, RunConfig, cache_key

DISCRETE = {"kind": "discrete", "layers": (16, 8, 4), "eta": 0.1, "steps": 5}
CONTINUOUS = {"kind": "continuous", "layers": (16, 8, 4), "T": 0.5}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Two data files and two weight files with different content, and a copy of the first data file."""
    d = tmp_path_factory.mktemp("inputs")
    rng = np.random.default_rng(0)
    np.savez(d / "a.npz", X=rng.random((20, 16)))
    np.savez(d / "b.npz", X=rng.random((20, 16)))
    (d / "a_copy.npz").write_bytes((d / "a.npz").read_bytes())
    np.savez(d / "w1.npz", **save_params(init_params((16, 8, 4), seed=1)))
    np.savez(d / "w2.npz", **save_params(init_params((16, 8, 4), seed=2)))
    return d


def make(values: dict) -> RunConfig:
    return RunConfig.from_mapping(values)


def test_the_kind_picks_the_member_and_its_defaults():
    d = make(DISCRETE)
    assert type(d) is DiscreteConfig and d.kind == "discrete"
    assert (d.variant, d.seed, d.scale, d.dtype, d.input_scale) == ("paper", 42, 0.01, "float64", 1.0)
    assert not hasattr(d, "T") and not hasattr(d, "grid")
    c = make(CONTINUOUS)
    assert type(c) is FlowConfig and c.kind == "continuous"
    assert (c.method, c.rtol, c.atol, c.grid, c.events) == ("DOP853", 1e-8, 1e-10, 101, True)
    assert not hasattr(c, "eta") and not hasattr(c, "variant")
    # the defaults are the network's, the one place the CLI reads them too
    plain = make({"kind": "discrete"})
    assert (plain.seed, plain.scale, plain.eta, plain.steps, plain.data) == (
        defaults.SEED,
        defaults.INIT_SCALE,
        defaults.ETA,
        defaults.STEPS,
        defaults.DATA,
    )
    assert (c.method, c.rtol, c.atol, c.grid) == (
        defaults.METHOD,
        defaults.RTOL,
        defaults.ATOL,
        defaults.GRID,
    )
    assert make({"kind": "discrete"}).layers == (784, 256, 128, 64, 10) == defaults.LAYERS
    assert d.replace(variant="reference-code").dtype == "float32"  # the authors' precision
    assert d.replace(dtype="float32").replace(variant="reference-code", dtype="float64").dtype == "float64"
    assert isinstance(make({**DISCRETE, "eta": 1}).eta, float)  # 1 and 1.0 are one run
    assert DiscreteConfig(layers=(16, 8, 4), eta=0.1, steps=5) == d  # the members build directly too
    with pytest.raises(TypeError, match=r"DiscreteConfig \| FlowConfig"):
        RunConfig()


def test_replace_can_change_the_kind():
    d = make(DISCRETE)
    c = d.replace(kind="continuous", T=0.5)
    assert type(c) is FlowConfig and c == make(CONTINUOUS)
    assert type(c.replace(kind="discrete", eta=0.1, steps=5)) is DiscreteConfig


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "flow"}, "kind='flow'"),
        ({"eta": -0.1}, "eta=-0.1"),
        ({"eta": float("nan")}, "eta=nan"),
        ({"eta": "0.1"}, "eta='0.1'"),
        ({"steps": 1}, "steps=1"),
        ({"steps": 2.5}, "steps=2.5"),
        ({"steps": True}, "steps=True"),
        ({"variant": "torch"}, "variant='torch'"),
        ({"dtype": "float16"}, "dtype='float16'"),
        ({"layers": (16, 0)}, "layers=\\(16, 0\\): sizes must be positive"),
        ({"layers": (16,)}, "layers=\\(16,\\)"),
        ({"layers": "16,8"}, "layers='16,8'"),
        ({"seed": -1}, "seed=-1"),
        ({"scale": 0}, "scale=0"),
        ({"input_scale": float("inf")}, "input_scale=inf"),
        ({"T": 1.0}, "T=1.0: applies to kind 'continuous'"),
        ({"data": "cifar"}, "data='cifar'"),
        ({"data": "missing.npz"}, "data='missing.npz': file not found"),
        ({"weights": "missing.npz"}, "weights='missing.npz'"),
        ({"weights_sha256": "00"}, "weights_sha256"),
    ],
)
def test_bad_values_name_the_field_and_value(changes, message):
    with pytest.raises(ArgumentError, match=message) as e:
        make({**DISCRETE, **changes})
    assert e.value.name == next(iter(changes))


def test_continuous_needs_T_and_checks_its_fields():
    with pytest.raises(ArgumentError, match=r"^T: required for kind 'continuous'$"):
        make({"kind": "continuous"})
    for name, value in [
        ("method", "Euler"),
        ("method", "Radau"),
        ("rtol", 0.0),
        ("atol", -1.0),
        ("grid", 1),
        ("events", "yes"),
    ]:
        with pytest.raises(ArgumentError, match=f"{name}=") as e:
            make({**CONTINUOUS, name: value})
        assert e.value.name == name


def test_unknown_field_is_named_with_a_suggestion():
    with pytest.raises(InputError, match="unknown field 'etaa' \\(did you mean 'eta'\\?\\)"):
        make({**DISCRETE, "etaa": 0.1})
    with pytest.raises(ArgumentError, match="kind: required"):
        make({"eta": 0.1})
    with pytest.raises(ArgumentError, match="grid=11: applies to kind 'continuous', not 'discrete'"):
        make({**DISCRETE, "grid": 11})


def test_seed_and_weights_are_exclusive(inputs):
    with pytest.raises(ArgumentError, match="seed=3: give either seed/scale or weights"):
        make({**DISCRETE, "seed": 3, "weights": str(inputs / "w1.npz")})


def test_input_files_enter_by_content(inputs):
    a = make({**DISCRETE, "data": str(inputs / "a.npz")})
    assert a.data_sha256 is not None and a.data == str((inputs / "a.npz").resolve())
    copy = make({**DISCRETE, "data": str(inputs / "a_copy.npz")})
    assert cache_key(copy) == cache_key(a)  # same bytes, another path: the same run
    assert cache_key(a.replace(data=str(inputs / "b.npz"))) != cache_key(a)
    with pytest.raises(ArgumentError, match="differs from the pinned"):
        make({**DISCRETE, "data": str(inputs / "b.npz"), "data_sha256": a.data_sha256})
    w = make({**DISCRETE, "layers": None, "weights": str(inputs / "w1.npz")})
    assert w.layers == (16, 8, 4) and w.seed is None and w.weights_sha256 is not None
    with pytest.raises(
        ArgumentError, match=r"layers=\(16, 8, 3\): differs from weights='.*w1.npz' \(layers 16,8,4\)"
    ):
        make({**DISCRETE, "layers": (16, 8, 3), "weights": str(inputs / "w1.npz")})
    # the bundled data set enters by content too
    assert make(DISCRETE).identity()["data_sha256"] is not None


def test_cache_key_changes_when_any_field_changes(inputs):
    d = make({**DISCRETE, "data": str(inputs / "a.npz")})
    c = make({**CONTINUOUS, "data": str(inputs / "a.npz")})
    w1 = d.replace(weights=str(inputs / "w1.npz"))
    # field -> (config, the same config with that field changed)
    changes = {
        "kind": (d, d.replace(kind="continuous", T=0.5)),
        "data": (d, d.replace(data=str(inputs / "b.npz"))),
        "data_sha256": (d, d.replace(data=str(inputs / "b.npz"))),
        "layers": (d, d.replace(layers=(16, 8, 3))),
        "seed": (d, d.replace(seed=1)),
        "scale": (d, d.replace(scale=0.02)),
        "weights": (d, w1),
        "weights_sha256": (w1, w1.replace(weights=str(inputs / "w2.npz"))),
        "input_scale": (d, d.replace(input_scale=2.0)),
        "dtype": (d, d.replace(dtype="float32")),
        "variant": (d, d.replace(variant="reference-code")),
        "eta": (d, d.replace(eta=0.2)),
        "steps": (d, d.replace(steps=6)),
        "T": (c, c.replace(T=0.6)),
        "method": (c, c.replace(method="RK45")),
        "rtol": (c, c.replace(rtol=1e-7)),
        "atol": (c, c.replace(atol=1e-9)),
        "grid": (c, c.replace(grid=11)),
        "events": (c, c.replace(events=False)),
    }
    # Every field of both members is covered, so a new field cannot slip past this test.
    fields = {f.name for member in (DiscreteConfig, FlowConfig) for f in dataclasses.fields(member)}
    assert set(changes) == fields | {"kind"}
    for name, (before, after) in changes.items():
        assert getattr(before, name) != getattr(after, name), name
        assert cache_key(before) != cache_key(after), name
    configs = {cache_key(x): x for pair in changes.values() for x in pair}
    assert len(configs) == len(set(configs.values()))  # and distinct configs never share a key


@settings(max_examples=50, deadline=None)
@given(st.floats(1e-6, 10.0), st.floats(1e-6, 10.0), st.integers(0, 2**32), st.integers(0, 2**32))
def test_cache_key_equal_exactly_when_configs_are(eta1, eta2, seed1, seed2):
    a = make({**DISCRETE, "eta": eta1, "seed": seed1})
    b = make({**DISCRETE, "eta": eta2, "seed": seed2})
    assert (cache_key(a) == cache_key(b)) == (eta1 == eta2 and seed1 == seed2)
