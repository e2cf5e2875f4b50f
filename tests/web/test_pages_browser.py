"""Browser checks of issue 24, in Debian's Chromium: chip counts follow every filter; a
residue-heavy page opens on its article (screenshots in the tests' temporary output).

A live server on loopback over the light pipeline (``live_server``) and the ``browser`` of
tests/web/conftest.py; skipped, saying why, without Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spinscope.pipeline import Pipeline
from spinscope.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium")]
HTML = Path(__file__).resolve().parents[1] / "data" / "html"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, light_pipeline: Pipeline, live_server: Any
) -> Iterator[Any]:
    from spinscope.web import create_app

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('pages') / 'spinscope.db'}")
    app = create_app(store=store, pipeline=light_pipeline)
    with live_server(app) as srv:
        yield srv
    store.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx.new_page()
    ctx.close()


def _chips(page: Any) -> dict[str, int]:
    return {
        c.get_attribute("data-technique"): int(c.inner_text())
        for c in page.locator("#filters .count[data-technique]").all()
    }


#: Spans of both voices under the light pipeline (``HandLayers``): four in the outlet's
#: narration, two inside Welch's quote.
VOICES = (
    "China’s military role in Syria\n\n"
    "China may help the army fight foreign-backed terrorists who have been wreaking havoc.\n\n"
    "“There are new indications that China may be considering involvement in helping to "
    "retake Idlib … they are fed up with the US regime change and a coup factory,” Welch said.\n\n"
    "The US-led West has spent trillions of dollars on “murder and massacre” over the years.\n"
)


def test_chip_counts_follow_the_voice_filter(page: Any, server: Any) -> None:
    page.goto(server.base + "/")
    page.fill("#text", VOICES)
    page.click("#analyze-button")
    page.wait_for_url("**/documents/*")
    shown_all = int(page.inner_text("#shown-count"))
    assert sum(_chips(page).values()) == shown_all
    assert shown_all == 6, _chips(page)
    for voice, n in (("outlet", 4), ("attributed", 2)):
        page.select_option("#filters select[name=voice]", voice)
        assert int(page.inner_text("#shown-count")) == n
        assert sum(_chips(page).values()) == n, voice
    # a chip's own box hides its spans, not its count
    page.select_option("#filters select[name=voice]", "all")
    chips = _chips(page)
    first = next(t for t, n in chips.items() if n)
    page.locator(f"#filters input[name=technique][value='{first}']").uncheck()
    assert _chips(page)[first] == chips[first]
    assert int(page.inner_text("#shown-count")) == shown_all - chips[first]


def _upload(server: Any, path: Path) -> str:
    import httpx

    with path.open("rb") as f:
        r = httpx.post(
            server.base + "/api/analyze", files={"file": (path.name, f, "text/html")}, timeout=60
        )
    assert r.status_code in (200, 201), r.text
    return str(r.json()["id"])


@pytest.mark.parametrize("name", ["rt-summary-also-on.html", "sputnik-lede-element.html"])
def test_a_residue_heavy_page_opens_on_its_article(
    page: Any, server: Any, name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    doc_id = _upload(server, HTML / name)
    page.goto(f"{server.base}/documents/{doc_id}")
    first_body = page.locator("#article-text .seg.r-body").first
    title = page.locator("#article-text .seg.r-title").first
    shot = tmp_path_factory.mktemp("screenshots") / f"article-first-{name}.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    viewport = page.viewport_size["height"]
    text_top = page.locator("#article-text").bounding_box()["y"]
    # the body starts near the top of the article text: the residue above it is one line
    assert first_body.bounding_box()["y"] - text_top < 250, shot
    assert first_body.bounding_box()["y"] < viewport, shot
    assert title.is_visible() and first_body.is_visible()
    runs = page.locator("#article-text details.residue-run")
    assert runs.count() >= 2
    head = runs.first
    assert head.get_attribute("open") is None  # collapsed
    assert not head.locator(".seg.r-boilerplate").first.is_visible()
    summary = head.locator("summary").inner_text()
    lines = int(head.get_attribute("data-lines"))
    assert summary.startswith(f"page residue · {lines} lines") and lines >= 10
    head.locator("summary").click()  # still there, shown on request
    assert head.locator(".seg.r-boilerplate").first.is_visible()
    # nothing dropped: the page's text, in order, is the document's text
    shown = page.evaluate(
        "() => Array.from(document.querySelectorAll('#article-text .seg'))"
        ".map(s => s.textContent).join('')"
    )
    import httpx

    stored = httpx.get(f"{server.base}/api/documents/{doc_id}", timeout=30).json()
    assert shown == stored["text"]


def test_a_quote_is_one_continuous_tint_around_hidden_spans(page: Any, server: Any) -> None:
    page.goto(server.base + "/")
    page.fill("#text", VOICES)
    page.click("#analyze-button")
    page.wait_for_url("**/documents/*")
    page.select_option("#filters select[name=voice]", "outlet")  # hides the quote's spans
    quote = page.locator("#article-text .seg.q")
    assert quote.count() >= 3  # the quote is cut at its (now hidden) spans' edges
    styles = page.eval_on_selector_all(
        "#article-text .seg.q",
        "els => els.map(e => { const s = getComputedStyle(e);"
        " return [s.outlineStyle, s.borderLeftStyle, s.borderRightStyle, s.backgroundColor]; })",
    )
    assert all(o == "none" and bl == "none" and br == "none" for o, bl, br, _ in styles), styles
    assert len({bg for *_, bg in styles}) == 1 and styles[0][3] != "rgba(0, 0, 0, 0)"
