"""Discovery of claims: every module of the ``proofs`` and ``sims`` packages that defines ``CLAIMS``."""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from collections.abc import Iterable, Sequence

from ska_theory.claims.model import Claim
from ska_theory.errors import UsageError

PACKAGES: tuple[str, ...] = ("ska_theory.proofs", "ska_theory.sims")

# The fixed claim ids, in the order of the claims table (issue "Foundation").
CLAIM_IDS: tuple[str, ...] = (
    "entropy.shannon-equivalence",
    "entropy.sigmoid-uniqueness",
    "entropy.sigmoid-from-minimisation",
    "entropy.local-h-is-uncertainty",
    "entropy.discrete-sum-converges",
    "entropy.path-independence",
    "flow.entropy-gradient-z",
    "flow.weight-ode",
    "flow.entropy-monotone",
    "flow.global-existence",
    "lagrangian.euler-lagrange",
    "lagrangian.least-action-principle",
    "lagrangian.time-independence-explains-invariance",
    "tensor-net.closed-form",
    "tensor-net.lagrangian-form",
    "tensor-net.zero-crossing-condition",
    "tensor-net.extrema",
    "tensor-net.euler-lagrange",
    "time.invariance",
    "time.characteristic-time",
    "knowledge-flow.layer-peaks",
    "tensor-net.observed-crossings",
    "learning.cosine-alignment",
    "learning.label-free-separation",
)


def discover(packages: Sequence[str] = PACKAGES) -> list[Claim]:
    """Import every submodule of ``packages`` and collect their ``CLAIMS`` lists, in table order."""
    found: dict[str, Claim] = {}
    for pkg_name in packages:
        pkg = importlib.import_module(pkg_name)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            mod = importlib.import_module(f"{pkg_name}.{info.name}")
            for c in getattr(mod, "CLAIMS", ()):
                if c.id in found:
                    raise RuntimeError(f"claim id {c.id!r} defined twice ({mod.__name__})")
                found[c.id] = c
    order = {cid: i for i, cid in enumerate(CLAIM_IDS)}
    return sorted(found.values(), key=lambda c: (order.get(c.id, len(order)), c.id))


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
