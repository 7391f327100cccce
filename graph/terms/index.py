"""An in-memory label index over `Entry` objects: where the matcher's candidates come from.

Brute-force fuzzy matching over 500k labels manages 2.5-88 queries/s (MEASURED.md), so the
index first narrows the field to a few dozen labels by dictionary lookups only:
  keys      normalised keys of every label (normalise.Forms.keys: direct order, no article,
            singular words for concepts, no spaces) -> label ids
  words     every word (singular for concepts, as written for names) -> the labels holding it
            (a query word missing from the label, or extra)
  deletes   every word with one letter deleted -> the words (SymSpell): one typo per word
  prefixes  the folded labels, sorted (autocomplete, by bisection)
RapidFuzz then scores only those (see matcher.py). Entries can be added and removed one at a
time, as a curator edits a list; removed labels are skipped, not compacted.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph as ox
from rapidfuzz.distance import OSA

from erfgoed.graph.store import Store
from erfgoed.graph.terms.normalise import ARTICLES, Forms, forms, stem_variants
from erfgoed.harvesters.authorities.base import Entry, Label, entries_from_triples

MIN_TYPO_WORD = 4     # words this short get no typo tolerance: "kat"/"kar"/"kam" are all real words
WORD_CAP = 500        # labels kept from the word search (a word as common as "van" narrows nothing)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class LabelIndex:
    """Labels of many entries, found by normalised key, by word (typos allowed) and by prefix."""

    def __init__(self, entries: Iterable[Entry] = ()):
        self.entries: list[Entry | None] = []
        self._by_uri: dict[str, int] = {}
        self._labels_of: list[list[int]] = []        # entry number -> its label ids
        self.same_as: dict[str, set[str]] = {}       # skos:exactMatch links, both ways (matcher)
        self._entry: array = array("i")              # label id -> entry number (-1: removed)
        self._label: list[Label] = []
        self._forms: list[Forms] = []
        self._keys: dict[str, int | list[int]] = {}
        self._words: dict[str, array] = {}
        self._deletes: dict[str, str | list[str]] = {}
        self._prefix: list[str] = []                 # sorted folded labels ...
        self._prefix_ids: array = array("i")         # ... and their label ids
        self._vocab: list[str] | None = None         # the words, sorted when first needed
        self.add_all(entries)

    # -- building ---------------------------------------------------------------------------------
    def add_all(self, entries: Iterable[Entry]) -> None:
        """Many entries at once: the prefix list is sorted once at the end, not kept sorted."""
        pairs = list(zip(self._prefix, self._prefix_ids, strict=True))
        for entry in entries:
            pairs.extend(self._add(entry))
        pairs.sort()
        self._prefix = [p for p, _ in pairs]
        self._prefix_ids = array("i", (i for _, i in pairs))

    def add(self, entry: Entry) -> None:
        """One entry (a new one, or a new version replacing the entry with the same URI)."""
        for key, lid in self._add(entry):
            at = bisect_left(self._prefix, key)
            self._prefix.insert(at, key)
            self._prefix_ids.insert(at, lid)

    def remove(self, uri: str) -> bool:
        """Forget one entry; False when the index does not hold it."""
        number = self._by_uri.pop(uri, None)
        if number is None:
            return False
        for lid in self._labels_of[number]:
            self._entry[lid] = -1
            f = self._forms[lid]
            for key in f.keys(True) | f.keys(False):
                self._drop_key(key, lid)
            for key in {f.core, f.folded}:
                at = bisect_left(self._prefix, key)
                while at < len(self._prefix) and self._prefix[at] == key:
                    if self._prefix_ids[at] == lid:
                        del self._prefix[at]
                        del self._prefix_ids[at]
                        break
                    at += 1
        self.entries[number] = None
        self._labels_of[number] = []
        return True

    def _add(self, entry: Entry) -> Iterator[tuple[str, int]]:
        if entry.uri in self._by_uri:
            self.remove(entry.uri)
        number = len(self.entries)
        self.entries.append(entry)
        self._by_uri[entry.uri] = number
        ids: list[int] = []
        seen: set[tuple[str, str]] = set()
        for label in entry.labels:
            if not label.text.strip() or (label.text, label.lang) in seen:
                continue
            seen.add((label.text, label.lang))
            lid = len(self._label)
            ids.append(lid)
            f = forms(label.text)
            self._entry.append(number)
            self._label.append(label)
            self._forms.append(f)
            for key in f.keys(entry.kind == "concept"):
                held = self._keys.get(key)
                if held is None:
                    self._keys[key] = lid
                elif isinstance(held, int):
                    self._keys[key] = [held, lid]
                else:
                    held.append(lid)
            for word in set((f.stem if entry.kind == "concept" else f.core).split()):
                postings = self._words.get(word)
                if postings is None:
                    self._words[word] = postings = array("i")
                    self._vocab = None
                    self._add_word(word)
                postings.append(lid)
            yield f.core, lid
            if f.folded != f.core:
                yield f.folded, lid
        self._labels_of.append(ids)
        for relation, other in entry.matches:
            if relation == "exactMatch":
                self.same_as.setdefault(entry.uri, set()).add(other)
                self.same_as.setdefault(other, set()).add(entry.uri)

    def _add_word(self, word: str) -> None:
        if len(word) < MIN_TYPO_WORD:
            return
        for d in _deletes(word) | {word}:
            held = self._deletes.get(d)
            if held is None:
                self._deletes[d] = word
            elif isinstance(held, str):
                self._deletes[d] = [held, word]
            else:
                held.append(word)

    def _drop_key(self, key: str, lid: int) -> None:
        held = self._keys.get(key)
        if held == lid:
            del self._keys[key]
        elif isinstance(held, list) and lid in held:
            held.remove(lid)

    # -- reading ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._by_uri)

    @property
    def label_count(self) -> int:
        return sum(1 for e in self._entry if e >= 0)

    def get(self, uri: str) -> Entry | None:
        number = self._by_uri.get(uri)
        return None if number is None else self.entries[number]

    def label(self, lid: int) -> tuple[Entry, Label, Forms]:
        return self.entries[self._entry[lid]], self._label[lid], self._forms[lid]  # type: ignore[return-value]

    def accepts(self, lid: int, kind: str | None, sources: Sequence[str] | None) -> bool:
        number = self._entry[lid]
        if number < 0:
            return False
        entry = self.entries[number]
        return (kind is None or entry.kind == kind) and (not sources or entry.source in sources)

    def alive(self, lid: int) -> bool:
        return self._entry[lid] >= 0

    def stems(self, lids: Iterable[int]) -> list[str]:
        forms = self._forms
        return [forms[lid].stem for lid in lids]

    def by_key(self, q: Forms) -> set[int]:
        """Labels sharing a normalised key with the query: the same words up to case, accents,
        punctuation, a leading article, number, name inversion or spacing."""
        found: set[int] = set()
        keys = q.keys(True) | q.keys(False)
        keys.update(stem_variants(q.core)[1:])
        for key in keys:
            held = self._keys.get(key)
            if isinstance(held, int):
                found.add(held)
            elif held:
                found.update(held)
        return found

    def corrections(self, word: str) -> list[tuple[str, int]]:
        """Indexed words within one typo (edit, insertion, deletion, swap) of `word`, as
        (word, distance). Words of 8 letters or more may be two typos off, where one deletion
        on each side meets."""
        if word in self._words:
            return [(word, 0)]
        if len(word) < MIN_TYPO_WORD:
            return []
        found: set[str] = set()
        for d in _deletes(word) | {word}:
            held = self._deletes.get(d)
            if isinstance(held, str):
                found.add(held)
            elif held:
                found.update(held)
        limit = 2 if len(word) >= 8 else 1
        scored = ((w, OSA.distance(word, w, score_cutoff=limit)) for w in found)
        return sorted((w, d) for w, d in scored if d <= limit)

    def by_words(self, q: Forms) -> tuple[set[int], int]:
        """Labels holding every known word of the query (each word or a one-typo neighbour),
        or, when none holds them all, the labels holding its rarest word; when that leaves only
        a few, also those holding every word but the rarest (a typo making another real word:
        "Pieter" for "Peter"). Plus how many query words the index does not know at all."""
        groups: list[set[str]] = []
        unknown = 0
        for word, stem in dict.fromkeys(zip(q.core.split(), q.stem.split(), strict=True)):
            if word in ARTICLES:
                continue
            alternatives = {w for w, _ in self.corrections(word)}   # names are indexed as written,
            if stem != word and word not in self._words:              # concepts' words singular
                alternatives.update(w for w, _ in self.corrections(stem))
            if alternatives:
                groups.append(alternatives)
            else:
                unknown += 1
        if not groups:
            return set(), unknown
        sized = sorted((sum(len(self._words[w]) for w in g), i, g) for i, g in enumerate(groups))
        if len(sized) == 1 and sized[0][0] > WORD_CAP:  # one common word: any WORD_CAP of its labels
            return {lid for w in sized[0][2] for lid in self._words[w][:WORD_CAP]}, unknown
        found = self._holding(sized, WORD_CAP * 20)
        if len(found) < 10 and len(sized) > 2:
            found |= self._holding(sized[1:], WORD_CAP // 2)
        if len(found) > WORD_CAP:
            found = set(sorted(found)[:WORD_CAP])
        return found, unknown

    def _holding(self, sized: list[tuple[int, int, set[str]]], cap: int) -> set[int]:
        """Labels holding a word of every group (groups rarest first; at most `cap` labels read
        per word of the rarest), or of the rarest only."""
        found: set[int] = set()
        for w in sized[0][2]:
            found.update(self._words[w][:cap])
        for size, _, group in sized[1:]:
            if size <= 4 * len(found):                # set intersection, when the sets are similar
                other: set[int] = set()
                for w in group:
                    other.update(self._words[w])
                narrower = found & other
            else:                                     # else bisect the long postings (lids ascend)
                postings = [self._words[w] for w in group]
                narrower = set()
                for lid in found:
                    for arr in postings:
                        at = bisect_left(arr, lid)
                        if at < len(arr) and arr[at] == lid:
                            narrower.add(lid)
                            break
            if not narrower:
                break                                 # no label holds every word: keep the rarest's
            found = narrower
        return found

    def by_prefix(self, prefix: str, cap: int = 200) -> list[int]:
        """Labels whose folded text (in either name order) starts with `prefix` (folded)."""
        at = bisect_left(self._prefix, prefix)
        out: list[int] = []
        while at < len(self._prefix) and len(out) < cap and self._prefix[at].startswith(prefix):
            out.append(self._prefix_ids[at])
            at += 1
        return out

    def words_with_prefix(self, prefix: str, cap: int = 200) -> list[int]:
        """Labels with a later word starting with `prefix`: "rub" finds "Peter Paul Rubens"."""
        if len(prefix) < 3 or " " in prefix:
            return []
        if self._vocab is None:                       # sorted again after words were added
            self._vocab = sorted(self._words)
        stem = prefix[:3]                             # words are indexed singular ("rubens" -> "rub")
        at = bisect_left(self._vocab, stem)
        out: list[int] = []
        while at < len(self._vocab) and self._vocab[at].startswith(stem) and len(out) < cap:
            out.extend(lid for lid in self._words[self._vocab[at]][:cap]
                       if f" {prefix}" in f" {self._forms[lid].core}" and self._entry[lid] >= 0)
            at += 1
        return out[:cap]


def index_from_store(store: Store, graphs: Sequence[str]) -> LabelIndex:
    """An index of the entries in term-list graphs (`<base>/graph/terms/<id>`: source
    "list:<id>") and authority-cache graphs (`<base>/graph/authority/<name>`: source <name>),
    read with one SPARQL query (see `network_graphs` for all of them)."""
    index = LabelIndex()
    if not graphs:
        return index
    values = " ".join(str(ox.NamedNode(g)) for g in graphs)   # NamedNode refuses a malformed IRI
    rows = store.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}",
                       union=False)
    by_graph: dict[str, list[ox.Triple]] = {}
    for row in rows:
        by_graph.setdefault(row["g"].value, []).append(ox.Triple(row["s"], row["p"], row["o"]))
    for graph, triples in by_graph.items():
        index.add_all(entries_from_triples(triples, source_of_graph(graph)))
    return index


def source_of_graph(graph: str) -> str:
    """ "<base>/graph/terms/meubels" -> "list:meubels"; "<base>/graph/authority/aat" -> "aat"."""
    kind, _, name = graph.rsplit("/graph/", 1)[-1].partition("/")
    return {"terms": f"list:{name}", "authority": name}.get(kind, graph) if name else graph


def network_graphs(store: Store, base: str) -> list[str]:
    """Every term-list and authority-cache graph in the store."""
    base = base.rstrip("/")
    rows = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "
                       f'"{base}/graph/terms/") || STRSTARTS(STR(?g), "{base}/graph/authority/")) }}',
                       union=False)
    return sorted(row["g"].value for row in rows)
