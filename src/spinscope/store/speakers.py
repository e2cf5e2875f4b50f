"""Speakers as corpus-level entities: the names of one person (or body) in many articles.

An attribution's ``speaker.name`` is resolved within its article by the attribution analyzer;
the store links it to one row of ``speakers`` for the whole corpus:

* names are cleaned (spacing collapsed, possessive dropped) and keyed: case, diacritics,
  titles ("President", "Sen."), middle initials and suffixes ("Jr.") do not count, so "Donald J.
  Trump", "President Donald Trump" and "Donald Trump's" are one person; a person's key is their
  first and last name ("Daniel Patrick Welch" and "Daniel Welch" are one);
* a surname alone joins the full name with that surname in the same article ("Acosta" after
  "Jim Acosta"), else the only person with that surname in the corpus; when two people share it
  ("Monahan") it stays a speaker of its own — later articles can settle or unsettle this, and
  the store moves those attributions (``resolved`` = ``corpus`` / ``surname``) when they do;
* things that are not entities never become speakers: names that span a line break ("Twitter\\n
  CNN"), pronouns, lower-case descriptions ("officials"), words without letters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Table, delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from spinscope.store import schema as t

K = TypeVar("K")

if TYPE_CHECKING:
    from spinscope.store.store import Store

#: Words dropped from a person's name when keying it (lower case, without final dot).
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
        "president", "vice", "prime", "minister", "secretary", "gov", "governor", "sen",
        "senator", "rep", "representative", "congressman", "congresswoman", "gen", "general",
        "lt", "col", "colonel", "maj", "major", "capt", "captain", "adm", "admiral", "sgt",
        "judge", "justice", "mayor", "rev", "reverend", "father", "pope", "king", "queen",
        "prince", "princess", "chairman", "chairwoman", "chancellor", "ambassador", "attorney",
        "former", "late", "acting", "deputy", "house", "speaker", "leader", "sheikh", "imam",
        "ayatollah", "st", "saint", "pres", "supt", "det", "officer", "chief", "u.s", "us",
        "cardinal", "bishop", "archbishop", "rabbi", "pastor", "airman", "private", "corporal",
        "cpl", "pvt", "sergeant", "lieutenant", "commander", "cmdr", "agent", "sheriff",
    }
)  # fmt: skip
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})
PRONOUNS = frozenset(
    {
        "i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "this",
        "that", "these", "those", "who", "one", "someone", "somebody", "anyone", "everyone",
    }
)  # fmt: skip
LEADING_ARTICLES = ("the ", "a ", "an ")
#: Speaker types that can be corpus entities; "unknown" is the analyzer's unresolved mention.
ENTITY_TYPES = ("person", "organization", "document")
NAME_MAX = 300

_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*\.?", re.UNICODE)


_INNER_POSSESSIVE = re.compile(r"[^\W_](?:['’]s?) ", re.UNICODE)


@functools.lru_cache(maxsize=1)
def common_nouns() -> frozenset[str]:
    """Nouns that describe rather than name ("Officials", "Sources", "President")."""
    from spinscope.attribution import speakers as lex

    extra = {"source", "sources", "officials", "experts", "others", "critics", "head", "another"}
    words = lex.PERSON_NOUNS | lex.ORG_NOUNS | lex.DOCUMENT_NOUNS | lex.GROUP_NOUNS | TITLES
    return frozenset(words | extra | {w + "s" for w in words})


def clean_name(name: str | None, type_: str = "person") -> str | None:
    """The name as shown: spacing collapsed, possessive and edge punctuation dropped; None
    when it is not an entity (see the module docstring)."""
    if not name or type_ not in ENTITY_TYPES:
        return None
    if any(ch in name for ch in "\n\r\u2028\u2029\x0b\x0c"):  # "Twitter\nCNN": two lines
        return None
    s = _SPACE.sub(" ", name).strip(" \t\"'“”‘’,;:()[]")
    s = _POSSESSIVE.sub("", s).strip(" ,;:")
    if not s or not any(ch.isalpha() for ch in s):
        return None
    if "," in s or _INNER_POSSESSIVE.search(s):  # a list, or "Trump’s Stalinist"
        return None
    words = s.split(" ")
    if s.lower() in PRONOUNS or not any(ch.isupper() for ch in s):  # "officials"
        return None
    if len(words) == 1 and _fold(s).rstrip(".") in common_nouns():  # "Officials", "President"
        return None
    if type_ == "person" and not words[-1][:1].isupper():  # "ICE officials", "Chilean judge"
        return None
    return s[:NAME_MAX]


def _fold(word: str) -> str:
    w = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in w if not unicodedata.combining(ch)).replace("’", "'")


@dataclass(frozen=True)
class Key:
    """How a speaker's name is matched across the corpus."""

    key: str
    #: Last name of a person (full name or surname alone); None for other kinds of speaker.
    surname: str | None
    #: Whether the key is a surname alone (to be joined to a full name when unambiguous).
    surname_only: bool = False


