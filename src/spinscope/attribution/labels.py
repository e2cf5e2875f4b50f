"""Statements a label introduces (issue 21): a headline's "Graham: Trump's rhetoric destroying
GOP's chance" and a transcript's "TAPPER: Do you think …".

Neither has a reporting verb for the parse to find, so the rules missed both: on PolNeAR train,
78 of its 840 titles and 26 transcript turns are attributions cued by a colon alone. A
fact-checker needs the headline's one above all, since it puts words in someone's mouth in the
largest type on the page.

- **Headline**: the text's first line, "LABEL: CONTENT", where the label is one name the body
  names again ("Graham" of "Sen. Lindsey Graham", "OK Gov Fallin") or a poll or report. A label
  with a second name ("Carly Fiorina Endorses Ted Cruz"), a preposition ("Big Win For Bernie",
  "CNN President On Trump"), or one the body never names ("The Latest", "Breaking") introduces
  nothing. Only the first line: a sub-heading is no statement.
- **Transcript turn**: a line opening with a label in capitals ("JAKE TAPPER:", "FALLIN:") in a
  text where such labels open at least two lines (a transcript); the content is the rest of the
  paragraph. Words that open lines but are no speaker ("UPDATE:", "EDITOR'S NOTE:") are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spinscope.attribution.candidate import Candidate
from spinscope.attribution.rules import SpacyDoc
from spinscope.attribution.speakers import (
    GROUP_NOUNS,
    ORG_NOUNS,
    PERSON_NOUNS,
    name_words,
    title_case,
)

ORIGIN_HEADLINE = "label:headline"
ORIGIN_TURN = "label:turn"

#: A headline label that is a document, not a name ("Poll: Trump ties Clinton").
DOCUMENT_LABELS = frozenset({"poll", "report", "survey", "study", "editorial", "analysis"})
#: Small words no one-name label holds ("Big Win For Bernie", "Obama To Asians …").
_CONNECTORS = frozenset(
    {"for", "to", "on", "in", "at", "with", "about", "and", "&", "vs", "vs.", "of", "after", "over"}
)
#: Words that open a line with a colon without naming anyone who speaks.
NOT_SPEAKERS = frozenset(
    {
        "update", "updated", "updates", "correction", "clarification", "editor's note",
        "editor’s note", "note", "watch", "breaking", "video", "photos", "photo", "read more",
        "related", "source", "sources", "claim", "verdict", "rating", "bottom line", "the latest",
        "exclusive", "byline", "dateline", "q", "a", "ps", "p.s", "tags", "share", "advertisement",
        "warning", "spoiler", "transcript", "listen", "see also", "more", "also", "background",
        "context", "analysis", "opinion", "disclosure", "disclaimer", "fact", "facts", "why",
        "what", "how", "who", "when", "where",
    }
)  # fmt: skip

_HEADLINE = re.compile(r"\A[ \t\n]*([^\n:]{2,60}?)[ \t]*:[ \t]+(\S[^\n]*)")
_TURN = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Z'’.\-]*(?:[ \t]+[A-Z][A-Z'’.\-]*){0,3})[ \t]*:[ \t]+(?=\S)"
)
#: "EXCLUSIVE – Roger Stone": a rubric before a dash is not part of the name.
_RUBRIC = re.compile(r"^[A-Z ]{3,}\s*[–—-]\s*")
_WORD = re.compile(r"[\w’'.-]+")


def label_candidates(text: str, parses: Sequence[tuple[int, SpacyDoc]]) -> list[Candidate]:
    """The headline's and the transcript turns' statements, in text order."""
    out = _turns(text)
    head = _headline(text, parses)
    if head is not None and not any(c.content[0] <= head.content[0] < c.content[1] for c in out):
        out.append(head)
    out.sort(key=lambda c: c.content[0])
    return out


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _content(text: str, start: int) -> tuple[int, int] | None:
    end = _line_end(text, start)
    while end > start and text[end - 1].isspace():
        end -= 1
    if len(_WORD.findall(text[start:end])) < 2:
        return None
    return (start, end)


def _turns(text: str) -> list[Candidate]:
    found = []
    for m in _TURN.finditer(text):
        label = m.group(1).strip()
        if len(label) < 2 or label.lower().rstrip(".") in NOT_SPEAKERS:
            continue
        if not any(ch.isalpha() for ch in label):
            continue
        found.append(m)
    lasts = [m.group(1).split()[-1] for m in found]
    # a transcript: labels open two lines or more, one speaker's at least twice ("JAKE
    # TAPPER: … FALLIN: … TAPPER: …"); a lone "WASHINGTON:" opening a line is a dateline
    if len(found) < 2 or max(lasts.count(x) for x in lasts) < 2:
        return []
    out = []
    for m in found:
        content = _content(text, m.end())
        if content is None:
            continue
        source = (m.start(1), m.start(1) + len(m.group(1).strip()))
        colon = text.index(":", source[1])
        out.append(Candidate(content, (colon, colon + 1), source, 1.0, ORIGIN_TURN))
    return out


def _headline(text: str, parses: Sequence[tuple[int, SpacyDoc]]) -> Candidate | None:
    m = _HEADLINE.match(text)
    if m is None:
        return None
    label, start = m.group(1), m.start(1)
    rub = _RUBRIC.match(label)
    if rub is not None:
        label, start = label[rub.end() :], start + rub.end()
    label = label.rstrip()
    words = _WORD.findall(label)
    if not words or len(words) > 6 or label.lower() in NOT_SPEAKERS:
        return None
    if any(w.lower() in _CONNECTORS for w in words) or not label[0].isupper():
        return None
    content = _content(text, m.start(2))
    if content is None or len(_WORD.findall(text[content[0] : content[1]])) < 3:
        return None
    source = (start, start + len(label))
    colon = text.index(":", source[1])
    body = text[_line_end(text, m.start(2)) :]
    if words[-1].lower() in DOCUMENT_LABELS:
        ok = True
    else:
        ok = _one_name(parses, source) and _named_again(words[-1], body)
    if not ok:
        return None
    return Candidate(content, (colon, colon + 1), source, 1.0, ORIGIN_HEADLINE)


def _one_name(parses: Sequence[tuple[int, SpacyDoc]], span: tuple[int, int]) -> bool:
    """The label holds no verb and at most one person or body the parse names."""
    for offset, sdoc in parses:
        sp = sdoc.char_span(span[0] - offset, span[1] - offset, alignment_mode="expand")
        if sp is None:
            continue
        if any(t.tag_ in ("VBZ", "VBD", "VBP", "VBG", "MD") for t in sp[1:]):
            return False  # "Carly Fiorina Endorses Ted Cruz", "Clinton Wades In"
        ents = [e for e in sp.ents if e.label_ in ("PERSON", "ORG", "NORP", "GPE")]
        return len(ents) <= 1
    return False


def _named_again(last: str, body: str) -> bool:
    """The label's last word stands in the body as a word of its own ("Graham" in "Sen.
    Lindsey Graham said"), not only in the headline."""
    w = last.strip(".’'")
    if len(w) < 2:
        return False
    return re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", body, re.IGNORECASE) is not None


