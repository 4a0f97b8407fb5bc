"""Ingestion: raw agreement files -> clean, typed corpus tables."""
