"""Ingest: input paths -> reader output (``Post`` objects), format detected from content.

Contract used by :func:`notelingo.api.collect_notes`:

* ``expand_inputs(inputs) -> (paths, failures)``: files, folders (recursive, symlink
  loops safe) and '-' (stdin) expanded into a sorted list of paths to read, plus an
  ``InputError`` for each input that does not exist or cannot be listed.
* ``read_input(path) -> ReadResult``: read one path; ``ReadResult.posts`` holds the
  ``Post`` objects a reader found, ``ReadResult.notes`` the notes of a notes.jsonl
  file read back as they are. Raises ``InputError`` (one line, naming the file and
  the fix) and nothing else.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import FormatError, InputError
from ..fileio import decode_bytes, parse_notes, read_text
from ..schema import Note, Post
from .formats import detect_format, parse_json

STDIN = "-"

# Files inside folders that are clearly not inputs (a Telegram export folder holds
# photos, stickers, css and js beside messages.html). Given by name, they are read.
SKIPPED_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ico", ".svg", ".heic", ".tgs",
    ".mp3", ".ogg", ".oga", ".wav", ".flac", ".m4a", ".opus", ".mp4", ".webm", ".mov", ".avi", ".mkv",
    ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".zst",
    ".pyc", ".pyo", ".so", ".o", ".a", ".dll", ".exe", ".bin", ".class", ".jar", ".whl",
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".epub",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".css", ".js", ".map",
    ".sqlite", ".db", ".pkl", ".pt", ".npy", ".npz", ".parquet",
    # source code and scripts kept beside notes (a notes site's build scripts: '#' comments read as headings)
    ".py", ".pyi", ".ps1", ".psm1", ".psd1", ".sh", ".bash", ".zsh", ".fish", ".bat", ".cmd",
    ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".vue", ".svelte", ".scss", ".sass", ".less",
    ".c", ".h", ".cc", ".cpp", ".hpp", ".cu", ".java", ".kt", ".scala", ".go", ".rs", ".rb", ".php", ".pl",
    ".lua", ".swift", ".cs", ".sql", ".toml", ".ini", ".cfg", ".lock",
})
_DIGITS = re.compile(r"(\d+)")


@dataclass
class ReadResult:
    posts: list[Post] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


@dataclass
class _StdinCache:
    """stdin can be read once: the bytes are kept for ``read_input('-')``."""

    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is None:
            self.data = sys.stdin.buffer.read()
        return self.data


_stdin = _StdinCache()


def natural_key(name: str) -> tuple:
    """Sort key: messages.html, messages2.html, messages10.html (the export's page order)."""
    stem, suffix = os.path.splitext(name)
    return ([int(part) if part.isdigit() else part for part in _DIGITS.split(stem)], suffix.lower(), name)


def is_candidate(name: str) -> bool:
    return not name.startswith(".") and Path(name).suffix.lower() not in SKIPPED_SUFFIXES


def expand_inputs(inputs: Iterable[str]) -> tuple[list[str], list[InputError]]:
    """Expand files, folders (recursively) and '-' into the paths to read, in input order.

    Folder contents come in natural name order; hidden files and clearly non-text
    files (images, archives, compiled code) inside folders are skipped. A file
    reached twice (a symlink, a folder given twice) is read once.
    """
    paths: list[str] = []
    failures: list[InputError] = []
    seen_files: set[str] = set()
    seen_dirs: set[str] = set()

    def add(path: str) -> None:
        key = path if path == STDIN else os.path.realpath(path)
        if key not in seen_files:
            seen_files.add(key)
            paths.append(path)

    for raw in inputs:
        item = str(raw)
        if item == STDIN:
            _stdin.read()
            add(STDIN)
        elif os.path.isdir(item):
            for path in _walk_folder(item, seen_dirs, failures):
                add(path)
        elif os.path.lexists(item) and os.path.exists(item):
            add(item)
        else:
            failures.append(FormatError(item, "no such file or folder; check the path"))
    return paths, failures


def _walk_folder(folder: str, seen_dirs: set[str], failures: list[InputError]) -> list[str]:
    real = os.path.realpath(folder)
    if real in seen_dirs:  # a symlink loop, or a folder already read
        return []
    seen_dirs.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: natural_key(entry.name))
    except OSError as exc:
        failures.append(FormatError(folder, f"folder cannot be listed ({exc.strerror or exc}); check its permissions"))
        return []
    found: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                found.extend(_walk_folder(entry.path, seen_dirs, failures))
            elif entry.is_file() and is_candidate(entry.name):
                found.append(entry.path)
        except OSError as exc:
            failures.append(FormatError(entry.path, f"cannot be inspected ({exc.strerror or exc})"))
    return found


def read_input(path: str) -> ReadResult:
    """Read one input path (or '-' for stdin), detecting its format from the content."""
    path = str(path)
    text = decode_bytes(_stdin.read(), STDIN) if path == STDIN else read_text(path)
    try:
        return read_decoded(text, path)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure, bugs included, is this file's error
        # The contract is that garbage gives an InputError, never a traceback, and that the other
        # inputs are still read; the reader's own error stays chained as the cause, so --debug shows
        # where a reader broke (a bug is not hidden).
        raise FormatError(
            path, f"could not be read ({type(exc).__name__}: {exc}); check that it is a complete export or page"
        ) from exc


def _read_notes(text: str, path: str, kind: str) -> ReadResult:
    return ReadResult(notes=parse_notes(text, path))


def _read_json_messages(text: str, path: str, kind: str) -> ReadResult:
    """A Telegram Desktop export, or a message list from Telethon, Pyrogram or Bot API scripts."""
    from .messages import read_json_messages

    return ReadResult(posts=read_json_messages(parse_json(text, path), path))


def _read_feed(text: str, path: str, kind: str) -> ReadResult:
    from .feeds import read_feed

    return ReadResult(posts=read_feed(text, path))


def _read_telegram_web(text: str, path: str, kind: str) -> ReadResult:
    from .telegram_web import read_telegram_web

    return ReadResult(posts=read_telegram_web(text, path))


def _read_telegram_html(text: str, path: str, kind: str) -> ReadResult:
    from .telegram_html import read_telegram_html

    return ReadResult(posts=read_telegram_html(text, path))


def _read_blog_html(text: str, path: str, kind: str) -> ReadResult:
    from .html import read_blog_html

    return ReadResult(posts=read_blog_html(text, path))


def _read_text_dump(text: str, path: str, kind: str) -> ReadResult:
    from .text import read_text_dump

    return ReadResult(posts=read_text_dump(text, path, kind))


#: Format name (what :func:`detect_format` answers) -> reader ``(text, path, format) -> ReadResult``;
#: each imports its module late, so importing this package loads no parser.
READERS: dict[str, Callable[[str, str, str], ReadResult]] = {
    "notes": _read_notes,
    "json": _read_json_messages,
    "feed": _read_feed,
    "telegram-web": _read_telegram_web,
    "telegram-html": _read_telegram_html,
    "html": _read_blog_html,
    "markdown": _read_text_dump,
    "text": _read_text_dump,
}


def read_decoded(text: str, path: str) -> ReadResult:
    """Dispatch already-decoded text to the reader of its format (:data:`READERS`)."""
    if not text.strip():
        return ReadResult()
    kind = detect_format(text, path)
    return READERS[kind](text, path, kind)
