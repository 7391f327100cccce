"""The matcher: one search over every term list, every cached authority record and, optionally,
live authority searches; candidates ranked on one scale (scoring.py) with a plain reason each.

`match=True` is set on the best candidate only when it is both strong and alone:
  score >= MATCH_SCORE   (a key match: exact, case/accents, inverted name, article, plural)
  and score - second >= MATCH_GAP, where "second" is the best candidate that is a different thing
  (another URI not linked to the best by skos:exactMatch).
Both thresholds were chosen on the labelled AAT set of bench/match_bench.py (see bench/README.md):
there, auto-matches above them were right in 99% of cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from erfgoed.graph.terms.index import LabelIndex
from erfgoed.graph.terms.normalise import Forms, fold, forms, strip_article
from erfgoed.graph.terms.scoring import Facts, adjust, describe, score_label
from erfgoed.harvesters.authorities.base import Entry

MATCH_SCORE = 92.0
MATCH_GAP = 4.0
SHORTLIST = 30            # labels scored in full, besides key matches, out of those the index found

# A live authority search: (label, kind or None) -> entries; raising means "unavailable now".
Searcher = Callable[[str, str | None], list[Entry]]


@dataclass
class Candidate:
    entry: Entry
    score: float           # 0-100, comparable across sources
    explanation: str       # which label matched, and how
    match: bool = False    # True only on an unambiguous, strong best candidate


@dataclass
class MatchResult:
    """Ranked candidates, plus the sources that could not be asked (name -> reason)."""

    candidates: list[Candidate]
    unavailable: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, i: int) -> Candidate:
        return self.candidates[i]


class Matcher:
    def __init__(self, index: LabelIndex, searchers: Mapping[str, Searcher] | None = None):
        self.index = index
        self.searchers = dict(searchers or {})

    def match(self, query: str, *, kind: str | None = None, sources: Sequence[str] | None = None,
              limit: int = 10, properties: dict | None = None) -> MatchResult:
        """Candidates for one label, best first; `sources` limits the search to those sources
        (authority names, "list:<id>"), `kind` to one of KINDS."""
        q = forms(query)
        if not q.core:
            return MatchResult([])
        facts = Facts.of(q, properties)
        best: dict[str, Candidate] = {}
        for lid in self._shortlist(q, kind, sources):
            entry, label, f = self.index.label(lid)
            scored = score_label(q, f, label, entry.kind)
            self._keep(best, entry, *adjust(*scored, facts, f, label, entry))
        unavailable = self._live(query, q, facts, kind, sources, best)
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.entry.source, c.entry.uri))[:limit]
        if ranked and ranked[0].score >= MATCH_SCORE:
            same = {ranked[0].entry.uri} | self.index.same_as.get(ranked[0].entry.uri, set())
            second = next((c.score for c in ranked[1:] if c.entry.uri not in same
                           and not same & set(self.index.same_as.get(c.entry.uri, ()))), 0.0)
            ranked[0].match = ranked[0].score - second >= MATCH_GAP
        return MatchResult(ranked, unavailable)

    def _shortlist(self, q: Forms, kind: str | None, sources: Sequence[str] | None) -> list[int]:
        """Key matches always; of the rest (shared words, typos) the closest SHORTLIST."""
        index = self.index
        accepts = (lambda lid: index.accepts(lid, kind, sources)) if kind or sources else index.alive
        keyed = {lid for lid in index.by_key(q) if accepts(lid)}
        worded, _ = index.by_words(q)
        rest = [lid for lid in worded if lid not in keyed and accepts(lid)]
        if len(rest) > SHORTLIST:
            top = process.extract(q.stem, index.stems(rest), scorer=fuzz.token_set_ratio, limit=SHORTLIST)
            rest = [rest[i] for _, _, i in top]
        return [*keyed, *rest]

    @staticmethod
    def _keep(best: dict[str, Candidate], entry: Entry, score: float, why: str) -> None:
        held = best.get(entry.uri)
        if held is None or score > held.score:
            best[entry.uri] = Candidate(entry, score, why)

    def _live(self, query: str, q: Forms, facts: Facts, kind: str | None, sources: Sequence[str] | None,
              best: dict[str, Candidate]) -> dict[str, str]:
        """Ask the live searchers (in parallel); score what they return like everything else."""
        asked = {name: s for name, s in self.searchers.items() if not sources or name in sources}
        if not asked:
            return {}
        unavailable: dict[str, str] = {}
        with ThreadPoolExecutor(max_workers=len(asked)) as pool:
            futures = {name: pool.submit(search, query, kind) for name, search in asked.items()}
            for name, future in futures.items():
                try:
                    found = future.result()
                except Exception as exc:  # noqa: BLE001 - any failure means: this source is down now
                    unavailable[name] = str(exc) or type(exc).__name__
                    continue
                for entry in found:
                    if kind and entry.kind != kind:
                        continue
                    for label in entry.labels:
                        f = forms(label.text)
                        scored = score_label(q, f, label, entry.kind)
                        self._keep(best, entry, *adjust(*scored, facts, f, label, entry))
        return unavailable

    def suggest(self, prefix: str, kind: str | None = None, limit: int = 10,
                sources: Sequence[str] | None = None) -> list[Candidate]:
        """Autocomplete: labels starting with what was typed, then labels with a word starting
        with it; the score is the share of the label typed so far."""
        typed = fold(prefix)
        if not typed:
            return []
        stripped = strip_article(typed) if typed.count(" ") and not typed.endswith(" ") else typed
        found: list[tuple[tuple, Candidate]] = []
        for rank, lids in enumerate((self.index.by_prefix(stripped), self.index.words_with_prefix(stripped))):
            for lid in lids:
                if not self.index.accepts(lid, kind, sources):
                    continue
                entry, label, f = self.index.label(lid)
                how = "starts" if rank == 0 else "has a word starting"
                score = round(100.0 * len(stripped) / max(len(f.core), len(stripped)), 1)
                order = (rank, label.kind != "pref", len(f.core), f.core)
                found.append((order, Candidate(entry, score, f"{describe(label)} {how} with '{prefix}'")))
        out: dict[str, Candidate] = {}
        for _, candidate in sorted(found, key=lambda r: r[0]):
            out.setdefault(candidate.entry.uri, candidate)   # an entry once, by its best label
        return list(out.values())[:limit]
