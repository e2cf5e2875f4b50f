"""Corpus store: SQLite by default (a file in the working directory), PostgreSQL by URL."""

from spinscope.store.engine import DEFAULT_URL, make_engine, migrate, normalise_url
from spinscope.store.stats import STATS_BY, StatRow, stats, to_csv
from spinscope.store.store import DocumentSummary, SearchResult, Store

__all__ = [
    "DEFAULT_URL",
    "STATS_BY",
    "DocumentSummary",
    "SearchResult",
    "StatRow",
    "Store",
    "make_engine",
    "migrate",
    "normalise_url",
    "stats",
    "to_csv",
]
