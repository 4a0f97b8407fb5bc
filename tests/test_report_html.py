"""Report HTML assembly: no code, embedded images, nothing fetched from the network."""

from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
import nbformat
import pytest

from avtaleanalyse.report.html import external_references, notebook_to_html


def _png() -> str:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    md = nbformat.v4.new_markdown_cell("## Dekning\n\nSlik leser du figuren.")
    code = nbformat.v4.new_code_cell("secret_variable_name = 1")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": _png(), "text/plain": "<Figure>"})
    ]
    nb.cells = [md, code]
    return nb


def test_html_hides_code_and_embeds_figures():
    html = notebook_to_html(_notebook(), title="Årsrapport 2022", footer="fot")
    assert "secret_variable_name" not in html
    assert "data:image/png;base64," in html
    assert "Slik leser du figuren." in html
    assert "<title>Årsrapport 2022</title>" in html
    assert '<html lang="nb">' in html
    assert external_references(html) == []
    assert "<script" not in html.lower()


def test_external_references_are_detected():
    page = (
        '<script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/y.css">'
        '<img src="data:image/png;base64,AAAA">'
    )
    found = external_references(page)
    assert len(found) == 2


def test_notebook_to_html_refuses_external_resources():
    nb = _notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell('<img src="https://example.org/logo.png">'))
    with pytest.raises(ValueError, match="external"):
        notebook_to_html(nb, title="t")


def test_images_keep_their_alt_text_and_it_is_escaped():
    nb = _notebook()
    nb.cells[1].outputs.append(
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": _png()},
            metadata={"image/png": {"alt": 'Lokal andel per HF. Kilde: "demo" & n = 5'}},
        )
    )
    html = notebook_to_html(nb, title="t")
    from bs4 import BeautifulSoup

    alts = [img["alt"] for img in BeautifulSoup(html, "html.parser").find_all("img")]
    # the image without a description gets nbconvert's placeholder, ours keeps its text
    assert alts == [
        "No description has been provided for this image",
        'Lokal andel per HF. Kilde: "demo" & n = 5',
    ]
