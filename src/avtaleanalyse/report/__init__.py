"""Notebooks and the yearly report."""
