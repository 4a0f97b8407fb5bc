"""Benchmark of the similarity stage (issue 4), side by side in one run on the same documents.

1. Signature throughput: our vectorised numpy path versus datasketch 2.0.0 per-shingle
   ``MinHash.update()`` and ``MinHash.bulk`` — on the same shingle hash values, same seed,
   same scheme (``affine32``), and checked to give identical signatures.
2. Candidate recall: LSH candidates versus exact all-pairs (sparse product) at J >= 0.5.
3. The whole similarity stage (shingles → signatures → candidates → exact overlaps →
   families → prototypes → indices) at 1k and 10k documents, and 100k with ``--full``:
   wall time and peak memory (the high-water RSS of a fresh subprocess per size, reading
   the corpus included; ``seconds`` is the stage, ``read_seconds`` the read, which
   includes locating the sections in their documents; since 24 Nov 2026 the stage writes
   each table, as the command does, to a scratch folder when it is final, and
   ``write_seconds`` is the part of ``seconds`` spent writing), with the base cost apart: the peak while reading the corpus and
   the memory the read documents hold, the peak of the stage itself, and the largest
   sampled RSS of each step (Linux; the child's own ``VmHWM``, since ``ru_maxrss`` of a
   child includes the parent's peak). With ``--n-jobs`` above 1 the stage forks worker
   processes; the peak is then the larger of the stage process's ``VmHWM`` and the sampled
   sum of the proportional set size (PSS) of it and its workers, so that memory the forked
   workers share with it is counted once and what they hold themselves is counted too.
   A sampler thread reads the RSS and, with workers, ``/proc/PID/smaps_rollup`` every
   ``--sample-interval`` seconds (default 0.5). Reading ``smaps_rollup`` walks the
   process's page tables: at 0.05 s the three reads per sample cost the 100k synthetic
   stage a quarter of its time (175 s against 132 s at 0.5 s; peak 3.90 against 3.85 GB).

Corpora: ``--corpus demo`` (default) scales the demo generator by seeds — full demo corpora
of consecutive seeds, with their sections; ``--corpus synthetic`` is the template-plus-edits
generator ``avtaleanalyse.similarity.synthetic`` (about 1,600 words per document, families of
26, more families as the corpus grows). Each size is written as a corpus folder and read by
a fresh subprocess as the ``similarity`` command reads it. ``--adaptations`` and
``--sections`` add the local passages and the section pairs (the command's defaults).

Usage::

    python bench/bench_similarity.py            # quick: 1k and 10k
    python bench/bench_similarity.py --full     # adds 100k: with the demo corpus this
                                                # grows quadratically (docs §9: >13 GB)
    python bench/bench_similarity.py --skip-micro --corpus synthetic --sizes 1000 10000 100000 \\
        --n-jobs 2 --adaptations                # the figures of docs/standardisation.md §9
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _corpus(n_docs: int, *, family_size: int = 25, seed: int = 0, max_trusts: int = 20):
    """About ``n_docs`` documents: at most ``max_trusts`` trusts (as in Norway), more
    agreement texts per trust as the corpus grows, ``family_size`` copies per template."""
    from avtaleanalyse.similarity.synthetic import synthetic_corpus

    per_family = family_size + 1
    n_families = max(1, round(n_docs / per_family))
    n_trusts = min(max_trusts, n_families)
    n_agreements = max(1, round(n_families / n_trusts))
    return synthetic_corpus(
        n_trusts=n_trusts,
        n_agreements=n_agreements,
        n_municipalities=family_size,
        clauses=43,
        clause_words=35,
        seed=seed,
    )


def _demo_corpus(n_docs: int, *, seed: int = 2012) -> tuple[pd.DataFrame, pd.DataFrame]:
    """About ``n_docs`` documents of the demo generator, with their sections.

    Full-scale demo corpora (about 5,100 accepted documents each) of consecutive seeds: the
    same trusts and municipalities, each seed a fresh draw of templates' wording, local
    adaptations, damage and formats. The documents the demo plants as broken or duplicated
    are left out (ingest rejects them); the text is the generator's plain text (what ingest
    extracts, without the extraction noise), also stored as ``raw_text`` so the corpus
    folder has the text columns of an ingested one.
    """
    from avtaleanalyse.demo import generate_corpus

    docs, secs = [], []
    s = seed
    while len(docs) < n_docs:
        scale = "full" if n_docs - len(docs) > 300 else "small"
        for d in generate_corpus(seed=s, scale=scale).documents:
            t = d.truth
            if t["expected_status"] != "accepted" or t["duplicate_of"] or len(docs) >= n_docs:
                continue
            doc_id = f"{s}-{len(docs):06d}"
            text = d.plain_text()
            num = t["agreement_number"]
            docs.append(
                {
                    "doc_id": doc_id,
                    "text": text,
                    "raw_text": text,
                    "health_trust": t["health_trust"],
                    "municipalities": [m for m in t["municipalities"].split(";") if m],
                    "is_template": t["is_template"] == "true",
                    "agreement_kind": t["agreement_kind"],
                    "agreement_number": int(num) if num.isdigit() else None,
                    "year": int(t["year"]),
                    "language_form": t["language_form"],
                }
            )
            for k, sec in enumerate(d.sections):
                secs.append(
                    {
                        "doc_id": doc_id,
                        "section_id": f"{doc_id}-s{k:03d}",
                        "text": "\n".join([f"{sec.number} {sec.heading}".strip(), *sec.paras]),
                    }
                )
        s += 1
    return pd.DataFrame(docs), pd.DataFrame(secs)


def bench_signatures(n_docs: int = 2000, n_update: int = 200) -> dict:
    """Docs/s of our path versus datasketch update() and bulk on identical hash values."""
    from datasketch import MinHash

    from avtaleanalyse.similarity.minhash import signatures
    from avtaleanalyse.similarity.shingles import shingle_partition

    docs, _ = _corpus(n_docs)
    docs = docs.iloc[:n_docs]
    t = time.perf_counter()
    sh = shingle_partition(docs, common_form=True)
    t_shingle = time.perf_counter() - t
    t = time.perf_counter()
    sig = signatures(sh, num_perm=128, seed=1)
    t_ours = time.perf_counter() - t

    def hashfunc(b: bytes) -> int:
        return int.from_bytes(b, "little")

    byte_sets = [[int(h).to_bytes(4, "little") for h in sh.set_of(i)] for i in range(len(sh))]
    t = time.perf_counter()
    bulk = MinHash.bulk(byte_sets, num_perm=128, seed=1, scheme="affine32", hashfunc=hashfunc)
    t_bulk = time.perf_counter() - t
    t = time.perf_counter()
    upd = []
    for bs in byte_sets[:n_update]:
        m = MinHash(num_perm=128, seed=1, scheme="affine32", hashfunc=hashfunc)
        for b in bs:
            m.update(b)
        upd.append(m)
    t_upd = time.perf_counter() - t
    same = all(np.array_equal(m.hashvalues, sig[i]) for i, m in enumerate(bulk)) and all(
        np.array_equal(m.hashvalues, sig[i]) for i, m in enumerate(upd)
    )
    n = len(sh)
    return {
        "documents": n,
        "mean_words": float(np.mean(sh.n_tokens)),
        "mean_distinct_shingles": float(np.mean(sh.set_sizes())),
        "ours_signatures_docs_per_s": n / t_ours,
        "ours_text_to_signature_docs_per_s": n / (t_ours + t_shingle),
        "datasketch_bulk_docs_per_s": n / t_bulk,
        "datasketch_update_docs_per_s": n_update / t_upd,
        "speedup_vs_bulk": t_bulk / t_ours,
        "speedup_vs_update": (t_upd / n_update) / (t_ours / n),
        "identical_signatures": bool(same),
    }


def bench_recall(n_docs: int = 2000, thresholds=(0.3, 0.4, 0.5, 0.6)) -> dict:
    """Share of exact pairs with J >= 0.5 (and >= 0.8) that the LSH candidates contain."""
    from avtaleanalyse.similarity.candidates import all_pairs_exact, lsh_candidates
    from avtaleanalyse.similarity.minhash import signatures
    from avtaleanalyse.similarity.shingles import shingle_partition

    docs, _ = _corpus(n_docs, seed=1)
    docs = docs.iloc[:n_docs]
    sh = shingle_partition(docs)
    sig = signatures(sh)
    t = time.perf_counter()
    exact = all_pairs_exact(sh, min_jaccard=0.3)
    t_exact = time.perf_counter() - t
    out = {"documents": len(sh), "exact_all_pairs_s": t_exact,
           "pairs_j_ge_0.5": int((exact["jaccard"] >= 0.5).sum())}  # fmt: skip
    key = exact["i"].to_numpy() * len(sh) + exact["j"].to_numpy()
    for th in thresholds:
        t = time.perf_counter()
        c = lsh_candidates(sig, threshold=th)
        dt = time.perf_counter() - t
        ck = c[:, 0] * len(sh) + c[:, 1]
        hit = np.isin(key, ck)
        for jmin in (0.5, 0.8):
            sel = exact["jaccard"].to_numpy() >= jmin
            out[f"recall_J>={jmin}_lsh{th}"] = float(hit[sel].mean()) if sel.any() else None
        out[f"candidates_lsh{th}"] = int(len(c))
        out[f"lsh_s_{th}"] = dt
    return out


_CHILD = r"""
import json, os, resource, sys, threading, time
import pandas as pd
import shutil, tempfile
from avtaleanalyse.similarity.run import SimilarityParams, TableWriter, similarity_tables


