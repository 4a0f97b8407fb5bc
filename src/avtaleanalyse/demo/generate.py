"""Generate the synthetic national agreement corpus (in memory): texts plus planted truth.

Model (see data/README.md): a national clause bank -> one regional template set per health
trust and generation (2012: overordnet + 1–11; 2022: adds 12 and 13, some trusts merge or
renumber) -> each municipality's copy (mostly verbatim, a minority edited, a few with
substantial local sections, one or two own texts). Every random choice comes from a
``random.Random`` seeded with sha256 of (seed, key), so the corpus is reproducible.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

import pandas as pd

from avtaleanalyse.demo.catchment import OSLO_DISTRICTS, load_catchment
from avtaleanalyse.demo.phrases import bank, to_nynorsk
from avtaleanalyse.reference import health_trusts, municipalities

__all__ = [
    "SYNTHETIC_LABEL",
    "DemoCorpus",
    "DemoDocument",
    "Section",
    "generate_corpus",
    "rng_for",
]

SYNTHETIC_LABEL = "Demokorpus – syntetiske avtaler"
NYNORSK_TRUSTS = {"Helse Førde HF", "Helse Fonna HF", "Helse Bergen HF"}
SMALL_TRUSTS = ("Helse Førde HF", "Helgelandssykehuset HF", "Akershus universitetssykehus HF")
SMALL_PER_TRUST = 9
SHORT = {
    "Akershus universitetssykehus HF": "Ahus",
    "Oslo universitetssykehus HF": "OUS",
    "Universitetssykehuset Nord-Norge HF": "UNN",
    "Lovisenberg Diakonale Sykehus AS": "Lovisenberg",
    "Diakonhjemmet Sykehus AS": "Diakonhjemmet",
    "Sørlandet sykehus HF": "SSHF",
    "Sykehuset i Vestfold HF": "SiV",
    "Nordlandssykehuset HF": "NLSH",
    "Helse Møre og Romsdal HF": "HMR",
    "Helse Nord-Trøndelag HF": "HNT",
    "St. Olavs hospital HF": "St. Olavs hospital",
}
ADAPTATION_KINDS = ("verbatim", "light", "moderate", "substantial", "own_text")
#: documented distribution of adaptation kinds in municipal copies
ADAPTATION_WEIGHTS = (0.62, 0.20, 0.11, 0.06, 0.01)
ROLES_K = (
    "kommunalsjef for helse og omsorg",
    "kommuneoverlegen",
    "samhandlingskoordinator i kommunen",
    "leder for tildelingskontoret",
    "helse- og omsorgssjef",
    "rådmannen",
)
ROLES_H = (
    "samhandlingssjef",
    "fagdirektør",
    "samhandlingsrådgiver i stab",
    "klinikkdirektør for medisinsk klinikk",
    "direktør for samhandling",
)
SCALES = {"small": 0.36, "full": 0.52}


def rng_for(seed: int, *key: object) -> random.Random:
    """A ``random.Random`` seeded with sha256 of the seed and key (never Python's hash())."""
    h = hashlib.sha256(repr((seed, *key)).encode("utf-8")).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


@dataclass
class Section:
    """One numbered clause: ``key`` names the bank entry it comes from."""

    key: str
    heading: str
    paras: list[str]
    number: str = ""


@dataclass
class DemoDocument:
    """One file of the corpus: its text structure, format and planted truth."""

    source_path: str
    doc_key: str
    title: str
    header: str
    sections: list[Section]
    format: str
    truth: dict
    passages: list[tuple[str, str]] = field(default_factory=list)
    encoding: str = "utf-8"
    ocr: bool = False
    hyphenate: bool = False
    chrome: int = 0
    broken: str = ""  # "", zero, truncated, encrypted, notzip, undecodable, xlsx, jpg, image
    duplicate_of: str = ""

    def plain_text(self) -> str:
        """The document as plain text (title, numbered headings, paragraphs)."""
        out = [self.title, ""]
        for s in self.sections:
            out.append(f"{s.number} {s.heading}".strip())
            out.extend(s.paras)
            out.append("")
        return "\n".join(out).strip() + "\n"


@dataclass
class DemoCorpus:
    """The generated corpus: documents plus parameters."""

    seed: int
    scale: str
    documents: list[DemoDocument]

    def truth(self) -> pd.DataFrame:
        """truth.csv as a DataFrame (one row per file, sorted by source_path)."""
        rows = [{"source_path": d.source_path, **d.truth} for d in self.documents]
        return pd.DataFrame(rows).sort_values("source_path", ignore_index=True)

    def passages(self) -> pd.DataFrame:
        """truth_passages.csv: source_path, kind (added|edited|removed), text."""
        rows = [(d.source_path, k, t) for d in self.documents for k, t in d.passages]
        df = pd.DataFrame(rows, columns=["source_path", "kind", "text"])
        return df.sort_values(["source_path", "kind", "text"], ignore_index=True)


# --------------------------------------------------------------------------- templates
@dataclass
class Agreement:
    label: str  # as written: "5", "2A", "11 og 12", "" for overordnet
    number: int | None
    kind: str  # overordnet | tjenesteavtale | delavtale | saeravtale
    points: tuple[int, ...]
    title: str = ""


def _lang(text: str, form: str) -> str:
    return to_nynorsk(text) if form == "nynorsk" else text


class TrustProfile:
    """A health trust's seeded choices: term, numbering, phrasing, themes per agreement."""

    def __init__(self, seed: int, trust: str, generation: int):
        self.trust = trust
        self.generation = generation
        base = rng_for(seed, "trust", trust)
        r = rng_for(seed, "trust", trust, generation)
        self.form = "nynorsk" if trust in NYNORSK_TRUSTS else "bokmal"
        self.kind = (
            "tjenesteavtale" if base.random() < 0.55 or self.form == "nynorsk" else "delavtale"
        )
        self.numbering = base.choice(("dot", "dotzero", "plain", "para"))
        self.short = SHORT.get(trust, trust.replace(" HF", ""))
        self.path_style = base.randrange(3)
        # phrasing: the 2022 revision rewrites about 60 % of the clauses (a revised clause
        # always takes a different wording than in 2012) and drops or adds clauses
        self.choice_seed = (seed, trust) if generation == 2012 else (seed, trust, 2022)
        self._base = (seed, trust)
        self.revise = {k for k in _all_keys() if r.random() < 0.6} if generation == 2022 else set()
        # which of a point's clauses this trust's template has (the first three always)
        self.omit = {
            k
            for k in _all_keys()
            if k.startswith("p") and rng_for(*self.choice_seed, "omit", k).random() < 0.15
        }
        self.order_swap = base.random() < 0.4
        self.has_kontakt = base.random() < 0.5
        self.toc = base.random() < 0.25
        self.extras = {
            k
            for k, pr in (
                ("definisjoner", 0.7),
                ("lovverk", 0.5),
                ("taushetsplikt", 0.6),
                ("kommunikasjon", 0.6),
                ("evaluering", 0.7),
            )
            if base.random() < pr
        }
        self.variant = "A"
        if generation == 2022:
            self.variant = r.choices(("A", "B", "C"), (0.5, 0.25, 0.25))[0]
        self.saeravtale = generation == 2012 and base.random() < 0.3
        self.kompetanse_mutual_6 = base.random() < 0.2
        self.seed = seed

    def pick(self, key: str, n: int) -> int:
        """Index of the alternative wording this trust uses for clause ``key``."""
        base = rng_for(self._base[0], "pick", *self._base[1:], key).randrange(n)
        if key not in self.revise or n < 2:
            return base
        other = rng_for(self._base[0], "pick", *self._base[1:], 2022, key).randrange(n - 1)
        return other + 1 if other >= base else other

    def agreements(self) -> list[Agreement]:
        k = self.kind
        merged = self.variant == "B"  # overordnet avtale merged with agreement 1
        out = [
            Agreement(
                "1" if merged else "",
                1 if merged else None,
                "overordnet",
                (1, 12) if self.generation == 2022 else (1,),
            )
        ]
        last = 11 if self.generation == 2012 else 13
        for n in range(1, last + 1):
            if self.variant == "B" and n == 1:
                continue
            if self.variant == "C" and n == 2:
                out.append(Agreement("2", 2, k, (2,)))
                out.append(Agreement("2A", 2, k, (2,)))
                continue
            if self.variant == "C" and n == 12:
                continue
            if self.variant == "C" and n == 11:
                out.append(Agreement("11 og 12", 11, k, (11, 12)))
                continue
            out.append(Agreement(str(n), n, k, (n,)))
        if self.saeravtale:
            out.append(
                Agreement("", None, "saeravtale", (7,), "Særavtale om turnusteneste for legar")
            )
        return out

    def themes(self, ag: Agreement) -> dict:
        r = rng_for(self.seed, "themes", self.trust, self.generation, ag.label, ag.kind)
        if ag.kind == "overordnet":
            bm = r.choices(("none", "generic", "concrete"), (0.1, 0.55, 0.35))[0]
        else:
            bm = r.choices(("none", "generic", "concrete"), (0.35, 0.55, 0.10))[0]
        # the evaluation found patient and user experience almost absent: rare, more often in
        # the 2022 overordnet agreements that followed the 2019 guidance
        if ag.kind == "overordnet":
            p_erf = 0.35 if self.generation == 2022 else 0.10
        else:
            p_erf = 0.08 if self.generation == 2022 else 0.04
        erf = r.random() < p_erf
        u = r.random()
        if 6 in ag.points:
            komp = "mutual" if self.kompetanse_mutual_6 else "hf_to_kommune"
        elif any(p in ag.points for p in (2, 4, 8, 13)) and u < 0.35:
            # mostly one way; some texts name the transfer without saying who gives what
            komp = "unclear" if u < 0.07 else "hf_to_kommune"
        else:
            komp = "none"
        return {"bm": bm, "erf": erf, "komp": komp}


def _all_keys() -> list[str]:
    nat = list(bank("national")["bokmal"])
    pts = [f"p{p}.{i}" for p, v in bank("points").items() for i in range(len(v["clauses"]))]
    return sorted(nat + pts)


def _term(prof: TrustProfile, form: str, ag: Agreement) -> tuple[str, str]:
    """(word, definite) for the agreement's kind in this language form."""
    if ag.kind == "overordnet":
        return ("samarbeidsavtale", "samarbeidsavtalen")
    if ag.kind == "saeravtale":
        return ("særavtale", "særavtalen")
    if prof.kind == "delavtale":
        return ("delavtale", "delavtalen")
    w = "tenesteavtale" if form == "nynorsk" else "tjenesteavtale"
    return (w, w + "n")


def _title(prof: TrustProfile, form: str, ag: Agreement, party: str) -> str:
    pts = bank("points")
    mellom = "mellom"
    og = "og"
    if ag.kind == "overordnet":
        head = "Overordna samarbeidsavtale" if form == "nynorsk" else "Overordnet samarbeidsavtale"
        if prof.variant == "B":
            head += " og " + ("tenesteavtale 1" if form == "nynorsk" else f"{prof.kind} 1")
        return f"{head} {mellom} {party} {og} {prof.trust}"
    if ag.kind == "saeravtale":
        return f"{ag.title} – avtale mellom {party} og {prof.trust}"
    word = _term(prof, form, ag)[0].capitalize()
    t = pts[str(ag.points[0])]["title_nn" if form == "nynorsk" else "title_nb"]
    nr = "nr." if prof.numbering in ("dot", "para") else ""
    lab = f"{word} {nr} {ag.label}".replace("  ", " ")
    return f"{lab} {mellom} {party} {og} {prof.trust} – {t}"


def _number(prof: TrustProfile, i: int) -> str:
    return {"dot": f"{i}.", "dotzero": f"{i}.0", "plain": f"{i}", "para": f"§ {i}"}[prof.numbering]


#: Probability that a trust keeps the national guideline's wording of a national clause
#: (the first alternative in ``national.yaml``) rather than one of its own rewordings.
GUIDELINE_KEEP = 0.5

#: Generic fillers for the national model text (it names no parties; the placeholders are
#: written so that party masking treats them as names, as in the regional templates).
_GUIDELINE_FMT = {
    "kommune": "xx kommune",
    "hf": "Helseforetaket HF",
    "hf_kort": "Helseforetaket HF",
    "avtalen": "avtalen",
    "Avtalen": "Avtalen",
    "avtale_ord": "avtale",
    "tema": "samarbeidet",
    "toc": "",
    "rolle_k": "kommunens kontaktperson",
    "rolle_h": "helseforetakets kontaktperson",
}


def national_model_text() -> str:
    """The national model agreement as the demo's trusts received it (bokmål).

    Every national clause in the guideline's wording (the first heading and text of each
    ``national.yaml`` entry), parties written generically. The demo writes it as
    ``national_model.txt`` so that the similarity stage can measure the national share
    against it (``--national-model``), as one would with the 2011 guideline's model text.
    """
    parts = []
    for key, entry in bank("national")["bokmal"].items():
        head = entry.get("heading", [key])[0]
        text = entry["text"][0].format(**_GUIDELINE_FMT)
        parts.append(f"{head}\n\n{text.strip()}")
    return "\n\n".join(parts) + "\n"


def _national_pick(prof, key: str, n: int) -> int:
    """Alternative of a national clause: the guideline's (0) with :data:`GUIDELINE_KEEP`."""
    if n < 2:
        return 0
    r = rng_for(*prof.choice_seed, "guideline", key)
    return 0 if r.random() < GUIDELINE_KEEP else 1 + prof.pick(key, n - 1)


def _national(prof, form, key, fmt, r_alt=None):
    nat = bank("national")
    entry = nat["bokmal"][key]
    nn = nat["nynorsk"].get(key) if form == "nynorsk" else None
    src = nn or entry
    heads = src.get("heading", entry.get("heading", [""]))
    texts = src["text"]
    i = _national_pick(prof, key, len(texts)) if r_alt is None else r_alt
    h = heads[prof.pick(key + ".h", len(heads)) % len(heads)]
    text = texts[i % len(texts)]
    if form == "nynorsk" and not nn:
        h, text = to_nynorsk(h), to_nynorsk(text)
    text = text.format(**fmt)
    return Section(key, h, [t.strip() for t in text.split("\n\n") if t.strip()])


#: Clauses of point 7 a separate "særavtale om turnusteneste" takes over from delavtale 7
#: (education, supervision, medical students, LIS1 posts, funding of placements).
TURNUS_CLAUSES = frozenset({1, 2, 7, 9, 10})
#: Clauses of each point an overordnet avtale gives as an overview when the point has its
#: own agreement.
OVERVIEW_CLAUSES = 2


def _clause_selected(prof: TrustProfile, ag: Agreement, point: int, j: int, n: int) -> bool:
    """Whether clause ``j`` of ``n`` of ``point`` belongs in agreement ``ag``.

    Agreements that share a point divide it, as real sets do: an overordnet avtale has an
    overview of the points that have their own agreement, "2" and "2A" take one half each,
    and a særavtale on doctors' internships takes the education clauses of point 7 out of
    delavtale 7.
    """
    if ag.kind == "overordnet":
        own_agreement = not (point == 1 and prof.variant == "B")
        return j < OVERVIEW_CLAUSES if own_agreement else True
    if ag.kind == "saeravtale":
        return j in TURNUS_CLAUSES
    if point == 7 and prof.saeravtale:
        return j not in TURNUS_CLAUSES
    if point == 2 and prof.variant == "C":
        return j < n // 2 if ag.label == "2" else j >= n // 2
    return True


def _point_sections(prof, form, point: int, fmt, ag: Agreement | None = None) -> list[Section]:
    p = bank("points")[str(point)]
    out = []
    n = len(p["clauses"])
    for j, cl in enumerate(p["clauses"]):
        key = f"p{point}.{j}"
        if ag is not None and not _clause_selected(prof, ag, point, j, n):
            continue
        if j >= 3 and key in prof.omit:
            continue
        h = cl["heading"][prof.pick(key + ".h", len(cl["heading"]))]
        t = cl["text"][prof.pick(key, len(cl["text"]))]
        if form == "nynorsk":
            h, t = to_nynorsk(h), to_nynorsk(t)
        t = t.format(**fmt)
        out.append(Section(key, h, [x.strip() for x in t.split("\n\n") if x.strip()]))
    return out


def build_template(
    prof: TrustProfile, ag: Agreement, form: str, party: str
) -> tuple[str, list[Section], dict]:
    """The regional template text of one agreement: (title, sections, themes)."""
    word, definite = _term(prof, form, ag)
    pts = bank("points")
    tema = "; ".join(pts[str(p)]["tema_nn" if form == "nynorsk" else "tema_nb"] for p in ag.points)
    if ag.kind == "overordnet":
        tema = (
            "samhandlinga mellom kommunen og helseføretaket"
            if form == "nynorsk"
            else "samhandlingen mellom kommunen og helseforetaket"
        )
    if ag.kind == "saeravtale":
        tema = "turnusteneste for legar" if form == "nynorsk" else "turnustjeneste for leger"
    fmt = {
        "kommune": party,
        "hf": prof.trust,
        "hf_kort": prof.short,
        "avtalen": definite,
        "Avtalen": definite.capitalize(),
        "avtale_ord": word,
        "tema": tema,
        "rolle_k": "{rolle_k}",
        "rolle_h": "{rolle_h}",
    }
    th = prof.themes(ag)
    head = ["parter", "bakgrunn", "formal", "virkeomrade"]
    if "definisjoner" in prof.extras or ag.kind == "overordnet":
        head.append("definisjoner")
    if "lovverk" in prof.extras and ag.kind == "overordnet":
        head.insert(2, "lovverk")
    secs = [_national(prof, form, k, fmt) for k in head]
    if ag.kind == "overordnet":
        secs.append(_national(prof, form, "samarbeidsformer", fmt))
    for p in ag.points:
        secs.extend(_point_sections(prof, form, p, fmt, ag))
    secs.append(_national(prof, form, "ansvar_lister", fmt))
    secs.extend(
        _national(prof, form, k, fmt)
        for k in ("pasientinformasjon", "sarlige_grupper", "rutiner", "kvalitet")
    )
    for k in ("kommunikasjon", "taushetsplikt"):
        if k in prof.extras or ag.kind == "overordnet":
            secs.append(_national(prof, form, k, fmt))
    secs.append(_national(prof, form, "okonomi", fmt))
    if th["komp"] == "hf_to_kommune":
        secs.append(_national(prof, form, "kompetanse_hf", fmt))
    elif th["komp"] == "mutual":
        secs.append(_national(prof, form, "kompetanse_mutual", fmt))
    elif th["komp"] == "unclear":
        secs.append(_national(prof, form, "kompetanse_unclear", fmt))
    if th["bm"] != "none":
        s = _national(prof, form, f"brukermedvirkning_{th['bm']}", fmt)
        if th["erf"]:
            s.paras.append(_national(prof, form, "brukererfaringer", fmt).paras[0])
        secs.append(s)
    elif th["erf"]:
        secs.append(_national(prof, form, "brukererfaringer", fmt))
    tail = ["plikt", "avvik", "uenighet", "mislighold", "varighet"]
    if prof.order_swap:
        tail = ["avvik", "plikt", "mislighold", "uenighet", "varighet"]
    if ag.kind == "overordnet":
        tail = ["vedtak", *tail, "innsending"]
    if "evaluering" in prof.extras or ag.kind == "overordnet":
        tail.insert(1, "evaluering")
    if prof.has_kontakt:
        tail.insert(0, "kontakt")
    secs.extend(_national(prof, form, k, fmt) for k in tail)
    for i, s in enumerate(secs, 1):
        s.number = _number(prof, i)
    if prof.toc:
        toc = " ".join(f"{s.number} {s.heading}" for s in secs)
        secs.insert(0, Section("innhold", "Innhald" if form == "nynorsk" else "Innhold", [toc]))
    title = _title(prof, form, ag, party)
    return title, secs, th


# --------------------------------------------------------------------------- parties
@dataclass
class Party:
    key: str  # file-name part
    text: str  # as written in the agreement ("Alta kommune", "Oslo kommune ved Bydel Alna")
    municipalities: tuple[str, ...]  # canonical names
    numbers: tuple[str, ...]
    trust: str
    form: str
    short: str  # municipality name for local passages


def _parties(seed: int, scale: str, catchment: pd.DataFrame) -> list[Party]:
    m = municipalities().set_index("kommunenummer")
    cat = catchment.copy()
    if scale == "small":
        keep = []
        for t in SMALL_TRUSTS:
            sub = cat[cat.health_trust == t].sort_values("kommunenummer")
            step = max(1, len(sub) // SMALL_PER_TRUST)
            picked = list(sub.iloc[::step].head(SMALL_PER_TRUST).kommunenummer)
            if t == "Helgelandssykehuset HF":
                picked = sorted(set(picked[:-1]) | {"1818"})  # the homonym Herøy (Nordland)
            keep.extend(picked)
        cat = cat[cat.kommunenummer.isin(keep)]
    parties: list[Party] = []
    # a few regions of neighbouring municipalities sign together
    regional: set[str] = set()
    for t, sub in sorted(cat.groupby("health_trust"), key=lambda x: x[0]):
        r = rng_for(seed, "region", t)
        if len(sub) >= 6 and r.random() < (0.6 if scale == "small" else 0.35):
            sub = sub.sort_values("kommunenummer")
            anchor = sub.iloc[r.randrange(len(sub))]
            d = (
                m.loc[sub.kommunenummer, "lon"].astype(float)
                - float(m.loc[anchor.kommunenummer, "lon"])
            ) ** 2 + (
                m.loc[sub.kommunenummer, "lat"].astype(float)
                - float(m.loc[anchor.kommunenummer, "lat"])
            ) ** 2
            group = sorted(d.sort_values(kind="stable").index[: r.choice((2, 3, 3, 4))])
            if "0301" in group:
                continue
            regional.update(group)
            names = [m.loc[g, "canonical_name"] for g in group]
            plain = [m.loc[g, "name"] for g in group]
            text = ", ".join(f"{n} kommune" for n in plain[:-1]) + f" og {plain[-1]} kommune"
            parties.append(
                Party(
                    ("Kommunane " if t in NYNORSK_TRUSTS else "Kommunene ")
                    + ", ".join(plain[:-1])
                    + " og "
                    + plain[-1],
                    text,
                    tuple(names),
                    tuple(group),
                    t,
                    "",
                    plain[0],
                )
            )
    for row in cat.itertuples(index=False):
        if row.kommunenummer in regional:
            continue
        name = m.loc[row.kommunenummer, "name"]
        if row.kommunenummer == "0301":
            for bydel, t in OSLO_DISTRICTS.items():
                if scale == "small" and t not in SMALL_TRUSTS:
                    continue
                parties.append(
                    Party(
                        f"Oslo {bydel}",
                        f"Oslo kommune ved {bydel}",
                        ("Oslo",),
                        ("0301",),
                        t,
                        "",
                        bydel,
                    )
                )
            continue
        parties.append(
            Party(
                name,
                f"{name} kommune",
                (row.canonical_name,),
                (row.kommunenummer,),
                row.health_trust,
                "",
                name,
            )
        )
    # language form: the trust's, with about 5 % switching
    for p in parties:
        base = "nynorsk" if p.trust in NYNORSK_TRUSTS else "bokmal"
        flip = rng_for(seed, "form", p.key).random() < 0.05 or (
            scale == "small" and p.key in ("Hemnes", "Vega")
        )
        p.form = ("bokmal" if base == "nynorsk" else "nynorsk") if flip else base
    return sorted(parties, key=lambda p: (p.trust, p.key))


# --------------------------------------------------------------------------- adaptation
def _sentences(text: str) -> list[str]:
    import re

    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _n_words(secs: list[Section]) -> int:
    return sum(len(p.split()) for s in secs for p in s.paras) + sum(
        len(s.heading.split()) for s in secs
    )


def _adapt(
    r: random.Random,
    kind: str,
    secs: list[Section],
    party: Party,
    form: str,
    ag: Agreement,
    th: dict,
    nabo: str,
):
    """Apply local edits in place; returns the passages [(kind, text)] and updated themes."""
    loc = bank("local")
    fmt = {
        "kommune_navn": party.short,
        "kommune": party.text,
        "hf_kort": SHORT.get(party.trust, party.trust.replace(" HF", "")),
        "nabo": nabo,
    }

    def lang(t):
        return (to_nynorsk(t) if form == "nynorsk" else t).format(**fmt)

    def composed() -> str:
        c = loc["compose"]
        return lang(
            f"{r.choice(c['who'])} i {{kommune_navn}} {r.choice(c['does'])} {r.choice(c['when'])}."
        )

    passages: list[tuple[str, str]] = []
    th = dict(th)
    body = [s for s in secs if s.key.startswith("p") or s.key in ("formal", "virkeomrade", "avvik")]
    if kind in ("light", "moderate", "substantial"):
        n_add = {"light": r.choice((1, 1, 2)), "moderate": r.choice((2, 3)), "substantial": 2}[kind]
        # one sentence from the small bank of typical local additions, the rest composed
        picks = [lang(r.choice(loc["light"]))] + [composed() for _ in range(n_add)]
        for t in picks[1:] if r.random() < 0.7 else picks[:n_add]:
            s = r.choice(body)
            s.paras.append(t)
            passages.append(("added", t))
    if kind in ("moderate", "substantial"):
        # replace one sentence with a local rewording, remove another
        s = r.choice(body)
        sents = _sentences(s.paras[0])
        if len(sents) >= 2:
            i = r.randrange(len(sents))
            old = sents[i]
            new = composed()
            sents[i] = new
            s.paras[0] = " ".join(sents)
            passages.append(("edited", new))
        s2 = r.choice([x for x in body if x is not s] or body)
        sents = _sentences(s2.paras[0])
        if len(sents) >= 2:
            old = sents.pop(r.randrange(len(sents)))
            s2.paras[0] = " ".join(sents)
            passages.append(("removed", old))
    if kind == "substantial":
        options = ["user_council", "hospitering", "intermunicipal"]
        if 4 in ag.points:
            options = ["emergency_beds", *options]
        which = r.choice(options)
        e = loc["substantial"][which]
        h, t = lang(e["heading"]), lang(e["text"])
        idx = (
            max(i for i, s in enumerate(secs) if s.key.startswith("p") or s.key == "virkeomrade")
            + 1
        )
        secs.insert(idx, Section(f"local.{which}", h, [t]))
        passages.append(("added", t))
        if which == "user_council":
            th["bm"] = "concrete"
        if which == "hospitering":
            th["komp"] = "mutual"
    if kind == "own_text":
        own = loc["own_text"]
        for s in secs:
            if s.key.startswith("p") or s.key in ("formal",):
                t = " ".join([lang(r.choice(own).format(**fmt)), composed(), composed()])
                passages.append(("edited", t))
                s.paras = [t]
        secs[:] = [
            s
            for s in secs
            if not s.key.startswith(("brukermedvirkning", "kompetanse", "mislighold"))
        ]
        th = {"bm": "none", "erf": False, "komp": "none"}
    return passages, th


# --------------------------------------------------------------------------- files
FORMAT_WEIGHTS = {"pdf": 0.30, "docx": 0.24, "odt": 0.08, "html": 0.18, "txt": 0.15, "rtf": 0.05}
EXT = {"pdf": "pdf", "docx": "docx", "odt": "odt", "html": "html", "txt": "txt", "rtf": "rtf"}
MONTHS_NB = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def _label_words(prof: TrustProfile, form: str, ag: Agreement) -> str:
    if ag.kind == "overordnet":
        return "Overordna samarbeidsavtale" if form == "nynorsk" else "Overordnet samarbeidsavtale"
    if ag.kind == "saeravtale":
        return "Særavtale turnusteneste"
    return f"{_term(prof, form, ag)[0].capitalize()} {ag.label}"


def _path(
    prof: TrustProfile,
    form: str,
    ag: Agreement,
    party_key: str,
    year: int,
    fmt: str,
    r: random.Random,
) -> str:
    lab = _label_words(prof, form, ag)
    ext = EXT[fmt]
    if party_key == "":
        return f"{prof.trust}/{prof.generation}/maler/Mal - {lab}.{ext}"
    style = prof.path_style
    if style == 0:
        return f"{prof.trust}/{year}/{lab} {party_key}.{ext}"
    if style == 1:
        slug = lab.lower().replace(" ", "_").replace("å", "a").replace("ø", "o").replace("æ", "ae")
        pk = party_key.lower().replace(" ", "_")
        return f"{prof.trust}/{party_key}/{prof.generation}/{slug}_{pk}.{ext}"
    return f"{prof.trust}/avtaler {prof.generation}/{party_key} - {lab}.{ext}"


def _date(r: random.Random, year: int) -> str:
    return f"{r.randint(1, 28)}. {MONTHS_NB[r.randrange(12)]} {year}"


def generate_corpus(
    *, seed: int = 2012, scale: str = "small", catchment: pd.DataFrame | None = None
) -> DemoCorpus:
    """Generate the demo corpus in memory.

    Parameters
    ----------
    seed : int
        Master seed; same seed, same corpus.
    scale : {"small", "full"}
        small: three trusts, ~27 parties, both generations (test fixture); full: the country.
    catchment : pandas.DataFrame, optional
        Municipality -> trust table (default :func:`load_catchment`).

    Returns
    -------
    DemoCorpus
        Documents with text structure, format, damage and truth (see :meth:`DemoCorpus.truth`).
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be small or full, not {scale!r}")
    catchment = load_catchment() if catchment is None else catchment
    rhf = health_trusts().set_index("canonical_name")["rhf"]
    parties = _parties(seed, scale, catchment)
    by_trust: dict[str, list[Party]] = {}
    for p in parties:
        by_trust.setdefault(p.trust, []).append(p)
    keep_p = SCALES[scale]
    docs: list[DemoDocument] = []
    own_budget = {"n": 0}
    for trust in sorted(by_trust):
        for gen in (2012, 2022):
            prof = TrustProfile(seed, trust, gen)
            for ag in prof.agreements():
                family = f"{trust}/{gen}/{ag.kind}/{ag.label}"
                # the template itself, as published by the trust (placeholder party)
                rt = rng_for(seed, "template", family)
                if rt.random() < (0.5 if scale == "small" else 0.4):
                    placeholder = "xx kommune" if rt.random() < 0.6 else ".......... kommune"
                    title, secs, th = build_template(prof, ag, prof.form, placeholder)
                    _fill_roles(secs, "[kontaktperson]", "[kontaktperson]")
                    docs.append(
                        _doc(
                            prof,
                            ag,
                            None,
                            prof.form,
                            gen,
                            title,
                            secs,
                            th,
                            family,
                            "verbatim",
                            0.0,
                            [],
                            rt,
                            rhf,
                            placeholder,
                        )
                    )
                for party in by_trust[trust]:
                    r = rng_for(seed, "copy", family, party.key)
                    p_keep = keep_p * (1.5 if ag.kind == "overordnet" else 1.0)
                    if r.random() >= p_keep:
                        continue
                    title, secs, th = build_template(prof, ag, party.form, party.text)
                    _fill_roles(secs, r.choice(ROLES_K), r.choice(ROLES_H))
                    kind = r.choices(ADAPTATION_KINDS, ADAPTATION_WEIGHTS)[0]
                    if kind == "own_text":
                        cap = 2 if scale == "small" else 8
                        if own_budget["n"] >= cap:
                            kind = "moderate"
                        else:
                            own_budget["n"] += 1
                    others = [q.short for q in by_trust[trust] if q.key != party.key] or [
                        "nabokommunen"
                    ]
                    passages, th2 = _adapt(
                        r, kind, secs, party, party.form, ag, th, r.choice(others)
                    )
                    body = [s for s in secs if s.key != "innhold"]
                    for i, s in enumerate(body, 1):
                        s.number = _number(prof, i)
                    if secs[0].key == "innhold":
                        secs[0].paras = [" ".join(f"{s.number} {s.heading}" for s in body)]
                    changed = sum(len(t.split()) for k, t in passages if k != "removed")
                    share = round(
                        min(1.0, changed / max(1, _n_words(secs))),
                        3,
                    )
                    fam = f"own:{party.key}/{gen}" if kind == "own_text" else family
                    docs.append(
                        _doc(
                            prof,
                            ag,
                            party,
                            party.form,
                            gen,
                            title,
                            secs,
                            th2,
                            fam,
                            kind,
                            share,
                            passages,
                            r,
                            rhf,
                            party.text,
                        )
                    )
    _plant_damage(seed, scale, docs)
    docs.sort(key=lambda d: d.source_path)
    return DemoCorpus(seed=seed, scale=scale, documents=docs)


def _fill_roles(secs: list[Section], rk: str, rh: str) -> None:
    for s in secs:
        s.paras = [p.replace("{rolle_k}", rk).replace("{rolle_h}", rh) for p in s.paras]


#: how often a municipal copy carries each kind of metadata noise (independently); the
#: metadata of real agreements is found in file names like "12345.pdf", in titles that name no
#: party or use the trust's short name, and in dates written 14.03.2013 or missing from the top
METADATA_NOISE = {
    "opaque_path": 0.10,
    "short_trust": 0.20,
    "no_parties_in_title": 0.15,
    "numeric_date": 0.25,
    "no_adoption_line": 0.10,
}


def _metadata_noise(seed: int, doc_key: str) -> set[str]:
    r = rng_for(seed, "metadata-noise", doc_key)
    return {k for k, p in METADATA_NOISE.items() if r.random() < p}


def _doc(
    prof, ag, party, form, gen, title, secs, th, family, kind, share, passages, r, rhf, party_text
) -> DemoDocument:
    year = gen if party is None else gen + (1 if r.random() < 0.3 else 0)
    fmt = r.choices(list(FORMAT_WEIGHTS), list(FORMAT_WEIGHTS.values()))[0]
    key = party.key if party else ""
    path = _path(prof, form, ag, key, year, fmt, r)
    doc_key = f"{prof.trust}|{gen}|{ag.kind}|{ag.label}|{key}"
    noise = _metadata_noise(prof.seed, doc_key) if party else set()
    if "opaque_path" in noise:
        digest = hashlib.sha256(doc_key.encode("utf-8")).hexdigest()[:10]
        path = f"arkiv/{digest}.{EXT[fmt]}"
    if "no_parties_in_title" in noise:
        for cut in (
            f" – avtale mellom {party_text} og {prof.trust}",
            f" mellom {party_text} og {prof.trust}",
        ):
            title = title.replace(cut, "")
    if "short_trust" in noise:
        title = title.replace(prof.trust, SHORT.get(prof.trust, prof.trust.removesuffix(" HF")))
    vedtatt = "Vedteke" if form == "nynorsk" else "Vedtatt"
    sted = party.short if party else "xx"
    header = f"{_label_words(prof, form, ag)} – {party_text} og {prof.short}"
    adopted = _date(r, year)
    if "numeric_date" in noise:
        adopted = f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.{year}"
    date_line = (
        f"{vedtatt} i kommunestyret {adopted}"
        if party
        else f"{vedtatt} i samarbeidsutvalet {_date(r, year)}"
        if form == "nynorsk"
        else f"Vedtatt i samarbeidsutvalget {_date(r, year)}"
    )
    sign = Section(
        "underskrift",
        "Underskrifter",
        [
            f"{sted}, {_date(r, year)} – for {party_text}: ordførar"
            if form == "nynorsk"
            else f"{sted}, {_date(r, year)} – for {party_text}: ordfører",
            f"for {prof.trust}: administrerande direktør"
            if form == "nynorsk"
            else f"for {prof.trust}: administrerende direktør",
        ],
    )
    secs = [*secs, sign]
    truth = {
        "doc_key": doc_key,
        "municipalities": ";".join(party.municipalities) if party else "",
        "municipality_numbers": ";".join(party.numbers) if party else "",
        "health_trust": prof.trust,
        "rhf": rhf[prof.trust],
        "agreement_kind": ag.kind if ag.kind in ("overordnet", "saeravtale") else prof.kind,
        "agreement_number": "" if ag.number is None else str(ag.number),
        "agreement_label": ag.label,
        "year": str(year),
        "generation": str(gen),
        "language_form": form,
        "format": fmt,
        "template_family": family,
        "adaptation_share": f"{share:.3f}",
        "adaptation_kind": kind,
        "brukermedvirkning_level": th["bm"],
        "brukererfaringer_present": "true" if th["erf"] else "false",
        "kompetanse_direction": th["komp"],
        "paragraph_points": ";".join(str(p) for p in ag.points),
        "is_template": "true" if party is None else "false",
        "ocr_damaged": "false",
        "expected_status": "accepted",
        "expected_reject_reason": "",
        "duplicate_of": "",
        "metadata_noise": ";".join(sorted(noise)),
    }
    full_title = title if "no_adoption_line" in noise else f"{title}\n{date_line}"
    return DemoDocument(
        path,
        truth["doc_key"],
        full_title,
        header,
        secs,
        fmt,
        truth,
        list(passages),
        hyphenate=r.random() < 0.5,
        chrome=r.randrange(3),
    )


# reject reasons, as ingest words them (avtaleanalyse.ingest.readers.Reason)
REASONS = {
    "zero": "empty file (0 bytes)",
    "truncated": "corrupt or truncated PDF",
    "encrypted": "encrypted PDF (password required)",
    "notzip": "not a valid DOCX/ODT (not a zip archive)",
    "undecodable": "undecodable text (no reliable encoding)",
    "xlsx": "unsupported format",
    "jpg": "unsupported format",
    "image": "no text layer — needs OCR",
    "duplicate": "duplicate of another file (same sha256)",
}


def _plant_damage(seed: int, scale: str, docs: list[DemoDocument]) -> None:
    """OCR damage, image-only PDFs, broken files, encodings and duplicates (in place)."""
    r = rng_for(seed, "damage", scale)
    copies = [d for d in docs if d.truth["is_template"] == "false"]
    for d in docs:
        rd = rng_for(seed, "enc", d.source_path)
        if d.format == "pdf" and rd.random() < 0.18:
            d.ocr = True
            d.truth["ocr_damaged"] = "true"
        if d.format == "txt":
            d.encoding = rd.choices(("utf-8", "cp1252", "utf-16"), (0.78, 0.14, 0.08))[0]
    n_img = 2 if scale == "small" else 20
    n_broken = 1 if scale == "small" else 3
    n_dup = 5 if scale == "small" else 60
    pool = sorted(copies, key=lambda d: d.source_path)
    r.shuffle(pool)
    it = iter(pool)
    for _ in range(n_img):
        d = next(it)
        _reformat(d, "pdf")
        d.broken = "image"
        d.ocr = False
        d.truth["ocr_damaged"] = "false"
    plan = [
        ("zero", None),
        ("truncated", "pdf"),
        ("encrypted", "pdf"),
        ("notzip", "docx"),
        ("undecodable", "txt"),
        ("xlsx", "xlsx"),
        ("jpg", "jpg"),
    ]
    for _ in range(n_broken):
        for what, fmt in plan:
            d = next(it)
            if fmt in ("pdf", "docx", "txt"):
                _reformat(d, fmt)
            elif fmt in ("xlsx", "jpg"):
                d.source_path = d.source_path.rsplit(".", 1)[0] + "." + fmt
            d.broken = what
    for d in docs:
        if d.broken:
            d.truth["expected_status"] = "rejected"
            d.truth["expected_reject_reason"] = REASONS[d.broken]
            if d.broken in ("xlsx", "jpg"):
                d.truth["format"] = ""
    dups = []
    for _ in range(n_dup):
        d = next(it)
        stem, ext = d.source_path.rsplit(".", 1)
        c = DemoDocument(**{**d.__dict__, "truth": dict(d.truth), "passages": list(d.passages)})
        c.source_path = f"{stem}_kopi.{ext}"
        c.duplicate_of = d.source_path
        c.truth.update(
            expected_status="rejected",
            expected_reject_reason=REASONS["duplicate"],
            duplicate_of=d.source_path,
        )
        dups.append(c)
    docs.extend(dups)


def _reformat(d: DemoDocument, fmt: str) -> None:
    d.source_path = d.source_path.rsplit(".", 1)[0] + "." + EXT[fmt]
    d.format = fmt
    d.truth["format"] = fmt
