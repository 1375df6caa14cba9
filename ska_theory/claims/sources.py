"""The four texts whose claims are checked: the keys every :class:`~ska_theory.claims.model.Source` uses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A bibliography entry."""

    key: str
    title: str
    author: str
    date: str  # ISO date (or month) of the version read
    kind: str  # "article" (arXiv preprint) or "essay"
    arxiv: str = ""  # arXiv identifier, when there is one

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else ""


TEXTS: dict[str, Text] = {
    t.key: t
    for t in (
        Text(
            "SKA-1",
            "Structured Knowledge Accumulation: An Autonomous Framework for Layer-Wise Entropy Reduction "
            "in Neural Learning",
            "Bouarfa Mahi",
            "2025-03",  # arXiv 2503.13942: March 2025
            "article",
            "2503.13942",
        ),
        Text(
            "SKA-2",
            "Structured Knowledge Accumulation: The Principle of Entropic Least Action in Forward-Only "
            "Neural Learning",
            "Bouarfa Mahi",
            "2025-04-07",
            "article",
            "2504.03214",
        ),
        Text(
            "essay-1",
            "The Learning Signal Was Always There. We Just Never Saw It.",
            "Bouarfa Mahi",
            "2026-01-07",
            "essay",
        ),
        Text(
            "essay-2",
            "What If Everything We Believed About Neural Network Learning Was Wrong?",
            "Bouarfa Mahi",
            "2026-01-07",
            "essay",
        ),
    )
}
