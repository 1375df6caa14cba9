"""The two kinds of evidence a derivation produces: named steps and independent numeric witnesses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Step:
    """One derivation step: an expression or equation and the one-line reason it follows.

    ``tool`` names the SymPy/mpmath routine that produced it (kept in the JSON, not in the report's prose).
    """

    expr: sp.Basic
    justification: str
    tool: str = ""


@dataclass(frozen=True)
class Witness:
    """Second, independent numeric witness of a symbolic result (mpmath, high precision)."""

    description: str
    digits: int
    n_points: int
    seed: int
    domain: Mapping[str, tuple[float, float]]
    max_abs_residual: float
    max_rel_residual: float
    tolerance: float
    # The point of largest residual; a counterexample when ``agrees`` is False.
    worst_point: Mapping[str, float]

    @property
    def agrees(self) -> bool:
        return self.max_rel_residual <= self.tolerance
