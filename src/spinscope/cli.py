"""The ``spinscope`` command line.

One Typer app; each capability adds its own command or sub-app here (see the bottom of the
file): ``analyze`` lives here, ``ptc``/``train``/``serve``/``ingest``/``batch`` are added by
their modules' owners as ``app.add_typer(...)`` or ``@app.command()`` — an additive edit.

Exit codes: 0 success; 2 bad input or usage (one line on stderr, never a traceback). A batch
(several inputs) exits 0 when it ran, whatever failed inside it: each failure is an error
record in the JSONL and is counted in the summary line.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import typer

from spinscope import __version__
from spinscope.cli_options import DB_HELP, fail, outlet_option, terms_option
from spinscope.cli_options import OUTLET_HELP as _OUTLET_HELP
from spinscope.cli_options import TERMS_HELP as _TERMS_HELP

if TYPE_CHECKING:
    from spinscope.document import Document
    from spinscope.pipeline import Pipeline

app = typer.Typer(
    name="spinscope",
    help="See how a news article is built: clean text, persuasion techniques, who said what.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _flags_show_no_type() -> None:
    """Typer labels on/off flags ``<bool>`` in help, as if they took a value: show none."""
    from typer.core import TyperOption

    typed = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag and not self.count else typed(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_show_no_type()


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spinscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """See how a news article is built: clean text, persuasion techniques, who said what."""


# -- analyze --------------------------------------------------------------------------------


def _default_view() -> str:
    """The shipped technique model's default ``--min-confidence``, for help texts (read from
    its ``config.json`` without loading the model)."""
    import json
    from importlib import resources

    try:
        config = resources.files("spinscope") / "models" / "techniques" / "config.json"
        return f"{float(json.loads(config.read_text('utf-8'))['view']['min_confidence']):.2f}"
    except (OSError, KeyError, TypeError, ValueError):
        return "the installed model's (none is installed)"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  spinscope analyze examples/scraped-article.txt\n\n"
        "  spinscope analyze article.html --format json -o article.json\n\n"
        "  spinscope analyze articles/ -o results.jsonl\n\n"
        "  cat article.txt | spinscope analyze -"
    )
)
def analyze(
    paths: list[str] = typer.Argument(
        ...,
        metavar="PATH...|-",
        help="Article files (text, HTML, JSONL, WARC), directories, http(s) URLs, or - for stdin.",
        show_default=False,
    ),
    fmt: Format | None = typer.Option(
        None,
        "--format",
        "-f",
        help="Output format. Default: text for one input, jsonl for several or a directory.",
        case_sensitive=False,
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of stdout.", dir_okay=False
    ),
    min_confidence: float | None = typer.Option(
        None,
        "--min-confidence",
        min=0.0,
        max=1.0,
        help=(
            "Show technique spans whose confidence reaches this (0-1). Confidence is calibrated:"
            " of spans shown at 0.7, about 70% were marked by annotators on held-out news."
            f" Default: {_default_view()} (the shipped model's view: about half of what it"
            " shows is right; see its model card); lower it to see weaker candidates, raise it"
            " for fewer, surer ones."
        ),
    ),
    outlet: str | None = typer.Option(None, "--outlet", metavar="NAME", help=_OUTLET_HELP),
    terms: Path | None = typer.Option(None, "--terms", metavar="FILE", help=_TERMS_HELP),
    one_pass: bool = typer.Option(
        False,
        "--one-pass",
        help=(
            "Who said what from the shared encoder's pass (the attribution head) instead of a"
            " second encoder pass: faster, slightly less precise (PolNeAR dev content F1 0.670"
            " vs 0.677, precision 0.763 vs 0.784; fewer speakers named; BENCHMARKS.md)."
            " Default: off."
        ),
    ),
) -> None:
    """Analyse news articles: title, by-line, body, web residue, techniques, attributions.

    One input prints the article in the terminal; several inputs (or a directory) write one
    JSON line per input, with error records for inputs that could not be read.
    """
    from spinscope.ingest import is_batch_input

    batch = is_batch_input(list(paths))
    if batch and fmt not in (None, Format.jsonl):
        fail(f"--format {fmt.value} needs a single input; several inputs are written as jsonl")
    options: dict[str, Any] = {}
    if min_confidence is not None:
        options["min_confidence"] = min_confidence
    if one_pass:
        options["one_pass"] = True
    watch = terms_option(terms)
    if watch:
        options["terms"] = watch
    outlet = outlet_option(outlet)
    if batch:
        _analyze_batch(paths, output, options, outlet=outlet)
    else:
        _analyze_one(paths[0], fmt or Format.text, output, options, outlet=outlet)


def _with_outlet(entries: Any, outlet: str | None) -> Any:
    """``iter_inputs`` entries, documents without an outlet given ``outlet``."""
    from spinscope.document import Document

    for name, result in entries:
        if outlet and isinstance(result, Document) and not result.outlet:
            result.outlet = outlet
        yield name, result


def _pipeline(options: dict[str, Any]) -> Pipeline:
    from spinscope.pipeline import get_pipeline
    from spinscope.techniques.evidence import EvidenceIndexError

    try:
        return get_pipeline(**options)
    except OSError as e:  # a model file missing or unreadable: an install problem, said in one line
        fail(f"cannot load the analysis models ({e})")
    except EvidenceIndexError as e:  # an evidence index built for another encoder
        fail(str(e))


def _analyze_one(
    path: str,
    fmt: Format,
    output: Path | None,
    options: dict[str, Any],
    *,
    outlet: str | None = None,
) -> None:
    from spinscope.errors import InputError
    from spinscope.ingest import load
    from spinscope.ingest.url import is_url, load_url

    render_html = _html_renderer() if fmt is Format.html else None
    try:
        if path == "-":
            doc = load(sys.stdin.buffer.read(), name="<stdin>")
        elif is_url(path):
            doc = load_url(path)
        else:
            doc = load(Path(path), name=path)
    except InputError as e:
        fail(str(e))
    if outlet and not doc.outlet:
        doc.outlet = outlet
    view: dict[str, float] = {}
    if render_html is not None:
        options, view = _report_view(options)
    doc = run_with_progress(_pipeline(options), doc)
    with ExitStack() as stack:
        out = _open_output(stack, output)
        if fmt is Format.text:
            from rich.console import Console

            from spinscope.outputs.terminal import render

            console = Console(file=out) if output is not None else Console()
            render(doc, console)
        elif fmt is Format.json:
            from spinscope.outputs.json import to_json

            out.write(to_json(doc) + "\n")
        elif fmt is Format.jsonl:
            from spinscope.outputs.json import jsonl_line

            out.write(jsonl_line(doc) + "\n")
        else:
            assert render_html is not None
            out.write(render_html(doc, **view))


def _report_view(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """An HTML report holds the candidates down to ``REVEAL_FLOOR``, hidden below where its
    slider starts (the asked ``--min-confidence``, else the default view): analysis options
    and the view's settings."""
    from spinscope.techniques.model import REVEAL_FLOOR, default_view_confidence

    try:
        start = options.get("min_confidence", default_view_confidence())
    except (OSError, KeyError, ValueError):  # no technique model: nothing to reveal
        return options, {}
    floor = min(float(start), REVEAL_FLOOR)
    return {**options, "min_confidence": floor}, {
        "start_confidence": float(start),
        "analysed_confidence": floor,
    }


