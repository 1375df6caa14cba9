"""Prose of the claims as inline content: ``$...$`` maths parsed, claim ids and paper keys linked."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ska_theory.claims.sources import TEXTS
from ska_theory.report.document import Inline, Inlines, Math, Ref, Text
from ska_theory.report.notation import parse_markup


def claim_label(claim_id: str) -> str:
    return f"claim-{claim_id}"


def bib_label(paper: str) -> str:
    return f"bib-{paper}"


class Linker:
    """Turns prose into inlines, linking the ids of the report's claims and the bibliography's keys."""

    def __init__(self, claim_ids: Iterable[str], papers: Iterable[str] = TEXTS) -> None:
        self.claim_ids = set(claim_ids)
        self.papers = set(papers)
        names = sorted(self.claim_ids | self.papers, key=len, reverse=True)
        # A name is linked where it stands alone: not inside a longer id or word.
        self._pattern = (
            re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, names)) + r")(?![\w-]|\.\w)")
            if names
            else None
        )

    def text(self, text: str) -> list[Inline]:
        """Plain text (no maths) with links."""
        if self._pattern is None:
            return [Text(text)] if text else []
        out: list[Inline] = []
        pos = 0
        for m in self._pattern.finditer(text):
            if m.start() > pos:
                out.append(Text(text[pos : m.start()]))
            name = m.group(1)
            label = claim_label(name) if name in self.claim_ids else bib_label(name)
            out.append(Ref(label, name))
            pos = m.end()
        if pos < len(text):
            out.append(Text(text[pos:]))
        return out

    def prose(self, text: str) -> Inlines:
        """A prose string of a claim (``$...$`` maths allowed) as inlines; MarkupError when maths fails."""
        out: list[Inline] = []
        for seg in parse_markup(text):
            if isinstance(seg, str):
                out += self.text(seg)
            else:
                out.append(Math(seg, written=True))
        return tuple(out)
