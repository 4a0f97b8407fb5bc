"""All disk access of the library: tables, provenance, cached artefacts."""

from avtaleanalyse.io.provenance import package_versions, provenance
from avtaleanalyse.io.tables import (
    atomic_path,
    read_corpus,
    read_csv,
    read_json,
    read_table,
    write_csv,
    write_json,
    write_table,
    write_text,
)

__all__ = [
    "atomic_path",
    "package_versions",
    "provenance",
    "read_corpus",
    "read_csv",
    "read_json",
    "read_table",
    "write_csv",
    "write_json",
    "write_table",
    "write_text",
]
