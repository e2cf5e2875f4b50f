"""The web app as an attacker and an unlucky user meet it: cross-site posts, foreign Host names,
odd JSON, huge texts, a busy analyser. Every answer is a one-line error with security headers,
never a 500 or a traceback in the log."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spinscope.cli import app as cli_app
from spinscope.document import Document
from spinscope.errors import InputError
from spinscope.pipeline import Pipeline
from spinscope.store import Store
from spinscope.web import create_app
from spinscope.web.serve import allowed_hosts, is_loopback

BASE = "http://127.0.0.1:8000"
ARTICLE = (
    "Mayor defends the new plan\n\nBy Ann Lee\n\n"
    "The mayor said the plan was a disgraceful betrayal of the town, critics said.\n"
)
SECURITY = ("content-security-policy", "x-content-type-options", "x-frame-options")


@pytest.fixture
def client(store: Store, light_pipeline: Pipeline) -> TestClient:
    app = create_app(store=store, pipeline=light_pipeline, max_text_chars=20_000)
    return TestClient(app, raise_server_exceptions=False, base_url=BASE)


def _no_error_logged(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


# -- cross-site requests and Host names ------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},  # sandboxed iframes, file:// pages
        {"Origin": "http://127.0.0.1:9999"},  # another local service, another port
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": BASE},  # browser says other origin: trust it
    ],
)
def test_cross_site_posts_are_refused_and_store_nothing(
    client: TestClient, store: Store, headers: dict[str, str]
) -> None:
    r = client.post("/analyze", data={"text": ARTICLE}, headers=headers, follow_redirects=False)
    assert r.status_code == 403
    assert "cross-site request refused" in r.json()["error"]
    r = client.post("/api/analyze", json={"text": ARTICLE}, headers=headers)
    assert r.status_code == 403
    assert store.count() == 0
    assert all(h in r.headers for h in SECURITY)


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, scripts: no browser, no CSRF
        {"Origin": BASE, "Sec-Fetch-Site": "same-origin"},
        {"Origin": BASE},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
    ],
)
def test_same_origin_and_non_browser_posts_are_served(
    client: TestClient, store: Store, headers: dict[str, str]
) -> None:
    r = client.post("/analyze", data={"text": ARTICLE}, headers=headers, follow_redirects=False)
    assert r.status_code == 303
    assert store.count() == 1


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:8000", 200),
        ("localhost:8000", 200),
        ("[::1]:8000", 200),
        ("LOCALHOST", 200),
        ("evil.example", 400),  # DNS rebinding: evil.example now resolves to 127.0.0.1
        ("evil.example:8000", 400),
        ("127.0.0.1.evil.example", 400),
        ("", 400),
    ],
)
def test_only_loopback_host_names_are_answered(client: TestClient, host: str, status: int) -> None:
    for path in ("/", "/api/documents", "/openapi.json"):
        r = client.get(path, headers={"Host": host})
        assert r.status_code == status, (path, host)
        assert all(h in r.headers for h in SECURITY)


def test_extra_allowed_host(store: Store, light_pipeline: Pipeline) -> None:
    app = create_app(store=store, pipeline=light_pipeline, allowed_hosts=["news.lan"])
    c = TestClient(app, base_url="http://news.lan")
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"Host": "127.0.0.1"}).status_code == 400


def test_serve_refuses_non_loopback_hosts_in_one_line() -> None:
    r = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--db", "sqlite://"])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "not a loopback address" in lines[0]
    assert "--allow-remote" in lines[0] and "Traceback" not in r.output


def test_loopback_and_allowed_host_rules() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "app.localhost"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.5", "example.com", "localhost.evil.example"):
        assert not is_loopback(host), host
    with pytest.raises(InputError, match="--allow-remote"):
        allowed_hosts("192.168.1.5", allow_remote=False)
    assert "192.168.1.5" in allowed_hosts("192.168.1.5", allow_remote=True)
    wildcard = allowed_hosts("0.0.0.0", allow_remote=True, extra=["News.LAN"])
    assert "0.0.0.0" not in wildcard and "news.lan" in wildcard and "localhost" in wildcard
    assert "[fd00::1]" in allowed_hosts("fd00::1", allow_remote=True)


def test_security_headers_on_every_kind_of_answer(store: Store) -> None:
    def broken(doc: Document) -> Document:
        raise RuntimeError("bug")

    app = create_app(store=store, pipeline=broken, max_request_bytes=1000)
    c = TestClient(app, raise_server_exceptions=False, base_url=BASE)
    answers = {
        200: c.get("/"),
        404: c.get("/api/documents/nope"),
        413: c.post("/api/analyze", json={"text": "x" * 2000}),
        415: c.post("/api/analyze", content=b"x", headers={"content-type": "text/plain"}),
        422: c.get("/api/documents?limit=0"),
        500: c.post("/api/analyze", json={"text": "Some text."}),
    }
    answers[200].headers["x-frame-options"]  # noqa: B018 - KeyError if missing
    for status, r in answers.items():
        assert r.status_code == status
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], status
        assert r.headers["x-content-type-options"] == "nosniff", status
        assert r.headers["x-frame-options"] == "DENY", status
        assert r.headers["referrer-policy"] == "same-origin", status
    assert c.get("/static/article.js").headers["x-content-type-options"] == "nosniff"


# -- odd input: 400/422 with a clear message, nothing stored, nothing logged ------------------


def test_lone_surrogate_is_refused_not_stored_as_mojibake(
    client: TestClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    raw = b'{"text": "Breaking: \\ud800 news about the town council."}'
    r = client.post("/api/analyze", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert "unpaired surrogate" in r.json()["error"] and "U+D800" in r.json()["error"]
    raw = b'{"text": "Fine text.", "title": "bad \\udfff title"}'
    r = client.post("/api/analyze", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "'title'" in r.json()["error"]
    assert store.count() == 0
    # a proper pair is one character and is stored as itself
    raw = b'{"text": "Crowd cheers \\ud83c\\udf89 in the square."}'
    r = client.post("/api/analyze", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 201 and r.json()["text"] == "Crowd cheers 🎉 in the square."
    _no_error_logged(caplog)


def test_deeply_nested_json_is_400(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    deep = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = client.post("/api/analyze", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "nested too deeply" in r.json()["error"]
    _no_error_logged(caplog)


@pytest.mark.parametrize("path", ["/api/documents", "/documents"])
@pytest.mark.parametrize("offset", ["9223372036854775808", "99999999999", "-1", "1e3"])
def test_out_of_range_offsets_are_422(
    client: TestClient, path: str, offset: str, caplog: pytest.LogCaptureFixture
) -> None:
    r = client.get(path, params={"offset": offset})
    assert r.status_code == 422 and "offset" in r.json()["error"]
    _no_error_logged(caplog)


def test_html_pages_with_the_same_visible_text_are_distinct_documents(
    client: TestClient, store: Store
) -> None:
    body = "<article><p>" + "The council met on Monday and voted on the plan. " * 12
    pages = [
        f"<html><head><title>{t}</title></head><body>{extra}{body}</p></article></body></html>"
        for t, extra in (("A", ""), ("B", ""), ("A", "<script>x()</script>"), ("C", "<nav></nav>"))
    ]
    ids = set()
    for i, page in enumerate(pages):
        r = client.post("/api/analyze", files={"file": (f"p{i}.html", page.encode(), "text/html")})
        assert r.status_code == 201, r.text
        ids.add(r.json()["id"])
    assert len(ids) == 4 and store.count() == 4
    assert {store.get(i).title for i in ids if store.get(i)} >= {"A", "B", "C"}  # type: ignore[union-attr]
    # the same page again is the same document
    r = client.post("/api/analyze", files={"file": ("again.html", pages[0].encode(), "text/html")})
    assert r.status_code == 200 and store.count() == 4


def test_pasted_text_gets_the_title_the_cleaner_finds(client: TestClient, store: Store) -> None:
    pasted = ARTICLE.replace("\n", "\r\n")  # browsers send textarea lines as CRLF
    r = client.post(
        "/analyze",
        files={"file": ("", b"", "application/octet-stream")},  # the empty file input
        data={"text": pasted},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert '<h1 id="doc-title">Mayor defends the new plan</h1>' in page
    assert "Untitled article" not in page
    doc_id = r.headers["location"].rsplit("/", 1)[1]
    assert store.get(doc_id).title == "Mayor defends the new plan"  # type: ignore[union-attr]


# -- size caps and a busy analyser -------------------------------------------------------------


def test_text_longer_than_the_web_cap_is_413_with_what_to_do(
    client: TestClient, store: Store
) -> None:
    long_text = "A sentence of a very long article. " * 1000  # 35k chars > 20k cap
    for r in (
        client.post("/api/analyze", json={"text": long_text}),
        client.post("/analyze", data={"text": long_text}),
        client.post("/api/analyze", files={"file": ("long.txt", long_text.encode())}),
    ):
        assert r.status_code == 413
        msg = r.json()["error"]
        assert "too long" in msg and "20,000" in msg and "spinscope analyze" in msg
    assert store.count() == 0
    r = client.post("/api/analyze", json={"text": "Fine.", "authors": ["A" * 600]})
    assert r.status_code == 400 and "'authors' is too long" in r.json()["error"]


class _Gate:
    """A pipeline step that blocks until released: an analysis that takes as long as we say."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, doc: Document) -> Document:
        self.entered.set()
        assert self.release.wait(30)
        return doc


