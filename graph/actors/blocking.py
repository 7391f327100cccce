"""Which actor pairs get scored at all: blocks, and bounded comparisons inside each block.

Only actors sharing a key are compared: an external id, the whole name as normalised, the phonetic
family name + first given name (or the family name alone, for names without given names and
organisations), and - for initials-only names ("P.P. Rubens") - the family name + first initial.
Inside a block the work per record is bounded, whatever the block size, so candidate pairs grow
linearly with the records (see _spread for how undated records keep their own links):
- records written the same way (same name, same life dates) are chained, not compared all-to-all:
  they score alike, so a chain gives union-find the same clusters;
- of the distinct writings, those with a birth year are compared along the birth-year order, each
  with the next few whose birth lies within the date slack (further apart is never one person);
- undated writings are compared with the dated ones only while those are few (`CROWD`): a bare
  "Jan Peeters" among a crowd of dated Jan Peeters could be any of them, so it is not asked;
- initials-only writings meet the full names of their block only while those are few, for the same
  reason ("J. Peeters" among dozens of J. Peeters says nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from erfgoed.graph.actors.names import phonetic

if TYPE_CHECKING:
    from erfgoed.graph.actors.resolve import Candidate

WINDOW = 4  # a dated writing is compared with at most this many next ones in birth-year order
CROWD = 8  # more distinct writings than this on the other side: a name shared by a crowd
DATE_SLACK = 2  # years two sources may disagree on a life date ("ca. 1460")

Pair = tuple["Candidate", "Candidate"]


def blocking_keys(c: Candidate) -> set[str]:
    keys = {f"id:{i}" for i in c.ids}
    for n in c.parsed:
        if n.unknown:
            continue
        fam = phonetic(n.family)
        # the whole name, however it parses: "Het Huis van Alijn (Gent)" / "Huis van Alijn" read as
        # a person's given + family names differ ("het huis" / "huis"), the names do not
        keys.add(f"o:{n.direct}")
        if n.given:
            # full first name: a precise block; every name also meets the initials-only records
            # ("P.P. Rubens") of its family and initial, and only those (see _initials_pairs)
            if len(n.given[0]) > 1:
                keys.add(f"n:{fam}:{phonetic(n.given[0])}")
            keys.add(f"i:{fam}:{n.initials[:1]}")
        if not n.given or c.kind == "organisation":
            keys.add(f"n:{fam}:")  # "Rubens" alone meets every Rubens
    return keys


def blocks(candidates: Iterable[Candidate]) -> dict[str, list[Candidate]]:
    out: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.unknown:
            continue
        for k in blocking_keys(c):
            out[k].append(c)
    return out


def candidate_pairs(by_key: dict[str, list[Candidate]]) -> Iterator[Pair]:
    """Each pair once, however many blocks the two share."""
    index: dict[int, int] = {}
    seen: set[int] = set()
    for block, members in by_key.items():
        if len(members) < 2:
            continue
        pairs = _initials_pairs(members) if block.startswith("i:") else _block_pairs(members)
        for a, b in pairs:
            if a is b:
                continue
            i = index.setdefault(id(a), len(index))
            j = index.setdefault(id(b), len(index))
            key = i * (1 << 32) + j if i < j else j * (1 << 32) + i
            if key not in seen:
                seen.add(key)
                yield a, b


def _writings(members: list[Candidate]) -> dict[tuple, list[Candidate]]:
    """The records of a block by how they are written (names, life dates, kind)."""
    by_sig: dict[tuple, list[Candidate]] = defaultdict(list)
    for c in members:
        by_sig[c.signature].append(c)
    return by_sig


def _spread(groups: dict[tuple, list[Candidate]], rep_pairs: Iterable[Pair]) -> Iterator[Pair]:
    """Pairs of writings -> pairs of records. Records written alike are chained. An undated record
    (a bare "Jan Brueghel", "J. Peeters") also meets, itself, the representative of each writing
    its own is compared with: its twins may be other people, so it keeps its own proposals. Dated
    twins do not (same name and dates: they merge, or are the same question). Linear in records."""
    for g in groups.values():
        yield from ((g[i], g[i + 1]) for i in range(len(g) - 1))
    for a, b in rep_pairs:
        yield a, b
        if a.birth is None:
            yield from ((m, b) for m in groups[a.signature][1:])
        if b.birth is None:
            yield from ((a, m) for m in groups[b.signature][1:])


def _block_pairs(members: list[Candidate]) -> Iterator[Pair]:
    groups = _writings(members)
    yield from _spread(groups, _writing_pairs([g[0] for g in groups.values()]))


def _writing_pairs(reps: list[Candidate]) -> Iterator[Pair]:
    dated = sorted((c for c in reps if c.birth is not None), key=lambda c: (c.birth, c.uri))
    undated = sorted((c for c in reps if c.birth is None), key=lambda c: (c.signature[0], c.uri))
    for i, a in enumerate(dated):
        for b in dated[i + 1 : i + 1 + WINDOW]:
            if b.birth - a.birth > DATE_SLACK:  # type: ignore[operator]
                break
            yield a, b
    if len(dated) <= CROWD:
        yield from ((a, b) for a in undated for b in dated)
    # undated writings among themselves: all while few, else each with its neighbours by name
    width = len(undated) if len(undated) <= CROWD else WINDOW
    for i, a in enumerate(undated):
        yield from ((a, b) for b in undated[i + 1 : i + 1 + width])


def _initials_pairs(members: list[Candidate]) -> Iterator[Pair]:
    """Initials-only writings against the other writings of their family and initial only."""
    groups = _writings(members)
    short = {sig: g for sig, g in groups.items() if g[0].initials_only}
    full = [g[0] for g in groups.values() if not g[0].initials_only]
    if not short or len(full) > CROWD:
        return
    reps = [g[0] for g in short.values()]
    among = len(reps) <= CROWD  # initials-only writings among themselves only while few
    rep_pairs = [(a, b) for i, a in enumerate(reps) for b in (reps[i + 1 :] if among else []) + full]
    # full names written alike are chained in their own name block: here each is its writing alone
    yield from _spread(short | {f.signature: [f] for f in full}, rep_pairs)