@dataclass
class Known:
    """The people and bodies the text names outside the labels themselves: whom a label or a
    headline's name can mean."""

    names: list[list[str]]
    orgs: set[str]

    @classmethod
    def of(
        cls,
        text: str,
        cands: Sequence[Candidate],
        person_ents: Iterable[tuple[int, Sequence[str]]],
        parses: Sequence[tuple[int, SpacyDoc]],
        titles: Sequence[tuple[int, SpacyDoc]] = (),
    ) -> Known:
        """``person_ents``: every PERSON name in the body with its offset (the resolver's);
        ``parses``: the body's; ``titles``: the title regions'. A transcript's own full labels
        count ("JAKE TAPPER:" names Jake Tapper, whom a later "TAPPER:" means); a label's own
        words do not ("OK Gov Fallin")."""
        labels = [c.source for c in cands if c.origin.startswith("label:") and c.source]
        names = [list(w) for at, w in person_ents if not any(a <= at < b for a, b in labels)]
        for off, sdoc in titles:  # a title written as a sentence, not in title case
            for e in sdoc.ents:
                at = off + e.start_char
                if e.label_ != "PERSON" or any(a <= at < b for a, b in labels):
                    continue
                if (words := name_words(e)) and not title_case(e.sent):
                    names.append(words)
        for c in cands:
            if c.origin == ORIGIN_TURN and c.source is not None:
                words = text[c.source[0] : c.source[1]].split()
                if len(words) >= 2 and all(w.isalpha() for w in words):
                    names.append([_name_case(w) for w in words])
        orgs = {
            e.text.lower().removeprefix("the ")
            for _off, sdoc in parses
            for e in sdoc.ents
            if e.label_ in ("ORG", "NORP", "GPE")
        }
        return cls(names, orgs)

    def label_speaker(
        self, text: str, c: Candidate, canonical: Callable[[str], str]
    ) -> dict[str, Any]:
        """Whom a label (or a headline's subject) names, right or not at all: the one person
        the article names in full with that surname ("Graham" → "Lindsey Graham"; the label's
        given name must agree), a body the article names ("Judicial Watch"), a poll or report
        as written; else the label as written, unresolved ("The Latest", two Clintons for
        "Clinton")."""
        full_names, orgs = self.names, self.orgs
        if c.source is None:
            return {"name": None, "role": None, "type": "unknown"}
        mention = text[c.source[0] : c.source[1]].strip()
        words = _WORD.findall(mention)
        if not words:
            return {"name": None, "role": None, "type": "unknown"}
        low = [w.lower().strip(".’'") for w in words]
        if low[-1] in DOCUMENT_LABELS:
            return {"name": None, "role": mention, "type": "document"}
        people = {tuple(n) for n in full_names if len(n) >= 2 and n[-1].lower() == low[-1]}
        if not people and len(low) == 1:  # "Hillary:" of the one Hillary named in full
            people = {tuple(n) for n in full_names if len(n) >= 2 and n[0].lower() == low[0]}
        given = set(low[:-1])
        if given:  # "Bill Clinton:" is not Hillary; "OK Gov Fallin" keeps every Fallin
            agree = {n for n in people if {x.lower() for x in n[:-1]} & given}
            people = agree or {n for n in people if not _any_given(given, full_names)}
        # "De Blasio" is "Bill de Blasio": a name inside a fuller one is that one
        lowered = {n: {x.lower() for x in n} for n in people}
        people = {n for n in people if not any(lowered[n] < lowered[m] for m in people)}
        fullest = {canonical(" ".join(n)) for n in people}
        if len(fullest) == 1:
            return {"name": fullest.pop(), "role": None, "type": "person"}
        if not people and mention.lower().removeprefix("the ") in orgs:
            return {"name": mention, "role": None, "type": "organization"}
        return {"name": None, "role": mention, "type": "person" if people else _kind(low[-1])}


def _name_case(word: str) -> str:
    """ "TAPPER" → "Tapper", "MCCAIN" → "McCain"."""
    w = word.capitalize()
    return re.sub(r"^Mc([a-z])", lambda m: "Mc" + m.group(1).upper(), w)


def _kind(word: str) -> str:
    """What a description's head noun is: "critics" people, "the agency" a body."""
    for w in (word, word[:-1] if word.endswith("s") else word):
        if w in PERSON_NOUNS or w in GROUP_NOUNS:
            return "person"
        if w in ORG_NOUNS:
            return "organization"
    return "unknown"


def _any_given(given: set[str], full_names: Sequence[Sequence[str]]) -> bool:
    """Whether a label word is a given name some person in the article has."""
    return any(x.lower() in given for n in full_names for x in n[:-1])
