"""``notelingo digest``: bilingual notes -> HTML / Markdown digest."""

from __future__ import annotations

import typer

from ._app import app


@app.command("digest")
def digest_command(
    notes: str = typer.Argument(..., help="notes.jsonl written by 'translate' (or 'ingest')."),
    output: str = typer.Option(..., "--output", "-o", help="digest.html or digest.md (the extension picks the format)."),
) -> None:
    """Write a bilingual digest (HTML or Markdown), notes grouped by paper, source or date."""
    raise NotImplementedError
