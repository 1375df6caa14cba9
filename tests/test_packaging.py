"""The distribution installs one top-level import name, ``ska_theory``; proofs/ and sims/ live under it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _declared() -> tuple[list[str], dict[str, str]]:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return conf["packages"], conf["package-dir"]


def _folder(package: str, package_dir: dict[str, str]) -> Path:
    """Where a package's sources live, following the package-dir mapping."""
    parts = package.split(".")
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if head in package_dir:
            return ROOT / package_dir[head] / Path(*parts[i:])
    return ROOT / Path(*parts)


def test_every_package_folder_is_declared():
    packages, package_dir = _declared()
    found = {
        ".".join(("ska_theory", *init.parent.relative_to(ROOT / "ska_theory").parts)).rstrip(".")
        for init in (ROOT / "ska_theory").rglob("__init__.py")
    }
    found |= {"ska_theory.proofs", "ska_theory.sims"}
    assert found == set(packages)
    for package in packages:
        assert (_folder(package, package_dir) / "__init__.py").is_file(), package


@pytest.mark.slow
def test_wheel_has_only_ska_theory_at_top_level(tmp_path: Path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"ska_theory"}
    assert "ska_theory/proofs/entropy.py" in names
    assert "ska_theory/sims/data/initial_weights_seed42.npz" in names
    assert not any(n.startswith(("proofs/", "sims/")) for n in names)
