"""Made-up claims and outcomes for the report tests: every kind of prose, expression and evidence a
report holds, written the way claims are asked to write them (``$...$`` maths, key numbers, meanings).

The verdicts and numbers are invented (nothing here is about the papers); what matters is their shape.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from ska_theory.claims.model import (
    Claim,
    Context,
    Evidence,
    Figure,
    KeyNumber,
    Outcome,
    Robustness,
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
    sp.Symbol("D_{l-1}^T"),
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
    sp.Float(-0.0),
    sp.Float(0.7345676811153303),
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
    sp.nan,
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
    sp.true,
]

# Markup maths a claim may write (SymPy syntax between $ signs); the parser keeps them as written.
MARKUP: list[str] = [
    "$H_b(sigma(z)) - H_b(sigma(z_0))$",
    "$nabla_z_H = -z*sigma(z)*(1 - sigma(z))/log(2)$",
    "$Integral(D, z) = Delta_H$",
    "$dW_l/dt = -D_l_minus_1__T*nabla_z_H_l/N$",
    "$d/dt$",
    "$zdot$",
    "$calL = -z*sigma(z)*(1 - sigma(z))*zdot$",
    "$sigmaprime(z) = sigma(z)*(1 - sigma(z))$",
    "$0 < D < 1$",
    "$x > 0 -> sigma(x) > 1/2$",
    "$Net = 0 <-> Integral(D, z) = Delta_H$",
    "$H_SKA(z) != H_b(sigma(z))$",
    "$eta*K = 0.5$",
    "$x^2 + 2**x$",
    "$N*E*S*I*beta*gamma$",
    "$Piecewise((z, z > 0), (0, True))$",
    "$1.5e-7$",
]

LONG_SUM = sp.Add(
    *(sp.Symbol(f"w_{i}") * sigma(sp.Symbol(f"z_{i}")) * (1 - sigma(sp.Symbol(f"z_{i}"))) for i in range(14))
)


def _witness(
    domain: dict[str, tuple[float, float]],
    residual: float,
    worst: dict[str, float],
    description: str = "both sides of $H_b(sigma(z)) - H_b(sigma(z_0))$ at random points",
    digits: int = 50,
) -> Witness:
    return Witness(
        description=description,
        digits=digits,
        n_points=20,
        seed=20250407,
        domain=domain,
        max_abs_residual=residual,
        max_rel_residual=residual,
        tolerance=1e-40,
        worst_point=worst,
    )


def _difference_chain(expr: sp.Basic) -> list[Step]:
    """What a proof's 'difference of the two sides reduced to 0' looks like: left out of the sketch."""
    return [
        Step(expr, "difference of the two sides"),
        Step(sp.expand(expr), "expand products"),
        Step(sp.S.Zero, "cancel"),
    ]


def _symbolic(
    cid: str,
    statement: sp.Basic | str,
    verdict: Verdict,
    steps: list[Step],
    *,
    uses: tuple[str, ...] = (),
    meaning: str = "",
) -> tuple[Claim, Outcome]:
    c = Claim(
        id=cid,
        source=Source("SKA-2", "eq. 99", 'a quoted sentence with <angle> & "quotes": $dW_l/dt = -nabla_W_H$'),
        statement=statement,
        kind="symbolic",
        decide_fn=lambda theory: outcome,
        title="A made-up identity",
        uses=uses,
    )
    agrees = verdict is not Verdict.FAILS
    outcome = Outcome(
        verdict,
        f"made-up summary for {cid}: $H_b(sigma(z))$ within $10^-40$; see SKA-1 §3",
        conditions=["$z$ real", "$0 < D < 1$", "as in sample.holds"]
        if verdict is Verdict.HOLDS_UNDER_CONDITIONS
        else [],
        evidence=Evidence(
            steps=steps,
            witnesses=[
                _witness({"z": (-40.0, 40.0)}, 1e-52 if agrees else 0.3, {"z": 1.25}),
                _witness({"z_0": (-3.0, 3.0), "w1": (-1.0, 1.0)}, 0.0, {"z_0": 0.5, "w1": -0.25}, digits=30),
            ],
            counterexample=None if agrees else {"z": 1.25, "lhs": 0.5, "rhs": 0.2},
            figures={"residual": 1e-52, "points": 20},
        ),
        meaning=meaning,
    )
    return c, outcome


