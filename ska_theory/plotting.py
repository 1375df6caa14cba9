"""The figures' style, and deterministic matplotlib figures as SVG text for the reports.

:func:`svg_figure` is all a study needs: whatever the figure was drawn with, the SVG it returns has

- selectable, searchable text (``svg.fonttype = "none"``) in a sans-serif font stack;
- legends at least as large as the tick labels, taken out of the data: one legend below the panels
  (labels shared by several panels appear once);
- plotted values rounded to 6 significant digits and a fixed id salt and no date, so the same data give
  the same bytes (BLAS rounding in the last bits of a result does not change a file);
- for three or more panels side by side, a second layout with two panels per row, for narrow screens
  (:class:`SvgText` ``.narrow``; the HTML report shows it below 600 px).

:func:`plotted_series` lists what a figure shows, so captions can be generated from the figure itself.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

FONT_STACK = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif")
TICK_SIZE = 9.0  # points; legends are never smaller
NARROW_PANEL_WIDTH = 2.3  # inches per panel in the two-column (narrow-screen) layout
SIGNIFICANT = 6

STYLE: dict[Any, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_STACK[0]],
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "legend.fontsize": TICK_SIZE,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.4,
}
_SAVE: dict[Any, Any] = {"svg.hashsalt": "ska-theory", "svg.fonttype": "none", "svg.image_inline": True}
_CSS_FONT = ", ".join(f"'{f}'" if " " in f else f for f in FONT_STACK)


class SvgText(str):
    """SVG text of a figure; ``narrow``: its narrow-screen layout (two panels per row), when it has
    one; ``outlines``: the same figure with its text drawn as glyph outlines, for renderers without the
    font stack (Typst with its embedded fonts only), so the text sits where matplotlib measured it."""

    narrow: str | None = None
    outlines: str | None = None


@contextmanager
def figure_style() -> Iterator[None]:
    """The report's figure style (fonts, sizes, spines) for figures drawn inside the block."""
    with matplotlib.rc_context(STYLE):
        yield


def plotted_series(fig: Figure) -> dict[str, list[str]]:
    """What ``fig`` shows, for a caption generated from the figure: panel titles and series labels."""
    panels = [ax.get_title() for ax in fig.axes if ax.get_title()]
    series: list[str] = []
    for ax in fig.axes:
        for label in ax.get_legend_handles_labels()[1] + _legend_labels(ax.get_legend()):
            if label not in series and not label.startswith("_"):
                series.append(label)
    return {"panels": panels, "series": series}


def _legend_labels(legend: Legend | None) -> list[str]:
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def _round(values: np.ndarray) -> np.ndarray:
    """Values to :data:`SIGNIFICANT` significant digits (NaN and ±inf kept)."""
    a = np.asarray(values, dtype=float)
    out = a.copy()
    finite = np.isfinite(a) & (a != 0)
    mag = np.floor(np.log10(np.abs(a[finite])))
    scale = 10.0 ** (SIGNIFICANT - 1 - mag)
    out[finite] = np.round(a[finite] * scale) / scale
    return out


def _round_data(fig: Figure) -> None:
    """Round what is plotted, so last-bit differences of the data do not reach the SVG's coordinates."""
    for artist in fig.findobj():
        if isinstance(artist, Line2D):
            x, y = artist.get_data()
            if np.asarray(x).dtype.kind in "fiu" and np.asarray(y).dtype.kind in "fiu":
                artist.set_data(_round(np.asarray(x)), _round(np.asarray(y)))
        elif isinstance(artist, Rectangle) and artist.axes is not None and artist is not artist.axes.patch:
            x, y, w, h = (float(v) for v in _round(np.array(artist.get_bbox().bounds)))
            artist.set_bounds(x, y, w, h)
        elif isinstance(artist, Collection):
            offsets = np.asarray(artist.get_offsets())
            if offsets.size:
                artist.set_offsets(_round(offsets))


def _style_text(fig: Figure) -> None:
    """Measure every text with DejaVu Sans (shipped with matplotlib, so layout is the same everywhere);
    the SVG names the whole stack."""
    for text in fig.findobj(Text):
        text.set_fontfamily(FONT_STACK[0])


LegendSpec = tuple[list[Any], list[str], float]


