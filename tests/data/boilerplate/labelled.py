"""The labelled boilerplate set: hand-written ``*.lbl`` files plus texts generated from corpora.

``.lbl`` format: each line starts with a two-character tag, ``B `` for boilerplate (residue) or
``. `` for article lines (title, by-line, dateline, body); blank lines stay blank. The text is
the lines without their tags.

The generated part takes PTC and PolNeAR articles from ``../shared`` at run time (corpus text is
never committed) and adds residue blocks at the start, inside, and at the end. The residue pool
below was written from memory of real news sites, separately from the detector's patterns.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
Labelled = tuple[str, str, list[bool]]  # (name, text, is_boilerplate per non-blank line)


def parse_lbl(raw: str) -> tuple[str, list[bool]]:
    lines, labels = [], []
    for line in raw.splitlines():
        if not line.strip():
            lines.append("")
            continue
        tag, body = line[:2], line[2:]
        if tag not in ("B ", ". "):
            raise ValueError(f"bad tag {tag!r} in line {line!r}")
        lines.append(body)
        labels.append(tag == "B ")
    return "\n".join(lines) + "\n", labels


def handwritten() -> list[Labelled]:
    out = []
    for path in sorted((HERE / "handwritten").glob("*.lbl")):
        text, labels = parse_lbl(path.read_text(encoding="utf-8"))
        out.append((path.stem, text, labels))
    return out


START = [
    ["Skip to main content", "Toggle navigation", "Search"],
    ["Home » World » Middle East"],
    ["Home / Politics / Elections"],
    ["Sign In", "Subscribe"],
    ["This website uses cookies to ensure you get the best experience on our website."],
    ["Menu", "Home", "News", "Opinion"],
    ["Advertisement"],
]
INSIDE = [
    ["Advertisement"],
    ["READ MORE: {h}"],
    ["Related: {h}"],
    ["Story continues below advertisement"],
    ["Sign up for our daily newsletter to get the top stories delivered to your inbox."],
    ["Also Read: {h}"],
    ["ADVERTISEMENT"],
]
END = [
    ["Share this:", "Facebook", "Twitter", "Reddit", "Email"],
    ["Related Articles", "{h}", "{h}", "{h}"],
    ["© 2019 The Daily Courier. All rights reserved."],
    ["Leave a Reply", "Cancel reply"],
    ["Tags: {t}"],
    ["Back to top button"],
    ["Adblock Detected", "Please consider supporting us by disabling your ad blocker"],
    ["You have reached your limit of free articles.", "Subscribe now"],
    ["Follow us on Telegram"],
    ["Previous Post", "{h}", "Next Post", "{h}"],
    ["Most Popular", "{h}", "{h}"],
    ["Copyright © 2020 Newsline Media Group", "Privacy Policy", "Terms of Service"],
    ["Continue Reading"],
    [
        "Click to share on Twitter (Opens in new window)",
        "Click to share on Facebook (Opens in new window)",
    ],
    ["Loading comments..."],
]


def _articles(shared: Path) -> list[Path]:
    ptc = sorted((shared / "data/ptc/train/articles").glob("*.txt"))
    pol = sorted((shared / "data/polnear/dev/text").glob("*.txt"))
    return ptc[::19][:20] + pol[::4][:20]


def generated(shared: Path, seed: int = 2) -> list[Labelled]:
    """Corpus articles with residue added; empty if the corpora are not there."""
    paths = _articles(shared)
    if not paths:
        return []
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in paths]
    heads = [t.split("\n", 1)[0].strip() for t in texts]
    out: list[Labelled] = []
    for k, (path, text) in enumerate(zip(paths, texts, strict=True)):
        lines = text.split("\n")
        fill: dict[str, Callable[[], str]] = {
            "h": lambda: rng.choice(heads),
            "t": lambda: ", ".join(rng.sample(heads[0].split(), 2)),
        }

        def block(
            pool: list[list[str]], fill: dict[str, Callable[[], str]] = fill
        ) -> list[tuple[str, bool]]:
            chosen = rng.choice(pool)
            return [
                (ln.replace("{h}", fill["h"]()).replace("{t}", fill["t"]()), True) for ln in chosen
            ]

        body: list[tuple[str, bool]] = [(ln, False) for ln in lines]
        if k % 2 == 0:
            body = block(START) + body
        if k % 3 != 2 and len(lines) > 6:
            at = rng.randrange(4, len(lines) - 1)
            body = body[:at] + block(INSIDE) + body[at:]
        for _ in range(1 + k % 3):
            body += [("", False)] + block(END)
        raw = "\n".join(ln for ln, _ in body)
        labels = [b for ln, b in body if ln.strip()]
        out.append((f"gen-{path.stem}", raw, labels))
    return out


def labelled_set(shared: Path) -> list[Labelled]:
    return handwritten() + generated(shared)
