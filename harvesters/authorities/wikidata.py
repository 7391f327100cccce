"""Wikidata through the action API: `wbsearchentities` finds items, `wbgetentities` describes them.

Search asks wbsearchentities in the curator's language (its ranking is kept), then one
wbgetentities call gets Dutch and English labels, descriptions, aliases and claims for the hits,
which gives the kind (instance-of, P31, against the descriptor's classes per kind), life dates,
coordinates and links to the other authorities (VIAF, AAT, GeoNames ids) as skos:exactMatch.
"""

from __future__ import annotations

import re

from .base import Entry, Label
from .client import AuthorityClient, AuthorityError, AuthoritySettings, AuthorityUnavailable
from .descriptor import load_descriptor

_ITEM_ID = re.compile(r"[QqPpLl]\d+")
MAX_SEARCH = 50   # wbsearchentities' limit for anonymous clients


class Wikidata:
    def __init__(self, settings: AuthoritySettings):
        self.descriptor = load_descriptor("wikidata")
        self.settings = settings
        self.client = AuthorityClient(self.descriptor, settings)
        self.classes: dict[str, dict[str, str]] = self.descriptor.extra.get("instance_of", {})
        # 'mul': the label Wikidata keeps for names written the same in every language
        self.languages = (*self.descriptor.languages, "mul")
        self.class_names = {q: name for per_kind in self.classes.values() for q, name in per_kind.items()}

    def search(self, label: str, kind: str | None = None, lang: str = "nl", limit: int = 10) -> list[Entry]:
        if not self.descriptor.serves(kind) or not label.strip():
            return []
        # a kind filter drops hits after the search, so ask for more than will be shown
        wanted = min(MAX_SEARCH, limit * 3 if kind else limit)
        found = self._api({"action": "wbsearchentities", "search": label.strip(), "language": lang,
                           "uselang": lang, "type": "item", "limit": wanted})
        hits = found.get("search", [])
        if not hits:
            return []
        described = self._entities([h["id"] for h in hits])
        out = []
        for hit in hits:
            raw = described.get(hit["id"])
            if raw is not None and "missing" in raw:
                continue                    # deleted since the search index was updated
            entry = self._entry(raw) if raw is not None else self._from_hit(hit, lang)
            if kind is None or entry.kind == kind:
                out.append(entry)
        return out[:limit]

    def fetch(self, uri_or_id: str) -> Entry | None:
        local = self.descriptor.local_id(uri_or_id).rsplit("/", 1)[-1]   # also .../wiki/Q42
        if not _ITEM_ID.fullmatch(local):
            raise AuthorityError(f"'{uri_or_id}' is not a Wikidata id (such as Q1296) or entity URI.")
        raw = self._entities([local.upper()], unknown_ok=True).get(local.upper())
        if raw is None or "missing" in raw:
            return None
        return self._entry(raw)

    # -- API --------------------------------------------------------------------------------------
    def _api(self, params: dict, unknown_ok: bool = False) -> dict:
        resp = self.client.get(self.settings.base_url, params={**params, "format": "json"})
        body = self.client.json(resp)
        error = body.get("error") if isinstance(body, dict) else None
        if error:   # the action API reports errors inside HTTP 200
            code, info = error.get("code", "?"), error.get("info", "")
            if unknown_ok and code == "no-such-entity":
                return {"entities": {}}
            if code in ("maxlag", "ratelimited", "readonly", "internal_api_error_DBQueryError"):
                raise AuthorityUnavailable("wikidata", f"{code}: {info}")
            raise AuthorityError(f"Wikidata refused the request ({code}): {info}")
        return body

    def _entities(self, ids: list[str], unknown_ok: bool = False) -> dict[str, dict]:
        body = self._api({"action": "wbgetentities", "ids": "|".join(ids),
                          "props": "labels|descriptions|aliases|claims",
                          "languages": "|".join(self.languages)}, unknown_ok)
        return body.get("entities", {})

    # -- reading ----------------------------------------------------------------------------------
    def _entry(self, raw: dict) -> Entry:
        qid = raw["id"]
        e = Entry(uri=self.descriptor.uri(qid), source="wikidata", scheme=self.descriptor.scheme,
                  page=self.descriptor.page(qid))
        langs = self.languages    # Special:EntityData and dumps carry every language: keep ours
        for lang, value in raw.get("labels", {}).items():
            if lang in langs:
                e.labels.append(Label(value["value"], lang, "pref"))
        for lang, values in raw.get("aliases", {}).items():
            if lang in langs:
                e.labels.extend(Label(v["value"], lang, "alt") for v in values)
        e.notes = {lang: v["value"] for lang, v in raw.get("descriptions", {}).items() if lang in langs}
        claims = raw.get("claims", {})
        classes = [_item_id(v) for v in _values(claims, "P31")]
        e.types = [f"{q} {self.class_names[q]}" if q in self.class_names else q for q in classes if q]
        e.kind = next((kind for kind, per_kind in self.classes.items()
                       if any(q in per_kind for q in classes)), "concept")
        e.birth = _time(next(iter(_values(claims, "P569")), None))
        e.death = _time(next(iter(_values(claims, "P570")), None))
        coord = next(iter(_values(claims, "P625")), None)
        if isinstance(coord, dict) and "latitude" in coord:
            e.lat, e.long = float(coord["latitude"]), float(coord["longitude"])
        for prop, pattern in self.descriptor.extra.get("external_ids", {}).items():
            e.matches.extend(("exactMatch", pattern.format(v)) for v in _values(claims, prop)
                             if isinstance(v, str))
        return e

    def _from_hit(self, hit: dict, lang: str) -> Entry:
        """An entry from the search hit alone (the item was not in the wbgetentities answer)."""
        e = Entry(uri=hit.get("concepturi") or self.descriptor.uri(hit["id"]), source="wikidata",
                  scheme=self.descriptor.scheme, page=self.descriptor.page(hit["id"]))
        if hit.get("label"):
            e.labels.append(Label(hit["label"], lang, "pref"))
        e.labels.extend(Label(a, lang, "alt") for a in hit.get("aliases", []))
        if hit.get("description"):
            e.notes[lang] = hit["description"]
        return e


def _values(claims: dict, prop: str) -> list:
    """Values of one property: preferred-rank statements if any, else normal; never deprecated."""
    statements = [c for c in claims.get(prop, []) if c.get("rank") != "deprecated"]
    preferred = [c for c in statements if c.get("rank") == "preferred"]
    out = []
    for c in preferred or statements:
        snak = c.get("mainsnak", {})
        if snak.get("snaktype") == "value" and "datavalue" in snak:
            out.append(snak["datavalue"]["value"])
    return out


def _item_id(value) -> str:
    if not isinstance(value, dict):
        return ""
    if value.get("id"):
        return value["id"]
    return f"Q{value['numeric-id']}" if "numeric-id" in value else ""   # the 2015 JSON had no 'id'


def _time(value) -> str:
    """A Wikidata time as far as its precision goes: 1952-03-11, 1952-03 or 1952."""
    if not isinstance(value, dict) or "time" not in value:
        return ""
    m = re.match(r"([+-])0*(\d+)-(\d\d)-(\d\d)", value["time"])
    if not m:
        return ""
    sign = "-" if m[1] == "-" else ""
    year = f"{sign}{int(m[2]):04d}"
    precision = value.get("precision", 11)
    if precision >= 11:
        return f"{year}-{m[3]}-{m[4]}"
    return f"{year}-{m[3]}" if precision == 10 else year
