"""Claims about the continuous SKA flow (SKA-2 eqs. 2–4, 31–32), derived from the theory's definitions.

The network statements are proved on a tiny symbolic network with *opaque* activation, derivative and
entropy potential that keep only the theory's derivative relations (so they hold for every activation
with that unit and sign), and witnessed with the theory's concrete functions at 50 digits: the
velocity formula against mpmath's numerical derivatives of the layer entropy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import sympy as sp

from ska_theory.claims.model import Claim, Outcome, Source, Verdict, claim, evidence_of
from ska_theory.symbolic.derivation import Derivation, named, real_roots
from ska_theory.symbolic.display import display
from ska_theory.symbolic.theory import Theory, t, z
from ska_theory.symbolic.tiny_network import Neurons, TinyNetwork, concrete, opaque, tiny_network
from ska_theory.symbolic.witness import check_identity, mp_lambdify, witness_functions

from ._common import DIGITS, entropy_potential, key, point_of, unit

CLAIMS: list[Claim] = []

WEIGHT_BOX = (-3.0, 3.0)  # witness range of weights; inputs in [0, 1] (pixels/255 and activations)


def _box(net: TinyNetwork, weights: tuple[float, float] = WEIGHT_BOX) -> dict[str, tuple[float, float]]:
    return {str(p): weights for p in net.params} | {str(x): (0.0, 1.0) for x in net.inputs}


# --- flow.entropy-gradient-z ---------------------------------------------------------------------


def _numeric_gradient(th: Theory) -> Callable[[mpmath.mpf], mpmath.mpf]:
    """dH_SKA/dz by mpmath's numerical derivative of the quadrature of the definition (from 0 to z)."""
    fp = th.mp_f_prime
    return lambda z: mpmath.diff(lambda x: -th.mp_unit_scale * mpmath.quad(lambda s: s * fp(s), [0, x]), z)


@claim(
    "flow.entropy-gradient-z",
    source=Source("SKA-2", "eq. 31", "$nabla_z_H + 1/log(2)*z*Dprime = 0$"),
    statement="$nabla_z_H = -1/log(2)*z*Dprime$ is the gradient of $H_SKA$ with respect to z",
    title="Entropy gradient with respect to knowledge",
    uses=("entropy.path-independence",),
    into=CLAIMS,
)
def entropy_gradient_z_claim(th: Theory) -> Outcome:
    d = Derivation()
    phi = entropy_potential(d, th)
    d.show(
        sp.Eq(sp.Symbol("nabla_z_H"), th.entropy_gradient_z(z)),
        f"$nabla_z_H$ in the theory's convention (the {th.gradient_sign}'s sign)",
    )
    grad = th.mp(th.entropy_gradient_z(z), z)
    w = witness_functions(
        grad,
        _numeric_gradient(th),
        {"z": (-20.0, 20.0)},
        description="the formula for $nabla_z_H$ against the numerical derivative of the quadrature of "
        "$H_SKA$",
    )
    chk = d.statement(
        th.entropy_gradient_z(z), sp.diff(phi, z), {z: (-20.0, 20.0)}, "$nabla_z_H = dH_SKA/dz$", witness=w
    )
    if chk.refuted:
        at = point_of(w)["z"]
        with mpmath.workdps(DIGITS):
            vals = {
                "formula": float(grad(mpmath.mpf(at))),
                "dH_SKA/dz": float(_numeric_gradient(th)(mpmath.mpf(at))),
            }
        return Outcome(
            Verdict.FAILS,
            f"the $nabla_z_H$ in use is not the gradient of the entropy: at z = {at:.4g} it is "
            f"{vals['formula']:.6g} "
            f"while $dH_SKA/dz$ = {vals['dH_SKA/dz']:.6g} (ratio {vals['formula'] / vals['dH_SKA/dz']:.3g})",
            evidence=evidence_of(
                d,
                counterexample={"z": at, **vals},
                key_numbers=[
                    key("z", at),
                    key("∇_z H used", vals["formula"], f"{unit(th)} per unit z"),
                    key("$dH_SKA/dz$", vals["dH_SKA/dz"], f"{unit(th)} per unit z"),
                ],
            ),
            meaning="The update direction used is not the entropy gradient, so the flow it drives is not "
            "the one eq. 31 describes.",
        )
    if chk.status != "proven":
        raise d.fail("prove $nabla_z_H = dH_SKA/dz$", f"the identity is {chk.status}")
    return Outcome(
        Verdict.HOLDS,
        f"$dH_SKA/dz = {sp.sstr(display(th.entropy_gradient_z(z)))}$ exactly, elementwise: eq. 31's "
        "$nabla_z_H$ is the gradient of the entropy",
        conditions=["H is taken elementwise per neuron (a layer's H is a sum of per-neuron terms)"],
        evidence=evidence_of(d, key_numbers=[key("largest witness residual (relative)", w.max_rel_residual)]),
        meaning="Eq. 31 is the correct derivative of the SKA entropy with respect to knowledge.",
    )