def rss_mb(field="VmRSS"):
    # current (VmRSS) or peak since the last reset (VmHWM) resident memory, Linux only
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def pss_mb(pid):
    # proportional set size: pages shared with forked workers are counted once in the sum
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


samples = []
tree = []  # (time, PSS of this process and its worker processes, number of workers)


def sample(stop):
    me = os.getpid()
    while not stop.is_set():
        now = time.perf_counter()
        samples.append((now, rss_mb()))
        kids = children(me)
        if kids:
            tree.append((now, pss_mb(me) + sum(pss_mb(k) for k in kids), len(kids)))
        stop.wait(INTERVAL)


from avtaleanalyse.similarity.run import read_inputs

t_read = time.perf_counter()
# as the similarity command reads the corpus: the sections are located while they are read
docs, secs, spans = read_inputs(sys.argv[1])
# as the command: the texts parked, unpacked by the stage where a step reads them
from avtaleanalyse.similarity.parked import park_texts
docs, texts = park_texts(docs)
t_read = time.perf_counter() - t_read
read_peak = rss_mb("VmHWM")  # this process's own peak so far: reading the corpus
rss_read = rss_mb()
with_sections = sys.argv[4] == "1"
INTERVAL = float(sys.argv[5])
if not with_sections:
    secs = spans = None
