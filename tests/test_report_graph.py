"""The claim graph: laid out by igraph in layers (used claims above their users), linked, coloured."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pypdf
from report_samples import sample_document, sample_html, sample_pdf, sample_results

from ska_theory.report.document import Graph, inlines
from ska_theory.report.graph import claim_graph
from ska_theory.report.style import verdict_colours


def _graph(ids: list[str], uses: list[tuple[str, ...]]) -> Graph:
    return claim_graph(ids, ["holds"] * len(ids), uses, inlines("caption"))


def _node(g: Graph, cid: str):  # type: ignore[no-untyped-def]
    return next(n for n in g.nodes if n.label == f"claim-{cid}")


def test_a_used_claim_sits_above_the_claims_that_use_it() -> None:
    # path-independence -> euler-lagrange -> least-action, the example chain
    ids = ["a.path", "b.euler", "c.least", "d.alone"]
    g = _graph(ids, [(), ("a.path",), ("b.euler",), ()])
    ys = [_node(g, i).y for i in ids[:3]]
    assert ys[0] < ys[1] < ys[2]
    assert len(g.edges) == 2
    for e in g.edges:
        assert e.points[0][1] < e.points[-1][1]  # arrows point down, from the used claim to its user


def test_an_edge_over_two_layers_bends_around_the_middle_layer() -> None:
    g = _graph(["a.x", "b.y", "c.z"], [(), ("a.x",), ("a.x", "b.y")])
    long_edge = max(g.edges, key=lambda e: abs(e.points[-1][1] - e.points[0][1]))
    assert len(long_edge.points) == 3  # start, one bend (igraph's dummy vertex), end


def test_claims_without_edges_fill_a_grid_below() -> None:
    g = _graph(["a.x", "b.y", "c.z", "d.w"], [(), ("a.x",), (), ()])
    linked_bottom = max(_node(g, i).y for i in ("a.x", "b.y"))
    for i in ("c.z", "d.w"):
        assert _node(g, i).y > linked_bottom
    assert _node(g, "c.z").y == _node(g, "d.w").y  # side by side


def test_unknown_and_self_uses_are_ignored() -> None:
    g = _graph(["a.x", "b.y"], [("a.x",), ("gone.claim",)])
    assert g.edges == ()


def test_layout_is_deterministic() -> None:
    ids = [c.id for c, _ in sample_results()]
    uses = [c.uses for c, _ in sample_results()]
    a = claim_graph(ids, ["holds"] * len(ids), uses, inlines("x"))
    b = claim_graph(ids, ["holds"] * len(ids), uses, inlines("x"))
    assert a == b


def test_html_graph_links_every_claim_and_colours_it_by_verdict() -> None:
    root = ET.fromstring(sample_html().split("\n", 1)[1])
    figure = next(el for el in root.iter("figure") if el.get("id") == "claim-graph")
    svg = next(figure.iter("svg"))
    links = {a.get("href"): a for a in svg.iter("a")}
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for c, o in sample_results():
        a = links[f"#claim-{c.id}"]
        rect = next(a.iter("rect"))
        assert rect.get("stroke") == verdict_colours(str(o.verdict))[0]
        assert f"claim-{c.id}" in ids
    graph = next(b for s in sample_document().sections for b in s.blocks if isinstance(b, Graph))
    assert len(list(svg.iter("polyline"))) == len(graph.edges) > 0


def test_pdf_graph_boxes_are_links_on_the_first_page() -> None:
    first = pypdf.PdfReader(io.BytesIO(sample_pdf())).pages[0]
    links = [a.get_object() for a in first.get("/Annots") or []]
    assert len(links) >= len(sample_results())
    assert "sample.holds" in first.extract_text()


def test_box_lines_are_short_and_spell_the_whole_id() -> None:
    """Long ids break after their topic and after hyphens, so five layers of boxes fit a page width
    at a legible size; joining the lines gives the id back."""
    from ska_theory.claims.registry import discover
    from ska_theory.report.graph import LINE_CHARS, node_lines

    for c in discover():
        lines = node_lines(c.id)
        assert "".join(lines) == c.id
        for line in lines:
            assert len(line) <= LINE_CHARS + 1 or "-" not in line.rstrip("-"), (c.id, lines)
    assert node_lines("lagrangian.time-independence-explains-invariance") == (
        "lagrangian.",
        "time-independence-",
        "explains-invariance",
    )
