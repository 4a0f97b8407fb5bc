"""Standardisation versus local adaptation: MinHash similarity and template families.

Stages, each a pure function over in-memory data (``run`` does the I/O):
normalise (:mod:`.normalize`) → shingle (:mod:`.shingles`) → MinHash signatures
(:mod:`.minhash`, bit-identical to datasketch 2.0.0 ``affine32``) → LSH candidates and exact
overlaps (:mod:`.candidates`) → template families (:mod:`.families`) → prototypes and the
national model (:mod:`.prototypes`) → standardisation indices (:mod:`.indices`) and local
adaptations (:mod:`.adaptations`); the delavtale 6 replication in :mod:`.replication`.
"""

from avtaleanalyse.similarity.adaptations import local_adaptations, side_by_side_html
from avtaleanalyse.similarity.candidates import (
    all_pairs_exact,
    band_keys,
    lsh_candidates,
    lsh_params,
    overlap_counts,
    pairs_from_band_keys,
    score_pairs,
    sets_without,
)
from avtaleanalyse.similarity.families import boilerplate_shingles, cluster_families
from avtaleanalyse.similarity.indices import aggregate_indices, document_indices
from avtaleanalyse.similarity.minhash import permutations, signatures, to_lean_minhash
from avtaleanalyse.similarity.normalize import normalize_tokens
from avtaleanalyse.similarity.prototypes import family_prototypes, national_model
from avtaleanalyse.similarity.replication import knowledge_transfer_pairs, within_across_summary
from avtaleanalyse.similarity.shingles import Shingled, shingle_hash, shingle_partition

__all__ = [
    "Shingled",
    "aggregate_indices",
    "all_pairs_exact",
    "band_keys",
    "boilerplate_shingles",
    "cluster_families",
    "document_indices",
    "family_prototypes",
    "knowledge_transfer_pairs",
    "local_adaptations",
    "lsh_candidates",
    "lsh_params",
    "national_model",
    "normalize_tokens",
    "overlap_counts",
    "pairs_from_band_keys",
    "permutations",
    "score_pairs",
    "sets_without",
    "shingle_hash",
    "shingle_partition",
    "side_by_side_html",
    "signatures",
    "to_lean_minhash",
    "within_across_summary",
]
