"""Reports of the claims registry: one HTML page and one PDF, both deterministic.

``build_document`` turns decided claims into a :class:`~ska_theory.report.document.Document`; each
renderer typesets that document and computes nothing of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from ska_theory.report.build import build_document
from ska_theory.report.document import Document
from ska_theory.report.html import render_html
from ska_theory.report.pdf import render_pdf

# Output file names inside the report directory.
REPORT_FILES: dict[str, str] = {"html": "ska-theory-report.html", "pdf": "ska-theory-report.pdf"}
CLAIMS_FILE = "claims.json"
TIMINGS_FILE = "timings.json"  # run times of the last run (not committed: they differ between runs)
MATRIX_FILE = "theory-matrix.json"  # written by 'ska-theory matrix --update'; shown when present
FIGURES_DIR = "figures"  # the numeric claims' plots as standalone SVG files

RENDERERS: dict[str, Callable[[Document], bytes]] = {
    "html": lambda doc: render_html(doc).encode("utf-8"),
    "pdf": render_pdf,
}

__all__ = [
    "CLAIMS_FILE",
    "FIGURES_DIR",
    "MATRIX_FILE",
    "RENDERERS",
    "REPORT_FILES",
    "TIMINGS_FILE",
    "Document",
    "build_document",
    "render_html",
    "render_pdf",
]
