"""Claims about the SKA entropy H_SKA = -κ ∫ z dD (SKA-1 §3, SKA-2 eqs. 9–12 and 30, essay-1 eqs. 2–4).

Everything is derived from a :class:`~ska_theory.symbolic.theory.Theory`: the activation D = f(z), the
unit (κ = 1/ln2 for bits, 1 for nats). The fact behind most of them: z dD = z f'(z) dz is the exact
differential of a potential Φ (derived by integration and verified), so H_SKA is a difference of Φ
between the ends of the integral. Whether Φ is the Shannon entropy of D depends on the activation.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp

from ska_theory.claims.model import Claim, Outcome, Source, Verdict, claim, evidence_of
from ska_theory.symbolic.derivation import Derivation, named, real_roots
from ska_theory.symbolic.display import display
from ska_theory.symbolic.theory import Theory, s, t, z
from ska_theory.symbolic.witness import quad_line, witness_functions

from ._common import DIGITS, Z_BOX, h_ska_from_minus_infinity, key, mp_h_ska, point_of, unit, values_at

CLAIMS: list[Claim] = []


# --- 1 ------------------------------------------------------------------------------------------------


def _shannon_witness(th: Theory) -> Any:
    """The statement at random z, from the definitions: quadrature of -κ∫ s f'(s) ds vs H_b(f(z))."""
    return witness_functions(
        mp_h_ska(th),
        lambda z: th.mp_shannon(th.mp_f(z)),
        {"z": Z_BOX},
        description="quadrature of $H_SKA(z)$ from $-oo$ against the Shannon entropy of $D = f(z)$",
    )


def _constant_ratio(d: Derivation, th: Theory, h_ska: sp.Expr, shannon: sp.Expr) -> sp.Expr | None:
    """c with H_SKA = c·H_b(D) when the witness ratio is constant: guessed from numbers, then proved."""
    with mpmath.workdps(DIGITS):
        ratios = [
            th.mp_h_ska(x)[0] / th.mp_shannon(th.mp_f(x))
            for x in (mpmath.mpf(-2), mpmath.mpf(0.5), mpmath.mpf(3))
        ]
    if max(ratios) - min(ratios) > mpmath.mpf(10) ** -30:
        return None
    c = sp.nsimplify(sp.Float(mpmath.nstr(ratios[0], 40), 40), rational=True, tolerance=1e-30)
    chk = d.statement(h_ska, c * shannon, {z: Z_BOX}, f"$H_SKA = {c}*H_b(D)$")
    return c if chk.status == "proven" else None


@claim(
    "entropy.shannon-equivalence",
    source=Source(
        "SKA-2",
        "eqs. 9, 30; essay-1 eq. 3",
        "$H_SKA = -1/log(2)*Integral(z, D) = H_Shannon$ (when $D = sigma(z)$)",
    ),
    statement="$-1/log(2)*Integral(z, D) = H_b(D)$ for $D = f(z)$",
    title="SKA entropy equals binary Shannon entropy",
    into=CLAIMS,
)
def shannon_equivalence(th: Theory) -> Outcome:
    d = Derivation()
    shannon = th.shannon(th.f(z))
    w = _shannon_witness(th)
    h_ska, at_minus_inf = h_ska_from_minus_infinity(d, th)
    if not at_minus_inf.is_finite:
        return _diverges(d, th, at_minus_inf)
    chk = d.statement(h_ska, shannon, {z: Z_BOX}, "$H_SKA(z)$ from $-oo$ equals $H_b(f(z))$", witness=w)
    if chk.refuted:
        c = _constant_ratio(d, th, h_ska, shannon)
        point = values_at({"H_SKA": mp_h_ska(th), "H_b(D)": lambda z: th.mp_shannon(th.mp_f(z))}, point_of(w))
        rel = f"$H_SKA = {c}*H_b(D)$ exactly" if c is not None else "no constant multiple of $H_b(D)$"
        return Outcome(
            Verdict.FAILS,
            f"$H_SKA$ is not the Shannon entropy of $D = f(z)$: at z = {point_of(w)['z']:.4g}, "
            f"$H_SKA$ = {point['H_SKA']:.6g} {unit(th)} but $H_b(D)$ = {point['H_b(D)']:.6g} {unit(th)}; "
            f"{rel}",
            conditions=[
                "the integral starts at $z_0 = -oo$, as the Shannon entropy of a certain decision is 0"
            ],
            evidence=evidence_of(
                d,
                counterexample={"z": point_of(w)["z"], **point},
                key_numbers=[
                    key("z", point_of(w)["z"]),
                    key("H_SKA", point["H_SKA"], unit(th)),
                    key("H_b(D)", point["H_b(D)"], unit(th)),
                    *([key("H_SKA / H_b(D), every z", str(c))] if c is not None else []),
                ],
            ),
            meaning="With this activation the SKA entropy is not Shannon's entropy, so the papers' "
            "identification of the two does not carry over.",
        )
    if chk.status != "proven":
        raise d.fail(
            "prove $H_SKA(z) = H_b(f(z))$",
            "the witness agrees but the rewrites do not reduce the difference to 0",
        )
    return _lower_limits(d, th, shannon)


