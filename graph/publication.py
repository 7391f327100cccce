"""Publication licences: which targets may receive a dataset (public SPARQL and LD pages,
Europeana, other named platforms), and the dataset's default rights statement.

The institution sets them in the config (`[datasets.<id>] publish = [...]`, `rights = "..."`);
every ingest copies them into the meta graph, so the store answers on its own (the server may run
with another config than the one the data was loaded with). Every export path asks `may_publish`.

In the meta graph: `<dataset> erf:publishTo "public", "europeana" ; erf:defaultRights <uri> ;
dcterms:license <uri> ; erf:publicationPolicy true` (the marker tells "publish nowhere" apart from
a dataset loaded before policies existed, which stays public as it was).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, NamedTuple

import pyoxigraph as ox

from erfgoed.graph.namespaces import DCTERMS, ERF, XSD, sparql_prologue
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

PUBLIC, EUROPEANA = "public", "europeana"
LEGACY_TARGETS = (PUBLIC,)  # datasets loaded before publication policies existed


def policy_quads(
    minter: Minter, dataset: str, publish: list[str], rights: str = "", licence: str = ""
) -> list[ox.Quad]:
    d, meta = ox.NamedNode(minter.dataset(dataset)), ox.NamedNode(minter.meta_graph)
    quads = [
        ox.Quad(
            d,
            ERF.publicationPolicy,
            ox.Literal("true", datatype=XSD.boolean),
            meta,
        )
    ]
    quads += [ox.Quad(d, ERF.publishTo, ox.Literal(t.strip().lower()), meta) for t in publish if t.strip()]
    if rights:
        quads.append(ox.Quad(d, ERF.defaultRights, ox.NamedNode(rights.strip()), meta))
    if licence:
        quads.append(ox.Quad(d, DCTERMS.license, ox.NamedNode(licence.strip()), meta))
    return quads


def policies(store: Store, minter: Minter) -> dict[str, dict]:
    """Every dataset's policy: {id: {"targets": set, "rights": str, "licence": str}}."""
    q = (
        sparql_prologue("erf", "dcterms", "dcat")
        + f"""
    SELECT ?id ?marker ?target ?rights ?licence WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?d a dcat:Dataset ; dcterms:identifier ?id .
      OPTIONAL {{ ?d erf:publicationPolicy ?marker }} OPTIONAL {{ ?d erf:publishTo ?target }}
      OPTIONAL {{ ?d erf:defaultRights ?rights }} OPTIONAL {{ ?d dcterms:license ?licence }} }} }}"""
    )
    out: dict[str, dict] = {}
    for sol in store.query(q, union=False):
        entry = out.setdefault(
            sol["id"].value, {"targets": set(), "rights": "", "licence": "", "explicit": False}
        )
        if sol["marker"] is not None:
            entry["explicit"] = True
        if sol["target"] is not None:
            entry["targets"].add(sol["target"].value)
        if sol["rights"] is not None:
            entry["rights"] = sol["rights"].value
        if sol["licence"] is not None:
            entry["licence"] = sol["licence"].value
    for entry in out.values():
        if not entry["explicit"]:
            entry["targets"] = set(LEGACY_TARGETS)
    return out


def may_publish(store: Store, config_or_base: Any, dataset: str, target: str) -> bool:
    """May `dataset`'s data go to `target` ("public", "europeana", or another platform name)?

    The one question every export path asks (SPARQL, LD pages, zip, OAI-PMH). `config_or_base` is
    a Config or a base URI. An unknown dataset may go nowhere.
    """
    base = config_or_base if isinstance(config_or_base, str) else config_or_base.base_uri
    entry = policies(store, Minter(base)).get(dataset)
    return bool(entry) and target in entry["targets"]


class Reason(Enum):
    """Why a dataset may not go somewhere: what callers branch on (HTTP 404 vs 403, ...)."""

    NO_DATASET = "no-dataset"
    NOT_ALLOWED = "not-allowed"


