"""Speaker resolution: source mentions → one canonical speaker per article, with role and type.

No coreference model is available offline, so this is rules over spaCy's parse and NER, in text
order: names open or extend a cluster (a surname joins the full name); titles and appositions
give the role ("political analyst Daniel Patrick Welch"); descriptions ("the expert", "the
Chinese diplomat") join the most recent person whose role shares the noun or its synonym group;
he/she join the most recent person speaker, "it" the most recent organisation or document.
Venues ("in an interview with Press TV") are found separately and never become speakers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, Protocol

from spinscope.attribution.quotes import find_quotes
from spinscope.attribution.resolve import (
    Decision,
    DecisionScorer,
    is_given_name,
    name_gender,
    rivals_between,
)

Token = Any
SpacyDoc = Any

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i"})
THING_PRONOUNS = frozenset({"it"})
PLURAL_PRONOUNS = frozenset({"they", "we", "them"})

#: Nouns that stand for one another when a description refers back to a named person.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"analyst", "expert", "commentator", "observer", "pundit", "scholar", "economist"}),
    frozenset({"ambassador", "envoy", "diplomat", "attaché", "attache", "consul", "emissary"}),
    frozenset({"spokesman", "spokeswoman", "spokesperson", "representative", "official"}),
    frozenset({"minister", "official", "secretary", "politician", "lawmaker"}),
    frozenset({"senator", "lawmaker", "politician", "legislator", "congressman", "congresswoman"}),
    frozenset({"president", "leader", "official", "politician", "ambassador"}),
    frozenset({"candidate", "nominee", "hopeful", "frontrunner", "contender", "politician"}),
    frozenset({"professor", "researcher", "scientist", "expert", "academic", "scholar"}),
    frozenset({"general", "commander", "officer", "official"}),
)

PERSON_NOUNS = frozenset().union(*SYNONYM_GROUPS) | frozenset(
    {
        "man", "woman", "source", "aide", "adviser", "advisor", "director", "chief", "executive",
        "author", "writer", "journalist", "reporter", "editor", "lawyer", "attorney", "judge",
        "governor", "mayor", "activist", "witness", "resident", "doctor", "chairman", "chair",
        "founder", "economist", "strategist", "pollster", "voter", "supporter", "critic",
        "manager", "head", "speaker", "prosecutor", "father", "mother", "member",
        "chairwoman", "chairperson", "ceo", "treasurer", "counsel", "businessman",
        "businesswoman",
    }
)  # fmt: skip

DOCUMENT_NOUNS = frozenset(
    {
        "article", "report", "statement", "study", "survey", "poll", "paper", "letter",
        "document", "editorial", "book", "memo", "analysis", "investigation", "website", "blog",
        "post", "tweet", "release", "filing", "complaint", "lawsuit", "ruling", "order", "bill",
        "data", "figure", "record", "story", "column", "piece", "op-ed", "video", "ad",
        "advertisement", "publication", "newspaper", "magazine", "transcript", "cable", "email",
        "seller", "bestseller", "best-seller", "memoir", "novel", "documentary", "film",
    }
)  # fmt: skip

ORG_NOUNS = frozenset(
    {
        "ministry", "department", "government", "agency", "company", "police", "army",
        "military", "committee", "campaign", "party", "administration", "office", "group",
        "council", "court", "organization", "organisation", "coalition", "team", "white",
        "house", "senate", "congress", "union", "firm", "bank", "board", "commission",
        "embassy", "authority", "authorities", "regime", "state", "network", "outlet",
    }
)  # fmt: skip

VENUE_NOUNS = frozenset(
    {
        "interview", "statement", "op-ed", "article", "post", "tweet", "speech", "letter",
        "appearance", "remarks", "conversation", "briefing", "conference", "column", "email",
        "call", "podcast", "broadcast", "show", "programme", "program", "editorial",
    }
)  # fmt: skip


ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "WORK_OF_ART"})
GROUP_NOUNS = frozenset(
    {
        "people", "analyst", "official", "expert", "leader", "lawmaker", "observer", "critic",
        "opponent", "supporter", "voter", "resident", "researcher", "scientist", "poll",
        "survey", "study", "data", "figure", "evidence", "research", "polling",
    }
)  # fmt: skip


def is_entity(tok: Token) -> bool:
    """Whether a source mention's head can be a person, a body or a document: a name, a
    pronoun, or a noun of those kinds ("the poll", "officials") — not "China’s willingness"."""
    lemma = str(tok.lemma_).lower()
    return bool(
        tok.ent_type_ in ENTITY_LABELS
        or tok.pos_ in ("PROPN", "PRON")
        or lemma in PERSON_NOUNS | ORG_NOUNS | DOCUMENT_NOUNS | GROUP_NOUNS
    )


class HasSource(Protocol):
    content: tuple[int, int]
    source: tuple[int, int] | None
    source_token: Token | None
    continues: int | None


@dataclass
class Cluster:
    name: str
    type: str
    role: str | None = None
    last: int = 0
    names: set[str] = field(default_factory=set)
    gender: str | None = None  # "m" / "f" when a role noun or a resolved pronoun says so
    named: bool = True  # False: a description or pronoun that no name was found for
    count: int = 0  # mentions so far
    reporter: bool = False  # a by-line author or correspondent: never who others' words are
    plural: bool = False  # an unnamed group ("critics", "few people"): never a "he" or "she"

    def as_speaker(self) -> dict[str, Any]:
        if not self.named:
            # "a man in the crowd", "some members": shown as an unnamed speaker described so,
            # never as a speaker entity called "man" or "members"
            return {"name": None, "role": self.name or None, "type": self.type}
        # "Mr." / "Ms." tell the gender (kept for that), they are nobody's role
        role = None if (self.role or "").lower().rstrip(".") in ("mr", "mrs", "ms") else self.role
        return {"name": self.name, "role": role, "type": self.type}


def pronoun_gender(low: str) -> str | None:
    """ "m" for "he"/"him", "f" for "she"/"her", else None (``low``: the pronoun, lower-cased)."""
    return "m" if low in ("he", "him") else "f" if low in ("she", "her") else None


def unknown_speaker(name: str | None = None) -> dict[str, Any]:
    return {"name": name, "role": None, "type": "unknown"}


class SpeakerResolver:
    """Resolve the source mentions of one article, in text order."""

    def __init__(
        self,
        text: str,
        parses: Sequence[tuple[int, SpacyDoc]],
        scorer: DecisionScorer | None = None,
        context: Mapping[str, Sequence[tuple[int, SpacyDoc]]] | None = None,
    ) -> None:
        """``scorer``: shows a name only where the decision's probability reaches its
        threshold (else the row keeps the mention, unnamed); None shows every name found.
        ``context``: parses of the ``title`` (full names a body's "Miller" stands for) and the
        ``byline`` (its authors report, they are not the speakers of what they report)."""
        self.text = text
        self.scorer = scorer
        self.decisions: list[Decision] = []
        self._how = "none"
        self._related: set[str] = set()
        self._content: tuple[int, int] = (0, 0)  # a statement in its pronoun's own sentence
        self.bylines = _byline_names(text)
        self.offsets = {id(sdoc): off for off, sdoc in parses}
        self.clusters: list[Cluster] = []
        # Named people in subject position are salient even when they say nothing yet
        # ("Senator X spoke on Tuesday. She said ..."); they are registered as the text is read.
        self.pending: list[tuple[int, int, Token]] = []
        # surnames of the people the article names ("Pence", which NER may read as a body)
        surnames = {
            w[-1]
            for _o, sdoc in parses
            for e in sdoc.ents
            if e.label_ == "PERSON" and (w := name_words(e))
        }
        # the quotations of each parsed part ((start, end) of their inner text)
        quoted_in = [
            [q.inner for q in find_quotes(text, off, off + len(sdoc.text))] for off, sdoc in parses
        ]
        for (off, sdoc), quoted in zip(parses, quoted_in, strict=True):
            # a name a speaker says inside a quotation is not whom the next "he said" is
            for ent in sdoc.ents:
                if ent.label_ != "PERSON":
                    continue
                if any(a <= off + ent.start_char < b for a, b in quoted):
                    continue
                root = ent.root
                if root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"):
                    root = root.head  # "The consortium’s chief executive, Martin Hale, rejected"
                if root.dep_ in ("nsubj", "nsubjpass") and not title_case(ent.sent):
                    at = off + ent.start_char
                    main = _main_person_subject(root, surnames)
                    # "Pence pledged that Trump …", "Madison … recalled that … Obama wasn't …":
                    # the subject of a clause inside the sentence is less salient than the
                    # person who is its main subject, whom the next "he said" means
                    salient = min(at, off + main.idx - 1) if main is not None else at
                    self.pending.append((at, salient, root))
        self.pending.sort(key=lambda t: t[0])
        # Every person name the article writes out, wherever it stands ("[Syrian President
        # Bashar] Assad’s comeback" inside a quote): a speaker is shown by the fullest one.
        self.full_names: list[list[str]] = []
        #: those of three words or more written in running text, not a title-case headline
        #: ("Melba Acosta Febo", whom "Ms. Acosta" names; not "Ben Carson Defends")
        self.long_names: list[list[str]] = []
        #: every PERSON name in the body with its offset, speaker or not
        self.person_ents: list[tuple[int, list[str]]] = []
        #: those of them outside quotations
        self.plain_names: list[tuple[int, list[str]]] = []
        #: those of them with a title or an apposition, speaker or not ("endorsed by Indiana
        #: Gov. Mike Pence": whom a later "the governor said" means)
        self.titled: list[tuple[int, list[str], set[str]]] = []
        for (off, sdoc), quoted in zip(parses, quoted_in, strict=True):
            for ent in sdoc.ents:
                if ent.label_ == "PERSON" and (words := name_words(ent)):
                    at = off + ent.start_char
                    self.person_ents.append((at, words))
                    if not any(a <= at < b for a, b in quoted):
                        self.plain_names.append((at, words))
                        role = _role(ent.root, list(ent))
                        if role:
                            self.titled.append((at, words, _title_words(role)))
        #: the genders "Mr." / "Mrs." / "Ms." give each surname in the text ("Mr. Obama": the
        #: bare "Obama" is not "Michelle Obama", the only Obama written in full)
        self.surname_genders: dict[str, set[str]] = {}
        for m in _HONORIFIC_SURNAME.finditer(text):
            g = _gender_of(m.group(1).lower() + ".")
            if g is not None:
                self.surname_genders.setdefault(m.group(2), set()).add(g)
        #: names written in running text, not only in a title-case headline
        self.running_names: set[tuple[str, ...]] = set()
        for _off, sdoc in [*parses, *(context or {}).get("title", [])]:
            for ent in sdoc.ents:
                if ent.label_ == "PERSON":
                    words = name_words(ent)
                    if words:
                        self.full_names.append(words)
                        if not title_case(ent.sent):
                            self.running_names.add(tuple(words))
                            if len(words) >= 3:
                                self.long_names.append(words)
        for _off, sdoc in (context or {}).get("byline", []):
            self.bylines |= {w[-1] for e in sdoc.ents if (w := name_words(e))}

    def resolve(
        self,
        cands: Sequence[HasSource],
        source_prob: Sequence[float | None] | None = None,
        skip: set[int] | frozenset[int] = frozenset(),
    ) -> list[dict[str, Any]]:
        """One speaker per candidate, in order. ``source_prob``: the tagger's belief that each
        candidate's source mention is a source (a feature of the decision), when known.
        ``skip``: candidates whose speaker the caller settles (a label's): unknown here, no
        part of the resolution."""
        cluster_of: list[Cluster | None] = []
        self.decisions = []
        for k, c in enumerate(cands):
            if k in skip:
                self.decisions.append(Decision("label", {}))
                cluster_of.append(None)
                continue
            here = c.source[0] if c.source is not None else c.content[0]
            while self.pending and self.pending[0][0] < here:
                _at, salient, root = self.pending.pop(0)
                reg = self._resolve_mention(root, None)
                reg.last = max(reg.last, salient)
            before = {id(x): x.last for x in self.clusters}
            # the statement before its source in one sentence and paragraph ("X …, he added")
            tok = c.source_token
            sent_at = (
                self.offsets.get(id(tok.doc), 0) + tok.sent.start_char if tok is not None else here
            )
            before_source = sent_at <= c.content[0] < here
            same = before_source and "\n" not in self.text[c.content[0] : here]
            self._content = c.content if same else (0, 0)
            cl: Cluster | None = None
            self._how = "none"
            if c.continues is not None and c.continues < len(cluster_of):
                cl = cluster_of[c.continues]
                self._how = "continues"
            elif c.source_token is not None:
                cl = self._resolve_mention(c.source_token, c.source)
            elif c.source is not None:
                cl = self._resolve_text(c.source)
                self._how = "text" if cl.named else "unnamed"
            if cl is not None and not cl.named:
                self._how = "unnamed"
            prev = cluster_of[-1] if cluster_of else None
            if self._how == "continues" and c.continues is not None:
                linked = self.decisions[c.continues]  # the same speaker, as sure as there
                d = Decision(linked.how, dict(linked.feats))
            else:
                d = self._decision(c, cl, before, prev, source_prob[k] if source_prob else None)
            self.decisions.append(d)
            if cl is not None:
                pos = c.source[0] if c.source is not None else 0
                cl.last = max(cl.last, pos)
                cl.count += 1
            cluster_of.append(cl)
        for cl in self.clusters:
            if cl.named and cl.type == "person":
                cl.name = self.canonical(cl.name, cl.gender or _gender_of(cl.role))
        for cl, d in zip(cluster_of, self.decisions, strict=True):
            if cl is not None and cl.named and cl.type == "person":
                d.feats.update(self._name_feats(cl.name))
        # built last: a later mention can still lengthen a cluster's name
        out = []
        for c, cl, d in zip(cands, cluster_of, self.decisions, strict=True):
            if cl is None:
                out.append(unknown_speaker())
            elif cl.named and self.scorer is not None and not self.scorer.shown(d):
                out.append(self._abstained(cl, d))
            elif not cl.named and self._pronoun(c) and not self._settled_description(c, cl, d):
                # "she" after "a State Department official", "she" shown as "New York
                # businessman": a guess at whom a description means, wrong on every such row
                # of PolNeAR train; the row keeps "she". ("it" after "an ad" stays the ad.)
                out.append({"name": None, "role": None, "type": cl.type})
            else:
                out.append(cl.as_speaker())
        return out

    def _settled_description(self, c: HasSource, cl: Cluster, d: Decision) -> bool:
        """A pronoun the text ties to an unnamed speaker: "it" after "an ad"; "he" right after
        "a man in the crowd" (within :data:`SETTLED_CHARS`, a description not of the other
        gender: "she" is no "New York businessman")."""
        low = self._mention(c)
        if low == "it":
            return cl.type == "document"
        if low not in PERSON_PRONOUNS or c.source is None or cl.type != "person":
            return False
        want = pronoun_gender(low)
        own = _gender_of(cl.name)
        dist = d.feats.get("distance")  # log1p(characters since its last mention) / 10
        near = isinstance(dist, float) and math.expm1(dist * 10) <= SETTLED_CHARS
        return near and (own is None or own == want)

    def _mention(self, c: HasSource) -> str:
        return self.text[c.source[0] : c.source[1]].strip().lower() if c.source else ""

    def _pronoun(self, c: HasSource) -> bool:
        return self._mention(c) in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS | {"us", "me"}

    def _gender(self, cl: Cluster) -> str | None:
        """A person's gender from the fullest name the article gives (gender-guesser) or the
        title, never from a pronoun."""
        if cl.named:
            g = name_gender(cl.name) or name_gender(self.canonical(cl.name))
            if g is not None:
                return g
        return _gender_of(cl.role)

    def _name_feats(self, name: str) -> dict[str, float]:
        """Features of the name shown (the fullest the article gives)."""
        words = name.split()
        last = words[-1] if words else ""
        firsts = {n[0] for n in self.full_names if len(n) >= 2 and n[-1] == last}
        return {
            "one_word": float(len(words) == 1),
            "known_first": float(len(words) > 1 and name_gender(name) is not None),
            "surname_shared": float(len(firsts) > 1),  # "Bill" and "Hillary" Clinton
        }

    def _abstained(self, cl: Cluster, d: Decision) -> dict[str, Any]:
        """A name the article does not settle: the row keeps the mention as written (its
        ``source`` piece) and a description when the mention is one; never a guessed name."""
        desc = d.feats.get("_desc")
        return {"name": None, "role": desc if isinstance(desc, str) else None, "type": cl.type}

    def _decision(
        self,
        c: HasSource,
        cl: Cluster | None,
        before: dict[int, int],
        prev: Cluster | None,
        source_prob: float | None,
    ) -> Decision:
        feats: dict[str, Any] = {}
        if cl is None:
            return Decision("none", feats)
        pos = c.source[0] if c.source is not None else c.content[0]
        mention = self.text[c.source[0] : c.source[1]] if c.source is not None else ""
        prior = before.get(id(cl))
        low = mention.strip().lower()
        want = pronoun_gender(low)
        if prior is not None:
            feats["distance"] = math.log1p(max(0, pos - prior)) / 10
            same_kind = [
                x.last
                for x in self.clusters
                if x is not cl
                and x.named
                and x.type == cl.type
                and id(x) in before
                and (want is None or self._gender(x) in (None, want))  # "she" rivals no man
            ]
            feats["rivals"] = rivals_between([cl.type] * len(same_kind), same_kind, prior, pos)
        if self._how == "role":
            others = [
                x
                for x in self.clusters
                if x is not cl
                and x.named
                and x.type == "person"
                and id(x) in before
                and set((x.role or "").lower().split()) & self._related
            ]
            feats["role_unique"] = float(not others)
        if (
            self._how in ("pronoun", "role", "role_fallback")
            and prior is not None
            and cl.type == "person"  # a person's name is no rival of "it"
        ):
            # people named nearer than the antecedent that no speaker stands for (NER found
            # them, nobody spoke yet): the likelier antecedents the resolver did not weigh
            mine = set(cl.name.split())
            feats["nearer_names"] = float(
                min(
                    3,
                    sum(
                        1
                        for at, words in self.person_ents
                        if prior < at < pos
                        and words[-1] not in mine
                        and (want is None or name_gender(" ".join(words)) in (None, want))
                    ),
                )
            )
        if self._how == "pronoun" and cl.named:
            own = self._gender(cl)  # from the name or the title, not a pronoun's guess
            feats["gender_agree"] = float(own is not None and own == want)
            feats["first_person"] = float(low in ("i", "we", "me", "us"))
            # settled by the text: "it" for the one body or document named before, none other
            # since; "he" / "she" for the one person of that gender named in the last
            # sentences, nobody else of it named since
            near = prior is not None and pos - prior < SETTLED_CHARS
            alone = not feats.get("rivals") and not feats.get("nearer_names")
            feats["settled"] = float(
                (low == "it" and cl.type != "person" and not feats.get("rivals"))
                or (bool(feats["gender_agree"]) and near and alone)
            )

        src, cue = getattr(c, "source_token", None), getattr(c, "cue_token", None)
        feats["src_subject"] = float(
            src is not None
            and cue is not None
            and src.doc is cue.doc
            and (src.head.i == cue.i or src.head.head.i == cue.i)
        )
        feats["prev_speaker"] = float(prev is cl)
        letters = [ch for ch in mention if ch.isalpha()]
        feats["caps_mention"] = float(len(letters) >= 3 and all(ch.isupper() for ch in letters))
        feats["possessive"] = float("'s" in mention or "\u2019s" in mention)
        feats["tagger_source"] = source_prob if source_prob is not None else 0.5
        origin = getattr(c, "origin", "")
        feats["from_tagger"] = float(str(origin).startswith("tagger"))
        feats["from_quote"] = float(str(origin).startswith("quote"))
        extra = getattr(c, "extra", None) or {}
        feats["nested"] = float(bool(extra.get("nested")))
        feats["mentions"] = math.log1p(cl.count)
        # how many people the article has named so far: one or two settle a "he" or "the
        # senator" far more often than a dozen do
        feats["people"] = math.log1p(
            sum(1 for x in self.clusters if x.named and x.type == "person" and id(x) in before)
        )
        feats["org"] = float(cl.type in ("organization", "document"))
        if self._how in ("role", "role_fallback"):
            low = mention.strip()
            for det in ("the ", "The ", "a ", "A ", "an ", "An "):
                if low.startswith(det):
                    low = low[len(det) :]
            feats["_desc"] = low or None
        return Decision(self._how, feats)

    def canonical(self, name: str, gender: str | None = None) -> str:
        """The fullest name the article gives this person: "Assad" → "Bashar Assad" when the
        text writes "Bashar Assad" anywhere; unchanged when two different people share the
        surname ("Bill Clinton", "Hillary Clinton"). ``gender``: the person's, when known
        ("Mr. Obama" is not "Michelle Obama", the only Obama the article writes in full)."""
        words = name.split()
        if not words:
            return name
        # the surname is the last word, or the first of two ("Ms. Acosta" is "Melba Acosta
        # Febo"; not "Luciana Lopez Saying", a name NER ran on into the next word)
        fuller = [
            n
            for n in self.full_names
            if len(n) > len(words) and set(words) <= set(n) and n[-1] == words[-1]
        ]
        # a headline's capitals run NER over its verb ("Black Lawmakers Rip Donald Trump"):
        # a name only a headline writes, ending in one the text writes, is that one
        fuller = [
            n
            for n in fuller
            if tuple(n) in self.running_names
            or not any(1 < len(m) < len(n) and tuple(n[-len(m) :]) == m for m in self.running_names)
        ]
        if not fuller and len(words) == 1:
            fuller = [n for n in self.long_names if n[-2] == words[0] and _surname_word(n[-1])]
        known = self.surname_genders.get(words[-1], set())
        if gender is None and len(known) > 1 and len(words) == 1:
            return name  # "Mr. Obama" and "Mrs. Obama": a bare "Obama" is either
        if gender is None and len(known) == 1:
            gender = next(iter(known))
        if gender is not None:
            fuller = [n for n in fuller if name_gender(" ".join(n)) in (None, gender)]
        if not fuller:
            return name
        best = max(fuller, key=len)
        if any(not set(n) <= set(best) for n in fuller):
            return name  # ambiguous surname
        return " ".join(best)

    # -- mentions ---------------------------------------------------------------------------

    def _resolve_text(self, span: tuple[int, int]) -> Cluster:
        """A mention without a parse (e.g. from a tagger): match by name words only."""
        mention = self.text[span[0] : span[1]].strip()
        low = mention.lower()
        if low in PERSON_PRONOUNS:
            return self._recent(("person",), span[0]) or self._unnamed("", "person", span)
        for cl in reversed(self.clusters):
            if low and low.split()[-1] in {n.lower() for n in cl.names}:
                return cl
        return self._unnamed(mention, "unknown", span)

    def _resolve_mention(self, head: Token, span: tuple[int, int] | None) -> Cluster:
        pos = span[0] if span is not None else 0
        low = head.lower_
        if head.pos_ == "PRON" or low in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS:
            if low not in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS:
                return self._unnamed("", "unknown", span)  # "this", "which", ...
            if low in PERSON_PRONOUNS:
                found = self._pronoun_person(low, pos)
            elif low in THING_PRONOUNS:
                # "it" is one body or document: never "India and Pakistan" named before
                found = self._recent(("document", "organization"), pos, single=True)
            else:
                # "they" / "we" are many: a body, never one person named before
                found = self._recent(("organization", "document"), pos)
            kind = "person" if low in PERSON_PRONOUNS else "unknown"
            self._how = "pronoun" if found is not None else "unnamed"
            return found or self._unnamed("", kind, span)
        head = _of_head(head)  # "a lot of people" → people
        self._how = "name"
        if _several(head):
            self._how = "unnamed"
            return self._unnamed(_description(head, self._chunk(head, span)), "unknown", span)
        if head.pos_ == "PROPN" and _joint(head):
            self._how = "unnamed"
            group = self._unnamed(_description(head, self._chunk(head, span)), "person", span)
            group.plural = True
            return group
        owned = _owned_body(head)
        if owned is not None:  # "Donald Trump's campaign", "the Clinton campaign"
            return self._named(owned, "organization", None, span)
        person = self._person_in_mention(head, span)
        if person is not None:
            name_toks, role = person
            name = _clean_name(_text(name_toks))
            # "Councillor Helen Brooks, who chairs the … committee": a person, not the body
            given = len(name.split()) >= 2 and is_given_name(name.split()[0])
            kind = (
                "organization"
                if _org_role(role) and not given and not _titled_person(name, None)
                else "person"
            )
            return self._named(name, kind, role, span)
        name_toks = _name_tokens(head)
        plural = [
            c
            for c in head.children
            if c.dep_ == "compound" and c.tag_ == "NNS" and name_toks and c.i < name_toks[0].i
        ]
        if plural:
            # "Several people Republicans have tried to talk to … have refused": a relative
            # clause without "whom" the parse read as one phrase; the people speak, not the
            # Republicans (PolNeAR dev)
            self._how = "unnamed"
            return self._unnamed(_text(list(plural[0].subtree)), "person", span)
        appos_role = None
        if not name_toks and head.pos_ == "NOUN":
            # "the group Clean Water Action": the name is an apposition of the role noun
            for child in head.children:
                if child.dep_ == "appos" and (child.pos_ == "PROPN" or child.ent_type_):
                    name_toks = _name_tokens(child)
                    appos_role = _description(head)
                    self._how = "appos"
                    break
        if (
            name_toks
            and _ent_type(name_toks) == "NORP"
            and head.tag_ in ("NN", "NNP")
            and any(
                (c.dep_ == "det" and c.lower_ in INDEFINITE)
                or (c.dep_ == "nummod" and c.lower_ == "one")
                for c in head.children
            )
        ):  # "a Republican who …", "One Republican threatened": one unnamed member of a
            # group, not a speaker called so
            self._how = "unnamed"
            return self._unnamed(_description(head, self._chunk(head, span)), "person", span)
        if name_toks and all(
            TITLE_ABBREVIATIONS.get(t.lower_, t.lower_) in LEADING_TITLES for t in name_toks
        ):
            # "Senator from Texas says …" (a headline's capitals): a title, no name; whom it
            # means only a matching title named before settles
            title = TITLE_ABBREVIATIONS.get(name_toks[-1].lower_, name_toks[-1].lower_)
            desc = _description(head, self._chunk(head, span))
            found = self._by_role(title, desc, pos) if head.tag_ != "NNPS" else None
            if found is not None:
                return found
            self._how = "unnamed"
            return self._unnamed(desc, "person", span)
        if name_toks:
            name_toks = _extend_name(name_toks)
            name = _clean_name(_text(name_toks))
            ent_type = _ent_type(name_toks)
            role = appos_role or _role(head, name_toks)
            if _org_role(role) and not _titled_person(name, None):
                return self._named(name, "organization", role, span)
            if head.lower_ in DOCUMENT_NOUNS and head not in name_toks:
                words = name.split()
                if any(t.dep_ == "poss" for t in name_toks) and (
                    ent_type == "PERSON" or (len(words) >= 2 and is_given_name(words[0]))
                ):
                    # "Martin Reyes's 2005 best seller": the book, not its author
                    self._how = "unnamed"
                    desc = _description(head, self._chunk(head, span))
                    return self._unnamed(desc, "document", span)
                return self._named(name, "document", head.lemma_.lower(), span)
            kind = "person" if ent_type == "PERSON" else "organization"
            if ent_type == "" and head.lemma_.lower() in PERSON_NOUNS:
                kind = "person"
            if kind != "person" and (
                _honorific_before(name_toks) or self._a_person(name) or _titled_person(name, role)
            ):
                # "Mr. Loeb", "Pence" where the article names "Mike Pence", "Ana Ruiz, the
                # mayor of the city" where NER read a body
                kind = "person"
            return self._named(name, kind, role, span)
        lemma = head.lemma_.lower()
        desc = _description(head, self._chunk(head, span))
        self._how = "unnamed"
        if lemma in DOCUMENT_NOUNS:
            return self._unnamed(desc, "document", span)
        if lemma in PERSON_NOUNS or head.ent_type_ == "NORP":
            other = any(c.lower_ in ("another", "other") for c in head.children)
            # "Another diplomat, …": not the diplomat named before; "the officials" are many,
            # never the one person named before
            many = head.tag_ in ("NNS", "NNPS")
            found = (
                self._by_role(lemma, desc, pos)
                if _definite(head) and not other and not many
                else None
            )
            if found is not None:
                return found
            self._how = "unnamed"
            group = self._unnamed(desc, "person", span)
            group.plural = many
            return group
        if lemma in ORG_NOUNS or head.ent_type_ in ("ORG", "GPE", "NORP"):
            return self._unnamed(desc, "organization", span)
        kind = "person" if lemma in ("people", "person", "opponent", "protester") else "unknown"
        group = self._unnamed(desc, kind, span)
        group.plural = kind == "person" and head.tag_ in ("NNS", "NNPS")
        return group

    def _a_person(self, name: str) -> bool:
        """Every word of ``name`` is in a person name NER found in the article ("Pence" where
        it writes "Mike Pence"; NER reads a lone surname as a body now and then)."""
        words = name.split()
        return bool(words) and any(
            set(words) <= set(n) and words[-1] == n[-1] for n in self.full_names if len(n) >= 2
        )

    def _chunk(self, head: Token, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """Token range of the source mention in the head's parse, when it holds the head."""
        if span is None:
            return None
        off = self.offsets.get(id(head.doc), 0)
        chunk = head.doc.char_span(span[0] - off, span[1] - off, alignment_mode="contract")
        if chunk is None or not (chunk.start <= head.i < chunk.end):
            return None
        return chunk.start, chunk.end

    def _person_in_mention(
        self, head: Token, span: tuple[int, int] | None
    ) -> tuple[list[Token], str | None] | None:
        """The PERSON name in the mention — the one holding the head, else the last one ("Clinton
        spokesman Nick Merrill") — with the title before it as the role ("Chinese Ambassador
        to Syria Qi Qianjin": the parse's head is "Ambassador"). None when the names only
        qualify another noun ("a spokeswoman for Hillary Clinton", "Clinton supporters", "a
        Hillary Clinton ad")."""
        sdoc = head.doc
        off = self.offsets.get(id(sdoc), 0)
        if span is None:
            lo, hi = head.left_edge.i, head.right_edge.i + 1
        else:
            chunk = sdoc.char_span(span[0] - off, span[1] - off, alignment_mode="contract")
            if chunk is None or len(chunk) == 0:
                return None
            lo, hi = chunk.start, chunk.end
        people = [e for e in sdoc.ents if e.label_ == "PERSON" and lo <= e.start and e.end <= hi]
        inside = [e for e in people if not _name_of_other(e, head) and not _in_modifier(e, head)]
        # names NER found and the parse shows are another's ("a spokeswoman for Hillary
        # Clinton"): the proper-noun run below must not bring them back as the speaker
        others = {t.i for e in people if e not in inside for t in e}
        inside.sort(key=lambda e: (head not in e, -e.start))  # the head's, else the last
        if inside:
            ent = inside[0]
            name = list(ent)
            pre = [t for t in sdoc[lo : ent.start]]
            dashes = [k for k, t in enumerate(pre) if t.text in DASHES or _breaks_line(t)]
            if dashes:  # a dateline is no title ("HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green …"),
                pre = pre[dashes[-1] + 1 :]  # nor a line above ("1:21 p.m.\n\nDonald Trump")
            while pre and (
                pre[0].pos_ == "DET" or pre[0].is_punct or pre[0].ent_type_ in ("TIME", "DATE")
            ):
                pre = pre[1:]  # nor a time
            while pre and (pre[-1].is_punct or pre[-1].tag_ in ("IN", "CC")):
                pre = pre[:-1]
            if pre and pre[-1].lower_ in COURTESY:
                pre = pre[:-1]  # "… candidate Dr. Ben Carson": see _role
            role = _text(pre) if any(t.pos_ in ("NOUN", "PROPN") for t in pre) else None
            if role is None:
                role = _role(ent.root, name)
            return name, role
        # NER misses many foreign names: a trailing run of proper nouns after a title.
        run: list[Token] = []
        for t in reversed(sdoc[lo:hi]):
            if t.pos_ == "PROPN" and t.ent_type_ not in ("NORP", "ORG"):
                run.insert(0, t)
            else:
                break
        if len(run) >= 3 and run[0].i > 0 and sdoc[run[0].i - 1].tag_ == "IN":
            run = run[1:]  # "Ambassador to Syria Qi Qianjin": the place belongs to the title
        if run and _in_modifier(sdoc[run[0].i : run[-1].i + 1], head):
            run = []  # "a reporter, who worked for Mr. Bannon"
        if any(t.i in others for t in run):
            run = []
        if len(run) >= 2 and run[0].i > lo:
            pre = [t for t in sdoc[lo : run[0].i]]
            while pre and (pre[0].pos_ == "DET" or pre[0].is_punct):
                pre = pre[1:]
            if any(t.lemma_.lower() in PERSON_NOUNS or t.ent_type_ == "NORP" for t in pre) or any(
                t.lower_ in PERSON_NOUNS for t in pre
            ):
                return run, _text(pre) or None
        return None

    def _named(self, name: str, kind: str, role: str | None, span: Any) -> Cluster:
        words = name.split()
        honorific = None  # "Mr. Obama" is a man, whoever else the article calls Obama
        if kind == "person":
            # "Representative Brooks": the title is the role, the name is "Brooks"
            while len(words) > 1 and words[0].lower() in LEADING_TITLES and words[1][:1].isupper():
                honorific = honorific or _gender_of(words[0])
                role = role or words[0]
                words = words[1:]
            name = " ".join(words)
        matches: list[Cluster] = []
        for cl in reversed(self.clusters):
            if not cl.named or (cl.type == "document" and kind != "document"):
                continue
            same_kind = kind == cl.type or (cl.type == "person" and len(words) == 1)
            if same_kind and kind != "person" and cl.type != "person":
                # bodies join on their words, not a shared last word ("Clinton campaign" is no
                # "Trump campaign"); "Post" still joins "New York Post"
                theirs = set(cl.name.split())
                same_kind = set(words) <= theirs or theirs <= set(words)
            if same_kind and kind == "person" == cl.type and _other_first_name(words, cl.names):
                continue  # "Bill Clinton" is not the "Hillary Clinton" named before
            if name in cl.names or (words and words[-1] in cl.name.split() and same_kind):
                matches.append(cl)
        people = [cl for cl in matches if cl.type == "person"]
        if len(people) > 1 and not _given_names(words):
            # a surname two people share ("Mr. Clinton" with Bill and Hillary named): the one
            # of the title's gender; without one the article does not say who: unnamed
            want = _gender_of(role)
            fit = [cl for cl in people if want is not None and self._gender(cl) in (None, want)]
            if len(fit) != 1:
                return self._unnamed(name, kind, span)
            matches = fit
        if matches:
            cl = matches[0]
            cl.names.add(name)
            if len(name) > len(cl.name) and set(cl.name.split()) <= set(words):
                cl.name = name
            if role and not cl.role:
                cl.role = role
        else:
            cl = self._new(name, kind, role, span)
        if honorific is not None and cl.gender is None:
            cl.gender = honorific
        return cl

    def _unnamed(self, desc: str, kind: str, span: Any) -> Cluster:
        """A speaker without a name: kept as a cluster (a later "he" can refer to it) but shown
        as unnamed, described by ``desc``."""
        cl = self._new(desc, kind, None, span)
        cl.named = False
        return cl

    def _new(self, name: str, kind: str, role: str | None, span: Any) -> Cluster:
        cl = Cluster(name, kind, role, span[0] if span else 0, {name}, _gender_of(role))
        role_words = set((role or "").lower().replace(",", " ").split())
        cl.reporter = bool(role_words & REPORTER) or (
            kind == "person" and bool(name) and name.split()[-1] in self.bylines
        )
        self.clusters.append(cl)
        return cl

    def _pronoun_person(self, low: str, pos: int) -> Cluster | None:
        """he/she: the most recent person not known to be of the other gender."""
        want = pronoun_gender(low)
        lo, hi = self._content
        # "Mr. Trump … fits that bill, he added": whom the statement names is not its speaker
        # (a name inside a quotation may be the speaker's own: "… loving Donald Trump when I …")
        named = {words[-1] for at, words in self.plain_names if lo <= at < min(hi, pos)}
        people = [
            c
            for c in self.clusters
            if c.type == "person"
            and c.last <= pos
            and not c.reporter
            and not (c.named and c.name.split()[-1] in named)
        ]
        people.sort(key=lambda c: -c.last)
        for cl in people:
            if cl.plural:
                # "critics call it …. He acknowledged": a group is no "he"; whom the article
                # means past it is not settled (skipping to the person before named wrongly)
                return None
            if cl.gender is None and cl.named:
                # "Hillary Clinton" is no "he"; "Obama" is "Barack Obama" where the text says so
                cl.gender = name_gender(cl.name) or name_gender(self.canonical(cl.name))
            if want is None or cl.gender in (None, want):
                if want is not None:
                    cl.gender = want
                return cl
        # "she" with only men named before: nobody the article settles (was: the latest man)
        return people[0] if people and want is None else None

    def _recent(self, kinds: Sequence[str], pos: int, single: bool = False) -> Cluster | None:
        best = [
            c
            for c in self.clusters
            if c.type in kinds
            and c.last <= pos
            and not (single and (c.plural or " and " in f" {c.name} " or "&" in c.name))
        ]
        return max(best, key=lambda c: c.last) if best else None

    @staticmethod
    def _role_words(cl: Cluster) -> set[str]:
        return _title_words(cl.role)

    def _title_holders(
        self, lemma: str, pos: int, people: Sequence[Cluster]
    ) -> list[tuple[str, set[str], Cluster | None, int, list[str]]]:
        """Everyone holding the title ``lemma`` before ``pos``, latest first, one entry per
        surname: speakers whose role has it, and people the article named with it though they
        never spoke ("endorsed by Indiana Gov. Mike Pence"). Entries: (surname, title words,
        cluster or None, offset, name words)."""
        out: dict[str, tuple[str, set[str], Cluster | None, int, list[str]]] = {}
        for cl in people:
            words = self._role_words(cl)
            if lemma in words and cl.name.split():
                out.setdefault(cl.name.split()[-1], (cl.name.split()[-1], words, cl, cl.last, []))
        for at, name, title in self.titled:
            if at < pos and lemma in title:
                key = name[-1]
                if key in out:
                    k, held, owner, last, n = out[key]
                    out[key] = (k, held | title, owner, max(last, at), n or name)
                else:
                    out[key] = (key, title, None, at, name)
        return sorted(out.values(), key=lambda e: -e[3])

    def _holder_cluster(
        self, entry: tuple[str, set[str], Cluster | None, int, list[str]]
    ) -> Cluster:
        surname, title, cl, at, words = entry
        if cl is not None:
            return cl
        name = self.canonical(" ".join(words))
        for other in reversed(self.clusters):
            if other.named and other.type == "person" and surname in other.name.split():
                return other
        return self._new(name, "person", None, (at, at + len(name)))

    def _by_role(self, lemma: str, desc: str, pos: int) -> Cluster | None:
        """“the expert” → the most recent person whose role shares the noun or its group."""
        related = {lemma}
        for group in SYNONYM_GROUPS:
            if lemma in group:
                related |= group
        people = sorted(
            (
                c
                for c in self.clusters
                if c.type == "person" and c.last <= pos and (not c.reporter or lemma in REPORTER)
            ),
            key=lambda c: -c.last,
        )
        self._related = related
        # the title itself first ("the president" → President Trump, not the Fed official
        # named since; "the governor" → "Indiana Gov. Mike Pence" named only as an object)
        holders = self._title_holders(lemma, pos, people)
        if len(holders) > 1:
            # "the senator" with two senators named: the article does not say which — unless
            # the description does ("the Republican nominee" of two nominees)
            quals = _title_words(desc) - {lemma} - _QUALIFIER_STOP
            if quals:
                holders = [h for h in holders if quals <= h[1]]
            if len(holders) != 1:
                self._how = "unnamed"
                return None
        if holders:
            self._how = "role"
            return self._holder_cluster(holders[0])
        # then a word of its group ("the diplomat" → the ambassador): the latest so titled
        fits = [cl for cl in people if self._role_words(cl) & related]
        if fits:
            self._how = "role"
            return fits[0]
        # "the expert" with no matching title: nobody the article settles (it was the latest
        # titled person — "the expert warned" given to Prince Andrew)
        self._how = "unnamed"
        return None


#: Words of a description that do not tell two title holders apart.
_QUALIFIER_STOP = frozenset(
    {"the", "a", "an", "of", "for", "in", "on", "at", "to", "and", "this", "that", "'s", "’s"}
)


def _title_words(role: str | None) -> set[str]:
    """The words of a role with news abbreviations spelled out ("Indiana Gov." → indiana,
    governor)."""
    return {TITLE_ABBREVIATIONS.get(w, w.rstrip(".,")) for w in (role or "").lower().split()}


_HONORIFIC_SURNAME = re.compile(r"\b(Mr|Mrs|Ms)\.?[ \t]+([A-Z][\w'\u2019-]+)")

#: Titles as news writes them before a name ("Gov. Chris Christie" is "the governor").
TITLE_ABBREVIATIONS = {
    "gov.": "governor", "sen.": "senator", "sens.": "senator", "rep.": "representative",
    "reps.": "representative", "pres.": "president", "sec.": "secretary", "gen.": "general",
    "amb.": "ambassador", "lt.": "lieutenant", "col.": "colonel", "adm.": "admiral",
    "atty.": "attorney", "supt.": "superintendent", "gov": "governor", "sen": "senator",
    "rep": "representative",
}  # fmt: skip

#: A pronoun this near its antecedent (characters), alone of its gender, is settled.
SETTLED_CHARS = 300

#: Roles of people who report rather than speak: a by-line author, a correspondent.
REPORTER = frozenset(
    {
        "correspondent", "reporter", "journalist", "editor", "columnist", "writer", "anchor",
        "presenter", "host", "producer", "contributor", "stringer", "photographer",
    }
)  # fmt: skip

_BYLINE = re.compile(
    r"^[ \t]*(?:By|BY|Written by|Reporting by)[ \t]+"
    r"((?:[A-Z][\w.'\u2019-]*[ \t]+){0,3}[A-Z][\w'\u2019-]+)",
    re.MULTILINE,
)

#: Bodies a person owns or leads: "Trump's campaign" is the campaign, not Trump.
OWNED_BODIES = frozenset(
    {"campaign", "administration", "camp", "team", "office", "foundation", "staff", "aides"}
)


def _byline_names(text: str) -> set[str]:
    """Surnames of by-line authors ("By Caroline Hawley", "Reporting by …") in the text."""
    return {m.group(1).split()[-1] for m in _BYLINE.finditer(text[:3000])}


def _name_of_other(ent: Any, head: Token) -> bool:
    """ "A spokeswoman for Hillary Clinton", "the lawyer of X": the name is whom the head
    noun belongs to, not the speaker."""
    root = ent.root
    if head in ent:
        return False
    if (
        root.dep_ in ("compound", "poss", "nmod", "amod")
        and root.head == head  # spaCy makes a new Token per access: never `is`
        and head.pos_ == "NOUN"
        and (head.tag_ == "NNS" or head.lemma_.lower() in DOCUMENT_NOUNS | ORG_NOUNS)
    ):
        return True  # "Clinton supporters", "a Hillary Clinton ad"
    if (
        root.dep_ == "poss"
        and root.head == head
        and head.pos_ == "NOUN"
        and head.lemma_.lower() in PERSON_NOUNS | KIN_NOUNS
    ):
        return True  # "Obama's former campaign strategist", "Trump's lawyer", "Cruz's wife"
    if root.dep_ != "pobj":
        return False
    prep = root.head
    return bool(
        prep.lower_ in ("for", "of", "with", "from", "to")
        and prep.head == head
        and ent.start > 0
        and ent.doc[ent.start - 1] == prep
        and head.lemma_.lower() in PERSON_NOUNS | ORG_NOUNS
        and head.pos_ == "NOUN"
    )


#: People known by whom they belong to ("Cruz's wife said"): never that one.
KIN_NOUNS = frozenset(
    {
        "wife", "husband", "son", "daughter", "father", "mother", "brother", "sister", "friend",
        "partner", "widow", "cousin", "uncle", "aunt", "nephew", "niece", "backer", "ally",
    }
)  # fmt: skip


def _owned_body(head: Token) -> str | None:
    """ "Donald Trump's campaign" / "the Clinton campaign" → "Donald Trump campaign": a body
    named by its owner (an organisation speaker), not the owner."""
    if head.lemma_.lower() not in OWNED_BODIES or head.pos_ != "NOUN":
        return None
    for child in head.children:
        if child.dep_ in ("poss", "compound") and child.ent_type_ in ("PERSON", "ORG"):
            ents = [e for e in head.doc.ents if e.start <= child.i < e.end]
            if not ents:
                continue
            name = _clean_name(ents[0].text)
            if name and "\n" not in name:
                return f"{name} {head.lower_}"
    return None


QUANTITY_NOUNS = frozenset(
    {
        "lot", "lots", "number", "majority", "minority", "handful", "dozen", "dozens", "some",
        "many", "most", "few", "all", "none", "one", "each", "both", "several", "couple",
        "plenty", "rest", "half", "hundreds", "thousands", "millions", "bunch", "variety",
    }
)  # fmt: skip
NAME_LINKS = frozenset({"for", "of", "and", "&", "the", "de", "on", "in"})


def _of_head(head: Token) -> Token:
    """ "A lot of people", "some of the analysts": the people, not the quantity."""
    if head.lower_ not in QUANTITY_NOUNS and head.lemma_.lower() not in QUANTITY_NOUNS:
        return head
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return obj
    return head


def _org_role(role: str | None) -> bool:
    """A role that makes the name a body ("the Clinton campaign"), not a person's title
    ("the president and chairwoman of the bank", "Gov.": a person's role that names a body)."""
    words = (role or "").lower().replace(",", " ").split()
    if any(w in PERSON_NOUNS or w in LEADING_TITLES for w in words):
        return False
    return bool(words) and words[-1] in ORG_NOUNS - {"white", "house", "state"}


def _titled_person(name: str, role: str | None) -> bool:
    """A title before a given name ("Councillor Helen Brooks"), or a name of two words or more
    whose first word is a given name, described by a person's title or occupation ("Ana Ruiz,
    the mayor of the city"; not "the Sierra Club")."""
    words = name.split()
    if len(words) >= 3 and words[0].lower() in LEADING_TITLES and is_given_name(words[1]):
        return True  # "Councillor Helen Brooks", NER's body
    if len(words) < 2 or not is_given_name(words[0]) or not role:
        return False
    head = role.lower().replace(",", " ").split(" of ")[0].split()
    return bool(head) and (head[-1] in PERSON_NOUNS or head[-1] in LEADING_TITLES)


#: Honorifics that only ever stand before a person's name ("Mr. Loeb", "Gov. John Kasich").
HONORIFICS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "gov.", "sen.", "rep.", "mr", "mrs", "ms", "dr", "sen", "rep"}
)