def _take_legends(fig: Figure) -> LegendSpec:
    """Remove every axes legend; the labelled series of all panels (each label once) and the font size.

    A figure with any legend gets every labelled series in its one legend, also those of panels the
    study left without a legend (the same label in several panels appears once).
    """
    legends = [ax.get_legend() for ax in fig.axes]
    ticks = [
        float(t.get_fontsize()) for ax in fig.axes for t in (*ax.get_xticklabels(), *ax.get_yticklabels())
    ]
    size = max([TICK_SIZE, *ticks])
    handles: dict[str, Any] = {}
    if any(legend is not None for legend in legends):
        for ax, legend in zip(fig.axes, legends, strict=True):
            if legend is not None:
                size = max(size, max((float(t.get_fontsize()) for t in legend.get_texts()), default=size))
                pairs = list(zip(legend.legend_handles, _legend_labels(legend), strict=False))
                legend.remove()
            else:
                hs, ls = ax.get_legend_handles_labels()
                pairs = list(zip(hs, ls, strict=True))
            for handle, label in pairs:
                if not label.startswith("_"):
                    handles.setdefault(label, handle)
    for legend in fig.legends:  # a study's own figure legend stays, at least tick-label size
        for t in legend.get_texts():
            t.set_fontsize(max(t.get_fontsize(), size))
    return list(handles.values()), list(handles), size


def _place_legend(fig: Figure, spec: LegendSpec) -> Legend | None:
    """One legend centred below the panels, outside the data."""
    handles, labels, size = spec
    if not handles:
        return None
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    bottom = min(b.y0 for b in boxes if b is not None) / (fig.bbox.height or 1.0)
    return fig.legend(  # type: ignore[call-overload,no-any-return]
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, bottom - 0.01),
        ncols=min(len(handles), 4),
        fontsize=size,
        frameon=False,
    )


def _svg_text(fig: Figure, *, outlines: bool = False) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context({**_SAVE, "svg.fonttype": "path" if outlines else "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    # Name the whole font stack, not only the font matplotlib measured with.
    svg = re.sub(r"font-family:[^;\"]*", f"font-family: {_CSS_FONT}", buf.getvalue())
    return _COORDINATES.sub(_short_coordinates, svg)


# Geometry attributes, whose numbers are written to 0.01 px (matplotlib writes 6 decimals): a third
# of the size, the same picture. Text content is left alone.
_COORDINATES = re.compile(r'\b(d|points|transform|x|y|x1|x2|y1|y2|width|height|cx|cy|r|viewBox)="([^"]*)"')
_DECIMAL = re.compile(r"-?\d+\.\d{3,}")


def _short_coordinates(m: re.Match[str]) -> str:
    def short(n: re.Match[str]) -> str:
        text = f"{float(n.group(0)):.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text

    return f'{m.group(1)}="{_DECIMAL.sub(short, m.group(2))}"'


def _single_row(fig: Figure) -> list[Axes] | None:
    """The panels of a figure laid out in one or two rows of three or more, else None."""
    axes = [ax for ax in fig.axes if ax.get_subplotspec() is not None]
    if len(axes) < 3 or len(axes) != len(fig.axes):
        return None
    grid = axes[0].get_subplotspec().get_gridspec()  # type: ignore[union-attr]
    nrows, ncols = grid.get_geometry()
    return axes if ncols >= 3 and nrows <= 2 else None


def _regrid(fig: Figure, axes: list[Axes]) -> None:
    """Lay the panels out two per row, keeping each panel's size."""
    nrows, ncols = axes[0].get_subplotspec().get_gridspec().get_geometry()  # type: ignore[union-attr]
    w, h = fig.get_size_inches()
    rows = math.ceil(len(axes) / 2)
    grid = GridSpec(rows, 2, figure=fig)
    for i, ax in enumerate(axes):
        ax.set_subplotspec(grid[i // 2, i % 2])
    # Smaller panels than the wide layout's, so the text is larger relative to a phone's width.
    pw, ph = w / ncols, h / nrows
    scale = min(1.0, NARROW_PANEL_WIDTH / pw)
    fig.set_size_inches(2 * pw * scale + 0.4, rows * ph * scale + 0.2)
    fig.tight_layout()


def svg_figure(fig: Figure, *, close: bool = True) -> SvgText:
    """The SVG text of ``fig`` in the report's style (module docstring); closed unless ``close=False``."""
    _style_text(fig)
    _round_data(fig)
    spec = _take_legends(fig)
    legend = _place_legend(fig, spec)
    out = SvgText(_svg_text(fig))
    out.outlines = _svg_text(fig, outlines=True)
    panels = _single_row(fig) if close else None  # the narrow layout rearranges the figure
    if panels is not None:
        if legend is not None:
            legend.remove()
        _regrid(fig, panels)
        _place_legend(fig, spec)
        out.narrow = _svg_text(fig)
    if close:
        plt.close(fig)
    return out
