"""Article view model: the text cut into segments so overlapping layers can be shown at once.

Every boundary of every span (techniques, attribution content/cue/source, regions) cuts the text
into segments; each segment is rendered as nested elements, one per technique covering it, so
overlaps stay visible as stacked underlines. Rendering is Jinja2 with autoescape on, and nothing
here builds HTML by string concatenation: article text is untrusted.
Imports only the standard library and Jinja2, so ``outputs.html`` can use it without FastAPI.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jinja2

from spinscope.document import Document
from spinscope.techniques.labels import TECHNIQUE_NAMES, TECHNIQUES

#: One colour per technique, in TECHNIQUE_NAMES order (distinguishable, print-safe).
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#ff7f0e",
    "#2ca02c",
    "#17becf",
    "#e6550d",
    "#393b79",
    "#637939",
    "#843c39",
    "#7b4173",
)
UNKNOWN_COLOUR = "#7f7f7f"
#: The watch layer's own colour (the user's terms; ``.seg.w`` in ``static/spinscope.css``): no
#: technique has it, so a watch term is never read as a model finding.
WATCH_COLOUR = "#ffd400"
COLOURS: dict[str, str] = dict(zip(TECHNIQUE_NAMES, PALETTE, strict=True))
MAX_LEVELS = 6
RESIDUE_LABELS = ("boilerplate",)
META_LABELS = ("title", "byline", "dateline")


def technique_class(name: str) -> str:
    """CSS class of a technique (index-based, so names never reach a class attribute)."""
    try:
        return f"tc{TECHNIQUE_NAMES.index(name)}"
    except ValueError:
        return "tcx"


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a ``javascript:`` URL must never become a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


@dataclass
class Segment:
    text: str
    techniques: list[int]  # indices into ArticleView.techniques, outermost first
    region: str | None
    attributions: list[int]
    cue: bool = False
    source: bool = False
    anchor: int | None = None  # attribution index whose content starts here
    #: watch terms (the user's list) covering this segment
    watch: list[str] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        """The segment's tooltip: its region (when not body) and the watch terms covering it."""
        parts = [self.region] if self.region and self.region != "body" else []
        if self.watch:
            parts.append("watch term: " + ", ".join(self.watch))
        return " · ".join(parts) or None


@dataclass
class Block:
    """A stretch of segments: article (title, by-line, body…) or one run of page residue,
    shown collapsed ("page residue · 214 lines · show") but still in the page, in place."""

    segments: list[Segment]
    residue: bool = False
    lines: int = 0


@dataclass
class ArticleView:
    doc: Document
    segments: list[Segment]
    techniques: list[dict[str, Any]]
    attributions: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    legend: list[dict[str, Any]]
    url: str | None
    #: technique spans at or above the slider's starting confidence
    shown: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    #: ``segments`` grouped: the article's text as it comes, each run of residue as one block
    blocks: list[Block] = field(default_factory=list)
    #: what a residue block is called: "page residue" (HTML) or "web residue" (scraped text)
    residue_name: str = "web residue"
    #: the watch layer's terms found, ``{"term", "count"}`` in the list's order of first match
    watch: list[dict[str, Any]] = field(default_factory=list)


_RESIDUE = ("boilerplate", "residue")


def residue_blocks(segments: list[Segment]) -> list[Block]:
    """``segments`` in order, each maximal run of residue (boilerplate lines and the blanks
    between and after them) one collapsed block; blanks before a run stay with the article."""
    blocks: list[Block] = []
    i, n = 0, len(segments)
    while i < n:
        j = i
        while j < n and (segments[j].region in _RESIDUE or not segments[j].text.strip()):
            j += 1
        run = segments[i:j]
        first = next((k for k, seg in enumerate(run) if seg.text.strip()), None)
        if first is None:  # blanks only, or not residue: article text
            j = max(j, i + 1)
            _article(blocks, segments[i:j])
            i = j
            continue
        _article(blocks, run[:first])
        inner = run[first:]
        lines = sum(1 for line in "".join(seg.text for seg in inner).splitlines() if line.strip())
        blocks.append(Block(inner, residue=True, lines=lines))
        i = j
    return blocks


def _article(blocks: list[Block], segments: list[Segment]) -> None:
    if not segments:
        return
    if blocks and not blocks[-1].residue:
        blocks[-1].segments.extend(segments)
    else:
        blocks.append(Block(list(segments)))


