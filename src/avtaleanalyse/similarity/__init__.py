"""Standardisation versus local adaptation: MinHash similarity and template families."""
