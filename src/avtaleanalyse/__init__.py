"""avtaleanalyse: research analytics for Norwegian municipality–health trust agreements.

Stages (each a subpackage, data flowing one way)::

    demo      synthetic national corpus with ground truth
    ingest    raw files -> documents / sections tables
    similarity, topics, coverage   analyses over the corpus tables
    plotting  figures from tables
    report    notebooks and the yearly report
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
