from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spinscope.document import Document
from spinscope.store import STATS_BY, Store
from spinscope.web import create_app

#: The app answers loopback Host names only (DNS rebinding), not TestClient's "testserver".
BASE = "http://127.0.0.1:8000"


def test_analyze_json_stores_once_and_returns_contract(
    client: TestClient, store: Store, sample_text: str
) -> None:
    r = client.post("/api/analyze", json={"text": sample_text, "outlet": "Press TV"})
    assert r.status_code == 201
    body = r.json()
    assert body["schema"] == "spinscope/1"
    assert body["id"] == Document(text=sample_text).id
    assert body["text"] == sample_text
    assert body["outlet"] == "Press TV"
    assert {t["technique"] for t in body["techniques"]} >= {"Loaded_Language"}
    assert body["attributions"][0]["speaker"]["name"] == "Daniel Patrick Welch"
    again = client.post("/api/analyze", json={"text": sample_text})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert store.count() == 1
    assert client.get(f"/api/documents/{body['id']}").json() == body


def test_analyze_file_upload_text_and_html(client: TestClient) -> None:
    r = client.post(
        "/api/analyze", files={"file": ("a.txt", b"Plain text about the coup factory.")}
    )
    assert r.status_code == 201
    assert r.json()["techniques"][0]["technique"] == "Name_Calling,Labeling"
    html = (
        "<html><head><title>Headline here</title></head><body><article><p>"
        + "A paragraph of the article body with real sentences in it. " * 12
        + "</p></article></body></html>"
    )
    r = client.post("/api/analyze", files={"file": ("page.html", html.encode(), "text/html")})
    assert r.status_code == 201, r.text
    assert r.json()["source"]["kind"] == "html"
    assert "<p>" not in r.json()["text"]


def test_text_that_looks_like_a_path_is_text_not_a_file_read(client: TestClient) -> None:
    r = client.post("/api/analyze", json={"text": "/etc/passwd"})
    assert r.status_code == 201
    assert r.json()["text"] == "/etc/passwd"


@pytest.mark.parametrize(
    ("kwargs", "status", "fragment"),
    [
        ({"json": {"text": ""}}, 400, "empty"),
        ({"json": {"txt": "x"}}, 400, "expected a JSON object"),
        ({"json": ["text"]}, 400, "expected a JSON object"),
        ({"json": {"text": "ok text", "authors": "me"}}, 400, "authors"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "JSON"),
        ({"content": b"text", "headers": {"content-type": "text/plain"}}, 415, "send JSON"),
        ({"files": {"file": ("x.bin", b"\x00\x01\x02PK\x03\x04" * 50)}}, 400, "x.bin"),
    ],
)
def test_bad_requests_get_one_line_json_errors(
    client: TestClient, kwargs: dict[str, object], status: int, fragment: str
) -> None:
    r = client.post("/api/analyze", **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status
    assert set(r.json()) == {"error"}
    assert fragment in r.json()["error"] and "\n" not in r.json()["error"]


def test_request_size_limit_413_with_and_without_content_length(client: TestClient) -> None:
    big = "x" * 300_000
    r = client.post("/api/analyze", json={"text": big})
    assert r.status_code == 413 and "too large" in r.json()["error"]

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"y" * 10_000
        yield b'"}'

    r = client.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]


def test_crash_is_json_without_traceback(store: Store) -> None:
    def broken(doc: Document) -> Document:
        raise RuntimeError("secret /home/path detail")

    app = create_app(store=store, pipeline=broken)
    c = TestClient(app, raise_server_exceptions=False, base_url=BASE)
    r = c.post("/api/analyze", json={"text": "Some text."})
    assert r.status_code == 500
    assert r.json() == {"error": "internal server error"}
    html = c.post("/analyze", data={"text": "Some text."}, headers={"accept": "text/html"})
    assert html.status_code == 500 and "secret" not in html.text and "Traceback" not in html.text


