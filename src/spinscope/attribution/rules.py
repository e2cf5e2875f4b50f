"""Dependency-parse candidates: a cue token, how its content hangs off it, and its source.

Every (cue token, relation) pair is a candidate keyed ``lemma|POS|relation``; the cue lexicon
(learned on PolNeAR train, see ``lexicon.py``) says how often such a key was a real attribution,
so the same code both builds the lexicon and extracts with it and the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from spinscope.attribution.quotes import Quote

Token = Any  # spacy.tokens.Token
SpacyDoc = Any

CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "acl", "attr", "oprd")
HEAD_DEPS = ("parataxis", "prep", "advcl", "ccomp", "conj", "npadvmod")
QUOTE_CHARS = "\"“”„«»'‘’"
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"})


@dataclass
class RawCandidate:
    """Absolute character offsets; ``cue_token`` / ``source_token`` index into the parse."""

    key: str
    content: tuple[int, int]
    cue: tuple[int, int]
    source: tuple[int, int] | None
    cue_token: Token
    source_token: Token | None


def coarse_pos(tok: Token) -> str:
    return "V" if tok.pos_ in ("VERB", "AUX") else "N" if tok.pos_ in ("NOUN", "PROPN") else "O"


#: Verbs whose object does what their clausal complement says ("forced Stumpf to admit").
OBJECT_CONTROL = frozenset(
    {
        "force", "ask", "urge", "press", "push", "pressure", "compel", "persuade", "convince",
        "order", "invite", "encourage", "challenge", "require", "prompt", "lead", "get", "dare",
    }
)  # fmt: skip

#: Verbs whose prepositional object does what their clausal complement says ("called on Dean
#: to apologize … for accusing him": Dean accuses, not the one who called on him).
PREP_CONTROL = {
    "call": ("on", "upon"),
    "prevail": ("on", "upon"),
    "appeal": ("to",),
}

#: Words that open a time clause ("when police located her and told her to leave").
TIME_MARKS = frozenset({"when", "after", "before", "while", "as", "until", "once", "whenever"})


def can_speak(tok: Token) -> bool:
    """A noun, a name, or a personal pronoun ("forced him to …"), not "it"."""
    return (
        tok.pos_ in ("PROPN", "NOUN")
        or tok.ent_type_ in ("PERSON", "ORG", "NORP")
        or tok.lower_ in ("him", "her", "them", "us", "me")
    )


def lemma_of(tok: Token) -> str:
    return str(tok.lemma_ or tok.text).lower()


def _trim(sdoc: SpacyDoc, lo: int, hi: int) -> tuple[int, int]:
    """Token range [lo, hi) without edge punctuation other than quote marks."""
    while lo < hi and sdoc[lo].is_punct and sdoc[lo].text not in QUOTE_CHARS:
        lo += 1
    while hi > lo and sdoc[hi - 1].is_punct and sdoc[hi - 1].text not in QUOTE_CHARS:
        hi -= 1
    return lo, hi


def _content_ranges(tok: Token) -> Iterator[tuple[str, int, int]]:
    """(relation, token lo, token hi) for every way content could hang off ``tok``."""
    for child in tok.children:
        dep = child.dep_
        if dep in CONTENT_DEPS:
            yield dep, child.left_edge.i, child.right_edge.i + 1
        elif dep == "prep":
            for g in child.children:
                if g.dep_ in ("pobj", "pcomp"):
                    yield f"prep_{child.lower_}", g.left_edge.i, g.right_edge.i + 1
                    break
    if tok.dep_ in HEAD_DEPS and tok.head != tok:
        head = tok.head
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        tlo, thi = tok.left_edge.i, tok.right_edge.i + 1
        if tlo <= lo and thi >= lo:
            lo = thi
        elif thi >= hi and tlo <= hi:
            hi = tlo
        if hi > lo:
            yield f"head_{tok.dep_}", lo, hi


def find_source(tok: Token, relation: str) -> Token | None:
    """The speaker mention's head: subject of the cue, inherited along conj/advcl chains, and
    never a word on another line than the cue's when the parse ran over a line break ("Share on
    Twitter\nCNN said" → CNN)."""
    src = _find_source(tok, relation)
    if src is None or not _line_between(src, tok):
        return src
    lo, hi = sorted((src.i, tok.i))
    if src.i > tok.i:
        return None
    start = max(t.i for t in src.doc[lo:hi] if "\n" in t.text_with_ws) + 1
    inside = [
        t for t in src.subtree if start <= t.i < tok.i and t.pos_ in ("NOUN", "PROPN", "PRON")
    ]
    heads = [t for t in inside if not (start <= t.head.i < tok.i and t.head in inside)]
    return heads[-1] if heads else None


