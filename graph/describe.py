"""What a minted URI (`<base>/id/...`) says about itself: the description its page and its RDF
formats show (api/linked_data.py).

- A record entity (`<base>/id/<kind>/<dataset>/<id>` minted from a record's own id): its record
  graph, fragments (`#productie`, ...) included.
- A shared entity (a maker, a material): its owner graph (`<base>/graph/<dataset>/<kind>/<key>`).
- Datasets, the catalog, the whole graph: their DCAT/VoID description (graph/void.py); runs and
  datasets also their meta-graph facts; mapping records their statements in the alignments graph.
Each gets the labels of what it links to, the links pointing at it (capped), its mappings to
authorities (skos:*Match, wherever curated) and its provenance: dataset, institution, last run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.config import Config
from erfgoed.graph import meta
from erfgoed.graph.namespaces import PREFIXES, sparql_prologue
from erfgoed.graph.publication import PUBLIC, hidden_graph_prefixes, policies, refusal
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter, decode_id

INCOMING_LIMIT = 200
LABELS = ("skos:prefLabel", "rdfs:label", "foaf:name", "dcterms:title", "schema:name", "crm:P102_has_title")
MATCHES = tuple(PREFIXES["skos"] + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch",
                                               "relatedMatch"))
LANG_ORDER = ("nl", "en")  # label fallback: nl, then en, then any


@dataclass
class Description:
    uri: str
    status: str = "unknown"              # ok | removed | unknown | hidden
    reason: str = ""                     # why hidden (a sentence)
    kind: str = ""
    dataset: str = ""
    triples: list[ox.Triple] = field(default_factory=list)    # the entity's own document
    incoming: list[ox.Triple] = field(default_factory=list)   # links from elsewhere, capped
    labels: dict[str, str] = field(default_factory=dict)      # IRI -> best label
    label_triples: list[ox.Triple] = field(default_factory=list)
    mappings: list[tuple[str, str]] = field(default_factory=list)  # (predicate, target)
    provenance: dict = field(default_factory=dict)
    modified: str | None = None          # xsd:dateTime of the last run that wrote it

    def rdf(self) -> list[ox.Triple]:
        """What the RDF formats serve: the document, incoming links, linked things' labels."""
        seen, out = set(), []
        for t in self.triples + self.incoming + self.label_triples:
            if t not in seen:
                seen.add(t)
                out.append(t)
        return out


def best_label(literals: list[ox.Literal]) -> str:
    for lang in LANG_ORDER:
        for lit in literals:
            if (lit.language or "").split("-")[0] == lang:
                return lit.value
    return literals[0].value if literals else ""


def _triples(store: Store, q: str) -> list[ox.Triple]:
    return [ox.Triple(s["s"], s["p"], s["o"]) for s in store.query(q, union=False)]


def describe(store: Store, config: Config, uri: str) -> Description:
    from erfgoed.graph.void import description as void_description

    minter = Minter(config.base_uri)
    d = Description(uri)
    segments = uri[len(minter.base) + len("/id/"):].split("/")
    d.kind = segments[0]
    d.dataset = segments[1] if len(segments) == 3 else (segments[1] if d.kind == "dataset" else "")
    policy = policies(store, minter)
    if d.dataset in policy and PUBLIC not in policy[d.dataset]["targets"] and d.kind != "mapping":
        d.status, d.reason = "hidden", refusal(store, minter.base, d.dataset, PUBLIC) or ""
        return d
    mine = f'?s = <{uri}> || STRSTARTS(STR(?s), "{uri}#")'
    # graphs of datasets the public may not see say nothing here (e.g. what a hidden dataset's
    # records add to a canonical actor: graph/actors/visibility.py)
    secret = "".join(f' && !STRSTARTS(STR(?g), "{p}")' for p in hidden_graph_prefixes(store, minter, policy))
    if len(segments) == 3:
        record = minter.record_graph(d.dataset, decode_id(segments[2]))
        owner = minter.shared_graph(d.dataset, d.kind, segments[2])
        rows = list(store.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ <{record}> <{owner}> }} "
                                f"GRAPH ?g {{ ?s ?p ?o }} }}", union=False))
        if any(r["s"].value == uri for r in rows if r["g"].value == record):
            d.triples = [ox.Triple(r["s"], r["p"], r["o"]) for r in rows if r["g"].value == record]
        d.triples += [ox.Triple(r["s"], r["p"], r["o"]) for r in rows if r["g"].value == owner
                      and (r["s"].value == uri or r["s"].value.startswith(uri + "#"))]
    # anywhere else (meta, alignments, canonical actors, ...): its own statements, by subject
    done = {t for t in d.triples}
    skip = [minter.void_graph] + [minter.record_graph(d.dataset, decode_id(segments[2])) if len(segments) == 3
                                  else minter.void_graph]
    d.triples += [t for t in _triples(store, f"""SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
      VALUES ?s {{ <{uri}> }} FILTER(?g NOT IN ({", ".join(f"<{g}>" for g in skip)}){secret}) }}""")
                  if t not in done]
    d.triples += void_description(store, config, uri)
    if not d.triples:
        if len(segments) == 3 and _removed(store, minter, d.dataset, decode_id(segments[2])):
            d.status = "removed"
        return d
    d.status = "ok"
    d.incoming = _triples(store, f"""SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p <{uri}> }}
      BIND(<{uri}> AS ?o)
      FILTER(?g NOT IN (<{minter.meta_graph}>, <{minter.void_graph}>) && !({mine}){secret}) }}
      LIMIT {INCOMING_LIMIT}""")
    linked = {t.object.value for t in d.triples if isinstance(t.object, ox.NamedNode)}
    linked |= {t.subject.value for t in d.incoming} | {uri}
    _labels(store, d, linked, secret)
    d.mappings = sorted({(t.predicate.value, t.object.value) for t in d.triples
                         if t.subject.value == uri and t.predicate.value in MATCHES})
    d.mappings += [m for m in _alignments(store, uri) if m not in d.mappings]
    _provenance(store, minter, d, segments)
    return d


