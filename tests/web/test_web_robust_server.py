"""Issue 23, against a real server: a maximal upload is parsed off the event loop (a second
client is answered meanwhile), refused bodies get their 413 rather than a connection reset,
and integers beyond the database's range are 422, not 500."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from spinscope.pipeline import Pipeline
from spinscope.store import Store
from spinscope.web import create_app
from spinscope.web.app import MAX_REQUEST_BYTES, MAX_TEXT_CHARS

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, light_pipeline: Pipeline, live_server: Any
) -> Iterator[Any]:
    db = tmp_path_factory.mktemp("robust") / "spinscope.db"
    store = Store(f"sqlite:///{db}")
    app = create_app(store=store, pipeline=light_pipeline)
    with live_server(app) as srv:
        yield srv
    store.close()


def _maximal_page() -> bytes:
    """Just under the request limit, under the element cap, its markup-free length under the
    pre-parse bound: parsed in full (seconds), and only then found over the text cap."""
    block = b'<p class="' + b"c" * 300 + b'">word word word word</p>\n'
    head = b"<!doctype html><html><head><title>Many blocks</title></head><body><article>"
    n = (MAX_REQUEST_BYTES - 64 * 1024 - len(head) - 100) // len(block)
    return head + block * n + b"</article></body></html>"


def test_small_requests_answered_while_a_maximal_upload_parses(server: Any) -> None:
    page = _maximal_page()
    assert len(page) < MAX_REQUEST_BYTES
    upload: dict[str, Any] = {}

    def post() -> None:
        started = time.monotonic()
        r = httpx.post(
            f"{server.base}/api/analyze",
            files={"file": ("big.html", page, "text/html")},
            timeout=300,
        )
        upload["status"] = r.status_code
        upload["body"] = r.json()
        upload["seconds"] = time.monotonic() - started

    th = threading.Thread(target=post)
    th.start()
    time.sleep(1.0)  # the upload is in, its parse under way
    waits = []
    with httpx.Client(base_url=server.base, timeout=30) as other:
        while th.is_alive() and len(waits) < 20:
            started = time.monotonic()
            r = other.get("/api/documents")
            waits.append(time.monotonic() - started)
            assert r.status_code == 200
            time.sleep(0.25)
    th.join(300)
    assert upload["status"] == 413, upload
    assert "article too long for the web app" in upload["body"]["error"]
    assert max(waits) < 2.0, waits  # before the fix: one request, blocked for the whole parse
    assert len(waits) >= 2, f"the upload took only {upload['seconds']:.1f} s: nothing overlapped"


def test_text_far_over_the_cap_is_refused_before_parsing(server: Any) -> None:
    words = b"<p>" + b"word " * (MAX_TEXT_CHARS // 2) + b"</p>"  # ~2.5 times the cap
    page = b"<html><body><article>" + words + b"</article></body></html>"
    started = time.monotonic()
    r = httpx.post(
        f"{server.base}/api/analyze", files={"file": ("long.html", page, "text/html")}, timeout=60
    )
    assert r.status_code == 413
    assert "(about 5" in r.json()["error"]
    assert time.monotonic() - started < 3


def _raw_post(port: int, head: bytes, body_chunks: list[bytes]) -> bytes:
    """Send the request head and the whole body before reading anything, as most clients do."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head)
        for chunk in body_chunks:
            s.sendall(chunk)
        out = b""
        while b"\r\n\r\n" not in out:
            got = s.recv(65536)
            if not got:
                break
            out += got
        return out


def test_oversized_body_with_content_length_gets_413_not_a_reset(server: Any) -> None:
    body = b"x" * (5 * 1024 * 1024)
    head = (
        f"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer = _raw_post(server.port, head, [body[i : i + 65536] for i in range(0, len(body), 65536)])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_oversized_chunked_body_gets_413_not_a_reset(server: Any) -> None:
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    head = (
        f"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    answer = _raw_post(server.port, head, [chunk] * 80 + [b"0\r\n\r\n"])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


@pytest.mark.parametrize(
    "path",
    [
        "/api/speakers?offset=9223372036854775808",
        "/speakers?offset=9223372036854775808",
        "/api/speakers/9223372036854775808",
        "/speakers/9223372036854775808",
        "/api/speakers/-9223372036854775809",
        "/api/documents?offset=9223372036854775808",
        "/documents?offset=9223372036854775808",
        "/api/documents?limit=9223372036854775808",
    ],
)
def test_integers_beyond_the_database_are_422(tmp_path: Path, path: str) -> None:
    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        client = TestClient(create_app(store=store), raise_server_exceptions=False, base_url=BASE)
        r = client.get(path)
        assert r.status_code == 422, (path, r.status_code, r.text[:200])