def _diverges(d: Derivation, th: Theory, at_minus_inf: sp.Expr) -> Outcome:
    """H_SKA from -∞ is infinite: the quadrature from -M grows without bound (numbers for M = 10^1..10^4)."""
    with mpmath.workdps(30):
        grow = {
            f"from {-(10**k)}": float(th.mp_h_ska(mpmath.mpf(0), -(mpmath.mpf(10) ** k))[0])
            for k in (1, 2, 3, 4)
        }
    d.figures["h_ska_at_0_from"] = grow
    return Outcome(
        Verdict.FAILS,
        f"$H_SKA$ from $-oo$ diverges ($Phi(z) -> {sp.sstr(at_minus_inf)}$ as $z -> -oo$) while $H_b(D)$ is "
        f"finite: " + ", ".join(f"{k}: {v:.4g}" for k, v in grow.items()),
        evidence=evidence_of(
            d, counterexample=grow, key_numbers=[key(f"H_SKA(0) {k}", v, unit(th)) for k, v in grow.items()]
        ),
        meaning="With this activation the SKA entropy integral does not even converge, so it cannot equal "
        "Shannon's entropy.",
    )


def _lower_limits(d: Derivation, th: Theory, shannon: sp.Expr) -> Outcome:
    """The identity holds from -∞; from a finite z0 it is H_b(f(z)) - H_b(f(z0)): offset 0 only at ±∞."""
    z0 = sp.Symbol("z_0", real=True)
    d.show(
        sp.Eq(named("H_SKA(z, z_0)"), shannon - shannon.subs(z, z0)),
        "from a finite lower limit $z_0$: the difference of $Phi$",
    )
    offset_at_0 = sp.nsimplify(sp.expand_log(sp.simplify(shannon.subs(z, 0)), force=True))
    zeros = [d.limit(shannon, z, end, "H_b(f(z))") for end in (sp.S.NegativeInfinity, sp.oo)]
    d.figures |= {
        "offset_from_z0_equal_0": float(offset_at_0),
        "shannon_at_minus_inf": float(zeros[0]),
        "shannon_at_plus_inf": float(zeros[1]),
    }
    ends = " and ".join(e for e, v in zip(("$-oo$", "$+oo$"), zeros, strict=True) if v == 0)
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        "$-kappa*Integral(z, (D, D_0, D)) = H_b(D) - H_b(D_0)$ exactly; it is the Shannon entropy only when "
        f"the integral starts at $z_0$ = {ends} (a certain decision); from $z_0 = 0$ it is $H_b(D)$ minus "
        f"${sp.sstr(offset_at_0)}$ {unit(th)}",
        conditions=[
            "the lower limit is a state of zero Shannon entropy ($D_0$ = 0 or 1); an indefinite "
            "$Integral(z, D)$ fixes the entropy only up to a constant",
            "per neuron; for a layer both sides are sums over neurons and samples",
        ],
        evidence=evidence_of(d, key_numbers=[key("offset from $z_0 = 0$", float(offset_at_0), unit(th))]),
        meaning="The SKA entropy is Shannon's entropy of the decision, but only when the integral is taken "
        "from a certain decision; the papers leave that lower limit implicit.",
    )


# --- 2 ------------------------------------------------------------------------------------------------

fn = sp.Function("f")  # an unknown activation D = f(z)


