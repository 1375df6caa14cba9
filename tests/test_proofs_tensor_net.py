"""Tensor Net claims, recomputed: closed forms differentiated back, crossings and extrema re-solved."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ska_theory.claims.model import Verdict
from ska_theory.proofs import tensor_net
from ska_theory.symbolic.definitions import z

LN2 = math.log(2)


@pytest.fixture(scope="module")
def outcomes():
    return {c.id: c.decide() for c in tensor_net.CLAIMS}


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def hb_bits(p: float) -> float:
    return -(p * math.log(p) + (1 - p) * math.log(1 - p)) / LN2


def net(x: float, sign: str) -> float:
    """Closed form recomputed in floats: ln(1+e^x) ∓ H_b(σ(x))."""
    return math.log1p(math.exp(x)) + (-1 if sign == "paper" else 1) * hb_bits(sig(x))


def integrand(x: float, sign: str) -> float:
    grad = -x * sig(x) * (1 - sig(x)) / LN2  # paper's ∇_z H; the code's is the negative
    return sig(x) - (grad if sign == "paper" else -grad)


def test_verdicts(outcomes):
    assert {k: o.verdict for k, o in outcomes.items()} == {
        "tensor-net.closed-form": Verdict.HOLDS,
        "tensor-net.lagrangian-form": Verdict.HOLDS_UNDER_CONDITIONS,
        "tensor-net.zero-crossing-condition": Verdict.HOLDS_UNDER_CONDITIONS,
        "tensor-net.extrema": Verdict.HOLDS_UNDER_CONDITIONS,
        "tensor-net.euler-lagrange": Verdict.HOLDS_VACUOUSLY,
    }
    for o in outcomes.values():
        assert all(w.agrees for w in o.evidence.witnesses)


@settings(max_examples=25, deadline=None)
@given(x=st.floats(-20, 20), sign=st.sampled_from(tensor_net.SIGNS))
def test_closed_form_differentiates_back_to_integrand(x, sign):
    f = tensor_net.mp_fn(tensor_net.tensor_net(z, sign))
    with mpmath.workdps(30):
        assert math.isclose(float(mpmath.diff(f, x)), integrand(x, sign), rel_tol=1e-12, abs_tol=1e-14)


@settings(max_examples=25, deadline=None)
@given(x=st.floats(-20, 20), sign=st.sampled_from(tensor_net.SIGNS))
def test_mirror_shifts_net_by_z(x, sign):
    assert math.isclose(net(-x, sign), net(x, sign) - x, rel_tol=1e-9, abs_tol=1e-9)


def test_discrete_sum_converges_at_first_order(outcomes):
    figs = outcomes["tensor-net.closed-form"].evidence.figures
    for sign in tensor_net.SIGNS:
        e10, e1000 = figs[f"eq8_error_K10_{sign}"], figs[f"eq8_error_K1000_{sign}"]
        assert 50 < e10 / e1000 < 200  # error ∝ 1/K
    assert figs["C_sympy_paper"] == 0 == figs["C_sympy_code"]


def test_zero_crossing_from_origin(outcomes):
    figs = outcomes["tensor-net.zero-crossing-condition"].evidence.figures
    zc = figs["paper_crossing_from_z0_0"]
    assert zc < -1 and abs(net(zc, "paper") - net(0.0, "paper")) < 1e-12
    # Paper sign: Net - Net(0) dips below 0 just left of 0 and is positive again at -∞ (1 - ln2).
    assert net(-0.5, "paper") < net(0.0, "paper") < net(-30.0, "paper")
    assert math.isclose(figs["paper_net_increment_limit_z_to_minus_inf"], 1 - LN2)
    # Code sign: strictly increasing, so no return to zero.
    xs = [-30 + 0.05 * i for i in range(1201)]
    assert all(integrand(x, "code") > 0 for x in xs)
    assert figs["code_integrand_positive_everywhere"] is True
    assert abs(net(figs["paper_no_crossing_back_for_z0_at_least"], "paper")) < 1e-12


def test_extremum_is_a_minimum_where_d_equals_grad_h(outcomes):
    figs = outcomes["tensor-net.extrema"].evidence.figures
    with mpmath.workdps(40):
        zs = mpmath.mpf(figs["z_star"])
        s = 1 / (1 + mpmath.exp(-zs))
        assert abs(zs * (1 - s) + mpmath.log(2)) < mpmath.mpf(10) ** -35  # 30+ digits
    x = float(zs)
    assert abs(integrand(x, "paper")) < 1e-14
    assert net(x - 1e-3, "paper") > net(x, "paper") < net(x + 1e-3, "paper")
    assert figs["code_sign_has_extremum"] is False


def test_tensor_net_euler_lagrange_potential_is_the_closed_form(outcomes):
    o = outcomes["tensor-net.euler-lagrange"]
    assert o.evidence.figures["F_equals_net_plus_constant"] is True
    assert o.evidence.figures["null_lagrangian"] is True
