"""The flow.* claims, checked by recomputation with the numpy reference flow (independent of SymPy)."""

from __future__ import annotations

import functools
import itertools
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, minimize_scalar
from scipy.special import expi, expit

from ska_theory.claims.model import Outcome, Verdict
from ska_theory.network.forward import forward
from ska_theory.network.metrics import entropy_gradient_z, shannon_entropy_bits
from ska_theory.network.params import Layer, Params
from ska_theory.network.velocity import velocity
from ska_theory.proofs.flow import CLAIMS, growth_bound
from ska_theory.symbolic.tiny_network import tiny_network

LN2 = np.log(2.0)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[Outcome, float]]:
    out = {}
    for c in CLAIMS:
        t0 = time.perf_counter()
        o = c.decide()
        out[c.id] = (o, time.perf_counter() - t0)
    return out


def net(seed: int, sizes: tuple[int, ...], n: int, scale: float = 1.0) -> tuple[Params, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, (n, sizes[0]))
    return tuple(
        Layer(scale * rng.standard_normal((a, b)), scale * rng.standard_normal(b))
        for a, b in itertools.pairwise(sizes)
    ), X


def shifted(params: Params, step: Params, h: float) -> Params:
    return tuple(Layer(p.W + h * s.W, p.b + h * s.b) for p, s in zip(params, step, strict=True))


def layer_entropies(params: Params, X: np.ndarray) -> np.ndarray:
    return np.array([shannon_entropy_bits(D) for D in forward(params, X)[1]])


def entropy_rates(params: Params, X: np.ndarray) -> np.ndarray:
    """dH^(l)/dt along the flow: central difference of the entropies along the velocity (step 1e-5)."""
    v = velocity(params, X)
    h = 1e-5 / max(np.sqrt(sum(np.sum(lay.W**2) + np.sum(lay.b**2) for lay in v)), 1e-300)
    return (layer_entropies(shifted(params, v, h), X) - layer_entropies(shifted(params, v, -h), X)) / (2 * h)


def chain(x: float, w1: float, w2: float) -> tuple[Params, np.ndarray]:
    """The 1-1-1 chain of the claims, biases starting at 0 (they flow, like every parameter)."""
    return (Layer(np.array([[w1]]), np.zeros(1)), Layer(np.array([[w2]]), np.zeros(1))), np.array([[x]])


def test_claim_timings(outcomes):
    # Budget: 18 symbolic claims in 60 s cold, so a few seconds each.
    for cid, (_, dt) in outcomes.items():
        assert dt < 10.0, (cid, dt)


def test_witnesses_are_fifty_digit_and_agree(outcomes):
    for o, _ in outcomes.values():
        assert o.evidence.witnesses
        assert all(w.digits >= 50 and w.n_points >= 20 and w.agrees for w in o.evidence.witnesses)


# --- tiny network against the numpy reference -------------------------------------------------------------


@functools.cache
def tiny_numeric() -> tuple:
    """The symbolic 2-2-1 network (3 samples), its velocity and entropies lambdified with σ = expit."""
    sym = tiny_network((2, 2, 1), 3)
    args = [*sym.inputs, *sym.params]
    v = sym.velocity()
    mods = [{"sigma": expit}, "numpy"]
    vel = sp.lambdify(args, [v[p] for p in sym.params], modules=mods)
    ent = sp.lambdify(args, [sym.layer_entropy(i) for i in range(sym.n_layers)], modules=mods)
    return vel, ent


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_tiny_network_velocity_matches_numpy(seed):
    vel, ent = tiny_numeric()
    params, X = net(seed, (2, 2, 1), 3)
    args = [*X.ravel(), *(v for lay in params for v in (*lay.W.ravel(), *lay.b))]
    ref = [v for lay in velocity(params, X) for v in (*lay.W.ravel(), *lay.b)]
    np.testing.assert_allclose(vel(*args), ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ent(*args), layer_entropies(params, X), rtol=1e-12)


def test_tiny_network_rejects_bad_sizes():
    with pytest.raises(ValueError, match="bad sizes"):
        tiny_network((3,), 1)
    assert tiny_network((1, 1), bias=False).params == [sp.Symbol("w1", real=True)]


