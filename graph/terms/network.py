"""The term network of one store: what the Reconciliation API, the curator UI and the CLI ask.

It holds the label index over every term list (`<base>/graph/terms/<id>`) and every cached
authority record (`<base>/graph/authority/<name>`), a matcher over it, and the live authority
searches (`reconcile.live`) whose results are written to the authority's cache graph as they
arrive - so a record seen once previews, extends and re-aligns offline afterwards.
The index is built on first use and kept current by `refresh_list` / `cache`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from erfgoed.config import Config
from erfgoed.graph.store import Store
from erfgoed.graph.terms import lists
from erfgoed.graph.terms.index import LabelIndex, index_from_store, network_graphs
from erfgoed.graph.terms.matcher import Candidate, Matcher, MatchResult
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.authorities import AUTHORITIES, KINDS, Entry, authority
from erfgoed.harvesters.authorities.descriptor import load_descriptor


@dataclass(frozen=True)
class Source:
    """One reconciliation service: an authority ("aat") or a term list ("list:meubels")."""

    id: str          # path segment of /reconcile/{id}: the authority name or the list id
    name: str
    source: str      # Entry.source of its entries
    kinds: tuple[str, ...]
    size: int = 0


class TermNetwork:
    def __init__(self, store: Store, config: Config, *, live: Iterable[str] | None = None):
        self.store, self.config = store, config
        self.minter = Minter(config.base_uri)
        self.live = tuple(config["reconcile.live"] if live is None else live)
        self._index: LabelIndex | None = None
        self._lock = threading.RLock()
        self._adapters: dict[str, object] = {}

    # -- the index ----------------------------------------------------------------------------
    @property
    def index(self) -> LabelIndex:
        with self._lock:
            if self._index is None:
                self._index = index_from_store(self.store, network_graphs(self.store, self.minter.base))
            return self._index

    def refresh_list(self, list_id: str) -> None:
        """Re-read one term list into the index (after an import or an edit)."""
        graph = self.minter.terms_graph(list_id)
        with self._lock:
            if self._index is None:
                return  # built from the store on first use anyway
            for uri in [e.uri for e in self._index.entries if e and e.source == f"list:{list_id}"]:
                self._index.remove(uri)
            self._index.add_all(e for e in index_from_store(self.store, [graph]).entries if e)

    def cache(self, name: str, entries: Iterable[Entry]) -> None:
        """Keep authority records in the store (and the index): one transaction per batch."""
        entries = [e for e in entries if e.uri]
        if not entries:
            return
        graph = self.minter.authority_graph(name)
        quads = [q for e in entries for q in e.to_quads(graph)]
        self.store.replace(delete_subjects=[(graph, e.uri) for e in entries], insert=quads)
        with self._lock:
            if self._index is not None:
                for e in entries:
                    self._index.remove(e.uri)
                    self._index.add(e)

    # -- sources ------------------------------------------------------------------------------
    # A list's size is the count its import stored (void:entities): asking for the sources, as
    # every reconciliation request does, never counts a list's concepts again.
    def sources(self) -> list[Source]:
        out = [_authority_source(name) for name in AUTHORITIES]
        return out + [_list_source(s) for s in lists.summaries(self.store, self.minter)]

    def source(self, source_id: str) -> Source | None:
        if source_id in AUTHORITIES:
            return _authority_source(source_id)
        found = lists.summary(self.store, self.minter, source_id)
        return _list_source(found) if found else None

    # -- matching -----------------------------------------------------------------------------
    def _adapter(self, name: str):
        if name not in self._adapters:
            self._adapters[name] = authority(name, self.config)
        return self._adapters[name]

    def _ask_live(self, query: str, kind: str | None, names: list[str]) -> dict[str, list | Exception]:
        """The live authorities' answers, asked in parallel and outside the index lock (a slow
        authority must not hold up other requests); an exception stands for 'unavailable'."""
        def ask(name: str) -> list | Exception:
            try:
                return self._adapter(name).search(query, kind=kind, limit=10)
            except Exception as exc:  # noqa: BLE001 - any failure: this source is down now
                return exc
        with ThreadPoolExecutor(max_workers=len(names)) as pool:
            return dict(zip(names, pool.map(ask, names), strict=True))

    def match(self, query: str, *, kind: str | None = None, sources: Sequence[str] | None = None,
              limit: int = 10, properties: dict | None = None) -> MatchResult:
        """Candidates from every source, or from `sources` (Entry.source values: "aat", "list:x")."""
        names = [n for n in self.live if not sources or n in sources]
        answers = self._ask_live(query, kind, names) if names else {}

        def replay(name: str):  # the matcher scores the answers like every other candidate
            def search(label: str, kind: str | None) -> list[Entry]:
                if isinstance(answers[name], Exception):
                    raise answers[name]
                return answers[name]
            return search

        with self._lock:  # the index is not safe to read while it changes
            result = Matcher(self.index, {n: replay(n) for n in answers}).match(
                query, kind=kind, sources=sources, limit=limit, properties=properties)
        for name, found in answers.items():
            if not isinstance(found, Exception):
                self.cache(name, found)
        return result

    def suggest(self, prefix: str, *, kind: str | None = None, source: Source | None = None,
                limit: int = 10) -> list[Candidate]:
        with self._lock:
            return Matcher(self.index).suggest(prefix, kind=kind, limit=limit,
                                               sources=[source.source] if source else None)

    def entry(self, uri: str) -> Entry | None:
        """A concept or authority record by URI: from the index, else fetched live and cached."""
        with self._lock:
            found = self.index.get(uri)
        if found is not None:
            return found
        for name in self.live:
            d = load_descriptor(name)
            if uri.startswith(d.uri_pattern.partition("{}")[0]):
                fetched = self._adapter(name).fetch(uri)
                if fetched is not None:
                    self.cache(name, [fetched])
                return fetched
        return None


def _authority_source(name: str) -> Source:
    d = load_descriptor(name)
    return Source(name, d.title, name, tuple(d.kinds))


def _list_source(summary: dict) -> Source:
    """A term list as a source (lists.summaries' entry); a list may hold any kind of thing."""
    return Source(summary["id"], summary["title"], f"list:{summary['id']}", KINDS, summary["size"])


def load_mirrors(store: Store, config: Config, batch: int = 5000) -> dict[str, int]:
    """The configured mirror files into the authorities' cache graphs; a record already there is
    replaced (one transaction per batch), so loading a newer mirror file updates it."""
    from erfgoed.harvesters.authorities import mirror_records

    net, counts = TermNetwork(store, config, live=()), {}
    pending: dict[str, list[Entry]] = {}
    for name, entry in mirror_records(config):
        pending.setdefault(name, []).append(entry)
        counts[name] = counts.get(name, 0) + 1
        if len(pending[name]) >= batch:
            net.cache(name, pending.pop(name))
    for name in list(pending):
        net.cache(name, pending.pop(name))
    return counts


@dataclass
class AlignSummary:
    unaligned: int = 0      # concepts without any mapping or decision yet
    unambiguous: int = 0    # of those, with a match=true candidate
    candidates: int = 0     # with candidates, none unambiguous: for a curator
    nothing: int = 0
    accepted: int = 0
    unavailable: dict[str, str] | None = None


def align_list(store: Store, config: Config, list_id: str, *, sources: Sequence[str] | None = None,
               accept: bool = False, author: str = "") -> AlignSummary:
    """Candidates for every concept of a list that has no mapping yet (rejected targets left out);
    with `accept`, the unambiguous ones become exactMatch mappings (justification: lexical)."""
    from erfgoed.graph.terms.alignments import Alignments

    net, minter = TermNetwork(store, config), Minter(config.base_uri)
    alignments = Alignments(store, minter)
    decided = {d.subject for d in alignments.current_for_list(list_id)}
    rejected = alignments.rejected_for_list(list_id)
    own = f"list:{list_id}"
    wanted = list(sources) if sources else [s.source for s in net.sources() if s.source != own]
    summary, pairs = AlignSummary(unavailable={}), []
    for entry in lists.entries(store, minter, list_id):
        if entry.uri in decided or entry.matches:
            continue  # aligned already (by a curator, or by an id in the list itself)
        summary.unaligned += 1
        found = net.match(entry.pref_label(), kind=entry.kind, sources=wanted, limit=5)
        summary.unavailable.update(found.unavailable)
        kept = [c for c in found if c.entry.uri not in rejected.get(entry.uri, ())]
        if kept and kept[0].match:
            summary.unambiguous += 1
            pairs.append((entry.uri, kept[0].entry.uri, round(kept[0].score / 100, 2)))
        elif kept:
            summary.candidates += 1
        else:
            summary.nothing += 1
    if accept and pairs:
        summary.accepted = len(alignments.bulk_accept(pairs, "exact", author=author,
                                                      justification="lexical"))
    return summary
