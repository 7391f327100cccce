"""Dataset descriptions: DCAT-AP and VoID for every public dataset and for the whole graph.

Written into their own graph (Minter.void_graph) after every ingest or harvest run, so the
counts are those of the last run and a request never scans the store. Served at
`/.well-known/void` (everything) and `/id/dataset/<id>`, `/id/catalog`, `/id/kg` (api/linked_data.py).

- `<base>/id/catalog`: dcat:Catalog of the public datasets (publisher: the operator, named by the
  `oai.repository_name` and `oai.admin_email` settings, which already say who runs this service).
- `<base>/id/kg`: the whole graph as a void:Dataset; every dataset is a void:subset of it.
- `<base>/id/dataset/<id>`: dcat:Dataset + void:Dataset with counts (void:triples, void:entities:
  typed IRIs without a fragment, void:documents: published records), licence, publisher (the
  institution), dcterms:modified (end of the last run), example resources, the SPARQL endpoint and
  two distributions: the LDES (always) and the Europeana zip (when its licence allows Europeana).
Datasets whose licence does not allow "public" are left out, as they are of every public view.
"""

from __future__ import annotations

import pyoxigraph as ox

from erfgoed.config import Config
from erfgoed.graph import meta
from erfgoed.graph.namespaces import _NS, DCAT, DCTERMS, FOAF, PREFIXES, RDF, VOID, XSD, sparql_prologue
from erfgoed.graph.publication import EUROPEANA, PUBLIC, policies
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter, slug

VCARD = _NS(PREFIXES["vcard"])
IANA = "http://www.iana.org/assignments/media-types/"
LDES_SPEC = "https://w3id.org/ldes/specification"
EXAMPLES = 3


def _lit(value: object, datatype: ox.NamedNode | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=datatype) if datatype else ox.Literal(str(value))


def _counts(store: Store, minter: Minter) -> dict[str, tuple[int, int, int]]:
    """(triples, entities, properties) per top segment of the graph names (a dataset id, 'terms',
    'authority', ...); the meta graph, never described, is left out.

    Two passes whose groups stay few (segment x property; one set of typed entities), so the
    memory does not grow with the store: triples and properties from one pass over the quads,
    entities from the rdf:type statements only (every thing a mapping mints is typed), which is
    ~5x cheaper than looking at the subject of every quad."""
    root, skip = f"{minter.base}/graph/", minter.meta_graph
    segment = f'BIND(STRBEFORE(CONCAT(STRAFTER(STR(?g), "{root}"), "/"), "/") AS ?ds)'
    per_property = f"""SELECT ?ds ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
      FILTER(?g != <{skip}> && STRSTARTS(STR(?g), "{root}")) {segment} }} GROUP BY ?ds ?p"""
    triples: dict[str, int] = {}
    props: dict[str, int] = {}
    for s in store.query(per_property, union=False):
        ds = s["ds"].value
        triples[ds] = triples.get(ds, 0) + int(s["n"].value)
        props[ds] = props.get(ds, 0) + 1
    typed = f"""SELECT ?ds (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?type }}
      FILTER(?g != <{skip}> && isIRI(?s) && !CONTAINS(STR(?s), "#") && STRSTARTS(STR(?g), "{root}"))
      {segment} }} GROUP BY ?ds"""
    entities = {s["ds"].value: int(s["n"].value) for s in store.query(typed, union=False)}
    return {ds: (n, entities.get(ds, 0), props[ds]) for ds, n in triples.items()}


def _facts(store: Store, minter: Minter) -> dict[str, dict]:
    """Title, publisher, licence of every dataset, from the meta graph."""
    q = sparql_prologue("dcterms", "dcat") + f"""
    SELECT ?id ?title ?publisher WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?d a dcat:Dataset ; dcterms:identifier ?id OPTIONAL {{ ?d dcterms:title ?title }}
      OPTIONAL {{ ?d dcterms:publisher ?publisher }} }} }}"""
    return {s["id"].value: {"title": s["title"].value if s["title"] else s["id"].value,
                            "publisher": s["publisher"].value if s["publisher"] else ""}
            for s in store.query(q, union=False)}


