"""``spinscope duplicates``: near-duplicate clusters of a stored corpus (text or JSON)."""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Any

import typer

from spinscope.store.duplicates import DEFAULT_THRESHOLD, INDEX_THRESHOLD

_DB_HELP = "Database URL: sqlite:///FILE (default: spinscope.db here) or postgresql://…"
#: Control characters (ANSI escapes included) are dropped before titles reach a terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class DupFormat(str, Enum):
    text = "text"
    json = "json"


def _fail(message: str) -> None:
    typer.echo(f"spinscope: error: {' '.join(message.split())}", err=True)
    raise typer.Exit(2)


def _plain(value: Any) -> str:
    return " ".join(_CONTROL.sub(" ", str(value)).split()) if value else "-"


def render_text(clusters: list[dict[str, Any]], threshold: float) -> str:
    lines = []
    for i, c in enumerate(clusters, 1):
        docs = c["documents"]
        lines.append(f"cluster {i}: {len(docs)} documents, similarity ≥ {c['similarity']:.2f}")
        for d in docs:
            where = d["source"].get("url") or d["source"].get("path")
            lines.append(
                f"  {d['id']}  {_plain(d['outlet'])}  {_plain(d['published'])}"
                f"  {_plain(d['title'])}  {_plain(where)}"
            )
    n_docs = sum(len(c["documents"]) for c in clusters)
    lines.append(
        f"{len(clusters)} clusters ({n_docs} documents) at similarity ≥ {threshold:g}"
        if clusters
        else f"no near-duplicates at similarity ≥ {threshold:g}"
    )
    return "\n".join(lines) + "\n"


def duplicates(
    db: str = typer.Option("sqlite:///spinscope.db", "--db", help=_DB_HELP),
    threshold: float = typer.Option(
        DEFAULT_THRESHOLD,
        "--threshold",
        "-t",
        help=(
            "Lowest estimated Jaccard similarity of the body's word 5-grams for two articles to"
            f" count as the same story ({INDEX_THRESHOLD:g}-1)."
        ),
    ),
    fmt: DupFormat = typer.Option(
        DupFormat.text, "--format", "-f", help="Output format.", case_sensitive=False
    ),
) -> None:
    """List clusters of near-duplicate (republished, lightly edited) stored articles.

    Largest clusters first. JSON: a list of {"similarity", "documents": [{"id", "title",
    "source": {"path", "url"}, "outlet", "published"}]}, where similarity is the lowest of the
    links that join the cluster.
    """
    from spinscope.store import Store

    if not INDEX_THRESHOLD <= threshold <= 1.0:
        _fail(f"--threshold {threshold:g}: choose a similarity between {INDEX_THRESHOLD:g} and 1")
    try:
        store = Store(db)
    except Exception as e:  # noqa: BLE001 - a bad URL or unreachable server: one line
        _fail(f"{db}: cannot open the database ({type(e).__name__}: {str(e).splitlines()[0]})")
    with store:
        found = store.duplicate_clusters(threshold)
    if fmt is DupFormat.json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(found, threshold), nl=False)
