"""Atomic file output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ska_theory.errors import InputError


def check_writable(path: Path) -> None:
    """Fail early (InputError, a ValueError) when ``path`` cannot be created, before any work is done."""
    parent = path.resolve().parent
    if not parent.is_dir():
        raise InputError(f"output directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"output directory {str(parent)!r} is not writable")
    if path.is_dir():
        raise InputError(f"output path {str(path)!r} is a directory")


def atomic_write(path: Path, writer: Callable[[Path], object], *, suffix: str = "") -> None:
    """Call ``writer(tmp)`` then rename ``tmp`` onto ``path``; on error nothing is left behind."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=suffix + ".tmp", dir=path.resolve().parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        # mkstemp creates 0600; give the file the permissions a plain open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda p: p.write_bytes(data))


def atomic_write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """``np.savez`` atomically, to exactly ``path`` (savez appends .npz to a bare file name)."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]

    atomic_write(path, write)


def dump_json(data: Any) -> str:
    """Deterministic JSON text: sorted keys, fixed indentation, trailing newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