def title_case(sent: Any) -> bool:
    """A headline's sentence: every word longer than three letters capitalised ("Ben Carson
    Defends Himself Against Claims"; not "New Jersey Gov. Chris Christie spoke to voters")."""
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and all(t.text[:1].isupper() for t in words)


def _surname_word(word: str) -> bool:
    """A word that can be a second surname: capitalised letters, no "-ing" / "-ed" verb form."""
    w = word.replace("-", "")
    return w[:1].isupper() and w.isalpha() and not word.lower().endswith(("ing", "ed", "ly"))


def _honorific_before(toks: Sequence[Token]) -> bool:
    """The name is written with an honorific ("Mr. Loeb": NER may read it as a body)."""
    first = toks[0]
    if first.lower_ in HONORIFICS:
        return True
    return first.i > 0 and first.doc[first.i - 1].lower_ in HONORIFICS


def _main_person_subject(subj: Token, surnames: Set[str] = frozenset()) -> Token | None:
    """The person who is the main subject of the sentence ``subj`` stands in, when ``subj`` is
    the subject of a clause inside it ("Pence pledged that Trump …" → Pence); else None."""
    verb = subj.head
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head  # "… and said": the main clause still
    if verb.dep_ == "ROOT":
        return None
    root = subj.sent.root
    for t in root.children:
        if t.dep_ in ("nsubj", "nsubjpass") and t.i < subj.i:
            if any("\n" in w.text_with_ws for w in subj.doc[t.i : subj.i]):
                return None  # a "sentence" the parse ran over a paragraph break
            person = (
                t.ent_type_ == "PERSON"
                or (t.pos_ == "PROPN" and not t.ent_type_)  # a name NER missed
                or t.text in surnames  # "Pence" read as a body, "Mike Pence" named elsewhere
                or t.lower_ in ("he", "she")
                or t.lemma_.lower() in PERSON_NOUNS
            )
            return t.left_edge if person else None
    return None


