"""Actor resolution without a store: candidates -> blocks -> scored pairs -> clusters + proposals.

Blocking (graph/actors/blocking.py) keeps it linear: only actors sharing a key are compared, and a
bounded number of them per record. Pairs are scored with their reasons; clusters are built by
union-find over links at or above the merge threshold, strongest first, refusing any union that
would join two external ids of one authority, two different life dates, two generations, a person
with an organisation, or a pair a curator kept apart (graph/actors/clusters.py). Then triage: with
`sole_fit`, an initials-only actor whose initials fit exactly one actor is merged with it ("the
only J.P. Peeters"); of the remaining pairs a curator sees only the open questions - never two
clusters whose facts already conflict, nor records written alike, nor a pair neither side of which
has few alternatives. Every automatic merge keeps the link that made it (score, reasons) as its
provenance.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from erfgoed.graph.actors.blocking import DATE_SLACK, blocks, candidate_pairs
from erfgoed.graph.actors.clusters import Clusters, scheme
from erfgoed.graph.actors.names import Name, given_compatible, parse, phonetic

# Measured in bench/actor_bench.py (bench/README.md): on the generated hard cases precision is
# 0.99 from 0.8 to 0.9 (recall 0.53-0.49); at 0.75 initials-only matches merge too and precision
# falls to 0.90 (frequent family names), so those are left to a curator (or to `sole_fit`).
MERGE_THRESHOLD = 0.85
REVIEW_THRESHOLD = 0.6  # between the two: a proposal for a curator
MAX_FITS = 3  # a proposal needs one side with at most this many candidate actors
SOLE_THRESHOLD = 0.7  # an initials-only actor fitting one actor alone this well is merged with it


@dataclass(slots=True)
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
    # derived once (blocking and triage ask them of every pair): every known name is initials
    # only ("P.P. Rubens"); how it is written - the same for records written alike
    initials_only: bool = field(default=False, init=False, compare=False, repr=False)
    signature: tuple = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.parsed:
            self.parsed = tuple(parse(n) for n in self.names)
        for n in self.parsed:  # life dates written in a name count too
            self.birth = self.birth if self.birth is not None else n.years[0]
            self.death = self.death if self.death is not None else n.years[1]
        known = [n for n in self.parsed if not n.unknown]
        self.initials_only = bool(known) and all(n.has_initials_only for n in known)
        self.signature = (tuple(n.direct for n in self.parsed), self.birth, self.death, self.kind)

    @property
    def unknown(self) -> bool:
        return all(n.unknown for n in self.parsed)


@dataclass(slots=True)
class Link:
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    cannot: bool = False  # a reason forbids this pair in one cluster


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
    # a spelling variant of a namesake's name is as ambiguous as the name itself
    if value >= 0.8 and ambiguous and any(n.direct in ambiguous for n in (*a.parsed, *b.parsed)):
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
        if x.has_initials_only:  # "J. Peeters" twice: the initials of any Jan, Jozef, Joris Peeters
            return 0.75, f"same initials and family name '{x.direct}'"
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


@dataclass
class Resolution:
    clusters: list[list[str]]  # source actor URIs, one list per actor
    proposals: list[Link]  # open questions for a curator, strongest first
    merges: list[Link]  # the links that joined clusters automatically: the provenance of each merge


def resolve(candidates: list[Candidate], **options) -> tuple[list[list[str]], list[Link]]:
    """(clusters of URIs, proposals for review); `options` as resolution()'s."""
    r = resolution(candidates, **options)
    return r.clusters, r.proposals


def resolution(
    candidates: list[Candidate],
    *,
    merge: float = MERGE_THRESHOLD,
    review: float = REVIEW_THRESHOLD,
    merged_pairs: Iterable[tuple[str, str]] = (),
    apart_pairs: Iterable[tuple[str, str]] = (),
    sole_fit: bool = False,
) -> Resolution:
    """Clusters, proposals and the provenance of automatic merges. Curators' decisions win.
    `sole_fit`: merge an initials-only actor into the one actor its initials fit (see _sole_fits);
    off by default - on the generated hard cases it lifts recall at equal precision, but whether a
    lone "P.P. Rubens" may join the lone Peter Paul Rubens without a curator is a policy choice."""
    # The cyclic GC would rescan every live candidate again and again while this allocates links
    # (half the time at 100k records, growing with N); nothing made here forms a cycle.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _resolution(candidates, merge, review, merged_pairs, apart_pairs, sole_fit)
    finally:
        if was_enabled:
            gc.enable()


