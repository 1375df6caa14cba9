"""Claims about the Tensor Net function Net = ∫(D - ∇_z H) dz (SKA-2 §2.4.1, eqs. 8, 26–29, §2.5.3).

Everything is per neuron (elementwise): a layer's Net is the sum of its neurons' Nets. Two signs of
∇_z H appear: the paper's ∇_z H = -(1/ln2) z σ'(z) (eq. 31) and the authors' code's +(1/ln2) z σ'(z).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import mpmath
import sympy as sp

from ska_theory.claims.model import Claim, Context, Evidence, Outcome, Source, Step, Verdict, Witness, claim
from ska_theory.symbolic.definitions import (
    LN2,
    binary_entropy_bits,
    entropy_gradient_z,
    sigma,
    ska_lagrangian,
    t,
    tensor_net_integrand,
    z,
)
from ska_theory.symbolic.rewrites import CANCEL, EXPAND, SOFTPLUS, TO_EXP, logit_rewrite
from ska_theory.symbolic.variational import (
    Jet,
    analyse_lagrangian,
    deformed_path_action,
    euler_lagrange_zero_outcome,
    mp_function,
)
from ska_theory.symbolic.witness import IdentityCheck, check_identity, witness_functions

CLAIMS: list[Claim] = []

Sign = Literal["paper", "code"]
SIGNS: tuple[Sign, ...] = ("paper", "code")
PATH = sp.Function("z")(t)
JET = Jet.of(PATH)
Z_BOX = {z: (-30.0, 30.0)}
DIGITS = 50
# Rewrites that turn σ, ln σ, ln(1-σ) and softplus terms into one rational function of e^{-z}.
NET_REWRITES = (logit_rewrite(z), logit_rewrite(-z), SOFTPLUS, TO_EXP, EXPAND, CANCEL)


def entropy_gradient(zz: sp.Expr, sign: Sign) -> sp.Expr:
    """∇_z H: paper's sign -(1/ln2) z σ'(z) (SKA-2 eq. 31); the authors' code uses the opposite sign."""
    return entropy_gradient_z(zz) if sign == "paper" else -entropy_gradient_z(zz)


def net_integrand(zz: sp.Expr, sign: Sign) -> sp.Expr:
    """D - ∇_z H with D = σ(z) (SKA-2 eq. 26)."""
    return tensor_net_integrand(zz) if sign == "paper" else sigma(zz) - entropy_gradient(zz, sign)


def tensor_net(zz: sp.Expr, sign: Sign) -> sp.Expr:
    """Closed form of ∫(D - ∇_z H) dz: ln(1+e^z) ∓ H_b(σ(z)) (- for the paper's sign), up to a constant."""
    h = binary_entropy_bits(sigma(zz))
    return sp.log(1 + sp.exp(zz)) - h if sign == "paper" else sp.log(1 + sp.exp(zz)) + h


def mp_fn(e: sp.Expr) -> Callable[[mpmath.mpf], mpmath.mpf]:
    """z ↦ e(z) with mpmath (σ included)."""
    return mp_function(e, [z])


def _refuted_outcome(checks: Sequence[IdentityCheck], steps: list[Step], what: str) -> Outcome | None:
    """A FAILS outcome when a witness contradicts one of ``checks``, else None."""
    for c in checks:
        if c.refuted:
            return Outcome(
                Verdict.FAILS,
                f"{what}: the numeric witness contradicts '{c.witness.description}'",
                evidence=Evidence(
                    steps=steps,
                    witnesses=[c.witness for c in checks],
                    counterexample=dict(c.witness.worst_point),
                ),
            )
    return None


def _witness_failure(
    checked: Sequence[Witness], shown: list[Witness], steps: list[Step], figures: dict[str, Any], what: str
) -> Outcome | None:
    """A FAILS outcome at the first of ``checked`` that disagrees (its worst point is the counterexample)."""
    bad = next((w for w in checked if not w.agrees), None)
    if bad is None:
        return None
    return Outcome(
        Verdict.FAILS,
        f"{what} {bad.description}",
        evidence=Evidence(steps, shown, figures, dict(bad.worst_point)),
    )


