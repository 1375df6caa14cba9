"""flow.* claims: recomputed with the NumPy network and SciPy, independent of SymPy."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import LN2, binary_entropy, decide, random_network, sigmoid, sigmoid_prime
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

from ska_theory.claims.model import Verdict
from ska_theory.network.forward import forward
from ska_theory.network.params import Layer
from ska_theory.network.velocity import velocity


def layer_entropy_mean(params, X, layer):
    _, Ds = forward(params, X)
    return float(binary_entropy(Ds[layer]).sum()) / X.shape[0]


@pytest.mark.parametrize("seed", [0, 1])
def test_numpy_velocity_is_minus_the_layer_local_gradient(seed):
    params, X = random_network((3, 4, 2), 5, seed)
    v = velocity(params, X)
    for layer in range(2):
        frozen_input = X if layer == 0 else forward(params, X)[1][0]
        lay = params[layer]
        eps = 1e-6
        for i, j in ((0, 0), (1, 1)):

            def h(w, i=i, j=j, lay=lay, inp=frozen_input):
                W = lay.W.copy()
                W[i, j] = w
                return float(binary_entropy(sigmoid(inp @ W + lay.b)).sum()) / X.shape[0]

            num = -(h(lay.W[i, j] + eps) - h(lay.W[i, j] - eps)) / (2 * eps)
            assert v[layer].W[i, j] == pytest.approx(num, rel=1e-6, abs=1e-9)
    assert decide("flow.weight-ode").verdict is Verdict.HOLDS_UNDER_CONDITIONS
    assert decide("flow.weight-ode", "code-sign").verdict is Verdict.FAILS


def test_code_sign_gradient_counterexample_is_twice_the_gradient_apart():
    o = decide("flow.entropy-gradient-z", "code-sign")
    assert o.verdict is Verdict.FAILS
    zz = o.evidence.counterexample["z"]
    assert o.evidence.counterexample["dH_SKA/dz"] == pytest.approx(-zz * sigmoid_prime(zz) / LN2, rel=1e-9)
    assert o.evidence.counterexample["formula"] == pytest.approx(zz * sigmoid_prime(zz) / LN2, rel=1e-9)


def test_entropy_rises_at_the_reported_chain_state():
    o = decide("flow.entropy-monotone")
    st = o.evidence.counterexample
    params = (
        Layer(np.array([[st["w1"]]]), np.array([st["b1"]])),
        Layer(np.array([[st["w2"]]]), np.array([st["b2"]])),
    )
    X = np.array([[st["x"]]])
    v, eps = velocity(params, X), 1e-6

    def total(u):
        moved = tuple(Layer(p.W + u * dv.W, p.b + u * dv.b) for p, dv in zip(params, v, strict=True))
        return sum(float(binary_entropy(D).sum()) for D in forward(moved, X)[1])

    rate = (total(eps) - total(-eps)) / (2 * eps)
    assert rate == pytest.approx(st["dH/dt"], rel=1e-5) and rate > 0
    assert o.verdict is Verdict.FAILS


def test_field_bound_recomputed():
    best = minimize_scalar(lambda x: -x * sigmoid_prime(x) / LN2, bounds=(0, 5), method="bounded")
    o = decide("flow.global-existence")
    assert o.evidence.figures["sup_abs_gradient"] == pytest.approx(-best.fun, rel=1e-6)
    assert o.verdict is Verdict.HOLDS
    assert decide("flow.global-existence", "code-sign").verdict is Verdict.FAILS  # |z| shrinks


def test_one_update_is_an_euler_step_with_local_error_half_zddot():
    rate = lambda z: 5 * z * sigmoid_prime(z) / LN2  # noqa: E731  one neuron, x = 2: ż = (x²+1) z σ'(z)/ln2
    sol = solve_ivp(lambda t, y: rate(y), (0, 0.025), [1.0], rtol=1e-12, atol=1e-14)
    local = (sol.y[0, -1] - (1 + 0.025 * rate(1.0))) / 0.025**2
    o = decide("flow.self-solving")
    assert o.evidence.figures["local_error_over_eta_squared"]["0.025"] == pytest.approx(local, rel=1e-4)
    assert o.verdict is Verdict.HOLDS_VACUOUSLY
