"""A whole review in Debian's Chromium (issue 25): confirm, reject, relabel, drag an edge, add a
span, change a speaker, add a statement, mark reviewed — each step checked in the page as the
server answers it, then every stored correction read back through ``spinscope.store.review``,
then a reload that must show the reviewed state.

The article is stored through the light pipeline (``HandLayers``: hand-placed spans and quotes);
its title carries a flag emoji, so every offset after it differs between the page's UTF-16 and the
store's code points. Browser tests skip, saying why, without Chromium; the page checks at the end
run without a browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spinscope.document import Document
from spinscope.pipeline import Pipeline
from spinscope.store import Store
from stores import STORE_KINDS, open_store

REVIEW_JS = (
    Path(__file__).resolve().parents[2] / "src" / "spinscope" / "web" / "static" / "review.js"
)

TEXT = (
    "China’s military role in Syria 🇨🇳\n\n"
    "China may help the army fight foreign-backed terrorists who have been wreaking havoc.\n\n"
    "“There are new indications that China may be considering involvement in helping to "
    "retake Idlib … they are fed up with the US regime change and a coup factory,” Welch said.\n\n"
    "“China is willing to participate in the fight alongside the Syrian Army,” the Chinese "
    "diplomat said.\n\n"
    "The US-led West has spent trillions of dollars on “murder and massacre” over the years. "
    "Damascus welcomed the offer, an official said.\n"
)
REVIEWER = "Ada Lovelace"


@pytest.fixture(scope="module", params=STORE_KINDS)
def served(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    light_pipeline: Pipeline,
    live_server: Any,
) -> Iterator[tuple[str, Store, Document]]:
    """A live server on loopback over a store (SQLite, and PostgreSQL where the tests have one)
    holding the review article: (base, store, doc)."""
    from spinscope.web import create_app

    db = tmp_path_factory.mktemp("review") / "spinscope.db"
    with open_store(request.param, db) as store:
        doc = light_pipeline(Document(text=TEXT))
        store.add(doc)
        with live_server(create_app(store=store, pipeline=light_pipeline)) as srv:
            yield srv.base, store, doc


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    ctx.close()


#: the page's point at code point ``off`` of the article text, ``side`` of the way across it
#: (scrolled into view first)
POINT_JS = """([off, side]) => {
  const root = document.getElementById('article-text');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let pos = 0, n;
  while ((n = walker.nextNode())) {
    if (!n.parentNode.closest('.seg')) continue;
    const cps = Array.from(n.data);
    if (off < pos + cps.length) {
      const a = cps.slice(0, off - pos).join('').length;
      const r = document.createRange();
      r.setStart(n, a);
      r.setEnd(n, a + cps[off - pos].length);
      let q = r.getClientRects()[0];
      if (q.top < 0 || q.bottom > window.innerHeight) {
        n.parentNode.scrollIntoView({block: 'center'});
        q = r.getClientRects()[0];
      }
      return {x: q.left + q.width * side, y: q.top + q.height / 2};
    }
    pos += cps.length;
  }
  return null;
}"""


#: select code points [a, b) of the article text as a keyboard or script would (no mouse)
SELECT_JS = """([a, b]) => {
  const root = document.getElementById('article-text');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const at = [];
  let pos = 0, n;
  while ((n = walker.nextNode())) {
    if (!n.parentNode.closest('.seg')) continue;
    const cps = Array.from(n.data);
    for (const off of [a, b]) {
      if (off >= pos && off < pos + cps.length) at.push([n, cps.slice(0, off - pos).join('').length]);
    }
    pos += cps.length;
  }
  window.getSelection().setBaseAndExtent(at[0][0], at[0][1], at[1][0], at[1][1]);
}"""


def _point(page: Any, off: int, side: float = 0.5) -> tuple[float, float]:
    p = page.evaluate(POINT_JS, [off, side])
    assert p is not None, off
    return float(p["x"]), float(p["y"])


def _drag(page: Any, a: tuple[float, float], b: tuple[float, float]) -> None:
    page.mouse.move(*a)
    page.mouse.down()
    page.mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, steps=4)
    page.mouse.move(*b, steps=4)
    page.mouse.up()


def _tkey(doc: Document, phrase: str) -> str:
    """The review key of the model's technique span on ``phrase``."""
    (span,) = [t for t in doc.layer("techniques") if doc.text[t.start : t.end] == phrase]
    return f"t:{span.start}:{span.end}:{span.label}"


