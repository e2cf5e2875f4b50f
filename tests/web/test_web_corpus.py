"""Corpus views: "Also published as", speaker pages and API, the dashboard's opening view."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from spinscope.document import Document, Source, Span
from spinscope.store import Store

BASE = "http://127.0.0.1:8000"


def republished(text: str) -> str:
    """A new headline, one body paragraph dropped, a line of residue added."""
    paras = text.split("\n\n")
    keep = paras[1:3] + paras[4:]
    return "\n\n".join(["EXCLUSIVE: China joins the fight", *keep, "Subscribe to our newsletter"])


def test_also_published_as(client: TestClient, sample_text: str) -> None:
    a = client.post("/api/analyze", json={"text": sample_text, "outlet": "Wire"}).json()
    b = client.post(
        "/api/analyze", json={"text": republished(sample_text), "outlet": "<b>Mirror</b>"}
    ).json()
    other = client.post("/api/analyze", json={"text": "An unrelated note.\n\n" + "Words. " * 50})
    assert a["id"] != b["id"] and other.status_code == 201
    page = client.get(f"/documents/{a['id']}").text
    also = page[page.index('id="also-published"') :]
    assert f'href="/documents/{b["id"]}"' in also and "&lt;b&gt;Mirror&lt;/b&gt;" in also
    sim = client.get(f"/api/documents/{b['id']}/similar").json()
    assert [d["id"] for d in sim["similar"]] == [a["id"]] and sim["similar"][0]["outlet"] == "Wire"
    assert 'id="also-published"' not in client.get(f"/documents/{other.json()['id']}").text
    clusters = client.get("/api/duplicates").json()
    assert [{d["id"] for d in c["documents"]} for c in clusters] == [{a["id"], b["id"]}]
    assert client.get("/api/duplicates?threshold=0.1").status_code == 422
    assert client.get("/api/documents/0000000000000000/similar").status_code == 404
    assert 'id="stories">2 distinct stories' in client.get("/dashboard").text


def test_speaker_api_and_page(client: TestClient, sample_text: str) -> None:
    client.post("/api/analyze", json={"text": sample_text, "published": "2019-01-05"})
    listed = client.get("/api/speakers").json()
    names = [i["name"] for i in listed["items"]]
    assert "Daniel Patrick Welch" in names
    welch = listed["items"][names.index("Daniel Patrick Welch")]
    sp = client.get(f"/api/speakers/{welch['id']}").json()
    assert sp["statements_total"] == 2 and sp["documents"] == 1
    assert {t["technique"] for t in sp["techniques"]} >= {"Name_Calling,Labeling"}
    assert all(s["document"]["published"] == "2019-01-05" for s in sp["statements"])
    page = client.get(f"/speakers/{welch['id']}").text
    assert 'id="speaker-name">Daniel Patrick Welch<' in page and "coup factory" in page
    assert client.get("/api/speakers/999999").status_code == 404
    assert client.get("/api/speakers/abc").status_code == 422
    doc_id = client.get("/api/documents").json()["items"][0]["id"]
    assert f'href="/speakers/{welch["id"]}"' in client.get(f"/documents/{doc_id}").text
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/speakers", "/api/speakers/{speaker_id}", "/api/duplicates"} <= set(paths)


def test_hostile_speaker_name_is_escaped(client: TestClient, store: Store) -> None:
    text = 'Title\n\n"We will win," said <script>alert(1)</script> Roe on Monday.'
    doc = Document(text=text, source=Source(kind="text"))
    s = text.index("We will")
    doc.set_layer(
        "attributions",
        [
            Span(
                s,
                s + 12,
                "direct",
                {
                    "id": "a1",
                    "cue": {"start": s + 14, "end": s + 18, "text": "said"},
                    "source": None,
                    "speaker": {"name": "<script>alert(1)</script> Roe", "type": "person"},
                    "venue": None,
                },
            )
        ],
    )
    store.add(doc)
    sid = store.speakers()[1][0]["id"]
    for url in (f"/speakers/{sid}", "/speakers"):
        body = client.get(url).text
        assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; Roe" in body


def _active_tab(html: str) -> str:
    m = re.search(r'href="/dashboard\?by=(\w+)" class="active"', html)
    assert m, "no active tab"
    return m.group(1)


def test_dashboard_opens_on_an_informative_view(client: TestClient, sample_text: str) -> None:
    client.post("/api/analyze", json={"text": sample_text})  # no outlet, no date, one speaker
    assert _active_tab(client.get("/dashboard").text) == "technique"  # not one "(unknown)" bar
    client.post("/api/analyze", json={"text": sample_text + "\n\nMore.", "outlet": "A"})
    client.post("/api/analyze", json={"text": sample_text + "\n\nOther.", "outlet": "B"})
    assert _active_tab(client.get("/dashboard").text) == "outlet"
    assert _active_tab(client.get("/dashboard?by=month").text) == "month"


def test_stats_count_each_story_once_beside_the_raw_counts(
    client: TestClient, sample_text: str
) -> None:
    a = client.post("/api/analyze", json={"text": sample_text, "outlet": "Wire"}).json()
    b = client.post("/api/analyze", json={"text": republished(sample_text), "outlet": "Mirror"})
    copy = b.json()
    body = client.get("/api/stats", params={"by": "outlet"}).json()
    assert (body["documents"], body["stories"]) == (2, 1)
    rows = {(r["group"], r["technique"]): r for r in body["rows"]}
    assert sum(r["spans"] for r in rows.values()) == len(a["techniques"]) + len(copy["techniques"])
    assert sum(r["story_spans"] for r in rows.values()) == len(a["techniques"])
    mirror = [r for (g, _t), r in rows.items() if g == "Mirror"]
    assert mirror and all(r["stories"] == 0 for r in mirror)  # the copy adds no story
    table = client.get("/api/stats", params={"by": "technique", "format": "csv"}).text
    assert table.splitlines()[0] == "group,technique,spans,documents,story_spans,stories"
    page = client.get("/dashboard", params={"by": "technique"}).text
    assert 'id="per-story-note"' in page and ">per story</th>" in page
    totals = [int(n) for n in re.findall(r'class="num story-total">(\d+)<', page)]
    assert sum(totals) == len(a["techniques"])


def test_per_story_column_only_when_there_are_duplicates(
    client: TestClient, sample_text: str
) -> None:
    client.post("/api/analyze", json={"text": sample_text})
    page = client.get("/dashboard", params={"by": "technique"}).text
    assert "per-story-note" not in page and "story-total" not in page
    rows = client.get("/api/stats", params={"by": "technique"}).json()["rows"]
    assert rows and all(
        (r["story_spans"], r["stories"]) == (r["spans"], r["documents"]) for r in rows
    )


def test_dateline_date_reaches_the_month_view(client: TestClient, sample_text: str) -> None:
    head, rest = sample_text.split("\n\n", 1)
    dated = f"{head}\n\nPublished: 12 March 2019\n\n{rest}"
    doc = client.post("/api/analyze", json={"text": dated}).json()
    assert doc["published"] == "2019-03-12" and doc["meta"]["published_source"] == "dateline"
    assert client.get(f"/api/documents/{doc['id']}").json()["published"] == "2019-03-12"
    page = client.get(f"/documents/{doc['id']}").text
    assert '<time title="date read from the text (dateline)">2019-03-12</time>' in page
    rows = client.get("/api/stats", params={"by": "month"}).json()["rows"]
    assert {r["group"] for r in rows} == {"2019-03"}
    assert "2019-03" in client.get("/dashboard", params={"by": "month"}).text
    # a date given with the request is metadata, and wins over the text's
    other = client.post(
        "/api/analyze", json={"text": dated + "\n\nMore.", "published": "2019-03-13"}
    )
    assert other.json()["published"] == "2019-03-13"
    assert "published_source" not in (other.json().get("meta") or {})
