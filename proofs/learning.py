"""Claims about how knowledge and decision shifts align (SKA-1 Mechanism 1), derived from the theory."""

from __future__ import annotations

import mpmath
import sympy as sp

from ska_theory.claims.model import Claim, Outcome, Source, Verdict, claim, evidence_of
from ska_theory.symbolic.derivation import Derivation, named
from ska_theory.symbolic.theory import Theory

from ._common import key, unit

CLAIMS: list[Claim] = []

M = sp.Symbol("M", positive=True)  # knowledge of a neuron that does not move


@claim(
    "learning.cosine-break-condition",
    source=Source(
        "SKA-1",
        "Mechanism 1",
        "If z and ΔD become decorrelated (cos(θ) → 0), entropy reduction stalls regardless of knowledge "
        "magnitude",
    ),
    statement="$H = -kappa*Sum(z_i*Delta_D_i, (i, 1, n)) = -kappa*norm(Z)*norm(Delta_D)*cos(theta)$, and "
    "$cos(theta) -> 0$ "
    "stalls H whatever $norm(Z)$",
    title="The cosine break condition",
    uses=("entropy.discrete-sum-converges",),
    into=CLAIMS,
)
def cosine_break_claim(th: Theory) -> Outcome:
    d = Derivation()
    # Two neurons: one at z = M that does not move, one stepping from 1 to 2 (ΔD from the activation).
    Z = sp.Matrix([M, 1])
    dD = sp.Matrix([0, th.f(2) - th.f(1)])
    H = th.prefactor * Z.dot(dD)
    cos = Z.dot(dD) / (Z.norm() * dD.norm())
    d.show(
        sp.Eq(sp.Symbol("H"), H),
        "one step's entropy $-kappa*Sum(z_i*Delta_D_i, (i, 1, n))$: it does not depend on M",
    )
    d.show(sp.Eq(named("cos(theta)"), sp.simplify(cos)), "the Frobenius cosine of Z and $Delta_D$")
    lim = d.limit(cos, M, sp.oo, "cos(theta)")
    if lim != 0 or sp.diff(H, M) != 0 or H == 0:
        raise d.fail("build a sequence with cos θ → 0", f"limit {lim}, H = {H}")
    with mpmath.workdps(30):
        rows = {f"M = {m}": (float(sp.N(cos.subs(M, m), 30)), float(sp.N(H, 30))) for m in (10, 1000, 100000)}
    d.figures["cos_and_H_by_M"] = rows
    h = float(sp.N(H, 30))
    return Outcome(
        Verdict.FAILS,
        "$H = -kappa*norm(Z)*norm(Delta_D)*cos(theta)$ is exact, but cos θ → 0 does not stall H when "
        f"$norm(Z)$ grows: "
        "a neuron at z = M that does not move beside one stepping from 1 to 2 gives cos θ → 0 as M → ∞ "
        f"while H = {h:.4g} "
        f"{unit(th)} for every M",
        conditions=[
            "the break condition holds when $norm(Z)$ stays bounded: then $Abs(H) <= "
            "kappa*norm(Z)*norm(Delta_D)*Abs(cos(theta)) -> 0$"
        ],
        evidence=evidence_of(
            d,
            counterexample={k: {"cos": c, "H": v} for k, (c, v) in rows.items()},
            key_numbers=[key(f"cos θ at {k}", c) for k, (c, _) in rows.items()]
            + [key("H at every M", h, unit(th))],
        ),
        meaning="A vanishing cosine signals a stall only when knowledge stays bounded; large idle neurons "
        "can drive the "
        "cosine to zero while learning continues.",
    )
