"""The tagger's decoding (runs, links) and the hybrid with the rules, on hand-made readings.

The encoder is replaced by probabilities written here, so each rule of the decoder is checked
on its own; ``test_tagger_model`` runs the shipped model."""

from __future__ import annotations

import re

import numpy as np
import pytest

from spinscope.attribution.candidate import Candidate
from spinscope.attribution.extract import AttributionExtractor
from spinscope.attribution.hybrid import Settings, combine
from spinscope.attribution.tagger import CONTENT, CUE, SOURCE, Tagged, link, tag_spans
from spinscope.document import Document
from spinscope.techniques.windows import Tokens

LABEL = {"SOURCE": SOURCE, "CUE": CUE, "CONTENT": CONTENT}


def reading(text: str, marks: list[tuple[str, str]], p: float = 0.9) -> Tagged:
    """Words of ``text`` as tokens; each ``(needle, label)`` sets that label inside the needle
    (its first word also begins one)."""
    words = list(re.finditer(r"\w+|[^\w\s]", text))
    n = len(words)
    tokens = Tokens(
        np.arange(n, dtype=np.int64) + 1000,
        np.array([m.start() for m in words], dtype=np.int64),
        np.array([m.end() for m in words], dtype=np.int64),
        np.arange(n, dtype=np.int64),
    )
    probs = np.full((n, 6), 0.02, np.float32)
    for needle, label in marks:
        a = text.index(needle)
        b = a + len(needle)
        inside = np.nonzero((tokens.starts < b) & (tokens.ends > a))[0]
        probs[inside, LABEL[label]] = p
        probs[inside[0], 3 + LABEL[label]] = p
    return Tagged(text, tokens, probs)


TEXT = "The minister said that the budget would be cut."


def test_runs_and_link() -> None:
    r = reading(
        TEXT, [("The minister", "SOURCE"), ("said", "CUE"), ("the budget would be cut", "CONTENT")]
    )
    spans = tag_spans(r, 0.5, 0.5)
    assert [(TEXT[a:b], lab) for a, b, lab, _ in spans] == [
        ("The minister", SOURCE),
        ("said", CUE),
        ("the budget would be cut", CONTENT),
    ]
    (att,) = link(TEXT, spans)
    assert TEXT[slice(*att.content)] == "the budget would be cut"
    assert TEXT[slice(*att.source)] == "The minister"  # type: ignore[misc]
    assert TEXT[slice(*att.cue)] == "said"  # type: ignore[misc]


def test_begin_splits_adjacent_contents() -> None:
    text = "He said taxes rise and she said they fall."
    r = reading(text, [("said taxes rise", "CONTENT"), ("and she", "CONTENT")])
    r.probs[:, CONTENT] = 0.0
    for needle in ("taxes rise", "they fall"):
        a = text.index(needle)
        idx = np.nonzero((r.tokens.starts >= a) & (r.tokens.ends <= a + len(needle)))[0]
        r.probs[idx, CONTENT] = 0.9
        r.probs[idx[0], 3 + CONTENT] = 0.9
    runs = [text[a:b] for a, b, lab, _ in tag_spans(r) if lab == CONTENT]
    assert runs == ["taxes rise", "they fall"]


def test_source_never_crosses_a_line_and_content_no_blank_line() -> None:
    text = "Smith\nJones said it is over\n\nand done."
    r = reading(
        text, [("Smith\nJones", "SOURCE"), ("said", "CUE"), ("it is over\n\nand done", "CONTENT")]
    )
    r.probs[:, 3:] = 0.0  # no begin signal: only the breaks split
    spans = tag_spans(r)
    assert [text[a:b] for a, b, lab, _ in spans if lab == SOURCE] == ["Smith", "Jones"]
    assert [text[a:b] for a, b, lab, _ in spans if lab == CONTENT] == ["it is over", "and done"]


def test_content_without_cue_is_dropped_and_far_cue_ignored() -> None:
    text = "The budget would be cut. " + "Nothing here at all. " * 10 + "He said."
    r = reading(text, [("The budget would be cut", "CONTENT"), ("said", "CUE")])
    assert link(text, tag_spans(r)) == []


def test_split_quote_shares_one_cue() -> None:
    text = "“We will win,” she said, “and soon.”"
    r = reading(
        text,
        [("We will win", "CONTENT"), ("she", "SOURCE"), ("said", "CUE"), ("and soon", "CONTENT")],
    )
    (att,) = link(text, tag_spans(r))
    assert text[slice(*att.content)] == "We will win,” she said, “and soon"
    assert text[slice(*att.source)] == "she"  # type: ignore[misc]


