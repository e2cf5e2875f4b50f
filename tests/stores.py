"""Stores and articles for the store, review and web tests (importable as ``stores``: pytest puts
``tests/`` on the path with tests/conftest.py).

:data:`STORE_KINDS` and :func:`open_store`: a fresh store on SQLite and, when
SPINSCOPE_TEST_PG_URL is set, on PostgreSQL (in a schema of its own, dropped afterwards).
:func:`make_doc`: a hand-built analysed article (:func:`technique_span`: its technique spans);
:data:`REVIEW_BODY`, :func:`elsewhere_doc` and :func:`stat_corpus`: articles the tests share.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from spinscope.document import Document, Source, Span
from spinscope.store import Store

PG_URL = os.environ.get("SPINSCOPE_TEST_PG_URL")
PG_MISSING = (
    "needs PostgreSQL: SPINSCOPE_TEST_PG_URL is not set "
    "(postgresql://user:password@host:port/database; .ci/run starts a server and sets it)"
)
#: ``params`` of a ``store`` fixture: SQLite, and PostgreSQL (skipped, saying why, without one)
STORE_KINDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=PG_MISSING)],
    ),
]


@contextmanager
def _pg_schema() -> Iterator[str]:
    """The URL of a fresh schema on SPINSCOPE_TEST_PG_URL's database, dropped afterwards."""
    import sqlalchemy as sa

    from spinscope.store import make_engine

    assert PG_URL
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield PG_URL + sep + "options=" + quote(f"-csearch_path={schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _opened(url: str) -> Iterator[Store]:
    store = Store(url)
    store.url_for_tests = url  # type: ignore[attr-defined]
    try:
        yield store
    finally:
        store.close()


@contextmanager
def open_store(kind: str, sqlite_path: Path) -> Iterator[Store]:
    """A fresh store of ``kind`` (one of :data:`STORE_KINDS`), closed afterwards: SQLite at
    ``sqlite_path``, or PostgreSQL in a schema of its own. ``store.url_for_tests``: its URL."""
    if kind == "sqlite":
        with _opened(f"sqlite:///{sqlite_path}") as store:
            yield store
    else:
        with _pg_schema() as url, _opened(url) as store:
            yield store


def make_doc(
    body: str,
    *,
    title: str = "A title",
    authors: tuple[str, ...] = ("Jane Roe",),
    outlet: str | None = "Daily Example",
    published: str | None = "2019-03-02",
    url: str | None = None,
    techniques: tuple[tuple[str, str, float], ...] = (),
    quotes: tuple[tuple[str, ...], ...] = (),
) -> Document:
    """A hand-built analysed document.

    ``techniques``: (phrase in body, technique, confidence); ``quotes``: (quoted phrase,
    cue word, speaker name[, speaker type[, role]]). A technique inside a quote gets that quote's attribution as voice.
    """
    text = f"{title}\n\n{body}"
    doc = Document(
        text=text,
        source=Source(path="mem.txt", url=url, kind="text"),
        title=title,
        authors=list(authors),
        published=published,
        outlet=outlet,
    )
    b0 = len(title) + 2
    doc.set_layer("regions", [Span(0, len(title), "title"), Span(b0, len(text), "body")])
    atts = []
    for i, (phrase, cue, speaker, *kind) in enumerate(quotes, 1):
        s = text.index(phrase, b0)
        c = text.index(cue, b0)
        atts.append(
            Span(
                s,
                s + len(phrase),
                "direct",
                {
                    "id": f"a{i}",
                    "cue": {"start": c, "end": c + len(cue), "text": cue},
                    "source": None,
                    "speaker": {
                        "name": speaker,
                        "role": kind[1] if len(kind) > 1 else None,
                        "type": kind[0] if kind else "person",
                    },
                    "venue": None,
                },
            )
        )
    doc.set_layer("attributions", atts)
    techs = [
        technique_span(text.index(phrase, b0), phrase, tech, conf, atts)
        for phrase, tech, conf in techniques
    ]
    doc.set_layer("techniques", techs)
    return doc


def technique_span(
    start: int, phrase: str, technique: str, confidence: float, attributions: list[Span]
) -> Span:
    """A technique span over ``phrase`` at ``start``; its voice: the statement of
    ``attributions`` it starts in, else the outlet's."""
    voice: dict[str, object] = {"kind": "outlet", "attribution": None}
    for a in attributions:
        if a.start <= start < a.end:
            voice = {"kind": "attributed", "attribution": a.attrs["id"]}
    return Span(start, start + len(phrase), technique, {"confidence": confidence, "voice": voice})


#: The body of the review tests' article (its techniques and statement: each test's own).
REVIEW_BODY = (
    'Officials said "the evil enemy will fall" and the corrupt plan failed. '
    "Critics called it a disgrace, warned Bo Poe."
)


def elsewhere_doc() -> Document:
    """Another outlet's article beside the review article: one Loaded_Language span inside one
    statement of Bo Poe's."""
    return make_doc(
        'Elsewhere "a shameful plan" was described, said Bo Poe.',
        title="Other",
        outlet="Other Outlet",
        techniques=(("shameful", "Loaded_Language", 0.9),),
        quotes=(("a shameful plan", "said", "Bo Poe"),),
    )


def stat_corpus() -> list[Document]:
    """Four articles for the count tests: two techniques each and one statement (Gen. Ann Roe's or
    Bo Poe's), by Ann and one of two writers, in no outlet or one of two, over three months."""
    return [
        make_doc(
            f'Body {i}: officials said "evil {i} enemy" and evil plans failed.',
            title=f"T{i}",
            authors=("Ann", f"Writer {i % 2}"),
            outlet=None if i == 0 else f"Outlet {i % 2}",
            published=f"2019-0{1 + i % 3}-02",
            techniques=(("evil", "Loaded_Language", 0.9), ("enemy", "Name_Calling,Labeling", 0.7)),
            quotes=((f"evil {i} enemy", "said", ("Gen. Ann Roe", "Bo Poe")[i % 2]),),
        )
        for i in range(4)
    ]


#: The body of :func:`quotation_in_pieces`: one quotation of Ann Roe's in two pieces around its
#: cue, then a statement of Bo Poe's.
PIECES_BODY = (
    "“The evil plan failed,” said Ann Roe, the mayor. “And the corrupt deal failed too.” "
    'Later Bo Poe said "a quiet week ahead" for the city.'
)


def quotation_in_pieces(
    speaker: str = "Ann Roe", type_: str = "person", title: str = "Pieces"
) -> Document:
    """An article with one statement in two pieces ("“…,” said Ann Roe. “…”": rows a1 and a2,
    a2 ``continues`` a1, one technique span in each) and one statement of Bo Poe's (a3)."""
    doc = make_doc(
        PIECES_BODY,
        title=title,
        techniques=(("evil", "Loaded_Language", 0.9), ("corrupt", "Loaded_Language", 0.8)),
        quotes=(
            ("The evil plan failed", "said", speaker, type_, "mayor"),
            ("And the corrupt deal failed too", "said", speaker, type_, "mayor"),
            ("a quiet week ahead", "Bo Poe said", "Bo Poe"),
        ),
    )
    atts = doc.layer("attributions")
    atts[1].attrs["continues"] = "a1"
    doc.set_layer("attributions", atts)
    return Document.from_dict(doc.to_dict())  # as the reader would load it (checks continues)


#: Vocabulary of ``story``: random news-like words, so stories of different seeds share almost
#: no 5-word shingles (near-duplicate tests) while copies of one seed are the same text.
WORDS = (
    "government minister election border policy report police court market energy health "
    "school war peace trade union crisis budget vote tax city village army leader party press "
    "people worker farmer price oil gas water road rail port bank loan debt law rule right"
).split()


def story(seed: int, paragraphs: int = 6, words: int = 60) -> list[str]:
    """``paragraphs`` paragraphs of ``words`` random ``WORDS`` each, the same for one seed."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(words)) + "." for _ in range(paragraphs)]


def body(paras: list[str]) -> str:
    """Paragraphs joined as an article body (blank line between)."""
    return "\n\n".join(paras)
