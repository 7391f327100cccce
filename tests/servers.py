"""Real HTTP servers on loopback for harvester tests and benchmarks.

- OaiServer: an OAI-PMH 2.0 provider over a list of records (paging with resumptionTokens,
  from/until/set, deleted records, OAI errors, injected 503s with Retry-After).
- FileServer: static files with ETags (304 on If-None-Match) and Cache-Control: immutable for
  files whose first line is `# immutable` - how the reference LDES client's test server works.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape


@dataclass
class OaiItem:
    identifier: str
    datestamp: str                 # YYYY-MM-DD or full UTC
    metadata: str = ""             # the metadata element as XML text
    deleted: bool = False
    sets: tuple[str, ...] = ()


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.requests: list[str] = []

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def _envelope(verb_xml: str, request: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            '<responseDate>2026-11-25T10:00:00Z</responseDate>'
            f'<request>{escape(request)}</request>{verb_xml}</OAI-PMH>').encode()


class _OaiHandler(_Quiet):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        srv: OaiServer = self.server.owner  # type: ignore[attr-defined]
        q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        srv.requests.append(self.path)
        if srv.fail_next:
            srv.fail_next -= 1
            self.send(503, b"busy", "text/plain", {"Retry-After": "1"})
            return
        if srv.hook:
            srv.hook(len(srv.requests))
        self.send(200, srv.answer(q), "text/xml; charset=utf-8")


class OaiServer(_Server):
    def __init__(self, items: Sequence[OaiItem] | Callable[[int], OaiItem], *, count: int = 0,
                 page_size: int = 100, prefixes: Sequence[str] = ("lido", "oai_dc")):
        super().__init__(_OaiHandler)
        # items: a list, or a function of the position (for 100k records without the memory)
        self.get = items.__getitem__ if isinstance(items, Sequence) else items
        self.count = len(items) if isinstance(items, Sequence) else count
        self.page_size, self.prefixes = page_size, tuple(prefixes)
        self.fail_next = 0                         # answer the next N requests with 503
        self.hook: Callable[[int], None] | None = None  # called with the request number
        self.expired_tokens: set[str] = set()

    def _error(self, code: str, text: str) -> bytes:
        return _envelope(f'<error code="{code}">{escape(text)}</error>', "")

    def answer(self, q: dict[str, str]) -> bytes:
        verb = q.get("verb")
        if verb == "Identify":
            return _envelope("<Identify><repositoryName>Test repository</repositoryName>"
                             f"<baseURL>{self.url}</baseURL><protocolVersion>2.0</protocolVersion>"
                             "<earliestDatestamp>2000-01-01</earliestDatestamp><deletedRecord>persistent</deletedRecord>"
                             "<granularity>YYYY-MM-DD</granularity></Identify>", "")
        if verb != "ListRecords":
            return self._error("badVerb", f"verb {verb} is not supported here")
        if "resumptionToken" in q:
            token = q["resumptionToken"]
            if token in self.expired_tokens:
                return self._error("badResumptionToken", "the token has expired")
            try:
                offset_s, prefix, since, until, set_spec = token.split("|")
                offset = int(offset_s)
            except ValueError:
                return self._error("badResumptionToken", "not a token of ours")
        else:
            offset, prefix = 0, q.get("metadataPrefix", "")
            since, until, set_spec = q.get("from", ""), q.get("until", ""), q.get("set", "")
        if prefix not in self.prefixes:
            return self._error("cannotDisseminateFormat", f"no format {prefix}")
        matched = []
        i = offset
        while i < self.count and len(matched) < self.page_size:
            item = self.get(i)
            i += 1
            if ((since and item.datestamp < since) or (until and item.datestamp[:len(until)] > until)
                    or (set_spec and set_spec not in item.sets)):
                continue
            matched.append(item)
        if not matched and offset == 0:
            return self._error("noRecordsMatch", "no records match")
        body = []
        for item in matched:
            status = ' status="deleted"' if item.deleted else ""
            header = (f"<header{status}><identifier>{escape(item.identifier)}</identifier>"
                      f"<datestamp>{item.datestamp}</datestamp></header>")
            meta = "" if item.deleted else f"<metadata>{item.metadata}</metadata>"
            body.append(f"<record>{header}{meta}</record>")
        more = i < self.count
        token = (f'<resumptionToken completeListSize="{self.count}" cursor="{offset}">'
                 f"{i}|{prefix}|{since}|{until}|{set_spec}</resumptionToken>" if more
                 else "<resumptionToken/>")
        return _envelope(f"<ListRecords>{''.join(body)}{token}</ListRecords>", "")


class _FileHandler(_Quiet):
    def do_GET(self) -> None:  # noqa: N802
        srv: FileServer = self.server.owner  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        path = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
        srv.requests.append(self.path)
        target = srv.files.get(path)
        if target is None:
            self.send(404, b"not found", "text/plain")
            return
        body = target.read_bytes()
        for old, new in srv.rewrite.items():
            body = body.replace(old.encode(), new.replace("{url}", srv.url).encode())
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        ctype = "text/turtle" if path.endswith(".ttl") else "application/ld+json"
        headers = {"ETag": etag, "Cache-Control": "public, max-age=604800, immutable"
                   if body.startswith(b"# immutable") else "max-age=60"}
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            return
        self.send(200, body, ctype, headers)


class FileServer(_Server):
    """Serves {url path[?query]: file}; replace entries in `files` to change what it serves.
    `rewrite`: text replaced in every body ('{url}' = this server), to serve pages that name
    their production address."""

    def __init__(self, files: dict[str, Path] | None = None, rewrite: dict[str, str] | None = None):
        super().__init__(_FileHandler)
        self.files: dict[str, Path] = dict(files or {})
        self.rewrite = dict(rewrite or {})


__all__ = ["OaiItem", "OaiServer", "FileServer"]
