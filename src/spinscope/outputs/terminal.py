"""The article as a reader should see it, in the terminal (rich).

Every technique span is marked where it starts and where it ends, ``[3›wreaking havoc‹3]``, with
or without colour, in the title as in the body; the number is its row in the techniques table.
With colour, each technique has its own background, and a legend says which is which.

Article text is hostile: it is only ever put into :class:`rich.text.Text` objects (never into
markup strings), so brackets like ``[bold]`` in an article are printed literally, and control
characters (ESC sequences that would recolour, retitle or rewrite the terminal) are shown as
visible symbols (``␛``) instead of being sent to the terminal.
"""

from __future__ import annotations

import unicodedata

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from spinscope.document import Document, Span

#: Background per technique, in the order of ``spinscope.techniques.labels.TECHNIQUES`` (the
#: chart order); dark enough for the default light foreground.
_STYLES = {
    "Appeal_to_Authority": "white on dark_blue",
    "Appeal_to_fear-prejudice": "white on dark_red",
    "Bandwagon,Reductio_ad_hitlerum": "white on dark_magenta",
    "Black-and-White_Fallacy": "white on grey35",
    "Causal_Oversimplification": "white on dark_cyan",
    "Doubt": "white on purple4",
    "Exaggeration,Minimisation": "white on dark_orange3",
    "Flag-Waving": "white on dark_green",
    "Loaded_Language": "white on deep_pink4",
    "Name_Calling,Labeling": "white on orange4",
    "Repetition": "white on navy_blue",
    "Slogans": "white on green4",
    "Thought-terminating_Cliches": "white on blue3",
    "Whataboutism,Straw_Men,Red_Herring": "white on red3",
}
_OTHER_STYLE = "white on grey23"
_MARK_STYLE = "bold yellow"
#: The watch layer (the user's own terms): its own colour and its own marks ``⟦…⟧``, never a
#: technique's; a technique inside a watch term keeps its own background.
_WATCH_STYLE = "black on yellow1"
_WATCH_OPEN, _WATCH_CLOSE = "⟦", "⟧"

# C0 controls (but tab and newline), DEL and C1 controls → visible symbols, one for one, so
# offsets into the shown text stay those of the document.
_VISIBLE = {c: 0x2400 + c for c in range(0x20) if chr(c) not in "\t\n"}
_VISIBLE |= {0x7F: 0x2421} | {c: 0xFFFD for c in range(0x80, 0xA0)}


def render(doc: Document, console: Console | None = None) -> None:
    """Print ``doc`` to ``console`` (stdout by default)."""
    console = console or Console()
    console.print(renderable(doc, colour=console.color_system is not None))


def renderable(doc: Document, colour: bool = True) -> RenderableType:
    parts: list[RenderableType] = []
    techniques = sorted(doc.layer("techniques"), key=lambda s: (s.start, -s.end, s.label))
    title_region = next((r for r in doc.regions if r.label == "title"), None)
    if title_region is not None:
        title = _marked(doc, title_region, techniques)
        title.stylize("bold")
        parts.append(title)
    elif doc.title:
        parts.append(Text(_visible(doc.title), style="bold"))
    meta = Text(style="dim")
    if doc.authors:
        meta.append("By " + _visible(", ".join(doc.authors)))
    for value in (doc.published, doc.outlet):
        if value:
            meta.append(("  ·  " if meta.plain else "") + _visible(value))
    if meta.plain:
        parts.append(meta)
    source = doc.source.path or doc.source.url
    if source:
        parts.append(Text(f"{_visible(source)} ({doc.source.kind})", style="dim italic"))
    parts.append(Rule(style="dim"))
    for body in doc.body_spans():
        parts.append(Padding(_marked(doc, body, techniques), (0, 0, 1, 0)))
    if techniques:
        parts.append(_legend(techniques, colour))
        parts.append(_technique_table(doc, techniques, colour))
    if doc.layer("watch"):
        parts.append(_watch_table(doc, colour))
    if doc.layer("attributions"):
        parts.append(_attribution_table(doc))
    parts.append(_residue_table(doc, residue_runs(doc)))
    for err in doc.errors:
        parts.append(Text(f"note: {_visible(err)}", style="yellow"))
    return Group(*parts)


