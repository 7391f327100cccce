"""What the OAI-PMH provider offers: record headers of the datasets whose licence allows Europeana,
with datestamps, sets and deletions, read from the meta graph.

A record's datestamp is the end of the ingest run that last wrote it (published or removed); a
record whose run has not finished yet (an interrupted run) gets the time its list was read, so
harvesters using `from` pick it up rather than miss it.

A list request costs its page, not the repository: the headers of a set, ordered by (datestamp,
identifier), are read once per process and kept (~0.2 kB per record, a few lists at most); a page
is found by bisecting them from the last key its resumptionToken carries. Each request first asks
the store whether the list is still current (record and version entries of the set's datasets
counted, their runs' count and latest end: ~35 ms at 100k records); any change reads it again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import OrderedDict
from typing import NamedTuple
from urllib.parse import urlsplit

import pyoxigraph as ox

from erfgoed.graph.meta import REMOVED
from erfgoed.graph.namespaces import sparql_prologue
from erfgoed.graph.publication import EUROPEANA, policies
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter


class Header(NamedTuple):
    identifier: str
    dataset: str
    local_id: str
    datestamp: str  # YYYY-MM-DDThh:mm:ssZ
    deleted: bool


def utc_stamp(text: str | None) -> str:
    """An xsd:dateTime as OAI's YYYY-MM-DDThh:mm:ssZ (UTC); None -> now."""
    when = dt.datetime.fromisoformat(text) if text else dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class OaiRecords:
    def __init__(self, store: Store, base: str):
        self.store, self.minter = store, Minter(base)
        self.host = urlsplit(base).netloc or "erfgoed-kg"

    def identifier(self, dataset: str, local_id: str) -> str:
        return f"oai:{self.host}:{dataset}:{local_id}"

    def parse_identifier(self, identifier: str) -> tuple[str, str] | None:
        prefix = f"oai:{self.host}:"
        if not identifier.startswith(prefix):
            return None
        dataset, sep, local_id = identifier[len(prefix) :].partition(":")
        return (dataset, local_id) if sep and dataset and local_id else None

    def sets(self) -> list[dict]:
        """One set per dataset whose licence allows Europeana: spec (the id) and title."""
        q = (
            sparql_prologue("dcterms", "dcat")
            + f"""SELECT ?id ?title WHERE {{ GRAPH <{self.minter.meta_graph}> {{
            ?d a dcat:Dataset ; dcterms:identifier ?id OPTIONAL {{ ?d dcterms:title ?title }} }} }}"""
        )
        allowed = self.allowed()
        return sorted(
            (
                {"spec": s["id"].value, "name": s["title"].value if s["title"] else s["id"].value}
                for s in self.store.query(q, union=False)
                if s["id"].value in allowed
            ),
            key=lambda s: s["spec"],
        )

    def allowed(self) -> set[str]:
        return {d for d, p in policies(self.store, self.minter).items() if EUROPEANA in p["targets"]}

    def headers(self, dataset: str | None = None) -> list[Header]:
        """Every record of the allowed datasets (or of one), ordered by (datestamp, identifier).
        The list is shared: callers must not change it."""
        allowed = self.allowed()
        if dataset is not None:
            allowed &= {dataset}
        if not allowed:
            return []
        key = (id(self.store), self.minter.base, tuple(sorted(allowed)))
        mark = self._fingerprint(allowed)
        with _LOCK:
            cached = _LISTS.get(key)
            if cached and cached[0] == mark:
                _LISTS.move_to_end(key)
                return cached[1]
        headers = self._read(allowed)
        with _LOCK:
            _LISTS[key] = (mark, headers)
            while len(_LISTS) > MAX_LISTS:
                _LISTS.popitem(last=False)
        return headers

    def page(
        self, dataset: str | None, after: tuple[str, str] | None, frm: str | None, until: str | None,
        size: int,
    ) -> tuple[list[Header], int, bool]:
        """(up to `size` headers after the key `after` within [frm, until], the list's size within
        [frm, until], whether more follow): bisection, no pass over the list."""
        headers = self.headers(dataset)
        lo = bisect.bisect_left(headers, frm, key=_stamp) if frm else 0
        hi = bisect.bisect_right(headers, until, key=_stamp) if until else len(headers)
        start = max(lo, bisect.bisect_right(headers, tuple(after), key=_key)) if after else lo
        return headers[start : min(start + size, hi)], max(0, hi - lo), start + size < hi

    def header(self, dataset: str, local_id: str) -> Header | None:
        """One record's header (GetRecord), read on its own."""
        if dataset not in self.allowed():
            return None
        q = (
            sparql_prologue("dcterms", "erf", "prov")
            + f"""
        SELECT ?status ?stamp WHERE {{ GRAPH <{self.minter.meta_graph}> {{
          ?g dcterms:identifier {ox.Literal(local_id)} ; dcterms:isPartOf <{self.minter.dataset(dataset)}> ;
             erf:status ?status .
          OPTIONAL {{ ?g prov:wasGeneratedBy ?run . ?run prov:endedAtTime ?stamp }} }} }}"""
        )
        for s in self.store.query(q, union=False):
            return Header(
                self.identifier(dataset, local_id), dataset, local_id,
                utc_stamp(s["stamp"].value if s["stamp"] else None),
                s["status"].value.rsplit("#", 1)[-1] == REMOVED,
            )
        return None

    def _fingerprint(self, allowed: set[str]) -> tuple:
        """What changes whenever a header of these datasets does: their record and version entries
        (every write of a record adds a version) and their finished runs."""
        values = " ".join(f"<{self.minter.dataset(d)}>" for d in sorted(allowed))
        q = (
            sparql_prologue("dcterms", "erf", "prov")
            + f"""
        SELECT ?n ?runs ?last WHERE {{
          {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{self.minter.meta_graph}> {{
               VALUES ?d {{ {values} }} ?g dcterms:isPartOf ?d }} }} }}
          {{ SELECT (COUNT(?run) AS ?runs) (MAX(STR(?end)) AS ?last) WHERE {{
               GRAPH <{self.minter.meta_graph}> {{ VALUES ?d {{ {values} }}
               ?run erf:dataset ?d ; prov:endedAtTime ?end }} }} }} }}"""
        )
        row = next(iter(self.store.query(q, union=False)))
        return tuple(sorted(allowed)), *(row[v].value if row[v] else None for v in ("n", "runs", "last"))

    def _read(self, allowed: set[str]) -> list[Header]:
        values = " ".join(f"<{self.minter.dataset(d)}>" for d in sorted(allowed))
        q = (
            sparql_prologue("dcterms", "erf", "prov")
            + f"""
        SELECT ?ds ?id ?status ?stamp WHERE {{ GRAPH <{self.minter.meta_graph}> {{
          VALUES ?d {{ {values} }}
          ?g dcterms:isPartOf ?d ; dcterms:identifier ?id ; erf:status ?status .
          ?d dcterms:identifier ?ds .
          OPTIONAL {{ ?g prov:wasGeneratedBy ?run . ?run prov:endedAtTime ?stamp }} }} }}"""
        )
        stamps: dict[str | None, str] = {}  # one string per run end (and per dataset name)
        names: dict[str, str] = {}
        out = []
        for s in self.store.query(q, union=False):
            end = s["stamp"].value if s["stamp"] else None
            stamp = stamps.get(end) or stamps.setdefault(end, utc_stamp(end))
            ds = names.setdefault(s["ds"].value, s["ds"].value)
            local_id = s["id"].value
            out.append(Header(self.identifier(ds, local_id), ds, local_id, stamp,
                              s["status"].value.rsplit("#", 1)[-1] == REMOVED))
        out.sort(key=_key)
        return out


MAX_LISTS = 4  # header lists kept per process (one per set asked for, and the whole repository)
_LISTS: OrderedDict[tuple, tuple[tuple, list[Header]]] = OrderedDict()
_LOCK = threading.Lock()


def _key(h: Header) -> tuple[str, str]:
    return h.datestamp, h.identifier


def _stamp(h: Header) -> str:
    return h.datestamp
