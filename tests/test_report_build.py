"""Claims -> Document: every piece of evidence lands in the document, numbers formatted once, here."""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
from hypothesis import given
from hypothesis import strategies as st
from report_samples import numeric_plot, sample_results

from ska_theory.plotting import svg_figure
from ska_theory.report.build import build_document, flatten, fmt_number
from ska_theory.report.document import (
    Code,
    Equation,
    Figure,
    Quote,
    Ref,
    Section,
    Table,
    VerdictTag,
    walk,
)

PROVENANCE = {
    "version": "9.9.9",
    "git": {"commit": "0123456789abcdef", "dirty": True},
    "python": "3.11.0",
    "packages": {"sympy": "1.0"},
}


def _doc():  # type: ignore[no-untyped-def]
    return build_document(sample_results(), PROVENANCE, "quick")


def _section(label: str) -> Section:
    return next(s for _, s in walk(_doc().sections) if s.label == label)


def _cells_text(t: Table) -> list[str]:
    out = []
    for row in t.rows:
        for cell in row:
            out.append("".join(getattr(p, "text", getattr(p, "verdict", "")) for p in cell))
    return out


def test_summary_lists_every_claim_in_order_with_its_verdict() -> None:
    table = next(b for b in _section("summary").blocks if isinstance(b, Table))
    results = sample_results()
    assert len(table.rows) == len(results)
    for row, (c, o) in zip(table.rows, results, strict=True):
        ref = row[0][0]
        assert isinstance(ref, Ref) and ref.label == f"claim-{c.id}"
        assert row[2] == (VerdictTag(str(o.verdict)),)
        assert o.summary in "".join(getattr(p, "text", "") for p in row[3])


def test_symbolic_claim_has_statement_steps_and_witness() -> None:
    for c, o in sample_results():
        if c.kind != "symbolic":
            continue
        blocks = _section(f"claim-{c.id}").blocks
        eqs = [b for b in blocks if isinstance(b, Equation)]
        assert eqs[0].expr == c.statement
        assert [(e.expr, e.note) for e in eqs[1:]] == [(s.expr, s.justification) for s in o.evidence.steps]
        assert any(isinstance(b, Quote) and b.text == c.source.quote for b in blocks)
        witness = next(b for b in blocks if isinstance(b, Table) and "worst point" in b.header)
        cells = " ".join(_cells_text(witness))
        w = o.evidence.witnesses[0]
        assert f"seed {w.seed}" in cells and f"{w.digits} digits" in cells
        assert "z = 1.25" in cells and "z ∈ [-40, 40]" in cells


def test_numeric_claim_has_its_figures_and_every_number() -> None:
    c, o = next((c, o) for c, o in sample_results() if o.evidence.plots)
    blocks = _section(f"claim-{c.id}").blocks
    figs = [b for b in blocks if isinstance(b, Figure)]
    assert [(f.svg, f.caption) for f in figs] == [(p.svg, p.caption) for p in o.evidence.plots]
    numbers = next(b for b in blocks if isinstance(b, Table) and b.header == ("quantity", "value"))
    keys = [row[0][0].text for row in numbers.rows if isinstance(row[0][0], Code)]
    assert keys == [k for k, _ in flatten(o.evidence.figures)]
    assert "solver.rtol" in keys and "runs[1].err" in keys


def test_provenance_section_names_commit_dirty_and_seeds() -> None:
    cells = " ".join(" ".join(_cells_text(b)) for b in _section("provenance").blocks if isinstance(b, Table))
    assert "0123456789abcdef" in cells and "yes (dirty)" in cells and "quick" in cells
    assert "20250407" in cells and "LSODA" in cells
    assert "dirty" in _doc().subtitle


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_fmt_number_keeps_six_significant_digits(x: float) -> None:
    assert math.isclose(float(fmt_number(x)), x, rel_tol=5e-6, abs_tol=0)


@given(
    st.recursive(
        st.integers() | st.floats(allow_nan=False),
        lambda kids: (
            st.lists(kids, max_size=4) | st.dictionaries(st.text("abc", min_size=1), kids, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_flatten_reaches_every_leaf(data: object) -> None:
    pairs = list(flatten({"root": data}))
    leaves: list[object] = []

    def count(d: object) -> None:
        if isinstance(d, dict):
            for v in d.values():
                count(v)
        elif isinstance(d, list) and any(isinstance(v, dict | list) for v in d):
            for v in d:
                count(v)
        else:
            leaves.append(d)

    count(data)
    assert len(pairs) == len(leaves)
    assert all(k.startswith("root") for k, _ in pairs)


def test_long_lists_are_shortened_with_their_length() -> None:
    ((_, text),) = flatten({"xs": list(range(100))})
    assert "(100 values)" in text and text.startswith("[0, 1,") and "99]" in text


def test_svg_figure_is_deterministic_and_undated() -> None:
    a, b = numeric_plot(), numeric_plot()
    assert a == b
    assert "<dc:date>" not in a and not re.search(r"\d{4}-\d\d-\d\dT", a)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    svg = svg_figure(fig)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert not plt.fignum_exists(fig.number)  # closed
