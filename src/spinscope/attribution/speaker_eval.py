"""Who-said-what measure on PolNeAR dev: is the shown speaker the one the article means?

The gold is ``../shared/data/polnear/dev/speakers/NAME.tsv`` (one row per PolNeAR ``Source``
mention: who it is, see that folder's README). Predicted attributions are matched to the first
annotator's gold ones by content exactly as :func:`spinscope.attribution.polnear.score_article`
matches them (one-to-one, best overlap first, ≥ 50 % of the gold content covered); for each match
whose gold attribution has a source row, the shown speaker is judged:

- **right**: a named speaker that is the row's speaker (names compared leniently: the same
  words, a shorter form — surname, "Post" for "New York Post" —, or an acronym "FBI" for
  "Federal Bureau of Investigation"), or an unnamed speaker whose description is the row's
  description ("campaign spokeswoman" for "a campaign spokeswoman");
- **wrong named**: a named speaker that is someone else (the worst error: words put in a real
  person's mouth);
- **unresolved**: no name shown (a pronoun or description left as written, or no speaker).

Kept in the package because the benchmark (``bench/speakers_polnear.py``) and a test gate use it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from spinscope.attribution.polnear import (
    GoldArticle,
    Score,
    join_continuations,
    load_split,
    match_pieces,
    statement_heads,
)

RIGHT, WRONG, UNRESOLVED = "right", "wrong_named", "unresolved"
_SMALL = frozenset({"of", "the", "and", "for", "&", "on", "in", "at", "to"})
_DETERMINERS = frozenset({"a", "an", "the", "some", "one", "two", "several", "many", "his", "her"})
_TITLES = frozenset(
    {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "president", "senator", "sir"}
)


@dataclass(frozen=True)
class GoldSpeaker:
    start: int
    end: int
    mention: str
    speaker: str
    kind: str


def read_speaker_tsv(path: Path) -> dict[tuple[int, int], GoldSpeaker]:
    """One annotated file: ``(start, end)`` of the source mention → who it is."""
    out: dict[tuple[int, int], GoldSpeaker] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), 2):
            try:
                start, end = int(row["start"]), int(row["end"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{n}: bad start/end ({exc})") from None
            speaker = (row.get("speaker") or "").strip()
            if not speaker:
                continue  # a row not annotated yet
            out[(start, end)] = GoldSpeaker(
                start, end, row.get("mention") or "", speaker, (row.get("kind") or "").strip()
            )
    return out


def load_annotated(
    polnear_dir: Path | str, split: str = "dev", speakers_dir: Path | str | None = None
) -> list[tuple[GoldArticle, dict[tuple[int, int], GoldSpeaker]]]:
    """The articles of ``split`` that have a speaker file, with their rows (sorted order)."""
    sdir = (
        Path(speakers_dir) if speakers_dir is not None else Path(polnear_dir) / split / "speakers"
    )
    files = {p.stem: p for p in sorted(sdir.glob("*.tsv"))}
    if not files:
        raise FileNotFoundError(f"{sdir}: no speaker files (*.tsv)")
    articles = [a for a in load_split(polnear_dir, split) if a.name in files]
    missing = sorted(set(files) - {a.name for a in articles})
    if missing:
        raise FileNotFoundError(f"{sdir}: no {split} text for {', '.join(missing[:3])}")
    return [(a, read_speaker_tsv(files[a.name])) for a in articles]


# -- names -----------------------------------------------------------------------------------


def _words(s: str) -> list[str]:
    s = s.replace("\u2019", "'")
    s = re.sub(r"'s\b", "", s)
    return [w for w in re.split(r"[^\w]+", s.lower()) if w]


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") else w


def _acronym(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w not in _SMALL)


def same_name(shown: str, gold: str, person: bool = True) -> bool:
    """Lenient: the same words, a shorter form (surname, "Post"), or an acronym; the same last
    word ("Mr. Trump" / "Donald J. Trump") only for a person."""
    a = [_stem(w) for w in _words(shown) if w not in _DETERMINERS]
    b = [_stem(w) for w in _words(gold) if w not in _DETERMINERS]
    if not a or not b:
        return False
    if set(a) <= set(b) or set(b) <= set(a):
        return True
    a_core = [w for w in a if w not in _TITLES]
    b_core = [w for w in b if w not in _TITLES]
    if person and a_core and b_core and a_core[-1] == b_core[-1]:
        return True  # "Mr. Trump" / "Donald J. Trump"
    for x, y in ((a, b), (b, a)):
        if len(x) == 1 and len(y) >= 2 and x[0] == _acronym(y):
            return True
    return False


#: Gold kinds the README gives "as described" even when capitalised ("Republicans", "North
#: Carolina election officials", "CNN/ORC poll"): a shown description matching them is right.
DESCRIBED_KINDS = frozenset({"group", "document"})


def is_description(gold: str) -> bool:
    """A gold speaker that is no name ("a campaign spokeswoman", "sources", "?")."""
    g = gold.strip()
    return not g or g == "?" or g[0].islower()


def judge(speaker: dict[str, Any] | None, gold: GoldSpeaker) -> str:
    """``right`` / ``wrong_named`` / ``unresolved`` for one shown speaker."""
    speaker = speaker or {}
    name = speaker.get("name")
    if name:
        if gold.speaker != "?" and same_name(str(name), gold.speaker, gold.kind == "person"):
            return RIGHT
        return WRONG
    desc = speaker.get("role")
    described = is_description(gold.speaker) or gold.kind in DESCRIBED_KINDS
    if desc and described and gold.speaker != "?":
        a = [_stem(w) for w in _words(str(desc)) if w not in _DETERMINERS]
        b = [_stem(w) for w in _words(gold.speaker) if w not in _DETERMINERS]
        if a and b and (set(a) <= set(b) or set(b) <= set(a) or a[-1] == b[-1]):
            return RIGHT
    return UNRESOLVED


# -- scoring ---------------------------------------------------------------------------------


class Statement(NamedTuple):
    """One predicted statement: its content, the speaker shown, its source span, and the
    ``more`` content pieces of rows that continue it."""

    content: tuple[int, int]
    speaker: dict[str, Any] | None
    source: tuple[int, int] | None
    more: tuple[tuple[int, int], ...] = ()

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        return (self.content, *self.more)


@dataclass
class SpeakerCounts:
    matched: int = 0  # content-matched attributions whose gold has a source row
    right: int = 0
    wrong_named: int = 0
    unresolved: int = 0
    named_shown: int = 0
    no_gold_source: int = 0  # content-matched, but the gold attribution has no source row

    def add(self, other: SpeakerCounts) -> None:
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)

    def figures(self) -> dict[str, Any]:
        m = self.matched or 1
        return {
            **asdict(self),
            "speaker_right": self.right / m,
            "wrong_named": self.wrong_named / m,
            "unresolved_share": self.unresolved / m,
            "wrong_of_named": self.wrong_named / self.named_shown if self.named_shown else 0.0,
        }


@dataclass
class ArticleResult:
    name: str
    content: Score
    speakers: SpeakerCounts
    rows: list[dict[str, Any]] = field(default_factory=list)


def score_speakers(
    article: GoldArticle,
    rows: dict[tuple[int, int], GoldSpeaker],
    predicted: Sequence[Statement | tuple[Any, ...]],
) -> ArticleResult:
    """``predicted``: a :class:`Statement` (or its fields as a tuple, ``more`` optional) per
    statement, as :func:`doc_predictions` gives them."""
    gold = article.attributions
    statements = [Statement(*p) for p in predicted]
    content = Score(n_pred=len(statements), n_gold=len(gold))
    counts = SpeakerCounts()
    detail: list[dict[str, Any]] = []
    pairs = match_pieces([p.pieces for p in statements], gold)
    content.matched = len(pairs)
    for i, j in pairs:
        g = gold[j]
        row = None
        if g.source is not None:
            row = rows.get((g.source[0][0], g.source[-1][1]))
        if row is None:
            counts.no_gold_source += 1
            continue
        speaker = statements[i].speaker
        verdict = judge(speaker, row)
        counts.matched += 1
        if speaker and speaker.get("name"):
            counts.named_shown += 1
        if verdict == RIGHT:
            counts.right += 1
        elif verdict == WRONG:
            counts.wrong_named += 1
        else:
            counts.unresolved += 1
        detail.append(
            {
                "content": list(statements[i].content),
                "mention": row.mention,
                "gold": row.speaker,
                "kind": row.kind,
                "shown": speaker,
                "verdict": verdict,
            }
        )
    return ArticleResult(article.name, content, counts, detail)


def publisher(name: str) -> str:
    return name.split("_", 1)[0]


def summarise(results: Sequence[ArticleResult]) -> dict[str, Any]:
    """Overall and per-publisher figures."""

    def block(rs: Sequence[ArticleResult]) -> dict[str, Any]:
        c, s = Score(), SpeakerCounts()
        for r in rs:
            c.add(r.content)
            s.add(r.speakers)
        return {
            "articles": len(rs),
            "content": {
                "gold": c.n_gold,
                "predicted": c.n_pred,
                "matched": c.matched,
                "precision": c.precision,
                "recall": c.recall,
                "f1": c.f1,
            },
            "speakers": s.figures(),
        }

    pubs = sorted({publisher(r.name) for r in results})
    return {
        "overall": block(results),
        "publishers": {p: block([r for r in results if publisher(r.name) == p]) for p in pubs},
    }


def doc_predictions(doc: Any) -> list[Statement]:
    """A :class:`Statement` (content, speaker, source, further pieces) per statement of a document's
    ``attributions`` layer: a row that ``continues`` another is one of its pieces
    (:func:`polnear.join_continuations`); the speaker is the statement's first row's."""
    spans = list(doc.layer("attributions"))
    index = {str(s.attrs.get("id")): i for i, s in enumerate(spans)}
    rows = []
    for span in spans:
        src = span.attrs.get("source")
        rows.append(
            (
                (span.start, span.end),
                (src["start"], src["end"]) if src else None,
                index.get(str(span.attrs.get("continues"))),
            )
        )
    heads = statement_heads([r[2] for r in rows])
    firsts = [spans[i] for i, h in enumerate(heads) if h == i]
    return [
        Statement(p.content, first.attrs.get("speaker"), p.source, p.more)
        for p, first in zip(join_continuations(rows), firsts, strict=True)
    ]


def evaluate(polnear_dir: Path | str, pipeline: Any | None = None) -> dict[str, Any]:
    """Run ``clean → sentences → attributions`` on the annotated dev articles and score them."""
    from spinscope.document import Document, Source
    from spinscope.pipeline import Pipeline

    annotated = load_annotated(polnear_dir)
    pipe = pipeline or Pipeline.build(("clean", "sentences", "attributions"))
    docs = pipe.pipe(Document(a.text, source=Source(kind="text")) for a, _ in annotated)
    results = [
        score_speakers(a, rows, doc_predictions(d))
        for (a, rows), d in zip(annotated, docs, strict=True)
    ]
    return summarise(results)
