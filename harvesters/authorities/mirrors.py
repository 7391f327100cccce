"""Local authority mirrors: files with real authority records, read into Entries offline.

- AAT subsets as tab-separated "lodlit" files: aat_id, lang, prefLabel, altLabels ('|'-joined),
  scopeNote, matched_query_terms (one file per language; rows of one id merge across files).
- GeoNames dumps in the standard 19-column format (cities15000.txt, allCountries.txt, a country
  file): geonameid, name, asciiname, alternatenames (','-joined), lat, lon, feature class and
  code, country, cc2, admin1-4, population, elevation, dem, timezone, modification date.

The files are configuration (`authorities.aat_mirror`, `authorities.geonames_mirror`); the lead
loads the Entries into the store with `Entry.to_quads(Minter.authority_graph(name))`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from erfgoed.errors import InputError, UserError

from .base import Entry, Label
from .descriptor import load_descriptor

AAT_COLUMNS = ["aat_id", "lang", "prefLabel", "altLabels", "scopeNote", "matched_query_terms"]
GEONAMES_FIELDS = 19


def _open(path: str | Path, setting: str):
    try:
        return open(path, encoding="utf-8", newline="")
    except FileNotFoundError:
        raise UserError(f"{path}: mirror file not found (setting {setting}).") from None


def iter_aat_tsv(path: str | Path) -> Iterator[Entry]:
    """One Entry per row of an AAT lodlit TSV, streamed."""
    d = load_descriptor("aat")
    with _open(path, "authorities.aat_mirror") as f:
        reader = csv.reader(f, delimiter="\t")
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:5]] != AAT_COLUMNS[:5]:
            raise InputError(f"expected the columns {', '.join(AAT_COLUMNS)}; found {header}",
                             file=str(path), line=1)
        for row in reader:
            if not row:
                continue
            line = reader.line_num
            if len(row) < 5:
                raise InputError(f"{len(row)} fields where 5 or 6 are expected", file=str(path), line=line)
            aat_id, lang, pref, alts, note = (v.strip() for v in row[:5])
            if not aat_id.isdigit():
                raise InputError(f"'{aat_id}' is not an AAT id", file=str(path), line=line, column="aat_id")
            labels = [Label(pref, lang, "pref")] if pref else []
            labels += [Label(a.strip(), lang, "alt") for a in alts.split("|") if a.strip()]
            yield Entry(uri=d.uri(aat_id), source="aat", labels=labels,
                        notes={lang: note} if note else {}, scheme=d.scheme, page=d.page(aat_id))


def iter_geonames_dump(path: str | Path) -> Iterator[Entry]:
    """One place Entry per row of a GeoNames dump file, streamed."""
    d = load_descriptor("geonames")
    feature_names: dict[str, str] = d.extra.get("feature_codes", {})
    with _open(path, "authorities.geonames_mirror") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = line.rstrip("\r\n").split("\t")
            if len(row) != GEONAMES_FIELDS:
                raise InputError(f"{len(row)} fields where GeoNames dumps have {GEONAMES_FIELDS}",
                                 file=str(path), line=line_no)
            gid, name, ascii_name, alternates = row[0], row[1], row[2], row[3]
            if not gid.isdigit():
                raise InputError(f"'{gid}' is not a geonameid", file=str(path), line=line_no,
                                 column="geonameid")
            try:
                lat, long = float(row[4]), float(row[5])
            except ValueError:
                raise InputError(f"'{row[4]}', '{row[5]}' are not coordinates", file=str(path),
                                 line=line_no, column="latitude/longitude") from None
            labels = [Label(name, "", "pref")]
            for alt in [ascii_name, *alternates.split(",")]:
                if alt.strip() and all(lb.text != alt.strip() for lb in labels):
                    labels.append(Label(alt.strip(), "", "alt"))
            yield Entry(uri=d.uri(gid), source="geonames", kind="place", labels=labels,
                        types=[feature_names.get(row[7], row[7])] if row[7] else [],
                        lat=lat, long=long, country=row[8], scheme=d.scheme, page=d.page(gid))


def merge(entries: Iterable[Entry]) -> list[Entry]:
    """Entries with the same URI as one (labels and notes of every language together)."""
    merged: dict[str, Entry] = {}
    for e in entries:
        known = merged.get(e.uri)
        if known is None:
            merged[e.uri] = e
            continue
        known.labels += [lb for lb in e.labels if lb not in known.labels]
        known.notes = {**e.notes, **known.notes}
        known.types += [t for t in e.types if t not in known.types]
    return list(merged.values())


def mirror_entries(name: str, paths: Iterable[str | Path]) -> Iterator[Entry]:
    """The Entries of one authority's configured mirror files (AAT rows merged per id)."""
    paths = list(paths)
    if name == "aat":
        yield from merge(e for p in paths for e in iter_aat_tsv(p))
    elif name == "geonames":
        for p in paths:
            yield from iter_geonames_dump(p)
    else:
        raise UserError(f"no mirror format for authority '{name}' (aat and geonames have one).")
