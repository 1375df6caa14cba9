"""Data, parameters and forward pass of the network (shared by the discrete and continuous engines)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ska_theory.errors import ArgumentError
from ska_theory.network.data import load_dataset
from ska_theory.network.forward import forward
from ska_theory.network.params import check_layers, init_params, layer_sizes, load_params, save_params

DATA = Path(__file__).parent / "data"


def test_bundled_mnist_subset():
    d = load_dataset()
    assert d.X.shape == (1000, 784) and d.X.dtype == np.float64
    assert 0.0 <= d.X.min() and d.X.max() == 1.0
    assert np.bincount(d.labels).tolist() == [100] * 10


def test_user_npz_and_bad_inputs(tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, X=np.ones((3, 2)), labels=np.array([0, 1, 0]))
    assert load_dataset(str(good)).X.shape == (3, 2)
    bad = tmp_path / "nan.npz"
    np.savez(bad, X=np.array([[0.0, np.nan]]))
    with pytest.raises(
        ValueError, match=r"^data='.*nan.npz': X has a non-finite value nan at index \(0, 1\)$"
    ):
        load_dataset(str(bad))
    with pytest.raises(ArgumentError, match="not found") as e:
        load_dataset(str(tmp_path / "nope.npz"))
    assert e.value.name == "data"
    with pytest.raises(ArgumentError, match="data='cifar': not a bundled data set"):
        load_dataset("cifar")


def test_layers_must_fit_data():
    assert check_layers([784, 10], 784) == (784, 10)
    with pytest.raises(ArgumentError, match=r"layers=\(100, 10\): input size 100 does not fit") as e:
        check_layers([100, 10], 784)
    assert e.value.name == "layers"
    for bad, why in [
        ((784,), "at least one layer"),
        ((784, 0), "positive"),
        ("784,10", "list"),
        ((784, 2.5), "integers"),
    ]:
        with pytest.raises(ArgumentError, match=why):
            check_layers(bad)


def test_reference_weights_roundtrip(tmp_path):
    p = load_params(DATA / "initial_weights_seed42.npz")
    assert layer_sizes(p) == (784, 256, 128, 64, 10)
    np.savez(tmp_path / "p.npz", **save_params(p))
    q = load_params(tmp_path / "p.npz")
    assert all(np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b) for a, b in zip(p, q, strict=True))


def test_init_is_seeded_and_forward_matches_definition():
    p = init_params((5, 4, 3), seed=1, scale=0.5)
    assert np.array_equal(p[0].W, init_params((5, 4, 3), seed=1, scale=0.5)[0].W)
    X = np.random.default_rng(0).random((7, 5))
    Zs, Ds = forward(p, X)
    Z1 = X @ p[0].W
    np.testing.assert_allclose(Zs[0], Z1)
    np.testing.assert_allclose(Ds[1], 1 / (1 + np.exp(-(Ds[0] @ p[1].W))))