def _akey(doc: Document, speaker: str) -> str:
    (att,) = [
        a
        for a in doc.layer("attributions")
        if (a.attrs.get("speaker") or {}).get("name") == speaker
    ]
    return f"a:{att.attrs['id']}"


def _status(page: Any, key: str) -> Any:
    return page.locator(f'#rv-panel .rv-row[data-key="{key}"] .rv-badge')


@pytest.mark.browser
@pytest.mark.usefixtures("chromium")
def test_a_whole_review_is_stored_and_shown_again(
    page: Any, served: tuple[str, Store, Document], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from spinscope.store import review

    base, store, doc = served
    text = doc.text
    keys = {
        phrase: _tkey(doc, phrase)
        for phrase in (
            "foreign-backed terrorists",
            "wreaking havoc",
            "coup factory",
            "murder and massacre",
        )
    }
    welch = _akey(doc, "Daniel Patrick Welch")
    page.goto(f"{base}/documents/{doc.id}")
    # without a name the review asks for one, once (kept in this browser)
    expect(page.locator("#rv-bar")).to_be_visible()
    expect(page.locator("#rv-panel")).to_be_hidden()
    page.click("#rv-toggle")
    expect(page.locator("#rv-name")).to_be_visible()
    page.fill("#rv-name", REVIEWER)
    page.press("#rv-name", "Enter")
    expect(page.locator("#rv-name")).to_be_hidden()
    expect(page.locator("#rv-reviewer")).to_contain_text(REVIEWER)
    for key in (*keys.values(), welch):
        expect(_status(page, key)).to_have_attribute("data-status", "model")

    # confirm, with the keyboard
    page.click(f'#rv-panel .rv-row[data-key="{keys["murder and massacre"]}"] .rv-text')
    page.keyboard.press("c")
    expect(_status(page, keys["murder and massacre"])).to_have_attribute("data-status", "confirmed")
    # reject: j walks from one item to the next
    page.click(f'#rv-panel .rv-row[data-key="{keys["foreign-backed terrorists"]}"] .rv-text')
    page.keyboard.press("j")
    expect(page.locator("#rv-panel .rv-row.rv-cur")).to_have_attribute(
        "data-key", keys["wreaking havoc"]
    )
    page.keyboard.press("x")
    expect(_status(page, keys["wreaking havoc"])).to_have_attribute("data-status", "rejected")
    expect(page.locator("#article-text .t.rv-rejected").first).to_contain_text("wreaking havoc")
    # relabel: r goes to the technique list
    page.click(f'#rv-panel .rv-row[data-key="{keys["coup factory"]}"] .rv-text')
    page.keyboard.press("r")
    focused = page.locator(f'#rv-panel .rv-row[data-key="{keys["coup factory"]}"] select.rv-label')
    expect(focused).to_be_focused()
    focused.select_option("Loaded_Language")
    expect(_status(page, keys["coup factory"])).to_have_attribute("data-status", "relabelled")

    # drag an edge: the start of "foreign-backed terrorists" to the middle of "army" snaps to
    # the start of that word
    key = keys["foreign-backed terrorists"]
    page.click(f'#rv-panel .rv-row[data-key="{key}"] .rv-text')
    handle = page.locator(f'#rv-overlay .rv-h-start[data-key="{key}"]')
    expect(handle).to_be_visible()
    box = handle.bounding_box()
    army = text.index("army fight")
    _drag(page, (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2), _point(page, army + 1))
    expect(_status(page, key)).to_have_attribute("data-status", "resized")
    resized_end = text.index("foreign-backed terrorists") + len("foreign-backed terrorists")

    # add a span: a mouse selection from inside "spent" to inside "trillions" becomes those words
    spent = text.index("spent trillions")
    # (a click, then a shift-click: headless Chromium's drag-selection under synthetic mouse
    # events misses at some positions of any page, this one's or a bare one)
    page.mouse.click(*_point(page, spent + 2, 0.3))
    page.keyboard.down("Shift")
    page.mouse.click(*_point(page, spent + len("spent tril"), 0.7))
    page.keyboard.up("Shift")
    expect(page.locator("#rv-add")).to_be_visible()
    expect(page.locator("#rv-add .rv-add-text")).to_have_text("“spent trillions”")
    page.select_option("#rv-add-technique", "Exaggeration,Minimisation")
    page.click("#rv-add .rv-add-span")
    added_key = f"t+:{spent}:{spent + len('spent trillions')}:Exaggeration,Minimisation"
    expect(_status(page, added_key)).to_have_attribute("data-status", "added")

    # change a speaker: r goes to the speaker field, which offers the article's speakers
    page.click(f'#rv-panel .rv-row[data-key="{welch}"] .rv-text')
    page.keyboard.press("r")
    field = page.locator(f'#rv-panel .rv-row[data-key="{welch}"] input.rv-speaker')
    expect(field).to_be_focused()
    offered = page.eval_on_selector_all("#rv-speakers option", "os => os.map(o => o.value)")
    assert "Qi Qianjin" in offered, offered
    field.fill("Qi Qianjin")
    field.press("Enter")
    expect(_status(page, welch)).to_have_attribute("data-status", "speaker")

    # add a statement with a typed speaker, from a selection made without the mouse
    said = text.index("Damascus welcomed the offer")
    said_end = said + len("Damascus welcomed the offer")
    page.evaluate(SELECT_JS, [said + 1, said_end - 2])  # inside words: snapped to them
    expect(page.locator("#rv-add .rv-add-text")).to_have_text("“Damascus welcomed the offer”")
    page.fill("#rv-add-speaker", "a Syrian official")
    page.click("#rv-add .rv-add-statement")
    statement_key = f"a+:{said}:{said_end}"
    expect(_status(page, statement_key)).to_have_attribute("data-status", "added")

    page.click("#rv-done")
    expect(page.locator("#rv-done")).to_have_text("Reviewed ✓")
    expect(page.locator("#rv-status")).not_to_have_class("rv-status rv-bad")

    # every step is stored: read back through the store's review API
    state = review.review_state(store, doc.id, REVIEWER)
    assert state["reviewed"] is True
    techs = {t["key"]: t for t in state["techniques"]}
    assert techs[keys["murder and massacre"]]["status"] == "confirmed"
    assert techs[keys["wreaking havoc"]]["status"] == "rejected"
    assert techs[keys["coup factory"]]["status"] == "relabelled"
    assert techs[keys["coup factory"]]["current"]["technique"] == "Loaded_Language"
    assert techs[key]["status"] == "resized"
    assert (techs[key]["current"]["start"], techs[key]["current"]["end"]) == (army, resized_end)
    assert techs[added_key]["status"] == "added"
    assert techs[added_key]["current"] == {
        "start": spent,
        "end": spent + len("spent trillions"),
        "technique": "Exaggeration,Minimisation",
    }
    untouched = [t for t in state["techniques"] if t["key"] not in {*keys.values(), added_key}]
    assert untouched and all(t["status"] == "model" for t in untouched)
    atts = {a["key"]: a for a in state["attributions"]}
    assert atts[welch]["status"] == "speaker" and atts[welch]["current_speaker"] == "Qi Qianjin"
    assert atts[statement_key]["status"] == "added"
    assert atts[statement_key]["current_speaker"] == "a Syrian official"
    assert atts[statement_key]["content"] == {"start": said, "end": said_end}
    assert review.reviewed_documents(store, reviewer=REVIEWER) == [doc.id]
    assert REVIEWER in review.reviewers(store, doc.id)
    # the model's layers are never changed
    assert store.get(doc.id).to_dict() == doc.to_dict()  # type: ignore[union-attr]

    # a reload shows the reviewed state: both the model's value and the correction
    page.reload()
    shot = tmp_path / "reviewed.png"
    expect(page.locator("#rv-reviewer")).to_contain_text(REVIEWER)  # not asked again
    expect(page.locator("#rv-name")).to_be_hidden()
    expect(page.locator("#rv-panel")).to_be_visible()
    expect(page.locator("#rv-done")).to_have_text("Reviewed ✓")
    expect(page.locator("#rv-panel .rv-reviewed")).to_have_text(f"Reviewed by {REVIEWER}")
    for k, status in (
        (keys["murder and massacre"], "confirmed"),
        (keys["wreaking havoc"], "rejected"),
        (keys["coup factory"], "relabelled"),
        (key, "resized"),
        (added_key, "added"),
        (welch, "speaker"),
        (statement_key, "added"),
    ):
        expect(_status(page, k)).to_have_attribute("data-status", status)
    relabelled = page.locator(f'#rv-panel .rv-row[data-key="{keys["coup factory"]}"]')
    expect(relabelled.locator("s.rv-was")).to_have_text("Name_Calling,Labeling")
    expect(relabelled.locator("strong.rv-now")).to_have_text("Loaded_Language")
    speaker_row = page.locator(f'#rv-panel .rv-row[data-key="{welch}"]')
    expect(speaker_row.locator("s.rv-was")).to_have_text("Daniel Patrick Welch")
    expect(speaker_row.locator("strong.rv-now")).to_have_text("Qi Qianjin")
    resized_row = page.locator(f'#rv-panel .rv-row[data-key="{key}"]')
    expect(resized_row.locator(".rv-text").first).to_have_text(
        "“army fight foreign-backed terrorists”"
    )
    expect(resized_row.locator(".rv-was-text s")).to_have_text("“foreign-backed terrorists”")
    expect(page.locator("#article-text .t.rv-rejected").first).to_contain_text("wreaking havoc")
    expect(page.locator("#article-text .t.rv-st-confirmed.rv-last")).to_have_text(
        "murder and massacre"
    )
    relabelled_text = page.locator("#article-text .t.rv-st-relabelled.rv-last")
    expect(relabelled_text).to_have_text("coup factory")
    expect(relabelled_text).to_have_attribute("data-rv-label", "Loaded_Language")
    after = relabelled_text.evaluate("e => getComputedStyle(e, '::after').content")
    assert after == '"→ " attr(data-rv-label)' or "Loaded_Language" in after, after
    expect(page.locator(f'#rv-overlay .rv-box-added[data-key="{added_key}"]').first).to_be_visible()
    expect(
        page.locator(f'#rv-overlay .rv-box-statement[data-key="{statement_key}"]').first
    ).to_be_visible()
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


@pytest.mark.browser
@pytest.mark.usefixtures("chromium")
def test_a_refused_write_is_said_and_not_shown_as_stored(
    page: Any, served: tuple[str, Store, Document]
) -> None:
    """The server's one-line error is shown; the item keeps its state until a write succeeds.
    Also: ? shows the keys, Esc closes them, the mode is off again on a click."""
    from playwright.sync_api import expect

    from spinscope.store import review

    base, store, doc = served
    key = _tkey(doc, "coup factory")
    refusal = "technique: 'Nope' is not one of the 14 PTC techniques"

    def refuse(route: Any) -> None:
        route.fulfill(status=422, content_type="application/json", json={"error": refusal})

    page.goto(f"{base}/documents/{doc.id}")
    page.evaluate("() => localStorage.setItem('spinscope.reviewer', 'Grace Hopper')")
    page.click("#rv-toggle")
    expect(page.locator("#rv-name")).to_be_hidden()  # a name set before is not asked again
    expect(_status(page, key)).to_have_attribute("data-status", "model")
    page.keyboard.press("?")
    expect(page.locator("#rv-help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#rv-help")).to_be_hidden()
    page.route("**/review/techniques", refuse)
    page.click(f'#rv-panel .rv-row[data-key="{key}"] .rv-text')
    page.keyboard.press("c")
    expect(page.locator("#rv-status")).to_have_text(refusal)
    expect(page.locator("#rv-status")).to_have_class("rv-status rv-bad")
    expect(_status(page, key)).to_have_attribute("data-status", "model")
    page.unroute("**/review/techniques", refuse)
    page.keyboard.press("c")
    expect(_status(page, key)).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#rv-status")).to_have_class("rv-status")
    state = review.review_state(store, doc.id, "Grace Hopper")
    assert {t["key"]: t["status"] for t in state["techniques"]}[key] == "confirmed"
    assert state["reviewed"] is False
    page.click("#rv-toggle")  # review mode off: the plain analysis again
    expect(page.locator("#rv-panel")).to_be_hidden()
    expect(page.locator("#rv-overlay .rv-box")).to_have_count(0)


def test_the_page_works_without_javascript(client: Any, analysed_sample: Document) -> None:
    """The review toolbar is hidden until review.js shows it: the page is the plain analysis."""
    r = client.post("/api/analyze", json={"text": analysed_sample.text})
    assert r.status_code in (200, 201), r.text
    doc_id = r.json()["id"]
    html = client.get(f"/documents/{doc_id}").text
    assert '<div class="rv-bar" id="rv-bar"' in html and f'data-doc="{doc_id}" hidden>' in html
    assert '<section id="rv-panel" class="rv-panel" aria-label="Review" hidden>' in html
    assert '<script src="/static/review.js"></script>' in html
    assert 'class="t ' in html  # the analysis itself is in the page
    assert client.get("/static/review.js").status_code == 200


def test_a_standalone_report_has_no_review_mode(analysed_sample: Document) -> None:
    from spinscope.web.render import render_article

    html = render_article(analysed_sample, standalone=True)
    assert 'id="rv-bar"' not in html and 'id="rv-panel"' not in html
    assert "/static/review.js" not in html and "spinscope.reviewer" not in html


def test_review_js_never_parses_html() -> None:
    source = REVIEW_JS.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, sink