#: Characters from which one input gets a progress bar per stage (about half a minute's work).
LONG_INPUT = 100_000
_STAGES = {"sentences": "parsing (spaCy)", "parts": "analysing, in parts"}


def run_with_progress(pipeline: Pipeline, doc: Any, console: Any = None) -> Any:
    """Analyse ``doc``; a long one shows a bar per stage on stderr (transient)."""
    if len(doc.text) < LONG_INPUT:
        return pipeline(doc)
    import threading

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from spinscope.document import PROGRESS

    lock = threading.Lock()  # the tagger reports from the thread beside the parse
    with Progress(
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=True,
    ) as progress:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            with lock:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(_STAGES.get(stage, stage), total=total)
                progress.update(tasks[stage], completed=done, total=total)

        doc.runtime[PROGRESS] = report
        try:
            return pipeline(doc)
        finally:
            doc.runtime.pop(PROGRESS, None)


def _html_renderer() -> Any:
    try:
        from spinscope.outputs.html import render_document
    except ImportError as e:
        fail(f"HTML output is not available ({e})")
    return render_document


def _open_output(stack: ExitStack, output: Path | None) -> TextIO:
    if output is None:
        return sys.stdout
    try:
        return stack.enter_context(output.open("w", encoding="utf-8"))
    except OSError as e:
        fail(f"{output}: cannot write ({e.strerror or e})")


