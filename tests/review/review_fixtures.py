"""Review test data: one analysed article and two reviewers who reviewed it differently
(:func:`two_reviewers`); the ``store`` fixture is in conftest.py."""

from __future__ import annotations

from spinscope.document import Document, Source, Span
from spinscope.store import Store

TITLE = "Council vote"
BODY = (
    "The mayor called the plan a total disaster. Critics said the budget was reckless and "
    "wasteful. Smith said the city will never surrender."
)
TEXT = f"{TITLE}\n\n{BODY}"


def at(phrase: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``phrase`` in :data:`TEXT`."""
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(phrase, i + 1)
    return i, i + len(phrase)


#: the model's technique spans: (phrase, technique, confidence); the default view shows >= 0.4
MODEL_TECHNIQUES = (
    ("a total disaster", "Loaded_Language", 0.9),  # m1
    ("reckless and wasteful", "Loaded_Language", 0.6),  # m2
    ("will never surrender", "Flag-Waving", 0.5),  # m3
    ("the budget", "Doubt", 0.2),  # m4, hidden by default
)


def key(phrase: str, technique: str) -> str:
    a, b = at(phrase)
    return f"t:{a}:{b}:{technique}"


def analysed_doc(text: str = TEXT) -> Document:
    doc = Document(
        text=text,
        source=Source(path="mem.txt", url=None, kind="text"),
        title=TITLE,
        authors=["Jane Roe"],
        published="2019-03-02",
        outlet="Daily Example",
    )
    b0 = len(TITLE) + 2
    doc.set_layer("regions", [Span(0, len(TITLE), "title"), Span(b0, len(text), "body")])
    quotes = (
        ("the budget was reckless and wasteful", 0, "Critics", "Critics", "q1"),
        ("the city will never surrender", 1, "Smith", "John Smith", "q2"),
    )
    atts = []
    for content, cue_nth, source, speaker, qid in quotes:
        s, e = at(content)
        c0, c1 = at("said", cue_nth)
        s0, s1 = at(source)
        atts.append(
            Span(
                s,
                e,
                "indirect",
                {
                    "id": qid,
                    "cue": {"start": c0, "end": c1, "text": "said"},
                    "source": {"start": s0, "end": s1, "text": source},
                    "speaker": {"name": speaker, "role": None, "type": "person"},
                    "venue": None,
                },
            )
        )
    doc.set_layer("attributions", atts)
    doc.set_layer(
        "techniques",
        [
            Span(*at(p), t, {"confidence": c, "voice": {"kind": "outlet", "attribution": None}})
            for p, t, c in MODEL_TECHNIQUES
        ],
    )
    return doc


def two_reviewers(store: Store) -> str:
    """Store :func:`analysed_doc` and two reviews of it; returns the document id.

    ana: confirms m1, relabels m2 to Name_Calling,Labeling, leaves m3 (shown) and m4 (hidden)
    as they are, adds "the plan" as Loaded_Language; confirms q1, changes q2's speaker to
    "Jane Smith". ben (marks reviewed last): confirms m1, rejects m2, resizes m3 to "never
    surrender", confirms the hidden m4; rejects q1, confirms q2.
    """
    from spinscope.store import review as rv

    doc = analysed_doc()
    store.add(doc)
    d = doc.id
    rv.add_correction(store, d, "ana", "techniques", "confirm", key(*MODEL_TECHNIQUES[0][:2]), {})
    rv.add_correction(
        store,
        d,
        "ana",
        "techniques",
        "relabel",
        key(*MODEL_TECHNIQUES[1][:2]),
        {"technique": "Name_Calling,Labeling"},
    )
    s, e = at("the plan")
    rv.add_correction(
        store, d, "ana", "techniques", "add", None,
        {"start": s, "end": e, "technique": "Loaded_Language"},
    )  # fmt: skip
    rv.add_correction(store, d, "ana", "attributions", "confirm", "a:q1", {})
    rv.add_correction(store, d, "ana", "attributions", "speaker", "a:q2", {"speaker": "Jane Smith"})
    rv.mark_reviewed(store, d, "ana")
    rv.add_correction(store, d, "ben", "techniques", "confirm", key(*MODEL_TECHNIQUES[0][:2]), {})
    rv.add_correction(store, d, "ben", "techniques", "reject", key(*MODEL_TECHNIQUES[1][:2]), {})
    s, e = at("never surrender")
    rv.add_correction(
        store, d, "ben", "techniques", "resize", key(*MODEL_TECHNIQUES[2][:2]),
        {"start": s, "end": e},
    )  # fmt: skip
    rv.add_correction(store, d, "ben", "techniques", "confirm", key(*MODEL_TECHNIQUES[3][:2]), {})
    rv.add_correction(store, d, "ben", "attributions", "reject", "a:q1", {})
    rv.add_correction(store, d, "ben", "attributions", "confirm", "a:q2", {})
    rv.mark_reviewed(store, d, "ben")
    return d