def person_tokens(name: str) -> list[str]:
    """A person's name words without titles, initials and suffixes (folded)."""
    words = [_fold(w).rstrip(".") for w in _TOKEN.findall(name)]
    words = [w for w in words if w]
    # Titles only in front ("President Donald Trump"; "Sen. Ted Cruz"), never the last word.
    while len(words) > 1 and words[0] in TITLES:
        words.pop(0)
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    core = [w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and len(w) == 1)]
    return core or words


def key_of(name: str, type_: str) -> Key:
    """The matching key of a cleaned name (see :func:`clean_name`)."""
    if type_ == "person":
        words = person_tokens(name)
        if len(words) >= 2:
            return Key(f"{words[0]} {words[-1]}", words[-1])
        if words:
            return Key(words[0], words[0], surname_only=True)
    low = " ".join(_fold(w) for w in name.split())
    for art in LEADING_ARTICLES:
        if low.startswith(art) and len(low) > len(art):
            low = low[len(art) :]
    return Key(low.strip(".")[:NAME_MAX], None)


def display_name(name: str, type_: str) -> str:
    """The entity's name as listed: a person's full name without leading titles ("Donald
    Trump" for "President Donald Trump"); a surname keeps its title ("Gen. Smith")."""
    if type_ != "person":
        return name
    words = name.split(" ")
    while len(words) > 2 and _fold(words[0]).rstrip(".") in TITLES:
        words.pop(0)
    return " ".join(words)


@dataclass
class Mention:
    """One attribution's speaker, resolved as far as its own article allows."""

    variant: str  # the cleaned name as written
    type: str
    key: Key  # the mention's own key ("trump" for "Trump")
    target: Key  # the key it joins within the article ("donald trump")
    target_name: str  # display name of that entity
    resolved: str  # "name" | "document" | "pending" (a surname for the corpus to settle)


def resolve_in_document(speakers: list[dict[str, Any] | None]) -> list[Mention | None]:
    """Per attribution speaker (``{"name", "type"}``), its mention or None (not an entity).

    A surname alone, or a one-word organisation that is the surname of a person named in full
    in this article (spaCy often types "Fastiggi" as ORG), joins that person when exactly one
    such person is named here; a first name alone likewise ("Jeff" beside "Jeff Sessions").
    """
    cleaned: list[tuple[str, str, Key] | None] = []
    for sp in speakers:
        sp = sp or {}
        type_ = str(sp.get("type") or "unknown")
        name = clean_name(sp.get("name"), type_)
        cleaned.append((name, type_, key_of(name, type_)) if name else None)
    full: dict[str, tuple[Key, str]] = {}
    words_of: dict[str, set[tuple[str, ...]]] = {}  # full key → the word lists it was named by
    for c in cleaned:
        if c and c[1] == "person" and not c[2].surname_only:
            full.setdefault(c[2].key, (c[2], display_name(c[0], "person")))
            words_of.setdefault(c[2].key, set()).add(tuple(person_tokens(c[0])))
    by_last: dict[str, list[str]] = {}
    by_first: dict[str, list[str]] = {}
    for k in full:
        first, last = k.split(" ", 1)[0], k.rsplit(" ", 1)[-1]
        by_last.setdefault(last, []).append(k)
        by_first.setdefault(first, []).append(k)
    out: list[Mention | None] = []
    for c in cleaned:
        if c is None:
            out.append(None)
            continue
        name, type_, key = c
        single = key.surname_only or (type_ == "organization" and " " not in key.key)
        if single:
            word = key.key
            hits = by_last.get(word, [])
            if len(hits) != 1 and not by_last.get(word):
                hits = by_first.get(word, [])
            if len(hits) == 1:
                person, disp = full[hits[0]]
                own = key_of(name, "person")
                out.append(Mention(name, "person", own, person, disp, "document"))
                continue
        if type_ == "person" and not key.surname_only:
            # A compound surname alone ("Wasserman Schultz" after "Debbie Wasserman Schultz").
            mine = tuple(person_tokens(name))
            longer = [
                k
                for k, forms in words_of.items()
                if k != key.key
                and any(len(f) > len(mine) and f[-len(mine) :] == mine for f in forms)
            ]
            if len(longer) == 1:
                person, disp = full[longer[0]]
                out.append(Mention(name, "person", key, person, disp, "document"))
                continue
        resolved = "pending" if key.surname_only else "name"
        out.append(Mention(name, type_, key, key, display_name(name, type_), resolved))
    return out


