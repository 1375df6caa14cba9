"""Claims -> Document: framing, curated evidence, proof sketches; numbers formatted once, here."""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from report_samples import PROVENANCE, numeric_plot, panels_plot, sample_document, sample_results

from ska_theory.claims.model import KeyNumber, Step
from ska_theory.claims.record import round_floats
from ska_theory.plotting import SvgText, plotted_series, svg_figure
from ska_theory.report.build import DEFAULT_MEANING, build_document, grouped, step_text
from ska_theory.report.document import (
    BulletList,
    Details,
    Equation,
    Figure,
    Graph,
    GroupRow,
    Math,
    Paragraph,
    Quote,
    Ref,
    Section,
    Strong,
    Table,
    VerdictTag,
    walk,
)
from ska_theory.report.evidence import flatten, key_numbers_table, sketch_steps
from ska_theory.report.numbers import fmt_number, fmt_residual, parse_number
from ska_theory.report.prose import Linker


def _section(label: str) -> Section:
    return next(s for _, s in walk(sample_document().sections) if s.label == label)


def _text(parts: object) -> str:
    return "".join(getattr(p, "text", getattr(p, "verdict", "")) for p in parts)  # type: ignore[attr-defined]


def test_the_report_opens_with_the_graph_and_explains_itself_before_the_summary() -> None:
    labels = [s.label for s in sample_document().sections]
    assert labels[:3] == ["overview", "how-to-read", "summary"]
    assert any(isinstance(b, Graph) for b in _section("overview").blocks)
    how = " ".join(_text(b.content) for b in _section("how-to-read").blocks if isinstance(b, Paragraph))
    assert "quick mode" in how and "witness" in how and "(R1)" in how and "SKA-2 eq. 29" in how
    assert "20 random real points (seed 20250407) at 50 significant digits" in how
    assert labels[-2:] == ["bibliography", "provenance"]
    assert {"theory-matrix", "coverage"} <= set(labels)


def test_summary_groups_claims_by_topic_with_kind_and_links() -> None:
    table = next(b for b in _section("summary").blocks if isinstance(b, Table))
    assert table.header == ("claim", "kind", "source", "verdict", "reason")
    groups = [r for r in table.rows if isinstance(r, GroupRow)]
    rows = [r for r in table.rows if not isinstance(r, GroupRow)]
    assert len(groups) == len(grouped(sample_results()))
    assert len(rows) == len(sample_results())
    for row, (c, o) in zip(rows, [r for _, rs in grouped(sample_results()) for r in rs], strict=True):
        assert row[0] == (Ref(f"claim-{c.id}", c.id),)
        assert _text(row[1]) == c.kind
        assert row[3] == (VerdictTag(str(o.verdict)),)


def test_each_claim_section_has_verdict_meaning_and_links_back() -> None:
    for c, o in sample_results():
        s = _section(f"claim-{c.id}")
        assert s.back == "summary"
        first = s.blocks[0]
        assert isinstance(first, Paragraph) and first.content[0] == VerdictTag(str(o.verdict))
        meaning = next(
            b
            for b in s.blocks
            if isinstance(b, Paragraph) and b.content[:1] == (Strong("What this means for the paper: "),)
        )
        expected = o.meaning.split("$")[0] if o.meaning else DEFAULT_MEANING[o.verdict]
        assert _text(meaning.content[1:]).startswith(expected)
        assert any(isinstance(b, Quote) for b in s.blocks) == bool(c.source.quote)
        # Uses become links to the used claims.
        for u in c.uses:
            assert Ref(f"claim-{u}", u) in first.content


def test_claim_ids_and_paper_keys_in_prose_are_links() -> None:
    linker = Linker(["flow.weight-ode", "flow.weight-ode-2"])
    parts = linker.prose("see flow.weight-ode. and flow.weight-ode-2, SKA-2 eq. 3; not flow.weight-odes")
    refs = [p for p in parts if isinstance(p, Ref)]
    assert [r.text for r in refs] == ["flow.weight-ode", "flow.weight-ode-2", "SKA-2"]
    assert refs[2].label == "bib-SKA-2"


def test_markup_in_prose_becomes_maths() -> None:
    parts = Linker([]).prose("the flow $dW_l/dt$ is zero")
    assert [type(p).__name__ for p in parts] == ["Text", "Math", "Text"]
    assert isinstance(parts[1], Math) and parts[1].written


