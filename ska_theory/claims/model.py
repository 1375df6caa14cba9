"""Claims and verdicts: what a paper says, and what the toolkit computed about it.

A :class:`Claim` is inert data plus a ``decide`` function; calling :meth:`Claim.decide` recomputes the
:class:`Outcome` from scratch (no verdict is ever read from a file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

import sympy as sp

Kind = Literal["symbolic", "numeric"]
Mode = Literal["quick", "full"]


class Verdict(StrEnum):
    """The closed set of verdicts a claim can receive."""

    HOLDS = "holds"
    HOLDS_UNDER_CONDITIONS = "holds-under-conditions"
    # A true identity satisfied by every path, so its stated interpretation does not follow.
    HOLDS_VACUOUSLY = "holds-vacuously"
    FAILS = "fails"
    SUPPORTED = "supported"
    NOT_SUPPORTED = "not-supported"


@dataclass(frozen=True)
class Source:
    """Where a claim is made: paper key (``SKA-2``, ``essay-1``...), equation/section, short quote."""

    paper: str
    where: str
    quote: str = ""

    def __str__(self) -> str:
        return f"{self.paper} {self.where}"


@dataclass(frozen=True)
class Step:
    """One derivation step: an expression or equation and the one-line reason it follows."""

    expr: sp.Basic
    justification: str


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


@dataclass(frozen=True)
class Figure:
    """A figure for the report: SVG text (deterministic) and a caption."""

    name: str
    caption: str
    svg: str


@dataclass
class Evidence:
    """Everything a verdict was decided on."""

    steps: list[Step] = field(default_factory=list)
    witnesses: list[Witness] = field(default_factory=list)
    # Numbers the verdict was decided on (errors, orders, times, accuracies), JSON-serialisable.
    figures: dict[str, Any] = field(default_factory=dict)
    counterexample: dict[str, Any] | None = None
    plots: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """Run settings a claim may consult (numeric claims); symbolic claims ignore it."""

    mode: Mode = "quick"
    use_cache: bool = True
    progress: bool = False


@dataclass
class Outcome:
    """The computed result of a claim: verdict, one-line summary, conditions, evidence."""

    verdict: Verdict
    summary: str
    conditions: list[str] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)


@dataclass(frozen=True)
class Claim:
    """A paper's claim and the function that decides it."""

    id: str
    source: Source
    statement: sp.Basic | str
    kind: Kind
    decide_fn: Callable[[Context], Outcome]
    title: str = ""

    def decide(self, ctx: Context | None = None) -> Outcome:
        """Compute the verdict from scratch."""
        outcome = self.decide_fn(ctx or Context())
        if self.kind == "symbolic" and outcome.verdict in (
            Verdict.SUPPORTED,
            Verdict.NOT_SUPPORTED,
        ):
            raise ValueError(f"{self.id}: symbolic claims cannot be {outcome.verdict}")
        if self.kind == "numeric" and outcome.verdict is Verdict.HOLDS_VACUOUSLY:
            raise ValueError(f"{self.id}: numeric claims cannot be {outcome.verdict}")
        return outcome


def claim(
    id: str,
    *,
    source: Source,
    statement: sp.Basic | str,
    kind: Kind = "symbolic",
    title: str = "",
    into: list[Claim] | None = None,
) -> Callable[[Callable[[Context], Outcome]], Claim]:
    """Decorator turning ``decide(ctx) -> Outcome`` into a :class:`Claim` (appended to ``into``)."""

    def wrap(fn: Callable[[Context], Outcome]) -> Claim:
        c = Claim(id=id, source=source, statement=statement, kind=kind, decide_fn=fn, title=title)
        if into is not None:
            into.append(c)
        return c

    return wrap


def expr_text(e: sp.Basic | str) -> str:
    """Plain-text rendering used in JSON and tables."""
    return e if isinstance(e, str) else sp.sstr(e)


def expr_latex(e: sp.Basic | str) -> str:
    return e if isinstance(e, str) else sp.latex(e)


def steps_text(steps: Sequence[Step]) -> list[dict[str, str]]:
    return [{"expr": expr_text(s.expr), "latex": expr_latex(s.expr), "why": s.justification} for s in steps]
