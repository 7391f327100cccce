"""VIAF through its current API: `POST <base>/search` and `POST <base>/cluster-record`.

Both answer with VIAF cluster records; one reader turns a cluster into an Entry (main headings
as labels, 4xx see-from headings as alternative labels, life dates, and the Wikidata, GND, LC and
ISNI records of the cluster as skos:exactMatch). Cluster keys may come with growing namespace
prefixes ('ns2:', 'ns3:', ...) and values under 'content' or 'value': both are read (the 2025
search JSON and the 2026 cluster-record JSON differ in exactly this).
"""

from __future__ import annotations

import re
from typing import Any

from .base import Entry, Label
from .client import AuthorityClient, AuthorityError, AuthoritySettings
from .descriptor import load_descriptor

_NS_PREFIX = re.compile(r"^ns\d+:")
_VIAF_ID = re.compile(r"\d{1,22}")
# VIAF's own site sends these; the API refuses some requests without them
_HEADERS = {"Accept": "application/json", "Origin": "https://viaf.org", "Referer": "https://viaf.org/"}


class Viaf:
    def __init__(self, settings: AuthoritySettings):
        self.descriptor = load_descriptor("viaf")
        self.settings = settings
        self.client = AuthorityClient(self.descriptor, settings)
        self.fields: dict[str, str] = self.descriptor.extra["search_fields"]
        self.name_types: dict[str, str] = self.descriptor.extra["name_types"]

    def search(self, label: str, kind: str | None = None, lang: str = "nl", limit: int = 10) -> list[Entry]:
        if not self.descriptor.serves(kind) or not label.strip():
            return []
        body = {"reqValues": {"field": self.fields[kind or "any"], "index": "VIAF",
                              "searchTerms": label.strip()},
                "meta": {"env": "prod", "pageIndex": 0, "pageSize": max(limit, 10)}}
        resp = self.client.post_json(f"{self.settings.base_url.rstrip('/')}/search", body, headers=_HEADERS)
        data = _strip(self.client.json(resp))
        result = data.get("queryResult") or data.get("searchRetrieveResponse") or {}
        records = _list((result.get("records") or {}).get("record"))
        out = []
        for record in records:
            cluster = (record.get("recordData") or {}).get("VIAFCluster")
            entry = self._entry(cluster) if cluster else None
            if entry and (kind is None or entry.kind == kind):   # titles, places: not ours
                out.append(entry)
        return out[:limit]

    def fetch(self, uri_or_id: str) -> Entry | None:
        local = self.descriptor.local_id(uri_or_id).rstrip("/")
        if not _VIAF_ID.fullmatch(local):
            raise AuthorityError(f"'{uri_or_id}' is not a VIAF cluster id (digits) or VIAF URI.")
        body = {"reqValues": {"recordId": local, "isSourceId": False},
                "meta": {"env": "prod", "pageIndex": 0, "pageSize": 1}}
        resp = self.client.post_json(f"{self.settings.base_url.rstrip('/')}/cluster-record", body,
                                     headers=_HEADERS, ok_status=(404,))
        if resp.status_code == 404:
            return None
        data = _strip(self.client.json(resp))
        cluster = data.get("queryResult") if isinstance(data, dict) else None
        if not cluster or not cluster.get("viafID"):
            return None      # VIAF answers an unknown id without a cluster
        return self._entry(cluster, any_kind=True)

    def _entry(self, cluster: dict, any_kind: bool = False) -> Entry | None:
        viaf_id = str(_text(cluster.get("viafID")))
        kind = self.name_types.get(_text(cluster.get("nameType")))
        if not viaf_id or (kind is None and not any_kind):
            return None
        e = Entry(uri=self.descriptor.uri(viaf_id), source="viaf", kind=kind or "concept",
                  scheme=self.descriptor.scheme, page=self.descriptor.page(viaf_id))
        if cluster.get("nameType"):
            e.types.append(_text(cluster["nameType"]))
        for i, heading in enumerate(_list((cluster.get("mainHeadings") or {}).get("data"))):
            _add(e, _text(heading.get("text")), "pref" if i == 0 else "alt")
        for see_from in _list((cluster.get("x400s") or {}).get("x400")):
            subfields = _list((see_from.get("datafield") or {}).get("subfield"))
            name = " ".join(_text(sf) for sf in subfields if sf.get("code") in ("a", "b"))
            _add(e, name, "alt")
        e.birth, e.death = _date(cluster.get("birthDate")), _date(cluster.get("deathDate"))
        patterns: dict[str, str] = self.descriptor.extra["source_uris"]
        for source in _list((cluster.get("sources") or {}).get("source")):
            code, _, sid = str(_text(source)).partition("|")
            if code in patterns and sid:
                match = ("exactMatch", patterns[code].format(sid.replace(" ", "")))
                if match not in e.matches:
                    e.matches.append(match)
        return e


def _strip(data: Any) -> Any:
    """Drop the 'nsN:' prefixes VIAF puts on keys (they differ per record)."""
    if isinstance(data, dict):
        return {_NS_PREFIX.sub("", k): _strip(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_strip(v) for v in data]
    return data


def _list(value: Any) -> list:
    """VIAF's JSON holds a single item as an object and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("content", value.get("value", ""))
    return "" if value is None else str(value)


def _date(value: Any) -> str:
    text = _text(value)
    return "" if text in ("", "0") else text     # VIAF writes 0 for an unknown date


def _add(e: Entry, text: str, kind: str) -> None:
    text = " ".join(text.split()).rstrip(",")
    if text and not any(lb.text == text for lb in e.labels):
        e.labels.append(Label(text, "", kind))