#: Titles written as the first word of a person's name by NER ("Representative Brooks").
LEADING_TITLES = frozenset(
    {
        "representative", "rep.", "senator", "sen.", "gov.", "governor", "mr.", "mrs.", "ms.",
        "dr.", "president", "speaker", "secretary", "mayor", "judge", "councillor", "councilor",
        "councilman", "councilwoman", "alderman",
    }
)  # fmt: skip


_NAME_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "dr", "sen", "sens", "rep", "gov", "gen", "president", "senator",
        "former", "vice", "sir", "rev", "judge", "secretary", "governor", "mayor", "speaker",
    }
)  # fmt: skip


def _given_names(words: Sequence[str]) -> set[str]:
    """The given names of a full name ("Bill" of "Former President Bill Clinton"): its words
    before the surname, less titles and initials; empty for a surname alone."""
    return {
        w
        for w in words[:-1]
        if len(w.strip(".")) > 1 and w[:1].isupper() and w.lower().strip(".") not in _NAME_TITLES
    }


def _other_first_name(words: Sequence[str], names: Iterable[str]) -> bool:
    """A full name whose given names share nothing with those of the full names a cluster holds:
    another person of the same surname ("Bill Clinton" after "Hillary Clinton")."""
    mine = _given_names(words)
    if not mine:
        return False
    theirs = [g for n in names if (g := _given_names(n.split()))]
    return bool(theirs) and all(not (mine & g) for g in theirs)


