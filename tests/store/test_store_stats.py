from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from spinscope.document import Document
from spinscope.store import STATS_BY, StatRow, Store, stats, to_csv
from spinscope.store import schema as t
from spinscope.store.stats import stats_from_spans, story_stats, top_stats, with_stories
from spinscope.techniques.labels import TECHNIQUES
from stores import make_doc


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


# -- counting each distinct story once ------------------------------------------------------

WIRE = (
    "The minister called the opposition a gang of traitors on Monday and promised to crush "
    "the protests within a week. Officials in the capital said the army had been placed on "
    "alert while the talks with the union leaders were suspended until further notice. "
    "Prices of bread and fuel rose again in the markets of the old city this morning."
)
OTHER = (
    "A disaster, a total disaster, the farmers said of the harvest in the northern valleys. "
    "The rain had not come for three months and the wells of the villages were running dry "
    "while the water company raised its prices for the second time this year."
)
WIRE_TECHS = (
    ("gang of traitors", "Name_Calling,Labeling", 0.9),
    ("crush", "Loaded_Language", 0.8),
)


def _wire_copy(outlet: str, title: str, extra: str = "", author: str = "Wire Staff") -> Document:
    return make_doc(
        WIRE + extra,
        title=title,
        authors=(author,),
        outlet=outlet,
        published="2019-03-04",
        techniques=WIRE_TECHS,
        quotes=(("a gang of traitors", "called", "Ivan Petrov"),),
    )


@pytest.fixture
def syndicated(store: Store) -> Store:
    """One wire story in three outlets (the first ingested is Outlet A's), one other story."""
    store.add(_wire_copy("Outlet A", "Minister vows to crush protests"))
    other = make_doc(
        OTHER,
        title="Dry valleys",
        outlet="Outlet B",
        published="2019-04-01",
        techniques=(("A disaster", "Exaggeration,Minimisation", 0.6),),
    )
    store.add(other)
    store.add(_wire_copy("Outlet B", "Crackdown promised", " Reporting by the desk."))
    store.add(_wire_copy("Outlet C", "Traitors, says minister", author="C Reporter"))
    return store


def test_story_counts_count_a_republished_story_once(syndicated: Store) -> None:
    assert syndicated.count() == 4 and syndicated.story_count() == 2
    raw = {r.technique: (r.spans, r.documents) for r in stats(syndicated, "technique")}
    once = {r.technique: (r.spans, r.documents) for r in story_stats(syndicated, "technique")}
    assert raw["Loaded_Language"] == (3, 3) and once["Loaded_Language"] == (1, 1)
    assert raw["Exaggeration,Minimisation"] == once["Exaggeration,Minimisation"] == (1, 1)
    # by outlet, the story goes to its earliest-ingested copy (Outlet A); C only had the copy
    by_outlet = {(r.group, r.technique): r.spans for r in story_stats(syndicated, "outlet")}
    assert by_outlet == {
        ("Outlet A", "Loaded_Language"): 1,
        ("Outlet A", "Name_Calling,Labeling"): 1,
        ("Outlet B", "Exaggeration,Minimisation"): 1,
    }


def test_story_counts_equal_a_corpus_of_the_earliest_copies(
    syndicated: Store, tmp_path: Path
) -> None:
    """The reference: a store holding only the first-ingested document of each story."""
    docs = t.documents
    with syndicated.engine.connect() as conn:
        seq_of = dict(conn.execute(select(docs.c.id, docs.c.seq)).all())
    copies = syndicated.later_copies()
    assert len(copies) == 2
    earliest = sorted((seq, i) for i, seq in seq_of.items() if seq not in copies)
    reps = [syndicated.get(i) for _seq, i in earliest]
    assert [d.outlet for d in reps if d] == ["Outlet A", "Outlet B"]
    with Store(f"sqlite:///{tmp_path}/reference.db") as ref:
        ref.add_many(d for d in reps if d)
        for by in STATS_BY:
            assert story_stats(syndicated, by) == stats(ref, by), by


def test_representative_stays_the_earliest_copy(syndicated: Store) -> None:
    before = {by: story_stats(syndicated, by) for by in STATS_BY}
    syndicated.add(_wire_copy("Outlet D", "Late copy", " Updated with more reporting today."))
    assert syndicated.story_count() == 2
    assert {by: story_stats(syndicated, by) for by in STATS_BY} == before
    assert sum(r.spans for r in stats(syndicated, "technique")) == 9  # raw: 4 copies × 2 + 1


def test_story_counts_without_duplicates_are_the_raw_counts(filled: Store) -> None:
    assert filled.later_copies() == frozenset()
    for by in STATS_BY:
        assert story_stats(filled, by) == stats(filled, by)


def test_story_counts_for_the_dashboard_groups_only(syndicated: Store) -> None:
    rows, _n = top_stats(syndicated, "outlet", top=1)
    assert {r.group for r in rows} == {"Outlet B"}  # 3 raw spans: its copy of the wire story
    assert [(r.group, r.technique, r.spans) for r in story_stats(syndicated, "outlet", rows)] == [
        ("Outlet B", "Exaggeration,Minimisation", 1)
    ]
    assert story_stats(syndicated, "outlet", []) == []
    speaker = [
        (r.group, r.technique, r.spans, r.documents) for r in story_stats(syndicated, "speaker")
    ]
    assert speaker == [("Ivan Petrov", "Name_Calling,Labeling", 1, 1)]  # raw: 3 spans, 3 documents


def test_story_counts_beside_raw_in_dicts_and_csv(syndicated: Store) -> None:
    rows = stats(syndicated, "outlet")
    once = story_stats(syndicated, "outlet", rows)
    merged = {(d["group"], d["technique"]): d for d in with_stories(rows, once)}
    assert merged[("Outlet C", "Loaded_Language")] == {
        "group": "Outlet C",
        "technique": "Loaded_Language",
        "spans": 1,
        "documents": 1,
        "story_spans": 0,
        "stories": 0,
    }
    assert merged[("Outlet A", "Loaded_Language")]["story_spans"] == 1
    table = list(csv.DictReader(io.StringIO(to_csv(rows, once))))
    assert list(table[0]) == ["group", "technique", "spans", "documents", "story_spans", "stories"]
    assert sum(int(r["spans"]) for r in table) == 7
    assert sum(int(r["story_spans"]) for r in table) == 3
