"""The coverage index (``proofs/coverage.toml``): every checkable sentence of the four texts and its claim.

Schema, one ``[[entry]]`` per sentence (or per section that makes no checkable statement)::

    [[entry]]
    text = "SKA-2"              # a key of ska_theory.claims.sources.TEXTS
    section = "§2.1.2"          # where in the text, as the text numbers it
    quote = "..."               # the sentence, shortened ("" for a section with no such sentence)
    claim = "time.invariance"   # the claim id that decides it, or instead:
    # not_a_claim = "rhetoric"  # why it is not checked: rhetoric, analogy, future work, definition...

Exactly one of ``claim`` and ``not_a_claim`` per entry.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

COVERAGE_FILE = "coverage.toml"
KEYS = ("text", "section", "quote", "claim", "not_a_claim")


@dataclass(frozen=True)
class CoverageEntry:
    text: str
    section: str
    quote: str
    claim: str | None
    not_a_claim: str | None


def parse_coverage(doc: dict[str, object]) -> list[CoverageEntry]:
    """Entries of a parsed coverage document; ValueError naming the entry and key that is wrong."""
    entries = doc.get("entry", [])
    if set(doc) - {"entry"} or not isinstance(entries, list):
        raise ValueError("coverage: the document holds only [[entry]] tables")
    out = []
    for i, e in enumerate(entries, start=1):
        if not isinstance(e, dict):
            raise ValueError(f"coverage entry {i}: not a table")
        unknown = set(e) - set(KEYS)
        if unknown:
            raise ValueError(f"coverage entry {i}: unknown key {sorted(unknown)[0]!r}")
        if ("claim" in e) == ("not_a_claim" in e):
            raise ValueError(f"coverage entry {i}: needs exactly one of 'claim' and 'not_a_claim'")
        for key in ("text", "section"):
            if not isinstance(e.get(key), str) or not e[key]:
                raise ValueError(f"coverage entry {i}: '{key}' must be a non-empty string")
        out.append(
            CoverageEntry(
                str(e["text"]),
                str(e["section"]),
                str(e.get("quote", "")),
                e.get("claim"),
                e.get("not_a_claim"),
            )
        )
    return out


def load_coverage() -> list[CoverageEntry]:
    """The committed index, from the installed ``ska_theory.proofs`` package."""
    text = (resources.files("ska_theory.proofs") / COVERAGE_FILE).read_text(encoding="utf-8")
    return parse_coverage(tomllib.loads(text))


def coverage_problems(entries: Iterable[CoverageEntry], claim_ids: Iterable[str]) -> list[str]:
    """Listed ids that are no claim, and claims the index never lists (empty when consistent)."""
    entries, ids = list(entries), set(claim_ids)
    listed = {e.claim for e in entries if e.claim is not None}
    return [f"{cid}: listed in the coverage index but no such claim" for cid in sorted(listed - ids)] + [
        f"{cid}: a claim the coverage index does not list" for cid in sorted(ids - listed)
    ]