#: Dashes that end a dateline before a title and name.
DASHES = frozenset({"—", "–", "--"})


def _breaks_line(tok: Token) -> bool:
    return "\n" in tok.whitespace_ or tok.is_space


def _extend_name(toks: list[Token]) -> list[Token]:
    """Names the tagger cut short: "Water for All", "Food & Water Watch" (capitalised words
    joined by "for", "of", "&", …), never across a line break (a "Twitter" menu line above)."""
    toks = list(toks)
    # a name never runs over a line break: keep the part holding its last word
    for i in range(len(toks) - 2, -1, -1):
        if _breaks_line(toks[i]):
            toks = toks[i + 1 :]
            break
    sdoc = toks[-1].doc
    j = toks[-1].i + 1
    while j < len(sdoc) and not _breaks_line(sdoc[j - 1]):
        t = sdoc[j]
        if _titled(t):
            toks.append(t)
            j += 1
            continue
        if (
            t.lower_ in NAME_LINKS
            and j + 1 < len(sdoc)
            and _titled(sdoc[j + 1])
            and not _breaks_line(t)
        ):
            toks.extend([t, sdoc[j + 1]])
            j += 2
            continue
        break
    return toks


def _titled(t: Token) -> bool:
    return bool(
        t.text[:1].isupper()
        and t.is_alpha
        and not t.is_sent_start
        and t.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL")
    )


