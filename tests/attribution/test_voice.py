from spinscope.attribution.voice import VoiceAssigner
from spinscope.document import Document, Span


def _doc() -> Document:
    text = "The outlet says terrible things. He said “a disgraceful, shameful act” today."
    doc = Document(text)
    outer = text.index("“")
    inner = text.index("shameful")
    doc.set_layer(
        "attributions",
        [
            Span(outer, text.index("today") - 1, "direct", {"id": "a1"}),
            Span(inner, inner + len("shameful act"), "direct", {"id": "a2"}),
        ],
    )
    doc.set_layer(
        "techniques",
        [
            Span(16, 24, "Loaded_Language", {"confidence": 0.9}),
            Span(outer + 3, outer + 13, "Loaded_Language", {"confidence": 0.8}),
            Span(inner, inner + 8, "Loaded_Language", {"confidence": 0.7}),
        ],
    )
    return doc


def test_voice_outlet_attributed_and_innermost() -> None:
    doc = VoiceAssigner()(_doc())
    voices = [t.attrs["voice"] for t in doc.layer("techniques")]
    assert voices[0] == {"kind": "outlet", "attribution": None}
    assert voices[1] == {"kind": "attributed", "attribution": "a1"}
    assert voices[2] == {"kind": "attributed", "attribution": "a2"}
    assert doc.layer("techniques")[0].attrs["confidence"] == 0.9


def test_voice_without_techniques_is_noop() -> None:
    doc = Document("Nothing here.")
    assert VoiceAssigner()(doc).layer("techniques") == []


def test_voice_round_trips_json() -> None:
    doc = VoiceAssigner()(_doc())
    back = Document.from_json(doc.to_json())
    assert [t.attrs["voice"] for t in back.layer("techniques")] == [
        t.attrs["voice"] for t in doc.layer("techniques")
    ]
