"""Deterministic matplotlib figures as SVG text, for :class:`ska_theory.claims.model.Figure`.

Same figure, same bytes: the SVG id hash salt is fixed, the date is dropped, and text is drawn as
glyph paths (fonts shipped with matplotlib), so no viewer font changes how a figure looks.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure


def svg_figure(fig: Figure, *, close: bool = True) -> str:
    """The SVG text of ``fig`` (closed afterwards unless ``close=False``)."""
    buf = io.StringIO()
    with matplotlib.rc_context(
        {"svg.hashsalt": "ska-theory", "svg.fonttype": "path", "svg.image_inline": True}
    ):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    if close:
        plt.close(fig)
    return buf.getvalue()