def _text(toks: Sequence[Token]) -> str:
    if not toks:
        return ""
    return str(toks[0].doc[toks[0].i : toks[-1].i + 1].text).strip()


#: Determiners that introduce someone new ("An AIPAC spokesman" is nobody named before).
INDEFINITE = frozenset({"a", "an", "another", "some", "any", "one", "no", "several", "many"})


def _definite(head: Token) -> bool:
    return any(c.dep_ in ("det", "poss") and c.lower_ not in INDEFINITE for c in head.children)


def _in_modifier(ent: Any, head: Token) -> bool:
    """ "Griffin, an Obama backer", "a reporter, who worked for Mr. Bannon", "the website, run
    by Michael McDonald": a name inside a relative or participle clause of the mention's head,
    or inside an apposition that is not itself the name, describes the speaker; it is not the
    speaker."""
    for child in head.children:
        if child.dep_ not in ("relcl", "acl", "appos"):
            continue
        lo, hi = child.left_edge.i, child.right_edge.i + 1
        if not (lo <= ent.start and ent.end <= hi):
            continue
        if child.dep_ == "appos" and ent.start <= child.i < ent.end:
            return False  # "the Republican nominee, Mike Pence": the apposition is the name
        return True
    return False


def _joint(head: Token) -> bool:
    """ "Maine Sen. Susan Collins and Texas Rep. Louis Gohmert", "Matthews, MSNBC's Alex
    Seitz-Wald and Reuters' Luciana Lopez": named speakers joined by "and" say it together;
    the statement is none of theirs alone. Not one name with "and" inside ("Johnson & Johnson",
    "Food and Drug Administration")."""
    if not any(c.dep_ == "cc" and c.lower_ in ("and", "&") for c in head.children):
        return False
    ents = [e for e in head.doc.ents if e.start <= head.i < e.end]
    for c in head.children:
        if c.dep_ != "conj" or c.i < head.i or (ents and ents[0].start <= c.i < ents[0].end):
            continue
        if c.ent_type_ == "PERSON" or (c.pos_ == "PROPN" and head.ent_type_ == "PERSON"):
            return True
    return False


