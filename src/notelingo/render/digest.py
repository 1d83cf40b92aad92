"""Digest dispatch: pick the format, render through the format -> renderer table, write the file.

The view model (:class:`Digest`, :func:`build_digest`, ...) lives in :mod:`.view` and is
re-exported here; the renderers import the view, never this module.
"""

from __future__ import annotations

import os
from typing import Callable, Sequence

from ..errors import UsageError
from ..schema import Note
from .html import render_html
from .markdown import render_markdown
from .view import (
    DEFAULT_TITLE,
    Digest,
    DigestOptions,
    MetaItem,
    build_digest,
    digest_langs,
    distinct_signatures,
    filter_by_date,
    note_meta_items,
    plural,
    repeats_title,
    title_block,
    title_langs,
)

DIGEST_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
#: Digest format name -> the function that renders a :class:`Digest` in it.
RENDERERS: dict[str, Callable[[Digest], str]] = {"html": render_html, "markdown": render_markdown}


def digest_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    """'html' or 'markdown': ``fmt`` when given, else by the output file's extension (stdout '-': markdown)."""
    if fmt is not None:
        if fmt not in ("html", "markdown", "md"):
            raise UsageError(f"{fmt!r}: use html or markdown", option="format")
        return "markdown" if fmt == "md" else fmt
    if str(path) == "-":
        return "markdown"
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in DIGEST_FORMATS:
        raise UsageError(f"{path}: end the file name with .html or .md to pick the digest format "
                         "(or give {option:format})", option="output")
    return DIGEST_FORMATS[ext]


def render_digest(digest: Digest, fmt: str) -> str:
    """The digest as an HTML page or a Markdown document."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown digest format {fmt!r}; use html or markdown")
    return renderer(digest)


def write_digest(notes: Sequence[Note], path: str | os.PathLike, options: DigestOptions = DigestOptions(),
                 fmt: str | None = None) -> Digest:
    """Build the digest of ``notes`` and write it atomically to ``path`` (format from the extension or ``fmt``)."""
    from ..fileio import atomic_write

    fmt = digest_format(path, fmt)
    digest = build_digest(notes, options)
    digest.text = render_digest(digest, fmt)
    with atomic_write(path) as fh:
        fh.write(digest.text)
    return digest


__all__ = [
    "DEFAULT_TITLE", "DIGEST_FORMATS", "RENDERERS", "Digest", "DigestOptions", "MetaItem", "build_digest",
    "digest_format", "digest_langs", "distinct_signatures", "filter_by_date", "note_meta_items", "plural",
    "render_digest", "repeats_title", "title_block", "title_langs", "write_digest",
]
