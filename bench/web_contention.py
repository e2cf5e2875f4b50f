"""How long a small analysis waits while one huge request is being analysed in the web app.

Starts the app (real pipeline, SQLite in a temp dir) on loopback, warms the models up with one
small article, then sends a huge article (the sample repeated to ``--huge-kb``) and, while it
is in flight, a small one; prints each answer's status and latency.

    python bench/web_contention.py [--huge-kb 600] [SAMPLE]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from spinscope.paths import shared_dir
from spinscope.store import Store
from spinscope.web import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "sample", nargs="?", default=str(shared_dir() / "samples/scraped-news-article.txt")
    )
    ap.add_argument("--huge-kb", type=int, default=600)
    args = ap.parse_args()
    sample = Path(args.sample).read_text(encoding="utf-8")
    huge = (sample + "\n\n") * (args.huge_kb * 1024 // (len(sample) + 2) + 1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(store=store), host="127.0.0.1", port=port, log_level="error")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=600) as c:
            t = time.perf_counter()
            r = c.post("/api/analyze", json={"text": sample})
            print(f"warm-up (models load): {r.status_code} in {time.perf_counter() - t:.1f} s")
        out: dict[str, Any] = {}

        def post(name: str, text: str) -> None:
            with httpx.Client(base_url=base, timeout=600) as c:
                t0 = time.perf_counter()
                r = c.post("/api/analyze", json={"text": text})
                msg = r.json().get("error", "") if r.status_code >= 400 else ""
                out[name] = (r.status_code, time.perf_counter() - t0, msg)

        big = threading.Thread(target=post, args=("huge", huge))
        big.start()
        time.sleep(1.0)
        small = "Short note\n\nThe council met on Monday, the mayor said, and approved the plan."
        post("small", small)
        big.join()
        for name in ("huge", "small"):
            status, secs, msg = out[name]
            size = len(huge) if name == "huge" else len(small)
            print(f"{name} ({size:,} chars): {status} in {secs:.1f} s {msg}")
        server.should_exit = True
        store.close()


if __name__ == "__main__":
    main()
