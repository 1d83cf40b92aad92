"""Render bilingual notes as digests: a self-contained HTML page or a Markdown document.

Entry points: :func:`build_digest` (select, group, count), :func:`render_digest`
(Digest -> text) and :func:`write_digest` (notes -> file, format from the extension).
Importing this package is cheap (standard library and the schema only).
"""

from .digest import (
    DIGEST_FORMATS,
    Digest,
    DigestOptions,
    build_digest,
    digest_format,
    digest_langs,
    filter_by_date,
    render_digest,
    write_digest,
)
from .grouping import GROUP_BY_CHOICES, Group, group_notes

__all__ = [
    "DIGEST_FORMATS",
    "Digest",
    "DigestOptions",
    "GROUP_BY_CHOICES",
    "Group",
    "build_digest",
    "digest_format",
    "digest_langs",
    "filter_by_date",
    "group_notes",
    "render_digest",
    "write_digest",
]
