"""Maths markup as one line of Unicode (terminal summaries, JUnit): the report's symbols, no markup."""

from __future__ import annotations

import pytest
from report_samples import MARKUP

from ska_theory.report.plain import markup_text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("$nabla_z_H$", "∇_z H"),
        ("$dW_l/dt = -1/N*dH^(l)/dW_l$", "dWₗ/dt = −1/N dH^(l)/dWₗ"),
        ("$Derivative(H_SKA, z)$", "∂H_SKA/∂z"),
        ("$zdot$ and $zddot$", "ż and z̈"),
        ("$fprime(z)*(z - logit(f(z))) = 0$", "f′(z)(z − logit(f(z))) = 0"),
        ("$tau -> 0$", "τ → 0"),
        ("$Net = 0 <-> Integral(D, z) = Delta_H$", "Net = 0 ⇔ ∫D dz = ΔH"),
        ("$x/(1 + exp(-z))**2$", "x/(1 + e^(−z))²"),
        ("$H_b(sigma(0)) = 1$", "H_b(σ(0)) = 1"),
        ("cost \\$5, $eta*K = 1/2$", "cost $5, ηK = 1/2"),
    ],
)
def test_markup_reads_as_the_papers_symbols(markup: str, text: str) -> None:
    assert markup_text(markup) == text


def test_a_span_that_does_not_parse_is_kept_as_written() -> None:
    assert markup_text("see $x +$ here") == "see $x +$ here"


@pytest.mark.parametrize("sample", MARKUP)
def test_no_markup_spelling_survives(sample: str) -> None:
    """Every sample of the report's markup loses the markup's spelling (``$``, ``**``, ``*``, ``oo``)."""
    out = markup_text(sample)
    for fragment in ("$", "**", "*", "oo", "sqrt(", "Integral(", "Derivative("):
        assert fragment not in out.replace("\\$", ""), (sample, out)
