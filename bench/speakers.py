"""Corpus speakers on the 74 PTC validation articles: one group per person, no broken names.

    python bench/speakers.py [--jsonl ANALYSED.jsonl] [--out FILE.json]

The validation articles (../shared/data/ptc, ``splits.json``; or $SPINSCOPE_SHARED) are analysed
with the default pipeline (or read from ``--jsonl``, written by ``spinscope analyze``), stored
in a fresh SQLite file, and the store's speaker groups are checked:

- *shorter forms*: a group whose name (titles dropped) is the end of another person group's
  name — "Trump" beside "Donald Trump", "Acosta" beside "Jim Acosta" — except a surname
  shared by two or more people in the corpus (ambiguous: it must stay apart); groups that are
  a first name alone ("Jeff" beside "Jeff Sessions") are listed for review, not counted;
- *line breaks*: a group name or name variant containing a line break.

The same checks on the groups 0.1.0 made (one per distinct ``speaker.name`` string) are printed
beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from spinscope.document import Document
from spinscope.paths import missing_message, shared_path
from spinscope.store import Store
from spinscope.store.speakers import person_tokens

PTC = shared_path("data", "ptc")


def validation_docs(jsonl: Path | None) -> list[Document]:
    if jsonl is not None:
        lines = jsonl.read_text(encoding="utf-8").splitlines()
        return [Document.from_dict(json.loads(line)) for line in lines if line.strip()]
    from spinscope.ingest import load
    from spinscope.pipeline import get_pipeline

    ids = json.loads((PTC / "splits.json").read_text())["validation"]
    raw = [load(PTC / "train" / "articles" / f"article{i}.txt") for i in ids]
    return list(get_pipeline().pipe(raw))


def shorter_forms(groups: list[tuple[str, str]]) -> tuple[list[list[str]], list[list[str]]]:
    """(shorter, longer) pairs of person group names: surname forms ("Trump" / "Donald
    Trump", "Wasserman Schultz" / "Debbie Wasserman Schultz"; a surname two people share
    excepted), and first-name forms ("Jeff" / "Jeff Sessions": listed, since a first name alone
    in another article says nothing of who it is)."""
    people = [(n, person_tokens(n)) for n, t in groups if t == "person"]
    full = [(n, w) for n, w in people if len(w) >= 2]
    owners = Counter(tuple(w[-k:]) for _, w in full for k in range(1, len(w)))
    surname, first = [], []
    for short, ws in people:
        for long, wl in full:
            if short == long or len(ws) >= len(wl):
                continue
            if wl[-len(ws) :] == ws:
                if owners[tuple(ws)] < 2:  # "Monahan" with two Monahans stays apart
                    surname.append([short, long])
            elif wl[: len(ws)] == ws:
                first.append([short, long])
    return surname, first


def check(docs: list[Document]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/s.db") as store:
        store.add_many(docs)
        total, items = store.speakers(limit=500)
        details = [store.speaker(i["id"]) for i in items]
    groups = [(d["name"], d["type"]) for d in details if d]
    variants = [v["name"] for d in details if d for v in d["variants"]]
    short, first = shorter_forms(groups)
    # 0.1.0: one group per distinct (name, type) string that a technique or statement named.
    old = sorted(
        {
            (str(sp.get("name")), str(sp.get("type") or "unknown"))
            for doc in docs
            for a in doc.layer("attributions")
            if (sp := a.attrs.get("speaker") or {}).get("name")
        }
    )
    return {
        "documents": len(docs),
        "speaker_groups": total,
        "shorter_form_groups": short,
        "first_name_only_groups": first,
        "names_with_line_break": [n for n in [g for g, _ in groups] + variants if "\n" in n],
        "merged": [
            {"name": d["name"], "variants": [v["name"] for v in d["variants"]]}
            for d in details
            if d and len(d["variants"]) > 1
        ],
        "top": [
            {"name": i["name"], "type": i["type"], "statements": i["statements"]}
            for i in items[:15]
        ],
        "v010": {
            "speaker_groups": len(old),
            "shorter_form_groups": len(shorter_forms(old)[0]),
            "names_with_line_break": sum("\n" in n for n, _ in old),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jsonl", type=Path, help="analysed validation articles (spinscope/1 JSONL)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.jsonl is None and not PTC.is_dir():
        sys.exit(f"bench/speakers.py: {missing_message(PTC)}")
    result = check(validation_docs(args.jsonl))
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
