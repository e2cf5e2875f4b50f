from __future__ import annotations

import threading

import pytest

from spinscope.document import Document
from spinscope.store import Store
from spinscope.store.store import month_of, query_terms, snippet
from stores import make_doc

BODY = (
    'The minister said "these traitors will pay" on Monday. Critics called it a disgrace. '
    "Tyrants always fall, the editorial claimed."
)


def _doc(**kw: object) -> Document:
    return make_doc(
        BODY,
        techniques=(
            ("traitors", "Name_Calling,Labeling", 0.91),
            ("a disgrace", "Loaded_Language", 0.55),
            ("Tyrants always fall", "Slogans", 0.4),
        ),
        quotes=(("these traitors will pay", "said", "Ann Minister"),),
        **kw,  # type: ignore[arg-type]
    )


def test_round_trip_is_exact(store: Store) -> None:
    doc = _doc()
    doc.meta["note"] = "kept"
    assert store.add(doc) is True
    back = store.get(doc.id)
    assert back is not None
    assert back.to_dict() == doc.to_dict()
    assert back.layer("techniques")[0].attrs["voice"] == {"kind": "attributed", "attribution": "a1"}
    assert store.get("0" * 16) is None


def test_ingest_is_idempotent_by_content_hash(store: Store) -> None:
    doc = _doc()
    same_text_other_source = Document.from_dict(doc.to_dict())
    same_text_other_source.source.path = "elsewhere.txt"
    other = _doc(title="Another title")
    assert store.add_many([doc, same_text_other_source, other]) == [True, False, True]
    assert store.add(doc) is False
    assert store.count() == 2
    assert store.contains(doc.id) and store.contains(other.id)


def test_concurrent_adds_of_one_document_store_it_once(store: Store) -> None:
    doc = _doc()
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(store.add(Document.from_dict(doc.to_dict())))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert sorted(results) == [False] * 5 + [True]
    assert store.count() == 1


def test_search_words_stems_and_ranks(store: Store) -> None:
    a = _doc(title="Tyrants and traitors")
    b = make_doc("Weather today is mild and pleasant.", title="Weather report")
    store.add_many([a, b])
    hit = store.search("tyrant")
    assert hit.total == 1 and [i.id for i in hit.items] == [a.id]
    assert hit.items[0].title == "Tyrants and traitors"
    assert hit.items[0].authors == ["Jane Roe"]
    assert hit.items[0].n_techniques == 3 and hit.items[0].n_attributions == 1
    assert store.search("weather mild").items[0].id == b.id
    assert store.search("weather tyrant").total == 0  # all words must match
    everything = store.search(None)
    assert everything.total == 2 and [i.id for i in everything.items] == [b.id, a.id]
    page = store.search("", limit=1, offset=1)
    assert page.total == 2 and [i.id for i in page.items] == [a.id]


@pytest.mark.parametrize(
    "q, total",
    [
        ('"', 1),  # no words: every document, as an empty query
        ("*", 1),
        ("^", 1),
        ("-x", 0),  # the word "x", not "everything but x"
        ("'; DROP TABLE documents; --", 0),  # three words no document has
        ("NEAR(a b", 0),  # "near" and "b" appear nowhere: not the NEAR operator
        ('traitors"', 1),  # a stray quote does not break the word before it
        ("-traitors", 1),  # not a negation
        ("AND(", None),  # None: same as the words typed plainly (stop words differ by backend)
        ("traitors OR", None),
    ],
)
def test_hostile_queries_are_words_not_syntax(store: Store, q: str, total: int | None) -> None:
    store.add(_doc())
    result = store.search(q)
    plain = store.search(" ".join(query_terms(q)))
    assert result.total == plain.total
    assert [i.id for i in result.items] == [i.id for i in plain.items]
    if total is not None:
        assert result.total == total
    assert store.count() == 1


def test_unicode_and_long_text(store: Store) -> None:
    body = "Café «Zürich» — naïve résumé. " * 2000 + "needle"
    doc = make_doc(body, title="Ünïcode 🚀")
    store.add(doc)
    back = store.get(doc.id)
    assert back is not None and back.text == doc.text
    assert store.search("needle").total == 1
    assert store.search("zürich").total == 1


def test_month_of() -> None:
    assert month_of("2019-03-02T10:00:00Z") == "2019-03"
    assert month_of("2019-13-01") is None
    assert month_of("March 2019") is None
    assert month_of(None) is None


def test_query_terms_and_snippet() -> None:
    assert query_terms('"a" AND(b*') == ["a", "AND", "b"]
    text = "x " * 200 + "needle in the haystack " + "y " * 200
    s = snippet(text, ["NEEDLE"])
    assert "needle in the haystack" in s and s.startswith("…") and s.endswith("…")
    assert snippet("short", []) == "short"
