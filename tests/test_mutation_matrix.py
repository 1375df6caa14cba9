"""Change a definition and the verdicts move exactly as the mathematics predicts.

Each test derives its prediction in the docstring, then decides the claims under the mutated theory.
Custom theories (written here, never built in) go through the same machinery: no claim can special-case
a built-in's name.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy as sp
from helpers import claims_by_id, decide, fresh

from ska_theory.claims.model import Verdict
from ska_theory.proofs import _common, tensor_net
from ska_theory.symbolic.theory import PAPER, Theory, builtin, theory, z

HUC, HV, FAILS, HOLDS = Verdict.HOLDS_UNDER_CONDITIONS, Verdict.HOLDS_VACUOUSLY, Verdict.FAILS, Verdict.HOLDS


def test_tempered():
    """D = σ(2z). Substituting u = 2z, -(1/ln2)∫ z dσ(2z) = (1/2)·(-(1/ln2)∫ u dσ(u)) = H_b(D)/2: not
    Shannon's entropy, so shannon-equivalence fails with H_SKA = H_b(D)/2. 𝓛 = -z f'(z) ż is still
    f(z)·ż-shaped, a total derivative for every f: both Euler–Lagrange claims stay vacuous. z·dD is still
    an exact differential in one variable: path independence still holds."""
    o = decide("entropy.shannon-equivalence", "tempered")
    assert o.verdict is FAILS and "1/2*H_b(D)" in o.summary
    assert decide("lagrangian.euler-lagrange", "tempered").verdict is HV
    assert decide("tensor-net.euler-lagrange", "tempered").verdict is HV
    assert decide("lagrangian.least-action-principle", "tempered").verdict is HV
    assert (
        decide("entropy.path-independence", "tempered").verdict
        is decide("entropy.path-independence").verdict
        is HOLDS
    )


def test_code_sign():
    """∇_z H = +(1/ln2) z σ'(z) is minus dH/dz: flow.entropy-gradient-z fails. ∫(D - ∇_z H) dz is still
    elementary, = ln(1+e^z) + H_b(σ(z)) + C: closed-form holds. Net = ∫D dz + ΔH, so Net = 0 ⇔
    ∫D dz = -ΔH, not ∫D dz = ΔH: zero-crossing fails. H_SKA does not involve ∇_z H: shannon-equivalence
    keeps its verdict."""
    assert decide("flow.entropy-gradient-z", "code-sign").verdict is FAILS
    o = decide("tensor-net.closed-form", "code-sign")
    assert o.verdict is HOLDS and "Integral(D, z) + H_SKA(z)" in o.summary
    (net,) = [
        s.expr.rhs
        for s in o.evidence.steps
        if isinstance(s.expr, sp.Eq) and s.expr.lhs == sp.Function("Net")(z)
    ]
    paper_form = sp.log(1 + sp.exp(z)) + PAPER.shannon(PAPER.f(z))  # what the mathematics predicts
    assert sp.simplify(sp.diff(net - paper_form, z).rewrite(sp.exp)) == 0
    assert decide("tensor-net.zero-crossing-condition", "code-sign").verdict is FAILS
    assert (
        decide("entropy.shannon-equivalence", "code-sign").verdict
        is decide("entropy.shannon-equivalence").verdict
    )


def test_nats():
    """In nats H_SKA = -∫ z dD and H_b uses ln: the identity is exact in nats, so shannon-equivalence keeps
    its verdict; the offset from z0 = 0 is H_b(1/2) = ln 2 nat instead of 1 bit."""
    o = decide("entropy.shannon-equivalence", "nats")
    assert o.verdict is decide("entropy.shannon-equivalence").verdict is HUC
    assert o.evidence.figures["offset_from_z0_equal_0"] == pytest.approx(0.6931471805599453)


@pytest.mark.slow
def test_the_same_maths_written_differently_gets_the_same_verdicts():
    """(1 + tanh z)/2 = σ(2z) exactly: every symbolic verdict must equal the built-in tempered theory's."""
    tanh_theory = theory("tanh", "(1 + tanh(z))/2")
    for cid, c in claims_by_id().items():
        if c.kind == "symbolic":
            assert fresh(cid, tanh_theory).verdict is decide(cid, "tempered").verdict, cid


def test_a_shifted_sigmoid_breaks_shannon_equivalence_but_not_the_gradient():
    """D = σ(z - 1): -(1/ln2)∫ s σ'(s-1) ds = H_b(D) - D/ln2 (substitute s = u + 1), not H_b(D); the
    gradient convention and the flow do not care: entropy-gradient-z still holds."""
    th = theory("shifted", "1/(1 + exp(1 - z))")
    assert fresh("entropy.shannon-equivalence", th).verdict is FAILS
    assert fresh("flow.entropy-gradient-z", th).verdict is HOLDS


@pytest.mark.parametrize("wrong", [lambda th: z**2, lambda th: sp.S.Zero, lambda th: th.f(z)])
def test_a_wrong_ansatz_moves_no_verdict(monkeypatch, wrong):
    """The Shannon-entropy ansatz only guides the integration: replaced by a wrong one it is rejected by
    differentiation and the potential is integrated without it."""
    ids = ("entropy.shannon-equivalence", "flow.entropy-gradient-z", "tensor-net.zero-crossing-condition")
    before = {(cid, n): decide(cid, n).verdict for cid in ids for n in ("paper", "tempered")}
    monkeypatch.setattr(_common, "POTENTIAL_ANSATZ", wrong)
    _common.clear_caches()
    tensor_net.clear_caches()
    try:
        after = {(cid, n): fresh(cid, builtin(n)).verdict for cid in ids for n in ("paper", "tempered")}
    finally:
        _common.clear_caches()
        tensor_net.clear_caches()
    assert after == before


