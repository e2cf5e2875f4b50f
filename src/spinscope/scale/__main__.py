"""``python -m spinscope.scale``: the batch command without the rest of the CLI."""

from __future__ import annotations

import typer

from spinscope.scale.command import EPILOG, batch


def main() -> None:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command(epilog=EPILOG)(batch)
    app()


if __name__ == "__main__":
    main()
