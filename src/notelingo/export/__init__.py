"""Export notes: TMX 1.4 for CAT tools, a Markdown vault, re-validated JSONL.

:func:`export_notes` picks the writer by format name. Importing this package is
cheap: yaml and jsonschema are imported only by the writers that need them.
"""

from __future__ import annotations

import os
from typing import Sequence

from ..errors import UsageError
from ..schema import Note

EXPORT_FORMATS: tuple[str, ...] = ("tmx", "markdown", "jsonl")


def export_notes(notes: Sequence[Note], fmt: str, output: str | os.PathLike, source: str = "notes") -> int:
    """Write ``notes`` in ``fmt`` to ``output``; returns how many units/files/notes were written."""
    if fmt == "tmx":
        from .tmx import write_tmx

        return write_tmx(notes, output)
    if fmt == "markdown":
        from .vault import write_vault

        return len(write_vault(notes, output))
    if fmt == "jsonl":
        from .jsonl import write_jsonl

        return write_jsonl(notes, output, where=source)
    raise UsageError(f"--format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")


__all__ = ["EXPORT_FORMATS", "export_notes"]


from .._callable import make_callable  # noqa: E402

make_callable(__name__)  # notelingo.export(...) is notelingo.api.export(...)
