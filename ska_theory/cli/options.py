"""Options shared by the commands that decide claims: mapping library errors to flag names."""

from __future__ import annotations

from ska_theory.errors import UsageError
from ska_theory.symbolic.theory import Theory, resolve_theory


def theory_from_args(spec: str) -> Theory:
    """The theory ``--theory`` names; its ValueError (naming the key or file) as a usage error."""
    try:
        return resolve_theory(spec)
    except ValueError as e:
        raise UsageError(f"--theory {spec!r}: {e}") from None