def numeric_plot(seed: int = 0) -> str:
    """A one-panel matplotlib figure as deterministic SVG (what sims/ attach to their evidence)."""
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    epochs = np.arange(1, 31)
    ax.plot(epochs, np.cumsum(rng.normal(size=30)), label="layer 1")
    ax.plot(epochs, np.cumsum(rng.normal(size=30)), label="layer 2")
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$H^{(\ell)}$ (bits)")
    ax.legend(fontsize=5)  # too small and inside the data: svg_figure fixes both
    return svg_figure(fig)


def panels_plot(n_panels: int = 4, offset: float = 0.0) -> str:
    """A 1 × n figure (one panel per layer), the layout of the studies' multi-panel figures."""
    fig, axes = plt.subplots(1, n_panels, figsize=(3.0 * n_panels, 2.8))
    grid = np.linspace(0.0, 1.0, 40)
    for i, ax in enumerate(axes):
        ax.plot(grid, np.sin((i + 1) * grid) + offset, label="reproduced")
        ax.plot(grid, np.cos((i + 1) * grid), "--", label="paper's variant")
        ax.set_title(f"layer {i + 1}")
    axes[0].legend(fontsize=6)
    fig.tight_layout()
    return svg_figure(fig)


def _constant(o: Outcome) -> Callable[[Context], Outcome]:
    return lambda ctx: o


def _numeric(
    cid: str,
    verdict: Verdict,
    *,
    plots: list[Figure],
    key_numbers: list[KeyNumber],
    robustness: Robustness | None,
    uses: tuple[str, ...] = (),
    step: str | None = None,
) -> tuple[Claim, Outcome]:
    figures = {
        "accuracy": 0.875,
        "tolerance": 0.05,
        "seed": 7,
        "solver": {"method": "LSODA", "rtol": 1e-8, "atol": 1e-10},
        "per_layer": {"peaks": [3, 5, 8, 13], "entropy_bits": list(np.linspace(10.0, 2.0, 40))},
        "runs": [{"seed": 1, "err": 0.01}, {"seed": 2, "err": float("nan")}],
    }
    o = Outcome(
        verdict,
        f"made-up numeric summary for {cid}: peak at $K = 24$ (paper: 23)",
        conditions=["decided on the authors' algorithm at $eta = 0.01$"],
        evidence=Evidence(figures=figures, plots=plots, key_numbers=key_numbers),
        meaning="the made-up study reproduces the made-up figure within $3$ steps.",
        robustness=robustness,
        step=step,
    )
    c = Claim(
        cid,
        Source("essay-1", "§3", "accuracy stays above $80$ %"),
        "$accuracy >= 0.8$",
        "numeric",
        _constant(o),
        title="A made-up study",
        uses=uses,
    )
    return c, o


def sample_results() -> list[tuple[Claim, Outcome]]:
    """Symbolic claims with every symbolic verdict, numeric ones with the others, a graph of uses."""
    return list(_sample_results())


