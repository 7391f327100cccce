"""OAI-PMH 2.0 harvesting with Sickle: ListRecords pages -> Records, resumable at any page.

Sickle does the protocol (verbs, resumptionToken paging, OAI error codes as exceptions); we give
it our Fetcher (timeouts, retries with backoff, 503 + Retry-After) and read each page's records
with lxml ourselves (Sickle's Record turns every record into a dict, which we do not need).

State (kept by graph/harvest.py between runs and across interruptions):
  since - the responseDate of the last complete harvest: the next one asks `from` there;
  token - resumptionToken of the page being read when the run stopped (None: first page);
  run_from - the `from` of the interrupted run, to restart with if its token has expired.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from lxml import etree
from sickle import Sickle, oaiexceptions
from sickle.iterator import OAIResponseIterator

from erfgoed.errors import UserError
from erfgoed.harvesters.http import Fetcher, HarvestError
from erfgoed.harvesters.record import Record
from erfgoed.harvesters.xmlschema import SchemaCheck

OAI = "{http://www.openarchives.org/OAI/2.0/}"
# Sickle's OAI error classes share no base class
OAI_ERRORS = tuple(getattr(oaiexceptions, n) for n in (
    "BadArgument", "BadVerb", "BadResumptionToken", "CannotDisseminateFormat", "IdDoesNotExist",
    "NoSetHierarchy", "NoMetadataFormat", "NoRecordsMatch", "OAIError"))
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class _Response:
    """Sickle's OAIResponse, parsing the page once (Sickle's re-parses on every access)."""

    def __init__(self, http_response, params):
        self.http_response, self.params = http_response, params
        try:
            self.xml = etree.fromstring(http_response.content, parser=PARSER)
        except etree.XMLSyntaxError as exc:
            raise HarvestError(f"{http_response.url}: the server's answer is not well-formed XML "
                               f"({exc}); cannot read this page.") from None

    @property
    def raw(self) -> str:
        return self.http_response.text


class _Sickle(Sickle):
    def __init__(self, endpoint: str, fetcher: Fetcher):
        super().__init__(endpoint, iterator=OAIResponseIterator)
        self.fetcher = fetcher

    def harvest(self, **kwargs) -> _Response:
        return _Response(self.fetcher.get(self.endpoint, params=kwargs), kwargs)


def local_id(identifier: str) -> str:
    """`oai:<repository>:<local id>` -> the local id (other identifiers stay as they are)."""
    if identifier.startswith("oai:") and identifier.count(":") >= 2:
        return identifier.split(":", 2)[2]
    return identifier


def _plain(exc: Exception, url: str, prefix: str) -> UserError:
    name = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, oaiexceptions.CannotDisseminateFormat):
        return UserError(f"{url} does not offer metadataPrefix '{prefix}' ({text}). Ask the "
                         "endpoint which formats it has: ?verb=ListMetadataFormats")
    if isinstance(exc, oaiexceptions.BadArgument | oaiexceptions.BadVerb):
        return UserError(f"{url} refused the request as invalid: {text}")
    if isinstance(exc, oaiexceptions.NoSetHierarchy):
        return UserError(f"{url} has no sets; remove 'set' from the source.")
    return UserError(f"{url} answered with OAI-PMH error {name}: {text}")


class OaiPmhHarvester:
    def __init__(self, url: str, *, metadata_prefix: str = "lido", set_spec: str = "",
                 fetcher: Fetcher | None = None, schema: SchemaCheck | None = None,
                 state: dict | None = None, full: bool = False):
        self.url, self.prefix, self.set_spec = url, metadata_prefix, set_spec
        self.fetcher = fetcher or Fetcher()
        self.schema = schema
        self.state = dict(state or {})
        self.full = full
        self.done = False
        self.api = _Sickle(url, self.fetcher)

    def identify(self) -> dict[str, str]:
        xml = self.api.harvest(verb="Identify").xml
        node = xml.find(f"{OAI}Identify")
        if node is None:
            raise HarvestError(f"{self.url} does not answer Identify as an OAI-PMH endpoint.")
        return {etree.QName(c).localname: (c.text or "").strip() for c in node}

    def _params(self, since: str | None) -> dict[str, str]:
        params = {"metadataPrefix": self.prefix}
        if since:
            params["from"] = since
        if self.set_spec:
            params["set"] = self.set_spec
        return params

    def records(self) -> Iterator[Record]:
        """Every record from where the state says, page by page; at the end the state holds
        `since` for the next incremental run."""
        if self.state.get("token") is None:
            self.state["run_from"] = None if self.full else self.state.get("since")
        token = self.state.get("token")
        try:
            pages = self.api.ListRecords(
                **({"resumptionToken": token} if token else self._params(self.state["run_from"])))
        except oaiexceptions.BadResumptionToken:
            # the interrupted run's token expired: start that run again (unchanged records
            # are skipped by their hash, so only the time is lost)
            self.state["token"] = None
            pages = self.api.ListRecords(**self._params(self.state["run_from"]))
        except oaiexceptions.NoRecordsMatch:
            self._done(None)
            return
        except OAI_ERRORS as exc:
            raise _plain(exc, self.url, self.prefix) from None
        started = None
        while True:
            try:
                page = next(pages)
            except StopIteration:
                break
            except oaiexceptions.BadResumptionToken as exc:
                raise UserError(f"{self.url} rejected its own resumptionToken mid-harvest ({exc});"
                                " run the harvest again to resume from the last page read.") from None
            except OAI_ERRORS as exc:
                raise _plain(exc, self.url, self.prefix) from None
            started = started or _text(page.xml, f"{OAI}responseDate")
            yield from self._page(page, token)
            token = pages.resumption_token.token if pages.resumption_token else None
            if not token:
                break
        self._done(started)

    def _done(self, started: str | None) -> None:
        if started or self.state.get("since") is None:
            self.state["since"] = started
        self.state["token"] = None
        self.done = True

    def commit(self, record: Record) -> None:
        """Every record up to `record` is stored: a resumed run starts at its page."""
        if not self.done:
            self.state["token"] = record.cursor

    def _page(self, page: _Response, token: str | None) -> Iterator[Record]:
        for node in page.xml.iter(f"{OAI}record"):
            header = node.find(f"{OAI}header")
            identifier = _text(header, f"{OAI}identifier") if header is not None else ""
            datestamp = _text(header, f"{OAI}datestamp") if header is not None else None
            rid = local_id(identifier)
            if header is not None and header.get("status") == "deleted":
                yield Record(self.url, rid, None, datestamp=datestamp, deleted=True, cursor=token)
                continue
            meta = node.find(f"{OAI}metadata")
            body = next(iter(meta), None) if meta is not None else None
            if body is None:
                yield Record(self.url, rid, None, datestamp=datestamp, cursor=token,
                             problem=f"OAI record {identifier} has no metadata.")
                continue
            xml = etree.tostring(body, encoding="unicode")
            # the XSD check waits until the ingest knows the record is new or changed: a
            # re-harvest of unchanged records then costs no schema validation at all. It parses
            # the text again rather than keep the page's tree (~10 MB a page) alive until then.
            yield Record(self.url, rid, xml, media_type=f"application/xml; prefix={self.prefix}",
                         datestamp=datestamp, cursor=token,
                         check=partial(self.schema.text_errors, xml, body.sourceline or 1)
                         if self.schema else None)


def _text(node, tag: str) -> str | None:
    found = node.find(tag) if node is not None else None
    return (found.text or "").strip() if found is not None else None
