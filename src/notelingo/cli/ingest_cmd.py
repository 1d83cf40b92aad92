"""``notelingo ingest``: sources -> notes.jsonl."""

from __future__ import annotations

from typing import List, Optional

import typer

from ._app import app, err, error_boundary, show_cause, show_progress
from ._options import parse_lang, parse_langs


@app.command("ingest")
def ingest_command(
    inputs: List[str] = typer.Argument(
        ...,
        help="Files, folders (read recursively) or '-' for stdin: Telegram exports (result.json, messages*.html), "
             "blog pages, text and Markdown dumps.",
    ),
    output: str = typer.Option(..., "--output", "-o", help="Where to write the notes (JSON Lines); '-' for stdout."),
    lang: Optional[str] = typer.Option(
        None, "--lang", help="Force the origin language of every note (ISO 639-1), skipping detection."
    ),
    langs: str = typer.Option(
        "ru,en", "--langs", help="Languages in play, most likely first; detection prefers these."
    ),
    engine: str = typer.Option(
        "auto",
        "--engine",
        help="Language detector: auto (fast rules + langdetect), langdetect, lingua (needs notelingo\\[lingua]).",
    ),
) -> None:
    """Read sources, clean them, split them into one note per post or paper, and tag languages."""
    from .. import api
    from ..detect.scripts import check_langs
    from ..fileio import check_output_path

    with error_boundary():
        force = parse_lang(lang) if lang is not None else None
        checked = check_langs(parse_langs(langs))
        check_output_path(output)  # a bad -o fails now, not after reading everything
        with _progress_bar("Reading") as advance:
            notes = api.ingest(*inputs, langs=checked, engine=engine, lang=force, progress=advance)
        report = notes.report
        for path in report.empty:
            err(
                f"warning: {path}: no notes found (empty, or no text notelingo recognises); nothing from it is in "
                "the output"
            )
        for failure in report.failures:
            err(f"error: {failure}")
            show_cause(failure)
        if notes or not report.failures:
            api.write_notes(notes, output)
        if show_progress():
            langs_text = ", ".join(f"{k} {v}" for k, v in report.languages.most_common()) or "none"
            err(
                f"{report.files} file(s), {report.notes} note(s), {report.duplicates_dropped} duplicate note(s) "
                f"and {report.paragraphs_dropped} repeated paragraph(s) dropped; languages: {langs_text}"
                + (f"; {len(report.failures)} input(s) failed" if report.failures else "")
            )
        if report.failures:
            raise typer.Exit(1)


from ._options import progress_bar as _progress_bar  # noqa: E402