def test_string_statements_display_or_prose() -> None:
    display = next(b for b in _section("claim-sample.conditions").blocks if isinstance(b, Equation))
    assert display.written and isinstance(display.expr, sp.Eq)
    fails = _section("claim-sample.fails").blocks
    stmt = fails[fails.index(next(b for b in fails if getattr(b, "text", "") == "Statement")) + 1]
    assert isinstance(stmt, Paragraph) and any(isinstance(p, Math) for p in stmt.content)


def test_proof_sketch_drops_repeats_and_difference_chains_but_keeps_them_in_details() -> None:
    c, o = sample_results()[0]
    kept, dropped = sketch_steps(o.evidence.steps)
    assert dropped
    exprs = [s.expr for s, _ in kept]
    assert sp.S.Zero not in exprs  # the difference chain is gone
    assert len(exprs) == len(o.evidence.steps) - 1 - 3  # one repeat, one chain of three
    assert any(note.startswith("checked") for _, note in kept)
    s = _section(f"claim-{c.id}")
    details = [b for b in s.blocks if isinstance(b, Details) and b.summary.startswith("All ")]
    assert details and len(details[0].blocks) == len(o.evidence.steps)
    assert all(not b.numbered for b in details[0].blocks if isinstance(b, Equation))


def test_no_tool_names_in_the_sketch() -> None:
    steps = [Step(sp.Eq(sp.Symbol("x"), 1), "why", tool="manualintegrate")]
    kept, _ = sketch_steps(steps)
    doc = build_document(sample_results()[:1], PROVENANCE, "quick")
    assert kept and "manualintegrate" not in repr(doc)


def test_key_numbers_grid_and_paper_columns() -> None:
    linker = Linker([])
    grid = key_numbers_table(
        [
            KeyNumber("peak", 1.0, group="layer 1"),
            KeyNumber("peak", 2.0, group="layer 2"),
            KeyNumber("height", 3.0, "bits", group="layer 1"),
            KeyNumber("height", -0.0, "bits", group="layer 2"),
        ],
        linker,
    )
    assert grid.header == ("", "layer 1", "layer 2")
    assert [_text(r[2]) for r in grid.rows] == ["2", "0\u00a0bits"]  # no negative zero
    versus = key_numbers_table([KeyNumber("K", 24, paper=23), KeyNumber("ok", True)], linker)
    assert versus.header == ("quantity", "paper", "computed")
    assert [_text(c) for c in versus.rows[0]] == ["K", "23", "24"]
    assert [_text(c) for c in versus.rows[1]] == ["ok", "—", "yes"]


def test_full_evidence_is_collapsed_in_html_and_named_in_pdf() -> None:
    c, o = next((c, o) for c, o in sample_results() if o.evidence.plots)
    s = _section(f"claim-{c.id}")
    details = next(b for b in s.blocks if isinstance(b, Details) and b.summary.startswith("All numbers"))
    table = details.blocks[0]
    assert isinstance(table, Table)
    assert [_text(r[0]) for r in table.rows] == [k for k, _ in flatten(o.evidence.figures)]
    # The PDF, which has no collapsed table, names the JSON path: in the key numbers' caption here.
    numbers = next(b for b in s.blocks if isinstance(b, Table) and b is not table)
    named = _text(details.pdf_note) + _text(numbers.caption)
    assert "claims.json → claims[" in named and "evidence.figures" in named


def test_figures_carry_their_narrow_layout() -> None:
    c, o = next((c, o) for c, o in sample_results() if len(o.evidence.plots) > 1)
    figs = [b for b in _section(f"claim-{c.id}").blocks if isinstance(b, Figure)]
    assert [f.svg for f in figs] == [p.svg for p in o.evidence.plots]
    assert figs[0].narrow is None and figs[1].narrow is not None  # one panel / four panels


def test_provenance_names_inputs_not_commit() -> None:
    cells = " ".join(
        _text(c) for b in _section("provenance").blocks if isinstance(b, Table) for r in b.rows for c in r
    )
    assert (
        PROVENANCE["inputs"] in cells
        and "commit" not in cells
        and "timings.json" not in repr(sample_document())
    )
    assert "inputs 0123456789ab" in sample_document().subtitle


def test_bibliography_entries_are_anchors() -> None:
    lst = next(b for b in _section("bibliography").blocks if isinstance(b, BulletList))
    assert lst.labels == ("bib-SKA-1", "bib-SKA-2", "bib-essay-1", "bib-essay-2")


