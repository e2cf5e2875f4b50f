"""Options and error reporting shared by the ``spinscope`` commands.

``spinscope.cli`` and the command modules of each capability (``spinscope.scale.command``, …)
import these from here, so no command module imports ``spinscope.cli`` back. Imports nothing
heavy: ``spinscope --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

OUTLET_HELP = (
    "Outlet of inputs that name none themselves (plain text; JSONL records without an"
    " 'outlet'): a site name from HTML metadata or a JSONL field is kept."
)
TERMS_HELP = (
    "Watch terms: a UTF-8 file with one term or phrase per line ('#' starts a comment line)."
    " Every whole-word occurrence, in any case, is marked as the 'watch' layer, in its own"
    " colour, apart from (and never counted as) the model's techniques."
)
DB_HELP = "Database URL: sqlite:///FILE (default: spinscope.db here) or postgresql://…"


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr and exit: the only way commands report user errors."""
    typer.echo(f"spinscope: error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)


def outlet_option(outlet: str | None) -> str | None:
    """``--outlet NAME`` with its white space normalised; a one-line error if empty or long."""
    if outlet is None:
        return None
    name = " ".join(outlet.split())
    if not name or len(name) > 300:
        fail("--outlet needs a name of 1 to 300 characters")
    return name


def terms_option(path: Path | None) -> tuple[str, ...] | None:
    """``--terms FILE`` read into terms; a bad file is a one-line error naming it."""
    if path is None:
        return None
    from spinscope.watch import WatchTermsError, read_terms

    try:
        return read_terms(path)
    except WatchTermsError as e:
        fail(str(e))
