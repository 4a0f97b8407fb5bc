"""Theme coverage of the agreements, traceable to evidence sentences.

Dictionary-based: brukermedvirkning (none/generic/concrete), pasient- og brukererfaringer,
kompetanseoverføring (none/hf_to_kommune/mutual/unclear) and the 13 points of § 6-2.
:mod:`avtaleanalyse.coverage.evidence` renders the page of documents and sentences behind
every share, and the tables that link into it.
"""

from avtaleanalyse.coverage.analysis import coverage_table, evidence_for, trust_themes
from avtaleanalyse.coverage.checklist import in_force, municipality_checklist, required_points
from avtaleanalyse.coverage.coding import coding_sample, cohen_kappa, score_coding
from avtaleanalyse.coverage.dictionary import load_dictionary
from avtaleanalyse.coverage.evidence import (
    evidence_page,
    linked_checklist,
    linked_trust_table,
    table_html,
)

__all__ = [
    "coding_sample",
    "cohen_kappa",
    "coverage_table",
    "evidence_for",
    "evidence_page",
    "in_force",
    "linked_checklist",
    "linked_trust_table",
    "load_dictionary",
    "municipality_checklist",
    "required_points",
    "score_coding",
    "table_html",
    "trust_themes",
]
