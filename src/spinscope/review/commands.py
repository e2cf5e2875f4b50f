"""``spinscope review report|export``: how right the model was on the reviewed articles, and
those articles with their corrections in formats the trainers and scorers read."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from spinscope.store import Store

review_app = typer.Typer(
    help="How right spinscope was on the articles you reviewed; export them for training.",
    no_args_is_help=True,
)

_DB_HELP = "Database URL: sqlite:///FILE (default: spinscope.db here) or postgresql://…"


class ExportFormat(str, Enum):
    ptc = "ptc"
    brat = "brat"
    jsonl = "jsonl"


def _fail(msg: str) -> NoReturn:
    typer.echo(f"spinscope: error: {' '.join(msg.split())}", err=True)
    raise typer.Exit(2)


def _open(db: str) -> Store:
    """The store at ``db``; a SQLite file that does not exist is an error, not a new database."""
    from spinscope.store import Store

    if db.startswith("sqlite:///") and ":memory:" not in db:
        path = Path(db.removeprefix("sqlite:///").split("?", 1)[0])
        if not path.is_file():
            _fail(f"{db}: no such database file")
    elif "://" not in db:
        _fail(f"{db}: not a database URL (sqlite:///FILE or postgresql://…)")
    try:
        return Store(db)
    except Exception as e:  # noqa: BLE001 - a bad URL or unreachable server: one line
        _fail(f"{db}: cannot open the database ({type(e).__name__}: {str(e).splitlines()[0]})")


def _reviews(store: Store, reviewer: str | None) -> Any:
    from spinscope.errors import InputError
    from spinscope.review.report import collect

    try:
        return collect(store, reviewer)
    except InputError as e:
        _fail(str(e))


def _pct(p: dict[str, Any]) -> str:
    if p["rate"] is None:
        return "—  (0 judged)"
    return (
        f"{100 * p['rate']:.1f} % [{100 * p['low']:.1f}–{100 * p['high']:.1f}]  ({p['k']}/{p['n']})"
    )


def _num(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def print_report(report: dict[str, Any]) -> None:
    """The report as rich tables (every figure with its Wilson 95 % interval)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    con = Console(highlight=False)
    who = escape(report["reviewer"]) if report["reviewer"] else "each article's latest reviewer"
    n = report["documents"]
    con.print(
        f"[bold]Review report[/bold]: {n} reviewed article{'' if n == 1 else 's'}, labels of {who}; "
        f"default view: confidence ≥ {_num(report['default_confidence'], 2)}"
    )
    tech = report["techniques"]
    t = Table(title="Shown highlights: precision (Wilson 95 %)")
    t.add_column("technique")
    t.add_column("right [95 % interval] (right/shown)", justify="right")
    for name, p in tech["by_technique"].items():
        t.add_row(name, _pct(p))
    t.add_row("[bold]all[/bold]", _pct(tech["precision"]))
    con.print(t)
    verdicts = ", ".join(f"{k} {v}" for k, v in tech["verdicts"].items())
    con.print(f"verdicts on shown highlights: {verdicts or 'none'}; spans added: {tech['added']}")
    m = Table(title="Reviewer's spans the model missed (no highlight of that technique overlaps)")
    m.add_column("model's highlights")
    m.add_column("missed [95 % interval] (missed/spans)", justify="right")
    m.add_row("default view", _pct(report["missed"]["default"]))
    for row in report["missed"]["by_threshold"]:
        m.add_row(f"confidence ≥ {row['min_confidence']:.1f}", _pct(row))
    con.print(m)
    ptc = report["ptc"]
    con.print(
        f"PTC scorer, shown highlights against the corrected spans ({ptc['predicted_spans']} "
        f"predicted, {ptc['gold_spans']} gold): SI {ptc['si']['printed']}; "
        f"TC {ptc['tc']['printed']}; FLC {ptc['flc']['printed']}"
    )
    att = report["attributions"]
    a = Table(title="Who said what")
    a.add_column("measure")
    a.add_column("rate [95 % interval] (k/n)", justify="right")
    a.add_row("statement precision (not rejected)", _pct(att["statement_precision"]))
    a.add_row("speaker precision (kept)", _pct(att["speaker_precision"]))
    a.add_row("statements missed (added by the reviewer)", _pct(att["statements_missed"]))
    con.print(a)
    con.print(f"statements shown without a speaker: {att['no_speaker_shown']}")
    r = Table(title="Reliability: confidence against the share the reviewer kept")
    r.add_column("confidence")
    r.add_column("highlights", justify="right")
    r.add_column("mean confidence", justify="right")
    r.add_column("kept [95 % interval]", justify="right")
    for row in report["reliability"]:
        if row["count"]:
            r.add_row(
                f"{row['lo']:.1f}–{row['hi']:.1f}",
                str(row["count"]),
                _num(row["confidence"]),
                _pct(row["confirmed"]),
            )
    con.print(r)
    if report["agreement"]:
        g = Table(title="Agreement of reviewers on the same articles")
        for col in (
            "reviewers",
            "articles",
            "κ techniques",
            "κ statements",
            "κ speakers",
            "α spans",
        ):
            g.add_column(col)
        for row in report["agreement"]:
            g.add_row(
                escape(" / ".join(row["reviewers"])),
                str(row["documents"]),
                _num(row["techniques"]["kappa"]),
                _num(row["statements"]["kappa"]),
                _num(row["speakers"]["kappa"]),
                _num(row["spans_alpha"]),
            )
        con.print(g)


