"""Claims engine: claim/verdict model, discovery, evaluation and the recorded verdicts."""

from ska_theory.claims.model import (
    Claim,
    Context,
    Evidence,
    Figure,
    Outcome,
    Source,
    Step,
    Verdict,
    Witness,
    claim,
)

__all__ = [
    "Claim",
    "Context",
    "Evidence",
    "Figure",
    "Outcome",
    "Source",
    "Step",
    "Verdict",
    "Witness",
    "claim",
]
