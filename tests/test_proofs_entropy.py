"""The entropy.* claims: verdicts recomputed, closed forms re-derived, counterexamples re-evaluated.

Independent means float64 numpy/scipy here, against the SymPy derivations and mpmath witnesses in
``proofs/entropy.py``.
"""

from __future__ import annotations

import itertools
import json
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import expit

from ska_theory.claims.model import Outcome, Verdict
from ska_theory.claims.record import claim_json
from ska_theory.claims.registry import discover
from ska_theory.proofs.entropy import CLAIMS
from ska_theory.symbolic.definitions import D, binary_entropy_bits, logit, s, sigma, z
from ska_theory.symbolic.rewrites import log_sigma_rules
from ska_theory.symbolic.stieltjes import (
    antiderivative_in_D,
    integral_dsigma,
    mp_h_ska,
    mp_sigma_prime,
    observed_orders,
    stieltjes_sum,
)

LN2 = math.log(2)
PROPERTY = settings(max_examples=25, deadline=None)
EXPECTED = {
    "entropy.shannon-equivalence": Verdict.HOLDS_UNDER_CONDITIONS,
    "entropy.sigmoid-uniqueness": Verdict.HOLDS_UNDER_CONDITIONS,
    "entropy.sigmoid-from-minimisation": Verdict.FAILS,
    "entropy.local-h-is-uncertainty": Verdict.FAILS,
    "entropy.discrete-sum-converges": Verdict.HOLDS_UNDER_CONDITIONS,
    "entropy.path-independence": Verdict.HOLDS,
}


def dsig(x: float) -> float:
    return float(expit(x) * expit(-x))


def hb(p: float) -> float:
    """Binary entropy in bits, numpy, 0 log 0 = 0."""
    return float(-sum(q * math.log2(q) for q in (p, 1.0 - p) if q > 0))


