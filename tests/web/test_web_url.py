"""Articles by URL in the web app: fetched server-side, public addresses only unless the server
allows private ones, every refusal a one-line 400 naming the URL (escaped in HTML).

No network: a loopback HTTP server thread is the article site (reached with
``allow_private_urls``, or through a patched ``refusal`` that lets 127.0.0.1 pass), refusals use
literal addresses or a patched ``getaddrinfo``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from spinscope.cli import app as cli_app
from spinscope.ingest import addresses
from spinscope.pipeline import Pipeline
from spinscope.store import Store
from spinscope.web import create_app

#: The app answers loopback Host names only (DNS rebinding), not TestClient's "testserver".
BASE = "http://127.0.0.1:8000"
#: Paragraphs with the phrases the light pipeline (conftest.HandLayers) marks.
PARAGRAPHS = (
    "By Jafar Razi Khan",
    "China may help the army fight foreign-backed terrorists who have been wreaking havoc.",
    "“There are new indications that China may be considering involvement in helping to "
    "retake Idlib … they are fed up with the US regime change and a coup factory,” Welch said.",
    "He said this shows “how messed up this system is”.",
)
TITLE = "China’s military role in Syria"
PAGE = (
    f"<!DOCTYPE html><html><head><title>{TITLE}</title>"
    "<meta property='og:site_name' content='Example Daily'></head><body>"
    "<nav><a href='/'>Home</a></nav><article><h1>"
    + TITLE
    + "</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article><footer>Share this article</footer></body></html>"
).encode()
HOSTILE = 'http://10.0.0.1/"><script>alert(1)</script>'

#: Host headers the test site received, in order.
HOSTS: list[str] = []


class _Site(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        HOSTS.append(self.headers["Host"])
        if self.path == "/article":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/moved":
            self._send(301, b"", Location="/article")
        elif self.path == "/to-private":
            self._send(302, b"", Location="http://192.168.1.1/router")
        elif self.path == "/to-metadata":
            self._send(302, b"", Location="http://[::ffff:169.254.169.254]/latest/meta-data/")
        elif self.path == "/pdf":
            self._send(200, b"%PDF-1.7\n", "application/pdf")
        else:
            self._send(404, b"<h1>Not found</h1>")


@pytest.fixture(scope="module")
def site(local_http: Any) -> Iterator[str]:
    with local_http(_Site) as base_url:
        yield base_url


@pytest.fixture
def private_client(store: Store, light_pipeline: Pipeline) -> TestClient:
    """Started with --allow-private-urls: the loopback test site may be fetched."""
    app = create_app(
        store=store, pipeline=light_pipeline, max_request_bytes=200_000, allow_private_urls=True
    )
    return TestClient(app, raise_server_exceptions=False, base_url=BASE)


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard stays on but treats the test site's 127.0.0.1 as a public address."""
    real = addresses.refusal
    monkeypatch.setattr(addresses, "refusal", lambda a: None if a == "127.0.0.1" else real(a))


def _one_line_400(r: Any, url: str, reason: str) -> None:
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"error"}
    message = r.json()["error"]
    assert message.startswith(f"{url}: ") and reason in message and "\n" not in message


# -- the positive path ----------------------------------------------------------------------