# --- flow.weight-ode -------------------------------------------------------------------------------


def _components_witness(
    values: Sequence[Callable[..., Any]],
    references: Sequence[Callable[..., Any]],
    box: dict[str, tuple[float, float]],
    description: str,
) -> Any:
    """max_k |value_k - reference_k| at random points, against 0 (each side computed its own way)."""
    return witness_functions(
        lambda **p: max(abs(v(**p) - r(**p)) for v, r in zip(values, references, strict=True)),
        lambda **p: mpmath.mpf(0),
        box,
        description=description,
    )


def _partial(H: Callable[..., mpmath.mpf], name: str, scale: float) -> Callable[..., mpmath.mpf]:
    """-(1/N) ∂H/∂(name) by mpmath's numerical derivative."""
    return lambda **p: -mpmath.diff(lambda u: H(**(p | {name: u})), p[name]) / scale


def _layer_gradient_check(d: Derivation, th: Theory, net: TinyNetwork, concrete_n: Neurons, i: int) -> Any:
    """Layer i: dθ/dt (eqs. 3–4) = -(1/N) ∂H^(l)/∂θ_l with the layer input held fixed."""
    sym, N = opaque(th), net.n_samples
    v_sym, H_sym = net.velocity(sym), net.layer_entropy(i, sym)
    ps = net.layer_params(i)
    syms = [*net.inputs, *net.params]
    v_num = [mp_lambdify(net.velocity(concrete_n)[p], syms) for p in ps]
    H_num = mp_lambdify(net.layer_entropy(i, concrete_n), syms)
    w = _components_witness(
        v_num,
        [_partial(H_num, str(p), N) for p in ps],
        _box(net),
        f"layer {i + 1}: the velocity against the numerical derivative of the layer entropy",
    )
    lhs, rhs = sp.Matrix([v_sym[p] for p in ps]), sp.Matrix([-sp.diff(H_sym, p) / N for p in ps])
    chk = check_identity(
        sp.Add(*(lhs - rhs).applyfunc(lambda e: e**2)),
        sp.S.Zero,
        {},
        description=f"layer {i + 1}: $dtheta/dt = -Derivative(H/N, theta)$",
        witness=w,
    )
    d.show(
        sp.Eq(named(f"d{ps[0]}/dt"), v_sym[ps[0]]),
        f"layer {i + 1} of a 2-2-1 network, N = 2, with an opaque activation f (its derivative $fp$)",
    )
    d.witnesses.append(w)
    return chk


