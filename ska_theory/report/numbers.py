"""Numbers as the reports write them: 6 significant digits, a true minus sign, no ``nan``/``None``.

Six significant digits is what the verdicts' tolerances justify; it also keeps rounding differences
between BLAS builds (last bits of a float) out of the files, so regenerated reports are byte-identical.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ska_theory.claims.record import SIGNIFICANT  # one rounding for claims.json and documents

MINUS = "−"
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fmt_number(x: Any) -> str:
    """A value of the evidence as text: 6 significant digits, 1.5 × 10⁻⁷ for very small or large,
    "yes"/"no", "—" for a missing value and "undefined" for NaN."""
    if isinstance(x, np.generic):
        x = x.item()
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x).replace("-", MINUS)
    if isinstance(x, float):
        return _fmt_float(x)
    return str(x)


def _fmt_float(x: float) -> str:
    if math.isnan(x):
        return "undefined"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    if x == 0:
        return "0"  # also -0.0
    sign = MINUS if x < 0 else ""
    if 1e-4 <= abs(x) < 1e6:
        return sign + format(abs(x), f".{SIGNIFICANT}g")
    mantissa, _, exponent = format(abs(x), f".{SIGNIFICANT - 1}e").partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return sign + (power if mantissa == "1" else f"{mantissa} × {power}")


def parse_number(text: str) -> float:
    """Inverse of :func:`fmt_number` for finite numbers (tests and tools reading the documents)."""
    text = text.replace(MINUS, "-")
    if any(c in text for c in "⁰¹²³⁴⁵⁶⁷⁸⁹"):
        mantissa, _, power = text.rpartition("10")
        exponent = int(power.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")))
        m = mantissa.replace("×", "").strip()
        return float(f"{m + '1' if m in ('', '-') else m}e{exponent}")
    return float(text)


def fmt_residual(x: float) -> str:
    """A residual: 0, or two significant digits."""
    if x == 0:
        return "0"
    mantissa, _, exponent = format(x, ".1e").partition("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return (power if mantissa == "1.0" else f"{mantissa} × {power}").replace("-", MINUS)