def _marked(doc: Document, region: Span, techniques: list[Span]) -> Text:
    """``region``'s text with each technique span inside it marked ``[n›`` … ``‹n]``."""
    inside = [
        (n, s)
        for n, s in enumerate(techniques, 1)
        if s.start >= region.start and s.end <= region.end and s.end > s.start
    ]
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    for n, s in inside:
        opens.setdefault(s.start, []).append(n)
        closes.setdefault(s.end, []).append(n)
    # watch terms: the user's, marked apart; overlapping occurrences are one marked stretch
    watch: list[list[int]] = []
    for w in sorted(doc.layer("watch"), key=lambda w: (w.start, w.end)):
        if region.start <= w.start < w.end <= region.end:
            if watch and w.start <= watch[-1][1]:
                watch[-1][1] = max(watch[-1][1], w.end)
            else:
                watch.append([w.start, w.end])
    w_open = {a for a, _ in watch}
    w_close = {b for _, b in watch}
    cuts = sorted({region.start, region.end, *opens, *closes, *w_open, *w_close})
    text = Text()
    pos = region.start
    content_start: dict[int, int] = {}  # span number -> where its text starts in ``text``
    content_end: dict[int, int] = {}
    watch_at: list[int] = []  # where each watch stretch starts and ends in ``text``
    for cut in cuts:
        if cut > pos:
            text.append(_visible(doc.text[pos:cut]))
            pos = cut
        if cut in w_close:
            text.append(_WATCH_CLOSE, style=_WATCH_STYLE)
            watch_at.append(len(text))
        # at one offset: close the spans ending here (innermost first), then open the new ones
        for n in sorted(closes.get(cut, []), reverse=True):
            content_end[n] = len(text)
            text.append(f"‹{n}]", style=_MARK_STYLE)
        for n in opens.get(cut, []):
            text.append(f"[{n}›", style=_MARK_STYLE)
            content_start[n] = len(text)
        if cut in w_open:
            watch_at.append(len(text))
            text.append(_WATCH_OPEN, style=_WATCH_STYLE)
    for a, b in zip(watch_at[::2], watch_at[1::2], strict=True):
        text.stylize(_WATCH_STYLE, a, b)
    # longest first, so a nested span's colour shows over the one around it
    for n, s in sorted(inside, key=lambda item: item[1].start - item[1].end):
        text.stylize(_style(s.label), content_start[n], content_end[n])
    return text


def _legend(techniques: list[Span], colour: bool) -> Text:
    legend = Text()
    legend.append("[n›", style=_MARK_STYLE)
    legend.append(" … ")
    legend.append("‹n]", style=_MARK_STYLE)
    legend.append(" marks where technique span n (row n below) starts and ends.")
    from spinscope.techniques.labels import TECHNIQUES

    for name in sorted({s.label for s in techniques}):
        legend.append("\n")
        if colour:
            legend.append("  ■■  ", style=_style(name))
            legend.append(" ")
        else:
            legend.append("  • ")
        legend.append(name, style="bold")
        definition = TECHNIQUES.get(name)
        if definition:
            legend.append(f": {definition}", style="dim")
    return legend


def _style(technique: str) -> str:
    return _STYLES.get(technique, _OTHER_STYLE)


