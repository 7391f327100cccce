"""What the OAI-PMH provider offers: record headers of the datasets whose licence allows Europeana,
with datestamps, sets and deletions, read from the meta graph.

A record's datestamp is the end of the ingest run that last wrote it (published or removed); a
record whose run has not finished yet (an interrupted run) gets the time of the request, so
harvesters using `from` pick it up rather than miss it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from erfgoed.graph.meta import REMOVED
from erfgoed.graph.namespaces import sparql_prologue
from erfgoed.graph.publication import EUROPEANA, policies
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter


@dataclass(frozen=True)
class Header:
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
        """Every record of the allowed datasets (or of one), ordered by (datestamp, identifier)."""
        allowed = self.allowed()
        if dataset is not None:
            allowed &= {dataset}
        if not allowed:
            return []
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
        out = [
            Header(
                self.identifier(s["ds"].value, s["id"].value),
                s["ds"].value,
                s["id"].value,
                utc_stamp(s["stamp"].value if s["stamp"] else None),
                s["status"].value.rsplit("#", 1)[-1] == REMOVED,
            )
            for s in self.store.query(q, union=False)
        ]
        return sorted(out, key=lambda h: (h.datestamp, h.identifier))
