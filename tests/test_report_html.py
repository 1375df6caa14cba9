"""The HTML report: well-formed, self-contained (no URL, no script), MathML math, inline SVG, anchors."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
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
    assert root.find("head/style") is not None and root.find("body/nav") is not None


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
    n_steps = sum(len(o.evidence.steps) for _, o in [*discovered_symbolic(), *sample_results()])
    assert len(maths) >= n_steps
    idents = {_text(mi) for m in maths for mi in m.iter("mi")}
    assert "σ" in idents and "sigma" not in idents


def test_relations_and_odd_names_are_escaped() -> None:
    """SymPy writes MathML text raw; '<' in a relation must still give well-formed markup."""
    for expr in TRICKY:
        el = ET.fromstring(mathml(expr, display=True))
        assert el.tag == "math"
    ops = [_text(mo) for mo in ET.fromstring(mathml(sp.Lt(z, 2), display=False)).iter("mo")]
    assert "<" in ops
    names = [_text(mi) for mi in ET.fromstring(mathml(sp.Symbol("a<&>b"), display=False)).iter("mi")]
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
    figures = list(tree().iter("figure"))
    n_plots = sum(len(o.evidence.plots) for _, o in sample_results())
    assert len(figures) == n_plots
    for f in figures:
        assert f.find("svg") is not None and "Figure" in _text(f.find("figcaption"))  # type: ignore[arg-type]


def test_print_stylesheet_present() -> None:
    assert "@media print" in page()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_chromium_renders_the_page(tmp_path: Path) -> None:
    import matplotlib.image as mpimg
    import numpy as np

    html_file = tmp_path / "report.html"
    html_file.write_text(page(), encoding="utf-8")
    png = tmp_path / "shot.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1200,2000",
            html_file.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    img = mpimg.imread(png)[..., :3]
    ink = (img.mean(axis=2) < 0.85).mean()
    assert img.shape[0] >= 1000 and img.shape[1] >= 1000
    # Text, tables and math: a few percent of the screen is ink, and not all one shade.
    assert 0.01 < ink < 0.5
    assert float(np.std(img)) > 0.05


def test_wide_equations_become_aligned_rows_of_the_same_math(monkeypatch: pytest.MonkeyPatch) -> None:
    from report_samples import discovered_expressions

    from ska_theory.report import html as html_mod
    from ska_theory.report.notation import equation_pieces, lhs_stays_on_first_line

    def flat(markup: str) -> str:
        return re.sub(r"\s+", "", _text(ET.fromstring(markup)))

    monkeypatch.setattr(html_mod, "WIDE", 0)  # every breakable equation counts as wide
    broken = 0
    for expr in [*discovered_expressions(), *TRICKY]:
        pieces = equation_pieces(expr)
        wide = html_mod.display_math(expr)
        if pieces is None:
            assert "<mtable>" not in wide or isinstance(expr, sp.MatrixBase)
            continue
        broken += 1
        rows = list(ET.fromstring(wide).find("mtable"))  # type: ignore[arg-type]
        assert len(rows) == len(pieces) - lhs_stays_on_first_line(pieces)
        assert flat(wide) == flat(mathml(expr, display=True))
    assert broken > 0