def _technique_table(doc: Document, techniques: list[Span], colour: bool) -> Table:
    table = Table(title="Techniques", title_justify="left", show_lines=False, expand=True)
    table.add_column("#", justify="right", style="bold yellow", no_wrap=True)
    # names are never cut: at least as wide as the longest present, folded if the screen is not
    longest = max(len(s.label) for s in techniques)
    table.add_column("technique", min_width=longest, overflow="fold")
    table.add_column("conf.", justify="right", no_wrap=True)
    table.add_column("whose words", ratio=3)
    table.add_column("text", ratio=3)
    speakers = {a.attrs.get("id"): _speaker_label(a) for a in doc.layer("attributions")}
    for n, s in enumerate(techniques, 1):
        conf = s.attrs.get("confidence")
        voice = s.attrs.get("voice") or {}
        who = ""
        if isinstance(voice, dict):
            if voice.get("attribution"):
                who = speakers.get(voice["attribution"]) or "an unnamed source"
            elif voice.get("kind") == "outlet":
                who = "the outlet"
            elif voice.get("kind"):
                who = str(voice["kind"])
        name_cell = Text(s.label, style=_style(s.label) if colour else "")
        table.add_row(
            str(n),
            name_cell,
            f"{conf:.2f}" if isinstance(conf, (int, float)) else "",
            Text(_visible(who)),
            _with_evidence(Text(_short(doc.span_text(s))), s.attrs.get("evidence")),
        )
    if any(isinstance(s.attrs.get("evidence"), dict) for s in techniques):
        table.caption = (
            "like: the training phrases annotators marked with the same technique that are "
            "nearest to the span (cosine similarity in the model's encoder space)"
        )
        table.caption_justify = "left"
    return table


def _with_evidence(cell: Text, evidence: object) -> Text:
    """The span's text, then the training phrases most like it (``evidence``), dim."""
    if not isinstance(evidence, dict):
        return cell
    examples = [
        ex for ex in evidence.get("examples") or [] if isinstance(ex, dict) and ex.get("text")
    ]
    for ex in examples[:3]:
        sim = ex.get("similarity")
        cell.append("\n  like " + (f"{sim:.2f} " if isinstance(sim, (int, float)) else ""))
        cell.append("“" + _short(str(ex["text"]), 80) + "”", style="dim italic")
    return cell


def _watch_table(doc: Document, colour: bool) -> Table:
    """The user's watch terms found, with their counts: apart from the techniques."""
    counts: dict[str, int] = {}
    for w in doc.layer("watch"):
        counts[w.label] = counts.get(w.label, 0) + 1
    table = Table(
        title=f"Watch terms (your list, marked {_WATCH_OPEN}…{_WATCH_CLOSE}; not techniques)",
        title_justify="left",
        expand=True,
    )
    table.add_column("term", ratio=1)
    table.add_column("found", justify="right", no_wrap=True)
    for term, count in counts.items():
        table.add_row(Text(_visible(term), style=_WATCH_STYLE if colour else ""), str(count))
    return table


def _attribution_table(doc: Document) -> Table:
    table = Table(title="Who said what", title_justify="left", expand=True)
    # speakers wrap (ratio 2) so statements keep room on an 80-column terminal
    table.add_column("speaker", ratio=2)
    table.add_column("cue", no_wrap=True)
    table.add_column("statement", ratio=3)
    for s in doc.layer("attributions"):
        speaker = s.attrs.get("speaker") or {}
        name = _speaker_label(s)
        # an unnamed speaker is shown by its description: say that it is one
        role = speaker.get("role") if speaker.get("name") else "unnamed"
        extra = ", ".join(str(v) for v in (role, speaker.get("type")) if v)
        who = Text(_visible(str(name)), style="bold")
        if extra:
            who.append(f" ({_visible(extra)})", style="dim")
        src = s.attrs.get("source")
        if isinstance(src, dict) and "start" in src:
            mention = doc.text[src["start"] : src["end"]]
            if mention and mention != name:
                who.append(f"\n“{_visible(mention)}”", style="dim")
        cue = s.attrs.get("cue") or {}
        cue_text = cue.get("text") if isinstance(cue, dict) else None
        statement = Text(_short(doc.span_text(s), 300))
        if s.attrs.get("continues"):
            # the rest of the statement above (one statement, split by its cue)
            statement = Text("… ", style="dim") + statement
            who = Text("  ↳ same statement", style="dim")
        venue = s.attrs.get("venue")
        if venue:
            statement.append(f"  [{_visible(str(venue))}]", style="dim")
        table.add_row(who, Text(_visible(str(cue_text or ""))), statement)
    return table


