"""Store fixtures: every store test runs on SQLite and, when SPINSCOPE_TEST_PG_URL is set, on
PostgreSQL too (each test in a fresh schema, dropped afterwards; see tests/stores.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinscope.store import Store
from stores import STORE_KINDS, open_store
from stores import make_doc as make_doc  # the store tests import it from here


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path / "test.db") as s:
        yield s


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
