"""Browser tests: Debian's Chromium driven by Playwright against a live server on loopback.

Playwright never downloads a browser here: it launches the Chromium the ``chromium`` fixture
finds (on PATH, else Playwright's own); skipped with the reason printed without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spinscope.document import Document, Source, Span
from spinscope.outputs.html import render_document
from spinscope.pipeline import Pipeline
from spinscope.store import STATS_BY, Store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("chromium"),  # first: skip before a server starts
]
#: the switches the ``browser`` fixture (tests/web/conftest.py) launches this module's Chromium with
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    light_pipeline: Pipeline,
    hand_reveal_type: Any,
    live_server: Any,
) -> Iterator[Any]:
    from spinscope.web import create_app

    db = tmp_path_factory.mktemp("browser") / "spinscope.db"
    store = Store(f"sqlite:///{db}")
    app = create_app(store=store, pipeline=light_pipeline, revealer=hand_reveal_type())
    with live_server(app) as srv:
        srv.store = store
        yield srv
    store.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context()
    p = ctx.new_page()
    p.dialogs = []  # type: ignore[attr-defined]
    p.on("dialog", lambda d: (p.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    yield p
    ctx.close()


def _analyze_sample(page: Any, server: Any, sample_text: str) -> None:
    page.goto(server.base + "/")
    page.fill("#text", sample_text)
    page.click("#analyze-button")
    page.wait_for_url("**/documents/*")


def test_analyze_sample_shows_highlights_and_popup(
    page: Any, server: Any, sample_text: str
) -> None:
    _analyze_sample(page, server, sample_text)
    assert page.locator("#article-text .t").count() >= 7
    assert page.locator("#article-text .t .t").count() >= 1  # overlaps stay visible (nested)
    assert page.locator("#article-text .seg.r-boilerplate").count() >= 1
    colour = page.eval_on_selector(
        "#article-text .t.tc8", "e => getComputedStyle(e).borderBottomColor"
    )
    assert colour == "rgb(23, 190, 207)"  # Loaded_Language's palette colour
    page.locator("#article-text .t", has_text="murder and massacre").last.click()
    pop = page.locator("#ss-pop")
    pop.wait_for(state="visible")
    assert "Loaded_Language" in pop.inner_text()
    assert "emotional implications" in pop.inner_text()  # the one-line definition
    assert "confidence 0.97" in pop.inner_text() and "outlet narration" in pop.inner_text()
    page.keyboard.press("Escape")
    assert pop.is_hidden()


def test_click_speaker_jumps_to_statement(page: Any, server: Any, sample_text: str) -> None:
    _analyze_sample(page, server, sample_text)
    speaker = page.locator(".speaker", has_text="Qi Qianjin")
    speaker.locator("a.statement").first.click()
    flashed = page.locator("#article-text .flash")
    flashed.first.wait_for()
    assert "willing to participate" in " ".join(flashed.all_inner_texts())
    assert page.evaluate("location.hash").startswith("#att-")
    assert page.locator("#article-text .flash").first.is_visible()


def test_filters_by_technique_confidence_and_voice(
    page: Any, server: Any, sample_text: str
) -> None:
    _analyze_sample(page, server, sample_text)
    visible = "#article-text .t:not(.off)"
    # the slider starts at the model's default view; below it spans start hidden
    from spinscope.techniques.model import default_view_confidence

    default = default_view_confidence()
    assert float(page.input_value("input[name=confidence]")) == pytest.approx(default)
    data = page.evaluate("JSON.parse(document.getElementById('ss-data').textContent)")
    shown = page.eval_on_selector_all(visible, "els => els.map(e => e.getAttribute('data-i'))")
    assert all(data["techniques"][int(i)]["confidence"] >= default for i in shown)
    assert page.locator("#below-default").is_hidden()
    assert int(page.inner_text("#shown-count")) == len(set(shown))  # a span may cross segments
    # sliding below what the page holds asks the server for the article analysed further down
    spans_before = len(data["techniques"])
    page.fill("input[name=confidence]", "0")  # clamped to the slider's floor
    page.wait_for_url("**min_confidence=*")
    page.wait_for_load_state()
    data = page.evaluate("JSON.parse(document.getElementById('ss-data').textContent)")
    assert len(data["techniques"]) == spans_before + 1  # the light revealer's ("fed up", 0.2)
    total = page.locator("#article-text .t").count()
    assert page.locator(visible).count() == total
    assert page.locator("#article-text .t", has_text="fed up").count() >= 1
    assert page.locator("#below-default").is_visible()
    assert int(page.inner_text("#shown-count")) == len(data["techniques"])
    page.uncheck("input[name=technique][value='Loaded_Language']")
    assert page.locator("#article-text .t.tc8:not(.off)").count() == 0
    assert 0 < page.locator(visible).count() < total
    on = page.eval_on_selector_all(visible, "els => els.map(e => e.getAttribute('data-i'))")
    assert int(page.inner_text("#shown-count")) == len(set(on))
    page.check("input[name=technique][value='Loaded_Language']")
    assert page.locator(visible).count() == total
    page.fill("input[name=confidence]", "0.9")
    remaining = page.eval_on_selector_all(visible, "els => els.map(e => e.getAttribute('data-i'))")
    data = page.evaluate("JSON.parse(document.getElementById('ss-data').textContent)")
    assert remaining and all(data["techniques"][int(i)]["confidence"] >= 0.9 for i in remaining)
    assert page.locator("#below-default").is_hidden()
    page.fill("input[name=confidence]", "0.1")
    page.select_option("select[name=voice]", "attributed")
    remaining = page.eval_on_selector_all(visible, "els => els.map(e => e.getAttribute('data-i'))")
    assert remaining
    assert all(data["techniques"][int(i)]["voice"] == "attributed" for i in remaining)


def test_standalone_report_reveals_what_it_holds(page: Any, tmp_path: Path) -> None:
    """An HTML report holds spans below the default, hidden until the slider reaches them;
    it has no server to ask for more."""
    from spinscope.techniques.model import REVEAL_FLOOR, default_view_confidence

    default = default_view_confidence()
    text = "They are fed up with the wreaking havoc of the regime, he said."
    doc = Document(text, source=Source(kind="text"))
    doc.set_layer("regions", [Span(0, len(text), "body")])
    outlet = {"kind": "outlet", "attribution": None}
    low, high = text.index("fed up"), text.index("wreaking havoc")
    doc.set_layer(
        "techniques",
        [
            Span(low, low + 6, "Loaded_Language", {"confidence": 0.2, "voice": outlet}),
            Span(high, high + 14, "Loaded_Language", {"confidence": 0.8, "voice": outlet}),
        ],
    )
    report = tmp_path / "report.html"
    report.write_text(
        render_document(doc, start_confidence=default, analysed_confidence=REVEAL_FLOOR),
        encoding="utf-8",
    )
    page.goto(report.as_uri())
    visible = "#article-text .t:not(.off)"
    assert page.locator(visible).all_inner_texts() == ["wreaking havoc"]
    assert page.inner_text("#shown-count") == "1"
    page.fill("input[name=confidence]", "0.2")
    assert page.url == report.as_uri()  # no reload: the report is a file
    assert sorted(page.locator(visible).all_inner_texts()) == ["fed up", "wreaking havoc"]
    assert page.inner_text("#shown-count") == "2"
    assert page.locator("#below-default").is_visible()


def test_dashboard_and_search(page: Any, server: Any, sample_text: str) -> None:
    _analyze_sample(page, server, sample_text)
    page.goto(server.base + "/dashboard")
    assert page.locator("svg#chart rect").count() >= 1
    for by in STATS_BY:
        page.click(f".tabs a:text-is('{by}')")
        page.wait_for_url(f"**/dashboard?by={by}")
        assert page.locator("svg#chart rect").count() >= 1
        assert page.locator("#stats-table tbody tr").count() >= 1
    csv_text = page.evaluate(
        "async () => (await fetch(document.getElementById('csv-link').href)).text()"
    )
    assert csv_text.startswith("group,technique,spans,documents")
    page.fill("header.site input[name=q]", "Idlib")
    page.press("header.site input[name=q]", "Enter")
    page.wait_for_url("**/documents?q=Idlib")
    page.locator("a.doc-link").first.click()
    page.wait_for_url("**/documents/*")
    assert page.locator("#article-text .t").count() >= 7


# -- XSS --------------------------------------------------------------------------------------

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload="window.__pwned=1">',
    "'><script>window.__pwned=1</script>",
    "</textarea><script>window.__pwned=1</script>",
    "</script><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    '{{ 7*7 }}<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
]


def _hostile_documents() -> list[Document]:
    docs = []
    for i, p in enumerate(PAYLOADS):
        body = f"Officials said “{p} is a total disgrace” today. {p} Xsspayload{i} word."
        title = f"{p} title {i}"
        text = f"{title}\n\n{body}"
        doc = Document(
            text=text,
            source=Source(path=p, url=p if p.startswith("javascript:") else f"{p}", kind="text"),
            title=title,
            authors=[p, f"Author {i}"],
            outlet=p,
            published="2020-01-02",
        )
        b0 = len(title) + 2
        doc.set_layer("regions", [Span(0, len(title), "title"), Span(b0, len(text), "body")])
        q0 = text.index(p, b0)
        q1 = q0 + len(p) + len(" is a total disgrace")
        cue = text.index("said")
        doc.set_layer(
            "attributions",
            [
                Span(
                    q0,
                    q1,
                    "direct",
                    {
                        "id": p,
                        "cue": {"start": cue, "end": cue + 4, "text": p},
                        "source": None,
                        "speaker": {"name": p, "role": p, "type": "person"},
                        "venue": p,
                    },
                )
            ],
        )
        doc.set_layer(
            "techniques",
            [
                Span(
                    q0,
                    q1,
                    "Loaded_Language",
                    {"confidence": 0.9, "voice": {"kind": "attributed", "attribution": p}},
                ),
                Span(
                    q0,
                    q0 + len(p),
                    p,
                    {"confidence": 0.5, "voice": {"kind": p, "attribution": None}},
                ),
            ],
        )
        docs.append(doc)
    return docs


def _assert_clean(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    injected = page.evaluate(
        """() => {
          const bad = [];
          for (const el of document.querySelectorAll('*')) {
            for (const a of el.attributes) {
              if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
              if ((a.name === 'href' || a.name === 'src') && /^\\s*javascript:/i.test(a.value))
                bad.push(el.tagName + ' ' + a.name);
            }
            if (['IMG', 'SVG', 'IFRAME'].includes(el.tagName.toUpperCase())
                && !el.closest('svg#chart')) bad.push(el.tagName);
          }
          for (const s of document.scripts)
            if (!s.src && s.type !== 'application/json' && s.textContent.includes('__pwned'))
              bad.push('inline script');
          return bad;
        }"""
    )
    assert injected == []


def test_xss_payloads_never_run(page: Any, server: Any, tmp_path: Path) -> None:
    store: Store = server.store
    docs = _hostile_documents()
    store.add_many(docs)
    base = server.base
    urls = [base + "/", base + "/documents", base + "/documents?q=Xsspayload3"]
    urls += [f"{base}/dashboard?by={by}" for by in STATS_BY]
    urls += [f"{base}/documents/{d.id}" for d in docs]
    urls += [base + "/documents?q=" + p for p in PAYLOADS[:3]]
    for url in urls:
        page.goto(url)
        _assert_clean(page)
    # interact: popups and speaker jumps build DOM from the hostile data
    for d in docs[:4]:
        page.goto(f"{base}/documents/{d.id}")
        page.locator("#article-text .t").first.click()
        page.locator("#ss-pop").wait_for(state="visible")
        page.locator("a.statement").first.click()
        page.select_option("select[name=voice]", "attributed")
        _assert_clean(page)
    # the self-contained report has no CSP to hide behind: escaping alone must hold
    for d in docs:
        report = tmp_path / f"{d.id}.html"
        report.write_text(render_document(d), encoding="utf-8")
        page.goto(report.as_uri())
        page.locator("#article-text .t").first.click()
        _assert_clean(page)
