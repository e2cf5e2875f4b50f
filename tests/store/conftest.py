"""Store fixtures: every store test runs on SQLite and, when SPINSCOPE_TEST_PG_URL is set, on
PostgreSQL too (each test in a fresh schema, dropped afterwards; see tests/stores.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spinscope.store import Store
from stores import STORE_KINDS, open_store


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path / "test.db") as s:
        yield s
