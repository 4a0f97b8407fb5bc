"""Synthetic national agreement corpus with planted ground truth ("Demokorpus – syntetiske avtaler")."""

from avtaleanalyse.demo.generate import SYNTHETIC_LABEL, DemoCorpus, DemoDocument, generate_corpus
from avtaleanalyse.demo.writers import write_corpus

__all__ = ["SYNTHETIC_LABEL", "DemoCorpus", "DemoDocument", "generate_corpus", "write_corpus"]
