"""Export notes: TMX 1.4 for CAT tools, a Markdown vault, re-validated JSONL.

:func:`export_notes` picks the writer by format name from :data:`EXPORTERS`. Importing
this package is cheap: yaml and jsonschema are imported only by the writers that need them.
"""

from __future__ import annotations

import os
from typing import Callable, Sequence

from ..errors import UsageError
from ..schema import Note


def _write_tmx(notes: Sequence[Note], output: str | os.PathLike, source: str) -> int:
    from .tmx import write_tmx

    return write_tmx(notes, output)


def _write_markdown(notes: Sequence[Note], output: str | os.PathLike, source: str) -> int:
    from .vault import write_vault

    return len(write_vault(notes, output))


def _write_jsonl(notes: Sequence[Note], output: str | os.PathLike, source: str) -> int:
    from .jsonl import write_jsonl

    return write_jsonl(notes, output, where=source)


#: Format name -> writer ``(notes, output, source) -> units/files/notes written``; each imports its module late.
EXPORTERS: dict[str, Callable[[Sequence[Note], str | os.PathLike, str], int]] = {
    "tmx": _write_tmx,
    "markdown": _write_markdown,
    "jsonl": _write_jsonl,
}
EXPORT_FORMATS: tuple[str, ...] = tuple(EXPORTERS)


def export_notes(notes: Sequence[Note], fmt: str, output: str | os.PathLike, source: str = "notes") -> int:
    """Write ``notes`` in ``fmt`` to ``output``; returns how many units/files/notes were written."""
    writer = EXPORTERS.get(fmt)
    if writer is None:
        raise UsageError(f"{fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}", option="format")
    return writer(notes, output, source)


__all__ = ["EXPORTERS", "EXPORT_FORMATS", "export_notes"]
