"""Provenance: package version, library versions, and content digests of the sources a result depends on.

A result is keyed by *what it was computed from* (file contents), never by a git commit: a commit that
touches no code (a README edit) keeps every digest, so caches stay warm and regenerated reports stay
byte-identical. :func:`package_digest` is the one way to fingerprint sources.
"""

from __future__ import annotations

import hashlib
import importlib
import platform
import subprocess
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import ska_theory

LIBRARIES = ("numpy", "scipy", "sympy", "mpmath", "matplotlib", "typst", "igraph")
REPO_ROOT = Path(__file__).resolve().parent.parent


def package_folder(package: str) -> Path:
    """The folder holding an importable package's sources (follows the proofs/ and sims/ mapping)."""
    return Path(importlib.import_module(package).__path__[0])


@cache
def package_digest(packages: Sequence[str], suffixes: Sequence[str] = (".py",)) -> str:
    """sha256 over the files (relative path and bytes) of ``packages`` with the given suffixes.

    ``packages`` are dotted names (``ska_theory.network``, ``ska_theory.proofs``); a package includes
    its subpackages. Uncommitted edits count: the digest is of the working files.
    """
    h = hashlib.sha256()
    for package in sorted(set(packages)):
        root = package_folder(package)
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes):
            if "__pycache__" in path.parts:
                continue
            h.update(f"{package}/{path.relative_to(root).as_posix()}".encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """sha256 over the contents of ``paths`` (in the given order)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes() + b"\0")
    return h.hexdigest()


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


@cache
def git_state() -> dict[str, Any]:
    """Commit and dirty flag of the source tree, for humans only: no digest or cache key uses it."""
    commit = _git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)reports")
    return {"commit": commit, "dirty": bool(status)}


def package_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# What determines a report: the package (with the report's renderers), the claims' modules and their
# data files. Git state is left out on purpose: a clean checkout of the same files gives the same report.
REPORT_PACKAGES = ("ska_theory", "ska_theory.proofs", "ska_theory.sims")
REPORT_SUFFIXES = (".py", ".toml", ".npz", ".md", ".json")


def inputs_digest() -> str:
    """sha256 of everything that determines a report: sources and data files, Python and library versions."""
    h = hashlib.sha256(package_digest(REPORT_PACKAGES, REPORT_SUFFIXES).encode())
    h.update(f"python {python_version()}".encode())
    for name, version in sorted(package_versions().items()):
        h.update(f"{name} {version}".encode())
    return h.hexdigest()


def python_version() -> str:
    """major.minor: a patch release does not change what the toolkit computes."""
    return ".".join(platform.python_version_tuple()[:2])


def provenance() -> dict[str, Any]:
    """What a report records about how it was made: versions and the digest of its inputs (no commit)."""
    return {
        "version": ska_theory.__version__,
        "inputs": inputs_digest(),
        "python": python_version(),
        "packages": package_versions(),
    }
