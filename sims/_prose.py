"""Words and pictures for the studies' verdicts: numbers in prose, curated key numbers, figure legends.

Prose never shows a raw container, ``nan`` or ``None``: a missing time reads "not reached".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.ticker

from ska_theory.claims.model import KeyNumber

MISSING = "not reached"


def num(x: float | None, fmt: str = ".3g", missing: str = MISSING) -> str:
    """``x`` formatted, or ``missing`` ("not reached") for a missing value (None, NaN or infinite)."""
    if x is None or not math.isfinite(x):
        return missing
    text = f"{x:{fmt}}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.00"


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(exponent: int) -> str:
    """10 to an integer power, written with superscripts: 10⁻⁸."""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def sci(x: float, digits: int = 2) -> str:
    """A small or large number as '5.2 × 10⁻¹⁶' (plain digits when it needs no exponent)."""
    if x == 0 or not math.isfinite(x):
        return num(x)
    exponent = math.floor(math.log10(abs(x)))
    if -3 <= exponent < 4:
        return num(x, f".{digits}g")
    return f"{x / 10**exponent:.{digits - 1}f} × {power_of_ten(exponent)}"


def layer_list(
    values: Sequence[float | None], fmt: str = ".2f", unit: str = "", missing: str = MISSING
) -> str:
    """'layer 1 0.12, layer 2 0.34, ...' (each value followed by `` unit`` when given)."""

    def one(v: float | None) -> str:
        text = num(v, fmt, missing)
        return f"{text} {unit}" if unit and text != missing else text

    return ", ".join(f"layer {i + 1} {one(v)}" for i, v in enumerate(values))


def pct(fraction: float) -> str:
    """0.1 -> '10 %', 0.001 -> '0.1 %'."""
    return f"{100 * fraction:.3g} %"


def rounded(x: float, digits: int = 4) -> float | str:
    """``x`` to ``digits`` significant digits for a key number; "not reached" when missing or infinite."""
    if not math.isfinite(x):
        return MISSING
    return float(f"{x:.{digits}g}")


def layer_numbers(
    label: str,
    values: Sequence[float],
    unit: str = "",
    paper: Sequence[float | None] | float | None = None,
    digits: int = 4,
    series: str = "",
) -> list[KeyNumber]:
    """One key number per layer (group "layer i", or "<series>, layer i"); ``paper`` per layer or one."""
    out = []
    for i, v in enumerate(values):
        p = paper[i] if isinstance(paper, Sequence) else paper
        group = f"{series}, layer {i + 1}" if series else f"layer {i + 1}"
        out.append(KeyNumber(label, rounded(float(v), digits), unit, p, group))
    return out


def legend_below(fig: Any, axes: Any, ncol: int = 4) -> None:
    """One legend for the whole figure, below the panels (never over the data); labels from every axis."""
    seen: dict[str, Any] = {}
    for ax in getattr(axes, "flat", [axes]):
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, h)
    rows = math.ceil(len(seen) / ncol)
    # Room below the panels for the legend: about 0.3 inch per row of entries.
    fig.tight_layout(rect=(0, min(0.5, (0.2 + 0.3 * rows) / fig.get_figheight()), 1, 1))
    fig.legend(
        list(seen.values()),
        list(seen),
        loc="lower center",
        ncol=min(ncol, len(seen)),
        bbox_to_anchor=(0.5, 0.0),
        frameon=False,
    )


def count_words(n: int) -> str:
    """'three' for 3 (captions say how many series are plotted)."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def proxy_legend(ax: Any, colors: Any, markers: dict[str, str]) -> None:
    """Legend entries for a colour per layer and a marker per series, instead of one per combination."""
    for i, c in enumerate(colors):
        ax.plot([], [], color=c, lw=1.2, label=f"layer {i + 1}")
    for label, m in markers.items():
        ax.plot([], [], m, color="k", ls="none", label=label)


def log_ticks(ax: Any, values: Sequence[float]) -> None:
    """Tick a log axis at the values run, written plainly (0.005, not 5×10⁻³)."""
    ax.set_xticks(list(values), [f"{v:g}" for v in values])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
