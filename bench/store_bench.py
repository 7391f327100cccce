"""Store backends side by side: the same ingest and the same SPARQL on embedded pyoxigraph, `oxigraph
serve` and Virtuoso, in one run, with ratios against the embedded store.

  ingest   erfgoed's pipeline (graph/ingest.py) on bench/ingest_bench.py's synthetic register
  queries  sparql/examples/*.rq, median of --repeat runs after one warm-up (ms), rows compared
  dump     `store dump` of everything (N-Quads), and `restore` of that file into an empty store
Servers run on loopback (tests/store_servers.py); a backend that is not installed is reported and
left out. Usage: python bench/store_bench.py [--records 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest_bench import make_register  # noqa: E402
from tests.store_servers import VIRTUOSO_USER, OxigraphProcess, VirtuosoProcess  # noqa: E402

QUERIES = sorted((ROOT / "sparql" / "examples").glob("*.rq"))


def run_backend(name: str, register: Path, work: Path, repeat: int) -> dict:
    from erfgoed.config import load_config
    from erfgoed.graph.ingest import ingest_file
    from erfgoed.graph.store import open_store
    from erfgoed.mappings.engine import load_mapping

    server = {"oxigraph": OxigraphProcess, "virtuoso": VirtuosoProcess}.get(name)
    if server and not server.binary():
        return {"missing": True}
    proc = server().start() if server else None
    try:
        location = proc.location if proc else str(work / f"{name}-store")
        config = load_config(None, store=location)
        config.values["site.data_dir"] = str(work / f"{name}-data")
        store = open_store(location, config)
        t = time.perf_counter()
        r = ingest_file(store, config, "bench", register, load_mapping("museum-register"))
        out: dict = {"ingest_s": time.perf_counter() - t, "loaded": r.counts.loaded, "quads": store.count()}
        out["queries"] = {}
        for path in QUERIES:
            text = path.read_text("utf-8").replace("MAL.1952.014", "B.0000042")  # an object of the register
            rows = len(list(store.query(text)))
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                rows = len(list(store.query(text)))
                times.append((time.perf_counter() - t) * 1000)
            out["queries"][path.stem] = {"ms": statistics.median(times), "rows": rows}
        t = time.perf_counter()
        out["dumped"] = store.dump(work / f"{name}.nq")
        out["dump_s"] = time.perf_counter() - t
        if proc:  # the same server, emptied
            store.replace(drop_graphs=store.graphs())
        else:
            store.close()
            store = open_store(str(work / f"{name}-restored"))
        t = time.perf_counter()
        store.restore(work / f"{name}.nq")
        out["restore_s"] = time.perf_counter() - t
        out["restored"] = store.count()
        store.close()
        return out
    finally:
        if proc:
            proc.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--backends", nargs="+", default=["embedded", "oxigraph", "virtuoso"])
    args = ap.parse_args()
    os.environ.setdefault("ERFGOED_STORE_USER", VIRTUOSO_USER[0])
    os.environ.setdefault("ERFGOED_STORE_PASSWORD", VIRTUOSO_USER[1])
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="erfgoed-store-bench-") as tmp:
        work = Path(tmp)
        make_register(work / "register.csv", args.records)
        for name in args.backends:
            results[name] = run_backend(name, work / "register.csv", work, args.repeat)
            print(f"{name}: done", file=sys.stderr)
    ran = {k: v for k, v in results.items() if not v.get("missing")}
    base = ran.get("embedded")
    n = args.records
    print(f"\n{n:,} records; " + ", ".join(f"{k}: {v['loaded']:,} loaded, {v['quads']:,} quads"
                                         for k, v in ran.items()))
    for k in results.keys() - ran.keys():
        print(f"{k}: not installed, left out")
    print(f"{'':28}" + "".join(f"{k:>22}" for k in ran))

    def row(label: str, values: dict[str, float], fmt: str, lower_is_better: bool = True) -> None:
        cells = []
        for k in ran:
            v = values[k]
            ratio = ""
            if base and k != "embedded" and values["embedded"]:
                ratio = f" ({v / values['embedded']:.1f}x)"
            cells.append(f"{format(v, fmt) + ratio:>22}")
        print(f"{label:28}" + "".join(cells))

    row("ingest records/s", {k: n / v["ingest_s"] for k, v in ran.items()}, ",.0f")
    for q in (p.stem for p in QUERIES):
        row(f"{q[:22]} ms", {k: v["queries"][q]["ms"] for k, v in ran.items()}, ",.1f")
    row("dump quads/s", {k: v["dumped"] / v["dump_s"] for k, v in ran.items()}, ",.0f")
    row("restore quads/s", {k: v["restored"] / v["restore_s"] for k, v in ran.items()}, ",.0f")
    same_rows = len({json.dumps({q: r["rows"] for q, r in v["queries"].items()}) for v in ran.values()}) == 1
    same_counts = len({(v["quads"], v["dumped"], v["restored"]) for v in ran.values()}) == 1
    print(f"same query row counts on every backend: {same_rows}; "
          f"same quad counts (stored, dumped, restored): {same_counts}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"store-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
