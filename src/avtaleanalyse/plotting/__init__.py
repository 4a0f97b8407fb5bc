"""Figures from tables: plot functions take a table (and an optional ``ax``) and return the figure."""
