"""Ingestion of a folder: every file becomes a document (with sections) or a reject.

:func:`ingest_folder` walks INPUT_DIR recursively in sorted order, hashes every file,
keeps one of each set of identical files, reads and cleans the rest (optionally in a fixed
number of worker processes), infers metadata and sections, and lets a manifest's values win.
The result is three DataFrames with the columns of the table contract (DESIGN.md); the
``ingest`` command writes them. The same folder always gives the same rows in the same order,
whatever ``n_jobs`` is.
"""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from avtaleanalyse import schema as S
from avtaleanalyse.ingest.cleaning import clean_pages, clean_text, docplayer_title
from avtaleanalyse.ingest.readers import RawDocument, ReadError, Reason, read_document

__all__ = [
    "DOCUMENTS_SCHEMA",
    "REJECTS_SCHEMA",
    "SECTIONS_SCHEMA",
    "IngestResult",
    "doc_id_for",
    "ingest_folder",
    "list_input_files",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

DOCUMENTS_SCHEMA = pa.schema(
    [
        (S.DOC_ID, pa.string()),
        (S.SOURCE_PATH, pa.string()),
        (S.SHA256, pa.string()),
        (S.FORMAT, pa.string()),
        (S.TITLE, pa.string()),
        (S.TEXT, pa.string()),
        (S.RAW_TEXT, pa.string()),
        (S.N_WORDS, pa.int64()),
        (S.N_PAGES, pa.int64()),
        (S.LANGUAGE_FORM, pa.string()),
        (S.AGREEMENT_KIND, pa.string()),
        (S.AGREEMENT_NUMBER, pa.int64()),
        (S.AGREEMENT_LABEL, pa.string()),
        (S.HEALTH_TRUST, pa.string()),
        (S.MUNICIPALITIES, pa.list_(pa.string())),
        (S.MUNICIPALITY_NUMBERS, pa.list_(pa.string())),
        (S.YEAR, pa.int64()),
        (S.NEEDS_OCR, pa.bool_()),
        (S.IS_TEMPLATE, pa.bool_()),
        (S.METADATA_SOURCE, pa.string()),
    ]
)
SECTIONS_SCHEMA = pa.schema(
    [
        (S.DOC_ID, pa.string()),
        (S.SECTION_ID, pa.string()),
        (S.POSITION, pa.int64()),
        (S.NUMBER, pa.string()),
        (S.HEADING, pa.string()),
        (S.LEVEL, pa.int64()),
        (S.TEXT, pa.string()),
    ]
)
REJECTS_SCHEMA = list(S.REJECT_COLUMNS)


@dataclass(frozen=True)
class IngestResult:
    """The three tables of one ingestion run (new DataFrames, sorted by key)."""

    documents: pd.DataFrame
    sections: pd.DataFrame
    rejects: pd.DataFrame
    n_files: int


def doc_id_for(sha256: str, source_path: str) -> str:
    """Stable document id: 16 hex digits of sha256(content hash, NUL, relative path)."""
    return hashlib.sha256(f"{sha256}\0{source_path}".encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def list_input_files(input_dir: str | os.PathLike[str]) -> tuple[list[str], list[dict]]:
    """All files below ``input_dir`` (relative POSIX paths, sorted) and early rejects.

    Symlinks are not followed out of the folder: a link whose target lies outside
    ``input_dir`` is rejected, and a link to a folder is listed (its files are read at the
    target when that is inside).
    """
    root = Path(input_dir).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"INPUT_DIR {input_dir} is not a folder")
    files, rejects = [], []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        for name in sorted(dirnames) + sorted(filenames):
            p = here / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                target = p.resolve()
                if not target.is_relative_to(root):
                    rejects.append(_reject(rel, Reason.SYMLINK_OUTSIDE, f"points to {target}"))
                    continue
                if target.is_dir():
                    rejects.append(
                        _reject(rel, Reason.SYMLINK_FOLDER, f"-> {target.relative_to(root)}")
                    )
                    continue
            if name in filenames:
                files.append(rel)
    return sorted(files), rejects


def _reject(source_path: str, reason: str, detail: str = "") -> dict:
    return {S.SOURCE_PATH: source_path, S.REASON: reason, S.DETAIL: detail}


def _process(args: tuple[str, str, str, int]) -> dict:
    """Read, clean and describe one file (runs in a worker process)."""
    from avtaleanalyse.ingest.metadata import infer_metadata
    from avtaleanalyse.ingest.sections import split_sections

    root, rel, sha, max_uncompressed = args
    try:
        raw: RawDocument = read_document(Path(root) / rel, max_uncompressed=max_uncompressed)
    except ReadError as exc:
        return {"reject": _reject(rel, exc.reason, exc.detail)}
    except Exception as exc:  # a reader bug must not stop the batch: say what happened
        return {"reject": _reject(rel, Reason.CORRUPT_DOCUMENT, f"{type(exc).__name__}: {exc}")}
    text = clean_pages(raw.pages) if raw.pages else clean_text(raw.text)
    if not re.search(r"\w{2,}", text):
        return {"reject": _reject(rel, Reason.NO_TEXT, f"{raw.format} file with no words")}
    title_hint = raw.title_hint or docplayer_title(raw.text)
    meta = infer_metadata(text, title_hint=title_hint, source_path=rel)
    doc_id = doc_id_for(sha, rel)
    doc = {
        S.DOC_ID: doc_id,
        S.SOURCE_PATH: rel,
        S.SHA256: sha,
        S.FORMAT: raw.format,
        S.TEXT: text,
        S.RAW_TEXT: raw.text,
        S.N_WORDS: len(re.findall(r"\w+", text)),
        S.N_PAGES: raw.n_pages,
        S.NEEDS_OCR: bool(raw.needs_ocr),
        **{k: meta.get(k) for k in _META_KEYS},
    }
    sections = [
        {
            S.DOC_ID: doc_id,
            S.SECTION_ID: f"{doc_id}-{i:04d}",
            S.POSITION: i,
            S.NUMBER: s.get("number"),
            S.HEADING: s.get("heading"),
            S.LEVEL: s.get("level"),
            S.TEXT: s.get("text"),
        }
        for i, s in enumerate(split_sections(text))
    ]
    return {"document": doc, "sections": sections}


_META_KEYS = (
    S.TITLE,
    S.LANGUAGE_FORM,
    S.AGREEMENT_KIND,
    S.AGREEMENT_NUMBER,
    S.AGREEMENT_LABEL,
    S.HEALTH_TRUST,
    S.MUNICIPALITIES,
    S.MUNICIPALITY_NUMBERS,
    S.YEAR,
    S.IS_TEMPLATE,
)


def ingest_folder(
    input_dir: str | os.PathLike[str],
    *,
    manifest: pd.DataFrame | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = 200 * 1024 * 1024,
    n_jobs: int = 1,
    progress: bool = False,
) -> IngestResult:
    """Turn a folder of agreement files into the corpus tables.

    Parameters
    ----------
    input_dir
        Folder read recursively.
    manifest
        Optional manifest as returned by :func:`avtaleanalyse.ingest.manifest.read_manifest`;
        its non-blank values win over inferred metadata.
    max_bytes
        Files larger than this are rejected without being read.
    max_uncompressed
        Zip-bomb guard for DOCX/ODT.
    n_jobs
        Worker processes (fixed; results do not depend on it).
    progress
        Show a progress bar on stderr.

    Returns
    -------
    IngestResult
        ``documents`` (columns :data:`avtaleanalyse.schema.DOCUMENT_COLUMNS`, sorted by
        doc_id), ``sections`` (doc_id, section_id, position, number, heading, level, text;
        sorted by doc_id, position), ``rejects`` (source_path, reason, detail; sorted by
        source_path), ``n_files``.
    """
    root = Path(input_dir).resolve()
    files, rejects = list_input_files(root)
    todo: list[tuple[str, str, str, int]] = []
    first_of: dict[str, str] = {}
    for rel in files:
        path = root / rel
        try:
            size = path.stat().st_size
        except OSError as exc:
            rejects.append(_reject(rel, Reason.UNREADABLE, str(exc)))
            continue
        if size == 0:
            rejects.append(_reject(rel, Reason.EMPTY))
            continue
        if size > max_bytes:
            rejects.append(_reject(rel, Reason.TOO_LARGE, f"{size:,} bytes > {max_bytes:,}"))
            continue
        sha = _sha256(path)
        if sha in first_of:  # files are sorted: the first path of a content is kept
            rejects.append(_reject(rel, Reason.DUPLICATE, f"duplicate of {first_of[sha]}"))
            continue
        first_of[sha] = rel
        todo.append((str(root), rel, sha, max_uncompressed))

    results = _run(todo, n_jobs=n_jobs, progress=progress)
    docs, sections = [], []
    for r in results:
        if "reject" in r:
            rejects.append(r["reject"])
        else:
            docs.append(r["document"])
            sections.extend(r["sections"])

    documents = pd.DataFrame(
        docs, columns=[c for c in S.DOCUMENT_COLUMNS if c != S.METADATA_SOURCE]
    )
    if manifest is not None:
        from avtaleanalyse.ingest.manifest import apply_manifest

        documents, manifest_rejects = apply_manifest(documents, manifest)
        read_paths = set(files)
        for row in manifest_rejects.to_dict("records"):
            if row[S.SOURCE_PATH] not in read_paths:  # a rejected file keeps its own reason
                rejects.append(row)
    else:
        documents[S.METADATA_SOURCE] = None
    documents = _typed(documents, DOCUMENTS_SCHEMA).sort_values(S.DOC_ID, kind="mergesort")
    sections_df = _typed(pd.DataFrame(sections, columns=SECTIONS_SCHEMA.names), SECTIONS_SCHEMA)
    sections_df = sections_df.sort_values([S.DOC_ID, S.POSITION], kind="mergesort")
    rejects_df = pd.DataFrame(rejects, columns=REJECTS_SCHEMA).sort_values(
        [S.SOURCE_PATH, S.REASON], kind="mergesort"
    )
    return IngestResult(
        documents=documents.reset_index(drop=True),
        sections=sections_df.reset_index(drop=True),
        rejects=rejects_df.reset_index(drop=True),
        n_files=len(files) + sum(1 for r in rejects if r[S.REASON] in _LINK_REASONS),
    )


_LINK_REASONS = (Reason.SYMLINK_OUTSIDE, Reason.SYMLINK_FOLDER)


def _run(todo, *, n_jobs: int, progress: bool) -> list[dict]:
    from tqdm import tqdm

    bar = dict(total=len(todo), disable=not progress, unit="fil", desc="ingest", leave=False)
    if n_jobs <= 1 or len(todo) < 20:
        return [_process(t) for t in tqdm(todo, **bar)]
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        return list(tqdm(pool.map(_process, todo, chunksize=8), **bar))


def _typed(df: pd.DataFrame, schema: pa.Schema) -> pd.DataFrame:
    """Columns in schema order with nullable dtypes, so empty columns keep their type."""
    df = df.copy()
    for f in schema:
        if f.name not in df.columns:
            df[f.name] = None
        if pa.types.is_integer(f.type):
            df[f.name] = pd.array(
                [None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else int(v)
                 for v in df[f.name]],
                dtype="Int64",
            )  # fmt: skip
        elif pa.types.is_boolean(f.type):
            df[f.name] = df[f.name].astype("boolean")
        elif pa.types.is_list(f.type):
            df[f.name] = [
                list(v) if v is not None and not isinstance(v, float) else [] for v in df[f.name]
            ]
    return df[schema.names]
