"""Discovery of claims: every module of the ``proofs`` and ``sims`` packages that defines ``CLAIMS``."""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from collections.abc import Iterable, Sequence

from ska_theory.claims.model import Claim
from ska_theory.errors import UsageError

PACKAGES: tuple[str, ...] = ("ska_theory.proofs", "ska_theory.sims")


def discover(packages: Sequence[str] = PACKAGES) -> list[Claim]:
    """Every claim of every public submodule of ``packages``: package order, then module name, then the
    order in which the module defines its claims (its ``CLAIMS`` list). No id is listed anywhere else.
    """
    found: list[Claim] = []
    seen: dict[str, str] = {}
    for pkg_name in packages:
        pkg = importlib.import_module(pkg_name)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            mod = importlib.import_module(f"{pkg_name}.{info.name}")
            for c in getattr(mod, "CLAIMS", ()):
                if c.id in seen:
                    raise RuntimeError(f"claim id {c.id!r} defined twice ({seen[c.id]}, {mod.__name__})")
                seen[c.id] = mod.__name__
                found.append(c)
    return found


def select(claims: Iterable[Claim], patterns: Sequence[str] | None) -> list[Claim]:
    """Claims whose id matches any glob in ``patterns`` (all when None); unknown globs are errors."""
    claims = list(claims)
    if not patterns:
        return claims
    chosen: list[Claim] = []
    for pat in patterns:
        hits = [c for c in claims if fnmatch.fnmatchcase(c.id, pat)]
        if not hits:
            raise UsageError(f"--only {pat!r} matches no claim id (try 'ska-theory check --list')")
        chosen.extend(c for c in hits if c not in chosen)
    return [c for c in claims if c in chosen]
