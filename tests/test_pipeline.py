"""reproduce: stage order, output layout and content-hash caching.

The cache logic is tested with stand-in stages (``_run_cli`` replaced) so it runs in
milliseconds; the end-to-end run on the small demo corpus is a slow test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from avtaleanalyse import pipeline
from avtaleanalyse import schema as S

STAGES = ["demo-corpus", "ingest", "similarity", "topics", "coverage", "report"]


def _out(argv: list[str]) -> Path:
    return Path(argv[argv.index("--out") + 1])


class FakeStages:
    """Stand-ins that write small deterministic outputs and record which stages ran."""

    def __init__(self):
        self.ran: list[str] = []

    def __call__(self, argv: list[str]) -> None:
        name, out = argv[0], _out(argv)
        self.ran.append(name)
        out.mkdir(parents=True, exist_ok=True)
        if name == "demo-corpus":
            (out / "files").mkdir(exist_ok=True)
            for i in range(3):
                (out / "files" / f"avtale_{i}.txt").write_text(f"avtale {i}", encoding="utf-8")
            (out / "manifest.csv").write_text("file\n", encoding="utf-8")
        elif name == "ingest":
            files = sorted((Path(argv[1])).glob("*.txt"))
            # only the number of files reaches the tables: a changed text that keeps the
            # count leaves the ingested tables byte-identical
            pd.DataFrame({S.DOC_ID: [f"d{i}" for i in range(len(files))], S.YEAR: 2021}).to_parquet(
                out / S.DOCUMENTS_FILE
            )
        elif name == "report":
            (out / "rapport.html").write_text("<html></html>", encoding="utf-8")
        else:
            corpus = Path(argv[argv.index("--corpus") + 1])
            digest = hashlib.sha256((corpus / S.DOCUMENTS_FILE).read_bytes()).hexdigest()
            (out / f"{name}.json").write_text(json.dumps({"input": digest}), encoding="utf-8")


@pytest.fixture
def fake(monkeypatch) -> FakeStages:
    stages = FakeStages()
    monkeypatch.setattr(pipeline, "_run_cli", stages)
    return stages


def test_stage_paths_layout(tmp_path):
    p = pipeline.stage_paths(tmp_path, "small")
    assert p["demo"] == tmp_path / "data" / "raw" / "demo-small"
    assert p["ingest"] == tmp_path / "data" / "processed" / "small" / "corpus"
    for stage in ("similarity", "topics", "coverage"):
        assert p[stage] == tmp_path / "data" / "processed" / "small" / stage


def test_second_run_is_all_cached(fake, tmp_path):
    runs = pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    assert [r.name for r in runs] == STAGES
    assert fake.ran == STAGES
    assert runs[-1].output == tmp_path / "reports" / "2021"
    for r in runs:
        assert json.loads((r.output / pipeline.CACHE_FILE).read_text())["key"] == r.key

    fake.ran.clear()
    again = pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    assert fake.ran == []
    assert [r.status for r in again] == ["cached"] * 6
    assert [r.key for r in again] == [r.key for r in runs]


def test_changed_raw_file_reruns_ingest_only_when_tables_identical(fake, tmp_path):
    pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    raw = pipeline.stage_paths(tmp_path, "small")["demo"] / "files" / "avtale_1.txt"
    raw.write_text("endret avtale", encoding="utf-8")
    fake.ran.clear()
    pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    assert fake.ran == ["ingest"]


def test_changed_corpus_reruns_downstream(fake, tmp_path):
    pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    files = pipeline.stage_paths(tmp_path, "small")["demo"] / "files"
    (files / "avtale_9.txt").write_text("ny avtale", encoding="utf-8")
    fake.ran.clear()
    pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    assert fake.ran == STAGES[1:]


def test_parameters_are_part_of_the_key(fake, tmp_path):
    pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    fake.ran.clear()
    pipeline.reproduce(tmp_path, scale="small", seed=7, log=lambda _: None)
    assert fake.ran[0] == "demo-corpus"
    fake.ran.clear()
    pipeline.reproduce(tmp_path, scale="small", seed=7, force=True, log=lambda _: None)
    assert fake.ran == STAGES


def test_progress_lines_name_every_stage(fake, tmp_path):
    lines: list[str] = []
    pipeline.reproduce(tmp_path, scale="small", log=lines.append)
    for name in STAGES:
        assert any(name in line for line in lines)


@pytest.mark.slow
def test_reproduce_small_end_to_end(tmp_path):
    runs = pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    report = runs[-1].output
    html = (report / "rapport.html").read_text(encoding="utf-8")
    assert "syntetisk" in html.lower()
    assert list((report / "figures").glob("*.png")) and list((report / "figures").glob("*.svg"))
    assert list((report / "tables").glob("*.csv"))
    # every figure in the report is shown once, with its title and caption as alt text
    from bs4 import BeautifulSoup

    alts = [img.get("alt", "") for img in BeautifulSoup(html, "html.parser").find_all("img")]
    assert len(alts) == len(list((report / "figures").glob("*.png")))
    assert all(a and "No description" not in a for a in alts)
    prov = json.loads((report / "provenance.json").read_text(encoding="utf-8"))
    assert prov
    again = pipeline.reproduce(tmp_path, scale="small", log=lambda _: None)
    assert [r.status for r in again] == ["cached"] * 6


def test_two_independent_runs_give_byte_identical_tables_and_figures(tmp_path):
    """Same input and parameters, two folders, no cache: every table and figure is the same."""

    def digests(root: Path) -> dict[str, str]:
        files = [
            p for p in (root / "data" / "processed").rglob("*") if p.suffix in {".parquet", ".csv"}
        ] + [p for p in (root / "reports").rglob("*") if p.suffix in {".png", ".svg", ".csv"}]
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        pipeline.reproduce(root, scale="small", log=lambda _: None)
    da, db = digests(a), digests(b)
    assert len(da) > 40 and any(k.endswith(".svg") for k in da)
    assert da == db
