"""Union-find over source actors that refuses to join conflicting facts.

A cluster's facts are the union of its records': external ids per authority, the span of birth and
death years (within the date slack), generations and kind. Two clusters join only if those agree
and no curator kept any of their records apart; a curator's merge may force it. Facts and member
lists exist only for clusters that were joined: most actors stay alone (memory at 100k records).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from erfgoed.graph.actors.blocking import DATE_SLACK

if TYPE_CHECKING:
    from erfgoed.graph.actors.resolve import Candidate


def scheme(identifier: str) -> str:
    """The authority of an id (viaf, wikidata, rkd, ulan, isni, kbo) for conflict checks."""
    for key in ("viaf", "wikidata", "rkd", "ulan", "isni", "kbo"):
        if key in identifier:
            return key
    return identifier.rsplit("/", 1)[0]


class Clusters:
    """Union-find over actors, refusing unions that join conflicting facts."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.by_uri = {c.uri: c for c in candidates}
        self.parent: dict[str, str] = {}
        self.facts: dict[str, dict[str, frozenset]] = {}
        self.apart: dict[str, set[str]] = defaultdict(set)
        self.members: dict[str, list[str]] = {}

    def __contains__(self, uri: str) -> bool:
        return uri in self.by_uri

    def find(self, u: str) -> str:
        parent = self.parent
        while u in parent:
            up = parent[u]
            if up in parent:
                parent[u] = parent[up]
            u = up
        return u

    def members_of(self, root: str) -> list[str]:
        return self.members.get(root) or [root]

    def facts_of(self, root: str) -> dict[str, frozenset]:
        return self.facts.get(root) or _facts(self.by_uri[root])

    def keep_apart(self, a: str, b: str) -> None:
        if a in self.by_uri and b in self.by_uri:
            self.apart[a].add(b)
            self.apart[b].add(a)

    def compatible(self, ra: str, rb: str) -> bool:
        """Could two clusters (roots) be one actor: no kept-apart pair, no conflicting fact."""
        if self.apart and any(self.find(o) == ra for m in self.members_of(rb) for o in self.apart.get(m, ())):
            return False
        return _merge_facts(self.facts_of(ra), self.facts_of(rb)) is not None

    def union(self, a: str, b: str, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if len(self.members_of(ra)) < len(self.members_of(rb)):
            ra, rb = rb, ra
        if self.apart and any(self.find(o) == ra for m in self.members_of(rb) for o in self.apart.get(m, ())):
            return False
        merged = _merge_facts(self.facts_of(ra), self.facts_of(rb))
        if merged is None and not force:
            return False
        self.parent[rb] = ra
        self.members[ra] = self.members_of(ra) + self.members.pop(rb, [rb])
        self.facts.pop(rb, None)
        self.facts[ra] = merged or self.facts_of(ra)
        return True

    def groups(self) -> list[list[str]]:
        return [sorted(self.members_of(u)) for u in self.by_uri if u not in self.parent]


def _facts(c: Candidate) -> dict[str, frozenset]:
    out: dict[str, frozenset] = {}
    for i in c.ids:
        out[scheme(i)] = out.get(scheme(i), frozenset()) | {i}
    if c.birth is not None:
        out["~birth"] = frozenset((c.birth,))
    if c.death is not None:
        out["~death"] = frozenset((c.death,))
    gens = frozenset(n.generation for n in c.parsed if n.generation)
    if gens:
        out["~gen"] = gens
    if c.kind:
        out["~kind"] = frozenset((c.kind,))
    return out


def _merge_facts(x: dict[str, frozenset], y: dict[str, frozenset]) -> dict[str, frozenset] | None:
    """The facts of a cluster made of two; None when they conflict."""
    out = dict(x)
    for key, values in y.items():
        have = out.get(key, frozenset())
        if have and values:
            if key in ("~birth", "~death"):  # one span: min..max within the slack
                span = have | values
                if max(span) - min(span) > DATE_SLACK:
                    return None
                out[key] = frozenset({min(span), max(span)})
                continue
            elif not have & values:
                return None
        out[key] = have | values
    return out