@cache
def _sample_results() -> tuple[tuple[Claim, Outcome], ...]:
    delta = binary_entropy_bits(sigma(z)) - binary_entropy_bits(sigma(z))
    holds_steps = [
        Step(sp.Eq(sp.Symbol("H"), binary_entropy_bits(sigma(z))), "$H = H_b(sigma(z))$ (path independence)"),
        Step(
            sp.Eq(sp.Symbol("H"), binary_entropy_bits(sigma(z))),
            "the same again: a step that changes nothing",
        ),
        *_difference_chain(delta + sigma(z) - sigma(z)),
        Step(sp.Eq(sp.Symbol("dH/dz"), sp.diff(binary_entropy_bits(sigma(z)), z)), "differentiate"),
        Step(sp.true, "the identity holds for every real $z$"),
        *(Step(e, f"tricky expression {i}") for i, e in enumerate(TRICKY[:27], start=1)),
    ]
    results = [
        _symbolic(
            "sample.holds",
            sp.Eq(sp.Derivative(binary_entropy_bits(sigma(z)), z), entropy_gradient_z(z)),
            Verdict.HOLDS,
            holds_steps,
            meaning="the paper's $nabla_z_H$ (SKA-2 eq. 31) is right as printed.",
        ),
        _symbolic(
            "sample.conditions",
            "$H_SKA(z) = H_b(sigma(z)) - H_b(sigma(z_0))$",
            Verdict.HOLDS_UNDER_CONDITIONS,
            [Step(e, f"tricky expression {i}") for i, e in enumerate(TRICKY[27:], start=28)],
            uses=("sample.holds",),
        ),
        _symbolic(
            "sample.vacuous",
            sp.Eq(sp.Integral(ska_lagrangian(z, zdot), t), 0),
            Verdict.HOLDS_VACUOUSLY,
            [
                Step(sp.Piecewise((sp.Min(z, 1), z > 0), (sp.exp(z), True)), "a piecewise step"),
                Step(sp.Eq(sp.Symbol("S"), LONG_SUM), "a sum too long for one line"),
            ],
            uses=("sample.conditions",),
        ),
        _symbolic(
            "sample.fails",
            "the sum of $sigma(k*z)$ from $k = 1$ to $n$ equals $n*sigma(z)$, as the paper says",
            Verdict.FAILS,
            [Step(sp.Sum(sigma(k * z), (k, 1, n)) - n * sigma(z), "the difference does not vanish")],
            uses=("sample.holds",),
        ),
        _symbolic("sample.not-checkable", "$Net(z) = 0$", Verdict.NOT_CHECKABLE, [], uses=()),
    ]
    grid = [
        KeyNumber(label, value, unit, group=group)
        for label, unit in (("peak step $K$", ""), ("peak height", "bits"))
        for group, value in (
            ("layer 1", 24.0 if unit == "" else 0.731),
            ("layer 2", 17.5 if unit == "" else -0.0),
        )
    ]
    versus = [
        KeyNumber("peak step $K$", 24, paper=23, group="layer 1"),
        KeyNumber("distance to the flow", 0.0312, unit="bits", paper=None, group="layer 1"),
        KeyNumber("reproduced", True),
    ]
    margin = Robustness("distance to the flow", 0.53, 0.05, 0.0012, seeds=("0", "1", "2"), agree=2, note="")
    results += [
        _numeric(
            "sample.numeric-supported",
            Verdict.SUPPORTED,
            plots=[
                Figure("entropy", "Entropy per layer, $H$ in bits, layers 1 and 2 (made up)", numeric_plot()),
                Figure("panels", "Four panels: reproduced and the paper's variant, per layer", panels_plot()),
            ],
            key_numbers=grid,
            robustness=margin,
            uses=("sample.conditions", "sample.holds"),
        ),
        _numeric("sample.numeric-not", Verdict.NOT_SUPPORTED, plots=[], key_numbers=versus, robustness=None),
        _numeric(
            "sample.numeric-undecided",
            Verdict.UNDECIDED,
            plots=[],
            key_numbers=[],
            robustness=None,
            step="study.find_peaks:42",
            uses=("sample.numeric-supported",),
        ),
    ]
    return tuple(results)


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


# --- the sample reports, rendered once per test session ------------------------------------------------

PROVENANCE = {
    "version": "9.9.9",
    "inputs": "0123456789abcdef" * 4,
    "python": "3.11",
    "packages": {"sympy": "1.0"},
}

MATRIX = {
    "theories": [
        {"name": "paper", "activation": "1/(1 + exp(-z))", "entropy_unit": "bits", "gradient_sign": "paper"},
        {
            "name": "tempered",
            "activation": "1/(1 + exp(-2*z))",
            "entropy_unit": "bits",
            "gradient_sign": "paper",
        },
    ],
    "claims": [
        {
            "id": "sample.holds",
            "verdicts": {"paper": "holds", "tempered": "fails"},
            "differs_under": ["tempered"],
            "depends_on": ["activation"],
        }
    ],
}


@cache
def sample_document():  # type: ignore[no-untyped-def]
    from ska_theory.claims.coverage import CoverageEntry
    from ska_theory.report import build_document

    coverage = [
        CoverageEntry("SKA-2", "eq. 99", "a quoted sentence with $x = 1$", "sample.holds", None),
        CoverageEntry("essay-2", "§1", "a rhetorical sentence", None, "rhetoric"),
    ]
    return build_document(sample_results(), PROVENANCE, "quick", matrix=MATRIX, coverage=coverage)


@cache
def sample_html() -> str:
    from ska_theory.report import render_html

    return render_html(sample_document())


@cache
def sample_pdf() -> bytes:
    from ska_theory.report import render_pdf

    return render_pdf(sample_document())


@cache
def sample_pdf_pages() -> tuple[str, ...]:
    import io

    import pypdf

    return tuple(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(sample_pdf())).pages)