def _closed_form_checks(
    sign: Sign,
) -> tuple[list[Step], list[IdentityCheck], list[Witness], dict[str, float]]:
    """Differentiate the closed form back, integrate with SymPy, and witness definite integrals."""
    integrand, net = net_integrand(z, sign), tensor_net(z, sign)
    back = check_identity(
        sp.diff(net, z), integrand, Z_BOX, NET_REWRITES, description=f"d/dz Net = D - ∇_z H ({sign} sign)"
    )
    sympy_net = sp.integrate(integrand.rewrite(sigma, sp.exp), z)
    const = (sympy_net - net).subs(z, 0)  # the identity below proves it is the whole difference
    agrees = check_identity(
        sympy_net - const, net, Z_BOX, NET_REWRITES, description=f"sympy.integrate = closed form + C ({sign})"
    )
    f, n = mp_fn(integrand), mp_fn(net)
    quad = witness_functions(
        lambda a, b: mpmath.quad(f, [a, b]),
        lambda a, b: n(b) - n(a),
        {"a": (-20.0, 20.0), "b": (-20.0, 20.0)},
        description=f"mpmath quad ∫_a^b (D - ∇_z H) dz = Net(b) - Net(a) ({sign})",
    )
    steps = [
        Step(sp.Eq(sp.Symbol("Net"), net), f"closed form, {sign} sign of ∇_z H, up to a constant C"),
        *back.steps,
        Step(sp.Eq(sp.Symbol("Net_sympy"), sympy_net), "sympy.integrate of the integrand (σ as exponential)"),
        Step(sp.Eq(sp.Symbol("C"), const), "sympy's antiderivative minus the closed form at z = 0"),
        *agrees.steps,
    ]
    return steps, [back, agrees], [back.witness, agrees.witness, quad], {f"C_sympy_{sign}": float(const)}


def _riemann_sums(sign: Sign, a: float, b: float, ks: Sequence[int]) -> dict[str, float]:
    """Eq. 8's discrete Net Σ (D_k - ∇H_k) Δz_k on a uniform grid, minus the closed form (error ~ 1/K)."""
    f, n = mp_fn(net_integrand(z, sign)), mp_fn(tensor_net(z, sign))
    out = {}
    with mpmath.workdps(30):
        exact = n(mpmath.mpf(b)) - n(mpmath.mpf(a))
        for k in ks:
            h = (mpmath.mpf(b) - a) / k
            out[f"eq8_error_K{k}"] = float(sum(f(a + i * h) * h for i in range(k)) - exact)
    return out


@claim(
    "tensor-net.closed-form",
    source=Source("SKA-2", "eq. 26", "Net = ∫(D - ∇_z H) dz"),
    statement=sp.Eq(sp.Symbol("Net"), sp.Integral(tensor_net_integrand(z), z)),
    title="Closed form of the continuous Tensor Net",
    into=CLAIMS,
)
def closed_form_claim(ctx: Context) -> Outcome:
    steps: list[Step] = []
    checks: list[IdentityCheck] = []
    witnesses: list[Witness] = []
    figures: dict[str, float] = {}
    for sign in SIGNS:
        s_, c_, w_, f_ = _closed_form_checks(sign)
        steps += s_
        checks += c_
        witnesses += w_
        figures.update(f_)
        figures.update({f"{k}_{sign}": v for k, v in _riemann_sums(sign, -2.0, 3.0, (10, 100, 1000)).items()})
    if bad := _refuted_outcome(checks, steps, "closed form of eq. 26"):
        return bad
    if bad := _witness_failure(
        witnesses, witnesses, steps, figures, "quadrature contradicts the closed form:"
    ):
        return bad
    return Outcome(
        Verdict.HOLDS,
        "∫(D - ∇_z H) dz = ln(1+e^z) - H_b(σ(z)) + C with the paper's sign of ∇_z H "
        "(ln(1+e^z) + H_b(σ(z)) + C with the code's sign); eq. 8's sum converges to it at rate 1/K",
        conditions=[
            "Net is an indefinite integral, defined up to an additive constant C; along a path from z0 "
            "it is the definite integral Net(z) - Net(z0)",
            "per neuron (elementwise); a layer's Net is the sum over its neurons",
            "H_b is the binary entropy in bits; ∇_z H = -(1/ln2) z σ'(z) as in SKA-2 eq. 31",
        ],
        evidence=Evidence(steps=steps, witnesses=witnesses, figures=figures),
    )


