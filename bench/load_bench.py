"""Bounded load test of the public endpoint on loopback: throughput and p95 per request kind.

`python bench/load_bench.py [--requests 200] [--concurrency 8] [--max-seconds 60] [--workers 2]`

Builds the demo (`erfgoed demo`) in a temp folder, starts `erfgoed serve` as a child process and
sends a fixed number of requests per kind from an asyncio/httpx client (fixed concurrency; a kind
stops early at --max-seconds). Kinds: /live (the baseline: the server doing nothing), three of the
example SPARQL queries, and a runaway query (a cartesian product) that must be stopped at the
time limit. Each kind reports requests/s, p50 and p95 latency, and its throughput as a ratio of
/live's in the same run. Results also go to bench/out/ as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "sparql" / "examples"
KINDS = ("03-count-per-object-type", "01-objects-by-maker", "06-actor-across-institutions")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_site(folder: Path, port: int, workers: int, timeout: float) -> Path:
    cfg = folder / "erfgoed.toml"
    cfg.write_text('[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n'
                   '[store]\nlocation = "store"\n'
                   f'[server]\nport = {port}\n[sparql]\nworkers = {workers}\ntimeout_seconds = {timeout}\n'
                   '[reconcile]\nlive = []\n', "utf-8")
    subprocess.run([sys.executable, "-c", "import sys\nfrom erfgoed.api.cli import main\nsys.exit(main())",
                    "demo", "--config", str(cfg)], check=True, capture_output=True, cwd=folder)
    return cfg


async def load(client: httpx.AsyncClient, request: dict, count: int, concurrency: int,
               max_seconds: float) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent = 0
    start = time.perf_counter()

    async def one() -> None:
        nonlocal sent
        while sent < count and time.perf_counter() - start < max_seconds:
            sent += 1
            t = time.perf_counter()
            r = await client.request(**request)
            latencies.append(time.perf_counter() - t)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

    await asyncio.gather(*(one() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"requests": len(latencies), "seconds": round(elapsed, 3),
            "per_second": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 1),
            "statuses": statuses}


async def run(base: str, args: argparse.Namespace) -> dict[str, dict]:
    kinds: dict[str, dict] = {"live": {"method": "GET", "url": "/live"}}
    for name in KINDS:
        kinds[name] = {"method": "GET", "url": "/sparql",
                       "params": {"query": (EXAMPLES / f"{name}.rq").read_text("utf-8"), "format": "json"}}
    kinds["runaway (killed at the limit)"] = {"method": "GET", "url": "/sparql",
                                              "params": {"query": RUNAWAY, "format": "json"}}
    out = {}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for name, request in kinds.items():
            await client.request(**request)  # warm-up (and the workers' start)
            runaway = name.startswith("runaway")
            count = max(2, args.requests // 20) if runaway else args.requests
            clients = min(args.concurrency, 2) if runaway else args.concurrency
            out[name] = await load(client, request, count, clients, args.max_seconds)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200, help="requests per kind (runaway: 1/20th)")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--max-seconds", type=float, default=60.0, help="a kind stops after this long")
    ap.add_argument("--workers", type=int, default=2, help="sparql.workers (0: threads)")
    ap.add_argument("--timeout", type=float, default=2.0, help="sparql.timeout_seconds")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        cfg = demo_site(Path(tmp), port, args.workers, args.timeout)
        server = subprocess.Popen([sys.executable, "-c", "import sys\nfrom erfgoed.api.cli import main\n"
                                   "sys.exit(main())", "serve", "--config", str(cfg)],
                                  cwd=tmp, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/live", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            results = asyncio.run(run(base, args))
        finally:
            server.terminate()
            server.wait(30)
    live = results["live"]["per_second"]
    print(f"{args.requests} requests per kind, concurrency {args.concurrency}, sparql.workers "
          f"{args.workers}, time limit {args.timeout:g} s")
    print(f"{'kind':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs /live':>9}  statuses")
    for name, r in results.items():
        print(f"{name:34} {r['per_second']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
              f"{r['per_second'] / live:9.3f}  {r['statuses']}")
    out = ROOT / "bench" / "out" / f"load-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "results": results}, indent=1), "utf-8")


if __name__ == "__main__":
    main()
