"""Europeana readiness of a dataset: how its records spread over the metadata tiers (0, A-C) and
content tier ceilings (0-4), and what holds them back, most common first, with example records.

Every record goes through the export's own path (EdmBuilder: CONSTRUCT, XSD, Schematron rules), so
a record that would not be exported is counted as such. The result is kept in
<data_dir>/reports/<dataset>.europeana.json, keyed by the dataset's last ingest run, its licence
and the curated mappings' size: the dataset page asks again only after one of those changed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from erfgoed.errors import UserError
from erfgoed.graph.edm_tiers import TIERS, tier_of
from erfgoed.graph.meta import runs
from erfgoed.graph.publication import EUROPEANA, policies, refusal
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

EXAMPLES = 5  # example records per reason
TOP = 8  # reasons listed


def _key(store: Store, minter: Minter, dataset: str) -> str:
    last = runs(store, minter, dataset, limit=1)
    policy = policies(store, minter).get(dataset, {})
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{minter.alignments_graph}> {{ ?s ?p ?o }} }}"
    mappings = next(iter(store.query(q, union=False)))["n"].value
    return "|".join([last[0]["end"] if last else "-", ",".join(sorted(policy.get("targets", ()))),
                     policy.get("rights", ""), mappings])


def compute(store: Store, config, dataset: str) -> dict:
    """The readiness summary of one dataset (computed now, not cached)."""
    from erfgoed.graph.edm import EdmBuilder

    why = refusal(store, config.base_uri, dataset, EUROPEANA)
    if why:
        return {"allowed": False, "reason": why}
    metadata, content = Counter({t: 0 for t in TIERS}), Counter({str(c): 0 for c in range(5)})
    reasons: dict[tuple[str, str], dict] = {}
    records = invalid = publishable = 0
    for rec in EdmBuilder(store, config, dataset).records():
        records += 1
        if not rec.valid:
            invalid += 1
            _count(reasons, "checks", "what the problems say (export-report.json lists them all)", (),
                   rec.local_id, "; ".join(rec.problems[:2]))
            continue
        tiering = tier_of(rec.triples, rec.uri)
        metadata[tiering.metadata] += 1
        content[str(tiering.content)] += 1
        publishable += tiering.published
        for r in tiering.reasons:
            _count(reasons, r.criterion, r.add, r.missing, rec.local_id, r.detail)
    top = sorted(reasons.values(), key=lambda r: (-r["records"], r["criterion"], r["missing"]))
    return {
        "allowed": True, "records": records, "exported": records - invalid, "invalid": invalid,
        "publishable": publishable, "metadata_tiers": dict(metadata), "content_tiers": dict(content),
        "reasons": top[:TOP], "more_reasons": max(0, len(top) - TOP),
        "computed": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _count(reasons: dict, criterion: str, add: str, missing: tuple[str, ...], record: str,
           detail: str) -> None:
    """One reason per criterion and what is missing ('language' without dc:type and dc:title)."""
    entry = reasons.setdefault((criterion, missing), {"criterion": criterion, "missing": list(missing),
                                                      "add": add, "records": 0, "examples": []})
    entry["records"] += 1
    if len(entry["examples"]) < EXAMPLES:
        entry["examples"].append({"record": record, "detail": detail})


def readiness(store: Store, config, dataset: str) -> dict:
    """The summary, from the cache file when nothing it depends on changed since."""
    minter = Minter(config.base_uri)
    key = _key(store, minter, dataset)
    path = Path(config.resolve(config["site.data_dir"])) / "reports" / f"{dataset}.europeana.json"
    try:
        cached = json.loads(path.read_text("utf-8"))
        if cached.get("key") == key:
            return cached["readiness"]
    except (OSError, ValueError, KeyError):
        pass  # absent or unreadable: computed again
    try:
        result = compute(store, config, dataset)
    except UserError as exc:  # e.g. the EDM schema cannot be had: the page says so, nothing is cached
        return {"allowed": True, "unavailable": str(exc)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps({"key": key, "readiness": result}, ensure_ascii=False), "utf-8")
    tmp.replace(path)
    return result