def _line_between(a: Token, b: Token) -> bool:
    lo, hi = sorted((a.i, b.i))
    return any("\n" in t.text_with_ws for t in a.doc[lo:hi])


def _according_to(tok: Token) -> Token | None:
    """ "according to show insiders": the phrase after "to", also where the parse reads a verb
    in it ("show" as pcomp, "insiders" its object); never the clause's subject."""
    for child in tok.children:
        if child.dep_ != "prep":
            continue
        for g in child.children:
            if g.dep_ == "pobj":
                return g
            if g.dep_ == "pcomp":
                if coarse_pos(g) == "N" or g.pos_ == "PRON":
                    return g
                nouns = [t for t in g.subtree if t.pos_ in ("NOUN", "PROPN", "PRON")]
                objs = [t for t in nouns if t.head == g and t.dep_ in ("dobj", "nsubj", "attr")]
                return objs[0] if objs else (nouns[-1] if nouns else None)
    return None


def _find_source(tok: Token, relation: str) -> Token | None:
    if lemma_of(tok) == "accord":
        return _according_to(tok)
    if relation.startswith("head_prep"):
        for child in tok.children:
            if child.dep_ == "prep":
                for g in child.children:
                    if g.dep_ == "pobj":
                        return g
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children):
        # passive cue ("China is widely expected to …"): only a "by" agent is the source
        for child in tok.children:
            if child.dep_ == "agent":
                for g in child.children:
                    if g.dep_ == "pobj":
                        return g
        return None
    t = tok
    for _ in range(5):
        for child in t.children:
            if child.dep_ == "nsubj":
                if child.lower_ == "it" and t != tok and _expletive_be(t):
                    return None  # "It's impossible to evaluate …": nobody, not "it"
                if child.tag_ in ("WP", "WDT") and t.dep_ == "relcl":
                    return t.head  # "X, who said ..." → X
                outer = _reporter_above(tok, t)
                return outer if outer is not None else child
            if child.dep_ == "agent":
                for g in child.children:
                    if g.dep_ == "pobj":
                        return g
            if coarse_pos(t) == "N" and child.dep_ == "poss":
                return child
        if t.head == t:
            break
        if t.dep_ in ("conj", "advcl", "xcomp", "pcomp", "relcl", "acl"):
            if t.dep_ in ("relcl", "acl") and coarse_pos(t.head) == "N":
                return t.head  # "the man quoted as saying" → the man
            if t.dep_ == "xcomp" and lemma_of(t.head) in OBJECT_CONTROL:
                # "The senator forced Stumpf … to admit …": the object says it, not the subject
                obj = [c for c in t.head.children if c.dep_ == "dobj" and c.i < t.i]
                if obj and can_speak(obj[0]):
                    return obj[0]
            if t.dep_ == "xcomp" and lemma_of(t.head) in PREP_CONTROL:
                # "called on Howard Dean to apologize … for accusing": Dean accuses
                # (the nearest such "on" before the complement: not "on Wednesday")
                preps = PREP_CONTROL[lemma_of(t.head)]
                for p in sorted(t.head.children, key=lambda c: -c.i):
                    if p.dep_ == "prep" and p.lower_ in preps and p.i < t.i:
                        objs = [
                            g
                            for g in p.children
                            if g.dep_ == "pobj"
                            and can_speak(g)
                            and g.ent_type_ not in ("DATE", "TIME")
                        ]
                        if objs:
                            return objs[0]
                        break
            if t.dep_ == "conj" and t.i > t.head.i:
                inner = _time_clause_before(t)
                if inner is not None:
                    return inner
            t = t.head
            continue
        if coarse_pos(t) == "N" and t.dep_ in ("dobj", "pobj", "nsubjpass", "attr", "prep"):
            t = t.head  # "He expressed hopes of ..." → the verb's subject
            continue
        if t.dep_ == "prep":
            t = t.head
            continue
        break
    return None


