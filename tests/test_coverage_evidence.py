"""The evidence page: every figure of the coverage tables links to the documents behind it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from avtaleanalyse import cli
from avtaleanalyse import schema as S
from avtaleanalyse.coverage import (
    evidence_page,
    linked_checklist,
    linked_trust_table,
    municipality_checklist,
    table_html,
    trust_themes,
)
from avtaleanalyse.coverage.analysis import EVIDENCE_SEPARATOR
from avtaleanalyse.coverage.evidence import (
    EVIDENCE_FILE,
    TRUST_MEASURES,
    municipality_anchor,
    slugify,
    theme_anchor,
)
from avtaleanalyse.io import read_corpus, read_table

_COUNT = re.compile(r"\((\d+) av (\d+)\)")


# --- a small hand-made corpus ----------------------------------------------------------


def _documents() -> pd.DataFrame:
    rows = [
        # doc_id, title, trust, year, municipalities, kind, label
        ("d1", "Delavtale 2 – Bærum", "Vestre Viken HF", 2022, ["Bærum"], "delavtale", "2"),
        ("d2", "Overordnet avtale <b>fet</b>", "Vestre Viken HF", 2022, ["Bærum"], "overordnet", None),
        ("d3", "Delavtale 6 – Åsnes", "Sykehuset Innlandet HF", 2022, ["Åsnes"], "delavtale", "6"),
        ("d4", "Delavtale 4 – Åsnes", "Sykehuset Innlandet HF", 2022, ["Åsnes"], "delavtale", "4"),
        ("d5", "Mal for delavtale 6", "Sykehuset Innlandet HF", 2022, [], "delavtale", "6"),
        ("d6", "Delavtale 11 og 12", "Vestre Viken HF", 2021, ["Bærum", "Asker"], "delavtale", "11 og 12"),
        ("d7", "Avtale uten helseforetak", None, None, ["Åsnes"], "annet", None),
    ]  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=[
            S.DOC_ID,
            S.TITLE,
            S.HEALTH_TRUST,
            S.YEAR,
            S.MUNICIPALITIES,
            S.AGREEMENT_KIND,
            S.AGREEMENT_LABEL,
        ],
    ).assign(**{S.YEAR: lambda d: d[S.YEAR].astype("Int64")})


_BM = {  # doc_id → (level, evidence)
    "d1": ("concrete", "kommunens [[brukerutvalg]] skal delta | <script>alert(1)</script> [[x]]"),
    "d2": ("generic", "[[brukermedvirkning]] skal ivaretas"),
    "d3": ("generic", "[[brukarmedverknad]] på alle nivå"),
    "d6": ("concrete", "et [[eldreråd]] & en representant"),
}
_KO = {"d3": ("mutual", "[[gjensidig]] [[kompetanseoverføring]]"), "d4": ("hf_to_kommune", "…")}
_PE = {"d1": "bruk av [[pasient- og brukererfaringer]]"}
_POINTS = {
    ("d1", 2): "tittel: [[habilitering]]",
    ("d2", 1): "overordnet samarbeidsavtale",
    ("d3", 6): "tittel: [[kunnskapsoverføring]]",
    ("d4", 4): "avtalenummer 4",
    ("d5", 6): "avtalenummer 6",
    ("d6", 11): "avtalenummer 11 og 12",
    ("d6", 12): "avtalenummer 11 og 12",
    ("d7", 1): "tittel: <i>ansvar</i>",
}


def _coverage(documents: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for d in documents[S.DOC_ID]:
        level, ev = _BM.get(d, ("none", ""))
        rows.append((d, "brukermedvirkning", level != "none", level, None, ev))
        rows.append((d, "pasient_brukererfaringer", d in _PE, None, None, _PE.get(d, "")))
        direction, ev = _KO.get(d, ("none", ""))
        rows.append((d, "kompetanseoverforing", direction != "none", None, direction, ev))
        for p in range(1, 14):
            ev = _POINTS.get((d, p), "")
            rows.append((d, f"paragraph_6_2_point_{p}", bool(ev), None, None, ev))
    return pd.DataFrame(
        rows, columns=[S.DOC_ID, S.THEME, S.PRESENT, S.LEVEL, S.DIRECTION, S.EVIDENCE]
    )


@pytest.fixture(scope="module")
def hand():
    documents = _documents()
    coverage = _coverage(documents)
    checklist = municipality_checklist(documents, coverage, year=2022)
    return documents, coverage, checklist, trust_themes(documents, coverage)


# --- checks shared by the hand-made and the demo corpus ---------------------------------


def _anchor(href: str) -> str:
    assert href.startswith(f"{EVIDENCE_FILE}#"), href
    return href.split("#", 1)[1]


def _docs(node, *, present: bool | None = None) -> list:
    items = node.select("li.doc")
    if present is not None:
        items = [li for li in items if li["data-present"] == str(present).lower()]
    return items


def _check_links_and_counts(page: str, documents, coverage, checklist, themes) -> int:
    """Every link target exists; every figure equals the documents its block lists."""
    soup = BeautifulSoup(page, "html.parser")
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate anchors"
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), "anchors are ASCII slugs"
    ids = set(ids)
    # links inside the page resolve too
    for a in soup.find_all("a", href=True):
        assert a["href"].startswith("#") and a["href"][1:] in ids, a["href"]

    meta = documents.set_index(S.DOC_ID)
    checked = 0
    table = BeautifulSoup(table_html(linked_trust_table(themes)), "html.parser")
    header = [th.get_text() for th in table.select("thead th")]
    for tr, row in zip(table.select("tbody tr"), themes.to_dict("records"), strict=True):
        cells = dict(zip(header, tr.find_all("td"), strict=True))
        for (col, (theme, column, value)), label in zip(
            TRUST_MEASURES.items(), header[3:], strict=True
        ):
            a = cells[label].find("a")
            anchor = _anchor(a["href"])
            assert anchor == theme_anchor(theme, row[S.HEALTH_TRUST], row[S.YEAR])
            assert anchor in ids
            block = soup.find(id=anchor)
            count, n = map(int, _COUNT.search(a.get_text()).groups())
            assert n == row["n_documents"] == len(_docs(block)) == int(block["data-n"])
            listed = _docs(block, present=True)
            if value is not None:
                listed = [li for li in listed if li[f"data-{column}"] == value]
            assert count == len(listed) == round(row[col] * n)
            # exactly the documents of that trust and year with the theme present
            trust = meta[S.HEALTH_TRUST].fillna("(ukjent)")
            year = meta[S.YEAR].astype("Int64")
            in_cell = (trust == row[S.HEALTH_TRUST]) & (
                year.isna() if pd.isna(row[S.YEAR]) else (year == row[S.YEAR]).fillna(False)
            )
            cov = coverage[coverage[S.THEME] == theme].set_index(S.DOC_ID)
            hit = cov[S.PRESENT] if value is None else cov[column] == value
            expected = set(meta.index[in_cell.to_numpy()]) & set(hit.index[hit.to_numpy()])
            assert {li["data-doc-id"] for li in listed} == expected
            checked += 1

    table = BeautifulSoup(table_html(linked_checklist(checklist)), "html.parser")
    groups = checklist.assign(_t=checklist[S.HEALTH_TRUST].fillna("")).groupby(
        ["municipality", "_t", S.YEAR], sort=True
    )
    rows = table.select("tbody tr")
    assert len(rows) == groups.ngroups
    for tr, ((muni, trust, year), g) in zip(rows, groups, strict=True):
        tds = tr.find_all("td")
        assert tds[0].get_text() == muni
        a = tds[3].find("a")
        anchor = _anchor(a["href"])
        assert anchor == municipality_anchor(muni, year, trust) and anchor in ids
        assert municipality_anchor(muni, year) in ids  # the municipality-year block
        part = soup.find(id=anchor)
        covered, required = map(int, re.fullmatch(r"(\d+) av (\d+)", a.get_text()).groups())
        assert required == g["required"].sum()
        assert covered == (g["required"] & g["covered"]).sum()
        points = part.select("details.point")
        assert covered == sum(
            p["data-required"] == "true" and p["data-covered"] == "true" for p in points
        )
        missing = [_anchor(x["href"]) for x in tds[4].find_all("a")]
        assert all(m in ids for m in missing)
        assert len(missing) == required - covered
        for r in g.to_dict("records"):
            point = part.find(id=municipality_anchor(muni, year, trust, r["point"]))
            listed = {li["data-doc-id"] for li in _docs(point)}
            assert listed == {d for d in r["doc_ids"].split(";") if d}
            assert point["data-covered"] == str(r["covered"]).lower()
            checked += 1
        # the documents in force (the denominator) include every document that covers a point
        in_force = {li["data-doc-id"] for li in part.select("ul.in-force > li.doc")}
        assert int(part["data-n"]) == len(in_force)
        assert {d for ids_ in g["doc_ids"] for d in ids_.split(";") if d} <= in_force
    return checked


def _check_self_contained(page: str) -> None:
    assert not re.search(r"https?://", page)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"\ssrc\s*=", page)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page


# --- hand-made corpus ----------------------------------------------------------------


def test_slugs_and_anchors_are_ascii_and_stable():
    assert slugify("Helse Førde HF") == "helse-forde-hf"
    assert slugify("Bærum") == "baerum" and slugify("Åsnes") == "asnes"
    assert slugify("Guovdageaidnu – Kautokeino") == "guovdageaidnu-kautokeino"
    assert slugify(None) == slugify(pd.NA) == slugify("  ") == "ukjent"
    assert theme_anchor("brukermedvirkning", "Helse Bergen HF", 2022) == "bm-helse-bergen-hf-2022"
    assert theme_anchor("kompetanseoverforing", None, pd.NA) == "ko-ukjent-ukjent"
    assert theme_anchor("pasient_brukererfaringer", "X", np.int64(2013)) == "pbe-x-2013"
    assert municipality_anchor("Bærum", 2022) == "kommune-baerum-2022"
    assert (
        municipality_anchor("Bærum", 2022, "Vestre Viken HF", 6)
        == "kommune-baerum-2022-vestre-viken-hf-punkt-6"
    )


def test_hand_made_links_resolve_and_counts_match(hand):
    documents, coverage, checklist, themes = hand
    page = evidence_page(documents, coverage, checklist)
    assert _check_links_and_counts(page, documents, coverage, checklist, themes) > 0
    soup = BeautifulSoup(page, "html.parser")
    # a concrete share of 1 of 2 for Vestre Viken 2022, with the hit in <mark>
    block = soup.find(id="bm-vestre-viken-hf-2022")
    assert [li["data-doc-id"] for li in _docs(block, present=True)] == ["d1", "d2"]
    d1 = block.find("li", attrs={"data-doc-id": "d1"})
    assert d1.details is not None and d1.details.get("open") is None  # collapsed: click 2
    assert [m.get_text() for m in d1.find_all("mark")] == ["brukerutvalg", "x"]
    assert "Nivå: konkret" in d1.get_text()
    # the unknown trust and year have their own block; absent themes say "ingen treff"
    unknown = soup.find(id="bm-ukjent-ukjent")
    assert [li["data-doc-id"] for li in _docs(unknown)] == ["d7"]
    assert "ingen treff" in unknown.get_text()
    ko = soup.find(id="ko-sykehuset-innlandet-hf-2022")
    assert {li["data-doc-id"]: li["data-direction"] for li in _docs(ko)} == {
        "d3": "mutual",
        "d4": "hf_to_kommune",
        "d5": "none",
    }
    # the template d5 counts in its trust's share but for no municipality
    assert soup.find(id="kommune-asnes-2022-sykehuset-innlandet-hf") is not None
    innlandet = soup.find(id="kommune-asnes-2022-sykehuset-innlandet-hf")
    assert "d5" not in {li["data-doc-id"] for li in _docs(innlandet)}
    # Åsnes has agreements with two parties: one municipality-year block, one part for each
    asnes = soup.find(id="kommune-asnes-2022")
    assert [p["id"] for p in asnes.select("div.part")] == [
        "kommune-asnes-2022-ukjent",
        "kommune-asnes-2022-sykehuset-innlandet-hf",
    ]
    assert [
        li["data-doc-id"] for li in soup.select("#kommune-asnes-2022-ukjent ul.in-force > li.doc")
    ] == ["d7"]
    # Asker's only agreement (2021) is in force for 2022; it covers 11 and 12
    asker = soup.find(id="kommune-asker-2022-vestre-viken-hf")
    covered = [p["data-point"] for p in asker.select("details.point[data-covered=true]")]
    assert covered == ["11", "12"]


def test_snippets_and_titles_are_escaped(hand):
    documents, coverage, checklist, _ = hand
    page = evidence_page(documents, coverage, checklist)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>fet</b>" not in page and "&lt;b&gt;fet&lt;/b&gt;" in page
    assert "<i>ansvar</i>" not in page and "&lt;i&gt;ansvar&lt;/i&gt;" in page
    assert "eldreråd</mark> &amp; en" in page
    _check_self_contained(page)
    bad = documents.assign(**{S.HEALTH_TRUST: documents[S.HEALTH_TRUST].replace(
        "Vestre Viken HF", 'Vestre "Viken" <HF>'
    )})  # fmt: skip
    html_ = table_html(linked_trust_table(trust_themes(bad, coverage)))
    assert "<HF>" not in html_ and "&lt;HF&gt;" in html_


def test_page_is_deterministic_and_independent_of_row_order(hand):
    documents, coverage, checklist, themes = hand
    first = evidence_page(documents, coverage, checklist)
    assert evidence_page(documents, coverage, checklist) == first
    shuffled = evidence_page(
        documents.sample(frac=1, random_state=3), coverage.sample(frac=1, random_state=4), checklist
    )
    assert shuffled == first
    assert table_html(linked_trust_table(themes)) == table_html(linked_trust_table(themes))


def test_page_without_checklist_and_empty_checklist(hand):
    documents, coverage, checklist, _ = hand
    page = evidence_page(documents, coverage)
    assert 'id="bm-vestre-viken-hf-2022"' in page and "kommune-" not in page
    empty = evidence_page(documents, coverage, checklist.iloc[0:0])
    assert "Ingen kommuner i sjekklisten" in empty
    assert linked_checklist(checklist.iloc[0:0]).empty


def test_links_can_point_to_a_page_elsewhere(hand):
    *_, themes = hand
    html_ = table_html(linked_trust_table(themes, page="../coverage/evidence.html"))
    assert 'href="../coverage/evidence.html#bm-vestre-viken-hf-2022"' in html_


# --- the small demo corpus -----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_coverage(small_corpus, tmp_path_factory):
    outs = []
    for name in ("a", "b"):
        out = tmp_path_factory.mktemp(f"coverage_evidence_{name}")
        assert cli.main(["coverage", "--corpus", str(small_corpus), "--out", str(out)]) == 0
        outs.append(out)
    return small_corpus, outs


def test_demo_corpus_evidence_page_backs_every_figure(demo_coverage):
    corpus, (out, _) = demo_coverage
    documents, _ = read_corpus(corpus)
    coverage = read_table(out / S.COVERAGE_FILE)
    checklist = read_table(out / "municipality_checklist.parquet")
    themes = read_table(out / "trust_themes.parquet")
    page = (out / EVIDENCE_FILE).read_text(encoding="utf-8")
    assert len(checklist) and len(themes)
    n = _check_links_and_counts(page, documents, coverage, checklist, themes)
    assert n == len(themes) * len(TRUST_MEASURES) + len(checklist)
    _check_self_contained(page)
    # every evidence snippet of a counted document is on the page, its hit marked
    soup = BeautifulSoup(page, "html.parser")
    present = coverage[coverage[S.PRESENT] & coverage[S.THEME].isin(["brukermedvirkning"])]
    r = present.iloc[0]
    anchor = theme_anchor("brukermedvirkning", *documents.set_index(S.DOC_ID).loc[r[S.DOC_ID], [S.HEALTH_TRUST, S.YEAR]])  # fmt: skip
    li = soup.find(id=anchor).find("li", attrs={"data-doc-id": r[S.DOC_ID]})
    snippets = [s for s in r[S.EVIDENCE].split(EVIDENCE_SEPARATOR) if s]
    assert len(li.select("ol.evidence > li")) == len(snippets)
    assert li.find("mark") is not None


def test_demo_corpus_evidence_page_is_byte_identical_on_rerun(demo_coverage):
    _, (a, b) = demo_coverage
    assert (a / EVIDENCE_FILE).read_bytes() == (b / EVIDENCE_FILE).read_bytes()
    assert not list(a.glob(".*.tmp"))  # written atomically, no temporary file left
