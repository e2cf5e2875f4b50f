"""Who said what: the ``attributions`` layer (content span, cue, source mention, speaker, venue).

Candidates come from the shared spaCy parse (``rules.py``) filtered by the cue lexicon learned on
PolNeAR train, then from quotes the parse did not explain (a cue next to the quote, a quote that
continues the previous speaker, or a quote with no speaker). The learned SOURCE/CUE/CONTENT
tagger (``tagger.py``, shipped in ``models/attribution``) is combined with them as its model card
says (``hybrid.py``): which rule cues it vetoes, which attributions it adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spinscope.attribution.candidate import Candidate, continues_statement
from spinscope.attribution.hybrid import MODES, Settings, Veto, combine, relink
from spinscope.attribution.labels import ORIGIN_HEADLINE, Known, label_candidates
from spinscope.attribution.lexicon import CueLexicon, load_lexicon
from spinscope.attribution.quotes import Quote, find_quotes
from spinscope.attribution.resolve import DecisionScorer, default_scorer
from spinscope.attribution.rules import (
    QUOTE_CHARS,
    SpacyDoc,
    Token,
    char_range,
    coarse_pos,
    find_source,
    lemma_of,
    raw_candidates,
    source_span,
)
from spinscope.attribution.spans import tidy
from spinscope.attribution.speakers import (
    SpeakerResolver,
    find_venue,
    is_entity,
    unknown_speaker,
)
from spinscope.attribution.tagger import SOURCE, AttributionTagger, Tagged
from spinscope.document import Document, Span

PARSES = "spacy_parses"
TAGGED = "attribution_tagged"
LAYER = "attributions"
DECISIONS = "speaker_decisions"

DEFAULT = "default"


class AttributionExtractor:
    """Callable ``Document -> Document`` writing the ``attributions`` layer."""

    name = LAYER

    def __init__(
        self,
        lexicon: CueLexicon | None = None,
        threshold: float = 0.3,
        quote_cue_threshold: float = 0.2,
        min_quote_words: int = 6,
        nlp: Any | None = None,
        tagger: AttributionTagger | str | Path | None = DEFAULT,
        settings: Settings | None = None,
        speaker_scorer: DecisionScorer | str | None = DEFAULT,
    ) -> None:
        """``tagger``: the shipped tagger (``"default"``, when installed), a model folder, an
        :class:`AttributionTagger`, or None for the rules alone. ``settings``: how the tagger
        and the rules combine (default: the model's ``config.json``, chosen on PolNeAR train)."""
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.threshold = threshold
        self.quote_cue_threshold = quote_cue_threshold
        self.min_quote_words = min_quote_words
        self._nlp = nlp
        if tagger == DEFAULT:
            tagger = AttributionTagger.load()
        elif isinstance(tagger, (str, Path)):
            loaded = AttributionTagger.load(Path(tagger))
            if loaded is None:
                raise FileNotFoundError(f"{tagger}: no attribution tagger model there")
            tagger = loaded
        self.tagger: AttributionTagger | None = tagger
        if settings is None:
            settings = Settings.from_config(tagger.decoding) if tagger is not None else Settings()
        if settings.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {settings.mode!r}")
        self.settings = settings
        #: shows a speaker's name only when the decision is sure enough (issue 21)
        if isinstance(speaker_scorer, str):
            speaker_scorer = (
                default_scorer()
                if speaker_scorer == DEFAULT
                else DecisionScorer.load(Path(speaker_scorer))
            )
        self.speaker_scorer: DecisionScorer | None = speaker_scorer

    # -- public API ------------------------------------------------------------------------

    def __call__(self, doc: Document) -> Document:
        doc.progress("attributions", 0, 1)
        parses = self._parses(doc)
        tagged = doc.runtime.get(TAGGED)
        if tagged is None and self.tagger is not None and self.settings.mode != "rules":
            tagged = self.tagger.tag(doc)
        context = self._context(doc)
        titles = context.get("title", [])
        cands = statements_only(doc.text, self.combined(doc.text, parses, tagged, titles))
        choose_sources(doc.text, sorted([*parses, *titles], key=lambda p: p[0]), cands)
        resolver = SpeakerResolver(doc.text, parses, scorer=self.speaker_scorer, context=context)
        # a label names its speaker ("Graham:", "TAPPER:"), and a headline's name is read the
        # same way, by the names the body writes: neither goes through the body's resolution,
        # whose title-case names would mislead it ("OK Gov Fallin", "General Reveals")
        known = Known.of(doc.text, cands, resolver.person_ents, parses, titles)
        labelled = {
            i: known.label_speaker(doc.text, c, resolver.canonical)
            for i, c in enumerate(cands)
            if c.origin.startswith("label:") or c.extra.get("title")
        }
        speakers = resolver.resolve(cands, _source_probs(cands, tagged), skip=set(labelled))
        for i, sp in labelled.items():
            speakers[i] = sp
        speakers = [
            transcript_speaker(doc.text, c.content, sp, resolver)
            for c, sp in zip(cands, speakers, strict=True)
        ]
        speakers = [
            unknown_speaker() if _reports_another(doc.text, c, cands) else sp
            for c, sp in zip(cands, speakers, strict=True)
        ]
        doc.runtime[DECISIONS] = resolver.decisions  # read by the speaker model's fit
        firsts = [continues_statement(doc.text, cands, i) for i in range(len(cands))]
        for i, first in enumerate(firsts):
            if first is not None:
                speakers[i] = speakers[first]  # one statement in pieces has one speaker
        spans = []
        for n, (cand, speaker) in enumerate(zip(cands, speakers, strict=True), start=1):
            attrs: dict[str, Any] = {
                "id": f"a{n}",
                "cue": _piece(doc.text, cand.cue),
                "source": _piece(doc.text, cand.source),
                "speaker": speaker,
                "venue": cand.extra.get("venue"),
            }
            first = firsts[n - 1]
            if first is not None:
                attrs["continues"] = f"a{first + 1}"
            kind = attribution_kind(doc.text, cand.content)
            spans.append(Span(cand.content[0], cand.content[1], kind, attrs))
        doc.set_layer(LAYER, spans)
        doc.progress("attributions", 1, 1)
        return doc

    def prepare(self, docs: Iterable[Document]) -> None:
        """The tagger's encoder pass, which needs no parse: the pipeline runs it beside the
        spaCy parse (ONNX Runtime releases the GIL) and :meth:`__call__` reads the result."""
        if self.tagger is None or self.settings.mode == "rules":
            return
        for d in docs:
            d.runtime[TAGGED] = self.tagger.tag(d)

    def pipe(self, docs: Iterable[Document]) -> Iterable[Document]:
        docs = list(docs)
        missing = [d for d in docs if PARSES not in d.runtime]
        if missing:
            from spinscope.sentences import SentenceSplitter

            SentenceSplitter(nlp=self._get_nlp()).pipe(missing)
        return [self(d) for d in docs]

    # -- candidates ------------------------------------------------------------------------

    def combined(
        self,
        text: str,
        parses: Sequence[tuple[int, SpacyDoc]],
        tagged: Tagged | None,
        titles: Sequence[tuple[int, SpacyDoc]] = (),
    ) -> list[Candidate]:
        """Rule candidates combined with the tagger's reading under ``self.settings``.
        ``titles``: the title regions' parse (their rows are marked ``extra["title"]``)."""
        every = sorted([*parses, *titles], key=lambda p: p[0])
        cands = self.candidates(text, every)
        for c in cands:
            if any(o <= c.content[0] < o + len(sd.text) for o, sd in titles):
                c.extra["title"] = True
        if tagged is None or self.settings.mode == "rules":
            return cands
        veto = self.veto(every)
        return self.finish(text, every, combine(cands, tagged, self.settings, veto=veto))

    def veto(self, parses: Sequence[tuple[int, SpacyDoc]]) -> Veto:
        """The rules' judgement of a tagger attribution, by its cue's parse token: what the
        issue-10 fixes keep out of the rules' own rows stays out of the tagger's too."""
        lexicon, min_weight = self.lexicon, self.quote_cue_threshold

        def vetoed(c: Candidate) -> bool:
            if c.cue is None:
                return False
            tok = _root_token(parses, c.cue)
            if tok is None:
                return False
            lemma = lemma_of(tok)
            off = _offset_of(parses, tok)
            span = tok.doc.char_span(c.cue[0] - off, c.cue[1] - off, alignment_mode="expand")
            words = list(span) if span is not None else [tok]
            if any(_question_to_speaker(w) for w in words):
                return True  # "Asked about …", "In response to a question …"
            if tok.tag_ == "VBG" and tok.dep_ == "advcl" and tok.i == tok.sent.start:
                return True  # "Pointing to X, he said …": framing, not a statement
            if lemma in NAMING | STANCE_ON_THINGS | {"remember"}:
                return True  # the rules read these shapes (call X, defend the deal)
            inner = tok.doc.char_span(c.content[0] - off, c.content[1] - off, "expand")
            if inner is not None and any(lemma_of(t) in QUESTION_LEMMAS for t in inner[:4]):
                return True  # "In response | to a question about …"
            if lexicon.best_weight(lemma, coarse_pos(tok)) < min_weight:
                return True  # a word PolNeAR train rarely annotates as a cue ("approved")
            if lemma in EVIDENTIAL:
                src = _root_token(parses, c.source) if c.source else None
                if src is not None and not (
                    (src.head == tok and src.dep_ == "nsubj")
                    or (src.head.dep_ == "agent" and src.head.head == tok)
                ):
                    return True  # "Beijing is expected to …, but it …": nobody expects
                has_clause = inner is not None and any(t.pos_ in ("VERB", "AUX") for t in inner)
                return src is None or not is_entity(src) or not has_clause
            return False

        return vetoed

    @staticmethod
    def finish(
        text: str, parses: Sequence[tuple[int, SpacyDoc]], cands: list[Candidate]
    ) -> list[Candidate]:
        """Combined candidates made ready for speakers: tidy spans, parse tokens for the
        tagger's sources and cues, and no source that cannot speak ("China’s willingness")."""
        out = _hygiene(text, cands)
        for c in out:
            if c.source is not None and c.source_token is None:
                tok = _root_token(parses, c.source)
                if tok is not None and not is_entity(tok) and not c.origin.startswith("label:"):
                    c.source = None  # a statement with no speaker, never an invented one
                c.source_token = tok if c.source is not None else None
            if c.cue is not None and c.cue_token is None:
                c.cue_token = _root_token(parses, c.cue)
                if c.cue_token is not None:
                    c.extra.setdefault("venue", find_venue(c.cue_token))
        out.sort(key=lambda c: (c.content[0], -c.content[1]))  # speakers resolve in text order
        return relink(out)

    def candidates(self, text: str, parses: Sequence[tuple[int, SpacyDoc]]) -> list[Candidate]:
        """Rule candidates over every parsed region, in text order, with continuations linked."""
        out: list[Candidate] = []
        for offset, sdoc in parses:
            region_end = offset + len(sdoc.text)
            quotes = find_quotes(text, offset, region_end)
            out.extend(self._region_candidates(text, sdoc, offset, quotes))
        out.extend(label_candidates(text, parses))
        out = _hygiene(text, out)
        out.sort(key=lambda c: (c.content[0], -c.content[1]))
        out = [c for c in out if not _demonstrative_inside(c, out)]
        self._link_continuations(out, text, parses)
        return out

    def _region_candidates(
        self, text: str, sdoc: SpacyDoc, offset: int, quotes: Sequence[Quote]
    ) -> list[Candidate]:
        best: dict[int, Candidate] = {}  # one relation per cue token: the most reliable
        for raw in raw_candidates(sdoc, offset, quotes):
            w = self.lexicon.weight(_naming_key(raw, sdoc, offset))
            if w < self.threshold or _too_short(text, raw.content, quotes):
                continue
            if _stance_on_a_thing(raw):
                continue
            if _question_to_speaker(raw.cue_token) or not _reporting(raw.key, raw.source_token):
                continue
            prev = best.get(raw.cue_token.i)
            if prev is None or w > prev.score:
                best[raw.cue_token.i] = Candidate(
                    raw.content,
                    raw.cue,
                    raw.source,
                    w,
                    f"rule:{raw.key}",
                    raw.cue_token,
                    raw.source_token,
                )
        cands = _drop_framing(list(best.values()))
        cands = _dedupe(sorted(cands, key=lambda c: -c.score))
        cands.extend(self._quote_candidates(text, sdoc, offset, quotes, cands))
        cands = _outside_cue_first(cands, quotes)
        cands.sort(key=lambda c: c.cue[0] if c.cue else c.content[0])
        for i, c in enumerate(cands):
            if c.cue is not None:
                c.extra["nested"] = any(q.start <= c.cue[0] < q.end for q in quotes)
            if c.cue_token is not None:
                c.extra["venue"] = find_venue(c.cue_token)
                if c.source is None and i > 0:
                    _share_subject(c, cands[i - 1])
        _cut_at_own_cue(text, cands, quotes)
        return cands

    def _quote_candidates(
        self,
        text: str,
        sdoc: SpacyDoc,
        offset: int,
        quotes: Sequence[Quote],
        existing: Sequence[Candidate],
    ) -> list[Candidate]:
        """Quotes not explained by the parse: adjacent cue, continuation, or no speaker."""
        out: list[Candidate] = []
        for q in quotes:
            # a row cued inside this very quote ("if you say it") does not explain it
            if any(
                _covered(q.start, q.end, c.content) and not _cued_inside(c, q) for c in existing
            ):
                continue
            inner = text[q.start : q.end]
            n_words = len(inner.split())
            cue = self._adjacent_cue(text, sdoc, offset, q)
            if cue is not None:
                src_tok = find_source(cue, "ccomp")
                src = None
                if src_tok is not None:
                    s_lo, s_hi = source_span(sdoc, src_tok)
                    src = char_range(sdoc, s_lo, s_hi, offset)
                    if src[0] < q.end and q.start < src[1]:
                        src, src_tok = None, None
                c0 = offset + cue.idx
                out.append(
                    Candidate(
                        (q.start, q.end),
                        (c0, c0 + len(cue)),
                        src,
                        self.lexicon.lemma_weight(lemma_of(cue)),
                        "quote:cue",
                        cue,
                        src_tok,
                    )
                )
            elif (owner := _possessor(sdoc, offset, q)) is not None:
                s_lo, s_hi = source_span(sdoc, owner)
                src = char_range(sdoc, s_lo, min(s_hi, owner.i + 1), offset)  # without the ’s
                out.append(
                    Candidate((q.start, q.end), None, src, 0.3, "quote:possessive", None, owner)
                )
            elif n_words >= self.min_quote_words or (q.paragraph_start and n_words >= 3):
                out.append(Candidate((q.start, q.end), None, None, 0.1, "quote:bare"))
        return _merge_split_quotes(text, out)

    def _adjacent_cue(self, text: str, sdoc: SpacyDoc, offset: int, q: Quote) -> Token | None:
        """A speech verb just after the quote (", Welch said") or just before ("said: “")."""
        after: list[Token] = []
        before: list[Token] = []
        for tok in sdoc:
            pos = offset + tok.idx
            if pos >= q.end and len(after) < 6:
                if "\n" in text[q.end : pos]:
                    break
                after.append(tok)
            elif pos + len(tok) <= q.start:
                before.append(tok)
        before = before[-6:]
        if before and "\n" in text[offset + before[0].idx : q.start]:
            before = [t for t in before if "\n" not in text[offset + t.idx : q.start]]
        # A quote followed straight by a word ("“One Belt, One Road” policy, the expert said")
        # is part of a noun phrase, not the words the later cue reports.
        inner_end = text[q.start : q.end].rstrip(QUOTE_CHARS + " ")
        nxt = text[q.end : q.end + 1]
        if not (inner_end[-1:] in ",.!?…—–-:;" or nxt in ("", ",", "—", "–", "-", ":")):
            after = []
        # A quote closed by a full stop ends its sentence: a capitalised word starting the next
        # one is a new statement's subject ('an "outlaw nation in the neighborhood." Russia
        # insisted …'), not the quote's speaker ("“…,” Welch said" has its comma)
        if (
            after
            and inner_end[-1:] == "."
            and after[0].is_sent_start
            and after[0].text[:1].isupper()
        ):
            after = []
        for tok in after:
            if tok.is_sent_start and tok.i != after[0].i:
                break
            if tok.text in ".!?" or tok.text in QUOTE_CHARS:
                break
            if self._is_speech(tok):
                return tok
        for tok in reversed(before):
            if tok.text in ".!?" or tok.text in QUOTE_CHARS:
                break
            if self._is_speech(tok):
                gap = text[offset + tok.idx + len(tok) : q.start].strip()
                # "said: “…", "told reporters on Monday, “…" — not "Pointing to China’s “…"
                if gap in ("", ":", ",", "that", ", that") or (
                    len(gap.split()) <= 4 and gap[-1:] in (":", ",")
                ):
                    return tok
        return None

    def _is_speech(self, tok: Token) -> bool:
        return coarse_pos(tok) == "V" and (
            self.lexicon.lemma_weight(lemma_of(tok)) >= self.quote_cue_threshold
        )

    @staticmethod
    def _link_continuations(
        cands: list[Candidate], text: str, parses: Sequence[tuple[int, SpacyDoc]]
    ) -> None:
        """A bare quote after an attribution continues it, unless the sentence just before the
        quote, in its paragraph, has another person for subject: then the quote is that
        person's ("Sen. Bernie Sanders … identified … as one of the reasons. “The younger
        people are …”" was Mike Pence's, the speaker of the paragraph before)."""
        for i, c in enumerate(cands):
            whole_quote = (
                c.extra.get("nested")
                and c.cue is not None
                and c.content[0] <= c.cue[0] < c.content[1]
            )
            if c.origin != "quote:bare" and not whole_quote:
                continue
            for j in range(i - 1, -1, -1):
                p = cands[j]
                if (p.origin == "quote:bare" and p.continues is None) or p.extra.get("nested"):
                    continue
                if _describes_a_speaker(p, cands[:j]):
                    continue  # "said Peter Morgan, …, who has been challenging …": not whom
                    # the next quote continues
                if p.content[1] <= c.content[0]:
                    subj = _subject_before(text, parses, c.content[0], p)
                    if subj is not None and c.origin == "quote:bare":
                        c.source, c.source_token = subj
                        c.origin = "quote:subject"
                        break
                    c.continues = j
                    c.cue, c.cue_token = (None, None) if whole_quote else (c.cue, c.cue_token)
                    c.source = p.source
                    c.source_token = p.source_token
                    c.extra["venue"] = p.extra.get("venue")
                    c.origin = "quote:continuation"
                break

    # -- parse and tagger ------------------------------------------------------------------

    def _context(self, doc: Document) -> dict[str, list[tuple[int, SpacyDoc]]]:
        """Parses of the title and by-line regions (short): names for the speakers."""
        out: dict[str, list[tuple[int, SpacyDoc]]] = {}
        for r in doc.regions:
            if r.label in ("title", "byline") and 0 < r.end - r.start <= 400:
                out.setdefault(r.label, []).append(
                    (r.start, self._get_nlp()(doc.text[r.start : r.end]))
                )
        return out

    def _get_nlp(self) -> Any:
        if self._nlp is None:
            from spinscope.nlp import load_spacy

            self._nlp = load_spacy()
        return self._nlp

    def _parses(self, doc: Document) -> list[tuple[int, SpacyDoc]]:
        parses = doc.runtime.get(PARSES)
        if parses is None:
            nlp = self._get_nlp()
            parses = [(s.start, nlp(doc.text[s.start : s.end])) for s in doc.body_spans()]
            doc.runtime[PARSES] = parses
        return list(parses)


#: Nouns that read as cues to the tagger but carry no statement ("growing concern that …",
#: "expressed hopes that …", "the report's findings that …").
NOUN_CUES = frozenset({"concern", "hope", "finding", "fear", "worry", "find", "call"})
_END_PUNCT = ".!?\"\u201d\u2019'):;…"


def heading_line(text: str, pos: int) -> bool:
    """Whether ``pos`` lies on a line that is a heading: a paragraph of its own (blank line or
    text edge on both sides), at most 12 words, no closing punctuation ("Founder says he will
    fight extradition")."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    line = text[start:end].strip()
    if not line or line[-1] in _END_PUNCT or len(line.split()) > 12 or not text[end:].strip():
        return False  # (a last line with no stop is a statement cut short, not a heading)
    if any(q in line for q in QUOTE_CHARS):
        return False
    before = text[:start].rstrip(" \t")
    after = text[end:].lstrip(" \t")
    return (not before or before.endswith("\n\n") or start == 0) and (
        not after or after.startswith("\n\n") or after == "\n"
    )


def statements_only(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Rows that are statements: not cued by a noun ("concern", "hopes"), not a heading, not
    a content of function words alone (issue 21). Continuation links are kept pointing at the same rows."""
    from spacy.lang.en.stop_words import STOP_WORDS

    keep = []
    for c in cands:
        words = re.findall(r"\w+", text[c.content[0] : c.content[1]].lower())
        if len(words) <= 2 and all(w in STOP_WORDS for w in words):
            continue  # "Asked to …": a content of "to" or "it" alone says nothing (a
            # longer one can: “We will not back down” is stop words only)
        tok = c.cue_token
        if tok is not None and tok.pos_ == "NOUN" and tok.lemma_.lower() in NOUN_CUES:
            continue
        title = c.extra.get("title") or c.origin == ORIGIN_HEADLINE
        if c.cue is not None and not title and heading_line(text, c.cue[0]):
            continue  # (the title's statements are the headline's, not a sub-heading's)
        if c.extra.get("title") and not c.origin.startswith("label:"):
            if tok is None or not tok.tag_.startswith("VB"):
                continue  # a title's statement has a verb for cue, not "31 Latinos Share Their
                # Most Honest Thoughts On Donald Trump" (a title-case parse's noun)
        keep.append(c)
    if len(keep) == len(cands):
        return cands
    index = {id(c): i for i, c in enumerate(cands)}
    new = {index[id(c)]: j for j, c in enumerate(keep)}
    for c in keep:
        if c.continues is not None:
            c.continues = new.get(c.continues)
    return keep


def _subject_before(
    text: str, parses: Sequence[tuple[int, SpacyDoc]], at: int, prev: Candidate
) -> tuple[tuple[int, int], Token] | None:
    """The named person who is the subject of the sentence just before ``at`` in its paragraph,
    when that sentence comes after ``prev``'s statement and is not about ``prev``'s speaker."""
    for offset, sdoc in parses:
        if not (offset <= at <= offset + len(sdoc.text)):
            continue
        before = [t for t in sdoc if offset + t.idx + len(t) <= at]
        if not before:
            return None
        sent = before[-1].sent
        start = offset + sent.start_char
        if start < prev.content[1] or "\n" in text[start:at]:
            return None
        subj = next((t for t in sent.root.children if t.dep_ == "nsubj"), None)
        if subj is None or subj.ent_type_ != "PERSON" or offset + subj.idx >= at:
            return None
        if prev.source is not None:
            said_by = text[prev.source[0] : prev.source[1]].split()
            if said_by and subj.text.strip(".,") in said_by:
                return None  # the same person: the quote goes on with them
        lo, hi = source_span(sdoc, subj)
        return char_range(sdoc, lo, hi, offset), subj
    return None


def _reports_another(text: str, c: Candidate, cands: Sequence[Candidate]) -> bool:
    """A statement whose source stands in another paragraph and whose content holds another
    statement's source ("Hicks, his campaign spokeswoman, added that …" credited to the Ari
    Fleischer of the next paragraph): the content reports someone else speaking; whose words
    they are is not the far source's (6 of 8 such rows of PolNeAR train were wrong names)."""
    if c.source is None or c.continues is not None:
        return False
    lo, hi = sorted((c.source, c.content))
    if "\n" not in text[lo[1] : hi[0]]:
        return False
    return any(
        o is not c and o.source is not None and c.content[0] <= o.source[0] < c.content[1]
        for o in cands
    )


def _source_probs(cands: Sequence[Candidate], tagged: Tagged | None) -> list[float | None] | None:
    """The tagger's mean SOURCE probability over each candidate's source mention (None where
    it did not read the mention: a title's)."""
    if tagged is None:
        return None
    return [
        0.0
        if c.source is None
        else tagged.mean(SOURCE, *c.source)
        if tagged.covers(*c.source)
        else None
        for c in cands
    ]


def _offset_of(parses: Sequence[tuple[int, SpacyDoc]], tok: Token) -> int:
    return next(off for off, sdoc in parses if sdoc is tok.doc)


def _root_token(parses: Sequence[tuple[int, SpacyDoc]], span: tuple[int, int]) -> Token | None:
    """The parse token heading the character span (the syntactic root of the tokens it
    covers), if the span lies in one parsed region."""
    for offset, sdoc in parses:
        if not len(sdoc):
            continue
        end = offset + sdoc[-1].idx + len(sdoc[-1].text_with_ws)  # Doc.text would join it all
        if not (offset <= span[0] and span[1] <= end):
            continue
        sp = sdoc.char_span(span[0] - offset, span[1] - offset, alignment_mode="expand")
        return sp.root if sp is not None and len(sp) else None
    return None


#: A dateline opening a paragraph: "CLEVELAND, July 19 (UPI) —", "Washington (AFP) –",
#: "LA CROSSE, Wisc. —". Nobody in it speaks; the sentence's subject comes after the dash.
_DATELINE = re.compile(
    r"(?m)^[ \t]*(?:[A-Z][A-Za-z.'’-]*(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,4}"
    r"(?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?[ \t]*(?:\([A-Za-z]{2,10}\))?)[ \t]*[—–-][ \t]+"
)
#: Documents someone issues: "His office put out a statement saying …", "Forbes shot back in an
#: article stating …", "Sen. Paul has released a Web video that accuses …" — the issuer speaks.
ISSUED = frozenset(
    {"statement", "article", "video", "ad", "letter", "release", "tweet", "post", "op-ed", "memo"}
)


def choose_sources(
    text: str, parses: Sequence[tuple[int, SpacyDoc]], cands: Sequence[Candidate]
) -> None:
    """The source phrase each statement is credited to, where the first choice is a phrase
    that cannot be the speaker (issue 21): a dateline ("CLEVELAND", "Washington (AFP") gives
    way to the cue's subject after it, or to no source; a document that someone issued ("a
    statement saying …") to its issuer, the subject of the verb it is the object of."""
    datelines = [(m.start(), m.end()) for m in _DATELINE.finditer(text) if _dateline(m.group(0))]
    for c in cands:
        if c.source is None:
            continue
        if any(a <= c.source[0] < b for a, b in datelines):
            end = next(b for a, b in datelines if a <= c.source[0] < b)
            c.source, c.source_token = _subject_after(parses, c, end)
            continue
        tok = c.source_token or _root_token(parses, c.source)
        if tok is None or tok.lemma_.lower() not in ISSUED:
            continue
        issuer = _issuer(tok)
        if issuer is not None:
            off = _offset_of(parses, issuer)
            lo, hi = source_span(issuer.doc, issuer)
            c.source = char_range(issuer.doc, lo, hi, off)
            c.source_token = issuer


def _dateline(s: str) -> bool:
    """A place in capitals ("CLEVELAND"), a news agency ("(AFP)") or "Place, State" before the
    dash — not "Trump — the man who …"."""
    first = s.split()[0].strip(",") if s.split() else ""
    return (len(first) >= 3 and first.isupper()) or "(" in s or "," in s


def _subject_after(
    parses: Sequence[tuple[int, SpacyDoc]], c: Candidate, start: int
) -> tuple[tuple[int, int] | None, Token | None]:
    """The cue's subject when it stands after ``start`` (the end of a dateline), else none."""
    cue = c.cue_token or (_root_token(parses, c.cue) if c.cue is not None else None)
    if cue is None:
        return None, None
    src = find_source(cue, "ccomp")
    if src is None:
        return None, None
    off = _offset_of(parses, src)
    if off + src.idx < start:  # the parse made the dateline the subject, the name its apposition
        src = next((t for t in src.children if t.dep_ == "appos" and off + t.idx >= start), None)
    if src is None or not is_entity(src):
        return None, None
    lo, hi = source_span(src.doc, src)
    while lo < hi and off + src.doc[lo].idx < start:
        lo += 1
    if lo >= hi or not (lo <= src.i < hi):
        return None, None
    return char_range(src.doc, lo, hi, off), src


def _issuer(doc_tok: Token) -> Token | None:
    """The subject of the verb whose object (or prepositional object) the document is."""
    verb = doc_tok.head
    if doc_tok.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head  # "shot back in an article"
    elif doc_tok.dep_ != "dobj":
        return None
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    subj = next((t for t in verb.children if t.dep_ == "nsubj"), None)
    return subj if subj is not None and is_entity(subj) else None


#: A transcript turn: a quote that opens with its speaker's label ("WALLACE: Let's start …").
_TURN_LABEL = re.compile(r"[\"“‘']?\s*([A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,2}):[ \t]")


def transcript_speaker(
    text: str, content: tuple[int, int], speaker: dict[str, Any], resolver: SpeakerResolver
) -> dict[str, Any]:
    """The speaker of a transcript turn is its label, not the person the quote was tied to.

    A turn whose label is the shown speaker's surname keeps that speaker. Otherwise the label
    names the speaker: the person the article names with that surname (fullest form), or, where
    the label stands at the start of several lines (a transcript) but names nobody the article
    names, the label as written, unresolved — never the previous speaker's name.
    """
    m = _TURN_LABEL.match(text, content[0])
    if m is None or len(m.group(1)) < 2:
        return speaker
    label = m.group(1).title()
    shown = speaker.get("name") or ""
    if shown.split() and shown.split()[-1].lower() == label.split()[-1].lower():
        return speaker
    last = label.split()[-1]
    named = [" ".join(n) for n in resolver.full_names if n and n[-1].lower() == last.lower()]
    if named:
        fullest = max(named, key=lambda n: len(n.split()))
        return {"name": resolver.canonical(fullest), "role": None, "type": "person"}
    turns = re.findall(rf"(?m)^[\"“‘']?\s*{re.escape(m.group(1))}:", text)
    if len(turns) >= 2:
        return {"name": None, "role": m.group(1), "type": "person"}
    return speaker


def attribution_kind(text: str, content: tuple[int, int]) -> str:
    """direct: the content is one quotation; mixed: it contains quoted words; else indirect."""
    s = text[content[0] : content[1]].strip().rstrip(".,;:")
    if not s:
        return "indirect"
    if s[0] in '“"„«' and (s[-1] in '”"»' or not any(ch in s for ch in "”»")):
        return "direct"
    if any(ch in s for ch in '“”"„«»'):
        return "mixed"
    return "indirect"


#: Verbs that report what someone calls a thing: "opponents called it X", "dubbed X".
NAMING = frozenset({"call", "dub", "label", "brand", "term"})


def _naming_key(raw: Any, sdoc: SpacyDoc, offset: int) -> str:
    """ "a decision opponents called a shameful betrayal": in a relative clause without its
    object ("which", "what" or nothing) the parse makes the name a direct object; it is the
    object predicate, weighed as ``call|V|oprd`` (a plain "called a meeting" stays ``dobj``).
    The source is the subject alone, not the noun the parse compounded onto it."""
    lemma, pos, rel = raw.key.rsplit("|", 2)  # a lemma may itself hold "|"
    tok = raw.cue_token
    if lemma not in NAMING or pos != "V" or rel != "dobj":
        return str(raw.key)
    kids = list(tok.children)
    if any(c.dep_ in ("oprd", "prt") for c in kids):
        return str(raw.key)
    objs = [c for c in kids if c.dep_ == "dobj"]
    subj = next((c for c in kids if c.dep_ == "nsubj"), None)
    if subj is None or subj.i > tok.i:
        return str(raw.key)
    wh_object = any(c.tag_ in ("WDT", "WP") for c in objs) and len(objs) > 1
    compounds = [c for c in subj.children if c.dep_ == "compound" and c.i < subj.i]
    before = sdoc[subj.left_edge.i - 1] if subj.left_edge.i > 0 else None
    gap = bool(compounds) or (
        before is not None and before.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("relcl", "acl")
    )
    if not (wh_object or gap):
        return str(raw.key)
    if compounds:  # "a decision opponents": the source is "opponents"
        lo = compounds[-1].i + 1
        raw.source = (offset + sdoc[lo].idx, raw.source[1]) if raw.source else raw.source
    return f"{lemma}|V|oprd"


#: Verbs whose bare noun-phrase object ("defended the deal", "rejected the claim") is a stance
#: on a thing, not words anyone said. PolNeAR train annotates such objects about as often as not
#: (defend 18/46, reject 13/24); dropping them leaves train F1 at 0.643 and removes rows that
#: show "the deal" as a statement.
STANCE_ON_THINGS = frozenset({"defend", "reject"})


def _stance_on_a_thing(raw: Any) -> bool:
    lemma, _pos, rel = raw.key.rsplit("|", 2)
    if lemma not in STANCE_ON_THINGS or rel != "dobj":
        return False
    obj = next((c for c in raw.cue_token.children if c.dep_ == "dobj"), None)
    if obj is None:
        return False
    return not any(t.pos_ in ("VERB", "AUX") or t.text in QUOTE_CHARS for t in obj.subtree)


def _demonstrative_inside(c: Candidate, cands: Sequence[Candidate]) -> bool:
    """ "He said this shows “...”": "this shows" inside a speaker's content is not a new voice."""
    tok = c.source_token
    if tok is None or tok.lower_ not in ("this", "that", "these", "those", "which"):
        return False
    return any(
        o is not c
        and o.content[0] <= c.content[0]
        and c.content[1] <= o.content[1]
        or (o is not c and o.content[0] <= c.cue[0] < o.content[1] if c.cue else False)
        for o in cands
    )


def _share_subject(c: Candidate, prev: Candidate) -> None:
    """ "X said A and said B": a subjectless cue in the same sentence shares the prior source."""
    tok, ptok = c.cue_token, prev.cue_token
    if tok is None or ptok is None or prev.source is None or tok.sent.start != ptok.sent.start:
        return
    if tok.dep_ in ("conj", "advcl", "xcomp") or tok.tag_ in ("VBG", "VBN"):
        c.source, c.source_token = prev.source, prev.source_token


#: Words that report something only when a person, body or document does it to a proposition:
#: "the poll shows that …" is an attribution, "China’s willingness … shows that …", "is widely
#: expected to …" (nobody named) and "offering support" are not.
EVIDENTIAL = frozenset(
    {
        "show", "indicate", "reveal", "demonstrate", "prove", "mean", "point", "expect",
        "offer", "remember", "see", "seem", "appear", "look", "come", "continue", "decide",
        "open", "begin", "throw", "hit", "line", "single", "split", "position", "double",
        "push", "back", "support", "favor", "read", "learn", "view", "consider", "regard",
        "count", "sound", "rule", "cast", "name", "title", "list", "issue", "publish", "post",
    }
)  # fmt: skip
CLAUSAL = frozenset({"ccomp", "xcomp", "head_parataxis", "head_ccomp"})
QUESTION_LEMMAS = frozenset({"ask", "question", "query", "inquire", "enquire"})


def _describes_a_speaker(c: Candidate, before: Sequence[Candidate]) -> bool:
    """``c``'s cue stands in a relative or participle clause of an earlier row's source ("said
    Peter Morgan, a lawyer for the Sierra Club, who has been challenging …"): it describes that
    speaker."""
    tok = c.cue_token
    if tok is None:
        return False
    for t in (tok, *tok.ancestors):
        if t.dep_ in ("relcl", "acl"):
            h = t.head
            return any(
                (s := p.source_token) is not None
                and s.doc is tok.doc
                and s.left_edge.i <= h.i <= s.right_edge.i
                for p in before
            )
    return False


def _possessor(sdoc: SpacyDoc, offset: int, q: Quote) -> Token | None:
    """ "the critics’ “corporate” takeover", "Trump's “witch hunt”": a scare quote right after a
    possessive is the possessor's word, when the possessor can speak (a person, body, name)."""
    inner = [w for w in sdoc.text[q.start - offset : q.end - offset].split() if w[:1].isalpha()]
    words = [w for w in inner if w.lower() not in TITLE_SMALL_WORDS]
    if words and all(w[:1].isupper() for w in words):
        # “One Belt, One Road”, Fox News's “Fox and Friends”: a name or title in quotes,
        # nobody's scare quote
        return None
    toks = [t for t in sdoc if offset + t.idx + len(t) <= q.start]
    if len(toks) < 2 or q.start - (offset + toks[-1].idx + len(toks[-1])) > 1:
        return None
    mark = toks[-1]
    if mark.tag_ == "POS" or mark.text in ("’", "'") and toks[-2].text.endswith("s"):
        owner = toks[-2]
        if is_entity(owner) and owner.pos_ != "PRON" and owner.lemma_.lower() not in DOC_LIKE:
            return owner
    return None


#: Words a title keeps in lower case ("Fox and Friends", "Meet the Press").
TITLE_SMALL_WORDS = frozenset(
    {"a", "an", "and", "the", "of", "in", "on", "for", "to", "at", "with", "or", "by", "&"}
)
DOC_LIKE = frozenset({"report", "study", "poll", "survey", "data", "figure", "bill", "plan"})


def _reporting(key: str, source: Token | None) -> bool:
    """Whether a rule candidate is someone reporting, believing or intending something."""
    lemma, _pos, rel = key.rsplit("|", 2)
    if lemma not in EVIDENTIAL:
        return True
    return rel in CLAUSAL and source is not None and is_entity(source)


def _question_to_speaker(tok: Token | None) -> bool:
    """ "Asked about …", "When asked whether …", "In response to a question about …": the
    question was put *to* the speaker; its words are not the speaker's statement."""
    if tok is None or lemma_of(tok) not in QUESTION_LEMMAS:
        return False
    deps = {c.dep_ for c in tok.children}
    if coarse_pos(tok) == "N":
        return "poss" not in deps
    return tok.tag_ == "VBN" and "agent" not in deps and "nsubj" not in deps


def _drop_framing(cands: list[Candidate]) -> list[Candidate]:
    """ "Pointing to X, the expert said Y": a participle whose "content" is the main clause that
    holds another report is framing, not a statement."""
    out = []
    for c in cands:
        framing = c.origin.split("|")[-1].startswith("head_") and any(
            o is not c
            and o.cue is not None
            and c.content[0] <= o.cue[0] < c.content[1]
            and c.content[0] <= o.content[0]
            and o.content[1] <= c.content[1]
            for o in cands
        )
        if not framing:
            out.append(c)
    return out


_CUT_TAIL = (",", ";", "—", "–", "and", "but", "while")


def _cut_at_own_cue(text: str, cands: list[Candidate], quotes: Sequence[Quote]) -> None:
    """ "said X, noting that Y" / "said X and said Y": X ends where the same speaker's next
    cue starts, so the second statement is not listed inside the first one as well."""
    for a in cands:
        if a.cue is None or a.source is None:
            continue
        for b in cands:
            if b is a or b.cue is None or b.source != a.source:
                continue
            if not (a.content[0] < b.cue[0] < a.content[1]) or b.content[0] < b.cue[0]:
                continue
            if any(q.start <= b.cue[0] < q.end for q in quotes):
                continue
            end = b.cue[0]
            changed = True
            while changed:
                changed = False
                while end > a.content[0] and text[end - 1].isspace():
                    end -= 1
                for tail in _CUT_TAIL:
                    if text[a.content[0] : end].endswith(tail) and (
                        not tail.isalpha()
                        or not text[end - len(tail) - 1 : end - len(tail)].isalnum()
                    ):
                        end -= len(tail)
                        changed = True
                        break
            if end - a.content[0] >= 2:
                a.content = (a.content[0], end)


def _cued_inside(c: Candidate, q: Quote) -> bool:
    return c.cue is not None and q.start <= c.cue[0] < q.end


def _outside_cue_first(cands: list[Candidate], quotes: Sequence[Quote]) -> list[Candidate]:
    """ "“Oh well, if you say it,” Sanders responded": the quote is Sanders's (its cue beside
    it), not a statement cued by the "say" inside it and handed to the previous speaker."""
    beside = {c.content for c in cands if c.origin == "quote:cue"}
    return [
        c
        for c in cands
        if not any(
            _cued_inside(c, q)
            and (q.start, q.end) in beside
            and _covered(q.start, q.end, c.content)
            for q in quotes
        )
        or c.origin == "quote:cue"
    ]


def _hygiene(text: str, cands: list[Candidate]) -> list[Candidate]:
    """No whitespace at any span's edges, no cut grapheme cluster, one row per content."""
    out: list[Candidate] = []
    seen: dict[tuple[int, int], Candidate] = {}
    for c in sorted(cands, key=lambda c: (c.cue is None, c.source is None, -c.score)):
        c.content = tidy(text, *c.content)
        if c.content[0] == c.content[1]:
            continue
        if c.cue is not None:
            c.cue = tidy(text, *c.cue)
        if c.source is not None:
            c.source = tidy(text, *c.source)
            if c.source[0] == c.source[1]:
                c.source, c.source_token = None, None
        if c.content in seen:
            continue  # the same statement found twice (rule and quote): list it once
        seen[c.content] = c
        out.append(c)
    return out


MIN_CONTENT_WORDS = 2  # chosen on PolNeAR train: F1 0.653 → 0.656 (3: 0.655, 4: 0.653)


def _too_short(text: str, content: tuple[int, int], quotes: Sequence[Quote]) -> bool:
    """A rule content of one or two words outside quotes ("Pointing to China's …") is a
    prepositional object, not something said."""
    if any(q.start <= content[0] < q.end for q in quotes):
        return False
    words = [w for w in text[content[0] : content[1]].split() if any(ch.isalpha() for ch in w)]
    return len(words) < MIN_CONTENT_WORDS


def _piece(text: str, span: tuple[int, int] | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span[0], "end": span[1], "text": text[span[0] : span[1]]}


def _covered(start: int, end: int, span: tuple[int, int]) -> bool:
    inter = max(0, min(end, span[1]) - max(start, span[0]))
    return inter * 2 >= end - start


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """Drop near-identical contents from different cue tokens (keep the better-scored)."""
    kept: list[Candidate] = []
    for c in cands:
        same = False
        for k in kept:
            inter = max(0, min(c.content[1], k.content[1]) - max(c.content[0], k.content[0]))
            if inter >= 0.9 * (c.content[1] - c.content[0]) and inter >= 0.9 * (
                k.content[1] - k.content[0]
            ):
                same = True
                break
        if not same:
            kept.append(c)
    return kept


def _merge_split_quotes(text: str, cands: list[Candidate]) -> list[Candidate]:
    """“A,” he said, “B.” — two quotes sharing one cue are one attribution."""
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: c.content[0]):
        if (
            out
            and c.cue is not None
            and out[-1].cue == c.cue
            and "\n" not in text[out[-1].content[1] : c.content[0]]
        ):
            prev = out[-1]
            prev.content = (prev.content[0], c.content[1])
            continue
        out.append(c)
    return out
