"""Corpus views in Chromium: "Also published as" links, speaker pages, the dashboard's view.

Playwright launches the Chromium the ``chromium`` fixture finds (on PATH, else Playwright's own);
skipped with the reason printed without one.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from spinscope.pipeline import Pipeline
from spinscope.store import Store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("chromium"),  # first: skip before a server starts
]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, light_pipeline: Pipeline, live_server: Any
) -> Iterator[Any]:
    from spinscope.web import create_app

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('corpus')}/spinscope.db")
    app = create_app(store=store, pipeline=light_pipeline)
    with live_server(app) as srv:
        yield srv
    store.close()


@pytest.fixture(scope="module")
def page(browser: Any, server: Any) -> Any:
    """One page for the whole module (the ``browser`` of tests/web/conftest.py)."""
    return browser.new_context().new_page()


def _post(server: Any, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(
        server.base + "/api/analyze",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return dict(json.loads(r.read()))


def _two_copies(server: Any, sample_text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sample and a republished copy (new title, a paragraph dropped); stored once."""
    paras = sample_text.split("\n\n")
    copy = "\n\n".join(["Republished: China in Syria", *paras[1:3], *paras[4:]])
    a = _post(server, {"text": sample_text, "outlet": "Wire", "published": "2019-01-05"})
    b = _post(server, {"text": copy, "outlet": "Mirror", "published": "2019-01-07"})
    return a, b


def test_also_published_links_and_speaker_pages(page: Any, server: Any, sample_text: str) -> None:
    a, b = _two_copies(server, sample_text)

    page.goto(f"{server.base}/documents/{a['id']}")
    link = page.locator("#also-published a")
    assert link.count() == 1 and "Mirror" in page.inner_text("#also-published")
    link.click()
    page.wait_for_url(f"**/documents/{b['id']}")
    assert page.inner_text("#doc-title") == "Republished: China in Syria"
    assert page.locator(f'#also-published a[href="/documents/{a["id"]}"]').count() == 1

    page.click("a.speaker-name:has-text('Daniel Patrick Welch')")
    page.wait_for_url("**/speakers/*")
    assert page.inner_text("#speaker-name") == "Daniel Patrick Welch"
    # Both copies quote him: every statement across the corpus, newest first.
    statements = page.locator("#statements > li")
    assert statements.count() == 4
    assert "Republished: China in Syria" in statements.nth(0).inner_text()
    assert "Name_Calling,Labeling" in page.inner_text("#voiced")


def test_dashboard_opens_on_outlets_and_links_speakers(
    page: Any, server: Any, sample_text: str
) -> None:
    _two_copies(server, sample_text)
    page.goto(server.base + "/dashboard")
    assert page.get_attribute("a.active", "href") == "/dashboard?by=outlet"
    assert "(unknown)" not in page.inner_text("#stats-table")
    page.click("a[href='/dashboard?by=speaker']")
    page.click("#stats-table a:has-text('Daniel Patrick Welch')")
    page.wait_for_url("**/speakers/*")
    assert page.inner_text("#speaker-name") == "Daniel Patrick Welch"
    page.goto(server.base + "/speakers?q=welch")
    assert page.locator("#speakers-table a.speaker-link").count() == 1
