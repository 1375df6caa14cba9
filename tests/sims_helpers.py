"""Shared checks for the numeric studies' tests: the prose rules of the report and synthetic runs."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import numpy as np
from sympy.parsing.sympy_parser import parse_expr, standard_transformations

from ska_theory.claims.model import Outcome

# Top-level relations of the report's `$...$` markup (report-interfaces.md), longest first.
RELATION = re.compile(r"<->|->|<=|>=|!=|=|<|>")
MATHS = re.compile(r"\$([^$]+)\$")
# Raw tool output a reader must never see: containers, missing values, LaTeX fragments.
FORBIDDEN = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\boo\b|\{'|\['|_\{|\^\{|\\frac|\binf\b")


def maths_segments(text: str) -> list[str]:
    return MATHS.findall(text)


def parses(segment: str) -> bool:
    """Each side of every top-level relation parses as SymPy (unknown names become symbols)."""
    try:
        for side in RELATION.split(segment):
            parse_expr(side.strip(), transformations=standard_transformations)
    except Exception:
        return False
    return True


def prose_of(outcome: Outcome, captions: bool = True) -> list[str]:
    """Every string a reader sees: summary, conditions, meaning, margin note, key-number labels, captions."""
    texts = [outcome.summary, outcome.meaning, *outcome.conditions]
    if outcome.robustness is not None:
        texts += [outcome.robustness.decided_on, outcome.robustness.note]
    ev = outcome.evidence
    texts += [k.label for k in ev.key_numbers] + [k.group for k in ev.key_numbers]
    texts += [str(k.value) for k in ev.key_numbers if isinstance(k.value, str)]
    if captions:
        texts += [p.caption for p in ev.plots]
    return texts


def prose_problems(outcome: Outcome) -> list[str]:
    """What breaks the report's prose rules: forbidden fragments, odd `$`, maths that does not parse."""
    problems = []
    for text in prose_of(outcome):
        if FORBIDDEN.search(text):
            problems.append(f"forbidden fragment in {text!r}")
        if text.count("$") % 2:
            problems.append(f"unbalanced $ in {text!r}")
        problems += [f"maths does not parse: {seg!r}" for seg in maths_segments(text) if not parses(seg)]
    return problems


def fake_run(t: np.ndarray, metrics: dict[str, np.ndarray], eta: float | None = None) -> Any:
    """A stand-in RunResult with the attributes the analyses read."""
    return SimpleNamespace(t=t, metrics=metrics, config=SimpleNamespace(eta=eta), t_state=None)