class SpeakerLinker:
    """Links a document's attributions to corpus speakers inside the store's write transaction,
    and moves surname-only attributions when a new person settles or unsettles a surname."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        #: Entity names whose statistics must be recomputed (moves between entities).
        self.touched: set[str] = set()
        self._new_surnames: set[str] = set()

    def entity(self, key: Key, type_: str, name: str) -> int:
        sp = t.speakers
        where = (sp.c.key == key.key) & (sp.c.type == type_)
        seq = self.conn.execute(select(sp.c.seq).where(where)).scalar()
        if seq is not None:
            return int(seq)
        ins = (postgresql.insert if self.conn.dialect.name == "postgresql" else sqlite.insert)(sp)
        # The display name is unique per type; a clash (same letters, another key) gets the key.
        taken = self.conn.execute(
            select(sp.c.seq).where(sp.c.name == name, sp.c.type == type_)
        ).scalar()
        self.conn.execute(
            ins.values(
                name=(f"{name} ({key.key})" if taken is not None else name)[:NAME_MAX],
                type=type_,
                key=key.key,
                surname=key.surname,
            ).on_conflict_do_nothing()
        )
        if type_ == "person" and key.surname and not key.surname_only:
            self._new_surnames.add(key.surname)
        return int(self.conn.execute(select(sp.c.seq).where(where)).scalar_one())

    def _full_people(self, surname: str) -> list[int]:
        sp = t.speakers
        return list(
            self.conn.execute(
                select(sp.c.seq).where(
                    sp.c.type == "person", sp.c.surname == surname, sp.c.key != surname
                )
            ).scalars()
        )

    def link(self, mention: Mention) -> tuple[int, str]:
        """The speaker row of one mention and how it was resolved."""
        if mention.resolved == "pending":
            assert mention.key.surname is not None
            people = self._full_people(mention.key.surname)
            if len(people) == 1:
                return people[0], "corpus"
            return self.entity(mention.key, "person", mention.target_name), "surname"
        return self.entity(mention.target, mention.type, mention.target_name), mention.resolved

    def settle(self) -> None:
        """After a document's links: surnames whose set of full-name people changed."""
        for surname in sorted(self._new_surnames):
            self._settle(surname)
        self._new_surnames.clear()

    def _settle(self, surname: str) -> None:
        at, sp = t.attributions, t.speakers
        people = self._full_people(surname)
        alone = self.conn.execute(
            select(sp.c.seq, sp.c.name).where(
                sp.c.type == "person", sp.c.key == surname, sp.c.surname == surname
            )
        ).first()
        if len(people) == 1:  # the surname now names one person: its statements join them
            if alone is None:
                return
            moved = self.conn.execute(
                update(at)
                .where(at.c.speaker_seq == alone.seq, at.c.resolved == "surname")
                .values(speaker_seq=people[0], resolved="corpus")
            ).rowcount
            if moved:
                self.touched.update([alone.name, self.name_of(people[0])])
            left = self.conn.execute(
                select(func.count()).select_from(at).where(at.c.speaker_seq == alone.seq)
            ).scalar_one()
            if not left:
                self.conn.execute(delete(sp).where(sp.c.seq == alone.seq))
        elif len(people) >= 2:  # ambiguous now: corpus-level guesses go back to the surname
            back = list(
                self.conn.execute(
                    select(at.c.seq, at.c.speaker_seq).where(
                        at.c.speaker_key == surname,
                        at.c.resolved == "corpus",
                        at.c.speaker_seq.in_(people),
                    )
                )
            )
            if not back:
                return
            key = Key(surname, surname, surname_only=True)
            target = self.entity(key, "person", surname.title() if alone is None else alone.name)
            self.conn.execute(
                update(at)
                .where(at.c.seq.in_([r.seq for r in back]))
                .values(speaker_seq=target, resolved="surname")
            )
            self.touched.add(self.name_of(target))
            self.touched.update(self.name_of(int(r.speaker_seq)) for r in back)

    def name_of(self, seq: int) -> str:
        return str(
            self.conn.execute(select(t.speakers.c.name).where(t.speakers.c.seq == seq)).scalar_one()
        )


