"""Issue 21: a speaker the article does not settle is shown as the mention, marked unresolved —
in the article view, the speakers page and ``/api/speakers`` — and never becomes a corpus
speaker."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from spinscope.document import Document, Source, Span
from spinscope.store import Store
from spinscope.store.speakers import unresolved_statements
from spinscope.web.app import create_app

TEXT = (
    "Senator Maria Delgado said the bill would pass this week.\n\n"
    "He said the vote had been delayed again."
)


def _piece(text: str, words: str) -> dict[str, object]:
    a = text.index(words)
    return {"start": a, "end": a + len(words), "text": words}


def _doc() -> Document:
    doc = Document(TEXT, source=Source(kind="text"))
    named = Span(
        TEXT.index("the bill"),
        TEXT.index(" this week") + len(" this week"),
        "indirect",
        {
            "id": "a1",
            "cue": _piece(TEXT, "said"),
            "source": _piece(TEXT, "Senator Maria Delgado"),
            "speaker": {"name": "Maria Delgado", "role": "Senator", "type": "person"},
            "venue": None,
        },
    )
    start = TEXT.index("the vote")
    unresolved = Span(
        start,
        start + len("the vote had been delayed again"),
        "indirect",
        {
            "id": "a2",
            "cue": {"start": start - 5, "end": start - 1, "text": "said"},
            "source": _piece(TEXT, "He"),
            "speaker": {"name": None, "role": None, "type": "person"},
            "venue": None,
        },
    )
    doc.set_layer("attributions", [named, unresolved])
    return doc


def test_unresolved_is_no_corpus_speaker_and_is_counted(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    try:
        store.add(_doc())
        total, items = store.speakers()
        assert [i["name"] for i in items] == ["Maria Delgado"] and total == 1
        with store.engine.connect() as conn:
            assert unresolved_statements(conn) == 1
        client = TestClient(create_app(store=store), base_url="http://127.0.0.1:8000")
        listed = client.get("/api/speakers").json()
        assert listed["unresolved"] == 1 and listed["total"] == 1
        assert 'id="unresolved-count">1 statement with an unresolved speaker' in (
            client.get("/speakers").text
        )
        doc_id = client.get("/api/documents").json()["items"][0]["id"]
        page = client.get(f"/documents/{doc_id}").text
        assert "“He” (unresolved)" in page
    finally:
        store.close()
