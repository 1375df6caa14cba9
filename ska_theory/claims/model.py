"""Claims and verdicts: what a paper says, and what the toolkit computed about it.

A :class:`Claim` is inert data plus a ``decide`` function; calling :meth:`Claim.decide` recomputes the
:class:`Outcome` from scratch (no verdict is ever read from a file).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import sympy as sp

from ska_theory.symbolic.derivation import Derivation, StepFailed
from ska_theory.symbolic.steps import Step, Witness
from ska_theory.symbolic.theory import PAPER, Theory

Kind = Literal["symbolic", "numeric"]
Mode = Literal["quick", "full"]


class Verdict(StrEnum):
    """The closed set of verdicts a claim can receive."""

    HOLDS = "holds"
    HOLDS_UNDER_CONDITIONS = "holds-under-conditions"
    # A true identity satisfied by every path, so its stated interpretation does not follow.
    HOLDS_VACUOUSLY = "holds-vacuously"
    # A counterexample to the paper's statement under the theory (never a failure of the toolkit's own step).
    FAILS = "fails"
    SUPPORTED = "supported"
    NOT_SUPPORTED = "not-supported"
    # The statement cannot be checked: something it needs is undefined (the reason names what).
    NOT_CHECKABLE = "not-checkable"
    # The toolkit could not decide: one of its own steps did not verify, could not be solved, or raised.
    UNDECIDED = "undecided"


SYMBOLIC_VERDICTS = frozenset(
    {
        Verdict.HOLDS,
        Verdict.HOLDS_UNDER_CONDITIONS,
        Verdict.HOLDS_VACUOUSLY,
        Verdict.FAILS,
        Verdict.NOT_CHECKABLE,
        Verdict.UNDECIDED,
    }
)
# A numeric study can also establish or refute an exact statement (e.g. a byte count); only the
# "true for every path" reading is reserved for symbolic identities.
NUMERIC_VERDICTS = frozenset(Verdict) - {Verdict.HOLDS_VACUOUSLY}


@dataclass(frozen=True)
class Source:
    """Where a claim is made: paper key (``SKA-2``, ``essay-1``...), equation/section, short quote."""

    paper: str
    where: str
    quote: str = ""

    def __str__(self) -> str:
        return f"{self.paper} {self.where}"


@dataclass(frozen=True)
class Figure:
    """A figure for the report: SVG text (deterministic) and a caption."""

    name: str
    caption: str
    svg: str


@dataclass(frozen=True)
class KeyNumber:
    """One curated number a verdict was decided on, for the report's short table.

    ``label`` is for a human ("layer 1 peak", "distance to the flow"); ``group`` names the row's
    series (a variant, a layer...); ``paper`` is the value the paper states, when it states one.
    """

    label: str
    value: float | int | str | bool
    unit: str = ""
    paper: float | int | str | None = None
    group: str = ""


@dataclass(frozen=True)
class Robustness:
    """How close a numeric verdict came to the other answer (issue: numeric verdicts state their margin).

    ``decided_on`` names the deciding figure, ``value`` is its value and ``tolerance`` the threshold it
    was compared with; ``flips_at`` is the tolerance (or threshold) at which the verdict would change.
    In full mode ``seeds`` lists the initial-weight seeds run and ``agree`` how many gave this verdict.
    """

    decided_on: str
    value: float
    tolerance: float
    flips_at: float | None
    seeds: tuple[str, ...] = ()
    agree: int | None = None
    note: str = ""


@dataclass
class Evidence:
    """Everything a verdict was decided on."""

    steps: list[Step] = field(default_factory=list)
    witnesses: list[Witness] = field(default_factory=list)
    # Numbers the verdict was decided on (errors, orders, times, accuracies), JSON-serialisable.
    figures: dict[str, Any] = field(default_factory=dict)
    counterexample: dict[str, Any] | None = None
    plots: list[Figure] = field(default_factory=list)
    # The few numbers a reader needs, with labels and units (the report shows these, not ``figures``).
    key_numbers: list[KeyNumber] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """Run settings: the theory symbolic claims are derived under, and numeric claims' mode and cache."""

    mode: Mode = "quick"
    use_cache: bool = True
    progress: bool = False
    theory: Theory = PAPER
    # Seconds one symbolic claim may take before it is undecided (the slowest paper claim takes ~10 s):
    # an activation no one tried can send SymPy or mpmath into a computation that does not return.
    budget: float | None = 300.0