@claim(
    "flow.weight-ode",
    source=Source(
        "SKA-2",
        "eqs. 2–4, 32",
        "$dW^(l)/dt + nabla_W_H^(l) = 0$, the outer product of the layer's input and $nabla_z_H$",
    ),
    statement="$dW_l/dt = -D_l_minus_1__T*nabla_z_H_l/N = -nabla_W_H^(l)$",
    title="The outer-product weight flow as an entropy gradient",
    uses=("flow.entropy-gradient-z",),
    into=CLAIMS,
)
def weight_ode_claim(th: Theory) -> Outcome:
    d = Derivation()
    phi = entropy_potential(d, th)
    net = tiny_network((2, 2, 1), 2)
    checks = [_layer_gradient_check(d, th, net, concrete(th, phi), i) for i in range(net.n_layers)]
    bad = next((c for c in checks if c.refuted), None)
    if bad is not None:
        return Outcome(
            Verdict.FAILS,
            f"the outer-product velocity is not $-nabla_W_H$: {bad.description} is contradicted "
            f"(largest component difference {bad.witness.max_abs_residual:.3g})",
            evidence=evidence_of(d, counterexample=point_of(bad.witness)),
            meaning="The weights do not move down the layer entropy's gradient, contrary to eqs. 2–4.",
        )
    if not all(c.proven for c in checks):
        raise d.fail("prove the layer-local gradient identity", "the rewrites did not reach 0")
    curl = _curl(d, th, phi)
    d.figures["curl_at_x1_w1_1_w2_1"] = curl
    return Outcome(
        Verdict.HOLDS_UNDER_CONDITIONS if curl != 0 else Verdict.HOLDS,
        "$dW_l/dt = -1/N*dH^(l)/dW_l$ with the layer input held fixed; for two or more layers the field's "
        f"Jacobian is not symmetric ($Derivative(V_2, w_1) - Derivative(V_1, w_2)$ = {curl:.4g} on a 1-1-1 "
        "chain), so it is no gradient "
        f"of any function of all weights",
        conditions=[
            "$nabla_W_H^(l)$ is the partial gradient of the layer's own entropy, with its input "
            "$D_l_minus_1$ held fixed",
            "$H^(l)$ is summed over samples and neurons and divided by N (the authors' mean over samples)",
            "the whole flow is a set of coupled layer-local gradients, not a gradient flow",
        ],
        evidence=evidence_of(d, key_numbers=[key("Jacobian asymmetry on a 1-1-1 chain", curl)]),
        meaning="Each layer follows its own entropy gradient, but the network as a whole does not descend "
        "one common entropy.",
    )


def _curl(d: Derivation, th: Theory, phi: sp.Expr) -> float:
    """∂V₂/∂w₁ - ∂V₁/∂w₂ on the 1-1-1 chain at x = 1, w = 1, b = 0 (V₁ does not depend on w₂)."""
    chain = tiny_network((1, 1, 1), 1)
    x, w1, b1, w2, b2 = (*chain.inputs, *chain.params)
    v = chain.velocity(concrete(th, phi))
    d21, d12 = sp.diff(v[w2], w1), sp.diff(v[w1], w2)
    d.show(sp.Eq(named("Derivative(V_1, w_2)"), d12), "layer 1's velocity does not depend on layer 2")
    point = {x: 1, w1: 1, b1: 0, w2: 1, b2: 0}
    with mpmath.workdps(DIGITS):
        value = mp_lambdify(d21 - d12, [x, w1, b1, w2, b2])(
            **{str(k): mpmath.mpf(v_) for k, v_ in point.items()}
        )
    return float(value)


# --- flow.entropy-monotone -------------------------------------------------------------------------

SEARCH_W1 = tuple(-k / 4 for k in range(-8, 9) if k)
SEARCH_W2 = tuple(float(k) for k in range(-16, 17) if k)


def _layer1_sign(d: Derivation, th: Theory) -> sp.Expr:
    """dH¹/dt = c·N‖dθ₁/dt‖² on a 2-2-1 network with opaque functions: the constant c, derived."""
    net, n = tiny_network((2, 2, 1), 2), opaque(th)
    v = net.velocity(n)
    ps = net.layer_params(0)
    speed = sp.Add(*(v[p] ** 2 for p in ps)) * net.n_samples
    rate = net.rate(net.layer_entropy(0, n), n, ps)
    c = sp.cancel(sp.expand(rate) / sp.expand(speed))
    if c.free_symbols:
        raise d.fail(
            "layer 1's entropy rate", "$dH_1/dt$ is not a constant multiple of $norm(dtheta_1/dt)**2$"
        )
    d.show(
        sp.Eq(named("dH_1/dt"), c * named("N*norm(dtheta_1/dt)**2")),
        "chain rule; layer 1's input X does not move",
    )
    return c


def _biases(state: dict[str, float]) -> str:
    """The biases of a search state when they are not 0 (a shifted activation)."""
    return f", $b_1 = b_2$ = {state['b1']:g}" if state.get("b1") else ""


