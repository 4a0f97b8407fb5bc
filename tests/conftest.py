"""Shared fixtures: the small demo corpus, generated and ingested once per test session.

Built only through the command-line contract (``demo-corpus`` then ``ingest``), exactly as a
user would, so the fixture exercises the same path as the README's main command.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from avtaleanalyse import cli

REPO = Path(__file__).resolve().parents[1]
REAL_SAMPLES = REPO.parent / "shared" / "real_samples"

SMALL_SEED = 2012


@pytest.fixture(scope="session")
def real_samples_dir() -> Path:
    """``../shared/real_samples`` (hand-labelled real excerpts); skips where absent."""
    if not (REAL_SAMPLES / "labels.csv").exists():
        pytest.skip("../shared/real_samples is not present beside the checkout")
    return REAL_SAMPLES


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    """Folder written by ``demo-corpus --scale small`` (files/, manifest.csv, truth.csv)."""
    out = tmp_path_factory.mktemp("demo_small")
    assert (
        cli.main(["demo-corpus", "--out", str(out), "--scale", "small", "--seed", str(SMALL_SEED)])
        == 0
    )
    return out


@pytest.fixture(scope="session")
def small_corpus(small_demo, tmp_path_factory) -> Path:
    """Corpus folder written by ``ingest`` from the small demo corpus (with its manifest)."""
    out = tmp_path_factory.mktemp("corpus_small")
    rc = cli.main(
        [
            "ingest",
            str(small_demo / "files"),
            "--out",
            str(out),
            "--manifest",
            str(small_demo / "manifest.csv"),
        ]
    )
    assert rc == 0
    return out


@pytest.fixture(scope="session")
def load_bench():
    """Import a script of ``bench/`` by name (the folder is not a package)."""

    def load(name: str):
        path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    return load
