"""The review report page (templates/review_report.html) and its JSON twin."""

from __future__ import annotations

from fastapi.testclient import TestClient
from review_fixtures import analysed_doc, key, two_reviewers

from spinscope.review.report import build_report
from spinscope.store import Store
from spinscope.web.app import create_app


def _client(store: Store) -> TestClient:
    return TestClient(create_app(store=store, pipeline=lambda d: d), base_url="http://127.0.0.1")


def test_report_page_shows_the_reports_figures(store: Store) -> None:
    two_reviewers(store)
    client = _client(store)
    page = client.get("/review/report")
    assert page.status_code == 200
    html = page.text
    assert 'id="review-precision"' in html
    assert "66.7 %" in html and "(2/3)" in html  # shown highlights right, ben's verdicts
    assert "ana / ben" in html and "0.385" in html  # kappa of the technique verdicts, 5/13
    assert build_report(store)["ptc"]["si"]["printed"] in html
    assert client.get("/api/review/report").json() == build_report(store)


def test_report_page_without_reviews_and_escaping(store: Store) -> None:
    client = _client(store)
    page = client.get("/review/report")
    assert page.status_code == 200 and 'id="review-report-empty"' in page.text
    doc = analysed_doc()
    store.add(doc)
    from spinscope.store import review as rv

    name = "<img src=x onerror=alert(1)>"
    rv.add_correction(
        store, doc.id, name, "techniques", "confirm", key("a total disaster", "Loaded_Language"), {}
    )
    rv.mark_reviewed(store, doc.id, name)
    html = client.get("/review/report", params={"reviewer": name}).text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