def _analyze_batch(
    paths: list[str],
    output: Path | None,
    options: dict[str, Any],
    *,
    outlet: str | None = None,
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from spinscope.ingest import iter_inputs

    pipeline = _pipeline(options)
    err_console = Console(stderr=True)
    counts = {"results": 0, "errors": 0, "skipped": 0}
    with ExitStack() as stack:
        out = _open_output(stack, output)
        progress = stack.enter_context(
            Progress(
                SpinnerColumn(),
                TextColumn("analysing"),
                BarColumn(),
                TextColumn("{task.completed} inputs"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
        )
        task = progress.add_task("analyse", total=None)
        for line, kind in _batch_records(_with_outlet(iter_inputs(paths), outlet), pipeline):
            if line is not None:
                out.write(line + "\n")
            counts[kind] += 1
            if kind != "skipped":
                progress.advance(task)
    total = counts["results"] + counts["errors"]
    summary = f"{total} inputs = {counts['results']} results + {counts['errors']} errors"
    if counts["skipped"]:
        summary += f" ({counts['skipped']} WARC records skipped: not articles)"
    typer.echo(summary, err=True)


def _batch_records(entries: Any, pipeline: Pipeline, chunk: int = 16) -> Any:
    """``(jsonl line | None, kind)`` per entry; documents are analysed in chunks."""
    from spinscope.document import Document, Source, error_record
    from spinscope.errors import InputError
    from spinscope.outputs.json import jsonl_line

    pending: list[Document] = []

    def flush() -> Any:
        for item in _analyse_chunk(pending, pipeline):
            if isinstance(item, Document):
                yield jsonl_line(item), "results"
            else:
                yield jsonl_line(item), "errors"
        pending.clear()

    for _name, result in entries:
        if isinstance(result, Document):
            pending.append(result)
            if len(pending) >= chunk:
                yield from flush()
        elif isinstance(result, InputError):
            where = result.input_name  # a WARC error: path@offset, whatever its record id
            src = Source(path=None if where.startswith("<") else where)
            yield jsonl_line(error_record(src, str(result))), "errors"
        else:  # a WARC record that is not an article (see spinscope.ingest.Entry)
            yield None, "skipped"
    yield from flush()


def _analyse_chunk(docs: list[Document], pipeline: Pipeline) -> list[Any]:
    """Analyse a chunk; if a bug in an analyzer breaks the chunk, retry one by one."""
    from spinscope.document import error_record

    try:
        return list(pipeline.pipe(list(docs)))
    except Exception:  # noqa: BLE001 — one bad document must not sink the batch
        out: list[Any] = []
        for doc in docs:
            try:
                out.append(pipeline(doc))
            except Exception as e:  # noqa: BLE001
                out.append(error_record(doc.source, f"analysis failed: {type(e).__name__}: {e}"))
        return out


# -- other commands: add sub-apps / commands below (one block per capability) ---------------


# -- techniques: ptc predict/score, train (spinscope.techniques.commands) -------------------

from spinscope.techniques.commands import ptc_app, train_app  # noqa: E402

app.add_typer(ptc_app, name="ptc")
app.add_typer(train_app, name="train")

# -- attribution: train attribution (spinscope.attribution.commands) ------------------------

from spinscope.attribution.commands import train_attribution  # noqa: E402

train_app.command("attribution")(train_attribution)

# -- review: report and export of the user's corrections (spinscope.review.commands) --------

from spinscope.review.commands import review_app  # noqa: E402

app.add_typer(review_app, name="review")


# -- store and web: ingest, serve (spinscope.store.loader, spinscope.web.serve) -------------

_DB_HELP = DB_HELP


@app.command()
def ingest(
    paths: list[str] = typer.Argument(
        ...,
        metavar="ARTICLES_DIR|FILE.jsonl|PARQUET_DIR...",
        help="Article files or directories, http(s) URLs, JSONL (raw or analysed), Parquet from batch.",
        show_default=False,
    ),
    db: str = typer.Option("sqlite:///spinscope.db", "--db", help=_DB_HELP),
    analyze: bool = typer.Option(
        True, "--analyze/--no-analyze", help="Analyse raw inputs before storing them."
    ),
    outlet: str | None = typer.Option(None, "--outlet", metavar="NAME", help=_OUTLET_HELP),
    terms: Path | None = typer.Option(
        None, "--terms", metavar="FILE", help=_TERMS_HELP + " Needs --analyze."
    ),
) -> None:
    """Analyse and store articles in the corpus database; already stored texts are skipped."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from spinscope.store import Store
    from spinscope.store.loader import ingest as run_ingest

    watch = terms_option(terms)
    if watch and not analyze:
        fail("--terms marks terms while analysing: it needs --analyze")
    try:
        store = Store(db)
    except Exception as e:  # noqa: BLE001 - a bad URL or unreachable server: one line
        fail(f"{db}: cannot open the database ({type(e).__name__}: {str(e).splitlines()[0]})")
    pipe = _pipeline({"terms": watch} if watch else {}).pipe if analyze else None
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("ingesting", total=None)
        summary = run_ingest(
            paths,
            store,
            pipe,
            on_progress=lambda s: progress.update(task, description=s.line()),
            outlet=outlet_option(outlet),
        )
    store.close()
    for message in summary.error_messages[:20]:
        typer.echo(f"spinscope: error: {' '.join(message.split())}", err=True)
    if len(summary.error_messages) > 20:
        typer.echo(f"spinscope: … and {len(summary.error_messages) - 20} more errors", err=True)
    typer.echo(summary.line(), err=True)
    if summary.errors:  # some inputs were not stored: scripts must be able to tell
        raise typer.Exit(1)


@app.command()
def serve(
    db: str = typer.Option("sqlite:///spinscope.db", "--db", help=_DB_HELP),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Interface to bind: a loopback address or localhost (others need --allow-remote).",
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    allow_remote: bool = typer.Option(
        False,
        "--allow-remote",
        help="Allow a --host that other machines can reach. The app has no login: anyone who"
        " reaches it can read and add to the corpus.",
    ),
    allowed_host: list[str] = typer.Option(
        [],
        "--allowed-host",
        metavar="NAME",
        help="Also answer requests for this host name (repeatable; e.g. the name remote"
        " clients use with --allow-remote). Other names get 400 (DNS rebinding).",
    ),
    allow_private_urls: bool = typer.Option(
        False,
        "--allow-private-urls",
        help="Let the Analyze page and API fetch URLs on loopback, private and other internal"
        " addresses (an intranet). By default only public addresses are fetched.",
    ),
) -> None:
    """Run the web app: analyze, article view, corpus search, dashboard, JSON API."""
    from spinscope.errors import InputError
    from spinscope.web.serve import allowed_hosts, is_loopback
    from spinscope.web.serve import serve as run_server

    try:
        allowed_hosts(host, allow_remote=allow_remote, extra=allowed_host)
    except InputError as e:
        fail(str(e))
    if not is_loopback(host):
        typer.echo(
            f"spinscope: warning: serving on {host}: anyone who can reach it can read and add"
            " to the corpus (no login)",
            err=True,
        )
        if allow_private_urls:
            typer.echo(
                "spinscope: warning: --allow-private-urls: anyone who can reach the app can make"
                " it fetch pages from this machine and its network",
                err=True,
            )
    try:
        run_server(
            db,
            host=host,
            port=port,
            allow_remote=allow_remote,
            extra_hosts=allowed_host,
            allow_private_urls=allow_private_urls,
        )
    except InputError as e:  # the port is taken, or the address is not this machine's
        fail(str(e))


# -- near-duplicates: spinscope.store.commands -------------------------------------------------

from spinscope.store.commands import duplicates as _duplicates  # noqa: E402 - light: Typer only

app.command(name="duplicates")(_duplicates)


# -- batch (Dask): spinscope.scale.command -----------------------------------------------------

from spinscope.scale.command import EPILOG as _BATCH_EPILOG  # noqa: E402 - light: Typer only
from spinscope.scale.command import batch as _batch  # noqa: E402

app.command(name="batch", epilog=_BATCH_EPILOG)(_batch)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
