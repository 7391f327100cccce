"""Actor resolution without a store: candidates -> blocks -> scored pairs -> clusters.

Blocking keeps it near-linear: only actors sharing a key are compared (an external id, the phonetic
family + first given name, the whole name of an organisation; initials-only names against the names
of their family and initial). Blocks larger than `WINDOW` are
compared along a sorted window (sorted neighbourhood), never all pairs. Pairs are scored with their
reasons; clusters are built by union-find over links at or above the merge threshold, strongest
first, refusing any union that would join two external ids of one authority, two different life
dates, two generations, a person with an organisation, or a pair a curator kept apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from erfgoed.graph.actors.names import Name, given_compatible, parse, phonetic

# Measured in bench/actor_bench.py (bench/README.md): on the generated hard cases precision is
# 0.96 from 0.8 to 0.85 (0.97 at 0.9, with less recall); at 0.75 initials-only matches merge too and
# precision falls to 0.90 (frequent family names), so those are left to a curator.
MERGE_THRESHOLD = 0.85
REVIEW_THRESHOLD = 0.6  # between the two: a proposal for a curator
WINDOW = 10  # block size above which a sorted window replaces all pairs
DATE_SLACK = 2  # years two sources may disagree on a life date ("ca. 1460")


@dataclass
class Candidate:
    """One actor of one dataset as the store holds it."""

    uri: str
    dataset: str
    names: tuple[str, ...]
    kind: str = ""  # person | organisation | "" (unknown)
    ids: frozenset[str] = frozenset()  # authority URIs (normalised), KBO as kbo:<nr>
    birth: int | None = None
    death: int | None = None
    roles: frozenset[str] = frozenset()
    parsed: tuple[Name, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.parsed:
            self.parsed = tuple(parse(n) for n in self.names)
        for n in self.parsed:  # life dates written in a name count too
            self.birth = self.birth if self.birth is not None else n.years[0]
            self.death = self.death if self.death is not None else n.years[1]

    @property
    def unknown(self) -> bool:
        return all(n.unknown for n in self.parsed)


@dataclass
class Link:
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    cannot: bool = False  # a reason forbids this pair in one cluster


def scheme(identifier: str) -> str:
    """The authority of an id (viaf, wikidata, rkd, ulan, isni, kbo) for conflict checks."""
    for key in ("viaf", "wikidata", "rkd", "ulan", "isni", "kbo"):
        if key in identifier:
            return key
    return identifier.rsplit("/", 1)[0]


def blocking_keys(c: Candidate) -> set[str]:
    keys = {f"id:{i}" for i in c.ids}
    for n in c.parsed:
        if n.unknown:
            continue
        fam = phonetic(n.family)
        if n.given:
            # full first name: a precise block; every name also meets the initials-only records
            # ("P.P. Rubens") of its family and initial, and only those (see candidate_pairs)
            if len(n.given[0]) > 1:
                keys.add(f"n:{fam}:{phonetic(n.given[0])}")
            keys.add(f"i:{fam}:{n.initials[:1]}")
        if not n.given or c.kind == "organisation":
            keys.add(f"n:{fam}:")  # "Rubens" alone meets every Rubens
            keys.add(f"o:{n.direct}")
    return keys


def blocks(candidates: Iterable[Candidate]) -> dict[str, list[Candidate]]:
    out: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.unknown:
            continue
        for k in blocking_keys(c):
            out[k].append(c)
    return out


def candidate_pairs(by_key: dict[str, list[Candidate]]) -> Iterable[tuple[Candidate, Candidate]]:
    seen: set[tuple[str, str]] = set()
    for block, members in by_key.items():
        if len(members) < 2:
            continue
        if block.startswith("i:"):  # initials block: initials-only records against the rest only
            if len(members) > WINDOW:  # "J. Peeters" among dozens of J. Peeters: initials say nothing
                continue
            short = [c for c in members if any(n.has_initials_only for n in c.parsed)]
            pairs = ((a, b) for a in short for b in members)
        elif len(members) > WINDOW:
            members = sorted(members, key=lambda c: (c.parsed[0].direct, c.uri))
            pairs = (
                (members[i], members[j])
                for i in range(len(members))
                for j in range(i + 1, min(len(members), i + WINDOW))
            )
        else:
            pairs = (
                (members[i], members[j]) for i in range(len(members)) for j in range(i + 1, len(members))
            )
        for a, b in pairs:
            key = (a.uri, b.uri) if a.uri < b.uri else (b.uri, a.uri)
            if a.uri != b.uri and key not in seen:
                seen.add(key)
                yield a, b


def score(a: Candidate, b: Candidate, ambiguous: frozenset[str] = frozenset()) -> Link:
    """How likely two actors are one, 0..1, with the reasons a curator reads. A name in `ambiguous`
    is known to belong to several people (other life dates): the name alone proves less."""
    reasons: list[str] = []
    shared = a.ids & b.ids
    if a.kind and b.kind and a.kind != b.kind:
        return Link(a.uri, b.uri, 0.0, (f"{a.kind} vs {b.kind}",), cannot=True)
    for s in {scheme(i) for i in a.ids} & {scheme(i) for i in b.ids}:
        mine, theirs = {i for i in a.ids if scheme(i) == s}, {i for i in b.ids if scheme(i) == s}
        if not mine & theirs:
            return Link(a.uri, b.uri, 0.0, (f"different {s} ids",), cannot=True)
    for what, x, y in (("birth", a.birth, b.birth), ("death", a.death, b.death)):
        if x is not None and y is not None and abs(x - y) > DATE_SLACK:
            return Link(a.uri, b.uri, 0.0, (f"{what} {x} vs {y}",), cannot=True)
    gens = {n.generation for n in a.parsed if n.generation}, {n.generation for n in b.parsed if n.generation}
    if gens[0] and gens[1] and not gens[0] & gens[1]:
        return Link(a.uri, b.uri, 0.0, ("another generation (I/II, de Oude/de Jonge)",), cannot=True)
    if shared:
        reasons.append("same id " + ", ".join(sorted(shared)))
        return Link(a.uri, b.uri, 1.0, tuple(reasons))
    best = max((_name_score(x, y) for x in a.parsed for y in b.parsed), key=lambda t: t[0])
    value = best[0]
    reasons.append(best[1])
    if value >= 0.9 and ambiguous and any(n.direct in ambiguous for n in a.parsed):
        value = 0.7
        reasons.append("several people carry this name")
    if value > 0 and a.birth is not None and a.birth == b.birth:
        value += 0.1
        reasons.append(f"born {a.birth}")
    if value > 0 and a.death is not None and a.death == b.death:
        value += 0.05
        reasons.append(f"died {a.death}")
    if value > 0 and a.roles & b.roles:
        value += 0.03
        reasons.append("same role " + ", ".join(sorted(a.roles & b.roles)[:2]))
    return Link(a.uri, b.uri, round(min(value, 0.99), 3), tuple(reasons))


def _name_score(x: Name, y: Name) -> tuple[float, str]:
    if x.unknown or y.unknown:
        return 0.0, "no name"
    if x.direct == y.direct:
        return 0.9, f"same name '{x.direct}'"
    if phonetic(x.family) != phonetic(y.family):
        return 0.0, "different family names"
    family = "same family name" if x.family == y.family else "family name spelled differently"
    if not x.given or not y.given:
        return 0.6, f"{family}, no given name on one side"
    how = given_compatible(x.given, y.given)
    if how == "same":  # the family name differs in spelling only
        return 0.86, f"{family}, same given names"
    if how == "variant":
        return (0.86 if x.family == y.family else 0.8), f"{family}, given names spelled differently"
    if how == "initials":
        return (0.75 if x.family == y.family else 0.7), f"{family}, initials or fewer given names fit"
    return 0.2, f"{family}, different given names"


def ambiguous_names(candidates: Iterable[Candidate]) -> frozenset[str]:
    """Names written for people with life dates too far apart to be one: known namesakes."""
    births: dict[str, set[int]] = defaultdict(set)
    for c in candidates:
        if c.birth is not None:
            for n in c.parsed:
                births[n.direct].add(c.birth)
    return frozenset(name for name, ys in births.items() if max(ys) - min(ys) > DATE_SLACK)


class Clusters:
    """Union-find over actors, refusing unions that join conflicting facts."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.by_uri = {c.uri: c for c in candidates}
        self.parent = {u: u for u in self.by_uri}
        self.facts = {u: _facts(c) for u, c in self.by_uri.items()}
        self.apart: dict[str, set[str]] = defaultdict(set)
        self.members: dict[str, list[str]] = {u: [u] for u in self.by_uri}

    def find(self, u: str) -> str:
        while self.parent[u] != u:
            self.parent[u] = self.parent[self.parent[u]]
            u = self.parent[u]
        return u

    def keep_apart(self, a: str, b: str) -> None:
        if a in self.parent and b in self.parent:
            self.apart[a].add(b)
            self.apart[b].add(a)

    def union(self, a: str, b: str, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        if any(self.find(o) == ra for m in self.members[rb] for o in self.apart.get(m, ())):
            return False
        merged = _merge_facts(self.facts[ra], self.facts[rb])
        if merged is None and not force:
            return False
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        self.facts[ra] = merged or self.facts[ra]
        return True

    def groups(self) -> list[list[str]]:
        return [sorted(m) for m in self.members.values()]


def _facts(c: Candidate) -> dict[str, frozenset]:
    by_scheme: dict[str, frozenset] = {}
    for i in c.ids:
        by_scheme[scheme(i)] = by_scheme.get(scheme(i), frozenset()) | {i}
    gens = frozenset(n.generation for n in c.parsed if n.generation)
    return {
        **by_scheme,
        "~birth": frozenset({c.birth} - {None}),
        "~death": frozenset({c.death} - {None}),
        "~gen": gens,
        "~kind": frozenset({c.kind} - {""}),
    }


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


def resolve(
    candidates: list[Candidate],
    *,
    merge: float = MERGE_THRESHOLD,
    review: float = REVIEW_THRESHOLD,
    merged_pairs: Iterable[tuple[str, str]] = (),
    apart_pairs: Iterable[tuple[str, str]] = (),
) -> tuple[list[list[str]], list[Link]]:
    """(clusters of URIs, proposals for review). Curators' decisions win over scores."""
    clusters = Clusters(candidates)
    for a, b in apart_pairs:
        clusters.keep_apart(a, b)
    for a, b in merged_pairs:
        if a in clusters.parent and b in clusters.parent:
            clusters.union(a, b, force=True)
    ambiguous = ambiguous_names(candidates)
    links = [score(a, b, ambiguous) for a, b in candidate_pairs(blocks(candidates))]
    links = [ln for ln in links if not ln.cannot and ln.score >= review]
    links.sort(key=lambda ln: (-ln.score, ln.a, ln.b))
    proposals = []
    for ln in links:
        if ln.score >= merge:
            clusters.union(ln.a, ln.b)
        elif clusters.find(ln.a) != clusters.find(ln.b) and ln.b not in clusters.apart.get(ln.a, ()):
            proposals.append(ln)
    # a proposal already settled by a merge of its two sides is no longer a question; of several
    # links between the same two clusters the curator sees the strongest only
    # and two clusters a curator kept apart (any of their records) are not asked about again
    settled = {
        tuple(sorted((clusters.find(x), clusters.find(y)))) for x, ys in clusters.apart.items() for y in ys
    }
    best: dict[tuple[str, str], Link] = {}
    for p in proposals:
        ra, rb = sorted((clusters.find(p.a), clusters.find(p.b)))
        if ra != rb and (ra, rb) not in best and (ra, rb) not in settled:
            best[(ra, rb)] = p
    return clusters.groups(), list(best.values())