@dataclass
class Outcome:
    """The computed result of a claim: verdict, one-line summary, conditions, evidence.

    ``meaning`` is one plain-language sentence saying what the verdict means for the paper;
    ``robustness`` (numeric claims) how close the verdict came to the other answer; ``step`` (undecided
    verdicts) the toolkit's step that did not go through.
    """

    verdict: Verdict
    summary: str
    conditions: list[str] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)
    meaning: str = ""
    robustness: Robustness | None = None
    step: str | None = None


def evidence_of(d: Derivation, **extra: Any) -> Evidence:
    """The evidence a derivation collected (steps, witnesses, raw numbers), plus ``extra`` fields."""
    return Evidence(steps=list(d.steps), witnesses=list(d.witnesses), figures=dict(d.figures), **extra)


def undecided(step: str, why: str, evidence: Evidence | None = None) -> Outcome:
    """The toolkit could not decide: ``step`` names its own step that did not go through, ``why`` says how."""
    return Outcome(
        Verdict.UNDECIDED,
        f"undecided at step '{step}': {why}",
        evidence=evidence or Evidence(),
        step=step,
    )


@dataclass(frozen=True)
class Claim:
    """A paper's claim and the function that decides it.

    Symbolic claims are decided by ``decide_fn(theory)`` from the theory's definitions alone; numeric
    claims by ``decide_fn(ctx)`` (simulations under the paper's theory). ``uses`` lists the claims whose
    results this claim's evidence builds on (the report's claim graph).
    """

    id: str
    source: Source
    statement: sp.Basic | str
    kind: Kind
    decide_fn: Callable[[Any], Outcome]
    title: str = ""
    uses: tuple[str, ...] = ()
    module: str = ""

    def decide(self, ctx: Context | None = None) -> Outcome:
        """Compute the verdict from scratch; an exception is the toolkit's failure (``undecided``)."""
        ctx = ctx or Context()
        budget = ctx.budget if self.kind == "symbolic" else None
        try:
            with time_budget(budget):
                outcome = self.decide_fn(ctx.theory if self.kind == "symbolic" else ctx)
        except StepFailed as e:  # a step of the toolkit's own derivation did not verify
            return undecided(e.step, e.why, evidence_of(e.derivation) if e.derivation else None)
        except OverBudget as e:
            return undecided(_where(e), f"not decided within the time budget of {budget:g} s")
        except Exception as e:  # one claim's failure never aborts a run
            return undecided(_where(e), f"{type(e).__name__}: {e}")
        allowed = SYMBOLIC_VERDICTS if self.kind == "symbolic" else NUMERIC_VERDICTS
        if outcome.verdict not in allowed:
            return undecided("verdict kind", f"{self.kind} claims cannot be {outcome.verdict}")
        return outcome


class OverBudget(BaseException):
    """A claim ran past its time budget (raised inside it by the budget's timer). A BaseException, like
    KeyboardInterrupt, so that no ``except Exception`` inside a proof can swallow it."""


def _expire(signum: int, frame: object) -> None:
    raise OverBudget


_EXPIRE_CODE = _expire.__code__


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`OverBudget` inside the block after ``seconds`` (a POSIX interval timer); no budget
    when ``seconds`` is None, off the main thread, or where the platform has no ``setitimer``."""
    if (
        seconds is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(e: BaseException) -> str:
    """The innermost frame of the traceback inside the package: module:function:line."""
    tb, where = e.__traceback__, "?"
    while tb is not None:
        code = tb.tb_frame.f_code
        inside = any(part in code.co_filename for part in ("ska_theory", "/proofs/", "/sims/", "/tests/"))
        if inside and code is not _EXPIRE_CODE:  # the budget's timer is not where the claim was
            where = f"{Path(code.co_filename).stem}.{code.co_name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def claim(
    id: str,
    *,
    source: Source,
    statement: sp.Basic | str,
    kind: Kind = "symbolic",
    title: str = "",
    uses: tuple[str, ...] = (),
    into: list[Claim] | None = None,
) -> Callable[[Callable[[Any], Outcome]], Claim]:
    """Decorator turning ``decide(theory)`` (symbolic) or ``decide(ctx)`` (numeric) into a :class:`Claim`.

    The claim is appended to ``into`` (the module's ``CLAIMS``); discovery keeps definition order.
    """

    def wrap(fn: Callable[[Any], Outcome]) -> Claim:
        c = Claim(
            id=id,
            source=source,
            statement=statement,
            kind=kind,
            decide_fn=fn,
            title=title,
            uses=uses,
            module=fn.__module__,
        )
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
    return [
        {"expr": expr_text(s.expr), "latex": expr_latex(s.expr), "why": s.justification, "tool": s.tool}
        for s in steps
    ]
