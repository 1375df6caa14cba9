"""Checks on the prose a claim produces: maths between $...$ in SymPy syntax, no LaTeX, no raw values.

See the report's maths markup (inline maths between ``$`` signs, SymPy syntax, top-level relations
split before parsing). Used by the tests of the issue-9 studies on their small-case outcomes.
"""

from __future__ import annotations

import re

from sympy.parsing.sympy_parser import parse_expr

from ska_theory.claims.model import Claim, Outcome

RELATIONS = re.compile(r"<->|->|!=|<=|>=|==|=|<|>")
RAW = re.compile(r"\b(nan|None|oo|inf|NaN)\b|_\{|\^\{|\\frac|\\[a-z]+|\{'|\['|np\.")


def prose(c: Claim, o: Outcome) -> list[str]:
    """Every prose string of a claim and its outcome that the report shows."""
    out = [c.title, c.source.quote, o.summary, o.meaning, *o.conditions]
    if isinstance(c.statement, str):
        out.append(c.statement)
    out += [k.label for k in o.evidence.key_numbers] + [k.group for k in o.evidence.key_numbers]
    out += [str(k.value) for k in o.evidence.key_numbers if isinstance(k.value, str)]
    out += [p.caption for p in o.evidence.plots]
    if o.robustness is not None:
        out += [o.robustness.decided_on, o.robustness.note]
    return [s for s in out if s]


def maths(text: str) -> list[str]:
    """The $...$ segments of a string (an unmatched $ is an error)."""
    parts = text.split("$")
    if len(parts) % 2 == 0:
        raise AssertionError(f"unmatched $ in {text!r}")
    return parts[1::2]


def parses(segment: str) -> bool:
    """Each side of the top-level relations parses as a SymPy expression."""
    try:
        for side in RELATIONS.split(segment):
            parse_expr(side.strip())
    except Exception:
        return False
    return True


def problems(c: Claim, o: Outcome) -> list[str]:
    """What breaks the prose rules (empty when none)."""
    found = []
    for text in prose(c, o):
        bad = [m for m in maths(text) if not parses(m)]
        found += [f"{c.id}: maths does not parse: ${m}$" for m in bad]
        plain = re.sub(r"\$[^$]*\$", "", text)
        if RAW.search(plain):
            found.append(f"{c.id}: raw value or LaTeX in {plain!r}")
    if o.meaning.count(". ") > 1 or not o.meaning.endswith("."):
        found.append(f"{c.id}: meaning is not one sentence: {o.meaning!r}")
    return found
