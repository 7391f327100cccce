"""OAI-PMH 2.0 provider at /oai (http://www.openarchives.org/OAI/openarchivesprotocol.html).

Verbs: Identify, ListMetadataFormats, ListSets (one set per dataset whose licence allows
Europeana), ListIdentifiers, ListRecords, GetRecord; formats `edm` (the RDF/XML records of
graph/edm.py) and `oai_dc`; deleted records (status removed) announced as deleted (persistent).
A record that fails Europeana's checks is not disseminated (cannotDisseminateFormat for GetRecord;
left out of lists). resumptionTokens are stateless: the query and the position (datestamp and
identifier of the last record given) in a URL-safe string with an expiry time; a page is found
from that position (graph/oai_records.py OaiRecords.page), so it costs its own records only.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Request
from fastapi.responses import Response
from lxml import etree
from starlette.concurrency import run_in_threadpool

from erfgoed.graph.edm_schema import NS
from erfgoed.graph.oai_records import Header, OaiRecords

router = APIRouter()
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
FORMATS = {
    "edm": ("http://www.europeana.eu/schemas/edm/EDM.xsd", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
}
ARGS = {  # verb -> (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), {"resumptionToken"}, None),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _envelope(base_url: str, params: dict | None, body: str) -> Response:
    attrs = "".join(f" {k}={quoteattr(v)}" for k, v in sorted((params or {}).items()))
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="{OAI_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="'
        f'{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
        f"<responseDate>{_now()}</responseDate>\n<request{attrs}>{escape(base_url)}</request>\n{body}\n</OAI-PMH>\n"
    )
    return Response(xml.encode("utf-8"), media_type="text/xml; charset=utf-8")


def _day_or_second(text: str, end: bool) -> tuple[str, str]:
    """An OAI date argument -> (granularity, comparable YYYY-MM-DDThh:mm:ssZ)."""
    try:
        if len(text) == 10:
            dt.date.fromisoformat(text)
            return "day", text + ("T23:59:59Z" if end else "T00:00:00Z")
        dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
        return "second", text
    except ValueError:
        raise OaiError(
            "badArgument", f"'{text}' is not a date of the form YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ."
        ) from None


def _token(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _untoken(token: str) -> dict:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        assert isinstance(data, dict) and {"p", "x", "c"} <= set(data)
    except Exception:
        raise OaiError(
            "badResumptionToken", "The resumptionToken is not one this repository issued."
        ) from None
    if data["x"] < time.time():
        raise OaiError("badResumptionToken", "The resumptionToken has expired; start the list again.")
    return data


class Provider:
    def __init__(self, request: Request):
        state = request.app.state
        self.config, self.store = state.config, state.store
        self.records = OaiRecords(self.store, self.config.base_uri)
        self.base_url = str(request.url).split("?")[0]
        self._builders: dict = {}

    def builder(self, dataset: str):
        from erfgoed.graph.edm import EdmBuilder
        from erfgoed.graph.edm_schema import EdmSchema

        if dataset not in self._builders:  # _schema: one parsed schema per process
            schema = _schema(self.config, EdmSchema)
            self._builders[dataset] = EdmBuilder(self.store, self.config, dataset, schema)
        return self._builders[dataset]

    # -- verbs ----------------------------------------------------------------------------------
    def Identify(self, args: dict) -> str:  # noqa: N802 - OAI verb names
        headers = self.records.headers()  # ordered by datestamp
        earliest = headers[0].datestamp if headers else _now()
        return (
            "<Identify>"
            f"<repositoryName>{escape(self.config['oai.repository_name'])}</repositoryName>"
            f"<baseURL>{escape(self.base_url)}</baseURL><protocolVersion>2.0</protocolVersion>"
            f"<adminEmail>{escape(self.config['oai.admin_email'])}</adminEmail>"
            f"<earliestDatestamp>{earliest}</earliestDatestamp><deletedRecord>persistent</deletedRecord>"
            "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>"
        )

    def ListMetadataFormats(self, args: dict) -> str:  # noqa: N802
        if "identifier" in args:
            self._header(args["identifier"])
        return (
            "<ListMetadataFormats>"
            + "".join(
                f"<metadataFormat><metadataPrefix>{p}</metadataPrefix><schema>{s}</schema>"
                f"<metadataNamespace>{n}</metadataNamespace></metadataFormat>"
                for p, (s, n) in FORMATS.items()
            )
            + "</ListMetadataFormats>"
        )

    def ListSets(self, args: dict) -> str:  # noqa: N802
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "ListSets is complete in one response.")
        sets = self.records.sets()
        return (
            "<ListSets>"
            + "".join(
                f"<set><setSpec>{escape(s['spec'])}</setSpec><setName>{escape(s['name'])}</setName></set>"
                for s in sets
            )
            + "</ListSets>"
        )

    def GetRecord(self, args: dict) -> str:  # noqa: N802
        prefix = self._prefix(args)
        header = self._header(args["identifier"])
        if header.deleted:
            return f"<GetRecord><record>{self._header_xml(header)}</record></GetRecord>"
        metadata = self._metadata([header], prefix).get(header.identifier)
        if metadata is None:
            raise OaiError(
                "cannotDisseminateFormat",
                f"{header.identifier} has no valid {prefix} record "
                "(it is not an object, or fails Europeana's checks).",
            )
        record = f"{self._header_xml(header)}<metadata>{metadata}</metadata>"
        return f"<GetRecord><record>{record}</record></GetRecord>"

    def ListIdentifiers(self, args: dict) -> str:  # noqa: N802
        return self._list("ListIdentifiers", args)

    def ListRecords(self, args: dict) -> str:  # noqa: N802
        return self._list("ListRecords", args)

    # -- helpers --------------------------------------------------------------------------------
    def _prefix(self, args: dict) -> str:
        if args["metadataPrefix"] not in FORMATS:
            raise OaiError(
                "cannotDisseminateFormat",
                f"metadataPrefix '{args['metadataPrefix']}' is not offered (offered: {', '.join(FORMATS)}).",
            )
        return args["metadataPrefix"]

    def _header(self, identifier: str) -> Header:
        parsed = self.records.parse_identifier(identifier)
        header = self.records.header(*parsed) if parsed else None
        if header:
            return header
        raise OaiError("idDoesNotExist", f"No item '{identifier}' in this repository.")

    def _header_xml(self, h: Header) -> str:
        status = ' status="deleted"' if h.deleted else ""
        return (
            f"<header{status}><identifier>{escape(h.identifier)}</identifier>"
            f"<datestamp>{h.datestamp}</datestamp><setSpec>{escape(h.dataset)}</setSpec></header>"
        )

    def _metadata(self, headers: list[Header], prefix: str) -> dict[str, str]:
        by_ds: dict[str, list[Header]] = {}
        for h in headers:
            by_ds.setdefault(h.dataset, []).append(h)
        out = {}
        for ds, hs in by_ds.items():
            for rec in self.builder(ds).build([h.local_id for h in hs]):
                if rec.valid:
                    key = self.records.identifier(ds, rec.local_id)
                    out[key] = _edm_inner(rec.xml) if prefix == "edm" else _oai_dc(rec)
        return out

    def _list(self, verb: str, args: dict) -> str:
        if "resumptionToken" in args:
            state = _untoken(args["resumptionToken"])
        else:
            prefix = self._prefix(args)
            frm = _day_or_second(args["from"], False) if "from" in args else None
            until = _day_or_second(args["until"], True) if "until" in args else None
            if frm and until and (frm[0] != until[0] or frm[1] > until[1]):
                raise OaiError(
                    "badArgument",
                    "'from' and 'until' must have the same granularity and 'from' must not be after 'until'.",
                )
            spec = args.get("set")
            if spec is not None and spec not in self.records.allowed():
                raise OaiError("noRecordsMatch", f"No set '{spec}' (sets: ListSets).")
            state = {
                "p": prefix,
                "s": spec,
                "f": frm and frm[1],
                "u": until and until[1],
                "c": None,
                "n": 0,
                "x": 0,
            }
        page, total, rest = self.records.page(
            state["s"], state["c"], state["f"], state["u"], self.config["oai.page_size"]
        )
        if not page and not state["c"]:
            raise OaiError("noRecordsMatch", "No records match these arguments.")
        live = [h for h in page if not h.deleted]
        metadata = self._metadata(live, state["p"]) if live else {}
        items = []
        for h in page:
            if h.deleted:
                items.append(
                    f"<record>{self._header_xml(h)}</record>"
                    if verb == "ListRecords"
                    else self._header_xml(h)
                )
            elif h.identifier in metadata:  # not an object, or fails Europeana's checks: left out
                items.append(
                    f"<record>{self._header_xml(h)}<metadata>{metadata[h.identifier]}</metadata></record>"
                    if verb == "ListRecords"
                    else self._header_xml(h)
                )
        done = state["n"] + len(page)
        token = ""
        if rest or state["c"]:
            expires = time.time() + self.config["oai.token_lifetime_seconds"]
            value = (
                _token(dict(state, c=[page[-1].datestamp, page[-1].identifier], n=done, x=int(expires)))
                if rest and page
                else ""
            )
            stamp = dt.datetime.fromtimestamp(int(expires), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            expiry = f' expirationDate="{stamp}"' if value else ""
            token = (
                f'<resumptionToken{expiry} completeListSize="{total}" cursor="{state["n"]}">'
                f"{value}</resumptionToken>"
            )
        return f"<{verb}>{''.join(items)}{token}</{verb}>"


_SCHEMAS: dict = {}


def _schema(config, cls):
    key = config["europeana.schema"]
    if key not in _SCHEMAS:
        _SCHEMAS[key] = cls.from_config(config)
    return _SCHEMAS[key]


def _edm_inner(xml: bytes) -> str:
    """The record's rdf:RDF element without the XML declaration."""
    return etree.tostring(etree.fromstring(xml), encoding="unicode")


