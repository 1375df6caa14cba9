"""The Typst math printer: every expression the toolkit emits compiles, and means what SymPy meant.

Meaning is checked through Typst's own parser (``typst.eval`` of ``repr($...$)``), not by comparing
printed strings with pasted ones.
"""

from __future__ import annotations

import io
import json
import re
from fractions import Fraction

import pypdf
import pytest
import sympy as sp
import typst
from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import LONG_SUM, TRICKY, discovered_expressions

from ska_theory.report.pdf import compile_pdf
from ska_theory.report.typst_printer import typst_math, typst_math_lines, typst_string
from ska_theory.symbolic.definitions import s, sigma, z


def typst_repr(expr: sp.Basic) -> str:
    """Typst's structural view of the printed math (its parse tree as ``repr``), whitespace removed."""
    r = json.loads(typst.eval(b"", f"repr(${typst_math(expr)}$)"))
    # Spaces between tokens are separators in Typst math: drop the space elements they leave.
    return re.sub(r"\s+", "", r).replace(",[]", "").replace("[],", "").replace(",)", ")")


def compile_equations(exprs: list[sp.Basic]) -> bytes:
    body = "\n".join(f"$ {typst_math(e)} $" for e in exprs)
    return compile_pdf('#set page(width: 30cm, height: auto)\n#set math.equation(numbering: "(1)")\n' + body)


def test_every_discovered_and_tricky_expression_compiles() -> None:
    exprs = [*discovered_expressions(), *TRICKY]
    assert len(exprs) > len(TRICKY)  # the registry contributed its statements and steps
    pdf = compile_equations(exprs)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    # One numbered equation per expression: the last number is there.
    assert f"({len(exprs)})" in text


def test_typst_rejects_what_it_cannot_parse() -> None:
    """The compile test above can fail: unbalanced math is an error."""
    with pytest.raises(RuntimeError):
        compile_pdf("$ frac(1, $")


def test_sigma_prints_as_the_greek_letter() -> None:
    r = typst_repr(sigma(z))
    assert "[σ]" in r and "sigma" not in r


def test_natural_log_prints_as_ln() -> None:
    assert "ln" in typst_repr(sp.log(z)) and "log" not in typst_repr(sp.log(z))


@given(st.fractions().filter(lambda q: q.denominator > 1))
def test_rationals_are_fractions_of_the_right_numbers(q: Fraction) -> None:
    r = typst_repr(sp.Rational(q.numerator, q.denominator))
    assert f"frac(num:[{abs(q.numerator)}],denom:[{q.denominator}])" in r
    assert ("[−]" in r) == (q < 0)


@given(st.floats(min_value=1e-300, max_value=1e300))
@settings(max_examples=50)
def test_floats_read_back_to_six_significant_digits(x: float) -> None:
    printed = typst_math(sp.Float(x))
    m = re.fullmatch(r"(?:([\d.]+) × )?attach\(10, t: (-?) ?(\d+)\)|([\d.]+)", printed)
    assert m, printed
    if m.group(4):
        value = float(m.group(4))
    else:
        value = float(m.group(1) or 1) * 10.0 ** int(m.group(2) + m.group(3))
    assert value == pytest.approx(x, rel=5e-6)


def test_definite_integral_keeps_its_limits_and_variable() -> None:
    r = typst_repr(sp.Integral(s * sigma(s), (s, -sp.oo, z)))
    assert "attach(base:[∫],t:[z],b:sequence([−],[∞]))" in r
    assert r.endswith("[s]))")  # ... d s: the integration variable comes last


def test_derivative_is_a_fraction_of_upright_differentials() -> None:
    r = typst_repr(sp.Derivative(sigma(z), z))
    assert r.count("styled(child:[d]") == 2  # d / dz, both upright
    assert "[z]" in r


@pytest.mark.parametrize(
    ("name", "base", "sub"),
    [("alpha_k", "α", "k"), ("z_1", "z", "1"), ("Lambda_i", "Λ", "i")],
)
def test_subscripted_names(name: str, base: str, sub: str) -> None:
    assert f"attach(base:[{base}],b:[{sub}])" in typst_repr(sp.Symbol(name))


def test_multi_letter_names_are_upright_text_not_typst_variables() -> None:
    # "Net" as math would be an unknown Typst variable; as text it is one word.
    assert "[Net]" in typst_repr(sp.Symbol("Net"))


@given(st.text(max_size=40))
@settings(max_examples=30)
def test_strings_round_trip_through_typst(text: str) -> None:
    assert json.loads(typst.eval(b"", typst_string(text))) == text


def test_piecewise_is_cases() -> None:
    r = typst_repr(sp.Piecewise((z, z > 0), (0, True)))
    assert r.startswith("equation(") and "cases(" in r and "otherwise" in r


def test_line_broken_form_is_the_same_math() -> None:
    """The multi-line form only adds alignment points, line breaks and × at broken products to the
    one-line form (unless it regroups a fraction over a sum as (1/den)(…))."""

    def squash(text: str) -> str:
        text = text.replace("&", "").replace("\\\n", "").replace("zws", "").replace("×", "")
        return re.sub(r"\s+", "", text)

    broken = same = 0
    for e in [*discovered_expressions(), *TRICKY, sp.Eq(sp.Symbol("S"), LONG_SUM)]:
        lines = typst_math_lines(e, 30)
        if lines is None:
            continue
        broken += 1
        assert lines.count("\\\n") >= 1
        if "frac(1," not in lines:
            assert squash(lines) == squash(typst_math(e))
            same += 1
    assert broken > 0 and same > 0


def test_line_broken_forms_compile() -> None:
    exprs = [e for e in [*discovered_expressions(), *TRICKY] if typst_math_lines(e, 20) is not None]
    assert exprs
    body = "\n".join(f"$ {typst_math_lines(e, 20)} $" for e in exprs)
    assert compile_pdf("#set page(width: 30cm, height: auto)\n" + body).startswith(b"%PDF")
