"""The two kinds of evidence a derivation produces: named steps and independent numeric witnesses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.operations import AssocOp


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


# --- storing expressions exactly ------------------------------------------------------------------
# Pickling a SymPy expression rebuilds it through its constructors, which evaluate (an unevaluated 2·3
# comes back as 6, Eq(x, x) as True). A frozen expression is its tree; thawing rebuilds every node as
# it was, so a stored derivation prints exactly as the fresh one.

Frozen = tuple[Any, ...]


def freeze(e: Any) -> Frozen:
    """The expression tree of ``e`` as nested tuples of classes and atoms (picklable)."""
    if not isinstance(e, sp.Basic) or e.is_Atom or not e.args:
        return ("atom", e)
    return ("node", e.func, tuple(freeze(a) for a in e.args))


def thaw(d: Frozen) -> Any:
    """Rebuild the expression :func:`freeze` recorded, node for node."""
    if d[0] == "atom":
        return d[1]
    cls, args = d[1], tuple(thaw(a) for a in d[2])
    if issubclass(cls, AssocOp):
        return cls._from_args(args)
    for kwargs in ({"evaluate": False}, {}):
        try:
            obj = cls(*args, **kwargs)
        except (TypeError, ValueError):
            continue
        if obj.func is cls and obj.args == args:
            return obj
    obj = sp.Basic.__new__(cls, *args)
    if issubclass(cls, sp.Pow):
        obj.is_commutative = all(a.is_commutative for a in args)
    return obj