def _oai_dc(rec) -> str:
    """Simple Dublin Core from the EDM record: CHO texts, labels of the things it points at."""
    dc, rdf = NS["dc"], NS["rdf"]
    labels: dict[str, str] = {}
    for t in rec.triples:
        if t.p == NS["skos"] + "prefLabel":
            labels.setdefault(t.s, t.o)
    fields: list[tuple[str, str]] = [("identifier", rec.uri)]
    for t in rec.triples:
        if t.s == rec.uri and t.p.startswith(dc):
            fields.append((t.p[len(dc) :], labels.get(t.o, t.o)))
        elif t.s == rec.uri and t.p == NS["dcterms"] + "created":
            fields.append(("date", labels.get(t.o, t.o)))
        elif t.p == NS["edm"] + "rights":
            fields.append(("rights", t.o))
        elif t.p == NS["edm"] + "type":
            fields.append(("type", t.o))
    order = [
        "title",
        "creator",
        "subject",
        "description",
        "publisher",
        "contributor",
        "date",
        "type",
        "format",
        "identifier",
        "source",
        "language",
        "relation",
        "coverage",
        "rights",
    ]
    fields = sorted(set(fields), key=lambda f: (order.index(f[0]) if f[0] in order else 99, f[1]))
    body = "".join(f"<dc:{k}>{escape(v)}</dc:{k}>" for k, v in fields if k in order)
    return (
        f'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="{dc}" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="'
        f'http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">'
        f"{body}</oai_dc:dc>"
    ).replace(f' xmlns:rdf="{rdf}"', "")


