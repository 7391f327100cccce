"""What the columns of a term-list spreadsheet mean, and authority ids as full URIs.

Collection systems (Adlib/Axiell, CollectiveAccess, MuseumPlus, Excel by hand) name the same
columns in Dutch or English and in many spellings; each known spelling maps to one role here.
A column may carry a language: `term (en)`, `scope note@fr`; unsuffixed columns take the row's
`taal`/`language` value, else the list's default language. The CSV the exporter writes uses the
first spelling of each role, so an export reads back as the same list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from erfgoed.graph.namespaces import PREFIXES

SKOS = PREFIXES["skos"]

# role -> the spellings that mean it (compared lowercased, '_' and runs of spaces as one space).
# The first spelling is what the exporter writes.
ROLES: dict[str, tuple[str, ...]] = {
    "uri": ("uri", "concept uri", "term uri"),
    "id": ("id", "local id", "lokale id", "identificatie", "identificatienummer", "identifier",
           "notation", "notatie", "code", "termnummer", "term number", "priref"),
    "pref": ("term", "voorkeursterm", "preflabel", "skos:preflabel", "pref label", "preferred term",
             "preferred label", "label", "naam", "name"),
    "alt": ("alternative terms", "alternatieve termen", "alternatieve term", "alternative term",
            "altlabel", "skos:altlabel", "alt label", "synoniemen", "synoniem", "synonyms", "synonym",
            "niet-voorkeurstermen", "non-preferred terms", "gebruik voor", "used for", "use for"),
    "hidden": ("hidden terms", "verborgen termen", "hiddenlabel", "skos:hiddenlabel", "hidden label",
               "zoektermen"),
    "broader": ("broader term", "bredere term", "bredere termen", "broader terms", "broader",
                "skos:broader", "bt", "parent", "ouder"),
    "note": ("scope note", "scopenote", "skos:scopenote", "toelichting", "opmerking", "notitie",
             "bereik"),
    "definition": ("definition", "definitie", "skos:definition"),
    "lang": ("language", "taal", "lang"),
    "exact": ("exact match", "exactmatch", "skos:exactmatch", "same as", "sameas", "external id",
              "externe id", "external uri", "externe uri"),
    "close": ("close match", "closematch", "skos:closematch"),
    "broadmatch": ("broad match", "broadmatch", "skos:broadmatch"),
    "narrowmatch": ("narrow match", "narrowmatch", "skos:narrowmatch"),
    "related": ("related match", "relatedmatch", "skos:relatedmatch"),
    "aat": ("aat", "aat id", "aat-id", "aat uri", "getty aat"),
    "tgn": ("tgn", "tgn id", "getty tgn"),
    "ulan": ("ulan", "ulan id", "getty ulan"),
    "wikidata": ("wikidata", "wikidata id", "wikidata-id", "wikidata uri", "q-id", "qid"),
    "viaf": ("viaf", "viaf id", "viaf-id", "viaf uri"),
    "geonames": ("geonames", "geonames id", "geonames-id", "geonames uri"),
    "birth": ("birth date", "geboortedatum", "born", "geboren"),
    "death": ("death date", "sterfdatum", "overlijdensdatum", "died", "gestorven"),
    "lat": ("latitude", "breedtegraad", "lat"),
    "long": ("longitude", "lengtegraad", "long", "lon", "lng"),
    "country": ("country", "land", "landcode", "country code"),
}
_SPELLINGS = {spelling: role for role, names in ROLES.items() for spelling in names}

# Roles whose cells may hold several values, separated by '|' or ';'.
MULTI = {"alt", "hidden", "broader", "exact", "close", "broadmatch", "narrowmatch", "related", "aat",
         "tgn", "ulan", "wikidata", "viaf", "geonames"}
# Roles that may carry a language suffix.
LANGUAGED = {"pref", "alt", "hidden", "note", "definition"}
MATCH_PREDICATES = {"exact": SKOS + "exactMatch", "close": SKOS + "closeMatch",
                    "broadmatch": SKOS + "broadMatch", "narrowmatch": SKOS + "narrowMatch",
                    "related": SKOS + "relatedMatch"}
AUTHORITY_ROLES = ("aat", "tgn", "ulan", "wikidata", "viaf", "geonames")

_SUFFIX = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<p>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)|@(?P<a>[A-Za-z]{2,3}"
                     r"(?:-[A-Za-z0-9]+)?))$")
_SPLIT = re.compile(r"\s*[|;]\s*")


@dataclass(frozen=True)
class Column:
    name: str               # as the header spells it
    role: str               # a key of ROLES
    lang: str | None = None  # from a suffix such as 'term (en)'


def _norm(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().lower())


def recognise(name: str) -> Column | None:
    """The role of a header cell, or None when no spelling of any role matches."""
    key = _norm(name)
    if key in _SPELLINGS:
        return Column(name, _SPELLINGS[key])
    m = _SUFFIX.match(key)
    if m and _norm(m["name"]) in _SPELLINGS:
        role = _SPELLINGS[_norm(m["name"])]
        if role in LANGUAGED:
            return Column(name, role, (m["p"] or m["a"]).lower())
    return None


def split_values(cell: str) -> list[str]:
    """'kast | stoel;tafel' -> ['kast', 'stoel', 'tafel'] (empty pieces dropped)."""
    return [v for v in _SPLIT.split(cell.strip()) if v]


# -- authority ids -----------------------------------------------------------------------------
# Canonical entity URIs: the forms the authorities publish as subjects of their own RDF.
AUTHORITY_URI = {
    "aat": "http://vocab.getty.edu/aat/{}",
    "tgn": "http://vocab.getty.edu/tgn/{}",
    "ulan": "http://vocab.getty.edu/ulan/{}",
    "wikidata": "http://www.wikidata.org/entity/{}",
    "viaf": "http://viaf.org/viaf/{}",
    "geonames": "https://sws.geonames.org/{}/",
}
_ID_FORM = {
    "aat": re.compile(r"(?:aat:)?(3\d{8})"),
    "tgn": re.compile(r"(?:tgn:)?(\d{7})"),
    "ulan": re.compile(r"(?:ulan:)?(5\d{8})"),
    "wikidata": re.compile(r"(?:wd:)?([QqPp]\d+)"),
    "viaf": re.compile(r"(?:viaf:)?(\d{1,22})"),
    "geonames": re.compile(r"(?:gn:|geonames:)?(\d{1,10})"),
}
# Web addresses people paste (pages, https, 'wiki/' links) -> (authority, id).
_URL_FORMS = (
    ("aat", re.compile(r"https?://vocab\.getty\.edu/(?:page/)?aat/(\d+)(?:\.\w+)?/?$")),
    ("tgn", re.compile(r"https?://vocab\.getty\.edu/(?:page/)?tgn/(\d+)(?:\.\w+)?/?$")),
    ("ulan", re.compile(r"https?://vocab\.getty\.edu/(?:page/)?ulan/(\d+)(?:\.\w+)?/?$")),
    ("wikidata", re.compile(r"https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/([QP]\d+)/?$")),
    ("viaf", re.compile(r"https?://(?:www\.)?viaf\.org/viaf/(\d+)/?$")),
    ("geonames", re.compile(r"https?://(?:sws\.|www\.)?geonames\.org/(\d+)(?:/.*)?$")),
)


def canonical_uri(url: str) -> str:
    """An authority's web address in its canonical entity form; other URLs unchanged."""
    for authority, form in _URL_FORMS:
        m = form.match(url.strip())
        if m:
            return AUTHORITY_URI[authority].format(m[1].upper() if authority == "wikidata" else m[1])
    return url.strip()


def authority_uri(role: str, value: str) -> str | None:
    """A cell of an AAT/Wikidata/VIAF/GeoNames/TGN/ULAN column as a full URI (None: not an id).

    Accepts the bare id ('300015050', 'Q90'), a CURIE ('aat:300015050') or any web address of the
    entity; a web address of another authority is refused (a Wikidata link in the AAT column).
    """
    value = value.strip()
    if re.match(r"https?://", value):
        uri = canonical_uri(value)
        return uri if uri.startswith(AUTHORITY_URI[role].split("{")[0]) else None
    m = _ID_FORM[role].fullmatch(value)
    if not m:
        return None
    found = m[1].upper() if role == "wikidata" else m[1]
    return AUTHORITY_URI[role].format(found)


def is_web_uri(value: str) -> bool:
    return re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value.strip()) is not None
