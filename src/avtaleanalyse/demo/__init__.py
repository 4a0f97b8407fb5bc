"""Synthetic national agreement corpus with planted ground truth."""