def _quartiles(th: Theory) -> tuple[float, float]:
    """(centre, width) of the activation: f(centre) = 1/2, width = z(f = 3/4) - z(f = 1/4) (σ: 0, 2 ln 3)."""

    def solve(level: float) -> mpmath.mpf:
        lo, hi = mpmath.mpf(-1), mpmath.mpf(1)
        while th.mp_f(lo) > level:
            lo *= 2
        while th.mp_f(hi) < level:
            hi *= 2
        return mpmath.findroot(lambda x: th.mp_f(x) - level, (lo, hi), solver="anderson")

    with mpmath.workdps(30):
        return float(solve(0.5)), float(solve(0.75) - solve(0.25))


def _search(th: Theory, phi: sp.Expr) -> tuple[dict[str, float], dict[str, float]]:
    """Largest d(H¹+H²)/dt on a grid of 1-1-1 chain states (x = 1): the state and its rates. The grid is
    σ's (z over a few widths) stretched to the activation's width and centred on its midpoint, so a
    rescaled or shifted activation is searched where its neurons are neither flat nor saturated."""
    chain, n = tiny_network((1, 1, 1), 1), concrete(th, phi)
    syms = [*chain.inputs, *chain.params]
    r1 = sp.lambdify(syms, chain.rate(chain.layer_entropy(0, n), n), "mpmath")
    r2 = sp.lambdify(syms, chain.rate(chain.layer_entropy(1, n), n), "mpmath")
    centre, width = _quartiles(th)
    scale, b = round(width / (2 * float(mpmath.log(3))), 2), round(centre, 2)  # σ: exactly 1 and 0
    best, rates = None, {"dH1/dt": 0.0, "dH2/dt": 0.0, "dH/dt": -mpmath.inf}
    with mpmath.workdps(DIGITS):
        for a in SEARCH_W1:
            for c in SEARCH_W2:
                args = (1, mpmath.mpf(a * scale), mpmath.mpf(b), mpmath.mpf(c * scale), mpmath.mpf(b))
                h1, h2 = r1(*args), r2(*args)
                if h1 + h2 > rates["dH/dt"]:
                    best, rates = (
                        {"x": 1.0, "w1": a * scale, "b1": b, "w2": c * scale, "b2": b},
                        {"dH1/dt": h1, "dH2/dt": h2, "dH/dt": h1 + h2},
                    )
    return best or {}, {k: float(v) for k, v in rates.items()}


@claim(
    "flow.entropy-monotone",
    source=Source(
        "SKA-2",
        "§2.1; essay-2 §4",
        "the rate of weight change is proportional to the negative gradient of entropy",
    ),
    statement="$ddt*Sum(H^(l), (l, 1, L)) <= 0$ along the flow $dW_l/dt = -nabla_W_H^(l)$",
    title="Entropy decreases along the flow",
    uses=("flow.weight-ode",),
    into=CLAIMS,
)
def entropy_monotone_claim(th: Theory) -> Outcome:
    d = Derivation()
    phi = entropy_potential(d, th)
    c = _layer1_sign(d, th)
    state, rates = _search(th, phi)
    d.figures |= {
        "layer1_rate_coefficient": float(c),
        "search_states": len(SEARCH_W1) * len(SEARCH_W2),
        "best_state": state,
        "best_rates": rates,
    }
    if rates["dH/dt"] <= 1e-30:
        raise d.fail(
            "find a state where the total entropy rises",
            "none on the search grid; monotonicity is not proved either",
        )
    layer1 = "layer 1 is monotone" if c < 0 else "even layer 1 rises"
    return Outcome(
        Verdict.FAILS,
        f"the total entropy can rise along the exact flow ({layer1}: $dH^(1)/dt = "
        f"{sp.sstr(c)}*N*norm(dtheta_1/dt)**2$): on a 1-1-1 chain at "
        f"$w_1$ = {state['w1']:g}, $w_2$ = {state['w2']:g}{_biases(state)} the total rate is "
        f"+{rates['dH/dt']:.4g} "
        f"{unit(th)} per unit time",
        conditions=[
            "layer 1 has a fixed input; deeper layers also move through their moving input $D_l_minus_1$, a "
            "term with no sign"
        ],
        evidence=evidence_of(
            d,
            counterexample={**state, **rates},
            key_numbers=[
                key("$dH^(1)/dt$ at the state", rates["dH1/dt"], f"{unit(th)}/time"),
                key("$dH^(2)/dt$ at the state", rates["dH2/dt"], f"{unit(th)}/time"),
                key("total $dH/dt$", rates["dH/dt"], f"{unit(th)}/time"),
            ],
        ),
        meaning="Entropy is not guaranteed to fall during SKA learning: only the first layer is (when at "
        "all), deeper layers can gain entropy.",
    )


