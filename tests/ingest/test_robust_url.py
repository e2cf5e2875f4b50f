"""Issue 23: redirects to the same host on a keep-alive connection (nginx's ``301 → /story/``
with an HTML body) are followed on the command-line fetch path, as on the guarded one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from spinscope.ingest.url import load_url

PARA = "The harbour authority approved the new pier on Monday after years of heated debate."
PAGE = (
    "<!DOCTYPE html><html><head><title>Pier approved</title></head><body><article>"
    f"<h1>Pier approved</h1><p>{PARA}</p><p>{PARA} Critics vowed to appeal.</p>"
    "</article></body></html>"
).encode()
MOVED = (
    b"<html><head><title>301 Moved Permanently</title></head><body><center>"
    b"<h1>301 Moved Permanently</h1></center><hr><center>nginx</center></body></html>"
)


class _KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # one connection for the whole chain, as nginx keeps it

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        p = self.path
        if p == "/story/":
            status, body, extra = 200, PAGE, {}
        elif p == "/story":
            status, body, extra = 301, MOVED, {"Location": "/story/"}
        elif p.startswith("/hop"):  # /hop4 -> /hop3 -> ... -> /hop0 -> /story/
            n = int(p[4:])
            target = "/story/" if n == 0 else f"/hop{n - 1}"
            status, body, extra = 302, MOVED, {"Location": target}
        elif p == "/absolute":
            host = self.headers["Host"]
            status, body, extra = 308, MOVED, {"Location": f"http://{host}/story/"}
        else:
            status, body, extra = 404, b"not found", {}
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    srv.daemon_threads = True
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("path", ["/story", "/hop0", "/hop4", "/absolute"])
def test_same_host_redirects_are_followed(base: str, path: str) -> None:
    # the unguarded fetch: the command line, and the web app with --allow-private-urls
    doc = load_url(base + path)
    assert PARA in doc.text
    assert doc.source.url == base + path
    assert doc.meta["fetched_url"] == base + "/story/"
