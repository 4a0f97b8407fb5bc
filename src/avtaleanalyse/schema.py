"""Column names and table names: the contract that outside evaluation scripts read.

Every table in the pipeline is keyed by ``doc_id`` (and ``section_id`` for sections).
Column names live here and nowhere else; modules import the constants instead of
spelling the strings. See ``DESIGN.md`` ("Table contract") for the meaning of each.
"""

from __future__ import annotations

# --- keys -------------------------------------------------------------------------
DOC_ID = "doc_id"
SECTION_ID = "section_id"

# --- documents.parquet ------------------------------------------------------------
SOURCE_PATH = "source_path"
SHA256 = "sha256"
FORMAT = "format"
TITLE = "title"
TEXT = "text"
RAW_TEXT = "raw_text"
N_WORDS = "n_words"
N_PAGES = "n_pages"
LANGUAGE_FORM = "language_form"
AGREEMENT_KIND = "agreement_kind"
AGREEMENT_NUMBER = "agreement_number"
AGREEMENT_LABEL = "agreement_label"  # the number as written, e.g. "2A" or "11 og 12"
HEALTH_TRUST = "health_trust"
MUNICIPALITIES = "municipalities"
MUNICIPALITY_NUMBERS = "municipality_numbers"
YEAR = "year"
NEEDS_OCR = "needs_ocr"
IS_TEMPLATE = "is_template"
METADATA_SOURCE = "metadata_source"  # per-field provenance: "manifest" or "inferred"

DOCUMENT_COLUMNS = (
    DOC_ID,
    SOURCE_PATH,
    SHA256,
    FORMAT,
    TITLE,
    TEXT,
    RAW_TEXT,
    N_WORDS,
    N_PAGES,
    LANGUAGE_FORM,
    AGREEMENT_KIND,
    AGREEMENT_NUMBER,
    AGREEMENT_LABEL,
    HEALTH_TRUST,
    MUNICIPALITIES,
    MUNICIPALITY_NUMBERS,
    YEAR,
    NEEDS_OCR,
    IS_TEMPLATE,
    METADATA_SOURCE,
)

FORMATS = ("pdf", "docx", "odt", "html", "txt", "rtf")
LANGUAGE_FORMS = ("bokmal", "nynorsk")
AGREEMENT_KINDS = ("overordnet", "delavtale", "tjenesteavtale", "saeravtale", "annet")

# --- sections.parquet -------------------------------------------------------------
HEADING = "heading"
NUMBER = "number"
POSITION = "position"  # 0-based order of the section within its document
LEVEL = "level"
SECTION_COLUMNS = (DOC_ID, SECTION_ID, POSITION, NUMBER, HEADING, LEVEL, TEXT)

# --- rejects.csv ------------------------------------------------------------------
REASON = "reason"
DETAIL = "detail"
REJECT_COLUMNS = (SOURCE_PATH, REASON, DETAIL)

# --- similarity -------------------------------------------------------------------
DOC_A = "doc_a"
DOC_B = "doc_b"
JACCARD = "jaccard"
CONTAINMENT_AB = "containment_ab"
CONTAINMENT_BA = "containment_ba"
JACCARD_MINHASH = "jaccard_minhash"
FAMILY_ID = "family_id"

# --- topics -----------------------------------------------------------------------
TOPIC = "topic"
RANK = "rank"
TERM = "term"
WEIGHT = "weight"
LABEL = "label"
SHARE = "share"

# --- coverage ---------------------------------------------------------------------
THEME = "theme"
PRESENT = "present"
DIRECTION = "direction"
EVIDENCE = "evidence"
COVERAGE_THEMES = (
    "brukermedvirkning",
    "pasient_brukererfaringer",
    "kompetanseoverforing",
    *(f"paragraph_6_2_point_{i}" for i in range(1, 14)),
)
BRUKERMEDVIRKNING_LEVELS = ("none", "generic", "concrete")
KOMPETANSE_DIRECTIONS = ("none", "hf_to_kommune", "mutual", "unclear")

# --- table file names (inside a corpus / output folder) ---------------------------
DOCUMENTS_FILE = "documents.parquet"
SECTIONS_FILE = "sections.parquet"
REJECTS_FILE = "rejects.csv"
PAIRS_FILE = "pairs.parquet"
FAMILIES_FILE = "families.parquet"
STANDARDISATION_FILE = "standardisation.parquet"
ADAPTATIONS_FILE = "adaptations.parquet"
TOPICS_FILE = "topics.parquet"
DOC_TOPICS_FILE = "doc_topics.parquet"
COVERAGE_FILE = "coverage.parquet"
PARAMETERS_FILE = "parameters.json"
