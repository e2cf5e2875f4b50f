"""Terminal rendering: markup in article text is printed literally; layers are shown."""

from __future__ import annotations

from rich.console import Console

from spinscope.clean import Cleaner
from spinscope.document import Document, Source, Span
from spinscope.outputs.terminal import _short, render


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
    assert "[link=x][1›disgraceful‹1][/link] betrayal" in out
    assert "Loaded_Language" in out and "0.87" in out
    assert "Mayor Jo Park" in out and "said" in out
    assert "Back to top" in out and "Set aside" in out


ARTICLE = (
    "Fake outrage grips the capital\n\nBy Ann Lee\n\n"
    "Critics said the mayor had been wreaking havoc on the city for years, a claim he denied. "
    "“This is a total and utter disgrace to the people of this proud city,” the councillor said.\n"
)


def _doc(techniques: list[tuple[str, str, str | None]]) -> Document:
    """The article, cleaned, with technique spans at phrases (voice: an attribution id)."""
    doc = Cleaner()(Document(text=ARTICLE, source=Source(path="a.txt")))
    quote_start = ARTICLE.index("“")
    quote_end = ARTICLE.index("”") + 1
    cue = ARTICLE.index("the councillor said")
    doc.set_layer(
        "attributions",
        [
            Span(
                quote_start,
                quote_end,
                "direct",
                {
                    "id": "a11",
                    "cue": {"start": cue, "end": cue + 19, "text": "said"},
                    "source": {"start": cue, "end": cue + 14},
                    "speaker": {"name": "Jo Park", "role": "councillor", "type": "person"},
                    "venue": None,
                },
            )
        ],
    )
    spans = []
    for phrase, tech, who in techniques:
        start = ARTICLE.index(phrase)
        voice = {"kind": "attributed" if who else "outlet", "attribution": who}
        spans.append(Span(start, start + len(phrase), tech, {"confidence": 0.8, "voice": voice}))
    doc.set_layer("techniques", spans)
    return doc


def _out(doc: Document, width: int = 100, colour: bool = False) -> str:
    console = Console(
        record=True,
        width=width,
        color_system="256" if colour else None,
        force_terminal=colour,
    )
    render(doc, console)
    return console.export_text(styles=colour)


def test_multi_word_spans_show_where_they_start_and_end_without_colour() -> None:
    doc = _doc(
        [
            ("wreaking havoc on the city", "Loaded_Language", None),
            ("havoc", "Exaggeration,Minimisation", None),  # nested inside the first
            ("a total and utter disgrace", "Loaded_Language", "a11"),
        ]
    )
    out = _out(doc)
    assert "[1›wreaking [2›havoc‹2] on the city‹1]" in out
    assert "[3›a total and utter disgrace‹3]" in out
    assert "\x1b" not in out  # plain: no colour codes at all


def test_spans_in_the_title_are_marked_too() -> None:
    out = _out(_doc([("Fake outrage", "Loaded_Language", None)]))
    assert out.splitlines()[0].startswith("[1›Fake outrage‹1] grips the capital")


def test_legend_names_each_technique_and_its_colour() -> None:
    doc = _doc(
        [
            ("wreaking havoc", "Loaded_Language", None),
            ("proud city", "Flag-Waving", "a11"),
        ]
    )
    plain = _out(doc)
    assert "[n› … ‹n] marks where technique span n" in plain
    assert "• Flag-Waving: Playing on strong national" in plain
    assert "• Loaded_Language: Using words" in plain
    ansi = _out(doc, colour=True)
    for phrase, name in (("wreaking havoc", "Loaded_Language"), ("proud city", "Flag-Waving")):
        in_text = ansi[: ansi.index(phrase)].rsplit("\x1b[", 1)[1]  # the SGR right before it
        swatch = (
            ansi[: ansi.index(f"\x1b[1m{name}")].rsplit("■■", 1)[0].rsplit("\x1b[", 1)[1].rstrip()
        )
        assert in_text == swatch, name
    sgr = {ansi[: ansi.index(p)].rsplit("\x1b[", 1)[1] for p in ("wreaking havoc", "proud city")}
    assert len(sgr) == 2  # two techniques, two colours


