"""Curated mappings: a curator's accept / reject / no-match / undo, and what the curator UI asks of them.

An accepted mapping is the SKOS triple `<term> skos:xMatch <target>` in `Minter.alignments_graph` plus
its mapping record (graph/terms/records.py); rejects and no-matches are records only. Every decision
(or bulk of decisions) is one store transaction. One decision is current per (term, target), and per
(term, authority) for a no-match: a new decision replaces the current one, which stays in the history.
The SKOS triples of a term are always rebuilt from its current accepted records, so they cannot drift.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pyoxigraph as ox

from erfgoed.errors import UserError
from erfgoed.graph.namespaces import DCTERMS, ERF, PROV, SKOS, XSD
from erfgoed.graph.store import Store
from erfgoed.graph.terms.records import (
    AUTHORITY_NAMESPACES,
    LEXICAL,
    MANUAL,
    NEGATED,
    NO_TERM_FOUND,
    RELATIONS,
    SEMAPV_JUSTIFICATIONS,
    Decision,
    authority_source,
    curie_prefixes,
    decision_authority,
    labels_of,
    read_records,
    record_quads,
    restored,
)
from erfgoed.graph.uris import Minter

_SHORT_JUSTIFICATIONS = {"manual": MANUAL, "lexical": LEXICAL}
_SEMAPV = MANUAL.rsplit("/", 1)[0] + "/"


@dataclass
class Progress:
    """Alignment progress of one list against one authority (for a progress bar)."""

    terms: int
    aligned: int = 0        # terms with an accepted mapping to the authority
    no_match: int = 0       # terms marked as having no counterpart there
    rejected: int = 0       # rejected candidates (never proposed again)

    @property
    def open(self) -> int:
        return max(0, self.terms - self.aligned - self.no_match)


class Alignments:
    """The curated mappings of one store (all term lists)."""

    def __init__(self, store: Store, minter: Minter):
        self.store, self.minter, self.graph = store, minter, minter.alignments_graph

    # -- decisions -------------------------------------------------------------------------------
    def accept(self, term: str, target: str, relation: str = "exact", *, author: str,
               justification: str = "manual", confidence: float | None = None, comment: str = "",
               reviewer: str = "", object_label: str = "", when: datetime | None = None) -> Decision:
        d = self._new(term, _relation(relation), target, author=author, justification=justification,
                      confidence=confidence, comment=comment, reviewer=reviewer,
                      object_label=object_label, when=when)
        return self.record_all([d])[0]

    def reject(self, term: str, target: str, *, author: str, relation: str = "exact",
               comment: str = "", object_label: str = "", when: datetime | None = None) -> Decision:
        """This candidate is wrong: recorded with predicate_modifier Not, so it is not proposed again."""
        d = self._new(term, _relation(relation), target, author=author, justification="manual",
                      modifier=NEGATED, comment=comment, object_label=object_label, when=when)
        return self.record_all([d])[0]

    def no_match(self, term: str, authority: str, *, author: str, comment: str = "",
                 when: datetime | None = None) -> Decision:
        """The term has no counterpart in `authority` (aat, wikidata, viaf, geonames, list:<id>)."""
        try:
            source = authority_source(authority, self.minter)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        d = self._new(term, RELATIONS["exact"], NO_TERM_FOUND, author=author, justification="manual",
                      comment=comment, object_source=source, when=when)
        return self.record_all([d])[0]

    def bulk_accept(self, pairs: Iterable[tuple[str, str] | tuple[str, str, float]], relation: str = "exact",
                    *, author: str, justification: str = "lexical", confidence: float | None = None,
                    when: datetime | None = None) -> list[Decision]:
        """Accept many (term, target[, confidence]) pairs in one transaction (the obvious matches)."""
        predicate = _relation(relation)
        decisions = [self._new(p[0], predicate, p[1], author=author, justification=justification,
                               confidence=p[2] if len(p) > 2 else confidence, when=when) for p in pairs]
        return self.record_all(decisions)

    def undo(self, record: str, *, by: str, when: datetime | None = None) -> Decision:
        """Retract a current decision (accept, reject or no-match); the decision it replaced, if any,
        becomes current again. The retracted record stays, stamped with who and when."""
        found = read_records(self.store, self.graph, records=[_iri(record, "record")])
        if not found:
            raise UserError(f"no mapping record {record}")
        rec, now = found[0], _stamp(when)
        if rec.status != "current":
            raise UserError(f"mapping record {record} is already {rec.status}; only a current decision "
                            "can be undone")
        history = read_records(self.store, self.graph, subjects=[rec.subject])
        current = [r for r in history if r.status == "current" and r.record != rec.record]
        node = ox.NamedNode(rec.record)
        deletes = [(self.graph, rec.subject)]
        inserts = [self._q(node, PROV.invalidatedAtTime, ox.Literal(now, datatype=XSD.dateTime)),
                   self._q(node, ERF.retractedBy, ox.NamedNode(self._agent(by)))]
        for old in history:
            if old.record in rec.replaces and old.replaced_by == rec.record:
                back = restored(old)
                if any(self._conflict(c, back) for c in current):
                    continue        # a later decision already covers it: leave it in the history
                deletes.append((self.graph, old.record))
                inserts += record_quads(back, self.graph)
                current.append(back)
        self.store.replace(delete_subjects=deletes, insert=inserts + self._skos(current))
        return replace(rec, invalidated_at=now, retracted_by=self._agent(by))

    def record_all(self, decisions: list[Decision]) -> list[Decision]:
        """Store decisions in one transaction, in order; returns those stored (a record already in the
        store, same IRI, is skipped, so importing the same SSSOM file twice changes nothing)."""
        terms = sorted({d.subject for d in decisions})
        history = read_records(self.store, self.graph, subjects=terms)
        known = {r.record for r in history}
        # a record IRI already stored (about any term) is never written twice
        known |= {r.record for r in read_records(self.store, self.graph,
                                                 records=[d.record for d in decisions])}
        current = [r for r in history if r.status == "current"]
        self._fill_labels(decisions)
        inserts, stored = [], []
        for d in decisions:
            if d.record in known:
                continue
            known.add(d.record)
            stamp = ox.Literal(d.time or _stamp(None), datatype=XSD.dateTime)
            for old in [c for c in current if self._conflict(c, d)]:
                current.remove(old)
                d.replaces = tuple(sorted((*d.replaces, old.record)))
                node = ox.NamedNode(old.record)
                inserts += [self._q(node, DCTERMS.isReplacedBy, ox.NamedNode(d.record)),
                            self._q(node, PROV.invalidatedAtTime, stamp)]
            current.append(d)
            inserts += record_quads(d, self.graph)
            stored.append(d)
        if stored:
            self.store.replace(delete_subjects=[(self.graph, t) for t in terms],
                               insert=inserts + self._skos(current))
        return stored

    # -- queries ---------------------------------------------------------------------------------
    def current(self, term: str) -> list[Decision]:
        return [d for d in self.history(term) if d.status == "current"]

    def current_for_list(self, list_id: str) -> list[Decision]:
        records = read_records(self.store, self.graph, prefix=self.minter.term_prefix(list_id))
        return [d for d in records if d.status == "current"]

    def history(self, term: str) -> list[Decision]:
        """Every decision about a term, oldest first, with its status (current, replaced, retracted)."""
        return read_records(self.store, self.graph, subjects=[_iri(term, "term")])

    def rejected(self, term: str) -> set[str]:
        """Targets a curator rejected for this term: the matcher leaves them out."""
        return {d.object for d in self.current(term) if d.kind == "reject"}

    def rejected_for_list(self, list_id: str) -> dict[str, set[str]]:
        """term -> rejected targets, for a whole list at once."""
        out: dict[str, set[str]] = {}
        for d in self.current_for_list(list_id):
            if d.kind == "reject":
                out.setdefault(d.subject, set()).add(d.object)
        return out

    def counts(self, list_id: str, authorities: Iterable[str] = tuple(AUTHORITY_NAMESPACES)
               ) -> dict[str, Progress]:
        """Per authority: terms aligned / marked no match / rejected candidates / still open."""
        rows = self.store.query(
            f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ GRAPH <{self.minter.terms_graph(list_id)}> "
            f"{{ ?t {SKOS.inScheme} <{self.minter.term_list(list_id)}> }} }}")
        n_terms = int(next(iter(rows))["n"].value)
        out = {name: Progress(n_terms) for name in authorities}
        aligned: dict[str, set[str]] = {}
        for d in self.current_for_list(list_id):
            name = decision_authority(d, self.minter) or "other"
            progress = out.setdefault(name, Progress(n_terms))
            if d.kind == "accept":
                aligned.setdefault(name, set()).add(d.subject)
            elif d.kind == "reject":
                progress.rejected += 1
            else:
                progress.no_match += 1
        for name, terms in aligned.items():
            out[name].aligned = len(terms)
        return out

    def skos_turtle(self, list_id: str) -> bytes:
        """The accepted mappings of a list as plain SKOS triples, in Turtle (the SKOS export)."""
        triples = sorted((q.triple for q in self._skos(self.current_for_list(list_id))), key=str)
        prefixes = {"skos": SKOS[""].value, **curie_prefixes(self.minter),
                    "term": self.minter.term_prefix(list_id)}
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)

    # -- helpers ---------------------------------------------------------------------------------
    def _new(self, term: str, predicate: str, target: str, *, author: str, justification: str,
             modifier: str = "", confidence: float | None = None, comment: str = "", reviewer: str = "",
             object_source: str = "", object_label: str = "", when: datetime | None) -> Decision:
        term, target = _iri(term, "term"), _iri(target, "target")
        if term == target:
            raise UserError(f"a term cannot be mapped to itself: {term}")
        if confidence is not None and not 0.0 <= confidence <= 1.0:
            raise UserError(f"confidence must be between 0 and 1, not {confidence}")
        time = _stamp(when)
        d = Decision(term, predicate, target, justification=_justification(justification),
                     modifier=modifier, authors=(self._agent(author),),
                     reviewers=(self._agent(reviewer),) if reviewer else (), date=time[:10], time=time,
                     confidence=confidence, comment=comment.strip(), object_label=object_label,
                     object_source=object_source)
        d.record = self.mint(d, time)
        return d

    def mint(self, d: Decision, salt: str) -> str:
        """A record IRI from what the record says (+ its time, or its whole row for imports)."""
        text = "\x1f".join((d.subject, d.predicate, d.modifier, d.object, d.object_source, salt))
        key = hashlib.sha1(text.encode()).hexdigest()[:16]
        return self.minter.mapping(self.minter.list_of_term(d.subject) or "external", key)

    def _agent(self, who: str) -> str:
        who = who.strip()
        if not who:
            raise UserError("a decision needs the curator who made it (author)")
        if who.split(":", 1)[0] in ("http", "https", "urn", "mailto"):
            return _iri(who, "author")
        return self.minter.curator(who)

    def _conflict(self, old: Decision, new: Decision) -> bool:
        """Whether `new` takes the place of `old` as the current decision."""
        if old.subject != new.subject:
            return False
        if new.kind != "no-match" and old.object == new.object:
            return True
        if "no-match" not in (old.kind, new.kind) or "reject" in (old.kind, new.kind):
            return False
        # a no-match and an accepted mapping into the same authority exclude each other
        authority = decision_authority(new, self.minter)
        return bool(authority) and authority == decision_authority(old, self.minter)

    def _skos(self, current: Iterable[Decision]) -> list[ox.Quad]:
        skos = set(RELATIONS.values())
        return [self._q(ox.NamedNode(d.subject), ox.NamedNode(d.predicate), ox.NamedNode(d.object))
                for d in current if d.kind == "accept" and d.predicate in skos]

    def _fill_labels(self, decisions: list[Decision]) -> None:
        """Labels as the curator saw them, kept in the record (SSSOM subject_label/object_label)."""
        wanted = {d.subject for d in decisions if not d.subject_label}
        wanted |= {d.object for d in decisions if not d.object_label and d.object != NO_TERM_FOUND}
        labels = labels_of(self.store, wanted)
        for d in decisions:
            d.subject_label = d.subject_label or labels.get(d.subject, "")
            d.object_label = d.object_label or labels.get(d.object, "")

    def _q(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.Term) -> ox.Quad:
        return ox.Quad(s, p, o, ox.NamedNode(self.graph))


def _relation(relation: str) -> str:
    if relation in RELATIONS:
        return RELATIONS[relation]
    if relation in RELATIONS.values():
        return relation
    raise UserError(f"unknown mapping relation {relation!r} (one of: {', '.join(RELATIONS)})")


def _justification(value: str) -> str:
    short = value.removeprefix("semapv:").removeprefix(_SEMAPV)
    if value in _SHORT_JUSTIFICATIONS:
        return _SHORT_JUSTIFICATIONS[value]
    if short in SEMAPV_JUSTIFICATIONS:
        return _SEMAPV + short
    raise UserError(f"unknown mapping justification {value!r} (manual, lexical, or semapv:<one of "
                    f"{', '.join(SEMAPV_JUSTIFICATIONS)}>)")


def _iri(value: str, what: str) -> str:
    value = value.strip()
    try:
        if "://" in value or value.startswith("urn:"):
            return ox.NamedNode(value).value
    except ValueError:
        pass
    raise UserError(f"{what} {value!r} is not an IRI (http://..., https://... or urn:...)")


def _stamp(when: datetime | None) -> str:
    return (when or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
