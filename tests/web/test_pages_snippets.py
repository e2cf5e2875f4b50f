"""Snippets come from the article body (issue 24): a page's cookie notice and menus open its
text, but the Documents list shows how the article opens."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

PAGE = Path(__file__).resolve().parents[1] / "data" / "html" / "rt-summary-also-on.html"


def test_documents_list_snippet_is_the_body(client: TestClient) -> None:
    with PAGE.open("rb") as f:
        r = client.post("/api/analyze", files={"file": (PAGE.name, f, "text/html")})
    assert r.status_code == 201, r.text
    items = client.get("/api/documents").json()["items"]
    (item,) = items
    assert item["snippet"].startswith("Twitter has suspended dozens of accounts")
    assert "cookies" not in item["snippet"] and "icon bookmark" not in item["snippet"]
    page = client.get("/documents").text
    assert "Twitter has suspended dozens" in page and "This website uses cookies" not in page


def test_plain_text_snippets_start_at_the_body(client: TestClient) -> None:
    text = (
        "Menu\nHome | News | Sport\n\nBy Ann Lee\n\nThe council voted on Monday to close the pier."
    )
    client.post("/api/analyze", json={"text": text})
    (item,) = client.get("/api/documents").json()["items"]
    assert item["snippet"].startswith("The council voted")
