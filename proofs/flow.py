"""Claims about the continuous SKA flow (SKA-2 eqs. 2–4, 31–32)."""

from __future__ import annotations

import sympy as sp

from ska_theory.claims.model import Claim, Context, Evidence, Outcome, Source, Step, Verdict, claim
from ska_theory.symbolic.definitions import binary_entropy_bits, entropy_gradient_z, sigma, z
from ska_theory.symbolic.rewrites import EXPAND, logit_rewrite
from ska_theory.symbolic.witness import check_identity

CLAIMS: list[Claim] = []


@claim(
    "flow.entropy-gradient-z",
    source=Source("SKA-2", "eq. 31", "∇_z H^(l) + (1/ln2) z^(l) ⊙ D'^(l) = 0"),
    statement=sp.Eq(sp.Symbol("nabla_z_H"), entropy_gradient_z(z)),
    title="Entropy gradient with respect to knowledge",
    into=CLAIMS,
)
def entropy_gradient_z_claim(ctx: Context) -> Outcome:
    # H as a state function of z is H_b(σ(z)) up to a constant (entropy.path-independence);
    # the constant drops out of the gradient, so no limit of integration is needed here.
    H = binary_entropy_bits(sigma(z))
    grad = sp.diff(H, z)
    chk = check_identity(
        grad,
        entropy_gradient_z(z),
        {z: (-40.0, 40.0)},
        [logit_rewrite(z), EXPAND],
        description="d/dz H_b(σ(z)) vs -(1/ln2) z σ(z)(1-σ(z))",
    )
    steps = [
        Step(sp.Eq(sp.Symbol("H"), H), "H = H_b(σ(z)) + const (path independence)"),
        Step(sp.Eq(sp.Symbol("dH/dz"), grad), "differentiate; σ' = σ(1-σ)"),
        *chk.steps,
    ]
    if chk.refuted:
        return Outcome(
            Verdict.FAILS,
            "numeric witness contradicts eq. 31",
            evidence=Evidence(
                steps=steps, witnesses=[chk.witness], counterexample=dict(chk.witness.worst_point)
            ),
        )
    return Outcome(
        Verdict.HOLDS,
        "∂H_b(σ(z))/∂z = -(1/ln2) z σ(z)(1-σ(z)) exactly, elementwise",
        conditions=["H is taken elementwise per neuron (H is a sum of per-neuron terms)"],
        evidence=Evidence(steps=steps, witnesses=[chk.witness]),
    )
