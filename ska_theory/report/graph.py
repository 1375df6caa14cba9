"""The claim graph: which claims' evidence uses which other claims, laid out by igraph's Sugiyama layout.

Claims joined by a ``uses`` edge are laid out in layers (a used claim before the claims that use it);
claims with no edge sit in a compact grid below them. The layout is pure data (:class:`Graph`); each
renderer draws it (an inline SVG in the HTML, Typst shapes in the PDF).
"""

from __future__ import annotations

from collections.abc import Sequence

import igraph

from ska_theory.report.document import Graph, GraphEdge, GraphNode, Inlines
from ska_theory.report.prose import claim_label

WIDTH = 720.0  # units of the drawing (px in the HTML at 100 %)
NARROW_GRAPH = 360.0  # the width of the grid on a narrow screen
FONT = 12.0  # label font size, units
CHAR = 0.6 * FONT  # width of a label character (sans-serif, generous)
LINE = 1.35 * FONT
PAD = 8.0
GAP_X, GAP_Y = 28.0, 34.0  # between boxes across and along the layers
GAP_COLUMNS = 40.0  # between layers drawn as columns (room for the arrowheads)
GRID_GAP = 10.0


LINE_CHARS = 20  # longest box line: keeps five layers of boxes near the page width at full size


def node_lines(claim_id: str) -> tuple[str, ...]:
    """The box text: the id on one line when short, else its topic, then its name broken after
    hyphens into lines of at most :data:`LINE_CHARS` characters (a longer word stays whole)."""
    if len(claim_id) <= LINE_CHARS or "." not in claim_id:
        return (claim_id,)
    topic, name = claim_id.split(".", 1)
    lines = [topic + "."]
    current = ""
    for word in (w + "-" for w in name.split("-")):
        if current and len(current) + len(word) > LINE_CHARS + 1:  # +1: a line's last hyphen may stay
            lines.append(current)
            current = ""
        current += word
    lines.append(current[:-1])
    return tuple(lines)


def _layers(n: int, edges: Sequence[tuple[int, int]]) -> list[int] | None:
    """Longest-path layer of each vertex (sources at 0); None when the edges have a cycle."""
    layer = [0] * n
    indeg = [0] * n
    for _, b in edges:
        indeg[b] += 1
    order = [v for v in range(n) if indeg[v] == 0]
    for v in order:
        for a, b in edges:
            if a == v:
                layer[b] = max(layer[b], layer[v] + 1)
                indeg[b] -= 1
                if indeg[b] == 0:
                    order.append(b)
    return layer if len(order) == n else None


def _sugiyama(
    n: int, edges: list[tuple[int, int]]
) -> tuple[list[tuple[float, int]], list[list[tuple[float, int]]]]:
    """(position within layer, layer) of each vertex, and each edge's bend points, from igraph.

    Edges spanning several layers get one dummy vertex per crossed layer, so the layout routes them
    around the boxes in between.
    """
    layers = _layers(n, edges)
    if layers is None:  # a cycle: let igraph break it, edges drawn straight
        g = igraph.Graph(n=n, edges=edges, directed=True)
        coords = g.layout_sugiyama().coords[:n]
        return [(x, round(y)) for x, y in coords], [[] for _ in edges]
    ext_edges: list[tuple[int, int]] = []
    chains: list[list[int]] = []
    ext_layers = list(layers)
    for a, b in edges:
        chain, prev = [], a
        for lay in range(layers[a] + 1, layers[b]):
            ext_layers.append(lay)
            dummy = len(ext_layers) - 1
            ext_edges.append((prev, dummy))
            chain.append(dummy)
            prev = dummy
        ext_edges.append((prev, b))
        chains.append(chain)
    g = igraph.Graph(n=len(ext_layers), edges=ext_edges, directed=True)
    coords = g.layout_sugiyama(layers=ext_layers, maxiter=200).coords
    pos = [(float(x), round(y)) for x, y in coords]
    return pos[:n], [[pos[d] for d in chain] for chain in chains]


def claim_graph(
    ids: Sequence[str],
    verdicts: Sequence[str],
    uses: Sequence[Sequence[str]],
    caption: Inlines,
    width: float = WIDTH,
) -> Graph:
    """The laid-out graph of claims ``ids`` (report order) with edges used -> user; the grid of
    unlinked claims fills rows of ``width`` units."""
    index = {cid: i for i, cid in enumerate(ids)}
    edges = sorted({(index[u], i) for i, us in enumerate(uses) for u in us if u in index and u != ids[i]})
    lines = [node_lines(cid) for cid in ids]
    widths = [max(len(s) for s in ls) * CHAR + 2 * PAD for ls in lines]
    h = max((len(ls) for ls in lines), default=1) * LINE + PAD
    linked = sorted({v for e in edges for v in e})
    w = max((widths[v] for v in linked), default=0.0)  # one width for the layered boxes
    nodes: list[GraphNode] = []
    out_edges: list[GraphEdge] = []
    top = 0.0
    if linked:
        local = {v: i for i, v in enumerate(linked)}
        pos, bends = _sugiyama(len(linked), [(local[a], local[b]) for a, b in edges])
        n_layers = max(lay for _, lay in pos) + 1
        rows = max(x for x, _ in pos) + 1  # vertices across a layer (igraph's unit spacing)
        # Layers as rows (top to bottom) unless layers as columns is narrower.
        across_rows = rows * (w + GAP_X)
        across_cols = n_layers * (w + GAP_COLUMNS)
        as_rows = across_rows <= max(across_cols, width)

        def place(p: tuple[float, int]) -> tuple[float, float]:
            x, lay = p
            if as_rows:
                return w / 2 + x * (w + GAP_X), h / 2 + lay * (h + GAP_Y)
            return w / 2 + lay * (w + GAP_COLUMNS), h / 2 + x * (h + GAP_Y / 2)

        for v, p in zip(linked, pos, strict=True):
            cx, cy = place(p)
            nodes.append(GraphNode(claim_label(ids[v]), lines[v], verdicts[v], cx, cy, w, h))
        for (a, b), bend in zip(edges, bends, strict=True):
            pa, pb = place(pos[local[a]]), place(pos[local[b]])
            start = (pa[0], pa[1] + h / 2) if as_rows else (pa[0] + w / 2, pa[1])
            end = (pb[0], pb[1] - h / 2) if as_rows else (pb[0] - w / 2, pb[1])
            out_edges.append(GraphEdge((start, *(place(q) for q in bend), end)))
        top = max(n.y + h / 2 for n in nodes) + GAP_Y
    # The other claims fill rows left to right, each box as wide as its text.
    right = max([width, *(n.x + n.w / 2 for n in nodes)])
    x, y = 0.0, top
    for i in (i for i in range(len(ids)) if i not in set(linked)):
        if x > 0 and x + widths[i] > right:
            x, y = 0.0, y + h + GRID_GAP
        nodes.append(
            GraphNode(claim_label(ids[i]), lines[i], verdicts[i], x + widths[i] / 2, y + h / 2, widths[i], h)
        )
        x += widths[i] + GRID_GAP
    right = max((n.x + n.w / 2 for n in nodes), default=width)
    bottom = max((n.y + n.h / 2 for n in nodes), default=h)
    return Graph(tuple(nodes), tuple(out_edges), round(right, 1), round(bottom, 1), caption)
