"""Curators' decisions about actors: merge, keep apart, split, undo - with who, when and why.

One provenance model with the term network: every decision is an SSSOM mapping record
(graph/terms/records.py) with `owl:sameAs` as its predicate - a merge is an accepted record, "keep
apart" a negated one (predicate_modifier Not). They live in `Minter.actor_decisions_graph`, which
`erfgoed actors resolve` reads and never rebuilds, so a kept-apart pair is never merged again
automatically and a merge survives every re-run. Per pair one decision is current; a newer one
replaces it (history kept), an undo retracts it (erf:retractedBy, prov:invalidatedAtTime).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from erfgoed.errors import UserError
from erfgoed.graph.namespaces import OWL
from erfgoed.graph.store import Store
from erfgoed.graph.terms.records import MANUAL, NEGATED, Decision, read_records, record_quads
from erfgoed.graph.uris import Minter

SAME_AS = OWL.sameAs.value


class ActorDecisions:
    def __init__(self, store: Store, minter: Minter):
        self.store, self.minter, self.graph = store, minter, minter.actor_decisions_graph

    def all(self) -> list[Decision]:
        return read_records(self.store, self.graph)

    def about(self, uris: Iterable[str]) -> list[Decision]:
        """The decisions (every status) naming any of `uris` on either side - read alone, not with
        every other decision in the graph."""
        wanted = sorted(set(uris))
        if not wanted:
            return []
        found = " ".join(f"<{u}>" for u in wanted)
        q = (
            f"SELECT DISTINCT ?r WHERE {{ GRAPH <{self.graph}> {{ VALUES ?x {{ {found} }} "
            f"{{ ?r {OWL.annotatedSource} ?x }} UNION {{ ?r {OWL.annotatedTarget} ?x }} }} }}"
        )
        records = [row["r"].value for row in self.store.query(q)]
        return read_records(self.store, self.graph, records=records) if records else []

    def current(self) -> list[Decision]:
        return [d for d in self.all() if d.status == "current"]

    def pairs(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(merged pairs, kept-apart pairs) of the current decisions."""
        merged, apart = [], []
        for d in self.current():
            (apart if d.modifier == NEGATED else merged).append((d.subject, d.object))
        return merged, apart

    def merge(self, a: str, b: str, **how) -> Decision:
        """Record that a and b are one actor; `how` is author, comment, score, when (see _decide)."""
        return self._decide([(a, b)], negated=False, **how)[0]

    def keep_apart(self, a: str, b: str, **how) -> Decision:
        """Record that a and b are different actors; `how` as for merge."""
        return self._decide([(a, b)], negated=True, **how)[0]

    def split(
        self,
        member: str,
        others: Iterable[str],
        *,
        author: str,
        comment: str = "",
        when: datetime | None = None,
    ) -> list[Decision]:
        """Take one source actor out of its cluster: kept apart from every other member, in one write."""
        pairs = [(member, o) for o in others if o != member]
        if not pairs:
            raise UserError(f"{member} is alone in its cluster: nothing to split")
        return self._decide(pairs, author=author, comment=comment or "split", negated=True, when=when)

    def undo(self, record: str, *, by: str, when: datetime | None = None) -> Decision:
        found = read_records(self.store, self.graph, records=[record])
        if not found or found[0].status != "current":
            raise UserError(f"no current actor decision {record}")
        stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        undone = replace(found[0], invalidated_at=stamp, retracted_by=self.minter.curator(by))
        self.store.replace(delete_subjects=[(self.graph, record)], insert=record_quads(undone, self.graph))
        return undone

    def _decide(
        self,
        pairs: list[tuple[str, str]],
        *,
        author: str,
        comment: str = "",
        negated: bool,
        score: float | None = None,
        when: datetime | None = None,
    ) -> list[Decision]:
        for a, b in pairs:
            if (
                a == b
                or not a.startswith(("http://", "https://"))
                or not b.startswith(("http://", "https://"))
            ):
                raise UserError(f"a decision needs two different actor URIs, not {a!r} and {b!r}")
        now = when or datetime.now(UTC)
        stamp = now.isoformat(timespec="seconds")
        ordered = [tuple(sorted(p)) for p in pairs]
        wanted = set(ordered)
        named = {u for p in ordered for u in p}
        old = {
            (d.subject, d.object): d
            for d in self.about(named)
            if d.status == "current" and (d.subject, d.object) in wanted
        }
        quads, deletes, out = [], [], []
        for a, b in ordered:
            key = hashlib.sha1(f"{a} {b} {stamp} {negated}".encode()).hexdigest()[:16]
            previous = old.get((a, b))
            d = Decision(
                subject=a,
                predicate=SAME_AS,
                object=b,
                justification=MANUAL,
                modifier=NEGATED if negated else "",
                authors=(self.minter.curator(author),),
                date=now.date().isoformat(),
                time=stamp,
                comment=comment,
                confidence=None if score is None else max(0.0, min(1.0, score)),
                record=self.minter.actor_decision(key),
                replaces=(previous.record,) if previous else (),
            )
            if previous:
                deletes.append((self.graph, previous.record))
                quads += record_quads(
                    replace(previous, replaced_by=d.record, invalidated_at=stamp), self.graph
                )
            quads += record_quads(d, self.graph)
            out.append(d)
        self.store.replace(delete_subjects=deletes, insert=quads)
        return out
