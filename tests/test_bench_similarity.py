"""The similarity benchmark's own arithmetic and one tiny whole-stage run."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def bench(load_bench):
    return load_bench("bench_similarity")


def test_growth_ratios_and_unit_costs(bench):
    rec = [
        {
            "documents": 1000,
            "seconds": 4.0,
            "peak_rss_mb": 500,
            "candidates": 20_000,
            "pairs": 9_000,
        },
        {
            "documents": 10000,
            "seconds": 50.0,
            "peak_rss_mb": 900,
            "candidates": 400_000,
            "pairs": 100_000,
        },
    ]
    g = bench.growth(rec)
    assert g["x_documents"].tolist()[1] == 10.0
    assert g["x_seconds"].tolist()[1] == 12.5
    assert g["x_candidates"].tolist()[1] == 20.0
    assert g["x_pairs"].tolist()[1] == pytest.approx(11.11)
    assert g["s_per_1k_docs"].tolist() == [4.0, 5.0]
    assert g["s_per_100k_candidates"].tolist() == [20.0, 12.5]
    assert g["x_seconds"].isna().tolist() == [True, False]  # nothing before the first size


def test_stage_run_reports_counts(bench):
    (rec,) = bench.bench_stage([200], corpus="synthetic")
    assert rec["documents"] >= 180
    assert rec["candidates"] >= rec["pairs"] > 0
    assert rec["families"] >= 1
    assert rec["seconds"] > 0 and rec["peak_rss_mb"] > 0
    assert rec["sample_interval"] == 0.5  # the default
    (fast,) = bench.bench_stage([200], corpus="synthetic", sample_interval=0.01)
    (slow,) = bench.bench_stage([200], corpus="synthetic", sample_interval=60.0)
    assert (fast["sample_interval"], slow["sample_interval"]) == (0.01, 60.0)
    # one sample at the start, then none until the stage ends; many more at 0.01 s
    assert slow["memory_samples"] == 1
    assert fast["memory_samples"] > 10
    # no worker processes with n_jobs 1: no tree samples, so no per-step tree peaks
    assert fast["step_max_tree_pss_mb"] == {}
    assert set(fast["step_max_rss_mb"]) <= set(fast["steps"])


def test_stage_run_reports_tree_peaks_per_step_with_workers(bench):
    (rec,) = bench.bench_stage([1000], corpus="synthetic", n_jobs=2, sample_interval=0.01)
    tree = rec["step_max_tree_pss_mb"]
    assert tree and set(tree) <= set(rec["steps"])
    assert max(tree.values()) == round(rec["tree_peak_pss_mb"])
