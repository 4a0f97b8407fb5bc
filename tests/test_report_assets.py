"""Report assets: figures and tables are written identically on every run."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from avtaleanalyse.report.assets import save_table

SCRIPT = """
import sys, matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
from avtaleanalyse.report.assets import save_figure
fig, ax = plt.subplots()
ax.bar(["a", "b"], [1, 2])
ax.set_title("Tittel")
save_figure(fig, "figur", sys.argv[1])
"""


def test_png_and_svg_are_byte_identical_across_processes(tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run([sys.executable, "-c", SCRIPT, str(out)], check=True)
        outs.append(out)
    for ext in ("png", "svg"):
        assert (outs[0] / f"figur.{ext}").read_bytes() == (outs[1] / f"figur.{ext}").read_bytes(), (
            ext
        )


def test_none_folder_writes_nothing_and_tables_are_csv(tmp_path):
    df = pd.DataFrame({"Mål": ["Dokumenter"], "Verdi": ["5 123"]})
    assert save_table(df, "t", None) is df
    save_table(df, "t", tmp_path)
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "Mål,Verdi\nDokumenter,5 123\n"


def test_alt_text_joins_title_panel_titles_and_caption_once():
    import matplotlib.pyplot as plt

    from avtaleanalyse.report.assets import figure_alt_text

    fig, (a, b) = plt.subplots(1, 2)
    fig.suptitle("Lite lokal tekst")
    a.set_title("Bokmål", loc="left")  # the project style puts titles on the left
    b.set_title("Bokmål")
    fig.text(0, 0, "Kilde: demokorpus, n = 12")
    assert figure_alt_text(fig) == "Lite lokal tekst. Bokmål. Kilde: demokorpus, n = 12"
    plt.close(fig)