def test_undecided_step_in_words() -> None:
    assert step_text("study.find_peaks:42") == "find peaks (in study, line 42)"
    assert step_text("verdict kind") == "verdict kind"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_fmt_number_keeps_six_significant_digits(x: float) -> None:
    assert math.isclose(parse_number(fmt_number(x)), x, rel_tol=5e-6, abs_tol=0)


def test_fmt_number_special_values() -> None:
    assert [fmt_number(v) for v in (None, float("nan"), float("inf"), -0.0, True, -3)] == [
        "—", "undefined", "∞", "0", "yes", "−3",
    ]  # fmt: skip
    assert fmt_number(1.5e-7) == "1.5 × 10⁻⁷" and fmt_number(1e12) == "10¹²"
    assert fmt_residual(1e-40) == "10⁻⁴⁰" and fmt_residual(2.28e-51) == "2.3 × 10⁻⁵¹"


def test_round_floats_to_six_digits() -> None:
    data = {"a": [0.1234567891, {"b": 1e-20 / 3}], "c": "text", "d": 3}
    assert round_floats(data) == {"a": [0.123457, {"b": 3.33333e-21}], "c": "text", "d": 3}


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


# --- figures (ska_theory.plotting) ------------------------------------------------------------------


def test_svg_figure_is_deterministic_undated_and_has_real_text() -> None:
    a, b = numeric_plot(), numeric_plot()
    assert a == b
    assert "<dc:date>" not in a and not re.search(r"\d{4}-\d\d-\d\dT", a)
    assert a.count("<text") >= 10 and "font-family: 'DejaVu Sans', 'Liberation Sans'" in a
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    svg = svg_figure(fig)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert not plt.fignum_exists(fig.number)  # closed


def test_last_bit_differences_of_the_data_do_not_change_the_svg() -> None:
    """What BLAS rounding does to a result (1e-13 relative) stays below the plotted digits."""
    assert panels_plot(offset=0.0) == panels_plot(offset=1e-13)
    assert panels_plot(offset=0.0) != panels_plot(offset=1e-3)  # a real change does show


def test_legend_leaves_the_axes_and_is_as_large_as_tick_labels() -> None:
    fig, ax = plt.subplots(figsize=(5, 3))
    x = np.linspace(0, 1, 20)
    ax.plot(x, x, label="‖Z‖_F")
    ax.legend(fontsize=5)
    svg_figure(fig, close=False)
    legend = fig.legends[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    tick = max(t.get_fontsize() for t in ax.get_xticklabels())
    assert min(t.get_fontsize() for t in legend.get_texts()) >= tick
    assert plotted_series(fig)["series"] == ["‖Z‖_F"]
    plt.close(fig)


def test_multi_panel_figures_have_a_two_column_layout() -> None:
    svg = panels_plot(4)
    assert isinstance(svg, SvgText) and svg.narrow is not None
    width = lambda s: float(re.search(r'width="([\d.]+)pt"', s).group(1))  # noqa: E731
    assert width(svg.narrow) < 0.7 * width(svg)
    assert svg.narrow.count("layer 4") == 1


def test_coverage_lists_every_entry_once_grouped_by_text_and_section() -> None:
    """Decided sentences in the open table; sentences that are not claims collapsed with a PDF note, so
    the PDF stays short while no entry of the index is lost."""
    from ska_theory.claims.coverage import CoverageEntry
    from ska_theory.report.build import coverage_section

    entries = [
        CoverageEntry("SKA-2", "§1", "eq. 2 holds", "flow.weight-ode", None),
        CoverageEntry("SKA-2", "§1", "a hopeful sentence", None, "rhetoric"),
        CoverageEntry("SKA-1", "§3", "sigmoid is unique", "entropy.sigmoid-uniqueness", None),
    ]
    linker = Linker({"flow.weight-ode", "entropy.sigmoid-uniqueness"})
    section = coverage_section(entries, linker)
    open_table = next(b for b in section.blocks if isinstance(b, Table))
    details = next(b for b in section.blocks if isinstance(b, Details))
    groups = [_text(r.content) for r in open_table.rows if isinstance(r, GroupRow)]
    assert groups == ["SKA-2 · §1", "SKA-1 · §3"]
    assert len([r for r in open_table.rows if not isinstance(r, GroupRow)]) == 2
    (collapsed,) = details.blocks
    assert isinstance(collapsed, Table)
    assert [_text(r[1]) for r in collapsed.rows if not isinstance(r, GroupRow)] == ["rhetoric"]
    assert "list the 1 sentence that is not a claim" in _text(details.pdf_note)
