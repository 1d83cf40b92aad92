"""``notelingo models ...``: list, download and locate translation models."""

from __future__ import annotations

import typer

from ._app import app

models_app = typer.Typer(help="List, download and locate Marian translation models.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("list")
def list_command() -> None:
    """List the models notelingo would use and whether they are available offline."""
    raise NotImplementedError