# --- flow.weight-ode ---------------------------------------------------------------------------------------


def test_weight_ode_verdict_and_counterexample(outcomes):
    o, _ = outcomes["flow.weight-ode"]
    assert o.verdict is Verdict.HOLDS_UNDER_CONDITIONS
    cex = o.evidence.counterexample
    x, w1, w2, h = cex["x"], cex["w1"], cex["w2"], 1e-6
    # ∂(dw2/dt)/∂w1 and ∂(dw1/dt)/∂w2 by central differences of the numpy flow.
    d21 = (velocity(*chain(x, w1 + h, w2))[1].W - velocity(*chain(x, w1 - h, w2))[1].W).item() / (2 * h)
    d12 = (velocity(*chain(x, w1, w2 + h))[0].W - velocity(*chain(x, w1, w2 - h))[0].W).item() / (2 * h)
    assert d12 == 0.0 == cex["d(dw1/dt)/dw2"]
    assert d21 == pytest.approx(cex["d(dw2/dt)/dw1"], rel=1e-6)
    assert abs(d21) > 1e-2


def test_full_jacobian_is_not_symmetric_but_layer_blocks_are(outcomes):
    # Independent of the claim's network: 4 layers, perturbing one layer's W at a time.
    params, X = net(7, (3, 3, 2, 2), 5)
    h = 1e-5
    blocks = {}
    for m, lay in enumerate(params):
        cols = []
        for j in range(lay.W.size):
            e = np.zeros(lay.W.size)
            e[j] = h
            dW = e.reshape(lay.W.shape)
            plus = list(params)
            minus = list(params)
            plus[m], minus[m] = Layer(lay.W + dW, lay.b), Layer(lay.W - dW, lay.b)
            vp, vm = velocity(tuple(plus), X), velocity(tuple(minus), X)
            cols.append([((a.W - b.W) / (2 * h)).ravel() for a, b in zip(vp, vm, strict=True)])
        for ell in range(len(params)):
            blocks[ell, m] = np.array([c[ell] for c in cols]).T  # ∂ vec(dW_ell/dt) / ∂ vec(W_m)
    for ell, m in blocks:
        B = blocks[ell, m]
        if m > ell:
            assert np.all(B == 0.0)  # downstream weights never reach an upstream velocity
        elif m == ell:  # -Hessian of the layer's own entropy: symmetric
            assert np.linalg.norm(B - B.T) <= 1e-6 * np.linalg.norm(B)
        elif m == ell - 1:
            assert np.linalg.norm(B) > 1e-3  # the moving input: no symmetric partner
    figures = outcomes["flow.weight-ode"][0].evidence.figures
    assert figures["jacobian_norm_dV1_dtheta2"] == 0.0
    assert figures["jacobian_norm_dV2_dtheta1"] > 1e-2
    assert figures["jacobian_relative_asymmetry"] > 1e-2
    assert figures["layer1_block_relative_asymmetry"] < 1e-6


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 2))
def test_velocity_is_minus_partial_entropy_gradient_with_input_frozen(seed, layer):
    params, X = net(seed, (3, 3, 2, 2), 4)
    inp = X if layer == 0 else forward(params, X)[1][layer - 1]
    lay, h, n = params[layer], 1e-6, X.shape[0]

    def H(W: np.ndarray) -> float:
        return shannon_entropy_bits(expit(inp @ W + lay.b)) / n

    grad = np.zeros_like(lay.W)
    for idx in np.ndindex(lay.W.shape):
        e = np.zeros_like(lay.W)
        e[idx] = h
        grad[idx] = (H(lay.W + e) - H(lay.W - e)) / (2 * h)
    np.testing.assert_allclose(velocity(params, X)[layer].W, -grad, rtol=1e-5, atol=1e-9)


# --- flow.entropy-monotone ---------------------------------------------------------------------------------


