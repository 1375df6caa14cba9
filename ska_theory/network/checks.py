"""Argument checks shared by the engines and the run configs; each raises ArgumentError naming it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ska_theory.errors import ArgumentError

# The arithmetic the engines support, by name (the only definition of the allowed dtypes).
DTYPES: dict[str, type] = {"float64": np.float64, "float32": np.float32}


def positive(name: str, value: Any) -> float:
    """A positive finite real number (bool and strings refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ArgumentError(name, value, "must be a number")
    if not (math.isfinite(value) and value > 0):
        raise ArgumentError(name, value, "must be a positive finite number")
    return float(value)


def integer(name: str, value: Any, minimum: int) -> int:
    """An integer (not a bool, not a float) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ArgumentError(name, value, "must be an integer")
    if value < minimum:
        raise ArgumentError(name, value, f"must be at least {minimum}")
    return int(value)


def choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """One of ``choices``."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ArgumentError(name, value, f"must be one of {', '.join(choices)}")
    return value


def dtype(value: Any) -> type:
    """The scalar type of a supported dtype, given as a name, a type or a ``np.dtype``."""
    try:
        scalar = np.dtype(value).type
    except TypeError:
        scalar = None
    if value is None or scalar not in DTYPES.values():
        raise ArgumentError("dtype", value, f"must be one of {', '.join(DTYPES)}")
    return scalar  # type: ignore[return-value]


def finite(name: str, A: np.ndarray) -> None:
    """Every entry of ``A`` is finite; else the first bad value and its index."""
    if not np.all(np.isfinite(A)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(A))[0])
        raise ArgumentError(name, A, f"non-finite value {A[bad]} at index {bad}", shown=f"<array {A.shape}>")
