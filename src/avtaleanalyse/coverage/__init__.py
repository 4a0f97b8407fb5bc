"""Theme coverage of the agreements, traceable to evidence sentences.

Dictionary-based: brukermedvirkning (none/generic/concrete), pasient- og brukererfaringer,
kompetanseoverføring (none/hf_to_kommune/mutual/unclear) and the 13 points of § 6-2.
"""

from avtaleanalyse.coverage.analysis import coverage_table, evidence_for, trust_themes
from avtaleanalyse.coverage.checklist import in_force, municipality_checklist, required_points
from avtaleanalyse.coverage.coding import coding_sample, cohen_kappa, score_coding
from avtaleanalyse.coverage.dictionary import load_dictionary

__all__ = [
    "coding_sample",
    "cohen_kappa",
    "coverage_table",
    "evidence_for",
    "in_force",
    "load_dictionary",
    "municipality_checklist",
    "required_points",
    "score_coding",
    "trust_themes",
]