class Refusal(NamedTuple):
    reason: Reason
    message: str  # a sentence for the user


def refused(store: Store, base: str, dataset: str, target: str) -> Refusal | None:
    """Why `dataset` may not go to `target`; None when it may."""
    entry = policies(store, Minter(base)).get(dataset)
    if entry is None:
        return Refusal(Reason.NO_DATASET, f"there is no dataset '{dataset}' in the store.")
    if target in entry["targets"]:
        return None
    allowed = ", ".join(sorted(entry["targets"])) or "nowhere"
    return Refusal(Reason.NOT_ALLOWED, (
        f"the licence of dataset '{dataset}' does not allow '{target}' (it may go to: {allowed}). "
        f'The institution allows it with publish = [..., "{target}"] under [datasets.{dataset}] '
        "in the configuration, then ingests again."
    ))


def refusal(store: Store, base: str, dataset: str, target: str) -> str | None:
    """Why `dataset` may not go to `target`, in a sentence; None when it may."""
    found = refused(store, base, dataset, target)
    return found.message if found else None


def hidden_graph_prefixes(store: Store, minter: Minter, known: dict[str, dict] | None = None) -> list[str]:
    """Graph prefixes of the datasets the public may not see (their records and shared things).
    `known`: the `policies` the caller has already read (saves the query)."""
    return [
        minter.dataset_graph_prefix(d)
        for d, e in (known if known is not None else policies(store, minter)).items()
        if PUBLIC not in e["targets"]
    ]


# -- rights statements --------------------------------------------------------------------------
_CC = re.compile(
    r"^(?:https?://)?(?:www\.)?creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/"
    r"(\d\.\d)/?(?:([a-z]{2}|scotland|igo)/?)?(?:(?:deed|legalcode)(?:\.[a-zA-Z_-]+)?)?$",
    re.IGNORECASE,
)
_RS = re.compile(
    r"^(?:https?://)?(?:www\.)?rightsstatements\.org/(?:vocab|page)/([A-Za-z-]+)/(\d\.\d)/?"
    r"(?:\?.*)?$"
)


def normalise_rights(uri: str) -> str:
    """The form Europeana accepts: http://, no 'www.', trailing slash, no deed/legalcode/language
    page ('https://creativecommons.org/licenses/by/4.0/deed.nl' -> 'http://creativecommons.org/
    licenses/by/4.0/'). Anything else is returned as given (and the rights check reports it)."""
    text = uri.strip()
    m = _CC.match(text)
    if m:
        kind, code, version, port = m.groups()
        return f"http://creativecommons.org/{kind.lower()}/{code.lower()}/{version}/" + (
            f"{port.lower()}/" if port else ""
        )
    m = _RS.match(text)
    if m:
        return f"http://rightsstatements.org/vocab/{m.group(1)}/{m.group(2)}/"
    return text


def public_query(store: Store, base: str, text: str):
    """Run a public SPARQL query over the union of the graphs the public may see.

    While every dataset allows "public" this is the plain union default graph (no cost). When
    some dataset does not, the default graph becomes the explicit list of every other named
    graph: pyoxigraph then looks each pattern up graph by graph, measured at ~0.2-0.4 s extra per
    query with 90k visible record graphs (bench/README.md, "licence gate"). Remote stores cannot be
    restricted this way yet: they refuse public queries while a dataset is hidden.
    """
    hidden = hidden_graph_prefixes(store, Minter(base))
    if not hidden:
        return store.query(text)
    inner = getattr(store, "_store", None)
    if not isinstance(inner, ox.Store):
        raise PermissionError(
            "a dataset of this store is not public; the public endpoint of a store server cannot hide it yet"
        )
    visible = [g for g in inner.named_graphs() if not g.value.startswith(tuple(hidden))]
    return inner.query(text, default_graph=visible or [ox.DefaultGraph()])
