"""The committed record of verdicts (``reports/claims.json``) and its JSON form."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ska_theory.claims.model import Claim, Outcome, Robustness, Witness, expr_text, steps_text
from ska_theory.errors import UsageError
from ska_theory.symbolic.theory import PAPER, Theory

DEFAULT_RECORD = Path("reports/claims.json")


def _plain(x: Any) -> Any:
    """Numpy scalars/arrays and tuples to JSON-ready values; non-finite floats to strings."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return _plain(x.tolist())
    if isinstance(x, np.generic):
        return _plain(x.item())
    if isinstance(x, float):
        return x if math.isfinite(x) else str(x)
    return x


SIGNIFICANT = 6  # digits every float of claims.json keeps: BLAS differences between CPUs stay below them


def round_floats(data: Any, digits: int = SIGNIFICANT) -> Any:
    """``data`` (JSON-ready) with every float rounded to ``digits`` significant digits."""
    if isinstance(data, float):
        return float(format(data, f".{digits}g")) if math.isfinite(data) else data
    if isinstance(data, dict):
        return {k: round_floats(v, digits) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [round_floats(v, digits) for v in data]
    return data


def witness_json(w: Witness) -> dict[str, Any]:
    return {
        "description": w.description,
        "digits": w.digits,
        "n_points": w.n_points,
        "seed": w.seed,
        "domain": {k: list(v) for k, v in w.domain.items()},
        "max_abs_residual": w.max_abs_residual,
        "max_rel_residual": w.max_rel_residual,
        "tolerance": w.tolerance,
        "agrees": w.agrees,
        "worst_point": dict(w.worst_point),
    }


def claim_json(c: Claim, o: Outcome) -> dict[str, Any]:
    """One claim's record; every key is documented in the README ("claims.json")."""
    return _plain(
        {
            "id": c.id,
            "title": c.title,
            "source": {"paper": c.source.paper, "where": c.source.where, "quote": c.source.quote},
            "kind": c.kind,
            "uses": list(c.uses),
            "statement": expr_text(c.statement),
            "verdict": str(o.verdict),
            "undecided_step": o.step,
            "conditions": list(o.conditions),
            "summary": o.summary,
            "meaning": o.meaning,
            "robustness": None if o.robustness is None else robustness_json(o.robustness),
            "evidence": {
                "key_numbers": [dataclasses.asdict(k) for k in o.evidence.key_numbers],
                "steps": steps_text(o.evidence.steps),
                "witnesses": [witness_json(w) for w in o.evidence.witnesses],
                "figures": o.evidence.figures,
                "counterexample": o.evidence.counterexample,
                "plots": [p.name for p in o.evidence.plots],
            },
        }
    )


def robustness_json(r: Robustness) -> dict[str, Any]:
    return {
        "decided_on": r.decided_on,
        "value": r.value,
        "tolerance": r.tolerance,
        "flips_at": r.flips_at,
        "seeds": list(r.seeds) if r.seeds else None,
        "agree": r.agree,
        "note": r.note,
    }


def claims_document(
    results: Sequence[tuple[Claim, Outcome]],
    provenance: dict[str, Any],
    mode: str,
    theory: Theory = PAPER,
    matrix: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The claims JSON; with the recorded mutation ``matrix``, each symbolic claim also says which
    definitions its verdict depends on (the built-in theories under which it differs from the paper's)."""
    rows = {r["id"]: r for r in (matrix or {}).get("claims", [])}
    claims = [claim_json(c, o) for c, o in results]
    for doc in claims:
        if doc["id"] in rows:
            doc["theory_dependence"] = {k: rows[doc["id"]][k] for k in ("differs_under", "depends_on")}
    return round_floats(
        {
            "claims": claims,
            "mode": mode,
            "provenance": provenance,
            "theory": theory.describe(),
        }
    )


def load_recorded(path: Path) -> dict[str, str]:
    """id -> verdict from a claims document; a missing file records nothing."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {c["id"]: c["verdict"] for c in data["claims"]}
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise UsageError(f"recorded verdicts {str(path)!r} are not a claims document: {e}") from e


@dataclass(frozen=True)
class Change:
    id: str
    recorded: str | None
    computed: str

    def __str__(self) -> str:
        was = self.recorded if self.recorded is not None else "(not recorded)"
        return f"{self.id}: recorded {was}, computed {self.computed}"


def compare(recorded: dict[str, str], computed: Sequence[tuple[Claim, Outcome]]) -> list[Change]:
    """Claims whose computed verdict differs from the recorded one (or is not recorded at all)."""
    return [
        Change(c.id, recorded.get(c.id), str(o.verdict))
        for c, o in computed
        if recorded.get(c.id) != str(o.verdict)
    ]


def merge_record(old_path: Path, new_doc: dict[str, Any]) -> dict[str, Any]:
    """Keep recorded claims that were not recomputed (``--only``), replace the recomputed ones."""
    if not old_path.exists():
        return new_doc
    old = json.loads(old_path.read_text(encoding="utf-8"))
    fresh = {c["id"] for c in new_doc["claims"]}
    kept = [c for c in old.get("claims", []) if c["id"] not in fresh]
    merged = dict(new_doc)
    merged["claims"] = kept + new_doc["claims"]
    return merged
