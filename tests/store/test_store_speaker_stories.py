"""A speaker page counts each distinct story once beside the raw count (issue 24): four copies of
one republished story holding one statement are one statement in one story."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from spinscope.store import Store
from stores import body, make_doc, story


def _story_with_quote(seed: int, quote: str) -> str:
    paras = story(seed)
    return body([paras[0], f'"{quote}," Jane Miller said on Monday.', *paras[1:]])


def test_republished_copies_count_once(tmp_path: Path) -> None:
    same = _story_with_quote(1, "We will not back down")
    other = _story_with_quote(2, "The budget is balanced")
    with Store(f"sqlite:///{tmp_path}/s.db") as store:
        for k, (text, quote) in enumerate(
            [(same, "We will not back down")] * 4 + [(other, "The budget is balanced")]
        ):
            doc = make_doc(
                text + f"\n\nRepublished with permission, copy {k}.",
                url=f"https://example.org/{k}",
                outlet=f"Outlet {k}",
                quotes=((f'"{quote},"', "said", "Jane Miller", "person"),),
            )
            store.add(doc)
        total, items = store.speakers()
        (miller,) = [i for i in items if i["name"] == "Jane Miller"]
        sp = store.speaker(miller["id"])
        assert sp is not None
        assert (sp["statements_total"], sp["documents"]) == (5, 5)  # the raw count stays
        assert (sp["statements_once"], sp["stories"]) == (2, 2)

        from spinscope.web.app import create_app

        client = TestClient(create_app(store=store), base_url="http://127.0.0.1")
        page = client.get(f"/speakers/{miller['id']}").text
        assert 'id="statements-once">2<' in page and 'id="stories">2<' in page
        assert client.get(f"/api/speakers/{miller['id']}").json()["stories"] == 2


def test_distinct_stories_need_no_second_count(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/s.db") as store:
        for k in range(2):
            text = _story_with_quote(10 + k, f"Statement number {k}")
            store.add(
                make_doc(
                    text,
                    url=f"https://example.org/{k}",
                    quotes=((f'"Statement number {k},"', "said", "Jane Miller", "person"),),
                )
            )
        _, items = store.speakers()
        sp = store.speaker(items[0]["id"])
        assert sp is not None
        assert (sp["statements_total"], sp["statements_once"], sp["stories"]) == (2, 2, 2)
