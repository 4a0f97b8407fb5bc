"""Tiny helper for tests that need another stage: is its ``run.main`` still a stub?

A stage counts as missing only while ``run.main`` raises ``NotImplementedError``. The probe
passes a namespace that fails on the first attribute read, so a built stage stops at once
without touching the file system.
"""

from __future__ import annotations

import argparse
import importlib

import pytest


class _Probe(argparse.Namespace):
    def __getattr__(self, name):  # only called for attributes that are not set
        raise _ProbeError(name)


class _ProbeError(Exception):
    pass


def stage_missing(stage: str) -> bool:
    """True while ``avtaleanalyse.<stage>.run.main`` raises ``NotImplementedError``."""
    run = importlib.import_module(f"avtaleanalyse.{stage}.run")
    try:
        run.main(_Probe())
    except NotImplementedError:
        return True
    except Exception:  # any other failure means real code ran
        return False
    return False


def require_stages(*stages: str) -> None:
    """Skip the calling test while any of ``stages`` is not built yet."""
    missing = [s for s in stages if stage_missing(s)]
    if missing:
        pytest.skip(f"stage(s) not built yet: {', '.join(missing)}")
