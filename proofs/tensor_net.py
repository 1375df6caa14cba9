"""Claims about the Tensor Net Net = ∫(D - ∇_z H) dz (SKA-2 §2.4.1, eqs. 8, 26–29, §2.5.3).

Per neuron (elementwise); a layer's Net is the sum of its neurons'. The integrand comes from the theory
(:meth:`Theory.tensor_net_integrand`: its activation, unit and sign of ∇_z H); every antiderivative is
derived by integration and verified by differentiation and by quadrature.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp

from ska_theory.claims.model import Claim, KeyNumber, Outcome, Source, Verdict, claim, evidence_of
from ska_theory.symbolic.derivation import Derivation, named, real_roots
from ska_theory.symbolic.theory import Theory, t, z
from ska_theory.symbolic.variational import Jet, analyse_lagrangian, deformed_path_action
from ska_theory.symbolic.witness import IdentityCheck, witness_functions

from ._common import DIGITS, Z_BOX, entropy_potential, euler_lagrange_outcome, key, point_of

CLAIMS: list[Claim] = []

PATH = sp.Function("z")(t)
JET = Jet.of(PATH)
z0 = sp.Symbol("z_0", real=True)
zd = sp.Symbol("zdot", real=True)

# Each theory's antiderivatives are derived once and replayed into every claim that uses them.
_NETS: dict[str, tuple[Derivation, sp.Expr, sp.Expr, sp.Expr]] = {}


def clear_caches() -> None:
    """Forget the per-theory antiderivatives (after replacing an ansatz)."""
    _NETS.clear()


def antiderivatives(d: Derivation, th: Theory) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(Net, P, Φ): antiderivatives of D - ∇_z H (eq. 26), of D, and of dH_SKA/dz, each verified."""
    key_ = th.fingerprint()
    if key_ not in _NETS:
        own = Derivation()
        phi = entropy_potential(own, th)
        net = own.antiderivative(th.tensor_net_integrand(z), z, "D - nabla_z_H", symbol="Net")
        p = own.antiderivative(th.f(z), z, "D", symbol="P")
        _NETS[key_] = (own, net, p, phi)
    own, net, p, phi = _NETS[key_]
    d.steps += own.steps
    d.witnesses += own.witnesses
    return net, p, phi


def _riemann_errors(th: Theory, net: sp.Expr, a: float, b: float) -> dict[str, float]:
    """Eq. 8's discrete Net Σ (D_k - ∇H_k) Δz_k on a uniform grid of K steps, minus Net(b) - Net(a)."""
    g, N = th.mp(th.tensor_net_integrand(z), z), sp.lambdify([z], net, "mpmath")
    out = {}
    with mpmath.workdps(30):
        exact = N(mpmath.mpf(b)) - N(mpmath.mpf(a))
        for K in (10, 100, 1000):
            h = (mpmath.mpf(b) - a) / K
            out[f"K = {K}"] = float(mpmath.fsum(g(a + i * h) * h for i in range(K)) - exact)
    return out


@claim(
    "tensor-net.closed-form",
    source=Source("SKA-2", "eq. 26", "$Net = Integral(D - nabla_z_H, z)$"),
    statement="$Net = Integral(D - nabla_z_H, z)$ has a closed form",
    title="Closed form of the continuous Tensor Net",
    uses=("flow.entropy-gradient-z",),
    into=CLAIMS,
)
def closed_form_claim(th: Theory) -> Outcome:
    d = Derivation()
    net, p, phi = antiderivatives(d, th)
    # Structure: ∫(D - ∇_z H) dz = ∫D dz - sign·H_SKA, since ∇_z H = sign·dH_SKA/dz.
    d.lemma(
        sp.diff(net - p + th.sign * phi, z),
        sp.S.Zero,
        {z: Z_BOX},
        "$Net - P + s*Phi$ is constant, s the sign of the convention: $Net = Integral(D, z) - s*H_SKA$",
    )
    errors = _riemann_errors(th, net, -2.0, 3.0)
    d.figures |= {"eq8_errors": errors}
    form = "$Integral(D, z) - H_SKA(z) + C$" if th.sign > 0 else "$Integral(D, z) + H_SKA(z) + C$"
    return Outcome(
        Verdict.HOLDS,
        f"Net has an elementary closed form (derived above): Net = {form} (the {th.gradient_sign}'s sign of "
        f"$nabla_z_H$); eq. 8's sum "
        f"converges to it at rate 1/K "
        f"(error {abs(errors['K = 1000']):.2g} at K = 1000 from -2 to 3)",
        conditions=[
            "Net is an indefinite integral, defined up to a constant C; along a path from $z_0$ it is "
            "$Net(z) - Net(z_0)$",
            "per neuron (elementwise); a layer's Net is the sum over its neurons",
        ],
        evidence=evidence_of(
            d, key_numbers=[key(f"eq. 8 sum minus closed form, {k}", v) for k, v in errors.items()]
        ),
        meaning="The Tensor Net has an explicit formula: the integral of the decisions minus (or, with the "
        "code's sign, plus) the entropy.",
    )


