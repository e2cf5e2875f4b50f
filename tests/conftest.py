"""Suite-wide: where the shared corpora are, and no silent skip of a test that needs them.

Tests find the corpora and the sample article with :func:`spinscope.paths.shared_path`
(``$SPINSCOPE_SHARED``, else ``../shared`` beside the repository) and skip, with
:func:`spinscope.paths.missing_message` as the reason, only where they are absent.

With ``SPINSCOPE_REQUIRE_SHARED=1`` (``.ci/run`` sets it) a skip whose reason is about the shared
data (it names the shared folder, the sample article, a corpus, PTC or PolNeAR) fails the test
when the shared folder exists: a wrong path cannot hide behind a skip.

With ``SPINSCOPE_REQUIRE_ALL=1`` (``.ci/run`` sets it too) every other skip fails as well: a
missing PostgreSQL (``SPINSCOPE_TEST_PG_URL``), Chromium, openssl or optional import cannot leave
CI green. The one skip it still allows is a test that needs the shared folder where that folder
is absent (the reason is :func:`spinscope.paths.missing_message`'s); with the folder present,
that skip fails too. In a plain checkout (neither variable set) tests skip, and ``-rs`` in
pyproject's ``addopts`` prints why.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from spinscope.paths import missing_message, shared_dir, shared_path

REQUIRE_ENV = "SPINSCOPE_REQUIRE_SHARED"
REQUIRE_ALL_ENV = "SPINSCOPE_REQUIRE_ALL"
_ABOUT_SHARED = re.compile(r"shared|SPINSCOPE_SHARED|sample|corpus|corpora|PTC|PolNeAR", re.I)
#: The part of :func:`missing_message` that does not depend on the path: it marks the one
#: skip ``SPINSCOPE_REQUIRE_ALL`` lets through (shared data, where the shared folder is absent).
_SHARED_MISSING = missing_message(Path("\0")).split("\0", 1)[1]


def _env_on(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def require_all() -> bool:
    return _env_on(REQUIRE_ALL_ENV)


def require_shared() -> bool:
    return (_env_on(REQUIRE_ENV) or require_all()) and shared_dir().is_dir()


def forbidden_skip(reason: str) -> str | None:
    """Why a skip with this reason must fail under the environment's requirements, else None."""
    if require_shared() and _ABOUT_SHARED.search(reason):
        return (
            f"skipped for want of shared data although {shared_dir()} exists "
            f"({REQUIRE_ENV}=1): {reason}"
        )
    if require_all() and not (_SHARED_MISSING in reason and not shared_dir().is_dir()):
        return (
            f"skipped although {REQUIRE_ALL_ENV}=1 requires every service (PostgreSQL, "
            f"Chromium, openssl) and optional import: {reason}"
        )
    return None


@contextlib.contextmanager
def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def local_http() -> Callable[
    [type[BaseHTTPRequestHandler]], contextlib.AbstractContextManager[str]
]:
    """``with local_http(Handler) as base_url:`` a loopback HTTP server for the URL tests."""
    return _serve


@pytest.fixture(scope="session")
def shared_file() -> Callable[..., Path]:
    """``shared_file("data", "ptc")``: that path in the shared folder, or skip saying what is missing."""

    def get(*parts: str) -> Path:
        path = shared_path(*parts)
        if not path.exists():
            pytest.skip(missing_message(path))
        return path

    return get


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    lr = report.longrepr
    if isinstance(lr, tuple) and len(lr) == 3:
        return str(lr[2])
    return str(lr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    why = forbidden_skip(_skip_reason(report))
    if why is not None:
        report.outcome = "failed"
        report.longrepr = why


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """A whole module skipped at import (``pytest.skip(allow_module_level=True)``) counts too."""
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if not report.skipped:
        return
    why = forbidden_skip(_skip_reason(report))
    if why is not None:
        report.outcome = "failed"
        report.longrepr = why
