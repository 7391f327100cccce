"""URI minting. Minted URIs never change, so this module is the only place that builds them.

`<base>/id/<kind>/<dataset>/<local-id>` for things, `<base>/graph/<dataset>/<local-id>` for the
named graph holding one record, and a few system graphs (DESIGN.md, "Named graphs").
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

KINDS = ("object", "actor", "concept", "production", "dataset", "run", "organisation", "term",
         "termlist", "mapping", "agent")


def encode_id(local_id: str) -> str:
    """A local id as one URI path segment: reversible, so '/' and spaces survive as %2F, %20."""
    return quote(local_id.strip(), safe="-._~")


def decode_id(segment: str) -> str:
    return unquote(segment)


def slug(text: str) -> str:
    """A readable key for free text ('Rubens, Peter Paul' -> 'rubens-peter-paul')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return key or "x" + text.encode().hex()[:16]


class Minter:
    """Mints the URIs of one deployment (its base URI)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def entity(self, kind: str, dataset: str, local_id: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown kind of thing: {kind!r} (known: {', '.join(KINDS)})")
        return f"{self.base}/id/{kind}/{dataset}/{encode_id(local_id)}"

    def dataset(self, dataset: str) -> str:
        return f"{self.base}/id/dataset/{dataset}"

    def record_graph(self, dataset: str, local_id: str) -> str:
        return f"{self.base}/graph/{dataset}/{encode_id(local_id)}"

    def owner_graph(self, subject: str, dataset: str, local_id: str) -> str:
        """The graph a triple about `subject` belongs in, when record `local_id` states it.

        Things minted from the record's own id (the object, <object>#productie, ...) live in the
        record's graph. Shared things (a maker, a material term) live once, in a graph of their
        own (<base>/graph/<dataset>/<kind>/<key>): the union default graph counts a triple once
        per graph holding it, so repeating them per record would multiply query results.
        """
        prefix = f"{self.base}/id/"
        if subject.startswith(prefix):
            parts = subject[len(prefix):].split("#", 1)[0].split("/")
            if len(parts) == 3 and parts[1] == dataset:
                if parts[2] == encode_id(local_id):
                    return self.record_graph(dataset, local_id)
                return self.shared_graph(dataset, parts[0], parts[2])
        return self.record_graph(dataset, local_id)

    def shared_graph(self, dataset: str, kind: str, key: str) -> str:
        """The graph of a dataset's shared thing <base>/id/<kind>/<dataset>/<key> (`key` as in its URI)."""
        return f"{self.base}/graph/{dataset}/{kind}/{key}"

    def dataset_graph_prefix(self, dataset: str) -> str:
        return f"{self.base}/graph/{dataset}/"

    @property
    def meta_graph(self) -> str:
        return f"{self.base}/graph/meta"

    # -- linked-data publication (graph/void.py, graph/ldes_out.py) ------------------------------
    @property
    def void_graph(self) -> str:
        """The DCAT/VoID descriptions, rewritten after every ingest run."""
        return f"{self.base}/graph/void"

    @property
    def catalog(self) -> str:
        """The dcat:Catalog of every published dataset."""
        return f"{self.base}/id/catalog"

    @property
    def whole_graph(self) -> str:
        """The whole knowledge graph as one void:Dataset (its datasets are void:subsets)."""
        return f"{self.base}/id/kg"

    def event_stream(self, dataset: str) -> str:
        """A dataset's LDES (served at /ldes/<dataset>)."""
        return f"{self.base}/ldes/{dataset}"

    def run(self, dataset: str, run_id: str) -> str:
        return f"{self.base}/id/run/{dataset}/{run_id}"

    # -- the term network (DESIGN.md, "Named graphs") --------------------------------------------
    def term_list(self, list_id: str) -> str:
        """The skos:ConceptScheme of a term list."""
        return f"{self.base}/id/termlist/{list_id}"

    def term(self, list_id: str, local_id: str) -> str:
        """A concept of a term list; `local_id` is the list's own id (or a slug of its label)."""
        return f"{self.base}/id/term/{list_id}/{encode_id(local_id)}"

    def terms_graph(self, list_id: str) -> str:
        return f"{self.base}/graph/terms/{list_id}"

    def authority_graph(self, name: str) -> str:
        """Cached records of one authority (aat, wikidata, viaf, geonames)."""
        return f"{self.base}/graph/authority/{name}"

    @property
    def alignments_graph(self) -> str:
        """Curated SKOS mappings and their mapping records."""
        return f"{self.base}/graph/alignments"

    def authority(self, name: str) -> str:
        """An authority (aat, wikidata, ...) as a source of this network: SSSOM object_source of a
        no-match (network-of-terms has no dataset URI for every authority, and those it has are not
        CURIE-friendly)."""
        return f"{self.base}/id/authority/{name}"

    def term_prefix(self, list_id: str) -> str:
        """What every concept URI of a term list starts with."""
        return f"{self.base}/id/term/{list_id}/"

    def list_of_term(self, uri: str) -> str | None:
        """The list id of one of our term URIs; None for any other URI."""
        prefix = f"{self.base}/id/term/"
        if not uri.startswith(prefix):
            return None
        list_id, _, local = uri[len(prefix):].partition("/")
        return list_id if list_id and local else None

    def mapping(self, list_id: str, key: str) -> str:
        """One mapping record (a curator's decision) about a term of list `list_id`."""
        return self.entity("mapping", list_id, key)

    def mapping_set(self, list_id: str) -> str:
        """The SSSOM mapping set of a list's curated mappings (its `mapping_set_id`)."""
        return f"{self.base}/id/mapping/{list_id}"

    def curator(self, user: str) -> str:
        """A curator who has no URI of their own (ORCID etc.): author/reviewer of mappings."""
        return f"{self.base}/id/curator/{encode_id(user)}"

    # -- the actor and production databank (graph/actors/) ---------------------------------------
    def agent(self, key: str) -> str:
        """A canonical actor: one per cluster of source actors, across datasets (no dataset segment)."""
        return f"{self.base}/id/agent/{encode_id(key)}"

    def agent_key(self, uri: str) -> str | None:
        prefix = f"{self.base}/id/agent/"
        return decode_id(uri[len(prefix):]) if uri.startswith(prefix) else None

    def canonical_production(self, key: str) -> str:
        """A production as one entity across sources: two path segments, so never a dataset's own
        `<base>/id/production/<dataset>/<id>`."""
        return f"{self.base}/id/production/{encode_id(key)}"

    @property
    def actors_graph(self) -> str:
        """Canonical actors and productions, rebuilt by `erfgoed actors resolve`."""
        return f"{self.base}/graph/actors"

    def dataset_actors_graph(self, dataset: str) -> str:
        """Canonical-actor and production statements that come from one dataset's records, for a
        dataset the public may not see: under its graph prefix, so every licence gate hides them
        with it (two raw segments: never a record graph, whose id is one encoded segment)."""
        return f"{self.dataset_graph_prefix(dataset)}actors/canonical"

    @property
    def actor_decisions_graph(self) -> str:
        """Curators' merge / keep-apart decisions about actors (kept across re-runs, never rebuilt)."""
        return f"{self.base}/graph/actor-decisions"

    def actor_decision(self, key: str) -> str:
        return f"{self.base}/id/mapping/actors/{encode_id(key)}"
