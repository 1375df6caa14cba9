"""The HTML report: well-formed, self-contained (no URL, no script), MathML math, inline SVG, anchors."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

import sympy as sp
from report_samples import TRICKY, discovered_symbolic, numeric_plot, sample_results

from ska_theory.provenance import provenance
from ska_theory.report.build import build_document
from ska_theory.report.html import inline_svg, mathml, render_html
from ska_theory.symbolic.definitions import sigma, z


@cache
def page() -> str:
    results = [*discovered_symbolic(), *sample_results()]
    return render_html(build_document(results, provenance(), "quick"))


@cache
def tree() -> ET.Element:
    return ET.fromstring(page().split("\n", 1)[1])  # drop the <!DOCTYPE html> line


def _text(el: ET.Element) -> str:
    return "".join(el.itertext())


def test_page_is_well_formed_and_complete() -> None:
    root = tree()
    assert root.tag == "html"
    assert root.find("head/style") is not None and root.find("body/main/nav") is not None


def test_every_claim_has_an_anchor_and_the_summary_links_to_it() -> None:
    ids = [el.get("id") for el in tree().iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for c, _ in [*discovered_symbolic(), *sample_results()]:
        assert f"claim-{c.id}" in ids
    summary = next(el for el in tree().iter("section") if el.get("id") == "summary")
    linked = {a.get("href") for a in summary.iter("a")}
    assert {f"#claim-{c.id}" for c, _ in sample_results()} <= linked
    # Every internal link lands somewhere.
    for a in tree().iter("a"):
        assert a.get("href", "")[1:] in ids


def test_no_external_reference_anywhere() -> None:
    html = page()
    assert not re.search(r"https?:|//|<script|<link|<img|<iframe|@import|url\((?!#)", html, re.I)
    assert not re.search(r"\bsrc=", html)
    hrefs = re.findall(r'\bhref="([^"]*)"', html)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert "xmlns" not in html


def test_math_is_mathml_with_sigma_as_greek_letter() -> None:
    maths = list(tree().iter("math"))
    assert len(maths) >= sum(len(o.evidence.steps) for _, o in [*discovered_symbolic(), *sample_results()])
    idents = {_text(mi) for m in maths for mi in m.iter("mi")}
    assert "σ" in idents and "sigma" not in idents


def test_relations_and_odd_names_are_escaped() -> None:
    """SymPy writes MathML text raw; '<' in a relation must still give well-formed markup."""
    for expr in TRICKY:
        el = ET.fromstring(mathml(expr, display=True))
        assert el.tag == "math"
    ops = [_text(mo) for mo in ET.fromstring(mathml(sp.Lt(z, 2), display=False)).iter("mo")]
    assert "<" in ops
    names = [_text(el) for el in ET.fromstring(mathml(sp.Symbol("a<&>b"), display=False)).iter()]
    assert "a<&>b" in names


def test_sigma_function_prints_its_argument() -> None:
    el = ET.fromstring(mathml(sigma(z + 1), display=False))
    assert _text(el).replace(" ", "") in ("σ(z+1)", "σ(1+z)")


def test_inline_svg_is_namespaced_nowhere_and_ids_are_prefixed() -> None:
    svg = inline_svg(numeric_plot(), "fig-a")
    el = ET.fromstring(svg)
    assert el.tag == "svg"
    ids = {e.get("id", "") for e in el.iter() if e.get("id")}
    assert ids and all(i.startswith("fig-a-") for i in ids)
    for ref in re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', svg):
        assert (ref[0] or ref[1]) in ids


def test_figures_are_inline_svg_with_captions() -> None:
    figures = [f for f in tree().iter("figure") if f.get("id", "").startswith("fig-")]
    n_plots = sum(len(o.evidence.plots) for _, o in sample_results())
    assert len(figures) == n_plots
    for f in figures:
        assert next(f.iter("svg"), None) is not None and "Figure" in _text(f.find("figcaption"))  # type: ignore[arg-type]
    # A multi-panel figure has both layouts; CSS shows one.
    assert any(f.find("div[@class='fig-narrow']") is not None for f in figures)


def test_stylesheets_for_print_narrow_screens_and_maths_fonts() -> None:
    css = page()
    assert "@media print" in css and "@media (max-width: 600px)" in css
    assert "math { font-family:" in css and "STIX Two Math" in css


def test_equation_numbers_are_the_reports_own() -> None:
    assert "(R1)" in page() and re.search(r'class="eqno">\(\d+\)', page()) is None


def test_wide_equations_become_aligned_lines_of_the_same_math() -> None:
    from report_samples import LONG_SUM, discovered_expressions

    from ska_theory.report.html import NARROW_EM, WIDE_EM, lines_mathml
    from ska_theory.report.mathbox import break_lines

    def flat(markup: str) -> str:
        # The same characters in the same order; breaking adds only parentheses around a broken fraction.
        text = re.sub(r"\s+", "", _text(ET.fromstring(markup)))
        return text.replace("\u2061", "")

    broken = 0
    for expr in [*discovered_expressions(), *TRICKY, sp.Eq(sp.Symbol("S"), LONG_SUM)]:
        for budget in (WIDE_EM, NARROW_EM):
            lines = break_lines(expr, budget)
            if lines is None:
                continue
            broken += 1
            markup = lines_mathml(lines)
            rows = list(ET.fromstring(markup).find("mtable"))  # type: ignore[arg-type]
            assert len(rows) == len(lines.rights) >= 2
            one = flat(mathml(expr, display=True))
            if "(" not in flat(markup).replace(one, ""):  # no (1/den)(…) regrouping: same text
                assert flat(markup).replace("×", "") == one
    assert broken > 0


def test_a_long_sum_is_broken_and_each_line_fits() -> None:
    from report_samples import LONG_SUM

    from ska_theory.report.html import WIDE_EM, display_math
    from ska_theory.report.mathbox import break_lines, width

    expr = sp.Eq(sp.Symbol("S"), LONG_SUM)
    lines = break_lines(expr, WIDE_EM)
    assert lines is not None and len(lines.rights) >= 2
    assert all(width(r) <= WIDE_EM for r in lines.rights)
    assert "eq-narrow" in display_math(expr)  # a second breaking for narrow screens
