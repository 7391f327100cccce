"""A term list from a SKOS file: Turtle, RDF/XML, JSON-LD, TriG, N-Triples, N-Quads.

Concepts keep their own URIs. An institution that publishes its thesaurus (Ghent's
`https://stad.gent/id/concept/...`) has made those URIs its terms' identity: collection records
and other lists already point at them, so minting ours would split one term into two. We add
`skos:inScheme <our list>` beside the file's own scheme, so the concept belongs to both. Only
blank-node concepts, which have no identity to keep, get URIs of ours (graph/terms/identity.py).

Kept as the file says: labels, notes, notation, broader, mappings and any other statement about a
concept whose value is a URI or a literal (blank-node values - structured identifiers and the
like - are left out and counted). `skos:narrower` within the list becomes `skos:broader` of the
narrower concept, so the hierarchy is stored one way. `owl:sameAs` to another URI also becomes a
`skos:exactMatch` mapping. Several versions of one concept (an LDES page, linked by
`dcterms:isVersionOf`) collapse to the latest version, under the concept's own URI.

JSON-LD contexts are never fetched while importing: a remote `@context` is read from the local map
(setting `resources.local`) or the cache of harvested contexts, else the import stops and says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from erfgoed.errors import InputError, UserError
from erfgoed.graph.literals import first_ill_typed
from erfgoed.graph.namespaces import PREFIXES, RDF_TYPE
from erfgoed.graph.terms.columns import canonical_uri
from erfgoed.graph.terms.identity import Candidate, Identities, Parsed
from erfgoed.graph.terms.lists import StoredList
from erfgoed.graph.terms.quality import Finding
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.resources import Resources

SKOS, DCT, PROV, OWL, ERF, RDFS = (PREFIXES[p] for p in ("skos", "dcterms", "prov", "owl", "erf", "rdfs"))
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".rdf": ox.RdfFormat.RDF_XML,
           ".xml": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD,
           ".json": ox.RdfFormat.JSON_LD, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
           ".nq": ox.RdfFormat.N_QUADS, ".n3": ox.RdfFormat.N3}
TITLES = (DCT + "title", SKOS + "prefLabel", RDFS + "label")


def no_web(url: str):
    raise UserError(f"the JSON-LD context {url} is not available offline, and a term import never "
                    "fetches from the web.")


def parse_rdf(path: Path, resources: Resources) -> list[ox.Triple]:
    """Every triple of the file, whatever graph it is in."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown file type '{path.suffix}' (SKOS: {', '.join(sorted(FORMATS))})",
                         file=str(path))
    if fmt == ox.RdfFormat.RDF_XML:
        from erfgoed.harvesters.files import refuse_doctype

        refuse_doctype(path)  # pyoxigraph would expand a billion-laughs entity to gigabytes
    try:
        data = path.read_bytes()
        if fmt == ox.RdfFormat.JSON_LD:
            from erfgoed.harvesters.ldes import inline_contexts

            data = json.dumps(inline_contexts(json.loads(data), resources)).encode()
        quads = list(ox.parse(data, format=fmt))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=str(path),
                         line=exc.lineno) from None
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"not valid {fmt.name}: {exc}", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    bad = first_ill_typed(quads)
    if bad is not None:
        raise InputError(f"{bad.subject}: the value \"{bad.object.value}\" of <{bad.predicate.value}> is not "
                         f"a valid {bad.object.datatype.value.rpartition('#')[2]}; nothing was imported",
                         file=str(path))
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def latest_versions(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Versioned concepts (dcterms:isVersionOf) as their latest version, under the concept's URI."""
    version_of, stamp = {}, {}
    for t in triples:
        if t.predicate.value == DCT + "isVersionOf" and isinstance(t.object, ox.NamedNode):
            version_of[t.subject] = t.object
        elif t.predicate.value in (PROV + "generatedAtTime", DCT + "modified", DCT + "created"):
            stamp[t.subject] = max(stamp.get(t.subject, ""), t.object.value)
    if not version_of:
        return triples
    latest: dict[ox.NamedNode, object] = {}
    for version, entity in version_of.items():  # ties: the last in the file wins
        if entity not in latest or stamp.get(version, "") >= stamp.get(latest[entity], ""):
            latest[entity] = version
    rename = {v: e for e, v in latest.items()}
    out = []
    for t in triples:
        if t.subject in version_of and t.subject not in rename:
            continue  # an older version
        if t.predicate.value == DCT + "isVersionOf" and t.subject in rename:
            continue
        out.append(ox.Triple(rename.get(t.subject, t.subject), t.predicate,
                             rename.get(t.object, t.object)))
    return out


def read_skos(path: Path, list_id: str, minter: Minter, stored: StoredList, *,
              resources: Resources, lang: str = "nl") -> Parsed:
    triples = latest_versions(parse_rdf(path, resources))
    ours = minter.term_list(list_id)
    types: dict[object, set[str]] = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE:
            types.setdefault(t.subject, set()).add(t.object.value)
    schemes = {s for s, ts in types.items() if SKOS + "ConceptScheme" in ts}
    concepts = list(dict.fromkeys(
        t.subject for t in triples
        if (t.predicate.value == RDF_TYPE and t.object.value == SKOS + "Concept")
        or t.predicate.value in (SKOS + "inScheme", SKOS + "topConceptOf")))
    concepts = [c for c in concepts if c not in schemes]
    if not concepts:
        raise InputError("no concepts found: a SKOS term list types its terms as skos:Concept (or "
                         "puts them in a scheme with skos:inScheme)", file=str(path))
    uris = _concept_uris(concepts, triples, minter, list_id, stored)
    inside = set(uris.values())

    def node(term):
        return ox.NamedNode(uris[term]) if term in uris else term

    out, findings, dropped, titles, kind = [], [], 0, [], None
    broader_targets = set()
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if s in uris:
            s, o = node(s), node(o)
            if isinstance(o, ox.BlankNode):
                dropped += 1
            elif p in (SKOS + "inScheme", SKOS + "topConceptOf") and o.value == ours:
                continue  # the importer writes these
            elif p == SKOS + "narrower" and o.value in inside:
                out.append(ox.Triple(o, ox.NamedNode(SKOS + "broader"), s))
            else:
                out.append(ox.Triple(s, t.predicate, o))
                if p == OWL + "sameAs" and isinstance(o, ox.NamedNode) and o.value not in inside:
                    out.append(ox.Triple(s, ox.NamedNode(SKOS + "exactMatch"),
                                         ox.NamedNode(canonical_uri(o.value))))
                if p == SKOS + "broader":
                    broader_targets.add(o)
        elif s in schemes and s.value == ours:  # our own list, exported earlier: keep its name
            if p in TITLES:
                titles.append((0, TITLES.index(p), o))
            elif p == ERF + "kind":
                kind = o.value
        elif s in schemes and not isinstance(o, ox.BlankNode):
            out.append(ox.Triple(s, t.predicate, node(o)))
            if p in TITLES:
                titles.append((1, TITLES.index(p), o))
    for t in triples:  # the contract: a broader term's label beside it, also outside the list
        if (t.subject in broader_targets and t.subject.value not in inside
                and t.predicate.value == SKOS + "prefLabel"):
            out.append(t)
    if dropped:
        findings.append(Finding("blank-node-values", "Info",
                                f"{dropped} waarden zonder eigen URI (structuren) zijn niet overgenomen.",
                                f"{dropped} values without a URI of their own (structures) were left out."))
    # the list's name: our own scheme's before another's, dcterms:title before labels, `lang` first
    titles.sort(key=lambda x: (x[0], x[1], getattr(x[2], "language", None) != lang))
    return Parsed(list(dict.fromkeys(out)), [uris[c] for c in concepts], findings,
                  title=titles[0][2] if titles else None, kind=kind)


def _concept_uris(concepts: list, triples: list[ox.Triple], minter: Minter, list_id: str,
                  stored: StoredList) -> dict[object, str]:
    """Named concepts keep their URI; blank-node concepts get ours (by notation or label)."""
    blank = {c: Candidate() for c in concepts if isinstance(c, ox.BlankNode)}
    for t in triples:
        if t.subject in blank and isinstance(t.object, ox.Literal):
            cand, p = blank[t.subject], t.predicate.value
            if p == SKOS + "notation" and cand.notation is None:
                cand.notation = t.object.value
            elif p == SKOS + "prefLabel":
                cand.prefs.append((t.object.value, t.object.language or ""))
            elif p == SKOS + "altLabel":
                cand.alts.append((t.object.value, t.object.language or ""))
    named = [Candidate(uri=c.value) for c in concepts if not isinstance(c, ox.BlankNode)]
    assigned = Identities(minter, list_id, stored).assign(named + list(blank.values()))
    keys = [c for c in concepts if not isinstance(c, ox.BlankNode)] + list(blank)
    return {k: u for k, u in zip(keys, assigned, strict=True) if u}