def recount(conn: Connection, names: set[str]) -> None:
    """Recompute the ``speaker`` rows of ``stat_counts`` for these names from the spans."""
    if not names:
        return
    sc, tech, at, sp = t.stat_counts, t.techniques, t.attributions, t.speakers
    ordered = sorted(names)
    conn.execute(delete(sc).where(sc.c.dimension == "speaker", sc.c.grp.in_(ordered)))
    rows = conn.execute(
        select(
            sp.c.name,
            tech.c.technique,
            func.count(),
            func.count(tech.c.document_seq.distinct()),
        )
        .select_from(
            tech.join(at, at.c.seq == tech.c.attribution_seq).join(sp, sp.c.seq == at.c.speaker_seq)
        )
        .where(sp.c.name.in_(ordered))
        .group_by(sp.c.name, tech.c.technique)
    ).all()
    if rows:
        conn.execute(
            sc.insert(),
            [
                {"dimension": "speaker", "grp": n, "technique": tq, "spans": k, "documents": d}
                for n, tq, k, d in rows
            ],
        )


def is_statement(at: Table = t.attributions) -> ColumnElement[bool]:
    """Whether a row of ``at`` (``attributions`` or an alias of it) is a statement of its own:
    not a further piece of a statement of the same speaker (``continues_seq``, migration 0008:
    "“…,” she said. “…”" is one statement in two rows; the upgrade to 0008 fills it for the
    documents already stored, from their JSON)."""
    head = t.attributions.alias("continued")
    return ~exists().where(
        head.c.seq == at.c.continues_seq,
        head.c.speaker_seq.is_not_distinct_from(at.c.speaker_seq),
    )


def unresolved_statements(conn: Connection) -> int:
    """Stored statements whose speaker the article does not settle (no name shown: a pronoun
    or description kept as written). They never become corpus speakers (issue 21). A statement
    in pieces counts once (:func:`is_statement`)."""
    at = t.attributions
    q = select(func.count()).select_from(at).where(at.c.speaker_seq.is_(None), is_statement(at))
    return int(conn.execute(q).scalar_one())


# -- reviewed articles, corrected speakers (issue 25) --------------------------------------


def speaker_for_name(conn: Connection, name: str) -> tuple[int | None, str]:
    """The corpus speaker a reviewer's typed name is (``(id, name)``): matched by key as the
    store links names (titles, middle initials and case do not count; a surname alone is the
    one person of the corpus with it); else ``(None, the name as listed)``."""
    sp = t.speakers
    for type_ in ENTITY_TYPES:
        cleaned = clean_name(name, type_)
        if not cleaned:
            continue
        key = key_of(cleaned, type_)
        if key.surname_only and key.surname:
            people = conn.execute(
                select(sp.c.seq, sp.c.name).where(
                    sp.c.type == "person", sp.c.surname == key.surname, sp.c.key != key.key
                )
            ).all()
            if len(people) == 1:
                return int(people[0].seq), str(people[0].name)
        row = conn.execute(
            select(sp.c.seq, sp.c.name)
            .where(sp.c.key == key.key)
            .order_by((sp.c.type != type_), sp.c.seq)
            .limit(1)
        ).first()
        if row is not None:
            return int(row.seq), str(row.name)
        return None, display_name(cleaned, type_)
    return None, " ".join(name.split())[:NAME_MAX]


