"""Every actor of every dataset read from the store as `Candidate`s (graph/actors/resolve.py).

What the mappings write (mappings/queries/*.rq) and what OSLO LDES sources serve:
- LIDO and register makers: `dcterms:Agent ; skos:prefLabel ; skos:exactMatch <authority>`, roles as
  `cest:Rol.agent` + `crm:P14.1_in_the_role_of`;
- actor registers: `person:Person` (foaf:familyName/givenName, persoon:volledigeNaam, birth/death as
  time:Instant) or `org:Organization` (skos:prefLabel, a KBO `adms:identifier`);
- Ghent's LDES persons: `persoon:volledigeNaam`, `persoon:alternatieveNaam`, `owl:sameAs`;
- UiTdatabank performers: `crm:E39_Actor ; foaf:name`.
Only dataset graphs are read (`<base>/graph/<dataset>/...`), never our own system graphs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from erfgoed.graph.actors.names import year_of
from erfgoed.graph.actors.resolve import Candidate
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX person: <http://www.w3.org/ns/person#>
PREFIX persoon: <https://data.vlaanderen.be/ns/persoon#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX cest: <https://data.vlaanderen.be/ns/cultureel-erfgoed#>
PREFIX adms: <http://www.w3.org/ns/adms#>
PREFIX time: <http://www.w3.org/2006/time#>
"""
NAMES = (
    PREFIXES
    + """SELECT ?a ?g ?name ?kind WHERE { GRAPH ?g {
  { ?a a dcterms:Agent ; skos:prefLabel|skos:altLabel ?name }
  UNION { ?a persoon:volledigeNaam|persoon:alternatieveNaam ?name BIND("person" AS ?kind) }
  UNION { ?a a person:Person ; foaf:familyName ?fam BIND("person" AS ?kind)
          OPTIONAL { ?a foaf:givenName ?giv } BIND(IF(BOUND(?giv), CONCAT(?fam, ", ", ?giv), ?fam) AS ?name) }
  UNION { ?a a org:Organization ; skos:prefLabel ?name BIND("organisation" AS ?kind) }
  UNION { ?a a crm:E39_Actor ; foaf:name ?name }
} }"""
)
IDS = (
    PREFIXES
    + """SELECT ?a ?id ?kbo WHERE {
  { ?a skos:exactMatch|owl:sameAs ?id FILTER(isIRI(?id)) }
  UNION { ?a adms:identifier/skos:notation ?kbo
          FILTER(DATATYPE(?kbo) = <https://data.vlaanderen.be/id/identificatiesysteem/kbo-nummer>) }
}"""
)
DATES = (
    PREFIXES
    + """SELECT ?a ?birth ?death WHERE {
  { ?a <https://data.vlaanderen.be/ns/persoon#/Geboortedatum> ?b .
    OPTIONAL { ?b time:inXSDDate|time:inXSDgYear ?bd }
    OPTIONAL { ?b <http://www.w3.org/2000/01/rdf-schema#label> ?bl }
    BIND(STR(COALESCE(?bd, ?bl)) AS ?birth) }
  UNION { ?a <https://data.vlaanderen.be/ns/persoon#/Sterfdatum> ?d .
    OPTIONAL { ?d time:inXSDDate|time:inXSDgYear ?dd }
    OPTIONAL { ?d <http://www.w3.org/2000/01/rdf-schema#label> ?dl }
    BIND(STR(COALESCE(?dd, ?dl)) AS ?death) }
}"""
)
ROLES = (
    PREFIXES
    + """SELECT ?a ?role WHERE {
  ?r cest:Rol.agent ?a ; crm:P14.1_in_the_role_of ?t . ?t skos:prefLabel ?role }"""
)

# Authority URIs as different sources write them -> one form, so shared ids meet.
_ID_FORMS = [
    (re.compile(r"^https?://(?:www\.)?viaf\.org/viaf/(\d+)"), "http://viaf.org/viaf/{}"),
    (
        re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/(Q\d+)"),
        "http://www.wikidata.org/entity/{}",
    ),
    (
        re.compile(r"^https?://(?:www\.)?rkd\.nl/(?:\w+/)?explore/artists/(\d+)"),
        "https://rkd.nl/explore/artists/{}",
    ),
    (
        re.compile(r"^https?://(?:www\.)?vocab\.getty\.edu/(?:page/)?ulan/(\d+)"),
        "http://vocab.getty.edu/ulan/{}",
    ),
    (re.compile(r"^https?://(?:www\.)?isni\.org/isni/(\d{15}[\dX])"), "https://isni.org/isni/{}"),
]


def normalise_id(uri: str) -> str | None:
    """One authority URI form ("https://www.wikidata.org/wiki/Q43270" -> ".../entity/Q43270");
    None for URIs that are not an actor authority (AAT concepts, home pages)."""
    for pattern, form in _ID_FORMS:
        m = pattern.match(uri.strip())
        if m:
            return form.format(m.group(1))
    return None


def dataset_of(graph: str, minter: Minter) -> str | None:
    """The dataset of a record graph; None for our system graphs (meta, terms, actors, ...)."""
    prefix = f"{minter.base}/graph/"
    if not graph.startswith(prefix):
        return None
    first, _, rest = graph[len(prefix) :].partition("/")
    if not rest or first in ("terms", "authority", "meta", "alignments", "actors", "actor-decisions"):
        return None
    if graph == minter.dataset_actors_graph(first):  # our canonical statements, not its records
        return None
    return first


def read_candidates(store: Store, minter: Minter, only: Iterable[str] | None = None) -> list[Candidate]:
    """Every actor in the store's dataset graphs, with names, kind, ids, life dates and roles; with
    `only`, just those actors (a curator's decision re-resolves the clusters it touches)."""
    names: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    datasets: dict[str, str] = {}
    if only is not None:
        wanted = "VALUES ?a { " + " ".join(f"<{u}>" for u in sorted(set(only))) + " } "

        def restrict(q: str) -> str:
            return q.replace("WHERE {", "WHERE { " + wanted, 1)
    else:

        def restrict(q: str) -> str:
            return q

    for row in store.query(restrict(NAMES)):
        dataset = dataset_of(row["g"].value, minter)
        a = row["a"].value
        if dataset is None or a.startswith(minter.agent("")):
            continue
        datasets.setdefault(a, dataset)
        if row["name"] is not None and row["name"].value not in names[a]:
            names[a].append(row["name"].value)
        if row["kind"] is not None:
            kinds[a] = row["kind"].value
    ids: dict[str, set[str]] = defaultdict(set)
    for row in store.query(restrict(IDS)):
        a = row["a"].value
        if a not in datasets:
            continue
        if row["kbo"] is not None:
            ids[a].add("kbo:" + re.sub(r"\D", "", row["kbo"].value))
        elif (norm := normalise_id(row["id"].value)) is not None:
            ids[a].add(norm)
    life: dict[str, dict[str, int]] = defaultdict(dict)
    for row in store.query(restrict(DATES)):
        for what in ("birth", "death"):
            if row[what] is not None and (y := year_of(row[what].value)) is not None:
                life[row["a"].value].setdefault(what, y)
    roles: dict[str, set[str]] = defaultdict(set)
    for row in store.query(restrict(ROLES)):
        roles[row["a"].value].add(row["role"].value.lower())
    return [
        Candidate(
            a,
            datasets[a],
            tuple(names[a]),
            kinds.get(a, ""),
            frozenset(ids[a]),
            life[a].get("birth"),
            life[a].get("death"),
            frozenset(roles[a]),
        )
        for a in sorted(datasets)
        if names[a]
    ]