def test_entropy_monotone_counterexample_recomputed(outcomes):
    o, _ = outcomes["flow.entropy-monotone"]
    assert o.verdict is Verdict.FAILS
    cex = o.evidence.counterexample
    assert cex["b1"] == cex["b2"] == 0.0  # zero biases that flow, as in the numpy reference
    rates = entropy_rates(*chain(cex["x"], cex["w1"], cex["w2"]))
    assert rates[0] < 0 < rates[1]
    assert rates.sum() > 1e-3
    assert rates.tolist() == pytest.approx([cex["dH1/dt"], cex["dH2/dt"]], rel=1e-5)
    assert rates.sum() == pytest.approx(cex["dH/dt"], rel=1e-5)
    # The indefiniteness condition stated with the verdict holds there.
    d1 = expit(cex["x"] * cex["w1"])
    assert (cex["x"] ** 2 + 1) * cex["w2"] ** 2 * (d1 * (1 - d1)) ** 2 > 4 * (d1**2 + 1)


def test_entropy_monotone_figures_match_a_numpy_grid_scan(outcomes):
    figures = outcomes["flow.entropy-monotone"][0].evidence.figures
    grid = [(-k / 4, float(b)) for k in range(1, 9) for b in range(1, 17)]
    rates = np.array([entropy_rates(*chain(1.0, a, b)) for a, b in grid])
    assert figures["search_grid_points"] == len(grid)
    assert figures["search_points_total_rate_positive"] == int(np.sum(rates.sum(axis=1) > 0))
    assert figures["search_points_layer2_rate_positive"] == int(np.sum(rates[:, 1] > 0))
    assert figures["counterexample_dH_dt"] == pytest.approx(rates.sum(axis=1).max(), rel=1e-5)


def test_entropy_increase_census_matches_numpy(outcomes):
    census = outcomes["flow.entropy-monotone"][0].evidence.figures["random_state_fraction_increasing"]
    rng = np.random.default_rng(12345)  # a different sample from the claim's
    n = 1500
    up2 = 0
    for _ in range(n):
        x = rng.uniform()
        w1, b1, w2, b2 = 4.0 * rng.standard_normal(4)
        params = (Layer(np.array([[w1]]), np.array([b1])), Layer(np.array([[w2]]), np.array([b2])))
        up2 += entropy_rates(params, np.array([[x]]))[1] > 0
    assert up2 / n == pytest.approx(census["scale_4"]["layer2_rate_positive"], abs=0.03)
    assert census["scale_1"]["total_rate_positive"] < 0.01


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 10_000),
    st.lists(st.integers(1, 4), min_size=2, max_size=3),
    st.floats(0.1, 4.0),
)
def test_layer1_entropy_rate_is_minus_n_speed_squared(seed, sizes, scale):
    params, X = net(seed, (3, *sizes), 5, scale)
    v = velocity(params, X)
    rate = entropy_rates(params, X)[0]
    speed_sq = float(np.sum(v[0].W ** 2) + np.sum(v[0].b ** 2))
    # Round-off of the difference quotient: ~1e-16 · H / step, step = 1e-5/‖V‖.
    assert rate == pytest.approx(-X.shape[0] * speed_sq, rel=1e-5, abs=1e-9 * np.sqrt(speed_sq))
    assert rate <= 1e-12


# --- flow.global-existence ---------------------------------------------------------------------------------


def test_global_existence_bound_m(outcomes):
    o, _ = outcomes["flow.global-existence"]
    assert o.verdict is Verdict.HOLDS
    f = o.evidence.figures

    def neg_g(u: float) -> float:
        return -u * expit(u) * (1 - expit(u))

    opt = minimize_scalar(neg_g, bounds=(0.0, 10.0), method="bounded", options={"xatol": 1e-12})
    assert f["z_star"] == pytest.approx(opt.x, abs=1e-6)
    assert f["m"] == pytest.approx(-opt.fun, rel=1e-12)
    zz = np.linspace(-80.0, 80.0, 1_600_001)
    assert np.max(np.abs(zz * expit(zz) * (1 - expit(zz)))) <= f["m"] * (1 + 1e-15)
    assert f["max_abs_entropy_gradient_z"] == pytest.approx(f["m"] / LN2, rel=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.floats(-700.0, 700.0))