# --- flow.global-existence -------------------------------------------------------------------------


def _single_neuron(d: Derivation, th: Theory) -> tuple[sp.Expr, sp.Symbol]:
    """dz/dt for one neuron z = x w + b under the flow (eq. 3, N = 1): x dw/dt + db/dt, derived."""
    neuron = tiny_network((1, 1), 1)
    (x,), (w, b) = neuron.inputs, neuron.params
    v = neuron.velocity(Neurons(th.f, th.entropy_gradient_z, lambda e: e))
    zdot = sp.factor(sp.expand((x * v[w] + v[b]).subs(w, (z - b) / x)))
    d.show(
        sp.Eq(sp.Derivative(sp.Symbol("z"), t), zdot),
        "$z = x*w + b$: $dz/dt = x*dw/dt + db/dt$ (eq. 3, N = 1)",
    )
    return zdot, x


def _field_bound(d: Derivation, th: Theory) -> float:
    """sup |∇_z H|: its value at every critical point and its limits at ±∞."""
    G = th.entropy_gradient_z(z)
    ends = [d.limit(G, z, e, "nabla_z_H") for e in (sp.S.NegativeInfinity, sp.oo)]
    if not all(e.is_finite for e in ends):
        raise d.fail("bound the field", "$nabla_z_H$ is unbounded")
    g, dg = th.mp(G, z), th.mp(sp.diff(G, z), z)
    with mpmath.workdps(30):
        crit = real_roots(dg)
        bound = max([abs(g(c)) for c in crit] + [abs(float(e)) for e in ends])
    d.figures |= {"critical_points": [float(c) for c in crit], "sup_abs_gradient": float(bound)}
    d.show(
        sp.Le(sp.Abs(sp.Symbol("nabla_z_H")), sp.Float(mpmath.nstr(bound, 15), 15)),
        "the largest $Abs(nabla_z_H)$ at the critical points and at $-oo$ and $oo$",
    )
    return float(bound)


@claim(
    "flow.global-existence",
    source=Source("SKA-2", "§1.1", "This knowledge accumulates over forward passes"),
    statement="the flow has solutions for all time, and a neuron's knowledge $Abs(z)$ grows along them",
    title="Solutions exist for all time and knowledge accumulates",
    uses=("flow.entropy-gradient-z",),
    into=CLAIMS,
)
def global_existence_claim(th: Theory) -> Outcome:
    d = Derivation()
    bound = _field_bound(d, th)
    zdot, x = _single_neuron(d, th)
    growth = sp.cancel(zdot * z / (z**2 * th.f_prime(z) * (x**2 + 1)))
    if growth.free_symbols or growth == 0:
        raise d.fail("the sign of $z*zdot$", "$z*zdot/((x**2 + 1)*z**2*fprime(z))$ is not a nonzero constant")
    d.show(
        sp.Eq(z * sp.Symbol("zdot"), growth * (x**2 + 1) * z**2 * sp.Function("fprime")(z)),
        "so $Abs(z)$ grows when this constant is positive and shrinks when it is negative",
    )
    accumulates = bool(growth > 0)
    figures = {"growth_constant": float(growth)}
    d.figures |= figures
    common = [
        f"$Abs(nabla_z_H) <= {bound:.6g}$: a bounded smooth field, locally Lipschitz, so solutions exist for "
        f"every t "
        f"and weights grow at most linearly"
    ]
    if not accumulates:
        return Outcome(
            Verdict.FAILS,
            f"solutions exist for all t ($Abs(nabla_z_H) <= {bound:.4g}$), but knowledge does not "
            f"accumulate: "
            f"$z*zdot = {sp.sstr(growth)}*(x**2 + 1)*z**2*fprime(z) < 0$, every neuron's $Abs(z)$ shrinks",
            conditions=common,
            evidence=evidence_of(
                d,
                counterexample={"x": 1.0, "z": 1.0, "z*zdot": float(growth * 2 * th.f_prime(1))},
                key_numbers=[
                    key("sup |∇_z H|", bound),
                    key("$z*zdot$ at z = 1, x = 1", float(growth * 2 * th.f_prime(1))),
                ],
            ),
            meaning="With this sign convention the flow erases knowledge instead of accumulating it.",
        )
    return Outcome(
        Verdict.HOLDS,
        f"$Abs(nabla_z_H) <= {bound:.4g}$ bounds the smooth field, so solutions exist for all t and weights "
        f"grow at "
        f"most linearly; "
        "a single neuron's $Abs(z)$ increases monotonically ($z*zdot > 0$)",
        conditions=common,
        evidence=evidence_of(d, key_numbers=[key("sup |∇_z H|", bound, f"{unit(th)} per unit z")]),
        meaning="The flow is well defined for all time and each neuron's knowledge keeps growing, as the "
        "paper says.",
    )


