"""``notelingo export``: notes -> TMX, Markdown vault, JSONL."""

from __future__ import annotations

import typer

from ._app import app, err, error_boundary, show_progress

_WHAT = {"tmx": "translation units", "markdown": "note files", "jsonl": "notes"}


@app.command("export")
def export_command(
    notes: str = typer.Argument(..., help="notes.jsonl written by 'translate'."),
    fmt: str = typer.Option(
        "", "--format", "-f",
        help="tmx (translation memory), markdown (one file per note), jsonl; by default from -o "
             "(.tmx, .jsonl; a name without an extension is a markdown folder).",
    ),
    output: str = typer.Option(..., "--output", "-o", help="Output file (tmx, jsonl) or folder (markdown)."),
) -> None:
    """Export notes for CAT tools (TMX 1.4), note vaults (Markdown + front matter) or re-validated JSONL."""
    with error_boundary():
        from .. import api
        from ..errors import UsageError
        from ..fileio import check_output_path
        from ..writers import EXPORT_FORMATS

        fmt = fmt.strip().lower() or format_of(output)
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"--format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
        if fmt != "markdown":  # markdown writes a folder, checked by the vault writer
            check_output_path(output)
        count = api.export(api.read_notes(notes), output, format=fmt, source=notes)
        if show_progress():
            err(f"export: wrote {output} ({count} {_WHAT[fmt]})")
        if fmt == "tmx" and count == 0:
            err(f"warning: {notes}: no translated sentences, so the TMX has no units; run 'notelingo translate' first")


def format_of(output: str) -> str:
    """The export format an output name implies: ``x.tmx`` -> tmx, ``x.jsonl`` -> jsonl, a name without an
    extension (or an existing folder) -> markdown; raises ``UsageError`` naming ``--format`` otherwise."""
    import os
    from pathlib import PurePath

    from ..errors import UsageError

    suffix = PurePath(output).suffix.lower()
    if suffix in (".tmx", ".jsonl"):
        return suffix[1:]
    if not suffix or os.path.isdir(output) or output.endswith(("/", os.sep)):
        return "markdown"
    raise UsageError(f"--format: cannot tell the format from {output!r}; give -f tmx, -f markdown or -f jsonl")
