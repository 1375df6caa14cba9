"""The coverage index (proofs/coverage.toml) against the claims the toolkit decides and the texts' sections.

A listed id that is no claim, or a claim the index never lists, fails the first test. The sections of
each text are written out here from the texts' own headings (tests may not read ../shared), so a
section dropped from the index, or one the texts do not have, also fails.
"""

from __future__ import annotations

from collections import Counter

from ska_theory.claims.coverage import CoverageEntry, coverage_problems, load_coverage
from ska_theory.claims.registry import discover
from ska_theory.claims.sources import TEXTS

# Every section of the four texts, as their headings number or name them (SKA-1: its structured summary).
SECTIONS: dict[str, tuple[str, ...]] = {
    "SKA-1": (
        "front matter",
        "Quick Facts",
        "Executive Summary",
        "Method Summary",
        "Key Results",
        "Mechanism 1",
        "Mechanism 2",
        "Mechanism 3",
        "Foundational Learning",
        "Architecture Onboarding",
        "Open Questions",
        "Limitations",
        "Confidence",
        "Next Checks",
    ),
    "SKA-2": (
        "abstract",
        "§1",
        "§1.1",
        "§1.2",
        "§1.3",
        "§2",
        "§2.1.1",
        "§2.1.2",
        "§2.2.1",
        "§2.2.2",
        "§2.3.1",
        "§2.3.2",
        "§2.4.1",
        "§2.4.2",
        "§2.5",
        "§2.5.1",
        "§2.5.2",
        "§2.5.3",
        "§2.6.1",
        "§2.6.2",
        "§3",
        "§3.1",
        "Data Availability",
        "Competing Interests",
        "Author Contributions",
        "Ethics Declaration",
        "Funding Declaration",
        "References",
    ),
    "essay-1": ("abstract", *(f"§{i}" for i in range(1, 10)), "Acknowledgment", "References"),
    "essay-2": ("abstract", *(f"§{i}" for i in range(1, 9)), "Acknowledgment", "References"),
}


def test_every_listed_id_is_a_claim_and_every_claim_is_listed():
    problems = coverage_problems(load_coverage(), [c.id for c in discover()])
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_an_unknown_id_and_on_a_missing_claim():
    entries = load_coverage()
    ids = [c.id for c in discover()]
    bogus = CoverageEntry("SKA-2", "§2.1.2", "x", "time.no-such-claim", None)
    before = set(coverage_problems(entries, ids))
    added = set(coverage_problems([*entries, bogus], ids)) - before
    assert added == {"time.no-such-claim: listed in the coverage index but no such claim"}
    dropped = [e for e in entries if e.claim != "efficiency.memory"]
    missing = set(coverage_problems(dropped, ids)) - before
    assert missing == {"efficiency.memory: a claim the coverage index does not list"}


def test_every_section_of_every_text_is_indexed_and_no_other():
    entries = load_coverage()
    assert {e.text for e in entries} == set(TEXTS) == set(SECTIONS)
    for text, sections in SECTIONS.items():
        listed = {e.section for e in entries if e.text == text}
        assert listed == set(sections), (text, set(sections) ^ listed)


def test_entries_are_well_formed():
    entries = load_coverage()
    for e in entries:
        assert e.quote or e.not_a_claim, e  # an empty quote stands for a section with nothing checkable
        assert (e.claim is None) != (e.not_a_claim is None), e
        assert "$" not in e.quote + (e.not_a_claim or ""), e  # plain text: quotes are the texts' words
    repeated = [k for k, n in Counter((e.text, e.section, e.quote) for e in entries).items() if n > 1]
    assert not repeated, repeated
