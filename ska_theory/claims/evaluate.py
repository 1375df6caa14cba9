"""Run claims: decide each one from scratch, with progress and timings."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence

from ska_theory.claims.model import Claim, Context, Outcome

Progress = Callable[[Claim, int, int], None]


def stderr_progress(c: Claim, i: int, n: int) -> None:
    print(f"[{i + 1}/{n}] {c.id} ...", file=sys.stderr, flush=True)


def evaluate(
    claims: Sequence[Claim], ctx: Context, progress: Progress | None = None
) -> list[tuple[Claim, Outcome, float]]:
    """Decide every claim in order; returns (claim, outcome, seconds)."""
    out = []
    for i, c in enumerate(claims):
        if progress is not None:
            progress(c, i, len(claims))
        t0 = time.perf_counter()
        o = c.decide(ctx)
        out.append((c, o, time.perf_counter() - t0))
    return out
