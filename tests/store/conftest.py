"""Store fixtures: every store test runs on SQLite and, when SPINSCOPE_TEST_PG_URL is set, on
PostgreSQL too (each test in a fresh schema, dropped afterwards)."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from spinscope.document import Document, Source, Span
from spinscope.store import Store

PG_URL = os.environ.get("SPINSCOPE_TEST_PG_URL")
PG_MISSING = (
    "needs PostgreSQL: SPINSCOPE_TEST_PG_URL is not set "
    "(postgresql://user:password@host:port/database; .ci/run starts a server and sets it)"
)


def _pg_store() -> Iterator[Store]:
    import sqlalchemy as sa

    from spinscope.store import make_engine

    assert PG_URL
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    store = Store(PG_URL + sep + "options=" + quote(f"-csearch_path={schema}"))
    try:
        yield store
    finally:
        store.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not PG_URL, reason=PG_MISSING),
            ],
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Store]:
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path}/test.db")
        yield s
        s.close()
    else:
        yield from _pg_store()


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
    techs = []
    for phrase, tech, conf in techniques:
        s = text.index(phrase, b0)
        voice: dict[str, object] = {"kind": "outlet", "attribution": None}
        for a in atts:
            if a.start <= s < a.end:
                voice = {"kind": "attributed", "attribution": a.attrs["id"]}
        techs.append(Span(s, s + len(phrase), tech, {"confidence": conf, "voice": voice}))
    doc.set_layer("techniques", techs)
    return doc


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
