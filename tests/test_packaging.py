"""Packaging conventions: dependency pins in step, public API shape, CLI wiring."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from avtaleanalyse import cli

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_pins() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = list(data["project"]["dependencies"]) + list(
        data["project"]["optional-dependencies"]["dev"]
    )
    return {d.replace(" ", "").lower() for d in deps}


def _environment_pins() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {p.replace(" ", "").lower() for p in pip if not p.startswith("-e")}


def test_environment_yml_lists_the_same_pinned_dependencies_as_pyproject():
    assert _environment_pins() == _pyproject_pins()


def test_every_dependency_is_pinned_exactly():
    for dep in _pyproject_pins():
        assert re.fullmatch(r"[a-z0-9_.\-]+==[0-9][0-9a-z.]*", dep), dep


def test_datasketch_is_pinned_to_the_version_whose_hash_scheme_we_pass_explicitly():
    assert "datasketch==2.0.0" in _pyproject_pins()


def test_every_command_of_the_design_contract_is_wired():
    assert set(cli.COMMANDS) == {
        "demo-corpus",
        "ingest",
        "similarity",
        "topics",
        "coverage",
        "report",
        "reproduce",
    }
    parser = cli.build_parser()
    help_text = parser.format_help()
    for name in cli.COMMANDS:
        assert name in help_text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)
