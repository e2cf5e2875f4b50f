"""The ``store`` fixture of the review tests: SQLite, and PostgreSQL when SPINSCOPE_TEST_PG_URL
is set (each test in a fresh schema, dropped afterwards). Test data: review_fixtures.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

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
    url = PG_URL + sep + "options=" + quote(f"-csearch_path={schema}")
    store = Store(url)
    store.url_for_tests = url  # type: ignore[attr-defined]
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
            marks=[pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=PG_MISSING)],
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/review.db"
        s = Store(url)
        s.url_for_tests = url  # type: ignore[attr-defined]
        yield s
        s.close()
    else:
        yield from _pg_store()
