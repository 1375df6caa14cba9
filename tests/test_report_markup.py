"""The ``$...$`` maths markup and the symbol table: parsed as written, printed the papers' way."""

from __future__ import annotations

import pytest
import sympy as sp
from report_samples import MARKUP, discovered_symbolic

from ska_theory.claims.registry import discover
from ska_theory.report.mathbox import Accent, Fence, Frac, Ident, Num, Op, Row, Scripts, to_boxes
from ska_theory.report.notation import (
    Chain,
    Glyph,
    MarkupError,
    WAdd,
    WMul,
    display_math,
    parse_markup,
    parse_math,
    split_markup,
    symbol_glyphs,
)
from ska_theory.symbolic.definitions import sigma


@pytest.mark.parametrize(
    ("name", "glyphs"),
    [
        ("sigma", (Glyph("σ"),)),
        ("nabla_z_H", (Glyph("∇", sub=("z",)), Glyph("H"))),
        ("nabla_z_H_l", (Glyph("∇", sub=("z",)), Glyph("H", sub=("l",)))),
        ("zdot", (Glyph("z", accent="dot"),)),
        ("z_0", (Glyph("z", sub=("0",)),)),
        ("H_b", (Glyph("H", sub=("b",)),)),
        ("H_SKA", (Glyph("H", sub=("SKA",)),)),
        ("Delta_H", (Glyph("Δ"), Glyph("H"))),
        ("D_l_minus_1__T", (Glyph("D", sub=("l", "−", "1"), sup=("T",)),)),
        ("D_{l-1}^T", (Glyph("D", sub=("l", "−", "1"), sup=("T",)),)),
        ("dW_l", (Glyph("d", upright=True), Glyph("W", sub=("l",)))),
        ("dt", (Glyph("d", upright=True), Glyph("t"))),
        ("sigmaprime", (Glyph("σ", sup=("′",)),)),
        ("calL", (Glyph("𝓛"),)),
        ("w_1_11", (Glyph("w", sub=("1", ",", "11")),)),
        ("Net", (Glyph("Net", upright=True),)),
        ("delta", (Glyph("δ"),)),
        ("eta", (Glyph("η"),)),
    ],
)
def test_symbol_table(name: str, glyphs: tuple[Glyph, ...]) -> None:
    assert symbol_glyphs(name) == glyphs


def test_split_markup_and_escaped_dollar() -> None:
    assert split_markup("a $x$ b \\$5") == [("text", "a "), ("math", "x"), ("text", " b $5")]
    with pytest.raises(MarkupError, match="unbalanced"):
        split_markup("price $x")


def test_terms_and_factors_keep_the_written_order() -> None:
    e = parse_math("H_b(sigma(z)) - H_b(sigma(z_0))")
    assert isinstance(e, WAdd)
    assert str(e.args[0]) == "H_b(sigma(z))"  # SymPy would sort the negative term first
    m = parse_math("-D_l_minus_1__T*nabla_z_H_l/N")
    boxes = to_boxes(m, written_order=True)
    flat = repr(boxes)
    assert flat.index("'D'") < flat.index("'∇'")  # D^T before ∇H, as written (a matrix product)
    assert isinstance(boxes, Row) and boxes.items[0] == Op("−")


def test_nothing_is_evaluated_or_simplified() -> None:
    assert isinstance(parse_math("sigma(0)"), sigma)  # not 1/2
    assert isinstance(parse_math("x - x"), WAdd)  # not 0
    assert isinstance(parse_math("2*3"), WMul)  # not 6
    assert isinstance(parse_math("x == x"), sp.Eq)  # not True


def test_unknown_names_are_symbols_and_unknown_calls_functions() -> None:
    e = parse_math("N*E*S*I*beta*gamma")  # SymPy's N, E, S, I, beta, gamma are not meant here
    assert all(isinstance(a, sp.Symbol) for a in e.args)
    f = parse_math("Net(z)")
    assert isinstance(f, sp.core.function.AppliedUndef) and type(f).__name__ == "Net"


