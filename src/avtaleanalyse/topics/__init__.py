"""Topic models of the agreements: what they are about, and what local text is about.

Modules by responsibility: :mod:`.preprocess` (Norwegian analyzer), :mod:`.models` (LDA/NMF
over seeds), :mod:`.stability` (Hungarian matching), :mod:`.selection` (choosing k),
:mod:`.prevalence` (tables by group, template-versus-local contrast, purity),
:mod:`.labels` (topic labels) and :mod:`.run` (the ``topics`` command). See docs/topics.md.
"""

from avtaleanalyse.topics.labels import apply_labels, suggest_labels
from avtaleanalyse.topics.models import TopicModel, doc_topic_table, topic_term_table
from avtaleanalyse.topics.preprocess import NorwegianAnalyzer
from avtaleanalyse.topics.prevalence import (
    contrast_summary,
    dominant_topic_purity,
    topic_contrast,
    topic_prevalence,
)
from avtaleanalyse.topics.selection import choose_k, npmi_coherence, select_n_topics
from avtaleanalyse.topics.stability import match_topics, topic_stability

__all__ = [
    "NorwegianAnalyzer",
    "TopicModel",
    "apply_labels",
    "choose_k",
    "contrast_summary",
    "doc_topic_table",
    "dominant_topic_purity",
    "match_topics",
    "npmi_coherence",
    "select_n_topics",
    "suggest_labels",
    "topic_contrast",
    "topic_prevalence",
    "topic_stability",
    "topic_term_table",
]