def _path_quad_witness(lagrangian: sp.Expr, potential: sp.Expr, description: str) -> Witness:
    """∫_0^1 lagrangian dt along z(t) = a + (b-a)t + s sin(πt) vs potential(b) - potential(a)."""
    r = mp_fn(potential)
    return witness_functions(
        deformed_path_action(lagrangian, JET),
        lambda a, b, s: r(b) - r(a),
        {"a": (-6.0, 6.0), "b": (-6.0, 6.0), "s": (-4.0, 4.0)},
        description=description,
    )


@claim(
    "tensor-net.lagrangian-form",
    source=Source("SKA-2", "eqs. 27–29", "Net = ∫(σ(z)ż - (1/ln2)𝓛) dt"),
    statement="Net = ∫(σ + (1/ln2) z σ(1-σ)) ż dt = ∫(σ ż - (1/ln2) 𝓛) dt; "
    "Net = 0 ⇒ ∫σ ż dt = (1/ln2)∫𝓛 dt = H",
    title="Tensor Net rewritten with the SKA Lagrangian",
    into=CLAIMS,
)
def lagrangian_form_claim(ctx: Context) -> Outcome:
    zd = JET.qdot
    lag = ska_lagrangian(z, zd)
    eq26 = net_integrand(z, "paper") * zd  # dz = ż dt along a path
    eq27 = (sigma(z) + z * sigma(z) * (1 - sigma(z)) / LN2) * zd
    eq28 = sigma(z) * zd - lag / LN2
    dom = {z: (-30.0, 30.0), zd: (-10.0, 10.0)}
    h_rate = sp.diff(binary_entropy_bits(sigma(z)), z) * zd  # d/dt H_b(σ(z(t)))
    checks = [
        check_identity(eq26, eq27, dom, [EXPAND], description="eq. 26 → 27: (D - ∇_z H) ż"),
        check_identity(eq27, eq28, dom, [EXPAND], description="eq. 27 → 28: σż - (1/ln2)𝓛"),
        check_identity(lag / LN2, h_rate, dom, NET_REWRITES, description="eq. 12: (1/ln2)𝓛 = dH_b(σ(z))/dt"),
    ]
    steps = [
        Step(sp.Eq(sp.Symbol("eq26_integrand"), eq26), "(D - ∇_z H) dz with dz = ż dt, paper's sign"),
        Step(sp.Eq(sp.Symbol("eq27_integrand"), eq27), "SKA-2 eq. 27 as printed"),
        Step(sp.Eq(sp.Symbol("eq28_integrand"), eq28), "SKA-2 eq. 28 as printed, 𝓛 = -z σ(1-σ) ż"),
        *(s for c in checks for s in c.steps),
        Step(
            sp.Eq(sp.Symbol("Net"), sp.Symbol("∫σż dt") - sp.Symbol("(1/ln2)∫𝓛 dt")),
            "linearity of the definite integral of eq. 28 along one path: Net = 0 ⇔ ∫σż dt = (1/ln2)∫𝓛 dt",
        ),
        Step(
            sp.Eq(sp.Symbol("(1/ln2)∫𝓛 dt"), sp.Symbol("H_b(σ(z(t1))) - H_b(σ(z(t0)))")),
            "eq. 12 is the entropy change over the path, by the third identity",
        ),
    ]
    if bad := _refuted_outcome(checks, steps, "eqs. 27–29"):
        return bad
    quads = [
        _path_quad_witness(eq28, tensor_net(z, "paper"), "∫(σż - 𝓛/ln2) dt = Net(z1) - Net(z0) on paths"),
        _path_quad_witness(lag / LN2, binary_entropy_bits(sigma(z)), "(1/ln2)∫𝓛 dt = ΔH_b on paths"),
    ]
    witnesses = [c.witness for c in checks] + quads
    figures = {w.description: w.max_rel_residual for w in witnesses}
    if bad := _witness_failure(quads, witnesses, steps, figures, "path quadrature contradicts"):
        return bad
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        "eqs. 27 and 28 are exact rewrites of eq. 26 along a path, and Net = 0 ⇔ ∫σż dt = (1/ln2)∫𝓛 dt "
        "= ΔH; H in eq. 29 is the entropy change over the path, not the entropy",
        conditions=[
            "the integrals are definite integrals along one differentiable path z(t) from t0 to t1",
            "H in eq. 29 means H_b(σ(z(t1))) - H_b(σ(z(t0))) (eq. 12 fixes H only up to its lower limit)",
            "the paper's sign ∇_z H = -(1/ln2) z σ'(z) (eq. 31)",
        ],
        evidence=Evidence(steps=steps, witnesses=witnesses, figures=figures),
    )


