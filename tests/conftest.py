"""Suite-wide: where the shared corpora are, and no silent skip of a test that needs them.

Tests find the corpora and the sample article with :func:`spinscope.paths.shared_path`
(``$SPINSCOPE_SHARED``, else ``../shared`` beside the repository) and skip, with
:func:`spinscope.paths.missing_message` as the reason, only where they are absent.

With ``SPINSCOPE_REQUIRE_SHARED=1`` (``.ci/run`` sets it) a skip whose reason is about the shared
data (it names the shared folder, the sample article, a corpus, PTC or PolNeAR) fails the test
when the shared folder exists: a wrong path cannot hide behind a skip.
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
_ABOUT_SHARED = re.compile(r"shared|SPINSCOPE_SHARED|sample|corpus|corpora|PTC|PolNeAR", re.I)


def require_shared() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0") and shared_dir().is_dir()


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


def _skip_reason(report: pytest.TestReport) -> str:
    lr = report.longrepr
    if isinstance(lr, tuple) and len(lr) == 3:
        return str(lr[2])
    return str(lr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not require_shared():
        return
    reason = _skip_reason(report)
    if _ABOUT_SHARED.search(reason):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped for want of shared data although {shared_dir()} exists "
            f"({REQUIRE_ENV}=1): {reason}"
        )
