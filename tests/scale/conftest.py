"""A mixed corpus built by the tests: WARC edge cases, JSONL with bad lines, loose files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.scale.synth import write_warc

BODY = (
    "The senator said on Monday that the bill was a disgrace to the nation.\n"
    "Opponents called it a betrayal of every voter who had trusted the party.\n"
)


def make_corpus(root: Path, jsonl_lines: int = 12) -> dict[str, int]:
    """Write the corpus under ``root``; return how many records of each outcome it holds."""
    root.mkdir(parents=True, exist_ok=True)
    pages = [(f"https://news.example/{i}", f"Headline {i}", BODY) for i in range(4)]
    counts = write_warc(root / "crawl.warc.gz", pages, edge_cases=True)
    with open(root / "feed.jsonl", "w", encoding="utf-8") as f:
        for i in range(jsonl_lines):
            if i == 2:
                f.write("{not json\n")  # error
            elif i == 4:
                f.write("\n")  # blank: not a record
            elif i == 6:
                f.write(
                    json.dumps({"url": "https://x.example/no-id", "text": f"No id {i}. {BODY}"})
                )
                f.write("\n")
            else:
                f.write(json.dumps({"id": f"rec-{i}", "text": f"Record {i}. {BODY}"}) + "\n")
    nonblank = jsonl_lines - (1 if jsonl_lines > 4 else 0)
    counts["records"] += nonblank
    counts["documents"] += nonblank - (1 if jsonl_lines > 2 else 0)
    counts["errors"] += 1 if jsonl_lines > 2 else 0
    docs = root / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"article-{i}.txt").write_text(f"Story {i}\n\n{BODY}", encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    counts["records"] += 5
    counts["documents"] += 3
    counts["errors"] += 2
    return counts


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    root = tmp_path / "in"
    return root, make_corpus(root)