def _several(head: Token) -> bool:
    """ "Edwards and others": a name joined with others is several speakers, not the one."""
    return any(
        c.dep_ == "conj" and c.lower_ in ("others", "other", "colleagues", "allies")
        for c in head.children
    )


#: Small words a capitalised name may hold in lower case ("Alliance to Reclaim Our Schools").
_NAME_SMALL_WORDS = frozenset({"to", "of", "the", "and", "for", "in", "on", "&"})


def _capitalised_name(ent: Any) -> bool:
    """Every word of the entity capitalised but its small words: a body's name with a verb in
    it ("the Alliance to Reclaim Our Schools"), not a clause NER ran over ("Trump told The
    Associated Press")."""
    words = [t for t in ent if t.is_alpha]
    return len(words) >= 3 and all(
        t.text[:1].isupper() or t.lower_ in _NAME_SMALL_WORDS for t in words
    )


def _name_tokens(head: Token) -> list[Token]:
    """The proper-name tokens of the mention's head (the entity it is part of, or PROPNs)."""
    if head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "WORK_OF_ART"):
        ents = [e for e in head.doc.ents if e.start <= head.i < e.end]
        # an entity that runs over a verb is a misread clause, no name ("Trump told The
        # Associated Press of the prospects for peace"): the proper nouns around the head then
        if ents and (
            not any(t.pos_ in ("VERB", "AUX") for t in ents[0]) or _capitalised_name(ents[0])
        ):
            # nor over a comma into the next phrase ("a report by Politico, Democratic party
            # insiders are …"): the part holding the head
            toks = list(ents[0])
            cut = [k for k, t in enumerate(toks) if t.text == ","]
            lo = max([k + 1 for k in cut if toks[k].i < head.i], default=0)
            hi = min([k for k in cut if toks[k].i > head.i], default=len(toks))
            return toks[lo:hi]
    if head.pos_ == "PROPN":
        toks = [t for t in head.subtree if t.pos_ == "PROPN" and abs(t.i - head.i) <= 4]
        return _capitalised_run(_contiguous(toks, head), head)
    # "An article ... on Worldview": a proper noun inside the mention names the document.
    # Not one inside a clause on it ("The complaint, which was filed in … Washington", "The
    # project's website, run by Michael McDonald": a place and a person, not the document),
    # unless it is who issued the document ("A report published by the Global Energy Institute").
    if head.lemma_.lower() in DOCUMENT_NOUNS:
        clauses = [c for c in head.children if c.dep_ in ("relcl", "acl")]
        issuers = [
            a
            for c in clauses
            if c.lemma_.lower() in ISSUE_VERBS
            for a in c.children
            if a.dep_ == "agent"
        ]
        for t in head.subtree:
            if t.pos_ != "PROPN":
                continue
            inside = any(c.left_edge.i <= t.i <= c.right_edge.i for c in clauses)
            issued = any(a.left_edge.i <= t.i <= a.right_edge.i for a in issuers)
            if not issued and _through_a_word(t, head):
                continue  # "the study -- which notes … ''equal to the state budgets of
                # California''": the parse hung the quoted words on "study" by an adjective
            if not inside or issued:
                name = _name_tokens(t)
                ids = {x.i for x in name}  # (not "Johnson & Johnson": one name with "&")
                if any(
                    (x.dep_ == "conj" and x.head.i not in ids)
                    or any(c.dep_ == "conj" and c.i not in ids for c in x.children)
                    for x in name
                ):
                    return []  # "a study by Harvard and the University of California": by both
                    # (or a list), no one body's alone
                return name
    return []


