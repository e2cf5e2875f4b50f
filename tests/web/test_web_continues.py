"""A statement in pieces ("“…,” said Ann Roe. “…”") on the corpus views: ``/api/speakers``
counts it once, the speaker's page and JSON show its second piece under it ("… continued")."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spinscope.store import Store
from stores import quotation_in_pieces


def _ann(client: TestClient) -> dict[str, object]:
    items = client.get("/api/speakers").json()["items"]
    return next(i for i in items if i["name"] == "Ann Roe")


def test_api_speakers_counts_a_statement_in_pieces_once(client: TestClient, store: Store) -> None:
    store.add(quotation_in_pieces())
    listed = client.get("/api/speakers").json()
    assert {i["name"]: i["statements"] for i in listed["items"]} == {"Ann Roe": 1, "Bo Poe": 1}
    assert listed["unresolved"] == 0
    sp = client.get(f"/api/speakers/{_ann(client)['id']}").json()
    assert sp["statements_total"] == 1 and len(sp["statements"]) == 1
    (st,) = sp["statements"]
    assert st["cue"] == "said" and st["text"] == "The evil plan failed"
    assert [p["text"] for p in st["continued"]] == ["And the corrupt deal failed too"]
    table = client.get("/speakers").text
    assert '<td>person</td><td class="num">1</td>' in table and 'id="pieces-note"' in table


def test_speaker_page_shows_the_second_piece_under_its_statement(
    client: TestClient, store: Store
) -> None:
    store.add(quotation_in_pieces())
    page = client.get(f"/speakers/{_ann(client)['id']}").text
    assert "1 statement in 1 document" in page
    listed = page[page.index('id="statements"') :]
    assert listed.count("<li>\n") == 1  # one statement, not two
    first, piece = listed.index("The evil plan failed"), listed.index("And the corrupt deal")
    assert first < listed.index("… continued") < piece < listed.index("</li>")
    assert "“corrupt”" in listed  # the piece's technique span is listed with the statement