def _resolution(
    candidates: list[Candidate],
    merge: float,
    review: float,
    merged_pairs: Iterable[tuple[str, str]],
    apart_pairs: Iterable[tuple[str, str]],
    sole_fit: bool,
) -> Resolution:
    clusters = Clusters(candidates)
    for a, b in apart_pairs:
        clusters.keep_apart(a, b)
    for a, b in merged_pairs:
        if a in clusters and b in clusters:
            clusters.union(a, b, force=True)
    ambiguous = ambiguous_names(candidates)
    links = []
    for a, b in candidate_pairs(blocks(candidates)):  # streamed: only links worth keeping are kept
        ln = score(a, b, ambiguous)
        if not ln.cannot and ln.score >= review:
            links.append(ln)
    links.sort(key=lambda ln: (-ln.score, ln.a, ln.b))
    merges, weak = [], []
    for ln in links:
        if ln.score < merge:
            weak.append(ln)
        elif clusters.find(ln.a) != clusters.find(ln.b) and clusters.union(ln.a, ln.b):
            merges.append(ln)
    if sole_fit:
        merges += _sole_fits(clusters, weak)
    return Resolution(clusters.groups(), _open_questions(clusters, weak), merges)


def _initials_only(clusters: Clusters, root: str) -> bool:
    return all(clusters.by_uri[m].initials_only for m in clusters.members_of(root))


def _sole_fits(clusters: Clusters, weak: list[Link]) -> list[Link]:
    """An initials-only actor ("J.P. Peeters") whose initials fit exactly one actor with full given
    names - and no other actor it could be - is that actor. Merged, with the reason said."""
    fits: dict[str, dict[str, Link]] = defaultdict(dict)  # initials-only root -> full-name roots
    for ln in weak:
        if ln.score < SOLE_THRESHOLD:
            continue
        ra, rb = clusters.find(ln.a), clusters.find(ln.b)
        short_a, short_b = _initials_only(clusters, ra), _initials_only(clusters, rb)
        if short_a != short_b and clusters.compatible(ra, rb):
            short, full = (ra, rb) if short_a else (rb, ra)
            fits[short].setdefault(full, ln)
    out = []
    for root, partners in fits.items():
        if len(partners) != 1:
            continue
        ((other, ln),) = partners.items()
        if clusters.union(root, other):
            out.append(Link(ln.a, ln.b, ln.score, (*ln.reasons, "the only actor these initials fit")))
    return out


def _open_questions(clusters: Clusters, weak: list[Link]) -> list[Link]:
    """Weak links between two clusters that could still be one: surely different ones (conflicting
    life dates, ids of one authority, generations, kept apart - judged on the whole clusters) are no
    question, nor two records written alike; of several links between the same two clusters the
    curator sees the strongest only."""
    best: dict[tuple[str, str], Link] = {}
    for ln in weak:
        if clusters.by_uri[ln.a].signature == clusters.by_uri[ln.b].signature:
            # written identically and no more ("J. Peeters" twice, a bare "Jan Peeters" twice where
            # several Jan Peeters exist): the records hold nothing a curator could decide on
            continue
        ra, rb = sorted((clusters.find(ln.a), clusters.find(ln.b)))
        if ra != rb and (ra, rb) not in best and clusters.compatible(ra, rb):
            best[(ra, rb)] = ln
    fits: dict[str, int] = defaultdict(int)
    for ra, rb in best:
        fits[ra] += 1
        fits[rb] += 1
    # "J. Peeters" fitting five Peeters, each of whom fits a dozen such records: no side of the
    # pair has few alternatives, so the data cannot answer it - not a question for the queue
    return [ln for (ra, rb), ln in best.items() if min(fits[ra], fits[rb]) <= MAX_FITS]
