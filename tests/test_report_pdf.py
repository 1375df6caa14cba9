"""The PDF report: opens, numbers its pages, names every claim, links the summary, is reproducible."""

from __future__ import annotations

import io
import re
from functools import cache

import pypdf
from report_samples import discovered_symbolic, sample_results

from ska_theory.provenance import provenance
from ska_theory.report.build import build_document
from ska_theory.report.document import Equation, walk
from ska_theory.report.pdf import render_pdf, typst_source


def _results():  # type: ignore[no-untyped-def]
    return [*discovered_symbolic(), *sample_results()]


@cache
def pdf_bytes() -> bytes:
    return render_pdf(build_document(_results(), provenance(), "quick"))


@cache
def pages_text() -> tuple[str, ...]:
    return tuple(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_bytes())).pages)


def test_pdf_opens_and_numbers_every_page() -> None:
    pages = pages_text()
    n = len(pages)
    assert n >= 3
    for i, text in enumerate(pages, start=1):
        assert re.search(rf"(^|\s){i} / {n}(\s|$)", text), f"page {i} has no '{i} / {n}' footer"


def test_every_claim_id_and_verdict_is_in_the_text() -> None:
    # Table cells may wrap an id at a hyphen; compare with whitespace removed.
    text = re.sub(r"\s+", "", "".join(pages_text()))
    for c, o in _results():
        assert c.id in text
        assert str(o.verdict) in text


def test_summary_links_to_claim_sections() -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes()))
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            action = a.get("/A")
            if a.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    # At least the summary table's links and the outline entries are internal jumps.
    assert internal >= 2 * len(_results())


def test_equations_are_numbered_as_the_reports_own() -> None:
    """Every numbered equation outside the HTML-only details gets an (R…) number, in order."""
    doc = build_document(_results(), provenance(), "quick")
    numbered = sum(
        1 for _, s in walk(doc.sections) for b in s.blocks if isinstance(b, Equation) and b.numbered
    )
    found = [int(n) for n in re.findall(r"\(R(\d+)\)", "".join(pages_text()))]
    # The first two are the "How to read" paragraph's example, "(R1), (R2), …".
    assert numbered > 0 and found[:2] == [1, 2] and found[2:] == list(range(1, numbered + 1))


def test_figures_are_embedded_and_the_full_evidence_left_out() -> None:
    src = typst_source(build_document(sample_results(), provenance(), "quick"))
    assert src.count('format: "svg"') == sum(len(o.evidence.plots) for _, o in sample_results())
    assert "All numbers" in src and "claims.json → claims[" in src and "entropy_bits" not in src


def test_equations_are_never_scaled_below_80_percent() -> None:
    src = typst_source(build_document(sample_results(), provenance(), "quick"))
    assert "calc.max(room / w, 0.8)" in src


def test_same_document_same_bytes() -> None:
    again = render_pdf(build_document(_results(), provenance(), "quick"))
    assert again == pdf_bytes()
    assert b"/CreationDate" not in again or b"D:1970" in again


def test_an_empty_registry_still_gives_both_documents() -> None:
    from ska_theory.report.html import render_html

    doc = build_document([], provenance(), "quick")
    assert render_pdf(doc).startswith(b"%PDF")
    assert "0 claims" in render_html(doc)


def test_the_committed_quick_pdf_keeps_to_13_pages_per_10_claims() -> None:
    """Issue 11's budget, on the committed quick report (CI's drift check keeps it the code's own):
    at most 1.3 pages per claim on average, while the claims' deciding numbers stay in it."""
    import json
    from pathlib import Path

    reports = Path(__file__).resolve().parents[1] / "reports"
    claims = json.loads((reports / "claims.json").read_text(encoding="utf-8"))["claims"]
    pages = len(pypdf.PdfReader(reports / "ska-theory-report.pdf").pages)
    assert pages <= 1.3 * len(claims), f"{pages} pages for {len(claims)} claims"