def _removed(store: Store, minter: Minter, dataset: str, local_id: str) -> bool:
    state = meta.record_states(store, minter, dataset, [local_id]).get(local_id)
    return bool(state and state.status == meta.REMOVED)


def _labels(store: Store, d: Description, iris: set[str], secret: str = "") -> None:
    values = " ".join(f"<{i}>" for i in sorted(iris) if ">" not in i and " " not in i)
    q = sparql_prologue("skos", "rdfs", "foaf", "dcterms", "schema", "crm") + f"""
    SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {" ".join(LABELS)} }}
      {"GRAPH ?g { ?s ?p ?o }" if secret else "?s ?p ?o"} FILTER(isLiteral(?o){secret}) }}"""
    found: dict[str, list[ox.Literal]] = {}
    for s in store.query(q):
        found.setdefault(s["s"].value, []).append(s["o"])
        if s["s"].value != d.uri:
            d.label_triples.append(ox.Triple(s["s"], s["p"], s["o"]))
    d.labels = {iri: best_label(lits) for iri, lits in found.items()}


def _alignments(store: Store, uri: str) -> list[tuple[str, str]]:
    """Curated mappings of the term lists the entity is mapped to, or of itself (any graph)."""
    values = " ".join(f"<{m}>" for m in MATCHES)
    q = f"SELECT DISTINCT ?p ?o WHERE {{ VALUES ?p {{ {values} }} <{uri}> ?p ?o }} ORDER BY ?p ?o"
    return [(s["p"].value, s["o"].value) for s in store.query(q)]


def _provenance(store: Store, minter: Minter, d: Description, segments: list[str]) -> None:
    if not d.dataset or d.kind in ("mapping",):
        return
    ds = minter.dataset(d.dataset)
    q = sparql_prologue("dcterms") + f"""SELECT ?title ?publisher WHERE {{ GRAPH <{minter.meta_graph}> {{
      <{ds}> dcterms:title ?title OPTIONAL {{ <{ds}> dcterms:publisher ?publisher }} }} }}"""
    for s in store.query(q, union=False):
        d.provenance = {"dataset": ds, "title": s["title"].value,
                        "institution": s["publisher"].value if s["publisher"] else ""}
    run = None
    if len(segments) == 3 and d.kind not in ("run", "dataset"):
        record = minter.record_graph(d.dataset, decode_id(segments[2]))
        q = sparql_prologue("prov") + f"""SELECT ?run ?end WHERE {{ GRAPH <{minter.meta_graph}> {{
          <{record}> prov:wasGeneratedBy ?run . ?run prov:endedAtTime ?end }} }}"""
        run = next(({"run": s["run"].value, "end": s["end"].value}
                    for s in store.query(q, union=False)), None)
    if run is None:  # a shared entity, a dataset, a run: the dataset's last run
        last = meta.runs(store, minter, d.dataset, limit=1)
        run = {"run": last[0]["run"], "end": last[0]["end"]} if last else None
    if run:
        d.provenance["run"], d.provenance["harvested"] = run["run"], run["end"]
        d.modified = run["end"]