params = SimilarityParams(n_jobs=int(sys.argv[2]), adaptations=sys.argv[3] == "1",
                          sections=with_sections)
can_reset = reset_peak()
stop = threading.Event()
sampler = threading.Thread(target=sample, args=(stop,), daemon=True)
sampler.start()
# as the command runs it: each table written (to a scratch folder) once it is final
out_dir = tempfile.mkdtemp(prefix="bench-similarity-")
writer = TableWriter(out_dir)
t = time.perf_counter()
tables = similarity_tables(docs, secs, params=params, spans=spans, sink=writer,
                            texts=texts)
writer.commit(tables["_counts"], params)
wall = time.perf_counter() - t
shutil.rmtree(out_dir)
stop.set()
sampler.join()
stage_peak = rss_mb("VmHWM") if can_reset else None
# Not ru_maxrss: on Linux a child inherits its parent's high-water mark through fork/exec,
# so it would report the parent's peak (generating the corpus) whenever that is higher.
if read_peak is not None and stage_peak is not None:
    rss = max(read_peak, stage_peak)
elif read_peak is not None:
    rss = rss_mb("VmHWM")
else:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
steps = dict(zip(tables["timings"]["step"], tables["timings"]["seconds"].round(2)))
step_rss, step_tree, s0 = {}, {}, t
for name, sec in steps.items():
    vals = [m for tt, m in samples if s0 <= tt <= s0 + sec and m is not None]
    if vals:
        step_rss[name] = round(max(vals))
    vals = [m for tt, m, _ in tree if s0 <= tt <= s0 + sec]
    if vals:
        step_tree[name] = round(max(vals))
    s0 += sec
# with worker processes: the peak of their summed PSS (sampled) if above this process's own
tree_peak = max((m for _, m, _ in tree), default=None)
workers = max((k for _, _, k in tree), default=0)
if tree_peak is not None:
    rss = max(rss, tree_peak)
print(json.dumps({"documents": len(docs), "seconds": wall, "read_seconds": t_read,
                  "total_seconds": t_read + wall, "peak_rss_mb": rss,
                  "tree_peak_pss_mb": tree_peak, "max_workers": workers,
                  "read_peak_rss_mb": read_peak, "rss_after_read_mb": rss_read,
                  "stage_peak_rss_mb": stage_peak, "sample_interval": INTERVAL,
                  "memory_samples": len(samples),
                  "write_seconds": writer.seconds, "pairs": writer.rows["pairs"],
                  "candidates": int(tables["_counts"].set_index("what").at["candidates", "n"]),
                  "families": writer.rows["prototypes"],  # one prototype a family
                  "steps": steps, "step_max_rss_mb": step_rss,
                  "step_max_tree_pss_mb": step_tree}))
