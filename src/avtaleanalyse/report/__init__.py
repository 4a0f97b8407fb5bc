"""Notebooks and the yearly report: content functions, asset saving and HTML rendering."""

from avtaleanalyse.report.assets import save_figure, save_table
from avtaleanalyse.report.content import (
    ReportInputs,
    coverage_summary,
    filter_region,
    front_page,
    generation_change,
    in_force,
    is_synthetic,
    key_figures,
    load_inputs,
    missing_stage_note,
    national_model_source,
)
from avtaleanalyse.report.html import notebook_to_html

__all__ = [
    "ReportInputs",
    "coverage_summary",
    "filter_region",
    "front_page",
    "generation_change",
    "in_force",
    "is_synthetic",
    "key_figures",
    "load_inputs",
    "missing_stage_note",
    "national_model_source",
    "notebook_to_html",
    "save_figure",
    "save_table",
]