def _eq27_28(th: Theory) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """The integrands of eqs. 26, 27 and 28 along a path (dz = ż dt), eqs. 27–28 as the paper prints them
    with the theory's D, f' and κ: (D + κ z f'(z)) ż and D ż - κ 𝓛."""
    eq26 = th.tensor_net_integrand(z) * zd
    eq27 = (th.f(z) + th.unit_scale * z * th.f_prime(z)) * zd
    eq28 = th.f(z) * zd - th.unit_scale * th.lagrangian(z, zd)
    return eq26, eq27, eq28


def _residuals(*checks: IdentityCheck) -> list[KeyNumber]:
    """The largest relative witness residual of each rewrite, eq. 26 → 27 and eq. 27 → 28."""
    return [
        key(f"largest relative residual, {c.description}", c.witness.max_rel_residual if c.witness else 0.0)
        for c in checks
    ]


@claim(
    "tensor-net.lagrangian-form",
    source=Source("SKA-2", "eqs. 27–29", "$Net = Integral(sigma(z)*zdot - 1/log(2)*calL, t)$"),
    statement="$Net = Integral(sigma*zdot - calL/log(2), t)$, and "
    "$Net = 0 => Integral(sigma*zdot, t) = 1/log(2)*Integral(calL, t) = Delta_H$",
    title="Tensor Net rewritten with the SKA Lagrangian",
    uses=("tensor-net.closed-form", "lagrangian.euler-lagrange"),
    into=CLAIMS,
)
def lagrangian_form_claim(th: Theory) -> Outcome:
    d = Derivation()
    eq26, eq27, eq28 = _eq27_28(th)
    box = {z: Z_BOX, zd: (-10.0, 10.0)}
    d.show(
        sp.Eq(named("e_26"), eq26),
        "eq. 26 along a path: $(D - nabla_z_H)*zdot$ with the theory's $nabla_z_H$",
    )
    d.show(sp.Eq(named("e_27"), eq27), "eq. 27 as printed")
    c27 = d.statement(eq26, eq27, box, "eq. 26 → 27")
    c28 = d.statement(eq27, eq28, box, "eq. 27 → 28")
    phi = entropy_potential(d, th)
    d.lemma(
        th.unit_scale * th.lagrangian(z, zd), sp.diff(phi, z) * zd, box, "eq. 12: $kappa*calL = dH_SKA/dt$"
    )
    bad = next((c for c in (c27, c28) if c.refuted), None)
    if bad is not None:
        at = point_of(bad.witness)
        return Outcome(
            Verdict.FAILS,
            f"{bad.description} does not hold: the printed integrand differs from $(D - nabla_z_H)*zdot$ "
            f"(at z = {at['z']:.4g}, $zdot$ = {at['zdot']:.4g})",
            evidence=evidence_of(d, counterexample=at, key_numbers=_residuals(c27, c28)),
            meaning="With this sign convention the paper's rewriting of the Tensor Net in terms of the "
            "Lagrangian is wrong.",
        )
    if not (c27.proven and c28.proven):
        raise d.fail("prove eqs. 27–28", "the rewrites did not reduce the difference to 0")
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        "eqs. 27 and 28 are exact rewrites of eq. 26 along a path, and $Net = 0 <-> Integral(D*zdot, t) = "
        "kappa*Integral(calL, t) = Delta_H$; "
        "H in eq. 29 is the entropy change over the path, not the entropy",
        conditions=[
            "the integrals are definite integrals along one differentiable path z(t)",
            "H in eq. 29 means $H_SKA(z(t_1)) - H_SKA(z(t_0))$ (eq. 12 fixes H only up to its lower limit)",
        ],
        evidence=evidence_of(d, key_numbers=_residuals(c27, c28)),
        meaning="The Lagrangian form of the Tensor Net is correct, provided H is read as the entropy change "
        "along the path.",
    )


