"""``notelingo translate``: notes -> bilingual notes (filled in by the translation stage)."""

from __future__ import annotations

from typing import List

import typer

from ._app import app


@app.command("translate")
def translate_command(
    inputs: List[str] = typer.Argument(..., help="notes.jsonl written by 'ingest', or anything 'ingest' reads."),
    output: str = typer.Option(..., "--output", "-o", help="Where to write the bilingual notes (JSON Lines)."),
) -> None:
    """Translate every note into the languages it lacks, keeping glossary terms, refs, LaTeX and code intact."""
    raise NotImplementedError
