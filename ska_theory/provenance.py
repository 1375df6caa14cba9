"""Provenance of a run: package version, git commit and dirty flag, Python and library versions."""

from __future__ import annotations

import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import ska_theory

LIBRARIES = ("numpy", "scipy", "sympy", "mpmath", "matplotlib", "typst")
REPO_ROOT = Path(__file__).resolve().parent.parent


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
    """Commit and dirty flag of the source tree (generated ``reports/`` do not make it dirty)."""
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


def provenance() -> dict[str, Any]:
    return {
        "version": ska_theory.__version__,
        "git": git_state(),
        "python": platform.python_version(),
        "packages": package_versions(),
    }