def _examples(store: Store, minter: Minter, dataset: str) -> list[str]:
    """A few record entities: the fragment-free subjects of the first published records (ordered:
    without ORDER BY, Oxigraph and Virtuoso pick different graphs, and Oxigraph fewer than asked)."""
    q = sparql_prologue("erf", "dcterms") + f"""
    SELECT ?s WHERE {{
      {{ SELECT ?g WHERE {{ GRAPH <{minter.meta_graph}> {{ ?g dcterms:isPartOf <{minter.dataset(dataset)}> ;
           erf:status erf:published }} }} ORDER BY ?g LIMIT {EXAMPLES} }}
      GRAPH ?g {{ ?s a ?type }} FILTER(isIRI(?s) && !CONTAINS(STR(?s), "#")) }}"""
    return sorted({s["s"].value for s in store.query(q, union=False)})[:EXAMPLES]


def build(store: Store, config: Config) -> list[ox.Quad]:
    """The whole description (catalog, graph, public datasets) as quads in the void graph."""
    minter = Minter(config.base_uri)
    base, g = minter.base, ox.NamedNode(minter.void_graph)
    out: list[ox.Quad] = []

    def add(s: str | ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal | str) -> None:
        s = s if isinstance(s, ox.NamedNode) else ox.NamedNode(s)
        o = o if isinstance(o, (ox.NamedNode, ox.Literal)) else ox.NamedNode(o)
        out.append(ox.Quad(s, p, o, g))

    counts, facts, policy = _counts(store, minter), _facts(store, minter), policies(store, minter)
    public = sorted(d for d in facts if PUBLIC in policy.get(d, {}).get("targets", ()))
    sparql = f"{base}/sparql"
    catalog, kg = minter.catalog, minter.whole_graph
    operator = ox.NamedNode(f"{catalog}#publisher")
    add(operator, RDF.type, FOAF.Agent)
    add(operator, FOAF.name, _lit(config["oai.repository_name"]))
    contact = ox.NamedNode(f"{catalog}#contact")
    add(contact, RDF.type, VCARD.Kind)
    add(contact, VCARD.hasEmail, f"mailto:{config['oai.admin_email']}")
    add(catalog, RDF.type, DCAT.Catalog)
    add(catalog, DCTERMS.title, _lit(f"{config['oai.repository_name']}: erfgoedcollecties", lang="nl"))
    add(catalog, DCTERMS.title, _lit(f"{config['oai.repository_name']}: heritage collections", lang="en"))
    add(catalog, DCTERMS.description, _lit("Open erfgoeddatasets als linked data (OSLO).", lang="nl"))
    add(catalog, DCTERMS.description, _lit("Open heritage datasets as linked data (OSLO).", lang="en"))
    add(catalog, DCTERMS.publisher, operator)
    add(catalog, DCAT.contactPoint, contact)
    add(catalog, FOAF.homepage, f"{base}/ui")
    add(catalog, DCAT.dataset, kg)
    add(kg, RDF.type, DCAT.Dataset)
    add(kg, RDF.type, VOID.Dataset)
    add(kg, DCTERMS.title, _lit("The whole knowledge graph", lang="en"))
    add(kg, DCTERMS.title, _lit("De hele kennisgraaf", lang="nl"))
    add(kg, DCTERMS.description,
        _lit("Every public dataset, term list and cached authority record.", lang="en"))
    add(kg, DCTERMS.publisher, operator)
    add(kg, VOID.sparqlEndpoint, sparql)
    add(kg, VOID.uriSpace, _lit(f"{base}/id/"))
    hidden = {d for d in facts if d not in public}
    # the meta graph grows with every run, changed or not: not part of the described data
    visible = {k: v for k, v in counts.items() if k not in hidden and k not in ("void", "meta")}
    for i, key in enumerate(("triples", "entities")):
        add(kg, VOID[key], _lit(sum(v[i] for v in visible.values()), XSD.integer))
    last_runs = {d: meta.runs(store, minter, d, limit=1) for d in public}
    stamps = [r[0]["end"] for r in last_runs.values() if r]
    if stamps:
        add(catalog, DCTERMS.modified, _lit(max(stamps), XSD.dateTime))
        add(kg, DCTERMS.modified, _lit(max(stamps), XSD.dateTime))
    for dataset in public:
        d = minter.dataset(dataset)
        add(catalog, DCAT.dataset, d)
        add(kg, VOID.subset, d)
        out += _dataset(minter, g, dataset, facts[dataset], policy[dataset], counts.get(dataset, (0, 0, 0)),
                        meta.status_counts(store, minter, dataset)[meta.PUBLISHED],
                        last_runs[dataset], _examples(store, minter, dataset), operator)
    return out