def _time_clause_before(verb: Token) -> Token | None:
    """ "…, which she was doing when law enforcement located her and told her to leave": the
    parse joins "told" to "doing", but the verb it follows is the time clause's, and so is its
    subject. The subject of a time clause (``when`` / ``after`` / …) that ends right before the
    conjunction and stands inside the conjoined head's phrase; None when there is none."""
    doc = verb.doc
    cc = verb.i - 1  # the conjunction right before the verb (the parse may hang it anywhere)
    if cc < 2 or doc[cc].dep_ != "cc":
        return None
    before = doc[cc - 1] if not doc[cc - 1].is_punct else doc[cc - 2]
    v = before
    while v.i != v.head.i and not (v.pos_ in ("VERB", "AUX") and v.dep_ == "advcl"):
        if v == verb.head:
            return None
        v = v.head
    if v.dep_ != "advcl" or v.right_edge.i != before.i or v == verb.head:
        return None
    if not any(a == verb.head for a in v.ancestors):
        return None
    if not any(c.dep_ in ("advmod", "mark") and c.lower_ in TIME_MARKS for c in v.children):
        return None
    subj = [c for c in v.children if c.dep_ == "nsubj" and can_speak(c)]
    return subj[0] if subj else None


#: Verbs whose clausal complement is someone's statement: a participle hanging off that
#: statement (", noting that …") is the reporter's, not the statement's subject's.
SAY_VERBS = frozenset(
    {
        "say", "tell", "add", "claim", "state", "announce", "argue", "write", "report", "insist",
        "explain", "warn", "note", "declare", "stress", "reply", "respond", "suggest", "assert",
    }
)  # fmt: skip


def _reporter_above(cue: Token, verb: Token) -> Token | None:
    """ "Assad said forces had turned to Idlib, noting that …": the parse hangs "noting" off
    "turned", but a comma-led participle at the end of a reported clause is the reporter's."""
    if cue == verb or cue.tag_ != "VBG" or cue.dep_ not in ("advcl", "conj", "xcomp"):
        return None
    j = cue.i - 1
    while j > 0 and cue.doc[j].text in QUOTE_CHARS:
        j -= 1  # "… which was maniacal,” adding, …": the comma stands inside the quote
    if j < 0 or cue.doc[j].text not in (",", "—", "–", ";"):
        return None
    if verb.dep_ != "ccomp" or lemma_of(verb.head) not in SAY_VERBS or verb.head.i > cue.i:
        return None
    for child in verb.head.children:
        if child.dep_ == "nsubj":
            return child
    return None