def answer(request: Request, params: dict[str, list[str]]) -> Response:
    base_url = str(request.url).split("?")[0]
    verb = params.get("verb", [None])
    try:
        if len(verb) != 1 or verb[0] not in ARGS:
            raise OaiError("badVerb", "Missing, repeated or unknown verb (verbs: " + ", ".join(ARGS) + ").")
        required, optional, exclusive = ARGS[verb[0]]
        args = {k: v[0] for k, v in params.items() if k != "verb"}
        if any(len(v) != 1 for v in params.values()):
            raise OaiError("badArgument", "An argument is repeated.")
        unknown = set(args) - required - optional - {exclusive}
        if unknown:
            raise OaiError("badArgument", f"Unknown argument(s) for {verb[0]}: {', '.join(sorted(unknown))}.")
        if exclusive and exclusive in args:
            if len(args) > 1:
                raise OaiError("badArgument", f"{exclusive} is an exclusive argument.")
        elif required - set(args):
            raise OaiError("badArgument", f"{verb[0]} needs {', '.join(sorted(required - set(args)))}.")
        body = getattr(Provider(request), verb[0])(args)
        return _envelope(base_url, {"verb": verb[0], **args}, body)
    except OaiError as exc:
        echo = (
            None
            if exc.code in ("badVerb", "badArgument")
            else {"verb": verb[0], **{k: v[0] for k, v in params.items() if k != "verb"}}
        )
        return _envelope(base_url, echo, f'<error code="{exc.code}">{escape(exc.message)}</error>')


@router.get("/oai", summary="OAI-PMH 2.0 provider (edm, oai_dc)", response_class=Response)
async def oai_get(request: Request) -> Response:
    params: dict[str, list[str]] = {}
    for k, v in request.query_params.multi_items():
        params.setdefault(k, []).append(v)
    return await run_in_threadpool(answer, request, params)


@router.post("/oai", summary="OAI-PMH 2.0 provider (POST form)", response_class=Response)
async def oai_post(request: Request) -> Response:
    params: dict[str, list[str]] = {}
    for k, v in (await request.form()).multi_items():
        if isinstance(v, str):
            params.setdefault(k, []).append(v)
    return await run_in_threadpool(answer, request, params)
