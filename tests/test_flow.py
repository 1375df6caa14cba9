"""The optimised flow RHS against the plain velocity, and its observables against their definitions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ska_theory.network.flow import Flow, NonFiniteState
from ska_theory.network.forward import forward
from ska_theory.network.metrics import entropy_gradient_z, shannon_entropy_bits, tensor_net_potential
from ska_theory.network.params import Layer, init_params
from ska_theory.network.velocity import velocity

SIZES = (12, 7, 5, 3)


def data(
    n: int = 40,
    d: int = 12,
    zero_cols: tuple[int, ...] = (0, 5, 6),
    seed: int = 0,
    sparse: tuple[int, ...] = (7, 9),
) -> np.ndarray:
    """Random inputs; ``zero_cols`` zero for every sample, ``sparse`` columns nonzero for 2 samples only
    (the flow's sparse product, like MNIST's border pixels)."""
    X = np.random.default_rng(seed).random((n, d))
    X[:, list(zero_cols)] = 0.0
    for c in sparse:
        if c not in zero_cols:
            X[2:, c] = 0.0
    return X


@pytest.mark.parametrize(("seed", "zero_cols"), [(0, (0, 5, 6)), (1, ()), (2, (11,)), (3, tuple(range(12)))])
def test_rhs_equals_plain_velocity_float64(seed, zero_cols):
    X = data(seed=seed, zero_cols=zero_cols)
    p = init_params(SIZES, seed=seed, scale=0.8)
    p = tuple(Layer(lay.W, lay.b + 0.1 * (i + 1)) for i, lay in enumerate(p))  # non-zero biases too
    flow = Flow(SIZES, X)
    got = flow.unpack(flow(0.0, flow.pack(p)))
    want = velocity(p, X)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g.W, w.W, rtol=1e-12, atol=1e-15 * np.abs(w.W).max(initial=1.0))
        np.testing.assert_allclose(g.b, w.b, rtol=1e-12, atol=1e-15 * np.abs(w.b).max(initial=1.0))


def test_unused_input_rows_have_exactly_zero_derivative():
    X = data(zero_cols=(0, 5, 6))
    p = init_params(SIZES, seed=3, scale=0.5)
    flow = Flow(SIZES, X)
    assert flow.unused_inputs.tolist() == [0, 5, 6] and flow.sparse_inputs.tolist() == [7, 9]
    v = flow.velocity(p)
    assert np.all(v[0].W[[0, 5, 6]] == 0.0)
    assert np.all(v[0].W[[1, 2, 3, 4, 7]] != 0.0)
    # the plain formula computes the same rows as Xᵀ G over all-zero columns: also exactly 0
    assert np.all(velocity(p, X)[0].W[[0, 5, 6]] == 0.0)


def test_pack_unpack_roundtrip_keeps_input_row_order():
    X = data()
    p = init_params(SIZES, seed=4, scale=0.5)
    flow = Flow(SIZES, X)
    y = flow.pack(p)
    assert y.shape == (flow.size,) == (sum(a * b + b for a, b in itertools.pairwise(SIZES)),)
    for a, b in zip(flow.unpack(y), p, strict=True):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)


def test_float32_stays_float32_and_matches_float64():
    X = data()
    p64 = init_params(SIZES, seed=5, scale=0.8)
    p32 = init_params(SIZES, seed=5, scale=0.8, dtype=np.float32)
    f32 = Flow(SIZES, X, dtype=np.float32)
    v32 = f32.velocity(p32)
    v64 = velocity(p64, X)
    for a, b in zip(v32, v64, strict=True):
        assert a.W.dtype == np.float32 and a.b.dtype == np.float32
        np.testing.assert_allclose(a.W, b.W, rtol=0, atol=1e-5 * np.abs(b.W).max())
    # every internal buffer is float32: nothing was promoted through a float64 scalar
    f32(0.0, f32.pack(p32).astype(np.float64))
    f32.observe(f32.pack(p32))
    for buf in f32.buf:
        assert all(a.dtype == np.float32 for a in (buf.Y, buf.D, buf.S, buf.dZ, buf.dD, buf.tmp))
    assert f32(0.0, f32.pack(p32)).dtype == np.float64  # what SciPy's solvers get


def test_nonfinite_state_names_the_layer():
    X = data()
    p = init_params(SIZES, seed=6, scale=0.5)
    p = (p[0], Layer(p[1].W.copy(), p[1].b.copy()), p[2])
    p[1].W[2, 1] = np.nan
    flow = Flow(SIZES, X)
    with pytest.raises(NonFiniteState, match=r"layer 1 at t=0.25"):
        flow(0.25, flow.pack(p))


def _along_flow(flow: Flow, y: np.ndarray, fn, h: float = 1e-6) -> float:
    """d/dt fn(y(t)) at y by a central difference along the flow direction (4th order)."""
    f = flow(0.0, y)
    return (-fn(y + 2 * h * f) + 8 * fn(y + h * f) - 8 * fn(y - h * f) + fn(y - 2 * h * f)) / (12 * h)


def test_observables_are_the_time_derivatives_they_claim():
    """entropy_rate = d/dt shannon_entropy; tensor_net_rate = d/dt potential; knowledge_flow = ‖dZ/dt‖."""
    X = data()
    p = init_params(SIZES, seed=7, scale=1.0)
    flow = Flow(SIZES, X)
    y = flow.pack(p)
    obs = flow.observe(y)
    L = flow.n_layers

    def entropy(yy):
        _, Ds = forward(flow.unpack(yy), X)
        return np.array([shannon_entropy_bits(D) for D in Ds])

    def potential(yy):
        Zs, _ = forward(flow.unpack(yy), X)
        return np.array([tensor_net_potential(Z) for Z in Zs])

    def z_of(yy):
        return forward(flow.unpack(yy), X)[0]

    np.testing.assert_allclose(obs["entropy_rate"], _along_flow(flow, y, entropy), rtol=1e-7)
    np.testing.assert_allclose(obs["tensor_net_rate"], _along_flow(flow, y, potential), rtol=1e-7)
    np.testing.assert_allclose(flow.entropy_rate(y), obs["entropy_rate"], rtol=1e-12)
    np.testing.assert_allclose(flow.tensor_net_potential(y), obs["tensor_net_potential"], rtol=1e-12)
    f, h = flow(0.0, y), 1e-6
    Zp, Zm = z_of(y + h * f), z_of(y - h * f)
    Zs, Ds = forward(p, X)
    for i in range(L):
        dZ = (Zp[i] - Zm[i]) / (2 * h)
        assert obs["knowledge_flow"][i] == pytest.approx(np.linalg.norm(dZ), rel=1e-7)
        assert obs["z_fro"][i] == pytest.approx(np.linalg.norm(Zs[i]), rel=1e-12)
        dD = Ds[i] * (1 - Ds[i]) * dZ
        cos = np.vdot(Zs[i], dD) / (np.linalg.norm(Zs[i]) * np.linalg.norm(dD))
        assert obs["cosine"][i] == pytest.approx(cos, rel=1e-6)
        G = entropy_gradient_z(Zs[i], Ds[i])
        assert obs["tensor_net_rate"][i] == pytest.approx(np.sum((Ds[i] - G) * dZ), rel=1e-7)


@settings(max_examples=60, deadline=None)
@given(st.floats(-40.0, 40.0))
def test_tensor_net_potential_derivative_is_the_integrand(z):
    """F'(z) = σ(z) - ∇_z H(z) (SKA-2 eq. 27's integrand), by a central difference of F."""
    h = 1e-5
    dF = (tensor_net_potential(np.array([z + h])) - tensor_net_potential(np.array([z - h]))) / (2 * h)
    s = 1.0 / (1.0 + np.exp(-z))
    integrand = s + z * s * (1 - s) / np.log(2.0)
    assert dF == pytest.approx(integrand, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("scale", [0.5, 300.0])
def test_entropy_and_potential_from_one_log_equal_their_definitions(dtype, scale):
    """H_b and the Tensor Net potential from log σ and 1 - σ equal the two-log definition and the
    stable softplus, also when a layer saturates (scale 300: |z| over 1000, σ underflowing to 0)."""
    X = data()
    p = init_params(SIZES, seed=8, scale=scale, dtype=dtype)
    flow = Flow(SIZES, X, dtype=dtype)
    obs = flow.observe(flow.pack(p))
    Zs, Ds = forward(p, X.astype(dtype))
    if scale > 1:
        assert min(float(np.min(Z)) for Z in Zs) < (-745 if dtype == np.float64 else -88)
    # float32: an element's H_b is only known to ~ε of its terms (|z| ε when saturated)
    rtol, per_element = (1e-12, 1e-12) if dtype == np.float64 else (1e-5, 1e-8)
    for i, (Z, D) in enumerate(zip(Zs, Ds, strict=True)):
        Z64, D64 = Z.astype(np.float64), D.astype(np.float64)
        H = shannon_entropy_bits(D64)
        assert obs["shannon_entropy"][i] == pytest.approx(H, rel=rtol, abs=per_element * Z.size)
        F = tensor_net_potential(Z64)
        assert obs["tensor_net_potential"][i] == pytest.approx(F, rel=rtol, abs=per_element * Z.size)
