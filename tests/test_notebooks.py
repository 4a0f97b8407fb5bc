"""Notebooks: thin, outputs stripped, parameter cell tagged; each runs top to bottom."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
TEMPLATE = REPO / "src" / "avtaleanalyse" / "report" / "templates" / "05_arsrapport.ipynb"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_report_notebook_is_shipped_and_identical():
    assert (REPO / "notebooks" / "05_arsrapport.ipynb").read_bytes() == TEMPLATE.read_bytes()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_and_thin(path):
    cells = _cells(path)
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    for c in code:
        assert c.get("outputs") == [], f"outputs kept in {path.name}"
        assert c.get("execution_count") is None
        src = "".join(c["source"])
        assert not re.search(r"^\s*(def|class|async def)\s", src, flags=re.M), (
            f"{path.name} defines functions/classes; move them to the package"
        )
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    assert any(c["cell_type"] == "markdown" for c in cells)


@pytest.mark.slow
def test_notebooks_run_on_small_corpus(small_corpus, tmp_path):
    import papermill

    stage_dirs = {}
    from avtaleanalyse import cli

    for stage in ("similarity", "topics", "coverage"):
        out = tmp_path / stage
        argv = [stage, "--corpus", str(small_corpus), "--out", str(out)]
        if stage == "topics":
            argv += ["--similarity", str(stage_dirs["similarity"])]
        assert cli.main(argv) == 0
        stage_dirs[stage] = out
    for path in NOTEBOOKS:
        papermill.execute_notebook(
            str(path),
            str(tmp_path / path.name),
            parameters={"corpus": str(small_corpus), **{k: str(v) for k, v in stage_dirs.items()}},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(tmp_path),
        )
