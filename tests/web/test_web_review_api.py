"""Review JSON API (issue 25): each action over HTTP, the errors at the boundary, the
cross-site guard on every write, the OpenAPI tag — on SQLite and, as the store tests, on
PostgreSQL when SPINSCOPE_TEST_PG_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spinscope.document import Document
from spinscope.pipeline import Pipeline
from spinscope.store import Store
from spinscope.store import schema as t
from spinscope.web import create_app
from stores import REVIEW_BODY, STORE_KINDS, elsewhere_doc, make_doc, open_store

BASE = "http://127.0.0.1:8000"


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path / "review.db") as s:
        yield s


@pytest.fixture
def client(store: Store, light_pipeline: Pipeline) -> TestClient:
    app = create_app(store=store, pipeline=light_pipeline)
    return TestClient(app, raise_server_exceptions=False, base_url=BASE)


@pytest.fixture
def doc(store: Store) -> Document:
    d = make_doc(
        REVIEW_BODY,
        techniques=(
            ("evil enemy", "Name_Calling,Labeling", 0.9),
            ("corrupt", "Loaded_Language", 0.8),
        ),
        quotes=(("the evil enemy will fall", "said", "Gen. Ann Roe"),),
    )
    store.add(d)
    return d


def _at(doc: Document, phrase: str) -> tuple[int, int]:
    s = doc.text.index(phrase)
    return s, s + len(phrase)


def _url(doc: Document, part: str = "") -> str:
    return f"/api/documents/{doc.id}/review{part}"


SAME = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}


def _post(client: TestClient, url: str, body: dict[str, Any], status: int) -> dict[str, Any]:
    r = client.post(url, json=body, headers=SAME)
    assert r.status_code == status, r.text
    out: dict[str, Any] = r.json()
    return out


def test_a_whole_review_over_http(client: TestClient, doc: Document) -> None:
    st = client.get(_url(doc), params={"reviewer": "ann"}).json()
    assert st["document_id"] == doc.id and st["reviewed"] is False
    assert [(i["technique"], i["status"], i["shown"]) for i in st["techniques"]] == [
        ("Name_Calling,Labeling", "model", True),
        ("Loaded_Language", "model", True),
    ]
    evil, corrupt = (i["key"] for i in st["techniques"])
    tech = _url(doc, "/techniques")
    assert (
        _post(client, tech, {"reviewer": "ann", "action": "confirm", "key": evil}, 201)["status"]
        == "confirmed"
    )
    item = _post(
        client,
        tech,
        {"reviewer": "ann", "action": "relabel", "key": corrupt, "technique": "Doubt"},
        201,
    )
    assert item["status"] == "relabelled" and item["model"]["technique"] == "Loaded_Language"
    s, e = _at(doc, "the corrupt plan")
    item = _post(
        client,
        tech,
        {"reviewer": "ann", "action": "resize", "key": corrupt, "start": s, "end": e},
        201,
    )
    assert item["current"] == {"start": s, "end": e, "technique": "Doubt"}
    a, b = _at(doc, "disgrace")
    added = _post(
        client,
        tech,
        {"reviewer": "ann", "action": "add", "start": a, "end": b, "technique": "Loaded_Language"},
        201,
    )
    assert added["status"] == "added" and added["key"] == f"t+:{a}:{b}:Loaded_Language"
    atts = _url(doc, "/attributions")
    item = _post(
        client,
        atts,
        {"reviewer": "ann", "action": "speaker", "key": "a:a1", "speaker": "Ann Roe"},
        201,
    )
    assert item["status"] == "speaker" and item["current_speaker"] == "Ann Roe"
    cs, ce = _at(doc, "Critics called it a disgrace")
    item = _post(
        client,
        atts,
        {
            "reviewer": "ann",
            "action": "add",
            "content_start": cs,
            "content_end": ce,
            "speaker": "Bo Poe",
        },
        201,
    )
    assert item["status"] == "added" and item["content"] == {"start": cs, "end": ce}
    done = _post(client, _url(doc, "/done"), {"reviewer": "ann"}, 200)
    assert done["reviewed"] is True and done["reviewed_at"].startswith("20")
    st = client.get(_url(doc), params={"reviewer": "ann"}).json()
    assert st["reviewed"] is True and st["reviewers"] == ["ann"]
    assert [i["status"] for i in st["techniques"]] == ["confirmed", "relabelled", "added"]
    assert [a["status"] for a in st["attributions"]] == ["speaker", "added"]
    assert st["speakers"] == ["Gen. Ann Roe", "Ann Roe", "Bo Poe"]
    # without a reviewer: the latest reviewer's review
    assert client.get(_url(doc)).json()["reviewer"] == "ann"


def test_errors_name_the_input(client: TestClient, store: Store, doc: Document) -> None:
    tech = _url(doc, "/techniques")
    s, e = _at(doc, "evil enemy")
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (tech, {"reviewer": "ann", "action": "explode", "key": "x"}, 422, "action"),
        (tech, {"reviewer": "", "action": "confirm", "key": "x"}, 422, "reviewer"),
        (tech, {"reviewer": "a" * 81, "action": "confirm", "key": "x"}, 422, "reviewer"),
        (tech, {"reviewer": "ann\x07", "action": "confirm", "key": "x"}, 422, "control"),
        (tech, {"reviewer": "ann", "action": "confirm", "key": "t:0:1:Doubt"}, 422, "no item"),
        (tech, {"reviewer": "ann", "action": "confirm"}, 422, "key"),
        (
            tech,
            {"reviewer": "ann", "action": "add", "start": s + 1, "end": e, "technique": "Doubt"},
            422,
            "inside a word",
        ),  # fmt: skip
        (
            tech,
            {"reviewer": "ann", "action": "add", "start": s, "end": e, "technique": "Propaganda"},
            422,
            "14 PTC",
        ),  # fmt: skip
        (
            tech,
            {"reviewer": "ann", "action": "add", "start": "1", "end": e, "technique": "Doubt"},
            422,
            "start",
        ),  # fmt: skip
        (
            tech,
            {"reviewer": "ann", "action": "add", "start": -1, "end": e, "technique": "Doubt"},
            422,
            "start",
        ),  # fmt: skip
        (tech, {"reviewer": "ann", "action": "confirm", "key": "x", "extra": 1}, 422, "extra"),
        (tech, {"reviewer": "ann", "action": "confirm", "key": "k" * 201}, 422, "key"),
        (
            _url(doc, "/attributions"),
            {"reviewer": "ann", "action": "speaker", "key": "a:a1", "speaker": "x" * 301},
            422,
            "speaker",
        ),  # fmt: skip
        (
            _url(doc, "/attributions"),
            {"reviewer": "ann", "action": "relabel", "key": "a:a1"},
            422,
            "action",
        ),  # fmt: skip
        (
            "/api/documents/" + "0" * 64 + "/review/techniques",
            {"reviewer": "ann", "action": "confirm", "key": "x"},
            404,
            "no document",
        ),  # fmt: skip
        ("/api/documents/" + "0" * 64 + "/review/done", {"reviewer": "ann"}, 404, "no document"),
    ]
    for url, body, status, words in cases:
        r = client.post(url, json=body, headers=SAME)
        assert r.status_code == status, (body, r.text)
        err = r.json()["error"]
        assert words in err and "\n" not in err, (body, err)
    r = client.post(
        tech, content=b"{not json", headers={**SAME, "content-type": "application/json"}
    )
    assert r.status_code == 422 and "error" in r.json()
    assert client.get("/api/documents/" + "0" * 64 + "/review").status_code == 404
    r = client.get(_url(doc), params={"reviewer": "x" * 81})
    assert r.status_code == 422 and "reviewer" in r.json()["error"]
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.corrections)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(t.reviews)).scalar_one() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_review_writes_are_refused(
    client: TestClient, store: Store, doc: Document, headers: dict[str, str]
) -> None:
    s, e = _at(doc, "evil enemy")
    key = f"t:{s}:{e}:Name_Calling,Labeling"
    for part, body in (
        ("/techniques", {"reviewer": "ann", "action": "reject", "key": key}),
        ("/attributions", {"reviewer": "ann", "action": "reject", "key": "a:a1"}),
        ("/done", {"reviewer": "ann"}),
    ):
        r = client.post(_url(doc, part), json=body, headers=headers)
        assert r.status_code == 403, part
        assert "cross-site request refused" in r.json()["error"]
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.corrections)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(t.reviews)).scalar_one() == 0
    # the same request from the app's own page is accepted
    _post(
        client, _url(doc, "/techniques"), {"reviewer": "ann", "action": "reject", "key": key}, 201
    )


def test_openapi_lists_the_review_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in (
        ("/api/documents/{doc_id}/review", "get"),
        ("/api/documents/{doc_id}/review/techniques", "post"),
        ("/api/documents/{doc_id}/review/attributions", "post"),
        ("/api/documents/{doc_id}/review/done", "post"),
        ("/api/review/report", "get"),
    ):
        assert paths[path][method]["tags"] == ["review"], path
    body = spec["components"]["schemas"]["TechniqueCorrection"]["properties"]
    assert body["reviewer"]["maxLength"] == 80


# -- ?reviewed=only ------------------------------------------------------------------------------


def test_reviewed_only_counts_and_says_so(client: TestClient, store: Store, doc: Document) -> None:
    other = elsewhere_doc()
    store.add(other)
    st = client.get(_url(doc), params={"reviewer": "ann"}).json()
    evil = st["techniques"][0]["key"]
    tech = _url(doc, "/techniques")
    _post(client, tech, {"reviewer": "ann", "action": "reject", "key": evil}, 201)
    _post(
        client,
        _url(doc, "/attributions"),
        {"reviewer": "ann", "action": "speaker", "key": "a:a1", "speaker": "Bo Poe"},
        201,
    )
    a, b = _at(doc, "will fall")
    _post(
        client,
        tech,
        {"reviewer": "ann", "action": "add", "start": a, "end": b, "technique": "Slogans"},
        201,
    )
    _post(client, _url(doc, "/done"), {"reviewer": "ann"}, 200)

    model = client.get("/api/stats", params={"by": "technique"}).json()
    assert model["labels"] == "model" and model["documents"] == 2
    assert {r["group"]: r["spans"] for r in model["rows"]} == {
        "Loaded_Language": 2,
        "Name_Calling,Labeling": 1,
    }
    got = client.get("/api/stats", params={"by": "technique", "reviewed": "only"}).json()
    assert got["labels"] == "corrected" and got["documents"] == 1 and got["stories"] == 1
    assert {r["group"]: (r["spans"], r["stories"]) for r in got["rows"]} == {
        "Loaded_Language": (1, 1),
        "Slogans": (1, 1),
    }
    by_speaker = client.get("/api/stats", params={"by": "speaker", "reviewed": "only"}).json()
    assert [(r["group"], r["technique"]) for r in by_speaker["rows"]] == [("Bo Poe", "Slogans")]
    r = client.get("/api/stats", params={"by": "technique", "reviewed": "only", "format": "csv"})
    assert r.headers["x-spinscope-labels"] == "corrected"
    assert "spinscope-technique-reviewed.csv" in r.headers["content-disposition"]
    assert r.text.splitlines()[1:] == [
        "Loaded_Language,Loaded_Language,1,1,1,1",
        "Slogans,Slogans,1,1,1,1",
    ]
    r = client.get("/api/stats", params={"by": "technique", "format": "csv"})
    assert r.headers["x-spinscope-labels"] == "model"
    assert client.get("/api/stats", params={"reviewed": "all"}).status_code == 422

    html = client.get("/dashboard", params={"by": "technique", "reviewed": "only"}).text
    assert 'data-labels="corrected"' in html and "1 reviewed documents" in html
    assert "Slogans" in html and "Name_Calling" not in html
    assert 'href="/api/stats?by=technique&amp;format=csv&amp;reviewed=only"' in html
    html = client.get("/dashboard", params={"by": "technique"}).text
    assert 'data-labels="model"' in html
    assert 'id="reviewed-link" href="/dashboard?by=technique&amp;reviewed=only"' in html

    speakers = client.get("/api/speakers", params={"reviewed": "only"}).json()
    assert speakers["labels"] == "corrected" and speakers["documents"] == 1
    [poe] = speakers["items"]
    assert (poe["name"], poe["statements"], poe["documents"]) == ("Bo Poe", 1, 1)
    everyone = client.get("/api/speakers").json()
    assert everyone["labels"] == "model" and everyone["documents"] == 2
    assert {i["name"] for i in everyone["items"]} == {"Bo Poe", "Ann Roe"}
    one = client.get(f"/api/speakers/{poe['id']}", params={"reviewed": "only"}).json()
    assert one["labels"] == "corrected" and one["statements_total"] == 1
    assert one["statements"][0]["document"]["id"] == doc.id
    assert client.get(f"/api/speakers/{poe['id']}").json()["statements_total"] == 1
    assert client.get(f"/api/speakers/{poe['id']}").json()["labels"] == "model"
    page = client.get(f"/speakers/{poe['id']}", params={"reviewed": "only"}).text
    assert 'data-labels="corrected"' in page and "Reviewed articles only (1)" in page
    page = client.get("/speakers", params={"reviewed": "only"}).text
    assert (
        'data-labels="corrected"' in page and f'href="/speakers/{poe["id"]}?reviewed=only"' in page
    )
    assert "Ann Roe" not in page
    assert 'data-labels="model"' in client.get("/speakers").text


def test_report_routes(client: TestClient, doc: Document) -> None:
    r = client.get("/api/review/report")
    assert r.status_code == 404 and "no reviewed articles" in r.json()["error"]
    page = client.get("/review/report")
    assert page.status_code == 200 and 'id="review-report-empty"' in page.text
    _post(client, _url(doc, "/done"), {"reviewer": "ann"}, 200)
    report = client.get("/api/review/report").json()
    assert report["documents"] == 1
    assert client.get("/api/review/report", params={"reviewer": "bo"}).status_code == 404
    assert client.get("/api/review/report", params={"reviewer": "x" * 81}).status_code == 422
    assert 'id="review-precision"' in client.get("/review/report").text
