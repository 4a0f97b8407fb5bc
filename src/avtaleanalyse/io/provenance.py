"""Provenance stored next to every output: parameters, package versions, input hashes."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["file_sha256", "git_commit", "package_versions", "provenance", "tables_hash"]

#: Distributions whose versions change results; recorded with every output.
TRACKED_PACKAGES = (
    "avtaleanalyse",
    "datasketch",
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "scipy",
    "simplemma",
    "rapidfuzz",
    "pypdfium2",
    "python-docx",
    "odfpy",
    "beautifulsoup4",
    "striprtf",
    "matplotlib",
)


def package_versions(names: Iterable[str] = TRACKED_PACKAGES) -> dict[str, str]:
    """Installed versions of ``names`` (``"not installed"`` where absent)."""
    out = {}
    for name in sorted(names):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def file_sha256(path: str | os.PathLike[str], *, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def tables_hash(paths: Iterable[str | os.PathLike[str]]) -> str:
    """One SHA-256 over the names and bytes of ``paths`` (sorted by name)."""
    h = hashlib.sha256()
    for p in sorted(Path(p) for p in paths):
        h.update(p.name.encode())
        h.update(bytes.fromhex(file_sha256(p)))
    return h.hexdigest()


def git_commit(cwd: str | os.PathLike[str] | None = None) -> str | None:
    """The current git commit of the working tree, or ``None`` outside a checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cwd or Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def provenance(*, stage: str, parameters: Mapping[str, object]) -> dict[str, object]:
    """The provenance record stored beside a stage's tables.

    Contains no timestamps, so that re-running a stage gives a byte-identical file.
    """
    return {
        "stage": stage,
        "parameters": dict(parameters),
        "package_versions": package_versions(),
        "python": platform.python_version(),
    }
