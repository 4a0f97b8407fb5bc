"""The command on a written corpus: outputs, parameters, determinism; demo and real samples."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from avtaleanalyse import cli, schema
from avtaleanalyse.io import read_json, read_table, write_table
from avtaleanalyse.similarity.candidates import all_pairs_exact, sets_without
from avtaleanalyse.similarity.families import boilerplate_shingles
from avtaleanalyse.similarity.run import shingle_corpus
from avtaleanalyse.similarity.synthetic import synthetic_corpus

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real_samples"


def _write_corpus(path: Path) -> pd.DataFrame:
    docs, truth = synthetic_corpus(n_trusts=3, n_agreements=6, n_municipalities=4, seed=5)
    docs = docs.assign(agreement_kind="delavtale")
    secs = []
    for d, t in zip(docs["doc_id"], docs["text"], strict=True):
        for k, part in enumerate(t.split(".\n")[:6]):
            secs.append((d, f"{d}-s{k:03d}", k, str(k + 1), "", 1, part))
    write_table(docs, path / schema.DOCUMENTS_FILE)
    write_table(
        pd.DataFrame(secs, columns=list(schema.SECTION_COLUMNS)), path / schema.SECTIONS_FILE
    )
    return truth


def test_command_writes_all_tables_deterministically(tmp_path):
    _write_corpus(tmp_path / "corpus")
    outs = []
    for k in range(2):
        out = tmp_path / f"out{k}"
        rc = cli.main(["similarity", "--corpus", str(tmp_path / "corpus"), "--out", str(out)])
        assert rc == 0
        outs.append(out)
    for name in ("pairs", "families", "standardisation", "adaptations", "prototypes",
                 "section_pairs", "delavtale6_pairs", "standardisation_summary"):  # fmt: skip
        a = (outs[0] / f"{name}.parquet").read_bytes()
        assert a == (outs[1] / f"{name}.parquet").read_bytes(), name
    pairs = read_table(outs[0] / schema.PAIRS_FILE)
    assert list(pairs.columns[:6]) == [schema.DOC_A, schema.DOC_B, schema.JACCARD,
        schema.CONTAINMENT_AB, schema.CONTAINMENT_BA, schema.JACCARD_MINHASH]  # fmt: skip
    assert (pairs[schema.DOC_A] < pairs[schema.DOC_B]).all()
    assert np.abs(pairs[schema.JACCARD] - pairs[schema.JACCARD_MINHASH]).mean() < 0.05
    params = read_json(outs[0] / schema.PARAMETERS_FILE)
    assert params["package_versions"]["datasketch"] == "2.0.0"
    assert params["parameters"]["scheme"] == "affine32" and params["parameters"]["ngram"] == 5
    kt = read_table(outs[0] / "delavtale6_pairs.parquet")
    assert len(kt) == 12 * 11 // 2  # 3 trusts x 4 municipalities, templates left out
    sec = read_table(outs[0] / "section_pairs.parquet")
    groups = read_table(outs[0] / "section_groups.parquet")
    assert (outs[0] / "section_groups.parquet").read_bytes() == (
        outs[1] / "section_groups.parquet"
    ).read_bytes()
    assert (sec[schema.DOC_A] != sec[schema.DOC_B]).all()
    # verbatim copies of a section across documents form a group; near-copies are pairs
    shared = groups[groups["group_size"] > 1]
    assert len(sec) > 0 or shared.groupby("representative")[schema.DOC_ID].nunique().max() > 1
    assert (
        groups.groupby("representative").size()
        == groups.groupby("representative")["group_size"].first()
    ).all()


def test_pairs_hold_every_pair_above_the_reporting_rule_and_nothing_below(tmp_path):
    """Complete where the LSH is reliable (J >= 0.5); the rule is set from the command line."""
    _write_corpus(tmp_path / "corpus")
    docs = read_table(tmp_path / "corpus" / schema.DOCUMENTS_FILE)
    out = tmp_path / "out"
    argv = ["similarity", "--corpus", str(tmp_path / "corpus"), "--no-sections"]
    assert cli.main([*argv, "--out", str(out), "--no-adaptations"]) == 0
    pairs = read_table(out / schema.PAIRS_FILE)
    maxc = np.maximum(pairs[schema.CONTAINMENT_AB], pairs[schema.CONTAINMENT_BA])
    assert ((pairs[schema.JACCARD] >= 0.5) | (maxc >= 0.5)).all()
    assert read_json(out / schema.PARAMETERS_FILE)["parameters"]["report_min_jaccard"] == 0.5
    # every pair with J >= 0.5 on exact all-pairs (same boilerplate-free sets) is there
    sh = shingle_corpus(docs)
    shx = sets_without(sh, boilerplate_shingles(sh, max_df=0.3, min_documents=50, seed=1))
    ex = all_pairs_exact(shx, min_jaccard=0.5)
    ids = shx.ids.astype(str)
    want = {tuple(sorted((ids[i], ids[j]))) for i, j in zip(ex["i"], ex["j"], strict=True)}
    got = set(zip(pairs[schema.DOC_A], pairs[schema.DOC_B], strict=True))
    assert len(want) > 50 and want <= got
    # a lower rule from the command line reports more pairs, each meeting it
    low = tmp_path / "low"
    rule = ["--report-min-jaccard", "0.3", "--report-min-containment", "0.9"]
    assert cli.main([*argv, "--out", str(low), "--no-adaptations", *rule]) == 0
    lp = read_table(low / schema.PAIRS_FILE)
    lmaxc = np.maximum(lp[schema.CONTAINMENT_AB], lp[schema.CONTAINMENT_BA])
    assert ((lp[schema.JACCARD] >= 0.3) | (lmaxc >= 0.9)).all()
    assert (lp[schema.JACCARD] < 0.5).any()
    params = read_json(low / schema.PARAMETERS_FILE)["parameters"]
    assert (params["report_min_jaccard"], params["report_min_containment"]) == (0.3, 0.9)


def test_real_samples_named_versions_are_most_similar():
    if not (REAL / "labels.csv").exists():
        pytest.skip("../shared/real_samples is not present beside the checkout")
    lab = pd.read_csv(REAL / "labels.csv", dtype=str, keep_default_na=False)
    docs = pd.DataFrame(
        {
            "doc_id": lab["file"],
            "text": [(REAL / f).read_text(encoding="utf-8") for f in lab["file"]],
            "language_form": lab["language_form"],
            "health_trust": lab["health_trust"].replace("", None),
            "municipalities": [m.split(";") if m else [] for m in lab["municipalities"]],
        }
    )
    sh = shingle_corpus(docs)
    ex = all_pairs_exact(sh)
    fam = lab.groupby("family")["file"].apply(list)
    named = [tuple(v) for v in fam if len(v) == 2]
    assert named
    # each version's most similar document is its other version (nearest neighbour: the
    # real pairs share only 8-10 % of their shingles, so a global top-k ranking would
    # compare a short special agreement with long overordnet ones)
    both = pd.concat(
        [
            pd.DataFrame({"a": sh.ids[ex["i"]], "b": sh.ids[ex["j"]], "j": ex["jaccard"]}),
            pd.DataFrame({"a": sh.ids[ex["j"]], "b": sh.ids[ex["i"]], "j": ex["jaccard"]}),
        ]
    )
    nearest = both.sort_values(["a", "j"], ascending=[True, False]).groupby("a")["b"].first()
    for a, b in named:
        assert (nearest[a], nearest[b]) == (b, a)


def _demo_available() -> bool:
    from avtaleanalyse.demo import run as demo_run
    from avtaleanalyse.ingest import run as ingest_run

    return not any(
        "NotImplementedError" in inspect.getsource(m.main) for m in (demo_run, ingest_run)
    )


@pytest.mark.slow
def test_small_demo_corpus(request, tmp_path):
    if not _demo_available():
        pytest.skip("demo-corpus / ingest not built yet")
    corpus = request.getfixturevalue("small_corpus")
    out = tmp_path / "sim"
    assert cli.main(["similarity", "--corpus", str(corpus), "--out", str(out)]) == 0
    fams = read_table(out / schema.FAMILIES_FILE)
    docs = read_table(Path(corpus) / schema.DOCUMENTS_FILE)
    assert set(fams[schema.DOC_ID]) == set(docs[schema.DOC_ID])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux only")
def test_freed_memory_is_given_back_between_steps():
    # glibc keeps freed blocks resident; the stage trims them after every step
    import ctypes

    from avtaleanalyse.similarity import run

    def rss_kb() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    assert run._malloc_trim() is not None
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    # many small blocks (from the heap, not mapped), touched, then all but a few freed
    blocks = [libc.malloc(4000) for _ in range(50_000)]
    for b in blocks:
        ctypes.memset(b, 1, 4000)
    for b in blocks[:-10]:
        libc.free(b)
    before = rss_kb()
    run._release_memory()
    after = rss_kb()
    for b in blocks[-10:]:
        libc.free(b)
    assert before - after > 100_000  # over 100 MB of the 200 MB freed returned


def test_tables_are_written_as_they_are_finished_and_a_failed_run_keeps_the_old_ones(
    tmp_path, monkeypatch
):
    from avtaleanalyse.similarity import run
    from avtaleanalyse.similarity.run import SimilarityParams, similarity_tables

    _write_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    argv = ["similarity", "--corpus", str(tmp_path / "corpus"), "--out", str(out)]
    assert cli.main(argv) == 0
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    assert "pairs.parquet" in before and "parameters.json" in before
    assert not (out / run.TableWriter.STAGING).exists()

    # the stage hands each table over when it is final, before the later steps run
    docs = read_table(tmp_path / "corpus" / schema.DOCUMENTS_FILE)
    seen: list[tuple[str, bool]] = []
    real = run.knowledge_transfer_pairs

    def watch(*a, **k):
        seen.append(("delavtale6 starts", True))
        return real(*a, **k)

    monkeypatch.setattr(run, "knowledge_transfer_pairs", watch)
    got: dict[str, pd.DataFrame] = {}
    p = SimilarityParams(sections=False)
    kept = similarity_tables(
        docs, params=p, sink=lambda name, t: (seen.append((name, True)), got.__setitem__(name, t))
    )
    names = [n for n, _ in seen]
    assert names.index("pairs") < names.index("delavtale6 starts")
    assert names.index("prototypes") < names.index("delavtale6 starts")
    assert set(kept) == {"timings", "_counts"}  # nothing held to the end
    whole = similarity_tables(docs, params=p)
    assert set(got) == set(whole) - {"timings", "_counts"}
    for name, table in whole.items():
        if name not in ("timings", "_counts"):
            pd.testing.assert_frame_equal(got[name], table)

    # a run that fails after some tables were written leaves the first run's files alone
    def fail(*a, **k):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(run, "knowledge_transfer_pairs", fail)
    with pytest.raises(RuntimeError, match="interrupted"):
        cli.main([*argv, "--seed", "7"])
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before
