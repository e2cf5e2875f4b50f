"""URL input against a loopback HTTP server (http.server in a thread): never the real network."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest import iter_inputs, load
from spinscope.ingest import url as url_mod
from spinscope.ingest.url import is_url, load_url, outlet_of

PARA = "The harbour authority approved the new pier on Monday after years of heated debate."
PAGE = (
    "<!DOCTYPE html><html><head><title>Pier approved</title>"
    "<meta property='og:site_name' content='Harbour Gazette'></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    f"<article><h1>Pier approved</h1><p>{PARA}</p><p>{PARA} Critics vowed to appeal.</p>"
    "</article><footer>Copyright 2024 Harbour Gazette</footer></body></html>"
).encode()
PLAIN = f"Pier approved\n\n{PARA}\n".encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        p = self.path
        if p == "/page":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif p == "/gz":
            self._send(200, gzip.compress(PAGE), "text/html", Content_Encoding="gzip")
        elif p == "/plain":
            self._send(200, PLAIN, "text/plain; charset=utf-8")
        elif p == "/bare":  # no site name in the page: the outlet is the host
            self._send(200, PAGE.replace(b"og:site_name", b"x"), "text/html")
        elif p == "/pdf":
            self._send(200, b"%PDF-1.7\n", "application/pdf")
        elif p == "/moved":
            self._send(301, b"", "text/html", Location="/page")
        elif p.startswith("/loop"):
            self._send(302, b"", "text/html", Location=f"/loop{len(p)}")
        elif p == "/ftp":
            self._send(302, b"", "text/html", Location="ftp://127.0.0.1/file.txt")
        elif p == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(url_mod.MAX_BYTES + 1))
            self.end_headers()
        elif p == "/huge-streamed":  # no Content-Length: the reader must stop by itself
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(url_mod.MAX_BYTES // 65536 + 2):
                    self.wfile.write(b"x" * 65536)
            except OSError:
                pass
        elif p == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(40):  # trickles: each byte within the read timeout
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        else:
            self._send(404, b"<h1>Not found</h1>", "text/html")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_is_url() -> None:
    assert is_url("https://example.com/a") and is_url("HTTP://x.test")
    assert not is_url("example.com/a.html") and not is_url("ftp://x.test/a")
    assert not is_url("https://x.test/a and then some prose")


def test_html_page_is_fetched_with_url_and_outlet(server: str) -> None:
    doc = load(f"{server}/page")
    assert doc.source.url == f"{server}/page" and doc.source.kind == "html"
    assert doc.outlet == "Harbour Gazette"
    assert "years of heated debate" in doc.text and "<p>" not in doc.text
    assert doc.source.path is None


def test_gzip_body_and_redirect(server: str) -> None:
    assert "heated debate" in load_url(f"{server}/gz").text
    doc = load_url(f"{server}/moved")
    assert doc.source.url == f"{server}/moved"
    assert doc.meta["fetched_url"] == f"{server}/page"


def test_plain_text_is_kept_as_received_and_outlet_is_the_host(server: str) -> None:
    doc = load_url(f"{server}/plain")
    assert doc.text == PLAIN.decode() and doc.source.kind == "text"
    assert doc.outlet == "127.0.0.1"
    assert load_url(f"{server}/bare").outlet == "127.0.0.1"


def test_outlet_of_drops_www() -> None:
    assert outlet_of("https://www.bbc.co.uk/news/x") == "bbc.co.uk"
    assert outlet_of("http://News.Example:8080/a") == "news.example"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404"),
        ("/pdf", "not an article page (Content-Type application/pdf)"),
        ("/loop", "more than 5 redirects"),
        ("/ftp", "only http and https"),
        ("/huge-declared", "larger than 10 MiB"),
        ("/huge-streamed", "larger than 10 MiB"),
    ],
)
def test_bad_urls_are_one_line_errors_naming_the_url(server: str, path: str, reason: str) -> None:
    url = f"{server}{path}"
    with pytest.raises(InputError) as info:
        load_url(url)
    message = str(info.value)
    assert message.startswith(f"{url}: ") and reason in message and "\n" not in message


def test_timeout_is_total_not_per_read(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(url_mod, "TIMEOUT_S", 1.0)
    start = time.monotonic()
    with pytest.raises(InputError, match="timed out after 1 s"):
        load_url(f"{server}/slow")
    assert time.monotonic() - start < 3.5


def test_connection_refused(server: str) -> None:
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match="cannot connect"):
        load_url(f"http://127.0.0.1:{port}/x")


def test_iter_inputs_fetches_urls_beside_files(server: str, tmp_path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("From a file.\n", encoding="utf-8")
    items = list(iter_inputs([f"{server}/page", str(f), f"{server}/missing"]))
    assert [n for n, _ in items] == [f"{server}/page", str(f), f"{server}/missing"]
    assert isinstance(items[0][1], Document) and items[0][1].source.url == f"{server}/page"
    assert isinstance(items[2][1], InputError) and "HTTP 404" in items[2][1].reason


def test_cli_analyze_bad_url_is_one_line_exit_2(server: str) -> None:
    from spinscope.cli import app

    result = CliRunner().invoke(app, ["analyze", f"{server}/missing"])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert lines == [f"spinscope: error: {server}/missing: HTTP 404 Not Found"]
