"""API conventions of the package, checked on every module (after scanpy's structure test).

- every module has a docstring; every name in ``__all__`` exists and is documented;
- no public function takes a boolean option positionally (options are keyword-only);
- each stage's ``run`` module provides ``add_arguments`` and ``main``;
- no module under ``avtaleanalyse`` (outside ``io``, ``run`` modules, ``pipeline`` and
  ``report``) opens files for writing — analysis code takes and returns data.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import pytest

import avtaleanalyse

PKG_DIR = Path(avtaleanalyse.__file__).parent
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages([str(PKG_DIR)], prefix="avtaleanalyse.")
    if not m.name.endswith("__main__")  # importing it runs the CLI
)


def _public_callables(module):
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj


@pytest.mark.parametrize("name", MODULES)
def test_module_has_docstring_and_valid_all(name):
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no module docstring"
    for exported in getattr(module, "__all__", []):
        assert hasattr(module, exported), f"{name}.__all__ names missing {exported!r}"


@pytest.mark.parametrize("name", MODULES)
def test_public_callables_are_documented(name):
    module = importlib.import_module(name)
    for qual, obj in _public_callables(module):
        assert (obj.__doc__ or "").strip(), f"{name}.{qual} has no docstring"


@pytest.mark.parametrize("name", MODULES)
def test_no_positional_boolean_options(name):
    module = importlib.import_module(name)
    for qual, obj in _public_callables(module):
        if not inspect.isfunction(obj):
            continue
        for p in inspect.signature(obj).parameters.values():
            if isinstance(p.default, bool):
                assert p.kind is inspect.Parameter.KEYWORD_ONLY, (
                    f"{name}.{qual}: boolean option {p.name!r} must be keyword-only"
                )


STAGES = ["demo", "ingest", "similarity", "topics", "coverage", "report"]


@pytest.mark.parametrize("stage", STAGES)
def test_stage_run_module_provides_the_cli_hooks(stage):
    run = importlib.import_module(f"avtaleanalyse.{stage}.run")
    assert callable(run.add_arguments) and callable(run.main)


_WRITERS_ALLOWED = ("avtaleanalyse.io", "avtaleanalyse.pipeline", "avtaleanalyse.report")


def _writes_files(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            attr = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if attr in {"savefig", "to_parquet", "to_csv", "write_text", "write_bytes"}:
                lines.append(node.lineno)
            if attr == "open" and any(
                isinstance(a, ast.Constant) and isinstance(a.value, str) and "w" in a.value
                for a in list(node.args[1:2]) + [k.value for k in node.keywords if k.arg == "mode"]
            ):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("name", MODULES)
def test_analysis_and_plotting_code_does_not_write_files(name):
    if (
        name.startswith(_WRITERS_ALLOWED)
        or name.endswith(".run")
        or name.startswith("avtaleanalyse.demo")
    ):
        pytest.skip("I/O layer or orchestration: writing is its job")
    spec = importlib.util.find_spec(name)
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    assert not _writes_files(tree), f"{name} writes files at lines {_writes_files(tree)}"