def _functional_equation(d: Derivation, th: Theory) -> tuple[sp.Expr, sp.Expr]:
    """Differentiate H_SKA[f](z) = H_b(f(z)) in z and factor: f'(z)·(-κ z - H_b'(f)) = 0; solve the second
    factor for f. Returns (the solution s(z), the factored equation)."""
    p = sp.Symbol("p", positive=True)
    lhs = th.prefactor * sp.Integral(s * fn(s).diff(s), (s, sp.S.NegativeInfinity, z))
    eq = sp.diff(lhs, z) - sp.diff(th.shannon(fn(z)), z)
    factored = sp.factor(sp.expand_log(eq, force=True))
    d.show(sp.Eq(lhs, th.shannon(fn(z))), "the functional equation for an activation f, at every real z")
    d.show(
        sp.Eq(factored, 0),
        "differentiate in z (Leibniz rule) and factor: either $fprime(z) = 0$ or the other factor vanishes",
    )
    moving = [fa for fa in sp.Mul.make_args(factored) if fa.has(fn) and not fa.has(sp.Derivative)]
    if len(moving) != 1:
        raise d.fail(
            "factor the differentiated equation", f"expected one factor in $f(z)$, got {len(moving)}"
        )
    sols = sp.solve(moving[0].subs(fn(z), p), p)
    if len(sols) != 1:
        raise d.fail("solve for $f(z)$", f"{len(sols)} solutions instead of one")
    d.show(sp.Eq(fn(z), sols[0]), "where f moves: solve the other factor for $f(z)$", tool="sympy.solve")
    return sols[0], factored


def _constant_solutions(d: Derivation, th: Theory) -> list[int]:
    """f ≡ c solves the undifferentiated equation iff H_b(c) = 0: H_b'' < 0 on (0,1), H_b(0+) = H_b(1-) = 0
    (so only c = 0 and c = 1)."""
    c, w = sp.Symbol("c", positive=True), sp.Symbol("w", real=True)
    second = sp.together(sp.diff(th.shannon(c), c, 2).subs(c, 1 / (1 + sp.exp(-w))))  # c sweeps (0, 1)
    ends = [
        d.limit(th.shannon(c), c, 0, "H_b(c)"),
        d.limit(th.shannon(c), c, 1, "H_b(c)"),
    ]
    d.show(
        sp.Lt(sp.Derivative(sp.Function("H_b")(c), c, 2), 0),
        "$H_b$ is strictly concave on (0, 1), so it vanishes only at the ends",
    )
    return [0, 1] if second.is_negative and all(e == 0 for e in ends) else []