def _curved_start(acc: Callable[[mpmath.mpf], mpmath.mpf]) -> mpmath.mpf:
    """The first of z = 1, 2, 1/2, 3 where z̈ is at least a quarter of its largest value there: at a point
    with z̈ = 0 (z = 1 for D = 1/2 + atan(z)/π) the local error is O(η³) and tests nothing."""
    starts = [mpmath.mpf(v) for v in ("1", "2", "0.5", "3")]
    largest = max(abs(acc(v)) for v in starts)
    return next(v for v in starts if abs(acc(v)) >= largest / 4)


@claim(
    "flow.self-solving",
    source=Source(
        "SKA-2",
        "§2.6.1, §3",
        "One of the properties of SKA is that it serves as the numerical solver for the difference "
        "equations that describe it",
    ),
    statement="the SKA update $W_k_plus_1 = W_k - eta*nabla_W_H$ solves the flow eq. 2, and this "
    "distinguishes SKA",
    title="SKA as its own numerical solver",
    uses=("flow.weight-ode",),
    into=CLAIMS,
)
def self_solving_claim(th: Theory) -> Outcome:
    from .lagrangian import single_neuron_rate  # the single-neuron flow, derived from the theory's network

    d = Derivation()
    eta, r = sp.Symbol("eta", positive=True), single_neuron_rate(th, 2.0)
    d.show(
        sp.Eq(sp.Symbol("z_k_plus_1"), z + eta * r),
        "one SKA update of a neuron, x = 2: $z + eta*zdot(z)$, explicit Euler",
    )
    second = sp.diff(r, z) * r
    d.show(sp.Eq(sp.Symbol("zddot"), second), "along the exact flow $zddot = rprime(z)*r(z)$ (chain rule)")
    rate, acc = th.mp(r, z), th.mp(second, z)
    with mpmath.workdps(30):
        z0 = _curved_start(acc)
        solve = mpmath.odefun(lambda _t, y: rate(y), 0, z0)
        local = {}
        for h in ("0.1", "0.05", "0.025"):
            hh = mpmath.mpf(h)
            local[h] = (solve(hh) - (z0 + hh * rate(z0))) / hh**2
        predicted = acc(z0) / 2
    d.figures |= {
        "start_z": float(z0),
        "local_error_over_eta_squared": {k: float(v) for k, v in local.items()},
        "predicted": float(predicted),
    }
    if abs(local["0.025"] - predicted) > abs(predicted) / 10 or predicted == 0:
        raise d.fail("local error of one update", "the step error does not behave as $eta**2*zddot/2$")
    return Outcome(
        Verdict.HOLDS_VACUOUSLY,
        f"each SKA update is one explicit Euler step of eq. 2 (local error $eta**2*zddot/2$: measured "
        f"{float(local['0.025']):.4g} per $eta**2$ against {float(predicted):.4g} from z = {float(z0):g}), "
        "a first-order method; "
        f"plain gradient "
        "descent on any loss is explicit Euler for its own gradient flow in exactly the same way",
        conditions=[
            "the update is the paper's eq. 1 (explicit Euler); the authors' code adds a ΔD term (a different "
            "scheme)"
        ],
        evidence=evidence_of(
            d,
            key_numbers=[key(f"local error / η², η = {k}", float(v)) for k, v in local.items()]
            + [key("predicted $zddot/2$", float(predicted))],
        ),
        meaning="The 'self-solving' property is true of every iterative gradient method, so it does not "
        "single out SKA.",
    )