def _counterexample(th: Theory, net_inc: Any, cond_inc: Any) -> dict[str, Any] | None:
    """(z0, z1) where one side of 'Net = 0 ⇔ ∫D dz = ΔH' vanishes and the other does not, if any."""
    with mpmath.workdps(30):
        for a in (-3, -1, 0, 1, 3):
            a_ = mpmath.mpf(a)
            for zero_fn, other_fn, which in (
                (cond_inc, net_inc, "$Integral(D, z) = Delta_H$"),
                (net_inc, cond_inc, "$Net = 0$"),
            ):
                for r in real_roots(_at_start(zero_fn, a_), (-40.0, 40.0), 1601):
                    if abs(r - a_) > mpmath.mpf(10) ** -6 and abs(other_fn(a_, r)) > mpmath.mpf(10) ** -10:
                        return {
                            "z0": float(a_),
                            "z1": float(r),
                            "holds": which,
                            "Net": float(net_inc(a_, r)),
                            "int_D_minus_Delta_H": float(cond_inc(a_, r)),
                        }
    return None


def _at_start(fn: Any, start: mpmath.mpf) -> Any:
    """z1 ↦ fn(start, z1): an increment as a function of the path's end."""
    return lambda x: fn(start, x)


@claim(
    "tensor-net.zero-crossing-condition",
    source=Source(
        "SKA-2", "§2.4.1, eq. 29", "Mathematically, this condition is given as $Integral(D, z) = H$"
    ),
    statement="$Net = 0 <-> Integral(D, z) = H$",
    title="Zero crossings of the Tensor Net",
    uses=("tensor-net.closed-form",),
    into=CLAIMS,
)
def zero_crossing_claim(th: Theory) -> Outcome:
    d = Derivation()
    net, p, phi = antiderivatives(d, th)
    inc = lambda e: e - e.subs(z, z0)  # noqa: E731  (increment along a path from z0 to z)
    d.show(sp.Eq(named("Net(z) - Net(z_0)"), inc(net)), "Net along a path from $z_0$")
    d.show(
        sp.Eq(named("Integral(D, z) - Delta_H"), inc(p) - inc(phi)),
        "the condition, with H the entropy change $Delta_H$",
    )
    chk = d.statement(
        inc(net), inc(p) - inc(phi), {z: Z_BOX, z0: Z_BOX}, "$Net = Integral(D, z) - Delta_H$ for every path"
    )
    N_, C_ = (sp.lambdify([z0, z], e, "mpmath") for e in (inc(net), inc(p) - inc(phi)))
    if chk.refuted:
        cx = _counterexample(th, N_, C_)
        if cx is None:
            raise d.fail("find a path where only one side vanishes", "none was found")
        return Outcome(
            Verdict.FAILS,
            f"$Net = 0$ and $Integral(D, z) = Delta_H$ are not equivalent: from $z_0$ = {cx['z0']:g} to z = "
            f"{cx['z1']:.6g}, "
            f"{cx['holds']} holds but Net = {cx['Net']:.4g} and $Integral(D, z) - Delta_H$ = "
            f"{cx['int_D_minus_Delta_H']:.4g}",
            evidence=evidence_of(
                d,
                counterexample=cx,
                key_numbers=[
                    key("$z_0$", cx["z0"]),
                    key("z", cx["z1"]),
                    key("Net", cx["Net"]),
                    key("$Integral(D, z) - Delta_H$", cx["int_D_minus_Delta_H"]),
                ],
            ),
            meaning="The zero crossings of the Tensor Net do not mark the condition the paper gives for "
            "them.",
        )
    if not chk.proven:
        raise d.fail(
            "prove $Net = Integral(D, z) - Delta_H$", "the rewrites did not reduce the difference to 0"
        )
    with mpmath.workdps(DIGITS):
        crossings = [r for r in real_roots(lambda x: N_(0, x), (-40.0, 40.0)) if abs(r) > 1e-6]
    d.figures["crossings_from_z0_0"] = [float(r) for r in crossings]
    where = (
        f"crosses zero at z = {', '.join(f'{float(r):.6g}' for r in crossings)}"
        if crossings
        else "never crosses zero in [-40, 40]"
    )
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        "$Net = Integral(D, z) - Delta_H$ exactly along every path, so $Net = 0 <-> Integral(D, z) = "
        f"Delta_H$; a neuron starting at $z_0 = 0$ {where}",
        conditions=[
            "Net, $Integral(D, z)$ and H are increments along one path (H means $Delta_H$, not the entropy)",
            "per neuron; a layer's Net = 0 is one scalar condition on the sum over neurons",
        ],
        evidence=evidence_of(d, key_numbers=[key("crossing from $z_0 = 0$", float(r)) for r in crossings]),
        meaning="A zero of the Tensor Net is exactly the balance the paper names, once H is read as the "
        "entropy change since the start.",
    )


