"""``notelingo export``: notes -> TMX, Markdown vault, JSONL."""

from __future__ import annotations

import typer

from ._app import app


@app.command("export")
def export_command(
    notes: str = typer.Argument(..., help="notes.jsonl written by 'translate'."),
    fmt: str = typer.Option(..., "--format", "-f", help="tmx (translation memory), markdown (one file per note), jsonl."),
    output: str = typer.Option(..., "--output", "-o", help="Output file (tmx, jsonl) or folder (markdown)."),
) -> None:
    """Export notes for CAT tools (TMX 1.4), note vaults (Markdown + front matter) or re-validated JSONL."""
    raise NotImplementedError
