from __future__ import annotations

import csv
import io

import pytest

from conftest import make_doc
from spinscope.store import STATS_BY, StatRow, Store, stats, to_csv
from spinscope.store.stats import stats_from_spans, top_stats
from spinscope.techniques.labels import TECHNIQUES


@pytest.fixture
def filled(store: Store) -> Store:
    store.add(
        make_doc(
            'Officials said "the enemy is evil" and the evil plan failed.',
            title="One",
            authors=("Ann", "Bob"),
            outlet="Outlet A",
            published="2019-03-02",
            techniques=(
                ('evil"', "Loaded_Language", 0.9),
                ("evil plan", "Loaded_Language", 0.8),
                ("the enemy", "Name_Calling,Labeling", 0.7),
            ),
            quotes=(("the enemy is evil", "said", "Gen. Smith"),),
        )
    )
    store.add(
        make_doc(
            "A disaster, a total disaster.",
            title="Two",
            authors=("Bob",),
            outlet=None,
            published=None,
            techniques=(("A disaster", "Exaggeration,Minimisation", 0.6),),
        )
    )
    return store


def test_by_technique(filled: Store) -> None:
    assert stats(filled, "technique") == [
        StatRow("Exaggeration,Minimisation", "Exaggeration,Minimisation", 1, 1),
        StatRow("Loaded_Language", "Loaded_Language", 2, 1),
        StatRow("Name_Calling,Labeling", "Name_Calling,Labeling", 1, 1),
    ]


def test_by_outlet_and_month_count_unknowns(filled: Store) -> None:
    assert stats(filled, "outlet") == [
        StatRow("(unknown)", "Exaggeration,Minimisation", 1, 1),
        StatRow("Outlet A", "Loaded_Language", 2, 1),
        StatRow("Outlet A", "Name_Calling,Labeling", 1, 1),
    ]
    assert {(r.group, r.technique, r.spans) for r in stats(filled, "month")} == {
        ("(unknown)", "Exaggeration,Minimisation", 1),
        ("2019-03", "Loaded_Language", 2),
        ("2019-03", "Name_Calling,Labeling", 1),
    }


def test_by_author_counts_each_author(filled: Store) -> None:
    rows = {(r.group, r.technique): (r.spans, r.documents) for r in stats(filled, "author")}
    assert rows == {
        ("Ann", "Loaded_Language"): (2, 1),
        ("Ann", "Name_Calling,Labeling"): (1, 1),
        ("Bob", "Loaded_Language"): (2, 1),
        ("Bob", "Name_Calling,Labeling"): (1, 1),
        ("Bob", "Exaggeration,Minimisation"): (1, 1),
    }


def test_by_speaker_counts_only_their_voice(filled: Store) -> None:
    # "evil plan" is outlet narration, so the speaker gets one Loaded_Language and one label.
    assert stats(filled, "speaker") == [
        StatRow("Gen. Smith", "Loaded_Language", 1, 1),
        StatRow("Gen. Smith", "Name_Calling,Labeling", 1, 1),
    ]


def test_unknown_dimension_is_an_error(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown statistic"):
        stats(store, "colour")


def test_empty_store_has_no_rows(store: Store) -> None:
    for by in STATS_BY:
        assert stats(store, by) == []


def test_csv_export_round_trips_and_defuses_formulas() -> None:
    rows = [StatRow('=HYPERLINK("x")', "Slogans", 3, 2), StatRow('Out, "A"', "Doubt", 1, 1)]
    parsed = list(csv.reader(io.StringIO(to_csv(rows))))
    assert parsed[0] == ["group", "technique", "spans", "documents"]
    assert parsed[1] == ['\'=HYPERLINK("x")', "Slogans", "3", "2"]
    assert parsed[2] == ['Out, "A"', "Doubt", "1", "1"]


def test_counts_match_the_span_aggregate_on_varied_documents(store: Store) -> None:
    import random

    rng = random.Random(3)
    names = list(TECHNIQUES)
    docs = []
    for i in range(25):
        words = [f"w{i}x{k}" for k in range(30)]
        body = " ".join(words)
        quotes = ((" ".join(words[5:12]), words[13], f"Speaker {rng.randint(0, 3)}"),)
        techs = tuple(
            (" ".join(words[s : s + rng.randint(1, 4)]), rng.choice(names), rng.random())
            for s in rng.sample(range(25), 6)
        )
        docs.append(
            make_doc(
                body,
                title=f"Doc {i}",
                authors=tuple(rng.sample(["A", "B", "C", "=D"], rng.randint(0, 2))),
                outlet=rng.choice([None, "X", "Y"]),
                published=rng.choice([None, "2018-05-01", "2019-11-30", "bad date"]),
                techniques=techs,
                quotes=quotes,
            )
        )
    store.add_many(docs[:10])
    for d in docs[10:]:
        store.add(d)
    store.add(docs[0])  # already present: must not count twice
    for by in STATS_BY:
        assert stats(store, by) == stats_from_spans(store, by), by


def test_top_stats_picks_the_biggest_groups(filled: Store) -> None:
    rows, n = top_stats(filled, "author", top=1)
    assert n == 2
    assert {r.group for r in rows} == {"Bob"}  # 4 spans against Ann's 3
    assert rows == [r for r in stats(filled, "author") if r.group == "Bob"]
    rows, n = top_stats(filled, "month", top=1)
    assert n == 2 and {r.group for r in rows} == {"2019-03"}  # latest first; "(" sorts low
    assert top_stats(filled, "speaker", top=0) == ([], 1)