def _glued_witness(th: Theory, sol: sp.Expr) -> Any:
    """s(min(z, a)) (C⁰, frozen after a) also satisfies the undifferentiated equation."""
    sp_ = sp.lambdify([z], sp.diff(sol, z), "mpmath")
    sv = sp.lambdify([z], sol, "mpmath")

    def lhs(z: mpmath.mpf, a: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        hi = min(z, a)
        nodes = [mpmath.ninf, min(hi, 0), hi] if hi > 0 else [mpmath.ninf, hi]
        v, e = quad_line(lambda x: x * sp_(x), nodes)
        return -th.mp_unit_scale * v, th.mp_unit_scale * e

    return witness_functions(
        lhs,
        lambda z, a: th.mp_shannon(sv(min(z, a))),
        {"z": (-20.0, 20.0), "a": (-5.0, 5.0)},
        description="the glued activation $s(min(z, a))$ satisfies the equation too",
    )


@claim(
    "entropy.sigmoid-uniqueness",
    source=Source(
        "essay-1",
        "§3",
        "The sigmoid is the unique function that makes local entropy equivalent to Shannon entropy",
    ),
    statement="$-1/log(2)*Integral(s*Derivative(f(s), s), (s, -oo, z)) = H_b(f(z)) => f = sigma$",
    title="Uniqueness of the sigmoid",
    uses=("entropy.shannon-equivalence",),
    into=CLAIMS,
)
def sigmoid_uniqueness(th: Theory) -> Outcome:
    d = Derivation()
    sol, _ = _functional_equation(d, th)
    d.lemma(
        -th.unit_scale * sp.integrate(s * sp.diff(sol.subs(z, s), s), (s, sp.S.NegativeInfinity, z)),
        th.shannon(sol),
        {z: Z_BOX},
        "the solution satisfies the undifferentiated equation",
    )
    constants = _constant_solutions(d, th)
    glued = _glued_witness(th, sol)
    d.witnesses.append(glued)
    chk = d.statement(th.activation, sol, {z: Z_BOX}, "the theory's activation is that solution")
    d.figures |= {
        "constant_solutions": constants,
        "glued_solution_residual": glued.max_rel_residual,
    }
    if chk.refuted:
        at = point_of(chk.witness)["z"]
        vals = values_at({"f(z)": th.mp_f, "s(z)": sp.lambdify([z], sol, "mpmath")}, {"z": at})
        return Outcome(
            Verdict.FAILS,
            f"the equation's only non-constant $C^1$ solution is $s(z) = {sp.sstr(display(sol))}$, not the "
            f"activation in use (at z = {at:.4g}: f = {vals['f(z)']:.6g}, s = {vals['s(z)']:.6g}), whose SKA "
            "entropy is therefore not Shannon's",
            evidence=evidence_of(
                d,
                counterexample={"z": at, **vals},
                key_numbers=[key("z", at), key("f(z)", vals["f(z)"]), key("s(z)", vals["s(z)"])],
            ),
            meaning="The activation in use is not the one singled out by the entropy equivalence, so the "
            "uniqueness argument does not justify it.",
        )
    if chk.status != "proven" or not glued.agrees:
        raise d.fail("compare the solution with the activation", f"the comparison is {chk.status}")
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        f"$fprime(z)*(z - logit(f(z))) = 0$ forces $f = {sp.sstr(display(sol))}$ wherever f moves: among "
        f"non-constant $C^1$ activations it is the only solution; the constants "
        f"{' and '.join(map(str, constants))} and the continuous glued $s(min(z, a))$ also solve it",
        conditions=[
            "f is $C^1$ on the whole real line (continuity alone admits $s(min(z, a))$ for every a)",
            "f is non-constant ($f = 0$ and $f = 1$ give $0 = H_b = 0$)",
            "the integral starts at $-oo$ and the identity is required for every real z",
        ],
        evidence=evidence_of(
            d, key_numbers=[key("non-constant $C^1$ solutions", 1), key("constant solutions", len(constants))]
        ),
        meaning="The sigmoid is unique only among smooth, non-constant activations; the essay's 'unique' "
        "needs those conditions.",
    )


# --- 3 ------------------------------------------------------------------------------------------------


def _family(d: Derivation, th: Theory, h_ska: sp.Expr) -> tuple[sp.Expr, sp.Symbol, sp.Symbol]:
    """H_SKA of the activation f((s-b)/τ): substitute s = τu + b, so it is τ H_SKA[f](w) - κ b f(w),
    w = (z-b)/τ."""
    tau, b = sp.Symbol("tau", positive=True), sp.Symbol("b", real=True)
    u = sp.Symbol("u", real=True)
    raw = sp.Integral(s * sp.diff(th.f((s - b) / tau), s), (s, sp.S.NegativeInfinity, z))
    integral = th.prefactor * raw
    d.show(
        sp.Eq(named("H_SKA(z, tau, b)"), integral),
        "the SKA entropy of the tempered, shifted activation $f((s - b)/tau)$",
    )
    d.show(sp.Eq(integral, th.prefactor * raw.transform(s, (tau * u + b, u))), "substitute $s = tau*u + b$")
    w_ = (z - b) / tau
    closed = tau * h_ska.subs(z, w_) + th.prefactor * b * th.f(w_)
    d.show(
        sp.Eq(named("H_SKA(z, tau, b)"), closed),
        "$Integral(u*fprime(u), u)$ is $H_SKA/(-kappa)$ and $Integral(fprime(u), u) = f(w)$, with $w = (z - "
        "b)/tau$",
    )
    return closed, tau, b


