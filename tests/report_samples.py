"""Made-up claims and outcomes for the report tests: every kind of expression and evidence a report holds.

The verdicts and numbers are invented (nothing here is about the papers); what matters is their shape.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from ska_theory.claims.model import (
    Claim,
    Context,
    Evidence,
    Figure,
    Outcome,
    Source,
    Step,
    Verdict,
    Witness,
)
from ska_theory.claims.registry import discover
from ska_theory.plotting import svg_figure
from ska_theory.symbolic.definitions import (
    D,
    binary_entropy_bits,
    entropy_gradient_z,
    h_ska,
    s,
    sigma,
    ska_lagrangian,
    t,
    tensor_net_integrand,
    z,
)

x, y, k, n = sp.symbols("x y k n", real=True)
f = sp.Function("f")
zdot = sp.Symbol("zdot", real=True)

# Expressions a printer must handle: the toolkit's definitions and the awkward corners of SymPy.
TRICKY: list[sp.Basic] = [
    sigma(z),
    h_ska(),
    sp.Eq(sp.Symbol("nabla_z_H"), entropy_gradient_z(z)),
    sp.Symbol("dH/dz"),
    sp.Min(z, 1),
    sp.Max(x, y, 2),
    sp.Piecewise((z, z > 0), (0, True)),
    sp.Derivative(sigma(z), z),
    sp.Derivative(f(x, y), (x, 2), y),
    sp.Sum(1 / k**2, (k, 1, sp.oo)),
    sp.Symbol("z_1"),
    sp.Symbol("alpha_k"),
    sp.Integral(x, x),
    sp.Integral(sp.exp(-(x**2)), (x, -sp.oo, sp.oo)),
    sp.Integral(x * y, (x, 0, 1), (y, 0, 1)),
    sp.Rational(-3, 4) * x,
    sp.Float(1.5e-7),
    sp.Float(0.25),
    1 / (1 + sp.exp(-z)),
    sp.sqrt(x + 1),
    1 / sp.sqrt(x),
    x ** sp.Rational(2, 3),
    sp.Abs(x - 1),
    sp.log(x, 2),
    binary_entropy_bits(sigma(z)),
    ska_lagrangian(z, zdot),
    tensor_net_integrand(z),
    sp.Matrix([[1, x], [0, 1]]),
    sp.And(x < 2, x > 0),
    sp.Ne(x, 1),
    sp.Le(x, sp.oo),
    -sp.oo,
    sp.zoo,
    sp.pi * x,
    sp.Mul(2, 3, evaluate=False),
    sp.Limit(sigma(x), x, sp.oo),
    sp.Subs(f(x).diff(x), x, 0),
    sp.Product(k, (k, 1, n)),
    (-2) ** x,
    sigma(z) ** 2,
    sp.exp(x) ** 2,
    sp.Symbol("Lambda"),
    sp.Symbol('a"b\\c<&>#$'),
    sp.tanh(x),
    sp.Function("H_b")(D),
    sp.Eq(sp.Integral(zdot**2, t), 0),
    -x - 1,
    sp.Mul(-1, x + 1, evaluate=False),
    sp.Integral(s * sigma(s).diff(s), (s, -sp.oo, z)),
]


def _witness(domain: dict[str, tuple[float, float]], residual: float, worst: dict[str, float]) -> Witness:
    return Witness(
        description="both sides at random points",
        digits=50,
        n_points=20,
        seed=20250407,
        domain=domain,
        max_abs_residual=residual,
        max_rel_residual=residual,
        tolerance=1e-40,
        worst_point=worst,
    )


def _symbolic(
    cid: str, statement: sp.Basic, verdict: Verdict, steps: list[sp.Basic]
) -> tuple[Claim, Outcome]:
    c = Claim(
        id=cid,
        source=Source("SKA-2", "eq. 99", 'a quoted sentence with <angle> & "quotes"'),
        statement=statement,
        kind="symbolic",
        decide_fn=lambda ctx: outcome,
        title="A made-up identity",
    )
    agrees = verdict is not Verdict.FAILS
    outcome = Outcome(
        verdict,
        f"made-up summary for {cid}",
        conditions=["z real", "0 < D < 1"] if verdict is Verdict.HOLDS_UNDER_CONDITIONS else [],
        evidence=Evidence(
            steps=[Step(e, f"step {i} because of rule {i}") for i, e in enumerate(steps, start=1)],
            witnesses=[_witness({"z": (-40.0, 40.0)}, 1e-52 if agrees else 0.3, {"z": 1.25})],
            counterexample=None if agrees else {"z": 1.25, "lhs": 0.5, "rhs": 0.2},
        ),
    )
    return c, outcome


def numeric_plot(seed: int = 0) -> str:
    """A matplotlib figure as deterministic SVG (what sims/ attach to their evidence)."""
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    epochs = np.arange(1, 31)
    ax.plot(epochs, np.cumsum(rng.normal(size=30)), label="layer 1")
    ax.plot(epochs, np.cumsum(rng.normal(size=30)), label="layer 2")
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$H^{(\ell)}$ (bits)")
    ax.legend()
    return svg_figure(fig)


def _constant(o: Outcome) -> Callable[[Context], Outcome]:
    return lambda ctx: o


def sample_results() -> list[tuple[Claim, Outcome]]:
    """Four symbolic claims (each verdict) and two numeric ones, one with a figure."""
    results = [
        _symbolic(
            "sample.holds",
            sp.Eq(sp.Derivative(binary_entropy_bits(sigma(z)), z), entropy_gradient_z(z)),
            Verdict.HOLDS,
            TRICKY[:20],
        ),
        _symbolic(
            "sample.conditions", sp.Eq(h_ska(), sp.Symbol("H")), Verdict.HOLDS_UNDER_CONDITIONS, TRICKY[20:]
        ),
        _symbolic(
            "sample.vacuous",
            sp.Eq(sp.Integral(ska_lagrangian(z, zdot), t), 0),
            Verdict.HOLDS_VACUOUSLY,
            [sp.Piecewise((sp.Min(z, 1), z > 0), (sp.exp(z), True))],
        ),
        _symbolic(
            "sample.fails",
            sp.Eq(sp.Sum(sigma(k * z), (k, 1, n)), n * sigma(z)),
            Verdict.FAILS,
            [sp.Sum(sigma(k * z), (k, 1, n)) - n * sigma(z)],
        ),
    ]
    figures = {
        "accuracy": 0.875,
        "tolerance": 0.05,
        "seed": 7,
        "solver": {"method": "LSODA", "rtol": 1e-8, "atol": 1e-10},
        "per_layer": {"peaks": [3, 5, 8, 13], "entropy_bits": list(np.linspace(10.0, 2.0, 40))},
        "runs": [{"seed": 1, "err": 0.01}, {"seed": 2, "err": float("nan")}],
    }
    for cid, verdict, plots in (
        (
            "sample.numeric-supported",
            Verdict.SUPPORTED,
            [Figure("entropy", "Entropy per layer (made up)", numeric_plot())],
        ),
        ("sample.numeric-not", Verdict.NOT_SUPPORTED, []),
    ):
        o = Outcome(
            verdict, f"made-up numeric summary for {cid}", evidence=Evidence(figures=figures, plots=plots)
        )
        c = Claim(
            cid,
            Source("essay-1", "§3"),
            "text statement: accuracy stays above 80 %",
            "numeric",
            _constant(o),
        )
        results.append((c, o))
    return results


@cache
def discovered_symbolic() -> tuple[tuple[Claim, Outcome], ...]:
    """The real symbolic claims of proofs/, decided (numeric studies are left to their own tests)."""
    ctx = Context(mode="quick", use_cache=True, progress=False)
    return tuple((c, c.decide(ctx)) for c in discover() if c.kind == "symbolic")


def discovered_expressions() -> list[sp.Basic]:
    """Every statement of every discovered claim and every step of the symbolic derivations."""
    exprs: list[sp.Basic] = [c.statement for c in discover() if isinstance(c.statement, sp.Basic)]
    for _, o in discovered_symbolic():
        exprs += [step.expr for step in o.evidence.steps]
    return exprs