def _dataset(minter: Minter, g: ox.NamedNode, dataset: str, fact: dict, policy: dict,
             counts: tuple[int, int, int], records: int, last_run: list[dict], examples: list[str],
             operator: ox.NamedNode) -> list[ox.Quad]:
    base, d = minter.base, ox.NamedNode(minter.dataset(dataset))
    quads: list[ox.Quad] = []

    def add(s, p, o) -> None:
        s = s if isinstance(s, (ox.NamedNode, ox.BlankNode)) else ox.NamedNode(s)
        o = o if isinstance(o, (ox.NamedNode, ox.Literal)) else ox.NamedNode(o)
        quads.append(ox.Quad(s, p, o, g))

    title, institution = fact["title"], fact["publisher"]
    add(d, RDF.type, DCAT.Dataset)
    add(d, RDF.type, VOID.Dataset)
    add(d, DCTERMS.identifier, _lit(dataset))
    add(d, DCTERMS.title, _lit(title))
    who = f" ({institution})" if institution else ""
    add(d, DCTERMS.description, _lit(f"{title}{who}: {records} gepubliceerde records.", lang="nl"))
    add(d, DCTERMS.description, _lit(f"{title}{who}: {records} published records.", lang="en"))
    publisher = (ox.NamedNode(minter.entity("organisation", dataset, slug(institution))) if institution
                 else operator)
    add(d, DCTERMS.publisher, publisher)
    if institution:
        add(publisher, RDF.type, FOAF.Agent)
        add(publisher, FOAF.name, _lit(institution))
    if policy.get("licence"):
        add(d, DCTERMS.license, policy["licence"])
    if last_run:
        add(d, DCTERMS.modified, _lit(last_run[0]["end"], XSD.dateTime))
    add(d, DCAT.landingPage, f"{base}/ui/datasets/{dataset}")
    add(d, VOID.sparqlEndpoint, f"{base}/sparql")
    add(d, VOID.uriRegexPattern, _lit(f"^{base}/id/[a-z]+/{dataset}/"))
    add(d, VOID.triples, _lit(counts[0], XSD.integer))
    add(d, VOID.entities, _lit(counts[1], XSD.integer))
    add(d, VOID.properties, _lit(counts[2], XSD.integer))
    add(d, VOID.documents, _lit(records, XSD.integer))
    for example in examples:
        add(d, VOID.exampleResource, example)
    distributions = [("ldes", minter.event_stream(dataset), "text/turtle", "LDES (TREE pages by version)")]
    if EUROPEANA in policy.get("targets", ()):
        distributions.append(("europeana", f"{base}/datasets/{dataset}/europeana.zip", "application/zip",
                              "EDM for Europeana (zip of RDF/XML records)"))
    for key, url, media, label in distributions:
        dist = ox.NamedNode(f"{d.value}#{key}")
        add(d, DCAT.distribution, dist)
        add(dist, RDF.type, DCAT.Distribution)
        add(dist, DCTERMS.title, _lit(label, lang="en"))
        add(dist, DCAT.accessURL, url)
        add(dist, DCAT.mediaType, IANA + media)
        if policy.get("licence"):
            add(dist, DCTERMS.license, policy["licence"])
        if key == "ldes":
            add(dist, DCTERMS.conformsTo, LDES_SPEC)
    return quads


def refresh_descriptions(store: Store, config: Config) -> None:
    """Rewrite the void graph from the store (after each ingest/harvest run)."""
    minter = Minter(config.base_uri)
    store.replace(drop_graphs=[minter.void_graph], insert=build(store, config))


def description(store: Store, config: Config, subject: str | None = None) -> list[ox.Triple]:
    """The stored description (all of it, or what is about `subject` and its fragments); built on
    the fly for a store loaded before descriptions were written."""
    minter = Minter(config.base_uri)
    quads = list(store.quads(minter.void_graph))
    if not quads:
        quads = build(store, config)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    if subject is None:
        return triples
    inside = {t.subject for t in triples if t.subject.value == subject
              or t.subject.value.startswith(subject + "#")}
    related = {t.object for t in triples if t.subject in inside and t.predicate == DCTERMS.publisher}
    return [t for t in triples if t.subject in inside or t.subject in related]
