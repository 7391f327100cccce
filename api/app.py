"""The FastAPI application: SPARQL, datasets, health, and the web UI. Knows no data format."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse

# exports, oai: Europeana zip export, OAI-PMH provider; ui, ui_align, submission_routes: the curator UI
from erfgoed.api import (
    exports,
    ldes,
    linked_data,
    oai,
    reconcile,
    sparql,
    submission_routes,
    terms,
    ui,
    ui_actors,
    ui_align,
)
from erfgoed.api.auth import LoginRequired
from erfgoed.api.render import TEMPLATES, dataset_view
from erfgoed.api.ui import page
from erfgoed.config import Config
from erfgoed.graph.uris import Minter

EXAMPLES = Path(__file__).parent.parent / "sparql" / "examples"
STATIC = Path(__file__).parent / "static"


def example_queries() -> list[dict]:
    """The example queries of sparql/examples/, each with its first comment line as title."""
    out = []
    for p in sorted(EXAMPLES.glob("*.rq")):
        text = p.read_text("utf-8")
        first = text.splitlines()[0] if text else ""
        out.append({"name": p.stem, "title": first.lstrip("# ").strip(), "query": text})
    return out


def create_app(config: Config, store=None) -> FastAPI:
    """The app over `store` (opened from the config, and closed on shutdown, when not given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = store is None
        if own:
            from erfgoed.graph.store import open_store

            app.state.store = open_store(str(config.resolve(config["store.location"])), config)
        yield
        if getattr(app.state, "submissions", None) is not None:
            app.state.submissions.close()  # a running ingest finishes before the store closes
        if getattr(app.state, "sparql_workers", None) is not None:
            app.state.sparql_workers.close()
        if own:
            app.state.store.close()

    app = FastAPI(title="erfgoed-kg", version="0.1.0", lifespan=lifespan,
                  description="Linked-data knowledge graph for the Flemish culture sector: "
                              "SPARQL, datasets and their validation reports.")
    app.state.config = config
    app.state.store = store
    app.include_router(sparql.router)
    app.include_router(reconcile.router)
    # Public, credential-free reads from any origin: OpenRefine and browser apps call /reconcile
    # and /sparql from other sites (the curator UI's forms use their own CSRF token, not CORS).
    from fastapi.middleware.cors import CORSMiddleware

    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                       allow_headers=["*"])
    app.include_router(terms.router)
    app.include_router(exports.router)
    app.include_router(oai.router)
    # the curator UI and submissions (api/auth.py decides who may do what)
    app.include_router(ui.router)
    app.include_router(ui_align.router)
    app.include_router(ui_actors.router)
    app.include_router(submission_routes.router)
    # linked data: after terms (its /id/term* routes win), last of the /id/ routes
    app.include_router(ldes.router)
    app.include_router(linked_data.router)

    @app.exception_handler(LoginRequired)
    def to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/ui/login?" + urlencode({"next": exc.next_url}), status_code=303)

    @app.get("/static/js/{name}", include_in_schema=False)
    def script(name: str) -> PlainTextResponse:  # the UI's few scripts; no build step
        path = STATIC / name
        if not name.endswith(".js") or "/" in name or not path.is_file():
            raise HTTPException(404, f"no script {name}")
        return PlainTextResponse(path.read_text("utf-8"), media_type="text/javascript")

    @app.get("/static/style.css", include_in_schema=False)
    def stylesheet() -> PlainTextResponse:  # one stylesheet, also inlined in standalone reports
        return PlainTextResponse((TEMPLATES / "style.css").read_text("utf-8"), media_type="text/css")

    minter = Minter(config.base_uri)

    def datasets_known() -> list[str]:
        q = (f"SELECT ?id WHERE {{ GRAPH <{minter.meta_graph}> {{ ?d a "
             f"<http://www.w3.org/ns/dcat#Dataset> ; <http://purl.org/dc/terms/identifier> ?id }} }}"
             " ORDER BY ?id")
        return [s["id"].value for s in app.state.store.query(q, union=False)]

    def view(dataset_id: str, europeana: bool = False) -> dict:
        if dataset_id not in datasets_known():
            raise HTTPException(404, f"no dataset '{dataset_id}'")
        out = dataset_view(config, app.state.store, dataset_id)
        if europeana:  # tiers per record: cached per ingest run (graph/europeana_readiness.py)
            from erfgoed.graph.europeana_readiness import readiness

            out["europeana"] = readiness(app.state.store, config, dataset_id)
        return out

    @app.get("/live", summary="Liveness: the process answers")
    def live() -> dict:
        return {"status": "ok"}

    @app.get("/ready", summary="Readiness: the store answers queries")
    def ready() -> JSONResponse:
        try:
            app.state.store.query("ASK { ?s ?p ?o }")
        except Exception as exc:  # any store failure means: not ready
            return JSONResponse({"status": "unavailable", "reason": str(exc)}, 503)
        return JSONResponse({"status": "ok", "store": app.state.store.location})

    @app.get("/datasets", summary="All datasets with their status")
    def datasets() -> list[dict]:
        out = []
        for d in datasets_known():
            v = dataset_view(config, app.state.store, d)
            out.append({k: v[k] for k in ("id", "uri", "title", "published", "removed",
                                          "quarantined", "with_warnings", "last_run")})
        return out

    @app.get("/datasets/{dataset_id}", summary="One dataset: status, runs, validation report, "
             "Europeana readiness (tiers)")
    def dataset(dataset_id: str) -> dict:
        return view(dataset_id, europeana=True)

    @app.get("/datasets/{dataset_id}/report.ttl", summary="Validation report as SHACL (Turtle)")
    def dataset_shacl(dataset_id: str) -> PlainTextResponse:
        from erfgoed.graph.report import ProblemLog, shacl_report

        view(dataset_id)
        log = ProblemLog(config.resolve(config["site.data_dir"]), dataset_id)
        return PlainTextResponse(shacl_report(log), media_type="text/turtle")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui")

    @app.get("/ui", response_class=HTMLResponse, include_in_schema=False)
    def ui_home(request: Request) -> HTMLResponse:
        items = [dataset_view(config, app.state.store, d) for d in datasets_known()]
        return page(request, "index.html", datasets=items, total=app.state.store.count())

    @app.get("/ui/datasets/{dataset_id}", response_class=HTMLResponse, include_in_schema=False)
    def ui_dataset(request: Request, dataset_id: str) -> HTMLResponse:
        return page(request, "dataset.html", ds=view(dataset_id, europeana=True), standalone=False)

    @app.get("/ui/sparql", response_class=HTMLResponse, include_in_schema=False)
    def ui_sparql(request: Request) -> HTMLResponse:
        return page(request, "sparql.html", examples=example_queries())

    return app
