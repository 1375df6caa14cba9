"""Run claims: decide each one from scratch, with progress and timings."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ska_theory.claims import cache
from ska_theory.claims.model import Claim, Context, Outcome
from ska_theory.runs.cache import default_cache_dir
from ska_theory.symbolic.theory import PAPER

Progress = Callable[[Claim, int, int], None]

# Why numeric claims are not run under another theory: the network engine implements the paper's.
NUMERIC_UNDER_THEORY = (
    "numeric claims run under the paper theory only: the simulations integrate the paper's network "
    "(σ, bits, the paper's sign of ∇_z H)"
)


class Decided(NamedTuple):
    """One claim's outcome and the seconds it took."""

    claim: Claim
    outcome: Outcome
    seconds: float


def stderr_progress(c: Claim, i: int, n: int) -> None:
    print(f"[{i + 1}/{n}] {c.id} ...", file=sys.stderr, flush=True)


def applicable(claims: Sequence[Claim], ctx: Context) -> tuple[list[Claim], list[Claim]]:
    """(claims decided under ``ctx.theory``, claims skipped): numeric ones only run under the paper's."""
    if ctx.theory.fingerprint() == PAPER.fingerprint():
        return list(claims), []
    return [c for c in claims if c.kind == "symbolic"], [c for c in claims if c.kind != "symbolic"]


def evaluate(claims: Sequence[Claim], ctx: Context, progress: Progress | None = None) -> list[Decided]:
    """Decide every claim in order (an exception in one is that claim's ``undecided``, never the run's)."""
    out = []
    for i, c in enumerate(claims):
        if progress is not None:
            progress(c, i, len(claims))
        t0 = time.perf_counter()
        o = cache.decide(c, ctx, default_cache_dir() if ctx.use_cache else None)
        out.append(Decided(c, o, time.perf_counter() - t0))
    return out
