"""Speakers as corpus entities: one person across articles, ambiguous surnames apart."""

from __future__ import annotations

import pytest

from spinscope.document import Document
from spinscope.store import Store, stats
from spinscope.store.engine import migrate
from spinscope.store.speakers import clean_name, key_of
from spinscope.store.stats import stats_from_spans
from stores import make_doc


@pytest.mark.parametrize(
    ("name", "type_", "expected"),
    [
        ("Donald J. Trump", "person", "donald trump"),
        ("President Donald Trump’s", "person", "donald trump"),
        ("Donald  Trump's", "person", "donald trump"),
        ("Robert S. Mueller III", "person", "robert mueller"),
        ("José Álvarez", "person", "jose alvarez"),
        ("Cardinal Burke", "person", "burke"),
        ("the White House", "organization", "white house"),
        ("Twitter\nCNN", "organization", None),
        ("officials", "person", None),
        ("Officials", "person", None),
        ("ICE officials", "person", None),
        ("Trump’s Stalinist", "person", None),
        ("Facebook, Zakkout", "organization", None),
        ("he", "person", None),
        ("Swedish TV", "unknown", None),
        ("1234", "person", None),
    ],
)
def test_keys_and_non_entities(name: str, type_: str, expected: str | None) -> None:
    cleaned = clean_name(name, type_)
    assert (key_of(cleaned, type_).key if cleaned else None) == expected


def said(i: int, *names: str | tuple[str, ...]) -> Document:
    """A document in which each name says one thing (a tuple gives (name, type[, role]))."""
    parts, quotes = [], []
    for j, n in enumerate(names):
        spec = (n,) if isinstance(n, str) else n
        phrase = f"claim {i}-{j} is evil"
        parts.append(f'"{phrase}," said the speaker.')
        quotes.append((phrase, "said", *spec))
    return make_doc(
        " ".join(parts),
        title=f"Doc {i}",
        published=f"2019-0{1 + i % 9}-01",
        techniques=tuple(
            (f"claim {i}-{j} is evil", "Loaded_Language", 0.9) for j in range(len(names))
        ),
        quotes=tuple(quotes),
    )


def groups(store: Store) -> dict[str, set[str]]:
    """Speaker name → its name variants."""
    _, items = store.speakers(limit=500)
    out = {}
    for it in items:
        sp = store.speaker(it["id"])
        assert sp is not None
        out[sp["name"]] = {v["name"] for v in sp["variants"]}
    return out


def test_one_person_across_articles_and_within_one(store: Store) -> None:
    store.add(said(1, "Donald J. Trump", "Trump"))
    store.add(said(2, ("President Donald Trump", "person", "president")))
    store.add(said(3, "Donald Trump's"))
    store.add(said(4, "Jim Acosta", "Acosta", ("Acosta", "organization")))
    store.add(said(6, "Debbie Wasserman Schultz", "Wasserman Schultz"))
    assert groups(store) == {
        "Donald J. Trump": {"Donald J. Trump", "Trump", "President Donald Trump", "Donald Trump"},
        "Jim Acosta": {"Jim Acosta", "Acosta"},
        "Debbie Wasserman Schultz": {"Debbie Wasserman Schultz", "Wasserman Schultz"},
    }
    assert stats(store, "speaker") == stats_from_spans(store, "speaker")
    assert {r.group for r in stats(store, "speaker")} == {
        "Donald J. Trump",
        "Jim Acosta",
        "Debbie Wasserman Schultz",
    }


def test_surname_first_then_full_name_merges_and_recounts(store: Store) -> None:
    store.add(said(1, "Lasnik"))
    store.add(said(2, "Lasnik"))
    assert set(groups(store)) == {"Lasnik"}
    store.add(said(3, "Robert Lasnik"))
    assert groups(store) == {"Robert Lasnik": {"Robert Lasnik", "Lasnik"}}
    rows = stats(store, "speaker")
    assert rows == stats_from_spans(store, "speaker")
    assert [(r.group, r.spans, r.documents) for r in rows] == [("Robert Lasnik", 3, 3)]


def test_ambiguous_surname_stays_apart(store: Store) -> None:
    store.add(said(1, "Karen Monahan"))
    store.add(said(2, "Monahan"))  # only one Monahan known so far: it is Karen
    assert set(groups(store)) == {"Karen Monahan"}
    store.add(said(3, "Bob Monahan", "Monahan"))  # in its own article it is Bob
    store.add(said(4, "Monahan"))
    g = groups(store)
    assert g == {
        "Karen Monahan": {"Karen Monahan"},
        "Bob Monahan": {"Bob Monahan", "Monahan"},
        "Monahan": {"Monahan"},
    }
    monahan = next(i for i in store.speakers(q="monahan")[1] if i["name"] == "Monahan")
    assert monahan["statements"] == 2  # documents 2 and 4: which Monahan is unknown
    assert stats(store, "speaker") == stats_from_spans(store, "speaker")


def test_non_entities_never_become_speakers(store: Store) -> None:
    store.add(said(1, "Twitter\nCNN", "officials", ("he", "unknown"), "Officials", "Ann Roe"))
    assert set(groups(store)) == {"Ann Roe"}
    assert {r.group for r in stats(store, "speaker")} == {"Ann Roe"}


def test_speaker_page_data(store: Store) -> None:
    store.add(said(1, ("Ann Roe", "person", "senator")))
    store.add(said(5, ("Sen. Ann Roe", "person", "majority leader"), "Bo Poe"))
    total, items = store.speakers()
    assert total == 2 and items[0]["name"] == "Ann Roe" and items[0]["statements"] == 2
    sp = store.speaker(items[0]["id"])
    assert sp is not None
    assert sp["documents"] == 2 and sp["statements_total"] == 2
    assert [s["document"]["title"] for s in sp["statements"]] == ["Doc 5", "Doc 1"]
    assert sp["statements"][0]["text"] == "claim 5-0 is evil"
    assert sp["statements"][0]["techniques"][0]["technique"] == "Loaded_Language"
    assert sp["techniques"] == [{"technique": "Loaded_Language", "spans": 2, "documents": 2}]
    assert [(r["role"], r["first"], r["last"]) for r in sp["roles"]] == [
        ("senator", "2019-02-01", "2019-02-01"),
        ("majority leader", "2019-06-01", "2019-06-01"),
    ]
    assert {v["name"] for v in sp["variants"]} == {"Ann Roe", "Sen. Ann Roe"}
    assert store.speaker(10**6) is None
    doc = said(5, ("Sen. Ann Roe", "person", "majority leader"), "Bo Poe")
    assert store.speaker_ids(doc) == {"Sen. Ann Roe": items[0]["id"], "Bo Poe": items[1]["id"]}


def test_migration_0004_links_an_old_store(store: Store) -> None:
    store.add(said(1, "Trump"))
    store.add(said(2, "Donald J. Trump", "Twitter\nCNN"))
    migrate(store.engine, "0003", downgrade=True)
    migrate(store.engine)
    assert groups(store) == {"Donald J. Trump": {"Donald J. Trump", "Trump"}}
    assert stats(store, "speaker") == stats_from_spans(store, "speaker")