def corrected_speakers_of(
    conn: Connection, layers: list[dict[str, Any]]
) -> dict[tuple[int, str], tuple[int | None, str]]:
    """Corpus speakers of corrected statements: for :func:`spinscope.store.review.
    corrected_corpus` items (with ``seq``), ``(document seq, statement key) → (speaker id or
    None, name)``. A model statement whose speaker the reviewer kept keeps the store's link;
    a changed or added one is matched by :func:`speaker_for_name`. Statements without a
    speaker (unresolved, or not an entity) are absent."""
    at, sp = t.attributions, t.speakers
    seqs = sorted({int(doc["seq"]) for doc in layers})
    linked: dict[tuple[int, str], tuple[int, str]] = {}
    for i in range(0, len(seqs), 500):
        q = (
            select(at.c.document_seq, at.c.attribution_id, sp.c.seq, sp.c.name)
            .select_from(at.join(sp, sp.c.seq == at.c.speaker_seq))
            .where(at.c.document_seq.in_(seqs[i : i + 500]))
        )
        for r in conn.execute(q):
            linked[(int(r[0]), str(r[1]))] = (int(r[2]), str(r[3]))
    out: dict[tuple[int, str], tuple[int | None, str]] = {}
    typed: dict[str, tuple[int | None, str]] = {}
    for doc in layers:
        seq = int(doc["seq"])
        for a in doc["attributions"]:
            name = a.get("speaker")
            if a.get("attribution_id") is not None and name == a.get("model_speaker"):
                hit = linked.get((seq, str(a["attribution_id"])))
                if hit is not None:
                    out[(seq, a["key"])] = hit
                continue
            if not name:
                continue
            if name not in typed:
                typed[name] = speaker_for_name(conn, name)
            out[(seq, a["key"])] = typed[name]
    return out


def _statement_index(
    store: Store, reviewer: str | None
) -> tuple[list[dict[str, Any]], dict[tuple[int, str], tuple[int | None, str]], dict[int, str]]:
    """(corrected layers of the reviewed documents, their statements' speakers, speaker id →
    type)."""
    from spinscope.store.review import corrected_corpus

    layers = list(corrected_corpus(store, reviewer))
    with store.engine.connect() as conn:
        who = corrected_speakers_of(conn, layers)
        ids = sorted({i for i, _ in who.values() if i is not None})
        types: dict[int, str] = {}
        for k in range(0, len(ids), 500):
            q = select(t.speakers.c.seq, t.speakers.c.type).where(
                t.speakers.c.seq.in_(ids[k : k + 500])
            )
            types.update((int(a), str(b)) for a, b in conn.execute(q))
    return layers, who, types


def statement_of_piece(
    doc: dict[str, Any], who: dict[tuple[int, str], tuple[int | None, str]]
) -> dict[str, str]:
    """In one corrected document (a :func:`spinscope.store.review.corrected_corpus` item), the
    key of each further piece of a statement → the key of that statement: a row that
    ``continues`` a row with the same corrected speaker (as :func:`is_statement` for the
    store's rows); a piece of a piece belongs to the first piece's statement."""
    seq = int(doc["seq"])
    return chain_heads(
        {
            str(a["key"]): str(a["continues"])
            for a in doc["attributions"]
            if a.get("continues") is not None
            and who.get((seq, str(a["continues"]))) == who.get((seq, str(a["key"])))
        }
    )


def chain_heads(parent: Mapping[K, K]) -> dict[K, K]:
    """Each key of ``parent`` (a piece → the row it continues) → the first row of its chain:
    a piece of a piece belongs to the first piece's statement."""
    out: dict[K, K] = {}
    for key, head in parent.items():
        for _ in range(len(parent)):
            if head not in parent:
                break
            head = parent[head]
        out[key] = head
    return out