def test_no_internal_ids_and_whose_words_are_named() -> None:
    out = _out(_doc([("a total and utter disgrace", "Loaded_Language", "a11")]))
    assert "a11" not in out
    row = next(line for line in out.splitlines() if line.startswith("│ 1 │"))
    assert "Jo Park" in row and "a total and utter disgrace" in row


def test_technique_names_are_never_cut() -> None:
    doc = _doc(
        [
            ("wreaking havoc", "Whataboutism,Straw_Men,Red_Herring", None),
            ("proud city", "Bandwagon,Reductio_ad_hitlerum", "a11"),
        ]
    )
    for width in (80, 100, 120):
        out = _out(doc, width=width)
        rows = [line for line in out.splitlines() if line.startswith("│ ")]
        assert any("Whataboutism,Straw_Men,Red_Herring" in r for r in rows), width
        assert any("Bandwagon,Reductio_ad_hitlerum" in r for r in rows), width
        assert "…" not in "".join(r.split("│")[2] for r in rows if r.count("│") > 3)


def test_long_quotes_are_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    words = " ".join(f"word{i:03d}" for i in range(100))  # 799 characters
    short = _short(words, 160)
    assert short.endswith("…") and len(short) <= 160
    assert short[:-1].split(" ")[-1] in words.split(" ")  # a whole word before the ellipsis
    assert _short("short enough", 160) == "short enough"
    # one long word: cut inside it, never inside a character (family emoji, flags, accents)
    for unit in ("👨‍👩‍👧", "🇸🇾", "é", "👍🏽"):
        cut = _short(unit * 200, 50)
        body = cut[:-1]
        assert cut.endswith("…") and body and len(body) % len(unit) == 0, unit
        assert body == unit * (len(body) // len(unit))


def test_control_characters_in_the_article_never_reach_the_terminal() -> None:
    text = "Headline\n\nBy Ann Lee\n\nThe mayor \x1b[2J\x1b]0;pwned\x07 said it was fine.\n"
    doc = Cleaner()(Document(text=text, source=Source(path="evil\x1b[31m.txt")))
    out = _out(doc)
    assert "\x1b" not in out and "\x07" not in out
    assert "␛[2J␛]0;pwned␇" in out


def test_unnamed_speaker_is_shown_by_its_description() -> None:
    text = "Headline\n\nA decision opponents called a shameful betrayal of every family.\n"
    doc = Cleaner()(Document(text=text, source=Source(path="a.txt")))
    src = text.index("opponents")
    content = text.index("a shameful")
    doc.set_layer(
        "techniques",
        [
            Span(
                content,
                content + 18,
                "Loaded_Language",
                {"confidence": 0.6, "voice": {"kind": "attributed", "attribution": "a1"}},
            )
        ],
    )
    doc.set_layer(
        "attributions",
        [
            Span(
                content,
                text.index(" of every"),
                "indirect",
                {
                    "id": "a1",
                    "cue": {"start": src + 10, "end": src + 16, "text": "called"},
                    "source": {"start": src, "end": src + 9},
                    "speaker": {"name": None, "role": "opponents", "type": "person"},
                    "venue": None,
                },
            )
        ],
    )
    out = _render(doc)
    assert "unknown" not in out and "an unnamed source" not in out
    assert "opponents (unnamed, person)" in out
    techniques_table = out[out.index("whose words") :]
    assert "opponents" in techniques_table.split("Who said what")[0]


def test_a_row_that_continues_a_statement_says_so() -> None:
    text = "Headline\n\n“We will win this fight,” Ana Ruiz said. “And we will win it big.”\n"
    doc = Cleaner()(Document(text=text, source=Source(path="a.txt")))
    src = text.index("Ana Ruiz")
    spk = {"name": "Ana Ruiz", "role": None, "type": "person"}
    first = {"id": "a1", "cue": None, "source": {"start": src, "end": src + 8}, "speaker": spk}
    q2 = text.index("“And")
    doc.set_layer(
        "attributions",
        [
            Span(text.index("“We"), src - 1, "direct", first),
            Span(q2, text.index("big.”") + 5, "direct", {**first, "id": "a2", "continues": "a1"}),
        ],
    )
    table = _render(doc).split("Who said what")[1]
    assert table.count("Ana Ruiz") == 1  # the speaker once, on the statement's first row
    assert "↳ same statement" in table and "… “And we will win it big.”" in table