def _family_witness(th: Theory, closed: sp.Expr, tau: sp.Symbol, b: sp.Symbol) -> Any:
    fp = th.mp_f_prime
    cl = sp.lambdify([z, tau, b], closed, "mpmath")

    def quad(z: mpmath.mpf, tau: mpmath.mpf, b: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        def integrand(x: mpmath.mpf) -> mpmath.mpf:
            return x * fp((x - b) / tau) / tau

        nodes = [mpmath.ninf, *sorted({min(b, z), min(b + tau, z)}), z] if z > b else [mpmath.ninf, z]
        v, e = quad_line(integrand, nodes)
        return -th.mp_unit_scale * v, th.mp_unit_scale * e

    return witness_functions(
        quad,
        cl,
        {"z": (-10.0, 10.0), "tau": (0.2, 3.0), "b": (-3.0, 3.0)},
        description="quadrature of $H_SKA$ for $f((s - b)/tau)$ against the closed form",
    )


@claim(
    "entropy.sigmoid-from-minimisation",
    source=Source(
        "essay-1", "abstract; SKA-1 §3.2", "the sigmoid function emerges from entropy minimization"
    ),
    statement="$sigma$ minimises $H_SKA(f) = -1/log(2)*Integral(s*fprime(s), (s, -oo, z))$ over activations "
    "$f$",
    title="Sigmoid as an entropy minimiser",
    uses=("entropy.shannon-equivalence",),
    into=CLAIMS,
)
def sigmoid_from_minimisation(th: Theory) -> Outcome:
    d = Derivation()
    h_ska, at_minus_inf = h_ska_from_minus_infinity(d, th)
    if not at_minus_inf.is_finite:
        return Outcome(
            Verdict.NOT_CHECKABLE,
            "$H_SKA$ of the activation in use diverges, so minimising it over activations is undefined",
            evidence=evidence_of(d),
            meaning="For this activation the quantity to be minimised does not exist.",
        )
    closed, tau, b = _family(d, th, h_ska)
    d.show(
        sp.Eq(closed.subs({tau: 1, b: 0}), h_ska), "at $tau = 1$, $b = 0$ the family is the activation itself"
    )
    w = _family_witness(th, closed, tau, b)
    d.witnesses.append(w)
    if not w.agrees:
        raise d.fail("the closed form of the family's $H_SKA$", "the quadrature disagrees with it")
    grads = {
        name: sp.nsimplify(
            sp.expand_log(sp.simplify(sp.diff(closed, v).subs({tau: 1, b: 0, z: 0})), force=True)
        )
        for name, v in (("tau", tau), ("b", b))
    }
    for name, g in grads.items():
        d.show(
            sp.Eq(named(f"Derivative(H_SKA, {name})"), g),
            f"the derivative along ${name}$ at the activation, at $z = 0$",
        )
    with mpmath.workdps(30):
        base = th.mp_h_ska(mpmath.mpf(0))[0]
        tempered = sp.lambdify([z, tau, b], closed, "mpmath")(0, mpmath.mpf(1) / 2, 0)
    d.figures |= {
        "h_ska_at_0": float(base),
        "h_ska_tau_half_at_0": float(tempered),
        **{f"d_h_ska_d_{k}": float(v) for k, v in grads.items()},
    }
    if tempered >= base - mpmath.mpf(10) ** -20:
        raise d.fail(
            "find an activation with lower $H_SKA$",
            "halving $tau$ did not lower it; minimality is not established",
        )
    return Outcome(
        Verdict.FAILS,
        "the activation is not a minimiser of "
        f"$H_SKA${'' if all(g == 0 for g in grads.values()) else ', not even stationary'}: "
        f"$f(2*z)$ gives {float(tempered):.6g} {unit(th)} < {float(base):.6g} {unit(th)} at z = 0, and "
        "$tau -> 0$ drives it to 0",
        conditions=[
            "read as: the activation minimises $H_SKA(f)$ over activations f, compared at the same z"
        ],
        evidence=evidence_of(
            d,
            counterexample={"z": 0.0, "H_SKA of f": float(base), "H_SKA of f(2z)": float(tempered)},
            key_numbers=[
                key("$H_SKA$ of the activation at z = 0", float(base), unit(th)),
                key("$H_SKA$ of $f(2*z)$ at z = 0", float(tempered), unit(th)),
                key("$dH_SKA/dtau$ at the activation", float(grads["tau"]), unit(th)),
            ],
        ),
        meaning="Entropy minimisation does not single out the sigmoid: a steeper activation always has "
        "lower SKA entropy.",
    )


# --- 4 ------------------------------------------------------------------------------------------------

dD, dz = sp.Symbol("dD", real=True), sp.Symbol("dz", real=True)


@claim(
    "entropy.local-h-is-uncertainty",
    source=Source(
        "essay-1",
        "eqs. 2, 4",
        "This quantity h is the local entropy—a measure of uncertainty at that specific layer",
    ),
    statement="$h = z*Delta_D$ (eq. 2) and $h = -1/log(2)*z*dD$ (eq. 4) measure the uncertainty of the "
    "decision $D = sigma(z)$",
    title="Local h as a measure of uncertainty",
    uses=("entropy.path-independence",),
    into=CLAIMS,
)
def local_h_is_uncertainty(th: Theory) -> Outcome:
    d = Derivation()
    h4 = th.prefactor * z * dD
    phi = h_ska_from_minus_infinity(d, th)[0]
    d.lemma(
        h4.subs(dD, th.f_prime(z) * dz),
        sp.diff(phi, z) * dz,
        {z: Z_BOX, dz: (-1.0, 1.0)},
        "$h = dH_SKA$: a change of the entropy, not the entropy",
    )
    ratio = sp.cancel(h4 / (z * dD))
    d.show(sp.Eq(named("h_4/h_2"), ratio), "eq. 4 is eq. 2 times $-kappa$")
    with mpmath.workdps(DIGITS):
        z_half = real_roots(lambda x: th.mp_f(x) - mpmath.mpf(1) / 2)
        state, step = mpmath.mpf(2), mpmath.mpf(1) / 10
        h = lambda zz, ddd: -th.mp_unit_scale * zz * ddd  # noqa: E731  (eq. 4 with the theory's κ)
        up, down = th.mp_f(state + step) - th.mp_f(state), th.mp_f(state - step) - th.mp_f(state)
        two = {"h forward": float(h(state, up)), "h backward": float(h(state, down))}
        at_max = [float(h(zh, th.mp_f(zh + step) - th.mp_f(zh))) for zh in z_half]
    d.figures |= {
        "ratio_eq4_over_eq2": float(ratio) if ratio.is_number else None,
        "z_where_D_is_half": [float(x) for x in z_half],
        "h_at_D_half": at_max,
        **two,
    }
    if abs(two["h forward"] - two["h backward"]) < 1e-30:
        raise d.fail(
            "find a state where $h$ takes two values",
            "none found; that h measures uncertainty is not established either",
        )
    return Outcome(
        Verdict.FAILS,
        f"h is the change $dH_SKA$ over a step, not an uncertainty: at the same state z = 2 a step up gives "
        f"h = {two['h forward']:.4g} {unit(th)} and a step down h = {two['h backward']:.4g} {unit(th)}"
        + (f"; at $D = 1/2$ (maximal uncertainty) h = {at_max[0]:.3g}" if at_max else "")
        + f"; eq. 4 is eq. 2 times ${sp.sstr(ratio)}$",
        conditions=["h per neuron and per step, with $dD = fprime(z)*dz$ on the activation"],
        evidence=evidence_of(
            d,
            counterexample={"z": 2.0, **two},
            key_numbers=[
                key("h, step up at z = 2", two["h forward"], unit(th)),
                key("h, step down at z = 2", two["h backward"], unit(th)),
            ],
        ),
        meaning="The local quantity h measures how much the entropy changed in one step, not how uncertain "
        "the decision is.",
    )


# --- 5 ------------------------------------------------------------------------------------------------

K_STEPS = (16, 32, 64, 128, 256, 512)
LINEAR_PATHS = ((-3.0, 4.0), (5.0, -2.0))  # (z_start, z_end): one increasing, one decreasing
x_, delta, v_ = sp.Symbol("x", real=True), sp.Symbol("delta", real=True), sp.Symbol("v", real=True)
_k, _K = sp.Symbol("k", integer=True, positive=True), sp.Symbol("K", integer=True, positive=True)
_zk, _Dk = sp.IndexedBase("z"), sp.IndexedBase("D")


def stieltjes_sum(th: Theory, nodes: list[mpmath.mpf], rule: str) -> mpmath.mpf:
    """-κ Σ_k z̃_k (D_k - D_{k-1}) along sampled z_0..z_K (SKA-1 §3.1.2); z̃ = z_k (right), z_{k-1} (left)
    or their midpoint."""
    D = [th.mp_f(x) for x in nodes]
    pick = {
        "right": lambda k: nodes[k],
        "left": lambda k: nodes[k - 1],
        "mid": lambda k: (nodes[k - 1] + nodes[k]) / 2,
    }[rule]
    return -th.mp_unit_scale * mpmath.fsum(pick(k) * (D[k] - D[k - 1]) for k in range(1, len(nodes)))


def _taylor(d: Derivation, th: Theory) -> dict[str, list[sp.Expr]]:
    """One step x → x+δ of the sum minus its integral, e = ∫_x^{x+δ} (z̃ - s) f'(s) ds, in powers of δ."""
    coeffs = {}
    for rule, node in (("right", x_ + delta), ("left", x_), ("mid", x_ + delta / 2)):
        e = sp.Integral((node - s) * th.f_prime(s), (s, x_, x_ + delta))
        coeffs[rule] = [
            sp.simplify(sp.diff(e, delta, n).subs(delta, 0).doit() / sp.factorial(n)) for n in range(3)
        ]
        d.show(
            sp.Eq(named(f"e_{rule}(x, delta)"), e),
            f"{rule} node: one step of the sum minus its share of the integral",
        )
        d.show(
            sp.Eq(named(f"c_{rule}"), sp.Tuple(*coeffs[rule])),
            "its Taylor coefficients of $1$, $delta$ and $delta^2$ (Leibniz rule)",
        )
    return coeffs


def _orders(th: Theory) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, list[float]]], bool]:
    """Errors and observed orders of the three sums against the quadrature of the definition."""
    errors: dict[str, dict[str, list[float]]] = {}
    orders: dict[str, dict[str, list[float]]] = {}
    right_low = True
    with mpmath.workdps(30):
        for za, zb in LINEAR_PATHS:
            a, b = mpmath.mpf(za), mpmath.mpf(zb)
            exact = th.mp_h_ska(b, a)[0]
            for rule in ("right", "left", "mid"):
                errs = [
                    stieltjes_sum(th, [a + (b - a) * mpmath.mpf(k) / K for k in range(K + 1)], rule) - exact
                    for K in K_STEPS
                ]
                errors.setdefault(rule, {})[f"{za:+g} to {zb:+g}"] = [float(e) for e in errs]
                orders.setdefault(rule, {})[f"{za:+g} to {zb:+g}"] = [
                    float(mpmath.log(abs(errs[i] / errs[i + 1])) / mpmath.log(2))
                    for i in range(len(errs) - 1)
                ]
                right_low &= rule != "right" or all(e < 0 for e in errs)
    return errors, orders, right_low


