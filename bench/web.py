"""Store and web benchmarks: ingest rate, /api/analyze latency and throughput, dashboard queries.

    python bench/web.py [--articles DIR] [--n-ingest 60] [--n-synthetic 10000] [--out FILE.json]

- ingest: documents/s into a fresh SQLite file, raw (no analysis) and with the default
  pipeline (whatever analyzers are installed; the steps used are printed);
- /api/analyze on the shared sample article, server in a separate process on loopback:
  p50/p95 latency of sequential requests (fresh text each time, so analysis really runs, and
  the same text again, served from the store), then throughput with 20 concurrent clients;
- dashboard: 10,000 synthetic analysed documents (15 technique spans and 3 attributions
  each) in SQLite; time of each statistics query and of the full /dashboard page.
Inputs are read from ../shared beside the repository or $SPINSCOPE_SHARED (never copied in).
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from spinscope.document import Document, Source, Span
from spinscope.paths import shared_path
from spinscope.store import STATS_BY, Store, stats
from spinscope.store.stats import top_stats
from spinscope.techniques.labels import TECHNIQUE_NAMES

SAMPLE = shared_path("samples", "scraped-news-article.txt")
PTC = shared_path("data", "ptc", "train", "articles")


def _pipeline() -> Any:
    from spinscope.pipeline import DEFAULT_STEPS, Pipeline

    return Pipeline.build(DEFAULT_STEPS), list(DEFAULT_STEPS)


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def bench_ingest(articles: Path, n: int) -> dict[str, Any]:
    from spinscope.ingest import iter_inputs
    from spinscope.store.loader import ingest

    files = sorted(articles.glob("*.txt"))[:n]
    docs = [d for _, d in iter_inputs(files) if isinstance(d, Document)]
    out: dict[str, Any] = {"documents": len(docs)}
    with tempfile.TemporaryDirectory() as tmp:
        with Store(f"sqlite:///{tmp}/raw.db") as store:
            t = time.perf_counter()
            summary = ingest(files, store, None)
            out["raw_docs_per_s"] = summary.added / (time.perf_counter() - t)
        pipeline, steps = _pipeline()
        pipeline(Document(text="Warm up the models. He said so."))
        with Store(f"sqlite:///{tmp}/analysed.db") as store:
            t = time.perf_counter()
            summary = ingest(files, store, pipeline.pipe)
            out["analysed_docs_per_s"] = summary.added / (time.perf_counter() - t)
            out["steps"] = steps
            t = time.perf_counter()
            again = ingest(files, store, pipeline.pipe)
            out["reingest_docs_per_s"] = again.present / (time.perf_counter() - t)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_child(db: str, port: int) -> None:
    import uvicorn

    from spinscope.web.app import create_app

    pipeline, steps = _pipeline()
    pipeline(Document(text="Warm up the models. He said so."))
    print(json.dumps({"steps": steps}), flush=True)
    uvicorn.run(create_app(db, pipeline=pipeline), host="127.0.0.1", port=port, log_level="warning")


def bench_api(n_seq: int, n_conc: int, clients: int) -> dict[str, Any]:
    import httpx

    sample = SAMPLE.read_text(encoding="utf-8")
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [sys.executable, __file__, "_serve", f"sqlite:///{tmp}/api.db", str(port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            steps = json.loads(proc.stdout.readline())["steps"]
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=120) as c:
                for _ in range(200):
                    try:
                        c.get("/openapi.json")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                fresh, cached = [], []
                for i in range(n_seq):
                    t = time.perf_counter()
                    r = c.post("/api/analyze", json={"text": f"{sample}\nRef {i}."})
                    fresh.append(time.perf_counter() - t)
                    assert r.status_code == 201, r.text
                for _ in range(n_seq):
                    t = time.perf_counter()
                    r = c.post("/api/analyze", json={"text": sample + "\nRef 0."})
                    cached.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text
            errors = 0
            lock = threading.Lock()
            counter = iter(range(10**9))

            def worker(texts: bool, per: int, out: list[float]) -> None:
                nonlocal errors
                with httpx.Client(base_url=base, timeout=300) as cc:
                    for _ in range(per):
                        with lock:
                            k = next(counter)
                        body = (
                            {"text": f"{sample}\nConcurrent {k}."}
                            if texts
                            else {"text": sample + "\nRef 0."}
                        )
                        t = time.perf_counter()
                        try:
                            r = cc.post("/api/analyze", json=body)
                            ok = r.status_code in (200, 201)
                        except httpx.HTTPError:
                            ok = False
                        with lock:
                            out.append(time.perf_counter() - t)
                            errors += 0 if ok else 1

            results: dict[str, Any] = {"steps": steps, "clients": clients}
            for label, fresh_texts, total in (
                ("fresh", True, n_conc),
                ("cached", False, 10 * n_conc),
            ):
                lat: list[float] = []
                per = max(1, total // clients)
                threads = [
                    threading.Thread(target=worker, args=(fresh_texts, per, lat))
                    for _ in range(clients)
                ]
                t = time.perf_counter()
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()
                wall = time.perf_counter() - t
                results[f"concurrent_{label}"] = {
                    "requests": len(lat),
                    "req_per_s": len(lat) / wall,
                    "p50_s": statistics.median(lat),
                    "p95_s": _pct(lat, 95),
                }
            results["errors"] = errors
            results["sequential_fresh"] = {
                "p50_s": statistics.median(fresh),
                "p95_s": _pct(fresh, 95),
                "n": len(fresh),
            }
            results["sequential_cached"] = {
                "p50_s": statistics.median(cached),
                "p95_s": _pct(cached, 95),
                "n": len(cached),
            }
            return results
        finally:
            proc.terminate()
            proc.wait(10)


def synthetic_docs(n: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    words = "the minister said that policy would change and critics warned of crisis".split()
    outlets = [f"Outlet {i}" for i in range(50)]
    authors = [f"Author {i}" for i in range(300)]
    speakers = [f"Speaker {i}" for i in range(800)]
    docs = []
    for i in range(n):
        body = " ".join(rng.choice(words) for _ in range(400)) + f" doc{i}."
        title = f"Synthetic article {i}"
        text = f"{title}\n\n{body}"
        doc = Document(
            text=text,
            source=Source(path=f"synthetic/{i}.txt"),
            title=title,
            authors=rng.sample(authors, rng.randint(1, 2)),
            outlet=rng.choice(outlets),
            published=f"{rng.randint(2016, 2020)}-{rng.randint(1, 12):02d}-01",
        )
        b0 = len(title) + 2
        doc.set_layer("regions", [Span(0, len(title), "title"), Span(b0, len(text), "body")])
        atts = []
        for k in range(3):
            s = rng.randrange(b0, len(text) - 200)
            atts.append(
                Span(
                    s,
                    s + 150,
                    "direct",
                    {
                        "id": f"a{k + 1}",
                        "cue": {"start": s + 150, "end": s + 155, "text": "said"},
                        "source": None,
                        "speaker": {"name": rng.choice(speakers), "role": None, "type": "person"},
                        "venue": None,
                    },
                )
            )
        doc.set_layer("attributions", atts)
        techs = []
        for _ in range(15):
            s = rng.randrange(b0, len(text) - 40)
            inside = next((a for a in atts if a.start <= s < a.end), None)
            voice = (
                {"kind": "attributed", "attribution": inside.attrs["id"]}
                if inside
                else {"kind": "outlet", "attribution": None}
            )
            techs.append(
                Span(
                    s,
                    s + rng.randint(5, 40),
                    rng.choice(TECHNIQUE_NAMES),
                    {"confidence": round(rng.random(), 3), "voice": voice},
                )
            )
        doc.set_layer("techniques", techs)
        docs.append(doc)
    return docs


def bench_dashboard(n: int, repeats: int = 5, db: str | None = None) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from spinscope.web.app import create_app

    docs = synthetic_docs(n)
    out: dict[str, Any] = {"documents": n}
    with (
        tempfile.TemporaryDirectory() as tmp,
        Store(f"sqlite:///{db or tmp + '/dash.db'}") as store,
    ):
        if store.count() < n:  # ``--dash-db`` keeps the database between runs
            t = time.perf_counter()
            for i in range(0, n, 500):
                store.add_many(docs[i : i + 500])
            out["synthetic_insert_docs_per_s"] = n / (time.perf_counter() - t)
        client = TestClient(create_app(store=store, pipeline=lambda d: d))
        for by in STATS_BY:
            q, top, page = [], [], []
            for _ in range(repeats):
                t = time.perf_counter()
                rows = stats(store, by)
                q.append(time.perf_counter() - t)
                t = time.perf_counter()
                top_stats(store, by, top=30)
                top.append(time.perf_counter() - t)
                t = time.perf_counter()
                r = client.get("/dashboard", params={"by": by})
                page.append(time.perf_counter() - t)
                assert r.status_code == 200
            out[by] = {
                "rows": len(rows),
                "all_rows_query_ms": 1000 * statistics.median(q),
                "dashboard_query_ms": 1000 * statistics.median(top),
                "page_ms": 1000 * statistics.median(page),
            }
        t = time.perf_counter()
        hits = store.search("crisis minister", limit=50)
        out["search_ms"] = 1000 * (time.perf_counter() - t)
        out["search_total"] = hits.total
    return out


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "_serve":
        _serve_child(sys.argv[2], int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=Path, default=PTC)
    ap.add_argument("--n-ingest", type=int, default=60)
    ap.add_argument("--n-seq", type=int, default=20)
    ap.add_argument("--n-concurrent", type=int, default=40)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--n-synthetic", type=int, default=10_000)
    ap.add_argument("--only", choices=["ingest", "api", "dashboard"])
    ap.add_argument("--dash-db", help="SQLite file for the synthetic corpus (kept, reused)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    result: dict[str, Any] = {}
    if args.only in (None, "ingest"):
        result["ingest"] = bench_ingest(args.articles, args.n_ingest)
        print(json.dumps(result["ingest"], indent=1), flush=True)
    if args.only in (None, "api"):
        result["api"] = bench_api(args.n_seq, args.n_concurrent, args.clients)
        print(json.dumps(result["api"], indent=1), flush=True)
    if args.only in (None, "dashboard"):
        result["dashboard"] = bench_dashboard(args.n_synthetic, db=args.dash_db)
        print(json.dumps(result["dashboard"], indent=1), flush=True)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