@claim(
    "tensor-net.extrema",
    source=Source(
        "SKA-2", "§2.4.1", "The condition $D = nabla_z_H$ describes the extrema of the Tensor Net function"
    ),
    statement="$D = nabla_z_H$ at the extrema of Net",
    title="Extrema of the Tensor Net",
    uses=("tensor-net.closed-form",),
    into=CLAIMS,
)
def extrema_claim(th: Theory) -> Outcome:
    d = Derivation()
    antiderivatives(d, th)  # Net is verified to differentiate back to the integrand
    g = th.tensor_net_integrand(z)
    d.show(
        sp.Eq(sp.Derivative(sp.Symbol("Net"), z), g),
        "$Derivative(Net, z) = D - nabla_z_H$ (the antiderivative, verified above)",
    )
    with mpmath.workdps(DIGITS):
        roots = real_roots(th.mp(g, z))
        curv = [th.mp(sp.diff(g, z), z)(r) for r in roots]
    kinds = ["minimum" if c > 0 else "maximum" for c in curv]
    d.figures |= {"extrema": [float(r) for r in roots], "kinds": kinds}
    for r, k in zip(roots, kinds, strict=True):
        d.show(
            sp.Eq(sp.Symbol("z*"), sp.Float(mpmath.nstr(r, 15), 15)),
            f"$D = nabla_z_H$ here (a root of the integrand): a {k}",
        )
    if not roots:
        return Outcome(
            Verdict.HOLDS_VACUOUSLY,
            "$D - nabla_z_H$ never changes sign on [-60, 60]: Net is monotone and has no extremum, so the "
            "condition describes nothing",
            conditions=["per neuron, Net as a function of z"],
            evidence=evidence_of(d, key_numbers=[key("extrema of Net in [-60, 60]", 0)]),
            meaning="With this sign convention the Tensor Net has no extremum at all, so the paper's "
            "condition is never met.",
        )
    listed = ", ".join(f"a {k} at z = {float(r):.6g}" for r, k in zip(roots, kinds, strict=True))
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        f"as a function of z, Net's extrema are where $D = nabla_z_H$: {listed}; along a trajectory Net(t) "
        f"is also stationary wherever $zdot = 0$",
        conditions=[
            "per neuron, Net as a function of z; extrema searched on [-60, 60]",
            "along a trajectory $dNet/dt = (D - nabla_z_H)*zdot$, so it is also stationary where $zdot = 0$, "
            "and "
            "for a layer only the sum must vanish",
        ],
        evidence=evidence_of(
            d, key_numbers=[key(f"extremum ({k})", float(r)) for r, k in zip(roots, kinds, strict=True)]
        ),
        meaning="The condition does locate the Tensor Net's turning point in z, but along learning "
        "trajectories it is not the only one.",
    )


INTERPRETATION = "the Tensor Net satisfies the same fundamental variational principle"


@claim(
    "tensor-net.euler-lagrange",
    source=Source(
        "SKA-2",
        "§2.5.3",
        "When we compute the Euler-Lagrange equation for this integrated expression, we again arrive at the "
        "identity $0 = 0$",
    ),
    statement="$ddt*Derivative(ell, zdot) - Derivative(ell, z) = 0$ for $ell = sigma(z)*zdot - calL/log(2)$",
    title="Euler–Lagrange equation of the Tensor Net integrand",
    uses=("tensor-net.closed-form", "lagrangian.euler-lagrange"),
    into=CLAIMS,
)
def euler_lagrange_claim(th: Theory) -> Outcome:
    d = Derivation()
    net, _, _ = antiderivatives(d, th)
    v = analyse_lagrangian(th.tensor_net_integrand(PATH) * PATH.diff(t), PATH)
    if v.total_derivative is not None:
        d.lemma(
            sp.diff(v.total_derivative.subs(JET.q, z), z),
            sp.diff(net, z),
            {z: Z_BOX},
            "F and Net have the same derivative",
        )
    return euler_lagrange_outcome(d, v, interpretation=INTERPRETATION, shown_as="$F = Net + C$")


__all__ = ["CLAIMS", "antiderivatives", "deformed_path_action", "witness_functions"]
