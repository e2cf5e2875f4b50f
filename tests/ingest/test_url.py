"""URL input against a loopback HTTP server (http.server in a thread): never the real network."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.ingest import addresses, iter_inputs, load
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
        elif p == "/echo-host":  # what the server was asked for: Host header and SNI
            sni = getattr(self.server, "sni", None)
            self._send(200, f"{self.headers['Host']} {sni}".encode(), "text/plain")
        elif p == "/to-private":
            self._send(302, b"", "text/html", Location="http://10.0.0.1/admin")
        elif p == "/to-metadata":  # hex spelling of 169.254.169.254
            self._send(302, b"", "text/html", Location="http://0xa9fea9fe/latest/meta-data/")
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
def server(local_http: Any) -> Iterator[str]:
    with local_http(_Handler) as base_url:
        yield base_url


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


# -- the request-forgery guard on a real connection (public_only=True) ------------------------
# The loopback test server stands in for a public one: ``refusal`` is patched to let 127.0.0.1
# through, and test names resolve through a patched ``getaddrinfo`` that records each look-up.


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    real = addresses.refusal
    monkeypatch.setattr(addresses, "refusal", lambda a: None if a == "127.0.0.1" else real(a))


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Each look-up of a name in ``answers`` gets the next address in its list (a rebinding
    DNS server); other names resolve as usual. Returns the names looked up, in order."""
    real = socket.getaddrinfo
    seen: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        seen.append(host)
        if not answers[host]:
            raise socket.gaierror(socket.EAI_NONAME, "second look-up")
        address = answers[host].pop(0)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


def _port(server: str) -> int:
    return int(server.rsplit(":", 1)[1])


def test_guard_refuses_the_loopback_test_server_itself(server: str) -> None:
    with pytest.raises(InputError, match=r"refused: loopback address$"):
        load_url(f"{server}/page", public_only=True)
    assert load_url(f"{server}/page").outlet == "Harbour Gazette"  # the CLI: unguarded


@pytest.mark.usefixtures("loopback_is_public")
def test_guard_connects_to_the_checked_address_with_the_name_as_host(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a rebinding DNS server: a public answer first, then an internal one; a second look-up
    # (by urllib3, between check and connect) would get the internal address or fail
    seen = _fake_dns(monkeypatch, {"news.example": ["127.0.0.1", "10.0.0.1"]})
    port = _port(server)
    got = url_mod.fetch(f"http://news.example:{port}/echo-host", public_only=True)
    assert got.body.decode() == f"news.example:{port} None"
    assert seen == ["news.example"]


@pytest.mark.usefixtures("loopback_is_public")
def test_guard_rechecks_every_redirect_hop(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _port(server)
    for path, target, why in [
        ("/to-private", "http://10.0.0.1/admin", "private address"),
        ("/to-metadata", "http://0xa9fea9fe/latest/meta-data/", "0xa9fea9fe resolves to a"),
    ]:
        url = f"{server}{path}"
        with pytest.raises(InputError) as info:
            load_url(url, public_only=True)
        assert str(info.value).startswith(f"{url}: refused: redirect to {target}: {why}")
    # the same name may answer differently on the next hop: it is resolved and checked again
    seen = _fake_dns(monkeypatch, {"news.example": ["127.0.0.1", "10.0.0.1"]})
    url = f"http://news.example:{port}/moved"
    with pytest.raises(InputError) as info:
        load_url(url, public_only=True)
    assert str(info.value) == (
        f"{url}: refused: redirect to http://news.example:{port}/page: "
        "news.example resolves to a private address"
    )
    assert seen == ["news.example", "news.example"]


@pytest.mark.usefixtures("loopback_is_public")
def test_guarded_fetch_keeps_the_limits(server: str) -> None:
    doc = load_url(f"{server}/moved", public_only=True)
    assert doc.meta["fetched_url"] == f"{server}/page" and "heated debate" in doc.text
    with pytest.raises(InputError, match=r"larger than 100 bytes \(the limit for one article\)"):
        load_url(f"{server}/page", public_only=True, max_bytes=100)
    with pytest.raises(InputError, match="more than 5 redirects"):
        load_url(f"{server}/loop", public_only=True)
    with pytest.raises(InputError, match="HTTP 404"):
        load_url(f"{server}/missing", public_only=True)


def test_guard_tries_the_next_checked_address_when_one_refuses(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    port = _port(server)
    monkeypatch.setattr(addresses, "refusal", lambda a: None)
    # the test server listens on IPv4 only: ::1 refuses the connection, 127.0.0.1 answers
    monkeypatch.setattr(addresses, "resolve", lambda host, p: ["::1", "127.0.0.1"])
    got = url_mod.fetch(f"http://news.example:{port}/echo-host", public_only=True)
    assert got.body.decode().startswith(f"news.example:{port}")
    with pytest.raises(InputError, match="cannot connect"):
        url_mod.fetch(f"http://news.example:{dead}/echo-host", public_only=True)


# -- https: the pinned connection still sends SNI and checks the certificate for the name ----


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An https server on 127.0.0.1 with a self-signed certificate for news.example."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate; not on PATH")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    made = subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec"),
            *("-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=news.example"),
            *("-addext", "subjectAltName=DNS:news.example"),
        ],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl cannot make a test certificate: {made.stderr[-200:]!r}")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)

    def record_sni(sock: Any, name: str | None, _ctx: Any) -> None:
        httpd.sni = name  # type: ignore[attr-defined]

    ctx.sni_callback = record_sni
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{httpd.server_address[1]}", cert
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.usefixtures("loopback_is_public")
def test_guarded_https_sends_sni_and_verifies_the_name(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate
    seen = _fake_dns(monkeypatch, {"news.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    got = url_mod.fetch(f"https://news.example:{port}/echo-host", public_only=True)
    assert got.body.decode() == f"news.example:{port} news.example"
    assert seen == ["news.example"]
    # the certificate is checked against the name, not the address connected to
    with pytest.raises(InputError, match="TLS error"):
        url_mod.fetch(f"https://other.example:{port}/echo-host", public_only=True)


def test_is_url_needs_a_host() -> None:
    # found by the property test: "HTTP://" alone was taken for a page to fetch
    assert not is_url("HTTP://") and not is_url("https://")
    assert is_url("http://[::1/")  # a URL, a bad one: fetching it says "not a valid URL"
    assert is_url("http://localhost:8080/a")


def test_load_names_the_given_name_when_a_url_fails(monkeypatch) -> None:
    import importlib

    from spinscope.errors import InputError

    load_mod = importlib.import_module("spinscope.ingest.load")

    def refuse(url: str, **_: object) -> None:
        raise InputError(url, "connection refused")

    monkeypatch.setattr(load_mod, "load_url", refuse)
    with pytest.raises(InputError) as e:
        load_mod.load("http://x.test/a", name="story")
    assert e.value.input_name == "story" and "http://x.test/a" in e.value.reason
