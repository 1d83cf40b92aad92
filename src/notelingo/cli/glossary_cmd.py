"""``notelingo glossary ...``: view, edit, import, export and grow the ML glossary."""

from __future__ import annotations

import typer

from ._app import app

glossary_app = typer.Typer(help="View, edit, lint, import/export and mine the ML terminology glossary.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")


@glossary_app.command("list")
def list_command() -> None:
    """List the glossary's entries."""
    raise NotImplementedError