def test_not_found_and_bad_parameters(client: TestClient) -> None:
    r = client.get("/api/documents/doesnotexist")
    assert r.status_code == 404 and "no document" in r.json()["error"]
    assert client.get("/api/stats?by=colour").status_code == 422
    assert "error" in client.get("/api/stats?by=colour").json()
    assert client.get("/api/documents?limit=0").status_code == 422
    page = client.get("/documents/doesnotexist", headers={"accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_search_and_listing(client: TestClient, sample_text: str) -> None:
    client.post("/api/analyze", json={"text": sample_text, "title": "Syria and China"})
    client.post("/api/analyze", json={"text": "Unrelated weather report, sunny and warm."})
    r = client.get("/api/documents", params={"q": "Idlib"}).json()
    assert r["total"] == 1 and r["items"][0]["title"] == "Syria and China"
    assert r["items"][0]["techniques"] == 7
    assert client.get("/api/documents").json()["total"] == 2
    page = client.get("/documents", params={"q": "weather"})
    assert page.status_code == 200 and "1 document matching" in page.text


def test_stats_json_and_csv(client: TestClient, sample_text: str) -> None:
    client.post("/api/analyze", json={"text": sample_text, "outlet": "Press TV"})
    for by in STATS_BY:
        r = client.get("/api/stats", params={"by": by})
        assert r.status_code == 200 and r.json()["by"] == by
        assert r.json()["rows"], by
    rows = client.get("/api/stats", params={"by": "speaker"}).json()["rows"]
    assert {(x["group"], x["technique"]) for x in rows} == {
        ("Daniel Patrick Welch", "Name_Calling,Labeling"),
        ("Daniel Patrick Welch", "Loaded_Language"),
    }
    r = client.get("/api/stats", params={"by": "outlet", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert {x["group"] for x in table} == {"Press TV"}
    assert sum(int(x["spans"]) for x in table) == 7


def test_html_pages_and_form_flow(client: TestClient, sample_text: str) -> None:
    assert client.get("/").status_code == 200
    r = client.post("/analyze", data={"text": sample_text}, follow_redirects=False)
    assert r.status_code == 303
    doc_url = r.headers["location"]
    page = client.get(doc_url)
    assert page.status_code == 200
    assert page.text.count('class="t ') == page.text.count("data-i=")
    assert 'class="t tc8' in page.text  # Loaded_Language highlighted
    assert "Daniel Patrick Welch" in page.text and "Qi Qianjin" in page.text
    assert "r-boilerplate" in page.text  # residue shown (greyed by CSS)
    assert '<script src="/static/article.js">' in page.text
    for by in STATS_BY:
        dash = client.get("/dashboard", params={"by": by})
        assert dash.status_code == 200 and "<svg" in dash.text
    assert client.get("/static/article.js").status_code == 200


def test_article_page_reveals_spans_below_the_default_without_storing_them(
    client: TestClient, hand_reveal: Any, sample_text: str
) -> None:
    from spinscope.techniques.model import REVEAL_FLOOR, default_view_confidence

    doc_url = client.post("/analyze", data={"text": sample_text}, follow_redirects=False)
    doc_url = doc_url.headers["location"]
    doc_id = doc_url.rsplit("/", 1)[1]
    default = default_view_confidence()

    page = client.get(doc_url).text  # the stored default view: nothing analysed again
    assert hand_reveal.floors == []
    assert f'value="{default:.3f}"' in page and f'data-analysed="{default:.3f}"' in page
    assert 'data-reveal="1"' in page  # sliding below data-analysed reloads with ?min_confidence
    assert 'id="below-default" hidden' in page

    page = client.get(doc_url, params={"min_confidence": 0.15}).text
    assert hand_reveal.floors == [REVEAL_FLOOR]  # analysed once down to the floor
    assert 'value="0.150"' in page and f'data-analysed="{REVEAL_FLOOR:.3f}"' in page
    assert '"confidence": 0.2' in page  # the revealed span is in the page's data
    assert 'id="below-default" hidden' not in page  # the warning shows below the default
    stored = client.get(f"/api/documents/{doc_id}").json()
    assert all(t["confidence"] != 0.2 for t in stored["techniques"])  # nothing stored

    page = client.get(doc_url, params={"min_confidence": 0}).text  # clamped to the floor
    assert f'value="{REVEAL_FLOOR:.3f}"' in page
    page = client.get(doc_url, params={"min_confidence": 0.6}).text  # above: the stored view
    assert 'value="0.600"' in page and len(hand_reveal.floors) == 2
    for bad in (2, -1, "x", "nan", "inf"):
        assert client.get(doc_url, params={"min_confidence": bad}).status_code == 422


def test_revealing_a_long_stored_article_is_refused_in_one_line(
    store: Store, light_pipeline: Any, hand_reveal: Any
) -> None:
    long_text = "A shameful betrayal of the city. " * 40  # stored by the command line
    doc = light_pipeline(Document(text=long_text))
    store.add(doc)
    app = create_app(store=store, pipeline=light_pipeline, max_text_chars=500, revealer=hand_reveal)
    client = TestClient(app, raise_server_exceptions=False, base_url=BASE)
    assert client.get(f"/documents/{doc.id}").status_code == 200  # the stored view still shows
    r = client.get(f"/documents/{doc.id}", params={"min_confidence": 0.2})
    assert r.status_code == 413 and "too long to analyse again" in r.text
    assert hand_reveal.floors == []


def test_security_headers_and_openapi(client: TestClient) -> None:
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    spec = client.get("/openapi.json").json()
    for path in ("/api/analyze", "/api/documents", "/api/documents/{doc_id}", "/api/stats"):
        assert path in spec["paths"]
    assert client.get("/docs").status_code == 404  # no CDN-hosted Swagger UI


def test_the_default_revealer_runs_the_shipped_techniques_down_to_the_floor(
    store: Store, light_pipeline: Any, sample_text: str
) -> None:
    """Without an injected revealer the app analyses techniques and voice again with the
    shipped model; the stored document is left as it was."""
    from spinscope.techniques.model import REVEAL_FLOOR, default_view_confidence
    from spinscope.web.app import AnalysisService

    doc = light_pipeline(Document(text=sample_text))  # hand-placed spans, regions, attributions
    before = doc.to_json()
    service = AnalysisService(store, light_pipeline)
    try:
        revealed = service._get_revealer()(doc, REVEAL_FLOOR)
    finally:
        service.close()
    assert doc.to_json() == before  # analysed on a copy
    conf = [s.attrs["confidence"] for s in revealed.layer("techniques")]
    assert conf and min(conf) >= REVEAL_FLOOR
    assert any(c < default_view_confidence() for c in conf)  # what the default view hides
    assert all("voice" in s.attrs for s in revealed.layer("techniques"))
    assert revealed.layer("attributions") == doc.layer("attributions")
