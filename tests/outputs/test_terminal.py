"""Terminal rendering: markup in article text is printed literally; layers are shown."""

from __future__ import annotations

from rich.console import Console

from spinscope.clean import Cleaner
from spinscope.document import Document, Source, Span
from spinscope.outputs.terminal import render


def _render(doc: Document) -> str:
    console = Console(record=True, width=120, color_system=None)
    render(doc, console)
    return console.export_text()


def test_markup_in_article_is_escaped_and_layers_are_listed() -> None:
    text = (
        "[bold red]Fake[/] headline\n\nBy Ann Lee\n\n"
        "The mayor said the plan was a [link=x]disgraceful[/link] betrayal.\n\nBack to top\n"
    )
    doc = Cleaner()(Document(text=text, source=Source(path="a.txt")))
    start = text.index("disgraceful")
    doc.set_layer("techniques", [Span(start, start + 11, "Loaded_Language", {"confidence": 0.87})])
    body = next(r for r in doc.regions if r.label == "body")
    doc.set_layer(
        "attributions",
        [
            Span(
                body.start,
                body.end,
                "indirect",
                {
                    "id": "a1",
                    "cue": {"start": 0, "end": 0, "text": "said"},
                    "source": {"start": body.start, "end": body.start + 9},
                    "speaker": {"name": "Mayor Jo Park", "role": "mayor", "type": "person"},
                    "venue": None,
                },
            )
        ],
    )
    out = _render(doc)
    assert "[bold red]Fake[/] headline" in out
    assert "[link=x]disgraceful[1][/link] betrayal" in out
    assert "Loaded_Language" in out and "0.87" in out
    assert "Mayor Jo Park" in out and "said" in out
    assert "Back to top" in out and "Set aside" in out
