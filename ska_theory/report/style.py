"""Colours shared by both renderers: one ink and one fill per verdict."""

from __future__ import annotations

# verdict -> (ink, light fill)
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "holds": ("#17632a", "#e3f3e6"),
    "supported": ("#17632a", "#e3f3e6"),
    "holds-under-conditions": ("#155a70", "#dff0f5"),
    "holds-vacuously": ("#7a5400", "#fbf0d4"),
    "fails": ("#a01818", "#fbe3e3"),
    "not-supported": ("#a01818", "#fbe3e3"),
    "not-checkable": ("#4b5563", "#eceef1"),
    "undecided": ("#6b3fa0", "#efe7f8"),
}
DEFAULT_COLOURS = ("#1d232b", "#f4f6f9")


def verdict_colours(verdict: str) -> tuple[str, str]:
    return VERDICT_COLOURS.get(verdict, DEFAULT_COLOURS)
