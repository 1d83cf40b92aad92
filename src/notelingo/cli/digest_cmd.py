"""``notelingo digest``: bilingual notes -> HTML / Markdown digest."""

from __future__ import annotations

from typing import Optional

import typer

from ._app import app, err, error_boundary, show_progress
from ._options import parse_langs


def _parse_day(value: Optional[str], option: str):
    from datetime import date

    from ..errors import UsageError

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise UsageError(f"{option} {value!r}: give an ISO date, e.g. 2021-10-18") from None


@app.command("digest")
def digest_command(
    notes: str = typer.Argument(..., help="notes.jsonl written by 'translate' (or 'ingest')."),
    output: str = typer.Option(
        ..., "--output", "-o", help="digest.html or digest.md (the extension picks the format); '-' for stdout."
    ),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f", help="html or markdown (default: from the extension; markdown on stdout)."
    ),
    group_by: str = typer.Option(
        "paper", "--group-by", help="paper (same arXiv id, DOI or title), source, date or none."
    ),
    since: Optional[str] = typer.Option(
        None, "--since", help="Only notes dated on or after this ISO date (undated notes are then left out)."
    ),
    until: Optional[str] = typer.Option(
        None, "--until", help="Only notes dated on or before this ISO date (undated notes are then left out)."
    ),
    title: str = typer.Option("notelingo digest", "--title", help="Title of the digest."),
    langs: Optional[str] = typer.Option(
        None, "--langs", help="Languages to show, in column order, e.g. 'ru,en' (default: all the notes have)."
    ),
) -> None:
    """Write a bilingual digest (HTML or Markdown), notes grouped by paper, source or date."""
    with error_boundary():
        from .. import api
        from ..fileio import check_output_path, write_text_atomic
        from ..render import digest_format
        from ..render.digest import plural

        digest_format(output, fmt)  # a bad extension is a usage error before any reading
        check_output_path(output)
        since_day, until_day = _parse_day(since, "--since"), _parse_day(until, "--until")
        options = {"group_by": group_by, "since": since_day, "until": until_day, "title": title,
                   "langs": parse_langs(langs) if langs else None}
        if output == "-" or fmt is not None:  # stdout, or the format named whatever the file's extension
            digest = api.digest(api.read_notes(notes), digest_format(output, fmt), **options)
            if output == "-":
                typer.echo(digest.text, nl=False)  # the page and nothing else; the summary goes to stderr
            else:
                write_text_atomic(output, digest.text)
        else:
            digest = api.digest(api.read_notes(notes), output, **options)
        if show_progress():
            by_lang = ", ".join(f"{lang} {count}" for lang, count in sorted(digest.by_lang.items()))
            groups = plural(len(digest.groups), "group")
            counts = f"{plural(len(digest.notes), 'note')} in {groups}; {by_lang or 'no notes'}"
            err(f"digest: wrote {'stdout' if output == '-' else output} ({counts})")