def h_ska_quad(f_prime, upper: float, lower: float = -np.inf, points=()) -> float:
    """-(1/ln2) ∫_lower^upper s f'(s) ds by scipy (float64)."""
    val = 0.0
    cuts = sorted({lower, upper, 0.0, *points})
    cuts = [c for c in cuts if min(lower, upper) <= c <= max(lower, upper)]
    for a, b in itertools.pairwise(cuts):
        val += quad(lambda x: x * f_prime(x), a, b, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
    return -(val if lower <= upper else -val) / LN2


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    return {c.id: c.decide() for c in CLAIMS}


# --- every claim ---


def test_all_six_claims_are_discovered_once():
    ids = [c.id for c in discover() if c.id.startswith("entropy.")]
    assert sorted(ids) == sorted(EXPECTED)


@pytest.mark.parametrize("cid", sorted(EXPECTED))
def test_verdict_and_evidence(outcomes, cid):
    o = outcomes[cid]
    assert o.verdict is EXPECTED[cid]
    assert o.evidence.steps and o.evidence.witnesses and o.summary
    assert all(w.digits >= 50 and w.n_points >= 20 for w in o.evidence.witnesses)
    if o.verdict is not Verdict.HOLDS or cid == "entropy.path-independence":
        assert o.conditions
    if o.verdict is Verdict.FAILS:
        assert o.evidence.counterexample
    c = next(c for c in CLAIMS if c.id == cid)
    json.dumps(claim_json(c, o))  # figures and counterexamples must be JSON-ready


# --- 1 shannon-equivalence ---


def test_antiderivative_differentiates_back_to_logit():
    A = antiderivative_in_D(s, s)
    for p in (0.01, 0.3, 0.5, 0.77, 0.999):
        assert float(sp.diff(A, D).subs(D, p)) == pytest.approx(math.log(p / (1 - p)), rel=1e-12, abs=1e-12)


@PROPERTY
@given(st.floats(-25, 25))
def test_integral_from_minus_infinity_is_shannon(zz):
    closed = float(integral_dsigma(s, s, sp.S.NegativeInfinity, z).subs(z, zz)) / -LN2
    assert h_ska_quad(dsig, zz) == pytest.approx(hb(expit(zz)), abs=1e-9)
    assert closed == pytest.approx(hb(expit(zz)), abs=1e-9)


@PROPERTY
@given(st.floats(-20, 20), st.floats(-20, 20))
def test_finite_lower_limit_leaves_the_start_entropy(zz, z0):
    assert h_ska_quad(dsig, zz, lower=z0) == pytest.approx(hb(expit(zz)) - hb(expit(z0)), abs=1e-9)


def test_lower_limit_zero_is_one_bit_short(outcomes):
    cex = outcomes["entropy.shannon-equivalence"].evidence.counterexample
    assert cex is not None
    assert cex["h_ska_bits"] == 0.0 and cex["h_shannon_bits"] == 1.0
    assert h_ska_quad(dsig, 0.0, lower=0.0) == 0.0 and hb(0.5) == 1.0
    assert outcomes["entropy.shannon-equivalence"].evidence.figures["offset_bits_lower_limit_0"] == 1.0


# --- 2 sigmoid-uniqueness ---


def test_sigma_solves_the_differentiated_equation():
    # f'(z)(z - logit f(z)): the logit factor vanishes on σ exactly (ln σ - ln(1-σ) = z).
    on_sigma = sp.expand_log(logit(sigma(z)), force=True).subs(log_sigma_rules(z))
    assert sp.expand(z - on_sigma) == 0
    # and not on σ(2z)
    assert float((z - logit(sigma(2 * z))).subs(z, 1.0).evalf()) == pytest.approx(-1.0)


@PROPERTY
@given(st.floats(-15, 15), st.floats(-5, 5))
def test_frozen_sigmoid_satisfies_the_identity(zz, a):
    # f = σ(min(z, a)) is continuous, not σ, and still has H_SKA[f] = H_b(f).
    fp = lambda x: dsig(x) if x < a else 0.0  # noqa: E731
    assert h_ska_quad(fp, zz, points=(a,)) == pytest.approx(hb(expit(min(zz, a))), abs=1e-9)


def test_frozen_counterexample_numbers(outcomes):
    cex = outcomes["entropy.sigmoid-uniqueness"].evidence.counterexample
    assert cex is not None
    a, zz = cex["a"], cex["z"]
    assert zz > a and cex["f(z)"] == pytest.approx(expit(a))
    assert abs(cex["f(z)"] - expit(zz)) > 0.1  # f is not σ at z
    fp = lambda x: dsig(x) if x < a else 0.0  # noqa: E731
    assert h_ska_quad(fp, zz, points=(a,)) == pytest.approx(hb(expit(a)), abs=1e-10)


def test_steeper_sigmoid_does_not_satisfy_the_identity(outcomes):
    figs = outcomes["entropy.sigmoid-uniqueness"].evidence.figures
    assert figs["constant_solutions"] == [0, 1]
    refuted = figs["refuted_for_other_activations"]
    assert all(r["max_rel_residual"] > 1e-3 for r in refuted.values())
    at = refuted["sigma(2z)"]["at"]["z"]
    assert abs(h_ska_quad(lambda x: 2 * dsig(2 * x), at) - hb(expit(2 * at))) > 1e-3
    # independent: H_SKA[σ(2·)](z) = H_b(σ(2z))/2 ≠ H_b(σ(2z))
    lhs = h_ska_quad(lambda x: 2 * dsig(2 * x), 0.3)
    assert lhs == pytest.approx(hb(expit(0.6)) / 2, abs=1e-10)
    assert abs(lhs - hb(expit(0.6))) > 0.4


# --- 3 sigmoid-from-minimisation ---


@PROPERTY
@given(st.floats(-8, 8), st.floats(0.2, 3), st.floats(-3, 3))
def test_family_closed_form(zz, tau, b):
    w = (zz - b) / tau
    closed = tau * hb(expit(w)) - b * expit(w) / LN2
    fp = lambda x: dsig((x - b) / tau) / tau  # noqa: E731
    assert h_ska_quad(fp, zz, points=(b,)) == pytest.approx(closed, abs=1e-8)


def test_tempered_and_shifted_beat_sigma(outcomes):
    cex = outcomes["entropy.sigmoid-from-minimisation"].evidence.counterexample
    assert cex is not None
    sigma_value = h_ska_quad(dsig, 0.0)
    assert sigma_value == pytest.approx(cex["h_ska_sigma_bits"])
    assert sigma_value == pytest.approx(1.0)
    for ex in (cex["tempered"], cex["shifted"]):
        tau, b, zz = ex["tau"], ex["b"], ex["z"]
        val = h_ska_quad(lambda x, tau=tau, b=b: dsig((x - b) / tau) / tau, zz, points=(b,))
        assert val == pytest.approx(ex["h_ska_f_bits"], abs=1e-10)
        assert val < sigma_value - 0.4
    total = h_ska_quad(lambda x: dsig(x - 1.0), np.inf, points=(1.0,))
    assert total == pytest.approx(-1 / LN2, abs=1e-9)


# --- 4 local-h-is-uncertainty ---


def test_h_vanishes_at_maximal_uncertainty(outcomes):
    cex = outcomes["entropy.local-h-is-uncertainty"].evidence.counterexample
    assert cex is not None
    dD = expit(0.5) - expit(0.0)
    assert cex["Delta_D"] == pytest.approx(dD)
    assert cex["h_eq2"] == cex["h_eq4_bits"] == 0.0 * dD
    assert cex["H_shannon_bits"] == hb(expit(0.0)) == 1.0


@PROPERTY
@given(st.floats(-20, 20), st.sampled_from([1e-3, -1e-3]))
def test_h_is_the_change_of_shannon_entropy(zz, dz):
    h = -zz * (expit(zz + dz) - expit(zz)) / LN2
    dH = hb(expit(zz + dz)) - hb(expit(zz))
    assert abs(h - dH) <= (1 + abs(zz)) * dz**2  # equal to first order: h = dH_b, a change
    back = -zz * (expit(zz - dz) - expit(zz)) / LN2
    assert h * back <= 0  # opposite steps from the same state give opposite signs


# --- 5 discrete-sum-converges ---


def right_sum(zs: np.ndarray) -> float:
    Ds = expit(zs)
    return float(-np.sum(zs[1:] * np.diff(Ds)) / LN2)


def test_observed_orders_in_evidence(outcomes):
    figs = outcomes["entropy.discrete-sum-converges"].evidence.figures
    for rule, p in (("right", 1), ("left", 1), ("mid", 2)):
        assert all(abs(o - p) < 0.01 for o in figs["finest_observed_order"][rule])
    assert figs["right_endpoint_bias_always_negative"] is True


def test_first_order_error_constant_numpy():
    z0, z1 = -3.0, 4.0
    exact = hb(expit(z1)) - hb(expit(z0))
    errs = [right_sum(np.linspace(z0, z1, K + 1)) - exact for K in (200, 400)]
    assert math.log2(errs[0] / errs[1]) == pytest.approx(1.0, abs=0.01)
    predicted = -(z1 - z0) * (expit(z1) - expit(z0)) / (2 * LN2)
    assert 400 * errs[1] == pytest.approx(predicted, rel=1e-3)


@PROPERTY
@given(
    st.floats(-8, 8),
    st.floats(-8, 8),
    st.integers(2, 200),
    st.floats(-4, 4),
)
def test_right_endpoint_sum_is_biased_low_on_any_path(z0, z1, K, wiggle):
    u = np.linspace(0.0, 1.0, K + 1)
    zs = z0 + (z1 - z0) * u + wiggle * np.sin(3 * np.pi * u)  # non-monotone when |wiggle| is large
    exact = hb(expit(zs[-1])) - hb(expit(zs[0]))
    assert right_sum(zs) - exact <= 1e-12


def test_stieltjes_sum_rules_and_orders():
    nodes = [mpmath.mpf(x) for x in (-1, 0, 2)]
    Ds = [1 / (1 + mpmath.exp(-x)) for x in nodes]
    by_hand = -(nodes[1] * (Ds[1] - Ds[0]) + nodes[2] * (Ds[2] - Ds[1])) / mpmath.log(2)
    assert stieltjes_sum(nodes, "right") == pytest.approx(by_hand)
    assert observed_orders([10, 20, 40], [mpmath.mpf(3) / K**2 for K in (10, 20, 40)]) == pytest.approx(
        [2, 2]
    )


# --- 6 path-independence ---


@PROPERTY
@given(st.floats(-6, 6), st.floats(-6, 6), st.floats(-8, 8), st.floats(-8, 8))
def test_time_integral_depends_only_on_endpoints(z0, z1, c2, c3):
    # cubic path with fixed endpoints and free interior shape
    zf = lambda t: z0 + (z1 - z0) * t + c2 * t * (1 - t) + c3 * t * (1 - t) * (1 - 2 * t)  # noqa: E731
    zd = lambda t: (z1 - z0) + c2 * (1 - 2 * t) + c3 * (1 - 6 * t + 6 * t**2)  # noqa: E731
    val = -quad(lambda t: zf(t) * dsig(zf(t)) * zd(t), 0, 1, epsabs=1e-13, limit=200)[0] / LN2
    assert val == pytest.approx(hb(expit(z1)) - hb(expit(z0)), abs=1e-9)


def test_two_paths_agree_in_evidence(outcomes):
    figs = outcomes["entropy.path-independence"].evidence.figures
    assert figs["integral_monotone_bits"] == pytest.approx(figs["endpoint_difference_bits"], abs=1e-14)
    assert figs["integral_back_and_forth_bits"] == pytest.approx(figs["endpoint_difference_bits"], abs=1e-14)
    assert figs["endpoint_difference_bits"] == pytest.approx(hb(expit(3.0)) - hb(expit(-2.0)))
    # the finite sums along the two paths differ: the discrete sum is path dependent
    assert abs(figs["discrete_sum_K100_monotone_bits"] - figs["discrete_sum_K100_back_and_forth_bits"]) > 0.1


def test_mp_h_ska_matches_binary_entropy():
    with mpmath.workdps(30):
        v = mp_h_ska(mp_sigma_prime, mpmath.mpf(2))
        expected = binary_entropy_bits(sigma(z)).subs(z, 2).evalf(30)
        assert abs(v - mpmath.mpf(str(expected))) < mpmath.mpf(10) ** -25
