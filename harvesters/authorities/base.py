"""What every authority adapter (and every term list) hands to the matcher: `Entry`.

An Entry is one concept, person, organisation or place as an authority or a term list describes
it, flattened to what matching, previews and the Reconciliation API need. `to_quads` writes it
as SKOS (+ schema.org / WGS84 for dates and coordinates) so cached authority records live in the
store as RDF (`<base>/graph/authority/<name>`) and re-alignment works offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The kinds of thing the network aligns; Reconciliation API type ids are these names.
KINDS = ("concept", "person", "organisation", "place")


@dataclass(frozen=True)
class Label:
    text: str
    lang: str = ""          # BCP 47 tag, "" when unknown
    kind: str = "pref"      # pref | alt | hidden


@dataclass
class Entry:
    uri: str                               # the authority's own URI (e.g. http://vocab.getty.edu/aat/300015050)
    source: str                            # aat | wikidata | viaf | geonames | list:<list id>
    kind: str = "concept"                  # one of KINDS
    labels: list[Label] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)          # lang -> scope note / description
    broader: list[tuple[str, str]] = field(default_factory=list)  # (uri, label): hierarchy or place parents
    types: list[str] = field(default_factory=list)  # the authority's type labels ("city", "Q5 human")
    birth: str = ""                        # persons: ISO date or year, as given
    death: str = ""
    lat: float | None = None               # places
    long: float | None = None
    country: str = ""                      # places: ISO 3166 code
    replaced_by: str = ""                  # obsolete ids: the URI that replaces this one
    page: str = ""                         # human-readable page at the authority

    def pref_label(self, langs: tuple[str, ...] = ("nl", "en")) -> str:
        """nl -> en -> any language (skosprovider's fallback), pref before alt."""
        prefs = [lb for lb in self.labels if lb.kind == "pref"] or self.labels
        for lang in langs:
            for lb in prefs:
                if lb.lang.split("-")[0] == lang:
                    return lb.text
        return prefs[0].text if prefs else self.uri
