"""JSON APIs in the style of UiTdatabank Search API v3: a hydra:PagedCollection of JSON-LD items.

Pages are followed through `hydra:view.next` / `next` when the API gives them, else by `start`
+ `limit` as Search API v3 does (`itemsPerPage`, `totalItems`). Each member of `member` (or
`hydra:member`) is one Record, its id the last path segment of its `@id`; the mapping reads the
JSON itself. State: the page to resume at (during a run) and `modified` of the newest item seen,
so the next run asks `modified[from]` onwards when the API supports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from erfgoed.harvesters.http import Fetcher, HarvestError
from erfgoed.harvesters.record import Record


def _with_params(url: str, **params: object) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items() if v not in (None, "")})
    return urlunsplit(parts._replace(query=urlencode(query)))


def item_id(item: dict) -> str:
    ident = str(item.get("@id") or item.get("id") or "")
    return ident.rstrip("/").rsplit("/", 1)[-1]


class RestHarvester:
    def __init__(self, url: str, *, fetcher: Fetcher | None = None, state: dict | None = None,
                 full: bool = False, page_size: int = 0):
        self.url, self.fetcher = url, fetcher or Fetcher()
        self.state = dict(state or {})
        self.full, self.page_size = full, page_size
        self.done = False

    def records(self) -> Iterator[Record]:
        since = None if self.full else self.state.get("since")
        page = self.state.get("page") or _with_params(
            self.url, limit=self.page_size or None, **({"modified[from]": since} if since else {}))
        newest = self.state.get("since")
        while page:
            resp = self.fetcher.get(page, headers={"Accept": "application/ld+json, application/json"})
            try:
                data = resp.json()
            except ValueError as exc:
                raise HarvestError(f"{page}: the answer is not JSON ({exc}).") from None
            members = data.get("member", data.get("hydra:member", []))
            if not isinstance(members, list):
                raise HarvestError(f"{page}: 'member' is not a list.")
            for i, item in enumerate(members):
                if not isinstance(item, dict) or not item_id(item):
                    yield Record(page, f"{page}#{i}", None, cursor=page,
                                 problem=f"item {i} on {page} has no @id.")
                    continue
                modified = item.get("modified")
                if isinstance(modified, str) and (newest is None or modified > newest):
                    newest = modified
                yield Record(page, item_id(item), json.dumps(item, ensure_ascii=False),
                             media_type="application/ld+json", datestamp=modified, cursor=page)
            page = self._next(page, data, len(members))
        self.state.update(page=None, since=newest)
        self.done = True

    def _next(self, page: str, data: dict, count: int) -> str | None:
        view = data.get("view") or data.get("hydra:view") or {}
        nxt = view.get("next") or view.get("hydra:next") or data.get("next")
        if nxt:
            self.state["linked"] = True
            return nxt
        if view or self.state.get("linked"):  # an API that links its pages ends where links end
            return None
        total, per_page = data.get("totalItems"), data.get("itemsPerPage") or count
        if not (isinstance(total, int) and count and per_page):
            return None
        start = int(dict(parse_qsl(urlsplit(page).query)).get("start", 0)) + per_page
        return _with_params(page, start=start) if start < total else None

    def commit(self, record: Record) -> None:
        if not self.done:
            self.state["page"] = record.cursor