def short_text(s: str, width: int) -> str:
    """``s`` on one line, cut to ``width`` characters with an ellipsis."""
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def corrected_speakers(
    store: Store,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
    reviewer: str | None = None,
) -> dict[str, Any]:
    """Speakers of the reviewed documents' corrected statements (as ``Store.speakers``, most
    statements first; ``q``: every word in the name): ``{"total", "items": [{"id" (None for
    a name no stored article gives), "name", "type", "statements", "documents"}],
    "unresolved", "documents", "labels": "corrected"}``."""
    from spinscope.store.store import query_terms

    layers, who, types = _statement_index(store, reviewer)
    counts: dict[tuple[int | None, str], tuple[int, set[int]]] = {}
    unresolved = 0
    for doc in layers:
        seq = int(doc["seq"])
        pieces = statement_of_piece(doc, who)
        for a in doc["attributions"]:
            if a["key"] in pieces:  # a statement in pieces counts once
                continue
            hit = who.get((seq, a["key"]))
            if hit is None:
                unresolved += 1
                continue
            n, docs = counts.get(hit, (0, set()))
            docs.add(seq)
            counts[hit] = (n + 1, docs)
    terms = [w.lower() for w in query_terms(q or "")[:8]]
    items: list[dict[str, Any]] = [
        {
            "id": sid,
            "name": name,
            "type": types.get(sid) if sid is not None else None,
            "statements": n,
            "documents": len(docs),
        }
        for (sid, name), (n, docs) in counts.items()
        if all(w in name.lower() for w in terms)
    ]
    items.sort(key=lambda i: (-int(i["statements"]), str(i["name"]), int(i["id"] or 0)))
    limit, offset = max(0, min(limit, 500)), max(0, offset)
    return {
        "total": len(items),
        "items": items[offset : offset + limit],
        "unresolved": unresolved,
        "documents": len(layers),
        "labels": "corrected",
    }


