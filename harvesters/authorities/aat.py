"""Getty AAT through its SPARQL endpoint (the queries are `queries/aat-*.rq`).

Search uses Getty's full-text index (`luc:term`), keeps Dutch and English labels by AAT's own
language concepts (as network-of-terms does), leaves guide terms out and ranks exact and prefix
label matches first. Fetch follows obsolete ids through `dcterms:isReplacedBy`.

Both queries answer in the same columns - ?s ?name ?labelKind ?note ?broader ?broaderName
?replacedBy, one row per label, note or parent - so one reader turns either into Entries. It also
reads the simpler answers other clients get from the same endpoint (?s ?name, or ?variants as a
'|'-joined list of alternative labels), which is what the recorded Getty responses hold.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .base import Entry, Label
from .client import AuthorityClient, AuthorityError, AuthoritySettings, AuthorityUnavailable
from .descriptor import load_descriptor

_LUCENE_SPECIAL = re.compile(r'[+\-&|!(){}\[\]^"~*?:\\/]')
_SAFE_ID = re.compile(r"[A-Za-z0-9_.-]+")
MAX_REPLACEMENTS = 5   # hops through dcterms:isReplacedBy before giving up


def sparql_string(text: str) -> str:
    """`text` as a SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


class Aat:
    def __init__(self, settings: AuthoritySettings):
        self.descriptor = load_descriptor("aat")
        self.settings = settings
        self.client = AuthorityClient(self.descriptor, settings)

    def search(self, label: str, kind: str | None = None, lang: str = "nl", limit: int = 10) -> list[Entry]:
        if not self.descriptor.serves(kind):
            return []
        words = " ".join(_LUCENE_SPECIAL.sub(" ", label).split())  # Lucene syntax would be a 500
        if not words:
            return []
        languages = self.descriptor.extra["language_concepts"]
        query = self._fill(self.descriptor.query("search"), {
            "query": sparql_string(words),
            "text": sparql_string(label.strip().lower()),
            "rankLanguage": f"<{languages.get(lang, languages['en'])}>",
        }, limit=limit)
        return self._entries(self._select(query), lang)

    def fetch(self, uri_or_id: str) -> Entry | None:
        local = self.descriptor.local_id(uri_or_id)
        seen: list[str] = []
        while True:
            if not _SAFE_ID.fullmatch(local):
                raise AuthorityError(f"'{uri_or_id}' is not an AAT id (such as 300015050) or AAT URI.")
            uri = self.descriptor.uri(local)
            query = self._fill(self.descriptor.query("fetch"), {"uri": f"<{uri}>"})
            entries = [e for e in self._entries(self._select(query), "nl") if e.uri == uri]
            if not entries:
                return None
            entry = entries[0]
            if not entry.replaced_by:
                return entry if entry.labels else None    # no label: unknown id or guide term
            seen.append(uri)
            if entry.replaced_by in seen or len(seen) > MAX_REPLACEMENTS:
                raise AuthorityError(f"AAT: {uri_or_id} is replaced by a chain that does not end "
                                     f"({' -> '.join(seen)}).")
            local = self.descriptor.local_id(entry.replaced_by)

    # -- SPARQL -----------------------------------------------------------------------------------
    @staticmethod
    def _fill(query: str, values: dict[str, str], limit: int | None = None) -> str:
        """network-of-terms' convention: ?variables and a #LIMIT# line are filled in as text."""
        if limit is not None:
            query = query.replace("#LIMIT#", f"LIMIT {int(limit)}")
        for name, value in values.items():
            query = re.sub(rf"\?{name}\b", lambda _m, v=value: v, query)
        # full-line comments only make the GET request longer
        return "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))

    def _select(self, query: str) -> list[ox.QuerySolution]:
        resp = self.client.get(self.settings.base_url, params={"query": query},
                               headers={"Accept": "application/sparql-results+json"})
        xml = "xml" in resp.headers.get("Content-Type", "")
        fmt = ox.QueryResultsFormat.XML if xml else ox.QueryResultsFormat.JSON
        try:
            return list(ox.parse_query_results(resp.content, fmt))
        except (SyntaxError, ValueError) as exc:
            raise AuthorityUnavailable("aat", f"the SPARQL endpoint sent unreadable results ({exc}).") \
                from None

    def _entries(self, rows: list[ox.QuerySolution], lang: str) -> list[Entry]:
        """Rows grouped by ?s, in the order the endpoint ranked them."""
        entries: dict[str, Entry] = {}
        parents: dict[str, dict[str, dict[str, str]]] = {}   # concept -> parent -> lang -> label
        for row in rows:
            s = _value(row, "s")
            if not s:
                continue
            e = entries.get(s)
            if e is None:
                local = self.descriptor.local_id(s)
                e = entries[s] = Entry(uri=s, source="aat", scheme=self.descriptor.scheme,
                                       page=self.descriptor.page(local))
            name = _literal(row, "name")
            if name and name.value:
                label = Label(name.value, name.language or "", _value(row, "labelKind") or "pref")
                if label not in e.labels:
                    e.labels.append(label)
            for variant in (_value(row, "variants") or "").split("|"):
                if variant.strip() and Label(variant.strip(), "", "alt") not in e.labels:
                    e.labels.append(Label(variant.strip(), "", "alt"))
            note = _literal(row, "note")
            if note:
                e.notes[note.language or ""] = note.value
            broader, broader_name = _value(row, "broader"), _literal(row, "broaderName")
            if broader:
                names = parents.setdefault(s, {}).setdefault(broader, {})
                if broader_name:
                    names[(broader_name.language or "").split("-")[0]] = broader_name.value
            if _value(row, "replacedBy"):
                e.replaced_by = _value(row, "replacedBy")
        for s, by_parent in parents.items():
            entries[s].broader = [(uri, names.get(lang) or names.get("en") or next(iter(names.values()), ""))
                                  for uri, names in by_parent.items()]
        return list(entries.values())


def _value(row: ox.QuerySolution, var: str) -> str:
    term = _term(row, var)
    return term.value if term is not None else ""


def _literal(row: ox.QuerySolution, var: str) -> ox.Literal | None:
    term = _term(row, var)
    return term if isinstance(term, ox.Literal) else None


def _term(row: ox.QuerySolution, var: str):
    try:
        return row[var]
    except (KeyError, IndexError):  # a column this answer does not have
        return None
