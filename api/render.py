"""HTML pages from jinja2 templates (autoescaped: term lists contain <, & and quotes)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from erfgoed.api.i18n import translator
from erfgoed.config import Config

TEMPLATES = Path(__file__).parent / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
# pages rendered without a request (standalone reports) get Dutch and no user; api/ui.py's page() sets them
env.globals.update(t=translator("nl"), lang="nl", user=None, csrf="", here="/ui")


def dataset_view(config: Config, store, dataset: str) -> dict:
    """Everything the dataset page and /datasets/{id} show."""
    from erfgoed.graph import meta
    from erfgoed.graph.report import ProblemLog, summary
    from erfgoed.graph.uris import Minter

    minter = Minter(config.base_uri)
    data_dir = config.resolve(config["site.data_dir"])
    runs = meta.runs(store, minter, dataset)
    counts = meta.status_counts(store, minter, dataset)
    log = ProblemLog(data_dir, dataset)
    report = summary(log)
    ds = config.datasets.get(dataset)
    return {
        "id": dataset, "uri": minter.dataset(dataset), "title": _title(store, minter, dataset)
        or (ds.title if ds else dataset),
        "published": counts.get(meta.PUBLISHED, 0), "removed": counts.get(meta.REMOVED, 0),
        "quarantined": report["records_rejected"], "with_warnings": report["records_with_warnings"],
        "last_run": runs[0] if runs else None, "runs": runs[:20], "report": report,
    }


def _title(store, minter, dataset: str) -> str | None:
    q = (f"SELECT ?t WHERE {{ GRAPH <{minter.meta_graph}> {{ <{minter.dataset(dataset)}> "
         f"<http://purl.org/dc/terms/title> ?t }} }}")
    for sol in store.query(q, union=False):
        return sol["t"].value
    return None


def render(name: str, **context) -> str:
    return env.get_template(name).render(**context)


def write_report(config: Config, store, dataset: str) -> Path:
    """The dataset report as a standalone HTML file (plus its JSON) in <data_dir>/reports/."""
    import json

    view = dataset_view(config, store, dataset)
    out = config.resolve(config["site.data_dir"]) / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{dataset}.json").write_text(json.dumps(view, ensure_ascii=False, indent=1), "utf-8")
    path = out / f"{dataset}.html"
    path.write_text(render("dataset.html", ds=view, standalone=True), "utf-8")
    return path