@pytest.mark.parametrize(
    ("src", "kind", "ops"),
    [
        ("a = b", sp.Eq, None),
        ("a != b", sp.Ne, None),
        ("a <= b", sp.Le, None),
        ("a >= b", sp.Ge, None),
        ("x > 0 => sigma(x) > 1/2", sp.Implies, None),
        ("tau -> 0", Chain, ("→",)),
        ("A <-> B", sp.Equivalent, None),
        ("0 < D < 1", Chain, ("<", "<")),
        ("a = b <= c", Chain, ("=", "≤")),
        ("a => b => c", Chain, ("⇒", "⇒")),
        ("z -> -oo", Chain, ("→",)),
    ],
)
def test_relations_split_at_top_level(src: str, kind: type, ops: tuple[str, ...] | None) -> None:
    e = parse_math(src)
    assert isinstance(e, kind)
    if ops is not None:
        assert isinstance(e, Chain) and e.ops == ops


def test_tends_to_is_not_logic() -> None:
    """``tau -> 0`` reads "tau tends to 0": as logic SymPy would evaluate Implies(tau, 0) to ¬tau."""
    from ska_theory.report.html import mathml

    out = mathml(parse_math("tau -> 0"), display=False)
    assert "→" in out and "¬" not in out


def test_relations_inside_brackets_stay_inside() -> None:
    e = parse_math("Piecewise((z, z > 0), (0, True))")
    assert isinstance(e, sp.Piecewise)


@pytest.mark.parametrize("bad", ["x +", "(x", "x = ", "= y", "x.y", "x[1]", '"text"', "", "a $ b"])
def test_what_does_not_parse_is_an_error(bad: str) -> None:
    with pytest.raises(MarkupError):
        parse_math(bad)


def test_a_whole_dollar_string_is_a_display_equation() -> None:
    assert display_math("  $dW_l/dt = 0$ ") is not None
    assert display_math("the flow $dW_l/dt = 0$ holds") is None


def test_printed_forms() -> None:
    """The boxes carry the paper's notation: ż an accent, dW_l/dt a fraction of upright d's, σ' a prime."""
    assert to_boxes(parse_math("zdot")) == Accent(Ident("z"), "dot")
    frac = to_boxes(parse_math("dW_l/dt"), written_order=True)
    assert isinstance(frac, Frac)
    assert frac.num == Row((Ident("d", upright=True), Scripts(Ident("W"), sub=Ident("l"))))
    assert to_boxes(parse_math("sigmaprime")) == Scripts(Ident("σ"), sup=Op("′", "bin"))
    assert to_boxes(parse_math("1.5e-7")) == Row(
        (Num("1.5"), Op("×"), Scripts(Num("10"), sup=Row((Op("−"), Num("7")))))
    )
    abs_box = to_boxes(sp.Abs(sp.Symbol("x")))
    assert isinstance(abs_box, Fence) and abs_box.open == "|"


@pytest.mark.parametrize("text", MARKUP)
def test_sample_markup_parses(text: str) -> None:
    assert any(not isinstance(seg, str) for seg in parse_markup(text))


def _prose_of_claims() -> list[tuple[str, str]]:
    """Every prose string the discovered claims produce (numeric outcomes' prose is tested by the studies)."""
    out: list[tuple[str, str]] = []
    for c in discover():
        out += [(c.id, c.source.quote), (c.id, c.title)]
        if isinstance(c.statement, str):
            out.append((c.id, c.statement))
    for c, o in discovered_symbolic():
        out += [(c.id, o.summary), (c.id, o.meaning), *((c.id, x) for x in o.conditions)]
        out += [(c.id, s.justification) for s in o.evidence.steps]
        out += [(c.id, w.description) for w in o.evidence.witnesses]
        out += [(c.id, k.label) for k in o.evidence.key_numbers]
    return out


def test_every_maths_span_of_every_discovered_claim_parses() -> None:
    failures = []
    for cid, text in _prose_of_claims():
        try:
            parse_markup(text)
        except MarkupError as e:
            failures.append(f"{cid}: {e}")
    assert not failures, "\n".join(failures)