def residue_runs(doc: Document) -> list[list[Span]]:
    """The residue regions, in runs: consecutive ones with no other region between."""
    runs: list[list[Span]] = []
    previous: str | None = None
    for r in sorted(doc.regions, key=lambda r: (r.start, r.end)):
        if r.label == "boilerplate":
            if previous == "boilerplate":
                runs[-1].append(r)
            else:
                runs.append([r])
        previous = r.label
    return runs


def _residue_table(doc: Document, runs: list[list[Span]]) -> RenderableType:
    """One row per run of residue (a page's menus, its footer…): where it lies, its lines and
    kinds, and its first and last lines; every line is in the JSON (``--format json``)."""
    if not runs:
        return Text("No web residue found.", style="dim")
    lines = sum(len(run) for run in runs)
    name = "page residue" if doc.source.kind == "html" else "web residue"
    table = Table(
        title=f"Set aside ({name}): {lines} line{'s' if lines != 1 else ''}"
        f" in {len(runs)} run{'s' if len(runs) != 1 else ''}",
        title_justify="left",
        caption="every line, with its offsets and kind: --format json (regions)",
        caption_justify="left",
        expand=True,
    )
    table.add_column("lines", justify="right", no_wrap=True)
    table.add_column("chars", no_wrap=True)
    table.add_column("kind")
    table.add_column("text", style="dim")
    for run in runs:
        first, last = run[0], run[-1]
        line = doc.text.count("\n", 0, first.start) + 1
        end_line = line + doc.text.count("\n", first.start, last.start)
        kinds = list(dict.fromkeys(str(r.attrs.get("kind", "")) for r in run))
        shown = [_short(doc.span_text(r), 60) for r in run]
        if len(shown) > 3:
            shown = [shown[0], shown[1], f"… {len(shown) - 3} more …", shown[-1]]
        table.add_row(
            str(line) if end_line == line else f"{line}–{end_line}",
            f"{first.start}–{last.end}",
            Text(_visible(", ".join(k for k in kinds if k))),
            Text(" · ".join(shown)),
        )
    return table


def _visible(s: str) -> str:
    """Control characters as visible symbols: the terminal never receives the article's ESC."""
    return s.translate(_VISIBLE)


def _short(s: str, limit: int = 160) -> str:
    """``s`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    s = _visible(" ".join(s.split()))
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)  # the last space that leaves room for the ellipsis
    if cut < limit // 2:  # one very long word: cut inside it, but never inside a character
        cut = limit - 1
        while cut > 0 and _joins(s, cut):
            cut -= 1
    return s[:cut].rstrip(" ,;:") + "…"


def _joins(s: str, i: int) -> bool:
    """Whether a cut before ``s[i]`` would split a user-perceived character (grapheme)."""
    nxt, prev = s[i], s[i - 1]
    if _regional(nxt) and _regional(prev):  # flags pair regional indicators from the left
        run = 0
        while run < i and _regional(s[i - 1 - run]):
            run += 1
        return run % 2 == 1
    return (
        unicodedata.category(nxt) in ("Mn", "Me", "Mc")  # combining marks
        or nxt in "\u200d\ufe0e\ufe0f"  # zero-width joiner, variation selectors
        or prev == "\u200d"
        or 0x1F3FB <= ord(nxt) <= 0x1F3FF  # skin-tone modifiers
    )


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _speaker_label(attribution: Span) -> str:
    """A speaker's name, or for an unnamed one the description the text gives ("opponents")."""
    speaker = attribution.attrs.get("speaker") or {}
    return str(speaker.get("name") or speaker.get("role") or "unknown")