def _crossing_partner(net: sp.Expr, z0: mpmath.mpf, bracket: tuple[float, float]) -> mpmath.mpf:
    """The z ≠ z0 with Net(z) = Net(z0) in ``bracket`` (bisection-safe Anderson/Illinois solver)."""
    n = mp_fn(net)
    return mpmath.findroot(lambda x: n(x) - n(z0), bracket, solver="anderson")


@claim(
    "tensor-net.zero-crossing-condition",
    source=Source("SKA-2", "§2.4.1, eq. 29", "Mathematically, this condition is given as ∫D dz = H"),
    statement="Net = 0 ⇔ ∫D dz = H",
    title="Zero crossings of the Tensor Net",
    into=CLAIMS,
)
def zero_crossing_claim(ctx: Context) -> Outcome:
    z0 = sp.Symbol("z_0", real=True)
    h = binary_entropy_bits(sigma(z))
    int_d = sp.log(1 + sp.exp(z)) - sp.log(1 + sp.exp(z0))  # ∫_{z0}^{z} σ(s) ds
    d_h = h - h.subs(z, z0)
    dom = {z: (-30.0, 30.0), z0: (-30.0, 30.0)}
    antiderivative = check_identity(
        sp.diff(int_d, z), sigma(z), dom, NET_REWRITES, description="d/dz ln(1+e^z) = σ(z)"
    )
    steps: list[Step] = list(antiderivative.steps)
    checks = [antiderivative]
    for sign in SIGNS:
        rel = int_d - d_h if sign == "paper" else int_d + d_h
        net_inc = tensor_net(z, sign) - tensor_net(z0, sign)
        c = check_identity(
            net_inc, rel, dom, NET_REWRITES, description=f"Net increment = ∫D dz ∓ ΔH ({sign})"
        )
        checks.append(c)
        cond = sp.Eq(sp.Symbol("∫D dz"), (1 if sign == "paper" else -1) * sp.Symbol("ΔH"))
        steps += [*c.steps, Step(cond, f"so Net = 0 along a path ⇔ this ({sign} sign of ∇_z H)")]
    mirror = [
        check_identity(
            tensor_net(-z, sign), tensor_net(z, sign) - z, Z_BOX, NET_REWRITES, description=f"mirror ({sign})"
        )
        for sign in SIGNS
    ]
    checks += mirror
    steps += [
        *mirror[0].steps,
        Step(
            sp.Eq(sp.Symbol("Net[-z]"), sp.Symbol("Net[z]") - sp.Symbol("Δz")),
            "mirror z → -z (D → 1-D, H unchanged): Net shifts by -Δz, both signs",
        ),
        Step(
            sp.Eq(sp.Symbol("∫(1-D) dz"), -sp.Symbol("ΔH")),
            "so the mirrored crossing condition reads ∫(1-D) dz = -ΔH: crossings depend on which class is 1",
        ),
    ]
    if bad := _refuted_outcome(checks, steps, "zero-crossing condition"):
        return bad
    # Single neuron from z0 = 0: Net is an endpoint function, so Net(t) = 0 exactly when z(t) is a root.
    figures: dict[str, float | bool | str] = {}
    with mpmath.workdps(DIGITS):
        n_p, n_c = mp_fn(tensor_net(z, "paper")), mp_fn(tensor_net(z, "code"))
        z_cross = _crossing_partner(tensor_net(z, "paper"), mpmath.mpf(0), (-8.0, -1.5))
        z_plus = mpmath.findroot(n_p, (0.0, 3.0), solver="anderson")  # Net(z) = 0 with C = 0
        z_max_h = mpmath.findroot(lambda x: 1 - x * (1 / (1 + mpmath.exp(-x))), 1.0)  # argmax z(1-σ)
        h_max = z_max_h * (1 - 1 / (1 + mpmath.exp(-z_max_h)))
        figures |= {
            "paper_crossing_from_z0_0": float(z_cross),
            "paper_net_increment_at_crossing": float(n_p(z_cross) - n_p(0)),
            "paper_net_increment_limit_z_to_minus_inf": float(1 - mpmath.log(2)),
            # Net(z) ≥ 0 = sup of Net on z < z* beyond z_plus: paths from z0 ≥ z_plus never cross back.
            "paper_no_crossing_back_for_z0_at_least": float(z_plus),
            "code_net_increment_limit_z_to_minus_inf": float(-(1 + mpmath.log(2))),
            "code_max_of_z_one_minus_sigma": float(h_max),
            "code_integrand_positive_everywhere": bool(h_max < mpmath.log(2)),
            "code_net_increment_at_paper_crossing": float(n_c(z_cross) - n_c(0)),
        }
    steps.append(
        Step(
            sp.Eq(sp.Symbol("z_c"), sp.Float(mpmath.nstr(z_cross, 30), 30)),
            "paper sign, path from z0 = 0: Net(z_c) = Net(0) (mpmath findroot); "
            "the increment's roots are {0, z_c}",
        )
    )
    steps.append(
        Step(
            sp.Lt(sp.Float(mpmath.nstr(h_max, 30), 30), LN2, evaluate=False),
            "code sign: D - ∇_z H = σ(1 - z(1-σ)/ln2) > 0 since max z(1-σ) < ln2: Net strictly increasing, "
            "a path from z0 = 0 never returns to Net = 0",
        )
    )
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        f"Net = 0 ⇔ ∫D dz = ΔH holds for increments along a path with the paper's sign (code's sign: "
        f"∫D dz = -ΔH); a neuron starting at z0 = 0 crosses only at z = {float(z_cross):.6f} (paper sign) "
        "and never with the code's sign",
        conditions=[
            "Net, ∫D dz and H are increments along one path from z0 (H means ΔH, not the entropy itself)",
            "the paper's sign ∇_z H = -(1/ln2) z σ'(z); with the authors' code's sign the condition reads "
            "∫D dz = -ΔH",
            "per neuron; a layer's Net = 0 is one scalar condition on the sum over neurons",
            "not invariant under relabelling the classes (z → -z, D → 1-D): Net shifts by -Δz",
        ],
        evidence=Evidence(steps=steps, witnesses=[c.witness for c in checks], figures=figures),
    )