"""


def bench_stage(
    sizes,
    *,
    n_jobs: int = 1,
    adaptations: bool = False,
    sections: bool = False,
    corpus: str = "demo",
    sample_interval: float = 0.5,
) -> list[dict]:
    """Whole-stage wall time and peak memory per corpus size, each in a fresh subprocess
    that reads a corpus folder (``documents.parquet``, ``sections.parquet``) as the
    ``similarity`` command does."""
    from avtaleanalyse import schema
    from avtaleanalyse.io import write_table

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            if corpus == "demo":
                docs, secs = _demo_corpus(n)
            else:
                docs, _ = _corpus(n, seed=2)
                docs["raw_text"] = docs["text"]
                secs = pd.DataFrame(columns=["doc_id", "section_id", "text"])
            folder = Path(tmp) / f"corpus_{n}"
            write_table(docs, folder / schema.DOCUMENTS_FILE)  # as ingest writes it
            write_table(secs, folder / schema.SECTIONS_FILE)
            words = int(docs["text"].str.split().str.len().median())
            del docs, secs
            res = subprocess.run(
                [sys.executable, "-c", _CHILD, str(folder), str(n_jobs),
                 "1" if adaptations else "0", "1" if sections else "0", str(sample_interval)],
                capture_output=True,
                text=True,
                check=True,
            )  # fmt: skip
            rec = json.loads(res.stdout.strip().splitlines()[-1])
            rec.update(n_jobs=n_jobs, adaptations=adaptations, sections=sections, corpus=corpus,
                       median_words=words)  # fmt: skip
            print(json.dumps(rec), flush=True)
            out.append(rec)
    return out


def growth(records: list[dict]) -> pd.DataFrame:
    """Each size next to the previous one: how documents, time, memory, candidates and
    reported pairs grew, and the time per 1,000 documents and per 100,000 candidates.

    Exact verification costs in proportion to the candidates, so the stage is linear in
    the documents only while the candidates are: where they grow faster (documents that
    are genuinely similar to more and more others), time follows them, not the documents.
    """
    df = pd.DataFrame(records)[["documents", "seconds", "peak_rss_mb", "candidates", "pairs"]]
    out = df.copy()
    out["s_per_1k_docs"] = (df["seconds"] / df["documents"] * 1e3).round(2)
    out["s_per_100k_candidates"] = (df["seconds"] / df["candidates"].clip(lower=1) * 1e5).round(2)
    for col in ("documents", "seconds", "candidates", "pairs"):
        out[f"x_{col}"] = (df[col] / df[col].shift()).round(2)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="include the 100k-document run")
    ap.add_argument("--sizes", type=int, nargs="*", default=None)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--adaptations", action="store_true", help="include local passages")
    ap.add_argument("--sections", action="store_true", help="include section-level pairs")
    ap.add_argument(
        "--corpus",
        choices=("demo", "synthetic"),
        default="demo",
        help="demo: the demo generator scaled by seeds (default); synthetic: the "
        "template-plus-edits generator of the tests (every copy edited, longer documents)",
    )
    ap.add_argument("--skip-micro", action="store_true", help="only the whole-stage runs")
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    ap.add_argument(
        "--sample-interval",
        type=float,
        default=0.5,
        help="seconds between memory samples of the stage and its workers (each sample "
        "walks their page tables: at 0.05 s it slowed the 100k stage by a quarter)",
    )
    args = ap.parse_args(argv)
    results: dict = {}
    if not args.skip_micro:
        results["signatures"] = bench_signatures()
        print(json.dumps(results["signatures"], indent=1), flush=True)
        results["recall"] = bench_recall()
        print(json.dumps(results["recall"], indent=1), flush=True)
    sizes = args.sizes or ([1000, 10000, 100000] if args.full else [1000, 10000])
    results["stage"] = bench_stage(
        sizes,
        n_jobs=args.n_jobs,
        adaptations=args.adaptations,
        sections=args.sections,
        corpus=args.corpus,
        sample_interval=args.sample_interval,
    )
    results["growth"] = growth(results["stage"]).to_dict(orient="records")
    print(growth(results["stage"]).to_string(index=False), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
