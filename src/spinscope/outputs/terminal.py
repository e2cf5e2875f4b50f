"""The article as a reader should see it, in the terminal (rich).

Article text is hostile: it is only ever put into :class:`rich.text.Text` objects (never into
markup strings), so brackets like ``[bold]`` in an article are printed literally.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from spinscope.document import Document, Span

_PALETTE = ("on dark_red", "on dark_blue", "on dark_green", "on purple4", "on dark_orange3")


def render(doc: Document, console: Console | None = None) -> None:
    """Print ``doc`` to ``console`` (stdout by default)."""
    (console or Console()).print(renderable(doc))


def renderable(doc: Document) -> RenderableType:
    parts: list[RenderableType] = []
    title = doc.title or _first(doc, "title")
    if title:
        parts.append(Text(title, style="bold"))
    meta = Text(style="dim")
    if doc.authors:
        meta.append("By " + ", ".join(doc.authors))
    for value in (doc.published, doc.outlet):
        if value:
            meta.append(("  ·  " if meta.plain else "") + value)
    if meta.plain:
        parts.append(meta)
    source = doc.source.path or doc.source.url
    if source:
        parts.append(Text(f"{source} ({doc.source.kind})", style="dim italic"))
    parts.append(Rule(style="dim"))
    techniques = sorted(doc.layer("techniques"), key=lambda s: (s.start, s.end))
    for body in doc.body_spans():
        parts.append(Padding(_body_text(doc, body, techniques), (0, 0, 1, 0)))
    if techniques:
        parts.append(_technique_table(doc, techniques))
    if doc.layer("attributions"):
        parts.append(_attribution_table(doc))
    residue = [r for r in doc.regions if r.label == "boilerplate"]
    parts.append(_residue_table(doc, residue))
    for err in doc.errors:
        parts.append(Text(f"note: {err}", style="yellow"))
    return Group(*parts)


def _first(doc: Document, label: str) -> str | None:
    for r in doc.regions:
        if r.label == label:
            return doc.span_text(r)
    return None


def _body_text(doc: Document, body: Span, techniques: list[Span]) -> Text:
    """The body with technique spans highlighted and numbered like footnotes (``[n]``)."""
    inside = [
        (n, s) for n, s in enumerate(techniques, 1) if s.start >= body.start and s.end <= body.end
    ]
    marks: dict[int, list[int]] = {}
    for n, s in inside:
        marks.setdefault(s.end, []).append(n)
    cuts = sorted({body.start, body.end, *marks, *(s.start for _, s in inside)})
    text = Text()
    pos = body.start
    before: dict[int, int] = {}  # text offset -> offset in ``text`` before the markers there
    after: dict[int, int] = {}  # ... and after them
    for cut in cuts:
        if cut > pos:
            text.append(doc.text[pos:cut])
            pos = cut
        before[cut] = len(text)
        for n in marks.get(cut, []):
            text.append(f"[{n}]", style="bold yellow")
        after[cut] = len(text)
    for n, s in inside:
        text.stylize(_PALETTE[(n - 1) % len(_PALETTE)], after[s.start], before[s.end])
    return text


def _technique_table(doc: Document, techniques: list[Span]) -> Table:
    table = Table(title="Techniques", title_justify="left", show_lines=False, expand=True)
    table.add_column("#", justify="right", style="bold yellow", no_wrap=True)
    table.add_column("technique", ratio=2)
    table.add_column("conf.", justify="right", no_wrap=True)
    table.add_column("voice (whose words)", ratio=2)
    table.add_column("text", ratio=3)
    speakers = {
        a.attrs.get("id"): (a.attrs.get("speaker") or {}).get("name")
        for a in doc.layer("attributions")
    }
    for n, s in enumerate(techniques, 1):
        conf = s.attrs.get("confidence")
        voice = s.attrs.get("voice") or {}
        who = voice.get("kind", "") if isinstance(voice, dict) else ""
        if isinstance(voice, dict) and voice.get("attribution"):
            # whose words: the resolved speaker, else the attribution id
            name = speakers.get(voice["attribution"]) or "unnamed source"
            who = f"{name} ({voice['attribution']})"
        table.add_row(
            str(n),
            Text(s.label),
            f"{conf:.2f}" if isinstance(conf, (int, float)) else "",
            Text(who),
            Text(_short(doc.span_text(s))),
        )
    return table


def _attribution_table(doc: Document) -> Table:
    table = Table(title="Who said what", title_justify="left", expand=True)
    # speakers wrap (ratio 2) so statements keep room on an 80-column terminal
    table.add_column("speaker", ratio=2)
    table.add_column("cue", no_wrap=True)
    table.add_column("statement", ratio=3)
    for s in doc.layer("attributions"):
        speaker = s.attrs.get("speaker") or {}
        name = speaker.get("name") or "unknown"
        extra = ", ".join(str(v) for v in (speaker.get("role"), speaker.get("type")) if v)
        who = Text(str(name), style="bold")
        if extra:
            who.append(f" ({extra})", style="dim")
        src = s.attrs.get("source")
        if isinstance(src, dict) and "start" in src:
            mention = doc.text[src["start"] : src["end"]]
            if mention and mention != name:
                who.append(f"\n“{mention}”", style="dim")
        cue = s.attrs.get("cue") or {}
        cue_text = cue.get("text") if isinstance(cue, dict) else None
        statement = Text(_short(doc.span_text(s), 300))
        venue = s.attrs.get("venue")
        if venue:
            statement.append(f"  [{venue}]", style="dim")
        table.add_row(who, Text(str(cue_text or "")), statement)
    return table


def _residue_table(doc: Document, residue: list[Span]) -> RenderableType:
    if not residue:
        return Text("No web residue found.", style="dim")
    table = Table(title="Set aside (web residue)", title_justify="left", expand=True)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("chars", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("text", style="dim")
    for r in residue:
        line = doc.text.count("\n", 0, r.start) + 1
        table.add_row(
            str(line),
            f"{r.start}–{r.end}",
            Text(str(r.attrs.get("kind", ""))),
            Text(_short(doc.span_text(r))),
        )
    return table


def _short(s: str, limit: int = 160) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"