def corrected_speaker(
    store: Store, speaker_id: int, limit: int = 200, reviewer: str | None = None
) -> dict[str, Any] | None:
    """One corpus speaker over the reviewed documents, from the corrected statements (the
    shape of ``Store.speaker``, with ``"labels": "corrected"`` and ``"reviewed_documents"``);
    None when there is no such speaker."""
    sp, at, docs = t.speakers, t.attributions, t.documents
    with store.engine.connect() as conn:
        head = conn.execute(
            select(sp.c.seq, sp.c.name, sp.c.type).where(sp.c.seq == speaker_id)
        ).first()
    if head is None:
        return None
    layers, who, _types = _statement_index(store, reviewer)
    mine: list[tuple[dict[str, Any], dict[str, Any]]] = []
    #: the further pieces of a statement of theirs: (document seq, statement key) → rows
    pieces: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for doc in layers:
        piece_of = statement_of_piece(doc, who)
        for a in doc["attributions"]:
            hit = who.get((int(doc["seq"]), a["key"]))
            if hit is None or hit[0] != speaker_id:
                continue
            if a["key"] in piece_of:
                pieces.setdefault((int(doc["seq"]), piece_of[a["key"]]), []).append(a)
            else:
                mine.append((doc, a))
    seqs = sorted({int(d["seq"]) for d, _ in mine})
    info: dict[int, Any] = {}
    #: the model row's role, kind, cue and venue (a correction changes the speaker, not these)
    model_rows: dict[tuple[int, str], tuple[Any, Any, Any, Any]] = {}
    with store.engine.connect() as conn:
        for k in range(0, len(seqs), 500):
            chunk = seqs[k : k + 500]
            for r in conn.execute(
                select(
                    docs.c.seq,
                    docs.c.id,
                    docs.c.title,
                    docs.c.published,
                    docs.c.text,
                    t.outlets.c.name.label("outlet"),
                )
                .select_from(docs.outerjoin(t.outlets, t.outlets.c.seq == docs.c.outlet_seq))
                .where(docs.c.seq.in_(chunk))
            ):
                info[int(r.seq)] = r
            for d, aid, role, kind, cue, venue in conn.execute(
                select(
                    at.c.document_seq,
                    at.c.attribution_id,
                    at.c.role,
                    at.c.kind,
                    at.c.cue_text,
                    at.c.venue,
                ).where(at.c.document_seq.in_(chunk))
            ):
                model_rows[(int(d), str(aid))] = (role, kind, cue, venue)
    story_of = store.story_of()
    voiced: dict[str, tuple[int, set[int]]] = {}
    statements: list[dict[str, Any]] = []
    order: list[tuple[str, int, int]] = []
    once: set[tuple[int, str]] = set()
    variants: dict[str, int] = {}
    role_seen: dict[str, list[Any]] = {}

    def voice_spans(doc: dict[str, Any], key: str, text: str) -> list[dict[str, Any]]:
        """The technique spans in the voice of row ``key`` (counted in ``voiced``)."""
        spans = []
        for tech in doc["techniques"]:
            if tech["attribution"] != key:
                continue
            n, ds = voiced.get(tech["technique"], (0, set()))
            ds.add(int(doc["seq"]))
            voiced[tech["technique"]] = (n + 1, ds)
            spans.append(
                {
                    "technique": tech["technique"],
                    "confidence": tech["confidence"],
                    "text": short_text(text[tech["start"] : tech["end"]], 200),
                }
            )
        return spans

    for doc, a in mine:
        seq = int(doc["seq"])
        r = info[seq]
        text = str(r.text)
        content = text[a["content"]["start"] : a["content"]["end"]]
        once.add((story_of.get(seq, seq), " ".join(content.split())))
        variants[a["speaker"]] = variants.get(a["speaker"], 0) + 1
        model_role, kind, cue, venue = (
            model_rows.get((seq, str(a["attribution_id"])), (None, None, None, None))
            if a["attribution_id"] is not None
            else (None, None, None, None)
        )
        # the role is the model speaker's: not the corrected speaker's
        role = model_role if a["speaker"] == a["model_speaker"] else None
        if role:
            seen = role_seen.setdefault(role, [r.published, r.published, 0])
            if r.published:
                seen[0] = min(x for x in (seen[0], r.published) if x)
                seen[1] = max(x for x in (seen[1], r.published) if x)
            seen[2] += 1
        spans = voice_spans(doc, a["key"], text)
        continued = [
            {
                "attribution": p["attribution_id"] or p["key"],
                "cue": model_rows.get((seq, str(p["attribution_id"])), (None,) * 4)[2],
                "text": short_text(text[p["content"]["start"] : p["content"]["end"]], 500),
                "techniques": voice_spans(doc, p["key"], text),
            }
            for p in sorted(pieces.get((seq, a["key"]), []), key=lambda p: p["content"]["start"])
        ]
        statements.append(
            {
                "document": {
                    "id": r.id,
                    "title": r.title,
                    "outlet": r.outlet,
                    "published": r.published,
                },
                "attribution": a["attribution_id"] or a["key"],
                "kind": kind,
                "as": a["speaker"],
                "linked": a["status"],
                "cue": cue,
                "role": role,
                "venue": venue,
                "text": short_text(content, 500),
                "techniques": spans,
                "continued": continued,
            }
        )
        order.append((str(r.published or ""), seq, int(a["content"]["start"])))
    # newest first (date, then the latest stored), in text order within an article
    ranked = sorted(range(len(statements)), key=lambda i: order[i][2])
    ranked.sort(key=lambda i: order[i][:2], reverse=True)
    statements = [statements[i] for i in ranked]
    return {
        "id": head.seq,
        "name": head.name,
        "type": head.type,
        "variants": [
            {"name": n, "mentions": k}
            for n, k in sorted(variants.items(), key=lambda x: (-x[1], x[0]))
        ],
        "documents": len(seqs),
        "stories": len({story_of.get(s, s) for s in seqs}),
        "statements_total": len(mine),
        "statements_once": len(once),
        "techniques": [
            {"technique": k, "spans": n, "documents": len(ds)}
            for k, (n, ds) in sorted(voiced.items(), key=lambda x: (-x[1][0], x[0]))
        ],
        "roles": [
            {"role": k, "first": v[0], "last": v[1], "statements": v[2]}
            for k, v in sorted(role_seen.items(), key=lambda x: (x[1][0] or "", x[0]))
        ],
        "statements": statements[: max(0, min(limit, 1000))],
        "labels": "corrected",
        "reviewed_documents": len(layers),
    }