@claim(
    "tensor-net.extrema",
    source=Source(
        "SKA-2", "§2.4.1", "The condition D = ∇_z H describes the extrema of the Tensor Net function"
    ),
    statement=sp.Eq(sigma(z), entropy_gradient_z(z)),
    title="Extrema of the Tensor Net",
    into=CLAIMS,
)
def extrema_claim(ctx: Context) -> Outcome:
    integrand = net_integrand(z, "paper")
    back = check_identity(
        sp.diff(tensor_net(z, "paper"), z), integrand, Z_BOX, NET_REWRITES, description="dNet/dz = D - ∇_z H"
    )
    # σ > 0, so D - ∇_z H = 0 ⇔ 1 + z(1-σ)/ln2 = 0 ⇔ z(1-σ(z)) = -ln2.
    factor = check_identity(
        integrand, sigma(z) * (1 + z * (1 - sigma(z)) / LN2), Z_BOX, [EXPAND], description="factor out σ"
    )
    hz = z * (1 - sigma(z))
    # h' = (1-σ)(1 - zσ) > 0 for z < 0, and h ≥ 0 for z ≥ 0: exactly one root, and it is negative.
    monotone = check_identity(
        sp.diff(hz, z), (1 - sigma(z)) * (1 - z * sigma(z)), Z_BOX, [EXPAND], description="h' = (1-σ)(1-zσ)"
    )
    checks = [back, factor, monotone]
    steps = [*back.steps, *factor.steps, *monotone.steps]
    if bad := _refuted_outcome(checks, steps, "extrema of Net"):
        return bad
    second = sp.diff(integrand, z)
    with mpmath.workdps(DIGITS):
        h = mp_fn(hz)
        z_star = mpmath.findroot(lambda x: h(x) + mpmath.log(2), -1.0)
        residual = mp_fn(integrand)(z_star)
        curvature = mp_fn(second)(z_star)
        z_max_h = mpmath.findroot(lambda x: 1 - x / (1 + mpmath.exp(-x)), 1.0)
        h_max = h(z_max_h)
    steps += [
        Step(sp.Eq(z * (1 - sigma(z)), -LN2), "D = ∇_z H (paper's sign) ⇔ z(1-σ(z)) = -ln2"),
        Step(sp.Eq(sp.Symbol("z*"), sp.Float(mpmath.nstr(z_star, 40), 40)), "unique root (mpmath findroot)"),
        Step(
            sp.Gt(sp.Float(mpmath.nstr(curvature, 20), 20), 0, evaluate=False),
            "d²Net/dz² at z* > 0: a minimum",
        ),
        Step(
            sp.Eq(sp.Symbol("dNet/dt"), (sigma(z) - sp.Symbol("∇_zH")) * JET.qdot),
            "along a trajectory Net(t) is also stationary wherever ż = 0",
        ),
    ]
    figures: dict[str, str | float | bool] = {
        "z_star": mpmath.nstr(z_star, 40),
        "net_integrand_at_z_star": float(residual),
        "second_derivative_at_z_star": float(curvature),
        "code_sign_max_z_one_minus_sigma": float(h_max),
        "code_sign_has_extremum": bool(h_max >= mpmath.log(2)),
    }
    if abs(residual) > mpmath.mpf(10) ** (-(DIGITS - 10)):
        return Outcome(
            Verdict.FAILS,
            "root finding did not reach D = ∇_z H",
            evidence=Evidence(steps, [c.witness for c in checks], figures, {"z": float(z_star)}),
        )
    kind = "minimum" if curvature > 0 else "maximum" if curvature < 0 else "degenerate point"
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        f"as a function of z, Net's only extremum is a {kind} at z* = {mpmath.nstr(z_star, 12)} where "
        "D = ∇_z H (paper's sign); along a trajectory Net(t) is also stationary wherever ż = 0",
        conditions=[
            "per neuron, Net as a function of z with the paper's sign of ∇_z H (eq. 31)",
            "along a trajectory, dNet/dt = (D - ∇_z H) ż: extrema also where ż = 0, and for a layer only the "
            "sum over neurons must vanish",
            "with the authors' code's sign D - ∇_z H > 0 everywhere: no extremum at all",
        ],
        evidence=Evidence(steps=steps, witnesses=[c.witness for c in checks], figures=figures),
    )