def source_span(sdoc: SpacyDoc, head: Token) -> tuple[int, int]:
    """Token range of the mention: the noun phrase, capped so long relatives do not swamp it."""
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    if hi - lo > 12:
        hi = head.i + 1
    # A parse that runs over a paragraph break (datelines, headings): keep the head's paragraph.
    # (Token whitespace, not ``sdoc.text``: rebuilding the text per mention is slow.)
    for i in range(head.i - 1, lo - 1, -1):
        if "\n" in sdoc[i].text_with_ws:
            lo = i + 1
            break
    for i in range(head.i, hi - 1):
        if "\n" in sdoc[i].text_with_ws:
            hi = i + 1
            break
    lo, hi = _trim(sdoc, lo, hi)
    # a quote's closing mark the parse hung on the speaker ("“…,” Flynn said"): not the mention's
    while lo < hi and lo != head.i and sdoc[lo].text in QUOTE_CHARS:
        lo += 1
    while hi > lo and hi - 1 != head.i and sdoc[hi - 1].text in QUOTE_CHARS:
        hi -= 1
    lo, hi = _trim(sdoc, lo, hi)
    if hi <= lo:
        return head.i, head.i + 1
    return lo, hi


def char_range(sdoc: SpacyDoc, lo: int, hi: int, offset: int) -> tuple[int, int]:
    return offset + sdoc[lo].idx, offset + sdoc[hi - 1].idx + len(sdoc[hi - 1])


def extend_to_quotes(
    span: tuple[int, int], quotes: Sequence[Quote], cue: int = -1
) -> tuple[int, int]:
    """A content that starts or ends inside a quote takes the whole quote (multi-sentence).
    ``cue`` is accepted for callers that know it; a cue inside the quote still extends (the
    extractor then treats the quote as its outer speaker's, see ``_link_continuations``)."""
    a, b = span
    for q in quotes:
        if q.end <= a or q.start >= b:
            continue
        if q.start < a or q.end > b:
            a, b = min(a, q.start), max(b, q.end)
    return a, b


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def cue_paragraph(
    text: str, content: tuple[int, int], cue: int, offset: int, quotes: Sequence[Quote]
) -> tuple[int, int]:
    """A content before its cue starts in the cue's paragraph when the parse ran it back over
    a paragraph break ("… why is he unstable?”⏎⏎“There are plenty …,” Axelrod said": the
    first quote is another speaker's). A quotation left open at the break runs on (news
    quotes over several paragraphs that way), so such a content keeps its start. ``text`` is
    the parsed region's text, starting at ``offset``."""
    a, b = content
    if a >= cue:
        return content
    breaks = list(_PARAGRAPH_BREAK.finditer(text, max(0, a - offset), max(0, cue - offset)))
    if not breaks:
        return content
    start = offset + breaks[-1].end()
    if start >= b:
        return content
    if any(q.open_ended and q.start < start <= q.end + 2 for q in quotes):
        return content  # an open quotation running over the break
    while start < b and text[start - offset].isspace():
        start += 1
    return start, b


