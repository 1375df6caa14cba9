"""tensor-net.* claims: closed forms, crossings and extrema recomputed with SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import LN2, binary_entropy, decide, sigmoid, sigmoid_prime
from scipy.integrate import quad
from scipy.optimize import brentq

from ska_theory.claims.model import Verdict


def integrand(z, sign=1, unit=1 / LN2):
    return float(sigmoid(z)) + sign * unit * z * sigmoid_prime(z)


def net_paper(z):  # ln(1+e^z) - H_b(σ(z)): the paper's closed form, typed here only to test the derived one
    return float(np.logaddexp(0, z) - binary_entropy(sigmoid(z)))


def test_closed_form_matches_quadrature_of_the_integrand():
    assert quad(integrand, -2, 3)[0] == pytest.approx(net_paper(3) - net_paper(-2), rel=1e-10)
    o = decide("tensor-net.closed-form")
    assert o.verdict is Verdict.HOLDS
    assert (
        abs(o.evidence.figures["eq8_errors"]["K = 1000"])
        < abs(o.evidence.figures["eq8_errors"]["K = 100"]) / 5
    )


def test_zero_crossing_from_origin_recomputed():
    zc = brentq(lambda z: quad(integrand, 0, z)[0], -6, -1)
    o = decide("tensor-net.zero-crossing-condition")
    assert o.evidence.figures["crossings_from_z0_0"] == [pytest.approx(zc, abs=1e-8)]
    assert o.verdict is Verdict.HOLDS_UNDER_CONDITIONS


def test_code_sign_counterexample_is_a_real_path():
    o = decide("tensor-net.zero-crossing-condition", "code-sign")
    cx = o.evidence.counterexample
    net = quad(lambda z: integrand(z, sign=-1), cx["z0"], cx["z1"])[0]
    int_d = quad(lambda z: float(sigmoid(z)), cx["z0"], cx["z1"])[0]
    delta_h = float(binary_entropy(sigmoid(cx["z1"])) - binary_entropy(sigmoid(cx["z0"])))
    assert net == pytest.approx(cx["Net"], rel=1e-8)
    assert int_d - delta_h == pytest.approx(cx["int_D_minus_Delta_H"], abs=1e-8)
    assert abs(int_d - delta_h) < 1e-8 < abs(net)  # the condition holds, yet Net ≠ 0
    assert o.verdict is Verdict.FAILS


@pytest.mark.parametrize(("theory", "unit"), [("paper", 1 / LN2), ("nats", 1.0)])
def test_extremum_where_d_equals_grad_h(theory, unit):
    zs = brentq(lambda z: integrand(z, unit=unit), -5, 0)
    o = decide("tensor-net.extrema", theory)
    assert o.evidence.figures["extrema"] == [pytest.approx(zs, abs=1e-9)] and o.evidence.figures["kinds"] == [
        "minimum"
    ]
    assert decide("tensor-net.extrema", "code-sign").verdict is Verdict.HOLDS_VACUOUSLY


def test_lagrangian_form_fails_only_with_the_code_sign():
    assert decide("tensor-net.lagrangian-form").verdict is Verdict.HOLDS_UNDER_CONDITIONS
    o = decide("tensor-net.lagrangian-form", "code-sign")
    z, zd = o.evidence.counterexample["z"], o.evidence.counterexample["zdot"]
    eq26 = integrand(z, sign=-1) * zd
    eq27 = integrand(z, sign=1) * zd
    assert abs(eq26 - eq27) > 1e-6 and o.verdict is Verdict.FAILS
