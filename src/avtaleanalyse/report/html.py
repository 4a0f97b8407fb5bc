"""An executed report notebook -> one self-contained HTML file (no external scripts or styles)."""

from __future__ import annotations

import copy
import html
import re

import nbformat

__all__ = ["CSS", "external_references", "notebook_to_html"]

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1.5rem; color: #1a1a1a; line-height: 1.5; }
h1 { font-size: 1.9rem; border-bottom: 3px solid #0072B2; padding-bottom: .3rem; }
h2 { font-size: 1.4rem; margin-top: 2.5rem; color: #0b3d66; }
blockquote { border-left: 5px solid #E69F00; background: #fff6e5; margin: 1rem 0;
             padding: .6rem 1rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .7rem; text-align: left; }
th { background: #eef4fa; }
img { max-width: 100%; height: auto; margin: .5rem 0 1.5rem 0; }
.jp-OutputPrompt, .jp-InputPrompt, .prompt { display: none; }
pre { white-space: pre-wrap; }
footer { margin-top: 3rem; font-size: .8rem; color: #555; }
"""


def external_references(html: str) -> list[str]:
    """Every script, stylesheet or image the HTML would fetch from elsewhere."""
    return re.findall(
        r"<(?:script|link|img)[^>]+(?:src|href)=[\"'](?:https?:)?//[^\"']+", html, flags=re.I
    )


def _images_with_alt(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose PNG outputs with ``alt`` metadata are ``<img … alt=…>`` HTML.

    nbconvert's templates drop image metadata other than width and height, so images that
    carry a text alternative are turned into HTML outputs that keep it.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            meta = out.get("metadata", {})
            alt = meta.get("alt") or meta.get("image/png", {}).get("alt")
            if "image/png" in data and alt:
                png = "".join(data["image/png"].split())
                out["data"] = {
                    "text/html": f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}">'
                }
    return nb


def notebook_to_html(nb: nbformat.NotebookNode, *, title: str, footer: str = "") -> str:
    """Render an executed notebook's outputs (no code) as one self-contained HTML page.

    Uses nbconvert's ``basic`` template (body only, no scripts), embeds images as data URIs
    and wraps the result in a page with the project's own inline CSS.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    body, _resources = exporter.from_notebook_node(_images_with_alt(nb))
    page = (
        '<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        f"<footer>{footer}</footer>\n</body>\n</html>\n"
    )
    leaks = external_references(page)
    if leaks:
        raise ValueError(f"report HTML would load external resources: {leaks[:3]}")
    return page
