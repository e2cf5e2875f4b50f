"""Corpus pages (issue 24): a favicon; the dashboard opens on technique frequency by outlet
and lists every outlet with its documents (zero spans shown as zero); a near-duplicates page
(clusters, sizes, members with outlet and date, links) linked from the dashboard."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _rows(page: str) -> dict[str, list[str]]:
    """Dashboard table rows: first cell → the other cells' texts."""
    table = page[page.index('id="stats-table"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        out[cells[0]] = cells[1:]
    return out


def test_favicon_is_served(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.lstrip().startswith(b"<svg")
    assert client.get("/static/favicon.svg").status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").text


def test_dashboard_lists_every_outlet_with_its_documents(
    client: TestClient, sample_text: str
) -> None:
    client.post("/api/analyze", json={"text": sample_text, "outlet": "Wire"})
    # outlets whose articles have no technique span at all
    for outlet, note in (("BBC", "A calm note"), ("Al Jazeera", "Another calm note")):
        text = f"{note} about the weather.\n\nIt rained on Tuesday and the river rose a little."
        client.post("/api/analyze", json={"text": text, "outlet": outlet})
    client.post(
        "/api/analyze", json={"text": "Third quiet item.\n\nNothing happened.", "outlet": "BBC"}
    )
    page = client.get("/dashboard").text
    assert re.search(r'<a href="/dashboard\?by=outlet" class="active">', page)  # opens by outlet
    rows = _rows(page)
    assert {"Wire", "BBC", "Al Jazeera"} <= set(rows)
    assert list(rows)[0] == "Wire"  # most spans first
    # zero spans shown as zero, beside the documents
    header = page[page.index("<thead>") : page.index("</thead>")]
    assert ">documents</th>" in header
    assert rows["BBC"][-1] == "2" and rows["Al Jazeera"][-1] == "1"
    assert set(rows["BBC"][:-1]) == {"0"}


def test_one_outlet_with_spans_still_opens_by_outlet(client: TestClient, sample_text: str) -> None:
    client.post("/api/analyze", json={"text": sample_text, "outlet": "Wire"})
    client.post(
        "/api/analyze", json={"text": "Quiet.\n\nNothing to see here at all.", "outlet": "RT"}
    )
    page = client.get("/dashboard").text
    assert re.search(r'href="/dashboard\?by=outlet" class="active"', page)
    assert "RT" in _rows(page)


def republished(text: str) -> str:
    paras = text.split("\n\n")
    return "\n\n".join(["EXCLUSIVE: China joins the fight", *paras[1:3], *paras[4:]])


def test_near_duplicates_page(client: TestClient, sample_text: str) -> None:
    a = client.post(
        "/api/analyze", json={"text": sample_text, "outlet": "Wire", "published": "2019-03-01"}
    ).json()
    b = client.post(
        "/api/analyze",
        json={
            "text": republished(sample_text),
            "outlet": "<i>Mirror</i>",
            "published": "2019-03-02",
        },
    ).json()
    client.post("/api/analyze", json={"text": "An unrelated note.\n\n" + "Words. " * 50})
    dash = client.get("/dashboard").text
    assert 'id="duplicates-link" href="/duplicates"' in dash
    page = client.get("/duplicates")
    assert page.status_code == 200
    html = page.text
    clusters = html[html.index('id="clusters"') :]
    assert clusters.count('class="cluster"') == 1
    assert "2 copies" in clusters
    for doc, outlet, date in (
        (a, "Wire", "2019-03-01"),
        (b, "&lt;i&gt;Mirror&lt;/i&gt;", "2019-03-02"),
    ):
        assert f'href="/documents/{doc["id"]}"' in clusters
        assert f"<td>{outlet}</td>" in clusters and f"<td>{date}</td>" in clusters
    assert "<i>Mirror</i>" not in html  # escaped
    assert client.get("/duplicates?threshold=0.1").status_code == 422


def test_near_duplicates_page_without_clusters(client: TestClient, sample_text: str) -> None:
    client.post("/api/analyze", json={"text": sample_text})
    html = client.get("/duplicates").text
    assert 'id="no-clusters"' in html and "in 1 stored document " in html