def _through_a_word(t: Token, head: Token) -> bool:
    """Whether the path from ``t`` up to ``head`` passes an adjective or a verb ("equal to …
    of California"): not a phrase naming the document ("an article in Worldview")."""
    x = t.head
    while x.i != head.i and x.head.i != x.i:
        if x.pos_ in ("ADJ", "VERB", "AUX"):
            return True
        x = x.head
    return False


#: "A report published / issued / released by X": X issued the document and speaks through it.
ISSUE_VERBS = frozenset(
    {
        "publish", "issue", "release", "write", "author", "produce", "prepare", "compile",
        "draft", "sign", "send", "commission", "conduct", "file", "submit", "post", "put",
    }
)  # fmt: skip


def _capitalised_run(run: list[Token], head: Token) -> list[Token]:
    """A name that goes on in capitals over small words inside the head's phrase: "the
    Alliance to Reclaim Our Schools" (not "Alliance"). Not in a title-case headline, where
    every word is capitalised."""
    doc = head.doc
    if not run or title_case(head.sent):
        return run
    j = run[-1].i + 1
    while (
        j <= head.right_edge.i
        and "\n" not in doc[j - 1].whitespace_
        and (doc[j].text[:1].isupper() or doc[j].lower_ in _NAME_SMALL_WORDS)
        and doc[j].is_alpha
    ):
        j += 1
    while j > run[-1].i + 1 and doc[j - 1].lower_ in _NAME_SMALL_WORDS:
        j -= 1
    ext = [doc[i] for i in range(run[-1].i + 1, j)]
    # only a name with "to" / "for" inside runs on ("Alliance to Reclaim Our Schools",
    # "Campaign for Accountability"); not "Smith of Texas", nor "Cruz and Rubio"
    if not any(t.lower_ in ("to", "for") for t in ext) or len(run) + len(ext) < 3:
        return run
    return run + ext


def _contiguous(toks: list[Token], head: Token) -> list[Token]:
    idx = {t.i for t in toks}
    lo = hi = head.i
    while lo - 1 in idx:
        lo -= 1
    while hi + 1 in idx:
        hi += 1
    return [head.doc[i] for i in range(lo, hi + 1)]


def _ent_type(toks: Sequence[Token]) -> str:
    for t in toks:
        if t.ent_type_:
            return str(t.ent_type_)
    return ""