def test_api_fetches_analyses_and_stores_a_url(
    private_client: TestClient, store: Store, site: str
) -> None:
    url = f"{site}/moved"
    r = private_client.post("/api/analyze", json={"url": url})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["schema"] == "spinscope/1"
    assert body["source"] == {"path": None, "url": url, "kind": "html"}
    assert body["outlet"] == "Example Daily" and body["title"].startswith("China")
    assert "wreaking havoc" in body["text"] and "<p>" not in body["text"]
    assert {t["technique"] for t in body["techniques"]} >= {"Loaded_Language"}
    assert body["attributions"][0]["speaker"]["name"] == "Daniel Patrick Welch"
    assert store.count() == 1
    again = private_client.post("/api/analyze", json={"url": f"{site}/article"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]  # same text: stored


def test_form_fetches_a_url_and_shows_the_article(private_client: TestClient, site: str) -> None:
    r = private_client.post("/analyze", data={"url": f" {site}/article "}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = private_client.get(r.headers["location"])
    assert page.status_code == 200 and "wreaking havoc" in page.text


def test_form_text_with_url_records_the_url_without_fetching(
    private_client: TestClient, sample_text: str, site: str
) -> None:
    HOSTS.clear()
    r = private_client.post(
        "/analyze", data={"text": sample_text, "url": f"{site}/article"}, follow_redirects=False
    )
    assert r.status_code == 303
    doc = private_client.get("/api" + r.headers["location"]).json()
    assert doc["source"]["url"] == f"{site}/article" and doc["text"] == sample_text
    assert HOSTS == []


@pytest.mark.usefixtures("loopback_is_public")
def test_guarded_api_fetch_connects_to_the_checked_address(
    client: TestClient, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = site.rsplit(":", 1)[1]
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host: Any, p: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "news.example":
            return real(host, p, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "10.0.0.1"  # rebinding on 2nd ask
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, p))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    HOSTS.clear()
    url = f"http://news.example:{port}/article"
    r = client.post("/api/analyze", json={"url": url, "outlet": "News Example"})
    assert r.status_code == 201, r.text
    assert r.json()["source"]["url"] == url
    assert r.json()["outlet"] == "News Example"  # metadata in the request still applies
    assert lookups == ["news.example"] and HOSTS == [f"news.example:{port}"]


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/", "refused: private address"),
        ("http://192.168.0.10:8080/admin", "refused: private address"),
        ("http://127.0.0.1:8000/api/documents", "refused: loopback address"),
        ("http://localhost/", "refused: localhost resolves to a loopback address"),
        ("http://[::1]/", "refused: loopback address"),
        ("http://[::ffff:127.0.0.1]/", "refused: loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: link-local address"),
        ("http://[fe80::1%251]/", "refused: link-local address"),
        ("http://[fd00::1]/", "refused: private address"),
        ("http://0.0.0.0/", "refused: unspecified address"),
        ("http://224.0.0.1/", "refused: multicast address"),
        ("http://240.0.0.1/", "refused: reserved address"),
        ("http://2130706433/", "refused: 2130706433 resolves to a loopback address"),
        ("http://0177.0.0.1/", "refused: 0177.0.0.1 resolves to a loopback address"),
        ("http://0x0a.0.0.1/", "refused: 0x0a.0.0.1 resolves to a private address"),
    ],
)
def test_internal_urls_are_refused_by_default(
    client: TestClient, store: Store, url: str, reason: str
) -> None:
    r = client.post("/api/analyze", json={"url": url})
    _one_line_400(r, url, reason)
    assert r.json()["error"] == f"{url}: {reason}"
    assert store.count() == 0


def test_a_name_for_an_internal_address_is_refused(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        assert host == "intranet.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = "https://intranet.example/wiki"
    r = client.post("/api/analyze", json={"url": url})
    assert r.json() == {"error": f"{url}: refused: intranet.example resolves to a private address"}


def test_the_test_site_itself_is_refused_without_the_switch(client: TestClient, site: str) -> None:
    _one_line_400(
        client.post("/api/analyze", json={"url": f"{site}/article"}),
        f"{site}/article",
        "refused: loopback address",
    )


@pytest.mark.usefixtures("loopback_is_public")
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-private", "refused: redirect to http://192.168.1.1/router: private address"),
        (
            "/to-metadata",
            "refused: redirect to http://[::ffff:169.254.169.254]/latest/meta-data/: "
            "link-local address",
        ),
    ],
)
def test_a_redirect_to_an_internal_address_is_refused(
    client: TestClient, store: Store, site: str, path: str, reason: str
) -> None:
    url = f"{site}{path}"
    r = client.post("/api/analyze", json={"url": url})
    assert r.status_code == 400 and r.json() == {"error": f"{url}: {reason}"}
    assert store.count() == 0