def _levels(spans: list[tuple[int, int]]) -> list[int]:
    """Greedy interval colouring: a span keeps one underline level along its whole length."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1], i))
    ends: list[int] = []  # per level, end of the last span placed there
    out = [0] * len(spans)
    for i in order:
        s, e = spans[i]
        for lvl, end in enumerate(ends):
            if end <= s:
                ends[lvl] = e
                out[i] = lvl
                break
        else:
            ends.append(e)
            out[i] = len(ends) - 1
    return [min(lv, MAX_LEVELS - 1) for lv in out]


def build_view(
    doc: Document, start: float = 0.0, watch_terms: Sequence[str] | None = None
) -> ArticleView:
    """The article view of ``doc``; counts are of the spans at or above ``start`` (the
    confidence the slider starts at: spans below it are in the page, hidden until revealed).
    ``watch_terms`` (the corpus's list) are marked beside ``doc``'s own ``watch`` layer."""
    text = doc.text
    n = len(text)
    d = doc.to_dict()
    atts = d["attributions"]
    att_index = {str(a.get("id")): i for i, a in enumerate(atts)}
    speakers_by_att: list[str | None] = []
    attributions: list[dict[str, Any]] = []
    for i, a in enumerate(atts):
        speaker = a.get("speaker") or {}
        # a speaker the article does not settle: the mention as written, marked unresolved
        mention = (a.get("source") or {}).get("text") or speaker.get("role")
        name = speaker.get("name") or (f"“{mention}” (unresolved)" if mention else "unknown")
        speakers_by_att.append(name)
        c = a["content"]
        attributions.append(
            {
                "i": i,
                "kind": a.get("kind"),
                "speaker": name,
                "role": speaker.get("role"),
                "type": speaker.get("type"),
                "venue": a.get("venue"),
                "cue": (a.get("cue") or {}).get("text"),
                # the row whose statement this one goes on with (its index), or None
                "continues": att_index.get(str(a.get("continues"))),
                "start": c["start"],
                "end": c["end"],
                "excerpt": _excerpt(text[c["start"] : c["end"]]),
            }
        )
    techs = []
    for i, tch in enumerate(d["techniques"]):
        voice = tch.get("voice") or {}
        att = att_index.get(str(voice.get("attribution")))
        conf = tch.get("confidence")
        evidence = _evidence(tch.get("evidence"))
        techs.append(
            {
                "i": i,
                "technique": tch["technique"],
                "definition": (evidence or {}).get("definition")
                or TECHNIQUES.get(tch["technique"], ""),
                "evidence": evidence,
                "cls": technique_class(tch["technique"]),
                "confidence": round(float(conf), 3) if conf is not None else None,
                "voice": voice.get("kind") or "outlet",
                "speaker": speakers_by_att[att] if att is not None else None,
                "attribution": att,
                "start": tch["start"],
                "end": tch["end"],
                "text": _excerpt(text[tch["start"] : tch["end"]], 200),
            }
        )
    levels = _levels([(t["start"], t["end"]) for t in techs])
    for t_, lv in zip(techs, levels, strict=True):
        t_["level"] = lv
        t_["tip"] = _tip(t_)
    watch = [w for w in doc.layer("watch") if 0 <= w.start < w.end <= n]
    if watch_terms:
        from spinscope.watch import WatchTerms

        have = {(w.start, w.end, w.label.casefold()) for w in watch}
        for w in WatchTerms(watch_terms).spans(doc):
            if (w.start, w.end, w.label.casefold()) not in have:
                watch.append(w)
        watch.sort(key=lambda w: (w.start, w.end, w.label))

    cuts = {0, n}
    for t_ in techs:
        cuts.update((t_["start"], t_["end"]))
    for a in atts:
        for key in ("content", "cue", "source"):
            part = a.get(key)
            if part and part.get("start") is not None:
                cuts.update((part["start"], part["end"]))
    for w in watch:
        cuts.update((w.start, w.end))
    regions = doc.regions
    for r in regions:
        cuts.update((r.start, r.end))
    bounds = sorted(c for c in cuts if 0 <= c <= n)
    has_body = any(r.label == "body" for r in regions)

    segments: list[Segment] = []
    anchored: set[int] = set()
    for a0, b0 in zip(bounds, bounds[1:], strict=False):
        if a0 == b0:
            continue
        covering = [t_ for t_ in techs if t_["start"] <= a0 and b0 <= t_["end"]]
        covering.sort(key=lambda t_: (-t_["level"], t_["i"]))
        region = next((r.label for r in regions if r.start <= a0 and b0 <= r.end), None)
        if region is None and has_body:
            region = "residue"
        in_att = [i for i, a in enumerate(atts) if _covers(a.get("content"), a0, b0)]
        seg = Segment(
            text=text[a0:b0],
            techniques=[t_["i"] for t_ in covering],
            region=region,
            attributions=in_att,
            cue=any(_covers(a.get("cue"), a0, b0) for a in atts),
            source=any(_covers(a.get("source"), a0, b0) for a in atts),
            watch=list(dict.fromkeys(w.label for w in watch if w.start <= a0 and b0 <= w.end)),
        )
        for i in in_att:
            if i not in anchored:
                anchored.add(i)
                seg.anchor = i
                break
        segments.append(seg)

    speakers: dict[str, list[dict[str, Any]]] = {}
    for a in attributions:
        speakers.setdefault(a["speaker"], []).append(a)
    counts: dict[str, int] = {}
    for t_ in techs:
        shown = t_["confidence"] is None or t_["confidence"] >= start
        counts[t_["technique"]] = counts.get(t_["technique"], 0) + int(shown)
    legend = [
        {"name": name, "cls": technique_class(name), "count": counts[name]}
        for name in [*TECHNIQUE_NAMES, *sorted(set(counts) - set(TECHNIQUE_NAMES))]
        if name in counts
    ]
    return ArticleView(
        doc=doc,
        segments=segments,
        techniques=techs,
        shown=sum(counts.values()),
        attributions=attributions,
        speakers=[{"name": k, "statements": v} for k, v in speakers.items()],
        legend=legend,
        url=safe_url(doc.source.url),
        data={"techniques": techs, "attributions": attributions},
        blocks=residue_blocks(segments) if has_body else [Block(segments)],
        residue_name="page residue" if doc.source.kind == "html" else "web residue",
        watch=[
            {"term": term, "count": count} for term, count in _count(w.label for w in watch).items()
        ],
    )


def _count(labels: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for label in labels:
        out[label] = out.get(label, 0) + 1
    return out


def _evidence(value: Any) -> dict[str, Any] | None:
    """A technique span's ``evidence`` as the views show it (None when absent or malformed):
    the definition and up to three ``{"text", "similarity"}`` training phrases."""
    if not isinstance(value, dict):
        return None
    examples = []
    for ex in value.get("examples") or []:
        if isinstance(ex, dict) and isinstance(ex.get("text"), str):
            sim = ex.get("similarity")
            ok = isinstance(sim, int | float) and not isinstance(sim, bool)
            examples.append({"text": _excerpt(ex["text"], 120), "similarity": sim if ok else None})
    definition = value.get("definition")
    return {
        "definition": definition if isinstance(definition, str) else "",
        "examples": examples[:3],
    }


def _tip(t: dict[str, Any]) -> str:
    """A technique span's tooltip (the ``title`` attribute: shown without JavaScript):
    technique, confidence and voice, its definition and the training phrases most like it."""
    head = t["technique"]
    if t["confidence"] is not None:
        head += f" · {t['confidence']:.2f}"
    head += f" · {t['voice']}" + (f": {t['speaker']}" if t["speaker"] else "")
    lines = [head]
    if t["definition"]:
        lines.append(t["definition"])
    ev = t.get("evidence")
    if ev and ev["examples"]:
        lines.append("Marked so in training articles:")
        lines.extend(f"“{ex['text']}”" for ex in ev["examples"])
    return "\n".join(lines)


def _covers(part: dict[str, Any] | None, a: int, b: int) -> bool:
    if not part or part.get("start") is None:
        return False
    return bool(part["start"] <= a and b <= part["end"])


def _excerpt(s: str, width: int = 140) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one template environment; autoescape is always on (article text is hostile)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("spinscope.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        colours=COLOURS,
        unknown_colour=UNKNOWN_COLOUR,
        technique_names=TECHNIQUE_NAMES,
        technique_class=technique_class,
        definitions=TECHNIQUES,
        max_levels=MAX_LEVELS,
        safe_url=safe_url,
    )
    return env


@functools.lru_cache(maxsize=4)
def static_text(name: str) -> str:
    """A vendored static file's text, for inlining into self-contained reports."""
    return (resources.files("spinscope.web") / "static" / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def default_min_confidence() -> float:
    """The shipped technique model's default view threshold (the slider starts there); read
    once per process, not on every article page."""
    from spinscope.techniques.model import default_view_confidence

    try:
        return default_view_confidence()
    except (OSError, KeyError, ValueError):  # no model installed: show everything stored
        return 0.0


def render_article(
    doc: Document,
    *,
    standalone: bool,
    also: list[dict[str, Any]] | None = None,
    speaker_ids: dict[str, int] | None = None,
    start_confidence: float | None = None,
    analysed_confidence: float | None = None,
    watch_terms: Sequence[str] | None = None,
) -> str:
    """The article view; ``standalone`` inlines CSS/JS and drops site navigation.

    ``also``: stored near-duplicates (``Store.similar``), shown as "Also published as";
    ``speaker_ids``: speaker name in this document → corpus speaker id, to link speaker pages;
    ``start_confidence``: where the confidence slider starts (default: the model's default
    view); spans below it are in the page, hidden until the slider reveals them;
    ``analysed_confidence``: the lowest confidence ``doc`` was analysed down to (default: the
    model's default view). In the web app, sliding below it reloads the page analysed further
    down (``?min_confidence=``); a standalone report can reveal only what it holds.
    ``watch_terms``: the corpus's watch terms (web setting), marked beside the document's own.
    """
    default = default_min_confidence()
    start = default if start_confidence is None else start_confidence
    analysed = default if analysed_confidence is None else analysed_confidence
    view = build_view(doc, start, watch_terms)
    tpl = environment().get_template("article.html")
    return tpl.render(
        view=view,
        standalone=standalone,
        also=also or [],
        speaker_ids=speaker_ids or {},
        default_confidence=default,
        start_confidence=start,
        analysed_confidence=analysed,
        reveal_floor=min(reveal_floor(), analysed),
        inline_css=static_text("spinscope.css") if standalone else "",
        inline_js=static_text("article.js") if standalone else "",
    )


def reveal_floor() -> float:
    """The lowest confidence the views reveal (``techniques.model.REVEAL_FLOOR``)."""
    from spinscope.techniques.model import REVEAL_FLOOR

    return REVEAL_FLOOR
