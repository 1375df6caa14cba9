"""What a reader sees: no tool output in the rendered text, every claim and reference reachable.

The scan runs on the rendered HTML text and on the PDF's extracted text (pypdf), for the sample claims
(written the way claims are asked to write their prose). The same scan over the real claims is the
last test here: it fails until every claim's prose uses the ``$...$`` markup (notes/statements.md).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from report_samples import (
    discovered_symbolic,
    sample_html,
    sample_pdf_pages,
    sample_results,
)

from ska_theory.claims.sources import TEXTS
from ska_theory.provenance import provenance
from ska_theory.report.build import build_document
from ska_theory.report.html import render_html
from ska_theory.report.scan import RULES, scan_html, scan_text

# One example per rule, each found by exactly that rule's pattern (so every rule can fail).
EXAMPLES = {
    "python dict or list": "matches {'layer 1': 1}",
    "Python None/True/False": "the limit = None here",
    "JSON null": "value: null",
    "nan": "time nan at layer 2",
    "SymPy oo / inf": "offset at -oo",
    "negative zero": "change −0.00 bits",
    "unrounded float": "rate 0.7345676811153303",
    "float in e-notation": "residual 2.28e-51",
    "LaTeX": "the integral \\frac{1}{2}",
    "ASCII maths": "z**2 grows",
    "code function": "equals sigma(z) here",
    "identifier with underscore": "the entropy_rate_min time",
    "tool routine": "by manualintegrate",
}
CLEAN = [
    "None of the runs reached the horizon.",
    "a null Lagrangian: true for every path",
    "σ(z) − 0.5 at z = −0.25, 1.5 × 10⁻⁷ and 10⁻⁴⁰",
    "SKA-2 eq. 29; essay-1 §3; the claims.json path",
]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_finds_its_fragment(rule: str) -> None:
    found = {f.rule for f in scan_text(EXAMPLES[rule])}
    assert rule in found


@pytest.mark.parametrize("text", CLEAN)
def test_plain_prose_passes(text: str) -> None:
    assert scan_text(text) == []


def test_code_spans_may_name_keys_but_not_hold_reprs() -> None:
    page = "<p><code>entropy_rate_min</code> and <code>{'a': None}</code></p>"
    rules = {f.rule for f in scan_html(page)}
    assert "identifier with underscore" not in rules
    assert {"python dict or list", "Python None/True/False"} <= rules


def test_rendered_html_text_has_no_forbidden_fragment() -> None:
    findings = scan_html(sample_html())
    assert not findings, "\n".join(f"{f.where}: {f.rule}: {f.context}" for f in findings[:20])


def test_rendered_pdf_text_has_no_forbidden_fragment() -> None:
    findings = [f for i, page in enumerate(sample_pdf_pages(), 1) for f in scan_text(page, f"page {i}")]
    assert not findings, "\n".join(f"{f.where}: {f.rule}: {f.context}" for f in findings[:20])


def test_the_scan_fails_on_raw_tool_output_in_a_claim() -> None:
    """The two tests above can fail: a claim that pastes a dict and a float repr is caught."""
    c, o = sample_results()[0]
    o = type(o)(o.verdict, "matches {'layer 1': True}, rate 0.7345676811153303", evidence=o.evidence)
    page = render_html(build_document([(c, o)], provenance(), "quick"))
    rules = {f.rule for f in scan_html(page)}
    assert {"python dict or list", "Python None/True/False", "unrounded float"} <= rules


def test_every_claim_id_is_in_the_pdf_text() -> None:
    text = re.sub(r"\s+", "", "".join(sample_pdf_pages()))
    for c, o in sample_results():
        assert c.id in text
        assert str(o.verdict) in text


def test_bibliography_arxiv_ids_in_both_formats() -> None:
    pdf = "".join(sample_pdf_pages())
    for t in TEXTS.values():
        if t.arxiv:
            assert f"arXiv:{t.arxiv}" in sample_html() and f"arXiv:{t.arxiv}" in pdf
        assert t.title.split(":")[0] in sample_html()


def test_every_source_reference_links_to_the_bibliography() -> None:
    root = ET.fromstring(sample_html().split("\n", 1)[1])
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    bib_links = {a.get("href") for a in root.iter("a") if (a.get("href") or "").startswith("#bib-")}
    assert {f"#bib-{c.source.paper}" for c, _ in sample_results()} <= bib_links
    assert all(h[1:] in ids for h in bib_links)


def test_claim_graph_and_figure_text() -> None:
    page = sample_html()
    assert 'id="claim-graph"' in page
    root = ET.fromstring(page.split("\n", 1)[1])
    figures = [f for f in root.iter("figure") if f.get("id", "").startswith("fig-")]
    assert figures
    for fig in figures:
        for svg in fig.iter("svg"):
            assert any(t.text and t.text.strip() for t in svg.iter("text")), fig.get("id")


def test_real_symbolic_claims_render_clean() -> None:
    page = render_html(build_document(list(discovered_symbolic()), provenance(), "quick"))
    findings = scan_html(page)
    assert not findings, f"{len(findings)} fragments, e.g. " + "; ".join(
        f"{f.where}: {f.context}" for f in findings[:5]
    )