@claim(
    "entropy.discrete-sum-converges",
    source=Source("SKA-1", "§3.1.2; SKA-2 §1", "$H^(l) = -1/log(2)*Sum(z_k*Delta_D_k, (k, 1, K))$"),
    statement=sp.Eq(
        sp.Limit(-sp.Sum(_zk[_k] * (_Dk[_k] - _Dk[_k - 1]), (_k, 1, _K)) / sp.log(2), _K, sp.oo),
        named("H_SKA(z_end) - H_SKA(z_start)"),
    ),
    title="The discrete entropy sum converges to the integral",
    uses=("entropy.shannon-equivalence",),
    into=CLAIMS,
)
def discrete_sum_converges(th: Theory) -> Outcome:
    d = Derivation()
    _taylor(d, th)
    errors, orders, right_low = _orders(th)
    finest = {rule: [o[-1] for o in by_path.values()] for rule, by_path in orders.items()}
    shrinking = all(abs(e[-1]) < abs(e[0]) / 8 for by_path in errors.values() for e in by_path.values())
    d.figures |= {
        "K": list(K_STEPS),
        "errors": errors,
        "observed_orders": orders,
    }
    if not shrinking:
        return Outcome(
            Verdict.FAILS,
            "the sums do not approach the integral as the steps shrink",
            evidence=evidence_of(d, counterexample=errors["right"]),
        )
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS,
        "$-kappa*Sum(z_k*Delta_D_k, (k, 1, K))$ converges to $H_SKA(z_end) - H_SKA(z_start)$; with $z_k$ "
        "taken after "
        "the step "
        f"the error is first order (observed {min(finest['right']):.3f}) and "
        f"{'negative on every path' if right_low else 'of either sign'}; "
        f"midpoint nodes make it second order (observed {min(finest['mid']):.3f})",
        conditions=[
            "the limit is the entropy difference between the path's ends, Shannon's entropy only from a "
            "certain decision",
            "the path is continuous and the largest step $Delta_z$ → 0",
            "with the node after the step each term over-counts $Integral(z, D)$ by $delta**2*fprime/2$, so "
            "the "
            "sum is biased low at first order",
        ],
        evidence=evidence_of(
            d,
            key_numbers=[key(f"observed order, {r} node", min(finest[r])) for r in ("right", "left", "mid")],
        ),
        meaning="The papers' sum is a first-order Riemann–Stieltjes sum: it approaches the entropy "
        "integral, with an error proportional to the step.",
    )