def test_entropy_gradient_bounded_by_m(zval):
    # m from the root of 1 + z(1 - 2σ(z)) = 0 in closed form m = (z*² - 1)/(4 z*) (scipy, not mpmath).
    z_star = brentq(lambda u: 1 + u * (1 - 2 * expit(u)), 1.0, 2.0, xtol=1e-15)
    m = (z_star**2 - 1) / (4 * z_star)
    Z = np.array([[zval]])
    assert abs(entropy_gradient_z(Z, expit(Z)).item()) <= m / LN2 * (1 + 1e-12)


def test_weights_grow_at_most_linearly(outcomes):
    g_max = outcomes["flow.global-existence"][0].evidence.figures["max_abs_entropy_gradient_z"]
    sizes = (4, 5, 3, 2)
    params, X = net(3, sizes, 8, scale=2.0)
    X = X * 3.0  # inputs outside [0, 1]: the bound uses max_n ‖x_n‖
    C = growth_bound(sizes, float(np.max(np.linalg.norm(X, axis=1))), g_max)
    theta0 = np.concatenate([np.r_[p.W.ravel(), p.b] for p in params])
    dt = 0.05
    for k in range(1, 301):  # explicit Euler: each step moves at most C dt
        params = shifted(params, velocity(params, X), dt)
        theta = np.concatenate([np.r_[p.W.ravel(), p.b] for p in params])
        assert np.linalg.norm(theta - theta0) <= C * k * dt * (1 + 1e-12)
    # SKA-2 network with pixels in [0, 1]: R_1² = 784, R_l² = n_{l-1}.
    c_ska2 = g_max * np.sqrt(256 * 785 + 128 * 257 + 64 * 129 + 10 * 65)
    f = outcomes["flow.global-existence"][0].evidence.figures
    assert f["ska2_growth_bound_C"] == pytest.approx(c_ska2, rel=1e-12)


def test_single_neuron_reaches_z_at_the_closed_form_time():
    x, z0, z1 = 0.8, 0.5, 6.0

    def antiderivative(u: float) -> float:
        return float(expi(u) + expi(-u) + 2 * np.log(u))

    t1 = LN2 / (x**2 + 1) * (antiderivative(z1) - antiderivative(z0))

    def dz(_t: float, zz: np.ndarray) -> np.ndarray:  # z = x w + b with the numpy flow's dw/dt, db/dt
        v = velocity((Layer(np.array([[zz[0] / x]]), np.zeros(1)),), np.array([[x]]))[0]
        return x * v.W.ravel() + v.b

    sol = solve_ivp(dz, (0.0, t1), [z0], rtol=1e-11, atol=1e-12)
    assert sol.y[0, -1] == pytest.approx(z1, rel=1e-6)
    assert np.all(np.diff(sol.y[0]) > 0)  # |z| accumulates


def test_single_neuron_grows_like_log_t(outcomes):
    ratios = outcomes["flow.global-existence"][0].evidence.figures["single_neuron_ln_t_over_z"]
    values = [ratios[k] for k in ("10", "100", "1000")]
    assert values == sorted(values) and 0.99 < values[-1] < 1.0
    # Independent: ln t(z)/z from the exponential-integral closed form with x = 1 (rate x²+1), z0 = 1.
    zz = 100.0
    t = LN2 / 2 * (expi(zz) + expi(-zz) + 2 * np.log(zz) - (expi(1.0) + expi(-1.0)))
    assert np.log(t) / zz == pytest.approx(ratios["100"], rel=1e-9)


def test_abbreviated_velocity_is_the_velocity_with_knowledge_symbols_substituted():
    import sympy as sp

    from ska_theory.symbolic.tiny_network import tiny_network

    net = tiny_network((2, 2, 1), 2)
    Zsym, _ = net.knowledge_symbols()
    Zs, _ = net.forward()
    back = {s: e for Zm, Em in zip(Zsym, Zs, strict=True) for s, e in zip(Zm, Em, strict=True)}
    full, short = net.velocity(), net.velocity(abbreviated=True)
    assert set(full) == set(short)
    for p in full:
        assert sp.expand(short[p].xreplace(back) - full[p]) == 0