def test_zero_crossing_uses_the_gradient_not_a_pasted_form(monkeypatch):
    """Dropping ∇_z H's 1/ln2 (and nothing else) makes Net = ∫D dz - ln2·ΔH: the condition ∫D dz = ΔH no
    longer marks Net = 0, so the verdict must move to fails."""
    monkeypatch.setattr(Theory, "entropy_gradient_z", lambda self, x: -x * self.f_prime(x))
    tensor_net.clear_caches()
    try:
        assert fresh("tensor-net.zero-crossing-condition", PAPER).verdict is FAILS
    finally:
        tensor_net.clear_caches()


def test_a_time_dependent_lagrangian_is_caught_by_the_time_shift_witness(monkeypatch):
    """If 𝓛 depended on t, the action of a shifted path would differ: the claim must then be undecided
    (its premise ∂𝓛/∂t = 0 fails), not keep its verdict."""
    monkeypatch.setattr(
        Theory, "lagrangian", lambda self, q, qd: -q * self.f_prime(q) * qd * (1 + sp.Symbol("t", real=True))
    )
    o = fresh("lagrangian.time-independence-explains-invariance", PAPER)
    assert o.verdict is Verdict.UNDECIDED and "Derivative(calL, t)" in (o.step or "")


def test_local_h_without_a_counterexample_is_undecided_not_fails(monkeypatch):
    """With κ = 0, h ≡ 0 takes one value at every state: no counterexample, so no fails."""
    monkeypatch.setattr(Theory, "mp_unit_scale", property(lambda self: 0))
    assert fresh("entropy.local-h-is-uncertainty", PAPER).verdict is Verdict.UNDECIDED


def test_a_failed_integration_is_undecided_never_fails(monkeypatch):
    from ska_theory.symbolic import derivation

    monkeypatch.setattr(derivation.sp, "integrate", lambda e, x: sp.Integral(e, x))
    _common.clear_caches()
    try:
        o = fresh("entropy.path-independence", builtin("tempered"))  # its ansatz fails: it must integrate
    finally:
        _common.clear_caches()
    assert o.verdict is Verdict.UNDECIDED and "integrate" in (o.step or "")


def test_recorded_matrix_matches_the_issue_predictions():
    doc = json.loads(Path("reports/theory-matrix.json").read_text(encoding="utf-8"))
    cells = {r["id"]: r["verdicts"] for r in doc["claims"]}
    assert cells["entropy.shannon-equivalence"]["tempered"] == "fails"
    assert cells["flow.entropy-gradient-z"]["code-sign"] == "fails"
    assert cells["tensor-net.closed-form"]["code-sign"] == "holds"
    assert cells["tensor-net.zero-crossing-condition"]["code-sign"] == "fails"
    assert all(v != "undecided" for row in cells.values() for v in row.values())


def test_a_rescaled_sigmoid_keeps_the_monotonicity_counterexample():
    """D = σ(z/3) is σ in a stretched variable: a chain with weights 3w has the same decisions D as σ's
    chain with weights w, and ∇_z H = -κ z f'(z) = -κ (z/3) σ'(z/3) takes σ's values there, so the
    velocities are σ's divided by 3 and the total entropy rate at 3w is a positive multiple of σ's: the
    counterexample survives, stretched by 3 (the search grid is scaled by the activation's width)."""
    th = theory("stretched", "1/(1 + exp(-z/3))")
    o = fresh("flow.entropy-monotone", th)
    assert o.verdict is FAILS
    state = o.evidence.counterexample
    assert abs(state["w1"]) == pytest.approx(3 * 1.75) and state["dH/dt"] > 0


def test_self_solving_is_tested_where_the_flow_curves():
    """D = 1/2 + atan(z)/π: one neuron's rate is r(z) ∝ z f'(z) = z/(π(1 + z²)), so r'(1) = 0 and
    z̈ = r' r vanishes at z = 1, where Euler's local error is O(η³) and says nothing about η²z̈/2. The
    claim must test from a curved start (z = 2) and decide, not stay undecided."""
    o = fresh("flow.self-solving", theory("cauchy", "1/2 + atan(z)/pi"))
    assert o.verdict is Verdict.HOLDS_VACUOUSLY
    assert o.evidence.figures["start_z"] == 2.0


def test_heavy_and_light_tailed_activations_are_decided():
    """Gumbel D = exp(-e^(-z)): H_SKA(∞) = -(1/ln2)∫ z dD = -γ/ln2 (the Gumbel mean is Euler's γ), not
    a Shannon entropy, so shannon-equivalence fails, reported with that value at large z. Algebraic
    D = 1/2 + z/(2√(1 + z²)): the family f((z - b)/τ) has H_SKA = -b f(w) + τ/(2√(1 + w²)) in nats,
    which the quadrature witness must confirm, so sigmoid-from-minimisation is decided (fails: f(2z)
    has half the entropy at 0), not undecided."""
    import mpmath

    gumbel = fresh("entropy.shannon-equivalence", theory("gumbel", "exp(-exp(-z))"))
    assert gumbel.verdict is FAILS
    assert f"$H_SKA$ = {float(-mpmath.euler / mpmath.log(2)):.6g} bit" in gumbel.summary
    algebraic = theory("algebraic", "1/2 + z/(2*sqrt(1 + z**2))", entropy_unit="nats")
    assert fresh("entropy.sigmoid-from-minimisation", algebraic).verdict is FAILS