# --- 6 ------------------------------------------------------------------------------------------------

_T = sp.Symbol("T", positive=True)
_zt = sp.Function("z")(t)


def _path_witness(th: Theory, phi: sp.Expr, shape: str) -> Any:
    """-κ ∫ z Ḋ dt along a path (quadrature) against Φ(z1) - Φ(z0); a back-and-forth path goes forward,
    back and forward again."""
    fp, P = th.mp_f_prime, sp.lambdify([z], phi, "mpmath")

    def along(z0: mpmath.mpf, z1: mpmath.mpf, A: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        amp = 10 * A if shape == "back-and-forth" else 0
        zf = lambda u: z0 + (z1 - z0) * u + amp * u * (1 - u) * (1 - 2 * u)  # noqa: E731
        zd = lambda u: (z1 - z0) + amp * (1 - 6 * u + 6 * u**2)  # noqa: E731
        v, e = mpmath.quad(lambda u: zf(u) * fp(zf(u)) * zd(u), [0, 0.5, 1], error=True)
        return -th.mp_unit_scale * v, th.mp_unit_scale * e

    return witness_functions(
        along,
        lambda z0, z1, A: P(z1) - P(z0),
        {"z0": (-4.0, 4.0), "z1": (-4.0, 4.0), "A": (2.0, 6.0)},
        description=f"{shape} path: quadrature of $-kappa*z*Ddot$ against $Phi(z_1) - Phi(z_0)$",
    )


@claim(
    "entropy.path-independence",
    source=Source(
        "SKA-2", "eqs. 9–12", "$H = -1/log(2)*Integral(z*Ddot, t)$ … $H = 1/log(2)*Integral(calL, t)$"
    ),
    statement=sp.Eq(
        -sp.Integral(_zt * sp.Derivative(sp.Function("D")(_zt), t), (t, 0, _T)) / sp.log(2),
        named("H_SKA(z(T)) - H_SKA(z(0))"),
    ),
    title="SKA entropy is a state-function difference",
    into=CLAIMS,
)
def path_independence(th: Theory) -> Outcome:
    d = Derivation()
    phi = h_ska_from_minus_infinity(d, th)[0]
    q, qd = sp.Symbol("z", real=True), sp.Symbol("zdot", real=True)
    d.lemma(
        th.unit_scale * th.lagrangian(q, qd),
        sp.diff(phi, z).subs(z, q) * qd,
        {q: Z_BOX, qd: (-5.0, 5.0)},
        "$kappa*calL = dPhi/dt$ along any path (chain rule)",
    )
    paths = [_path_witness(th, phi, shape) for shape in ("monotone", "back-and-forth")]
    d.witnesses += paths
    bad = next((w for w in paths if not w.agrees), None)
    if bad is not None:
        return Outcome(
            Verdict.FAILS,
            f"two paths between the same ends give different entropies ({bad.description})",
            evidence=evidence_of(d, counterexample=point_of(bad)),
        )
    return Outcome(
        Verdict.HOLDS,
        "$z*dD = z*fprime(z)*dz$ is an exact differential, so the SKA entropy of a run is the sum over "
        "neurons "
        "of "
        "$H_SKA(z(T)) - H_SKA(z(0))$: it depends only on the endpoints, not on the path, the learning rule "
        "or $eta*K$",
        conditions=[
            "D = f(z) at every instant; z(t) continuous and piecewise $C^1$",
            "for the integral; the finite sum adds a path-dependent bias of the order of the step",
        ],
        evidence=evidence_of(
            d, key_numbers=[key("largest path residual (relative)", max(w.max_rel_residual for w in paths))]
        ),
        meaning="The entropy a run accumulates is fixed by where the neurons start and end, whatever "
        "happens in between.",
    )