@review_app.command("report")
def report_cmd(
    db: str = typer.Option("sqlite:///spinscope.db", "--db", help=_DB_HELP),
    reviewer: str | None = typer.Option(
        None, "--reviewer", help="Only this reviewer's reviews (default: each article's latest)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """How right the model was on the reviewed articles.

    Precision of shown highlights per technique, spans missed at each threshold, speaker and
    statement precision (each with a Wilson 95 % interval), a reliability table, and the
    agreement of reviewers on the same articles (Cohen's kappa, Krippendorff's alpha).

    Example: spinscope review report --db sqlite:///spinscope.db
    """
    from spinscope.review.report import compute
    from spinscope.store.review import default_confidence

    store = _open(db)
    with store:
        reviews, every = _reviews(store, reviewer)
    report = compute(reviews, every, default_confidence(), reviewer)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_report(report)


@review_app.command("export")
def export_cmd(
    db: str = typer.Option("sqlite:///spinscope.db", "--db", help=_DB_HELP),
    fmt: ExportFormat = typer.Option(
        ..., "--format", "-f", help="ptc | brat | jsonl.", case_sensitive=False
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (created)."),
    reviewer: str | None = typer.Option(
        None, "--reviewer", help="Only this reviewer's reviews (default: each article's latest)."
    ),
) -> None:
    """Write the reviewed articles with their corrected layers.

    ptc: OUT/train/articles, OUT/train/labels (PTC layout, for `train calibrate --extra OUT`
    and `train techniques --extra OUT`) and the model's shown highlights in OUT/predictions
    (`spinscope ptc score OUT/train/labels OUT/predictions/tc.txt --task tc` gives the precision
    `review report` prints). brat: OUT/ID.txt + OUT/ID.ann, statements as Source/Cue/Content
    with the speaker as a note (for `train attribution --extra OUT`). jsonl: OUT/reviews.jsonl,
    one record per article with the model's and the corrected layers.

    Example: spinscope review export --db sqlite:///spinscope.db --format ptc --out reviewed
    """
    from spinscope.review.export import export

    if out.exists() and not out.is_dir():
        _fail(f"{out}: exists and is not a folder")
    store = _open(db)
    with store:
        reviews, _ = _reviews(store, reviewer)
    try:
        manifest = export(reviews, out, fmt.value)
    except (ValueError, OSError) as e:
        _fail(str(e))
    typer.echo(f"{len(manifest['documents'])} reviewed articles ({fmt.value}) → {out}", err=True)