def test_a_long_analysis_never_blocks_others_indefinitely(store: Store) -> None:
    gate = _Gate()
    app = create_app(store=store, pipeline=gate, analysis_timeout=0.3, max_pending=2)
    c = TestClient(app, raise_server_exceptions=False, base_url=BASE)
    results: dict[str, Any] = {}

    def slow() -> None:
        results["slow"] = c.post("/api/analyze", json={"text": "The slow one, a long article."})

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        assert gate.entered.wait(10)
        # another article waits its turn for at most the timeout, then gets 503 + Retry-After
        r = c.post("/api/analyze", json={"text": "A short article, waiting its turn."})
        assert r.status_code == 503
        assert "busy" in r.json()["error"] and r.headers["retry-after"] == "30"
        # reading the corpus never waits for the analyser
        assert c.get("/api/documents").status_code == 200
        assert c.get("/").status_code == 200
    finally:
        gate.release.set()
        thread.join(10)
    assert results["slow"].status_code == 201
    # the analyser is free again: the next article is analysed
    assert c.post("/api/analyze", json={"text": "Next article."}).status_code == 201


def test_full_queue_answers_503_at_once(store: Store) -> None:
    gate = _Gate()
    app = create_app(store=store, pipeline=gate, analysis_timeout=30, max_pending=1)
    c = TestClient(app, raise_server_exceptions=False, base_url=BASE)
    thread = threading.Thread(target=lambda: c.post("/api/analyze", json={"text": "First."}))
    thread.start()
    try:
        assert gate.entered.wait(10)
        r = c.post("/api/analyze", json={"text": "Second."})
        assert r.status_code == 503 and "queued" in r.json()["error"]
    finally:
        gate.release.set()
        thread.join(10)
    assert store.count() == 1


# -- fuzz: any JSON body gets a contract answer or a one-line error -----------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec=None), max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_bodies = _json | st.fixed_dictionaries(
    {"text": st.text(st.characters(codec=None), max_size=200)},
    optional={
        "title": _json,
        "authors": _json,
        "url": _json,
        "outlet": _json,
        "published": _json,
    },
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=_bodies)
def test_fuzz_api_json_input(client: TestClient, body: Any) -> None:
    raw = json.dumps(body).encode()  # ensure_ascii: lone surrogates travel as \ud800 escapes
    r = client.post("/api/analyze", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (200, 201, 400, 413), (r.status_code, r.text[:200])
    data = r.json()
    if r.status_code >= 400:
        assert set(data) == {"error"} and "\n" not in data["error"]
    else:
        assert data["schema"] == "spinscope/1" and data["text"] == body["text"]


def test_serve_help_documents_the_flags_without_bogus_types() -> None:
    r = CliRunner().invoke(cli_app, ["serve", "--help"], env={"COLUMNS": "120"})
    assert r.exit_code == 0
    assert "--allow-remote" in r.output and "--allowed-host" in r.output
    assert "<bool>" not in r.output  # on/off flags take no value