def _gender_of(role: str | None) -> str | None:
    words = set((role or "").lower().split())
    if words & {
        "spokeswoman", "congresswoman", "chairwoman", "woman", "mother", "mrs.", "ms.",
        "businesswoman", "girl", "wife", "daughter", "sister",
    }:  # fmt: skip
        return "f"
    if words & {
        "spokesman", "congressman", "chairman", "man", "father", "mr.", "businessman", "boy",
        "husband", "son", "brother",
    }:  # fmt: skip
        return "m"
    return None


def _clean_name(name: str) -> str:
    for det in ("the ", "The "):
        if name.startswith(det):
            name = name[len(det) :]
    for suffix in ("’s", "'s"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    # quotation marks NER took in (NYT writes '' for a quote: "Donald Trump ''doesn't …"), and
    # markup left in scraped text ('">Sanders said', '<a href="…">Dalton said')
    name = name.rsplit(">", 1)[-1].split("<", 1)[0]
    name = re.sub(r"^[^\w]+|[^\w.]+$", "", name)
    return name.strip(" ,.\u201c\u201d\"'\u2018\u2019`")


def _role(head: Token, name_toks: Sequence[Token]) -> str | None:
    """Title before the name in the same phrase, or an apposition after it."""
    first = name_toks[0].i
    lo = head.left_edge.i
    sdoc = head.doc
    for i in range(first - 1, lo - 1, -1):
        if _breaks_line(sdoc[i]):
            lo = i + 1  # a title never comes from the line above ("Share on Twitter\nCNN")
            break
        if sdoc[i].text in DASHES:
            lo = i + 1  # nor from a dateline ("HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green Party …")
            break
    toks = [t for t in sdoc[lo:first] if t.dep_ not in ("det", "punct") and t.pos_ != "DET"]
    while toks and toks[0].tag_ in ("POS", "IN", "CC"):
        toks = toks[1:]
    # "Dr." is how the name is written, not a role: "Dr. Ahmed Karimi, the ministry's chief
    # epidemiologist" is the epidemiologist ("GOP presidential candidate Dr. Ben Carson" a GOP
    # presidential candidate); the courtesy title alone stays where nothing else says more
    courtesy = None
    if toks and toks[-1].lower_ in COURTESY:
        courtesy, toks = toks[-1].text, toks[:-1]
    if toks and any(t.pos_ in ("NOUN", "PROPN") for t in toks):
        return str(sdoc[toks[0].i : toks[-1].i + 1].text).strip()
    for child in head.children:
        if child.dep_ == "relcl" and child.lemma_.lower() in ROLE_VERBS:
            if any(c.dep_ == "nsubj" and c.tag_ == "WP" for c in child.children):
                return _clause_role(child, head)
    for child in head.children:
        if child.dep_ == "appos" and (role := _appos_role(child)):
            return role
    return courtesy


#: A title of courtesy that says no gender: part of how a name is written, no role of its own
#: ("Mr." / "Mrs." / "Ms." stay in the role for the gender they give, and are never shown).
COURTESY = frozenset({"dr.", "dr"})


def _appos_role(child: Token) -> str | None:
    """The role an apposition gives, never an age: "Jake Tompkins, 31," has none; "Maria
    Lopez, 45, a nurse from Tucson," is a nurse from Tucson."""
    if child.like_num or child.pos_ == "NUM":
        for c in child.children:
            if c.dep_ == "appos":
                return _appos_role(c)
        return None
    words = [t for t in child.subtree if t.pos_ != "DET" and t.dep_ != "punct"]
    while words and (words[0].like_num or words[0].pos_ == "NUM"):
        words = words[1:]
    if not words:
        return None
    lo, hi = _whole_names(child.doc, words[0].i, words[-1].i + 1)
    return str(child.doc[lo:hi].text).strip()


#: "X, who leads / heads / founded …": the relative clause says what X is.
ROLE_VERBS = frozenset(
    {
        "lead", "head", "run", "chair", "direct", "found", "co-found", "cofound", "represent",
        "manage", "coordinate", "organise", "organize", "oversee", "command", "edit", "advise",
        "serve", "teach", "spearhead", "helm", "own", "launch", "start", "preside",
    }
)  # fmt: skip
_CLAUSE_STOP = frozenset({",", ";", "—", "–", ".", "(", ")", "!", "?", ":"})


def _clause_role(verb: Token, person: Token) -> str:
    """ "who leads the residents’ group Water For All," → "leads the residents’ group Water
    For All": from the verb to the clause's comma (the parse may hang the name elsewhere)."""
    sdoc = verb.doc
    hi = verb.i + 1
    while (
        hi < len(sdoc)
        and hi - verb.i < 16
        and sdoc[hi].text not in _CLAUSE_STOP
        and sdoc[hi] != person.head
        and not _breaks_line(sdoc[hi - 1])
    ):
        hi += 1
    lo, hi = _whole_names(sdoc, verb.i, hi)
    while hi > lo + 1 and (sdoc[hi - 1].is_punct or sdoc[hi - 1].tag_ in ("IN", "CC")):
        hi -= 1
    return str(sdoc[lo:hi].text).strip()


def _whole_names(sdoc: SpacyDoc, lo: int, hi: int) -> tuple[int, int]:
    """Widen ``[lo, hi)`` so that no name is cut at its end: the rest of an entity the range
    ends inside, and the capitalised words the tagger left off ("Water For All")."""
    while hi < len(sdoc) and sdoc[hi].ent_iob_ == "I" and not _breaks_line(sdoc[hi - 1]):
        hi += 1
    last = sdoc[hi - 1]
    if last.pos_ == "PROPN" or last.ent_type_:
        hi = _extend_name([last])[-1].i + 1
    return lo, hi


def name_words(ent: Any) -> list[str]:
    """A PERSON entity's words without brackets, titles or a possessive: "Bashar] Assad’s"."""
    words = [
        t.text
        for t in ent
        if t.is_alpha and t.tag_ != "POS" and t.lemma_.lower() not in PERSON_NOUNS
    ]
    # "Crooked Hillary Clinton", "Rival Hillary Clinton", "Miss Universe Alicia Machado": an
    # epithet or title NER took into the name stands before a known given name
    while len(words) >= 3 and not is_given_name(words[0]) and is_given_name(words[1]):
        words = words[1:]
    return words if words and words[-1][:1].isupper() else []


def _description(head: Token, chunk: tuple[int, int] | None = None) -> str:
    """Mention text without determiner: "the Chinese diplomat" → "Chinese diplomat". Within the
    source mention ``chunk`` the words after the head stay ("figures published by the city’s
    own auditor", "man in the crowd"): an unnamed speaker is known only by its description."""
    lo, hi = head.left_edge.i, head.i + 1
    if chunk is not None:
        lo = max(lo, chunk[0])
        hi = max(hi, min(chunk[1], head.right_edge.i + 1))
    sdoc = head.doc
    while lo < head.i and (sdoc[lo].pos_ == "DET" or sdoc[lo].is_punct):
        lo += 1
    while hi > head.i + 1 and (sdoc[hi - 1].is_punct or sdoc[hi - 1].tag_ in ("IN", "CC")):
        hi -= 1
    return str(sdoc[lo:hi].text).strip() or str(head.text)


def find_venue(cue: Token) -> str | None:
    """Medium of the statement in the cue's sentence: "in an interview with Press TV",
    "speaking to Syria's Al-Watan newspaper", "told CNN", "wrote in The Washington Post"."""
    sent = cue.sent
    for tok in sent:
        low = tok.lemma_.lower()
        if low in VENUE_NOUNS and tok.head.lower_ in ("in", "during", "on"):
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("with", "to", "on", "in"):
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            return _phrase(obj)
        if low in ("speak", "talk") and tok.pos_ == "VERB":
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("to", "with"):
                    for obj in prep.children:
                        if obj.dep_ == "pobj" and _is_medium(obj):
                            return _phrase(obj)
    if cue.lemma_.lower() == "tell":
        for obj in cue.children:
            if obj.dep_ in ("dobj", "dative") and _is_medium(obj):
                return _phrase(obj)
    for prep in cue.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "on", "to"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.ent_type_ == "ORG":
                    return _phrase(obj)
    return None


def _is_medium(tok: Token) -> bool:
    return tok.ent_type_ in ("ORG", "WORK_OF_ART") or tok.lemma_.lower() in (
        "newspaper",
        "magazine",
        "channel",
        "network",
        "radio",
        "television",
        "station",
        "agency",
        "outlet",
        "daily",
        "reporter",
        "journalist",
    )


def _phrase(tok: Token) -> str:
    lo = tok.left_edge.i
    if tok.doc[lo].pos_ == "DET" and lo < tok.i:
        lo += 1
    return str(tok.doc[lo : tok.i + 1].text).strip()
