"""Pasted text (issue 24): the Analyze form's CRLF line ends are the form's, not the text's, so
the same article pasted and ingested from its file is one document; "Also published as"
entries can be told apart (title, outlet, date, where each came from, its id)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spinscope.store import Store


def test_pasted_text_with_crlf_is_the_same_document_as_its_file(
    client: TestClient, store: Store, sample_text: str
) -> None:
    lf = sample_text.replace("\r\n", "\n")
    stored = client.post("/api/analyze", json={"text": lf})  # as `spinscope ingest` reads a file
    assert stored.status_code == 201
    pasted = client.post(
        "/analyze", data={"text": lf.replace("\n", "\r\n")}, follow_redirects=False
    )
    assert pasted.status_code == 303
    assert pasted.headers["location"] == f"/documents/{stored.json()['id']}"
    assert store.count() == 1
    doc = store.get(stored.json()["id"])
    assert doc is not None and "\r" not in doc.text


def test_json_text_keeps_its_line_ends(client: TestClient, sample_text: str) -> None:
    # an API client sends the text as it is: only the HTML form's encoding is undone
    lf = sample_text.replace("\r\n", "\n")
    a = client.post("/api/analyze", json={"text": lf}).json()
    b = client.post("/api/analyze", json={"text": lf.replace("\n", "\r\n")}).json()
    assert a["id"] != b["id"] and "\r\n" in b["text"]


def test_also_published_as_tells_copies_apart(client: TestClient, sample_text: str) -> None:
    lf = sample_text.replace("\r\n", "\n")
    a = client.post("/api/analyze", json={"text": lf}).json()
    b = client.post(
        "/api/analyze",
        json={"text": lf + "\n\nSubscribe to our newsletter", "url": "https://example.org/<copy>"},
    ).json()
    page = client.get(f"/documents/{a['id']}").text
    also = page[page.index('id="also-published"') :]
    also = also[: also.index("</div>")]
    assert f"<code>{b['id'][:12]}</code>" in also
    assert "https://example.org/&lt;copy&gt;" in also and "no date" in also
    back = client.get(f"/documents/{b['id']}").text
    back = back[back.index('id="also-published"') :]
    assert "pasted text" in back[: back.index("</div>")]
