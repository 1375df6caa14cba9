"""The symbolic core: witnesses, the rewrite chain, derivations and the undecided/fails boundary."""

from __future__ import annotations

import itertools

import mpmath
import pytest
import sympy as sp

from ska_theory.claims.evaluate import evaluate
from ska_theory.claims.model import Claim, Context, Outcome, Source, Verdict, claim
from ska_theory.symbolic.derivation import Derivation, StepFailed, real_roots
from ska_theory.symbolic.display import display, sigma
from ska_theory.symbolic.proving import prove_zero
from ska_theory.symbolic.theory import z
from ska_theory.symbolic.witness import check_identity, witness_identity

LOGISTIC = 1 / (1 + sp.exp(-z))


def test_witness_finds_a_counterexample_far_above_precision():
    chk = check_identity(LOGISTIC, 1 - LOGISTIC, {z: (-5.0, 5.0)}, description="wrong")
    assert chk.status == "refuted" and chk.witness.max_rel_residual > 1e-3
    zz = chk.witness.worst_point["z"]
    assert abs(float(LOGISTIC.subs(z, zz)) - float(1 - LOGISTIC.subs(z, zz))) > 1e-3


def test_true_identity_is_proven_and_witnessed_at_fifty_digits():
    chk = check_identity(LOGISTIC.subs(z, -z), 1 - LOGISTIC, {z: (-30.0, 30.0)}, description="symmetry")
    assert chk.status == "proven" and chk.witness.digits >= 50 and chk.witness.n_points >= 20
    assert chk.witness.max_rel_residual < 1e-45


def test_witness_refuses_low_precision_and_identical_sides():
    with pytest.raises(ValueError, match="50 digits"):
        witness_identity(z, z + 1, {z: (0.0, 1.0)}, description="x", digits=15)
    with pytest.raises(ValueError, match="same expression"):
        witness_identity(z**2, z**2, {z: (0.0, 1.0)}, description="x")


def test_an_unproved_true_identity_is_unproven_not_refuted():
    # Without a rewrite that writes tanh in exponentials the chain cannot reach 0; the witness agrees.
    chk = check_identity(
        sp.tanh(z),
        (sp.exp(2 * z) - 1) / (sp.exp(2 * z) + 1),
        {z: (-3.0, 3.0)},
        description="tanh",
        rewrites=[("expand", sp.expand)],
    )
    assert chk.status == "unproven"


def test_prove_zero_shows_only_steps_that_change_something():
    ok, steps = prove_zero(sp.log(1 + sp.exp(z)) - z - sp.log(1 + sp.exp(-z)))
    assert ok and steps[-1].expr == 0
    assert all(a.expr != b.expr for a, b in itertools.pairwise(steps))


def test_lemma_that_does_not_verify_raises_step_failed():
    d = Derivation()
    with pytest.raises(StepFailed, match="my step"):
        d.lemma(z**2, z**3, {z: (0.5, 2.0)}, "my step")


def test_antiderivative_uses_a_right_ansatz_and_ignores_a_wrong_one():
    d = Derivation()
    right = d.antiderivative(sp.cos(z), z, "cos", ansatz=sp.sin(z) + 3)
    assert right == sp.sin(z) + 3
    wrong = d.antiderivative(sp.cos(z), z, "cos", ansatz=z**2)
    assert sp.simplify(sp.diff(wrong, z) - sp.cos(z)) == 0 and wrong != z**2
    assert any("does not differentiate back" in s.justification for s in d.steps)


def test_display_writes_the_logistic_as_sigma():
    assert display(z * LOGISTIC) == z * sigma(z)
    assert display(1 / (1 + sp.exp(-2 * z))) == sigma(2 * z)


def test_real_roots_are_refined_to_working_precision():
    with mpmath.workdps(40):
        roots = real_roots(lambda x: x**3 - 2, (-5.0, 5.0), 101)
        assert len(roots) == 1 and abs(roots[0] - mpmath.cbrt(2)) < mpmath.mpf(10) ** -35


def _raising(th: object) -> Outcome:
    raise ZeroDivisionError("boom")


def _failing_step(th: object) -> Outcome:
    d = Derivation()
    d.lemma(z, z + 1, {z: (0.0, 1.0)}, "an unverifiable step")
    return Outcome(Verdict.HOLDS, "never reached")


def test_toolkit_failures_are_undecided_and_never_abort_the_run():
    src = Source("SKA-2", "nowhere")
    claims = [
        claim("t.raises", source=src, statement="x")(_raising),
        claim("t.step", source=src, statement="x")(_failing_step),
        claim("t.fine", source=src, statement="x")(lambda th: Outcome(Verdict.HOLDS, "ok")),
    ]
    assert all(isinstance(c, Claim) for c in claims)
    results = evaluate(claims, Context(use_cache=False))
    verdicts = [r.outcome.verdict for r in results]
    assert verdicts == [Verdict.UNDECIDED, Verdict.UNDECIDED, Verdict.HOLDS]
    assert "ZeroDivisionError" in results[0].outcome.summary and results[0].outcome.step
    assert results[1].outcome.step == "an unverifiable step"
    assert results[1].outcome.evidence.witnesses  # the evidence gathered before the step failed is kept


def test_real_roots_ignore_cancellation_in_the_tails():
    """(1 + erf z)/2 > 0 everywhere, but at 50 digits it is exactly 0 below z ≈ -11 (erf rounds to -1):
    those zeros are cancellation, and re-evaluated at more digits they are not roots. A true zero on
    the grid (z at 0) and a true sign change (z - 1/3) are still found."""
    import mpmath

    from ska_theory.symbolic.derivation import real_roots

    with mpmath.workdps(50):
        assert real_roots(lambda x: (1 + mpmath.erf(x)) / 2) == []
        assert real_roots(lambda x: x) == [0]
        (root,) = real_roots(lambda x: x - mpmath.mpf(1) / 3)
        assert abs(root - mpmath.mpf(1) / 3) < mpmath.mpf(10) ** -45


def test_quad_line_handles_double_exponential_and_algebraic_tails():
    """Two integrals with known values. Gumbel: ∫ z e^(-z) exp(-e^(-z)) dz over the line is the Gumbel
    mean, Euler's γ; mpmath.quad on (-∞, ∞) evaluates exp(-e^(-z)) at z ~ -10^30 and does not return.
    Algebraic: ∫_{-∞}^{w} x/(2(1 + x²)^(3/2)) dx = -1/(2√(1 + w²)); plain quad is off by ~1e-4 there."""
    import mpmath

    from ska_theory.symbolic.witness import quad_line

    with mpmath.workdps(50):
        gumbel, err = quad_line(
            lambda x: x * mpmath.exp(-x) * mpmath.exp(-mpmath.exp(-x)), [mpmath.ninf, 0, mpmath.inf]
        )
        assert abs(gumbel - mpmath.euler) < mpmath.mpf(10) ** -40 and err < mpmath.mpf(10) ** -30
        w = mpmath.mpf("-6.5")
        alg, _ = quad_line(lambda x: x / (2 * (1 + x**2) ** mpmath.mpf(1.5)), [mpmath.ninf, w])
        assert abs(alg + 1 / (2 * mpmath.sqrt(1 + w**2))) < mpmath.mpf(10) ** -40