def test_nested_cue_inside_content_is_not_its_cue() -> None:
    text = "Officials said that critics claimed the vote was rigged."
    r = reading(
        text,
        [
            ("Officials", "SOURCE"),
            ("said", "CUE"),
            ("critics claimed the vote was rigged", "CONTENT"),
        ],
    )
    # the inner cue "claimed" sits inside the outer content: the outer content links to "said"
    r.probs[text.index("claimed") // 1 and _tok(r, "claimed"), CUE] = 0.9
    atts = link(text, tag_spans(r))
    outer = next(a for a in atts if text[slice(*a.content)].startswith("critics"))
    assert text[slice(*outer.cue)] == "said"  # type: ignore[misc]


def _tok(r: Tagged, word: str) -> int:
    return int(np.nonzero(r.tokens.starts == r.text.index(word))[0][0])


def _rule(text: str, content: str, cue: str, source: str | None) -> Candidate:
    c0 = text.index(content)
    k = text.index(cue)
    s = (text.index(source), text.index(source) + len(source)) if source else None
    return Candidate((c0, c0 + len(content)), (k, k + len(cue)), s, 0.6, "rule:x|V|ccomp")


def test_filter_drops_a_rule_cue_the_tagger_rejects() -> None:
    text = "Pointing to the plan, he said the deal is dead."
    rules = [
        _rule(text, "the plan", "Pointing", None),
        _rule(text, "the deal is dead", "said", "he"),
    ]
    r = reading(text, [("he", "SOURCE"), ("said", "CUE"), ("the deal is dead", "CONTENT")])
    out = combine(rules, r, Settings(mode="filter", cue_filter=0.2))
    assert [text[slice(*c.content)] for c in out] == ["the deal is dead"]
    # the rules alone keep both
    assert len(combine(rules, r, Settings(mode="rules"))) == 2


def test_complement_adds_what_the_rules_missed_and_fills_a_source() -> None:
    text = "The mayor believes the city is safe. Critics, however, are adamant it is not."
    rules = [_rule(text, "the city is safe", "believes", None)]
    r = reading(
        text,
        [
            ("The mayor", "SOURCE"),
            ("believes", "CUE"),
            ("the city is safe", "CONTENT"),
            ("Critics", "SOURCE"),
            ("are adamant", "CUE"),
            ("it is not", "CONTENT"),
        ],
    )
    out = combine(rules, r, Settings(mode="filter+complement", cue_filter=0.2))
    assert [(text[slice(*c.content)], text[slice(*c.source)]) for c in out if c.source] == [
        ("the city is safe", "The mayor"),
        ("it is not", "Critics"),
    ]
    assert [c.origin for c in out] == ["rule:x|V|ccomp", "tagger"]
    assert rules[0].source is None  # the rule candidate itself is not modified


def test_min_score_drops_weak_tagger_attributions() -> None:
    text = "Critics are adamant it is not."
    r = reading(
        text, [("Critics", "SOURCE"), ("are adamant", "CUE"), ("it is not", "CONTENT")], p=0.55
    )
    assert combine([], r, Settings(mode="tagger", min_score=0.2)) != []
    assert combine([], r, Settings(mode="tagger", min_score=0.4)) == []


class _FakeTagger:
    def __init__(self, marks: list[tuple[str, str]], settings: dict[str, object]) -> None:
        self.marks = marks
        self.decoding = settings

    def tag(self, doc: Document) -> Tagged:
        return reading(doc.text, self.marks)


def test_extractor_uses_the_tagger_reading() -> None:
    marks = [("The minister", "SOURCE"), ("said", "CUE"), ("the budget would be cut", "CONTENT")]
    ex = AttributionExtractor(tagger=_FakeTagger(marks, {"mode": "tagger"}))  # type: ignore[arg-type]
    (a,) = ex(Document(TEXT)).layer("attributions")
    assert TEXT[a.start : a.end] == "the budget would be cut"
    assert a.attrs["source"]["text"] == "The minister"
    assert a.attrs["speaker"] == {"name": None, "role": "minister", "type": "person"}


def test_unknown_mode_and_missing_model_are_clear(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="mode must be one of"):
        AttributionExtractor(tagger=None, settings=Settings(mode="both"))
    with pytest.raises(FileNotFoundError, match="no attribution tagger"):
        AttributionExtractor(tagger=tmp_path)


def test_a_tagger_source_that_cannot_speak_is_no_speaker() -> None:
    """ "China’s willingness … shows": the statement may stand, its speaker is never the
    willingness (the shape of the issue's sample sentence, on a text written here)."""
    text = "Moscow’s readiness to mediate shows that the talks matter."
    marks = [("Moscow’s readiness", "SOURCE"), ("shows", "CUE"), ("the talks matter", "CONTENT")]
    ex = AttributionExtractor(tagger=_FakeTagger(marks, {"mode": "tagger"}))  # type: ignore[arg-type]
    atts = ex(Document(text)).layer("attributions")
    # dropped by the rules' veto: an evidential word ("shows") needs a speaker that can speak,
    # and without one there is no statement to attribute (never "Moscow’s readiness" said it)
    assert atts == []


def test_replace_takes_the_rule_source_for_the_same_cue() -> None:
    text = "Officials in the capital, the minister said, expect the budget to be cut."
    rules = [_rule(text, "expect the budget to be cut", "said", "the minister")]
    r = reading(
        text,
        [("Officials", "SOURCE"), ("said", "CUE"), ("expect the budget to be cut", "CONTENT")],
    )
    plain = combine(rules, r, Settings(mode="replace"))
    assert [text[slice(*c.source)] for c in plain if c.source] == ["Officials"]
    taken = combine(rules, r, Settings(mode="replace", rule_source=True))
    assert [(c.origin, text[slice(*c.source)]) for c in taken if c.source] == [
        ("tagger", "the minister")
    ]


def _link_every_pair(
    text: str, spans: list[tuple[int, int, int, float]], max_cue_gap: int = 120
) -> list[tuple[object, ...]]:
    """``link`` as first written: every content against every cue, every cue against every
    source (quadratic); the windowed version must give the same attributions."""
    from spinscope.attribution.tagger import _gap

    contents = [(a, b, s) for a, b, lab, s in spans if lab == CONTENT]
    cues = [(a, b, s) for a, b, lab, s in spans if lab == CUE]
    sources = [(a, b, s) for a, b, lab, s in spans if lab == SOURCE]
    by_cue: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    cue_score: dict[tuple[int, int], float] = {}
    for a, b, s in contents:
        best = None
        for ca, cb, cs in cues:
            if a <= ca and cb <= b:
                continue
            g = _gap((a, b), (ca, cb))
            if g > max_cue_gap or "\n\n" in text[min(b, cb) : max(a, ca)]:
                continue
            if best is None or g < best[0]:
                best = (g, (ca, cb), cs)
        if best is not None:
            by_cue.setdefault(best[1], []).append((a, b, s))
            cue_score[best[1]] = best[2]
    out = []
    for cue, parts in by_cue.items():
        src, best_gap = None, 10**9
        for sa, sb, _ in sources:
            if any(a <= sa < b for a, b, _ in parts):
                continue
            g = _gap(cue, (sa, sb))
            between = text[min(cue[1], sb) : max(cue[0], sa)]
            if g <= 80 and "\n" not in between and g < best_gap:
                src, best_gap = (sa, sb), g
        lo, hi = min(a for a, _, _ in parts), max(b for _, b, _ in parts)
        out.append(((lo, hi), cue, src))
    return sorted(out, key=lambda x: x[0])  # type: ignore[arg-type, return-value]


@pytest.mark.parametrize("seed", range(40))
def test_link_compares_only_spans_within_reach_and_finds_the_same(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(200, 3000))
    chars = list("abc de f\n")  # blank lines ("\n\n") stop a link, as paragraphs do
    p = [0.15, 0.15, 0.1, 0.2, 0.1, 0.1, 0.05, 0.1, 0.05]
    text = "".join(rng.choice(chars, size=n, p=p))
    spans = []
    for label in (CONTENT, CUE, SOURCE):
        pos = 0
        while True:  # runs of one label do not overlap and are sorted (as tag_spans gives them)
            pos += int(rng.integers(0, 150))
            length = int(rng.integers(1, 60 if label == CONTENT else 25))
            if pos + length > n:
                break
            spans.append((pos, pos + length, label, float(rng.random())))
            pos += length
    spans.sort()
    got = [(x.content, x.cue, x.source) for x in link(text, spans)]
    assert got == _link_every_pair(text, spans)
