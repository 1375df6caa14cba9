"""The mutation matrix: every symbolic claim decided under every built-in theory.

Each built-in changes one definition of the paper's theory, so the theories under which a claim's
verdict differs from the paper's name the definitions that verdict depends on. The record is
``reports/theory-matrix.json``; ``ska-theory matrix`` recomputes it and fails on any changed cell.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ska_theory.claims.evaluate import Progress, evaluate
from ska_theory.claims.model import Claim, Context
from ska_theory.symbolic.theory import BUILTINS, PAPER, Theory, builtin

DEFAULT_MATRIX = Path("reports/theory-matrix.json")

# The definition each built-in theory changes with respect to the paper's.
CHANGES: dict[str, str] = {"code-sign": "gradient_sign", "nats": "entropy_unit", "tempered": "activation"}


def theories() -> list[Theory]:
    """The built-in theories, the paper's first."""
    return [builtin(name) for name in BUILTINS]


def decide_matrix(
    claims: Sequence[Claim], use_cache: bool = True, progress: Progress | None = None
) -> dict[str, Any]:
    """The matrix document: the theories and, per symbolic claim, its verdict under each."""
    symbolic = [c for c in claims if c.kind == "symbolic"]
    ths = theories()
    cells: dict[str, dict[str, str]] = {c.id: {} for c in symbolic}
    for th in ths:
        for r in evaluate(symbolic, Context(theory=th, use_cache=use_cache), progress):
            cells[r.claim.id][th.name] = str(r.outcome.verdict)
    rows = []
    for c in symbolic:
        differs = [th.name for th in ths if cells[c.id][th.name] != cells[c.id][PAPER.name]]
        rows.append(
            {
                "id": c.id,
                "verdicts": cells[c.id],
                "differs_under": differs,
                "depends_on": [CHANGES[n] for n in differs if n in CHANGES],
            }
        )
    return {"theories": [th.describe() for th in ths], "claims": rows}


def load_matrix(path: Path) -> dict[str, Any] | None:
    """A recorded matrix, or None when there is none."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def changed_cells(recorded: dict[str, Any] | None, computed: dict[str, Any]) -> list[str]:
    """One line per cell (claim × theory) whose verdict differs from the record, or that is not recorded."""
    old = {r["id"]: r["verdicts"] for r in (recorded or {}).get("claims", [])}
    out = []
    for row in computed["claims"]:
        for name, verdict in row["verdicts"].items():
            was = old.get(row["id"], {}).get(name)
            if was != verdict:
                out.append(
                    f"{row['id']} under {name}: recorded {was or '(not recorded)'}, computed {verdict}"
                )
    return out