@pytest.mark.parametrize(
    ("value", "shown", "reason"),
    [
        ("file:///etc/passwd", "file:///etc/passwd", "not an http:// or https:// address"),
        ("javascript:alert(1)", "javascript:alert(1)", "not an http:// or https:// address"),
        ("gopher://10.0.0.1:70/", "gopher://10.0.0.1:70/", "not an http:// or https://"),
        ("http://a.example/x y", "http://a.example/x y", "one line, no spaces"),
        ("http://a.example/\nHost: x", "'http://a.example/\\nHost: x'", "no spaces"),
        ("http://[::1/", "http://[::1/", "not a valid URL"),
        ("http://a.example:99999/", "http://a.example:99999/", "not a valid URL"),
        (5, "<request>", "'url' must be a string"),
        ("x" * 9000, "<request>", "'url' is too long"),
    ],
)
def test_bad_url_values_are_one_line_400s(
    client: TestClient, value: Any, shown: str, reason: str
) -> None:
    _one_line_400(client.post("/api/analyze", json={"url": value}), shown, reason)


def test_fetch_errors_name_the_url(private_client: TestClient, site: str) -> None:
    for path, reason in [("/missing", "HTTP 404"), ("/pdf", "not an article page")]:
        r = private_client.post("/api/analyze", json={"url": f"{site}{path}"})
        _one_line_400(r, f"{site}{path}", reason)


def test_fetched_pages_meet_the_web_limits(
    store: Store, light_pipeline: Pipeline, site: str
) -> None:
    small_body = create_app(
        store=store, pipeline=light_pipeline, max_request_bytes=500, allow_private_urls=True
    )
    r = TestClient(small_body, base_url=BASE).post("/api/analyze", json={"url": f"{site}/article"})
    _one_line_400(r, f"{site}/article", "larger than 500 bytes")
    short_text = create_app(
        store=store, pipeline=light_pipeline, max_text_chars=100, allow_private_urls=True
    )
    r = TestClient(short_text, base_url=BASE).post("/api/analyze", json={"url": f"{site}/article"})
    assert r.status_code == 413 and "spinscope analyze URL" in r.json()["error"]


# -- the HTML form ------------------------------------------------------------------------


def test_form_has_a_url_field_and_says_what_is_fetched(
    client: TestClient, private_client: TestClient
) -> None:
    page = client.get("/").text
    assert '<input type="url" id="url" name="url"' in page
    assert "public addresses only" in page
    assert "public addresses only" not in private_client.get("/").text


def test_form_error_escapes_a_hostile_url(client: TestClient) -> None:
    for value in (HOSTILE, 'javascript:"><script>alert(1)</script>'):
        r = client.post("/analyze", data={"url": value}, headers={"Accept": "text/html"})
        assert r.status_code == 400
        assert r.headers["content-type"].startswith("text/html")
        assert "<script>alert(1)</script>" not in r.text
        assert str(escape(value)) in r.text
    r = client.post("/analyze", data={"url": HOSTILE}, headers={"Accept": "text/html"})
    assert "refused: private address" in r.text


def test_form_without_any_input_says_what_to_give(client: TestClient) -> None:
    r = client.post("/analyze", data={"text": " ", "url": ""})
    assert r.status_code == 400 and "give article text, a file or a URL" in r.json()["error"]


# -- the server switch ---------------------------------------------------------------------


def test_serve_passes_allow_private_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import uvicorn

    from spinscope.web.serve import serve

    apps: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: apps.append(app))
    serve(f"sqlite:///{tmp_path}/a.db")
    serve(f"sqlite:///{tmp_path}/a.db", allow_private_urls=True)
    assert [a.state.allow_private_urls for a in apps] == [False, True]
    for a in apps:
        a.state.store.close()
    help_text = CliRunner().invoke(cli_app, ["serve", "--help"], env={"COLUMNS": "120"}).output
    assert "--allow-private-urls" in help_text