INTERPRETATION = "the Tensor Net satisfies the same fundamental variational principle"


@claim(
    "tensor-net.euler-lagrange",
    source=Source(
        "SKA-2",
        "§2.5.3",
        "When we compute the Euler-Lagrange equation for this integrated expression, "
        "we again arrive at the identity 0 = 0",
    ),
    statement="d/dt ∂ℓ/∂ż - ∂ℓ/∂z = 0 for ℓ = σ(z) ż - (1/ln2) 𝓛",
    title="Euler–Lagrange equation of the Tensor Net integrand",
    into=CLAIMS,
)
def euler_lagrange_claim(ctx: Context) -> Outcome:
    # SKA-2 computes the EL equation of eq. 28's integrand ℓ = σż - 𝓛/ln2 (the same function as eq. 27's).
    qd = PATH.diff(t)
    d = analyse_lagrangian(sigma(PATH) * qd - ska_lagrangian(PATH, qd) / LN2, PATH)
    if d.total_derivative is None:
        return euler_lagrange_zero_outcome(d, interpretation=INTERPRETATION)
    # The engine's F must be the closed form of eq. 26 up to a constant.
    const = (d.total_derivative - tensor_net(z, "paper")).subs(z, 0)
    same = check_identity(
        d.total_derivative - const, tensor_net(z, "paper"), Z_BOX, NET_REWRITES, description="F = Net + C"
    )
    shift = f" + {const}" if const != 0 else ""
    shown = (
        f"ln(1+e^z) - H_b(σ(z)){shift} (the closed-form Net)" if same.proven and not same.refuted else None
    )
    out = euler_lagrange_zero_outcome(d, interpretation=INTERPRETATION, shown_as=shown)
    out.evidence.steps += [Step(sp.Eq(sp.Symbol("C"), const), "F - Net at z = 0"), *same.steps]
    out.evidence.witnesses.append(same.witness)
    out.evidence.figures["F_minus_net_constant"] = float(const)
    out.evidence.figures["F_equals_net_plus_constant"] = shown is not None
    out.conditions.append("the same holds with the code's sign: any f(z) ż is a total derivative")
    return out
