"""Claims engine: claim/verdict model, discovery, evaluation and the recorded verdicts."""

from ska_theory.claims.model import (
    Claim,
    Context,
    Evidence,
    Figure,
    KeyNumber,
    Outcome,
    Robustness,
    Source,
    Step,
    Verdict,
    Witness,
    claim,
    undecided,
)

__all__ = [
    "Claim",
    "Context",
    "Evidence",
    "Figure",
    "KeyNumber",
    "Outcome",
    "Robustness",
    "Source",
    "Step",
    "Verdict",
    "Witness",
    "claim",
    "undecided",
]
