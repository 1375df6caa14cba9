"""Cache of claim outcomes, keyed by everything an outcome is computed from — never by a git commit.

A symbolic claim's key: its id, the theory's definitions, the sources of its proof package and of the
symbolic core and claim model, and the SymPy and mpmath versions. A numeric claim's key: its id, the
mode, the sources of the studies, the numeric core (network, runs), the bundled data, and the NumPy,
SciPy and matplotlib versions. A commit that touches none of these (a README edit) keeps every key,
so the next ``check`` reads every outcome from here.

Entries are ``claims/<kk>/<key>.pkl`` under the run cache's root with a ``.sha256`` beside them: a
pickled :class:`~ska_theory.claims.model.Outcome` (SymPy expressions pickle; SVG figures are text),
written to a temporary file and renamed, the checksum last. An entry whose checksum or unpickling fails
is removed and the claim decided again. The cache holds only what this program wrote into it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import logging
import pickle
from importlib import metadata
from pathlib import Path

from ska_theory import plotting
from ska_theory.claims.model import Claim, Context, Outcome, Step, Verdict
from ska_theory.io import atomic_write_bytes, atomic_write_text, dump_json
from ska_theory.provenance import files_digest, package_digest
from ska_theory.symbolic.steps import freeze, thaw

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the entry layout or the Outcome model changes
SYMBOLIC_SOURCES = ("ska_theory.symbolic", "ska_theory.claims", "ska_theory.proofs")
NUMERIC_SOURCES = (
    "ska_theory.claims",
    "ska_theory.sims",
    "ska_theory.network",
    "ska_theory.runs",
    "ska_theory.data",
)
SYMBOLIC_LIBRARIES = ("sympy", "mpmath")
NUMERIC_LIBRARIES = ("numpy", "scipy", "matplotlib", "sympy", "mpmath")


def _versions(names: tuple[str, ...]) -> dict[str, str]:
    return {n: metadata.version(n) for n in names}


def claim_key(c: Claim, ctx: Context) -> str:
    """sha256 of what ``c``'s outcome under ``ctx`` depends on (see the module docstring)."""
    if c.kind == "symbolic":
        what = {
            "theory": ctx.theory.fingerprint(),
            "sources": package_digest(SYMBOLIC_SOURCES),
            "libraries": _versions(SYMBOLIC_LIBRARIES),
        }
    else:
        what = {
            "mode": ctx.mode,
            "sources": package_digest(NUMERIC_SOURCES, (".py", ".npz", ".toml")),
            "libraries": _versions(NUMERIC_LIBRARIES),
            "plotting": files_digest([Path(plotting.__file__)]),
        }
    module = inspect.getsourcefile(c.decide_fn)  # the claim's own module, wherever it lives
    what["module"] = files_digest([Path(module)]) if module else c.module
    payload = dump_json({"format": FORMAT, "claim": c.id, "kind": c.kind, **what})
    return hashlib.sha256(payload.encode()).hexdigest()


def _freeze(o: Outcome) -> Outcome:
    """Steps as expression trees: pickle would evaluate them again (see ``symbolic.steps.freeze``)."""
    steps = [Step(freeze(s.expr), s.justification, s.tool) for s in o.evidence.steps]  # type: ignore[arg-type]
    return dataclasses.replace(o, evidence=dataclasses.replace(o.evidence, steps=steps))


def _thaw(o: Outcome) -> Outcome:
    steps = [Step(thaw(s.expr), s.justification, s.tool) for s in o.evidence.steps]  # type: ignore[arg-type]
    return dataclasses.replace(o, evidence=dataclasses.replace(o.evidence, steps=steps))


def _paths(root: Path, key: str) -> tuple[Path, Path]:
    base = root / "claims" / key[:2] / key
    return base.with_suffix(".pkl"), base.with_suffix(".sha256")


def load(root: Path, key: str) -> Outcome | None:
    """The cached outcome, or None (absent, or corrupt: then removed)."""
    blob_path, sum_path = _paths(root, key)
    if not sum_path.exists():
        return None
    try:
        blob = blob_path.read_bytes()
        if hashlib.sha256(blob).hexdigest() != sum_path.read_text(encoding="utf-8").strip():
            raise ValueError("checksum mismatch")
        outcome = pickle.loads(blob)
        if not isinstance(outcome, Outcome):
            raise TypeError("not an Outcome")
        return _thaw(outcome)
    except (
        OSError,
        ValueError,
        TypeError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
    ) as e:
        log.warning("claim cache entry %s is corrupt (%s): removed, deciding again", blob_path, e)
        blob_path.unlink(missing_ok=True)
        sum_path.unlink(missing_ok=True)
        return None


def store(root: Path, key: str, outcome: Outcome) -> None:
    """Write the entry (pickle, then checksum); an outcome that does not pickle is simply not cached."""
    blob_path, sum_path = _paths(root, key)
    try:
        blob = pickle.dumps(_freeze(outcome), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError) as e:
        log.warning("outcome not cached (%s)", e)
        return
    blob_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(blob_path, blob)
    atomic_write_text(sum_path, hashlib.sha256(blob).hexdigest() + "\n")


def decide(c: Claim, ctx: Context, root: Path | None) -> Outcome:
    """``c.decide(ctx)`` through the cache at ``root`` (no cache when None). Undecided outcomes are never
    stored: they are the toolkit's failures, and the next run should try again."""
    if root is None:
        return c.decide(ctx)
    key = claim_key(c, ctx)
    hit = load(root, key)
    if hit is not None:
        return hit
    outcome = c.decide(ctx)
    if outcome.verdict is not Verdict.UNDECIDED:
        store(root, key, outcome)
    return outcome
