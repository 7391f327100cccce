"""Which URI each concept of an imported list gets - the same one as last time whenever we can tell.

Published concept URIs are cited by collection records and by other lists' mappings, so a
re-import must never move them. A row (or a blank-node concept of a SKOS file) is recognised as a
concept already in the list, in this order: by its local id (skos:notation), by its preferred
label (case and spacing ignored), by an alternative label that used to be the preferred one
(a renamed term whose old name was kept as a synonym). Only then is a URI minted:
`Minter.term(list, local id)`, else a slug of the preferred label. A minted slug never takes the
URI of a stored concept that was not recognised: that URI keeps meaning what it meant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.graph.terms.lists import StoredList, label_key
from erfgoed.graph.terms.quality import Finding
from erfgoed.graph.uris import Minter, slug


@dataclass
class Parsed:
    """An input file read as a list: what the importer stores, plus what it found on the way."""
    triples: list[ox.Triple]                        # the concepts, and what the list keeps beside them
    concepts: list[str]                             # the list's concept URIs, in file order
    findings: list[Finding] = field(default_factory=list)
    title: ox.Literal | None = None                 # the file's own name for the list, if it has one
    kind: str | None = None


@dataclass
class Candidate:
    """What identifies one incoming concept."""
    uri: str | None = None                          # given by the file
    notation: str | None = None
    prefs: list[tuple[str, str]] = field(default_factory=list)   # (text, lang)
    alts: list[tuple[str, str]] = field(default_factory=list)


class Identities:
    def __init__(self, minter: Minter, list_id: str, stored: StoredList):
        self.minter, self.list_id, self.stored = minter, list_id, stored

    def _by_label(self, labels: list[tuple[str, str]], claimed: set[str]) -> str | None:
        for text, lang in labels:
            options = self.stored.by_label.get(label_key(text), [])
            options = sorted(options, key=lambda o: o[0] != lang)  # same language first
            for _, uri in options:
                if uri not in claimed:
                    return uri
        return None

    def assign(self, candidates: list[Candidate]) -> list[str | None]:
        """A URI per candidate (None: a second candidate with a URI already taken in this file)."""
        out: list[str | None] = [None] * len(candidates)
        claimed: set[str] = set()
        done: set[int] = set()

        def take(i: int, uri: str | None) -> None:
            if uri is not None and uri not in claimed:
                out[i] = uri
                claimed.add(uri)
                done.add(i)

        for i, c in enumerate(candidates):  # URIs the file gives are never changed
            if c.uri:
                if c.uri in claimed:
                    done.add(i)  # a duplicate: left as None
                take(i, c.uri)
        for i, c in enumerate(candidates):
            if i not in done and c.notation and c.notation in self.stored.by_notation:
                take(i, self.stored.by_notation[c.notation])
        for labels in ("prefs", "alts"):
            for i, c in enumerate(candidates):
                if i not in done:
                    take(i, self._by_label(getattr(c, labels), claimed))
        for i, c in enumerate(candidates):
            if i in done:
                continue
            if c.notation:
                base, avoid = c.notation, claimed
            else:
                base = slug(c.prefs[0][0]) if c.prefs else "concept"
                avoid = claimed | set(self.stored.concepts)
            uri, n = self.minter.term(self.list_id, base), 2
            while uri in avoid:
                uri, n = self.minter.term(self.list_id, f"{base}-{n}"), n + 1
            take(i, uri)
        return out
