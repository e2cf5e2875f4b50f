"""A transcript turn is its label's, never the previous speaker's (PolNeAR dev: "WALLACE:"
questions were shown as Mike Pence's words)."""

from __future__ import annotations

from spinscope.document import Document
from spinscope.pipeline import get_pipeline

TEXT = (
    "Sunday on Fox News, Republican vice-presidential nominee Gov. Mike Pence said his running "
    "mate would not invite a guest to the debate.\n\n"
    "Partial transcript as follows:\n\n"
    '"WALLACE: Let\'s start with breaking news on the debate story. Will she be there?"\n\n'
    '"PENCE: Well, look, she will not be attending the debate tomorrow night at all."\n\n'
    '"WALLACE: If I may, sir, do you really see those two things as equivalent?"\n\n'
    '"PENCE: The question really should be why the other campaign invited him."\n'
)


def _turns() -> list[tuple[str, str | None, str | None]]:
    doc = get_pipeline(("clean", "sentences", "attributions"))(Document(text=TEXT))
    return [
        (doc.text[a.start : a.end], a.attrs["speaker"]["name"], a.attrs["speaker"]["role"])
        for a in doc.layer("attributions")
        if ":" in doc.text[a.start : a.start + 12]
    ]


def test_each_turn_is_its_labels() -> None:
    turns = _turns()
    assert len(turns) == 4, turns
    for content, name, role in turns:
        label = content.lstrip('"').split(":")[0]
        if label == "PENCE":
            assert name == "Mike Pence", (content, name)
        else:  # the article names no Wallace: the label as written, no one else's name
            assert name in (None, "WALLACE") and (name or role) == "WALLACE", (content, name)
