"""The ``store`` fixture of the review tests: SQLite, and PostgreSQL when SPINSCOPE_TEST_PG_URL
is set (each test in a fresh schema, dropped afterwards; see tests/stores.py). Test data:
review_fixtures.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spinscope.store import Store
from stores import STORE_KINDS, open_store


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """``store.url_for_tests``: the URL the CLI tests pass on."""
    with open_store(request.param, tmp_path / "review.db") as s:
        yield s
