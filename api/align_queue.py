"""The alignment queue of one term list: which terms wait, their candidates under the curator's
filters, and the proposals of a bulk accept. Decisions themselves are graph/terms/alignments.py's.

A term is open for a source when it has no current accepted mapping and no "no match" there (nor a
mapping in the list itself); with no source chosen, when it has none at all. Candidates a curator
rejected for a term are never shown again; the list's own concepts are never candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from erfgoed.graph.terms import lists
from erfgoed.graph.terms.alignments import Alignments
from erfgoed.graph.terms.matcher import Candidate
from erfgoed.graph.terms.network import TermNetwork
from erfgoed.graph.terms.records import Decision, authority_of, decision_authority
from erfgoed.harvesters.authorities import KINDS, Entry

SHOWS = ("open", "all")
BULK_CAP = 500          # open terms matched for one bulk review (a page a curator can read)


@dataclass
class Filters:
    show: str = "open"      # open | all
    source: str = ""        # "" = every source, else an Entry.source ("aat", "list:materialen")
    kind: str = ""          # "" = the term's own kind, "any", or one of KINDS
    min_score: float = 0.0

    @classmethod
    def parse(cls, show: str = "", source: str = "", kind: str = "", min_score: str = "") -> Filters:
        try:
            score = min(100.0, max(0.0, float(min_score))) if min_score else 0.0
        except ValueError:
            score = 0.0
        return cls(show if show in SHOWS else "open", source, kind if kind in (*KINDS, "any") else "",
                   score)

    def query(self, **extra: str) -> dict[str, str]:
        """These filters as URL parameters (empty ones left out)."""
        values = {"show": self.show if self.show != "open" else "", "source": self.source,
                  "kind": self.kind, "min": f"{self.min_score:g}" if self.min_score else "", **extra}
        return {k: v for k, v in values.items() if v}


@dataclass
class Term:
    entry: Entry
    label: str
    decisions: list[Decision] = field(default_factory=list)   # current ones
    status: str = "open"                                        # open | aligned | no-match

    @property
    def uri(self) -> str:
        return self.entry.uri


@dataclass
class Shown:
    """A candidate as the queue shows it, with what the curator decided about it already."""

    candidate: Candidate
    accepted: str = ""      # the relation, when this target is already accepted for the term


class Queue:
    def __init__(self, net: TermNetwork, alignments: Alignments, list_id: str):
        self.net, self.alignments, self.list_id = net, alignments, list_id
        self.own = f"list:{list_id}"
        self._sources: list[tuple[str, str]] | None = None

    def sources(self) -> list[tuple[str, str]]:
        """(Entry.source, name) of every source but this list itself (a store query: once per
        Queue, which lives for one request, not once per term)."""
        if self._sources is None:
            self._sources = [(s.source, s.name) for s in self.net.sources() if s.source != self.own]
        return self._sources

    def terms(self, filters: Filters) -> list[Term]:
        """Every term of the list (label order) with its status for the chosen source."""
        current: dict[str, list[Decision]] = {}
        for d in self.alignments.current_for_list(self.list_id):
            current.setdefault(d.subject, []).append(d)
        out = []
        for e in lists.entries(self.net.store, self.net.minter, self.list_id):
            mine = current.get(e.uri, [])
            counted = [d for d in mine if not filters.source
                       or decision_authority(d, self.net.minter) == filters.source]
            own = [u for _, u in e.matches if not filters.source
                   or authority_of(u, self.net.minter) == filters.source]
            status = "aligned" if own or any(d.kind == "accept" for d in counted) else \
                "no-match" if any(d.kind == "no-match" for d in counted) else "open"
            out.append(Term(e, e.pref_label(), mine, status))
        out.sort(key=lambda t: (lists.label_key(t.label), t.uri))
        return out

    @staticmethod
    def visible(terms: list[Term], filters: Filters) -> list[Term]:
        return terms if filters.show == "all" else [t for t in terms if t.status == "open"]

    def candidates(self, term: Term, filters: Filters, query: str = "", limit: int = 8
                   ) -> tuple[list[Shown], dict[str, str]]:
        """Ranked candidates for a term (or for `query`, a label the curator typed instead)."""
        sources = [filters.source] if filters.source else [s for s, _ in self.sources()]
        kind = None if filters.kind == "any" else (filters.kind or term.entry.kind)
        found = self.net.match(query.strip() or term.label, kind=kind, sources=sources, limit=limit + 10)
        rejected = {d.object for d in term.decisions if d.kind == "reject"}
        accepted = {d.object: d.relation for d in term.decisions if d.kind == "accept"}
        shown = [Shown(c, accepted.get(c.entry.uri, "")) for c in found
                 if c.entry.uri not in rejected and c.entry.uri != term.uri and c.score >= filters.min_score]
        return shown[:limit], dict(found.unavailable)

    def bulk_proposals(self, filters: Filters, min_score: float) -> tuple[list[tuple[Term, Candidate]], bool]:
        """The best candidate of each open term scoring at least `min_score`; True when capped."""
        open_terms = [t for t in self.terms(filters) if t.status == "open"]
        out = []
        for term in open_terms[:BULK_CAP]:
            shown, _ = self.candidates(term, filters, limit=1)
            if shown and not shown[0].accepted and shown[0].candidate.score >= min_score:
                out.append((term, shown[0].candidate))
        return out, len(open_terms) > BULK_CAP


def neighbours(terms: list[Term], visible: list[Term], uri: str
               ) -> tuple[Term | None, Term | None, Term | None]:
    """(previous, current, next) among the visible terms around `uri` (which may have just left them,
    e.g. after being aligned: then its place in the whole list decides what comes next)."""
    if not visible:
        return None, None, None
    order = {t.uri: i for i, t in enumerate(terms)}
    at = order.get(uri)
    if at is None:
        return None, visible[0], visible[1] if len(visible) > 1 else None
    before = [t for t in visible if order[t.uri] < at]
    after = [t for t in visible if order[t.uri] > at]
    current = next((t for t in visible if t.uri == uri), None)
    return (before[-1] if before else None), current, (after[0] if after else None)
