"""Place names -> province, city and administrative code. Pure: no Beam import.

The gazetteer is cpca's adcodes.csv (every province, city and county of China with its
12-digit code), read as a data file; resources/place_aliases.tsv adds zones and parks it does
not name (临港新片区 -> 上海市, 贵安新区 -> 贵州省) and multi-region tags (粤港澳大湾区).
Short forms are indexed for provinces and cities (江苏, 南京); counties by full name only.
"""
from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from transforms.normalise import ResourceError, read_resource

PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
CITY_SUFFIXES = ("地区", "自治州", "盟", "市")
LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


@dataclass(frozen=True)
class Place:
    name: str
    adcode: str | None
    province: str | None
    city: str | None
    level: str


def _gazetteer_rows() -> list[tuple[str, str]]:
    text = resources.files("cpca").joinpath("resources", "adcodes.csv").read_text("utf-8")
    return [(r["adcode"], r["name"]) for r in csv.DictReader(io.StringIO(text))]


def _short(name: str, suffixes: tuple[str, ...]) -> str | None:
    for suf in suffixes:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            short = name[: -len(suf)]
            if suf == "自治州":
                short = short[:2]
            return short
    return None


@functools.lru_cache(maxsize=None)
def gazetteer() -> dict[str, Place]:
    rows = _gazetteer_rows()
    names = dict(rows)
    index: dict[str, Place] = {}

    def add(key: str, place: Place) -> None:
        old = index.get(key)
        if old is None or LEVEL_RANK[place.level] < LEVEL_RANK[old.level]:
            index[key] = place

    for code, name in rows:
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        prov = names.get(code[:2] + "0000000000")
        if code.endswith("0000000000"):
            place = Place(name, code, name, name if name.endswith("市") else None, "province")
            add(name, place)
            short = _short(name, PROVINCE_SUFFIXES)
            if short:
                add(short, place)
        elif code.endswith("00000000"):
            place = Place(name, code, prov, name, "city")
            add(name, place)
            short = _short(name, CITY_SUFFIXES)
            if short:
                add(short, place)
        else:
            city = names.get(code[:4] + "00000000")
            if city in (None, "市辖区", "县"):
                city = prov if prov and prov.endswith("市") else None
            add(name, Place(name, code, prov, city, "county"))
    for n, line in read_resource("place_aliases.tsv"):
        parts = line.split("\t")
        if len(parts) != 3:
            raise ResourceError(f"place_aliases.tsv line {n}: expected alias<TAB>adcode<TAB>note")
        alias, code, note = parts
        if code == "multi":
            index[alias] = Place(alias, None, note, None, "province")
            continue
        base = next((p for p in index.values() if p.adcode == code), None)
        if base is None:
            raise ResourceError(f"place_aliases.tsv line {n}: unknown adcode {code}")
        index[alias] = Place(alias, code, base.province, base.city, base.level)
    return index


def place_names() -> list[str]:
    return list(gazetteer())


def resolve(subject: str | None) -> Place | None:
    """The place a subject is in: the subject itself, else the longest place name it starts
    with, else the longest place name inside it (南京智能计算中心 -> 南京市)."""
    if not subject:
        return None
    gaz = gazetteer()
    if subject in gaz:
        return gaz[subject]
    best = None
    for length in range(min(len(subject), 12), 1, -1):
        head = subject[:length]
        if head in gaz:
            return gaz[head]
    for i in range(1, len(subject)):
        for length in range(min(len(subject) - i, 12), 1, -1):
            name = subject[i:i + length]
            if name in gaz and (best is None or len(name) > len(best.name)):
                best = gaz[name]
    return best