def plausible_source(src: Token, cue: Token) -> bool:
    """Whether the parse's source can be a speaker, not a misread line of a list or a heading:
    "Calls men derogatory names" (no subject: "men" is the object), "Keeps saying she …"
    (a verb read as a plural noun), "THE BORROWING Back when …" (a section heading in
    capitals run into the paragraph)."""
    named = src.pos_ in ("PROPN", "PRON") or bool(src.ent_type_)
    if not named and src.i > cue.i and _first_word(cue) and cue.tag_ in ("VBZ", "VBD"):
        return False
    if (
        src.tag_ == "NNS"
        and not named
        and _first_word(src)
        and cue.tag_ == "VBG"
        and (cue.head == src or src.head == cue)
        and not any(c.dep_ in ("det", "poss", "amod", "compound") for c in src.children)
    ):
        return False
    words = [t for t in src.subtree if t.is_alpha and len(t) > 1 and t.i <= src.i]
    return not (
        len(words) >= 2
        and all(t.is_upper for t in words)
        and not any(t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP") for t in words)
    )


def _first_word(tok: Token) -> bool:
    """``tok`` opens its sentence (or its line: the parse may run over a paragraph break)."""
    before = tok.doc[tok.sent.start : tok.i]
    return all(t.is_space or t.is_punct for t in before) or (
        tok.i > 0 and "\n" in tok.doc[tok.i - 1].text_with_ws
    )


def quoted_elsewhere(src: tuple[int, int], cue: int, quotes: Sequence[Quote]) -> bool:
    """The source lies inside a quotation that does not hold the cue."""
    return any(q.start <= src[0] and src[1] <= q.end and not q.start <= cue < q.end for q in quotes)


def name_after_quote(
    sdoc: SpacyDoc, cue: Token, offset: int, quotes: Sequence[Quote]
) -> Token | None:
    """ "“…,” Flynn, a top surrogate, said": the first name between the quote that ends
    before the cue and the cue (None when there is no such quote or no name)."""
    at = offset + cue.idx
    before = [q for q in quotes if q.end <= at]
    if not before:
        return None
    q_end = max(q.end for q in before)
    for t in cue.sent:
        if offset + t.idx < q_end or t.i >= cue.i:
            continue
        if t.pos_ == "PROPN" and t.ent_type_ in ("PERSON", "ORG", ""):
            ent = next((e for e in sdoc.ents if e.start <= t.i < e.end), None)
            return ent.root if ent is not None else t
    return None


def _expletive_be(t: Token) -> bool:
    """ "It's impossible …", "it is worth …": "be" with an expletive "it" for subject and an
    adjective or noun predicate."""
    return bool(
        lemma_of(t) == "be"
        and any(c.dep_ in ("acomp", "attr") for c in t.children)
        and any(c.dep_ == "nsubj" and c.lower_ == "it" for c in t.children)
    )


def impersonal(tok: Token) -> bool:
    """ "It's impossible to evaluate …", "it is worth noting": a verb under an expletive "it"
    with an adjective or noun predicate is nobody's statement."""
    return tok.dep_ == "xcomp" and _expletive_be(tok.head)


def raw_candidates(sdoc: SpacyDoc, offset: int, quotes: Sequence[Quote]) -> Iterator[RawCandidate]:
    """Every cue-shaped (token, relation) in one parsed region; filtering is the lexicon's job."""
    for tok in sdoc:
        pos = coarse_pos(tok)
        if pos == "O" and lemma_of(tok) != "accord":
            continue
        if impersonal(tok):
            continue
        lemma = lemma_of(tok)
        for rel, lo, hi in _content_ranges(tok):
            lo, hi = _trim(sdoc, lo, hi)
            if hi <= lo:
                continue
            content = extend_to_quotes(char_range(sdoc, lo, hi, offset), quotes, offset + tok.idx)
            content = cue_paragraph(sdoc.text, content, offset + tok.idx, offset, quotes)
            cue_end = tok.idx + len(tok)
            if lemma == "accord" and tok.i + 1 < len(sdoc):
                cue_end = sdoc[tok.i + 1].idx + len(sdoc[tok.i + 1])
            src_tok = find_source(tok, rel)
            if src_tok is not None and not plausible_source(src_tok, tok):
                src_tok = None
            src = None
            if src_tok is not None:
                s_lo, s_hi = source_span(sdoc, src_tok)
                src = char_range(sdoc, s_lo, s_hi, offset)
                if src[0] <= content[0] and content[1] <= src[1]:
                    src, src_tok = None, None  # the "source" swallows its own content
                elif quoted_elsewhere(src, offset + tok.idx, quotes):
                    # “… ,” Flynn said on Fox News’s “Fox and Friends.”: a subject the parse
                    # found inside another quotation (a show's title) is not the speaker; the
                    # name right after the quote before the cue is
                    src_tok = name_after_quote(sdoc, tok, offset, quotes)
                    src = None
                    if src_tok is not None:
                        src = char_range(sdoc, *source_span(sdoc, src_tok), offset)
            yield RawCandidate(
                key=f"{lemma}|{pos}|{rel}",
                content=content,
                cue=(offset + tok.idx, offset + cue_end),
                source=src,
                cue_token=tok,
                source_token=src_tok,
            )
