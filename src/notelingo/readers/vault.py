"""Notes vaults (Obsidian and the like): a Markdown file in a folder of notes is one note.

A vault note is titled by its front matter's ``title``, else by its one top heading,
else by its file name, and is never cut at its ``##`` sections: in a notes folder a
file *is* a note. The exception is a file that is a dump of several dated posts (date
lines over each post), which is read as the dump it is (:func:`.text.split_at_date_headers`).

Obsidian's own syntax is not text: ``%%comments%%`` and ``^block-ids`` go, wiki links
read as the text Obsidian shows (:mod:`.text`), and an Excalidraw drawing (front matter
``excalidraw-plugin``) keeps only its "Text Elements", never its compressed drawing data.

A file is a vault note when an enclosing folder holds ``.obsidian/`` (the vault's
settings), or when it or a Markdown file beside it carries Obsidian syntax (wiki links,
embeds, block ids, ``%%`` comments, an Excalidraw drawing).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import PurePath

import yaml

from ..notes.dates import iso_date, parse_date_line

_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
_VAULT_SETTINGS = (".obsidian",)
_MAX_PARENTS = 12
_MAX_SIBLINGS = 40
_SIBLING_HEAD = 32_768
_MIN_MARKED = 2
_MAX_TREE_FILES = 2000
#: Documents of the kinds notelingo reads besides notes (pages, dumps, exports, feeds, data and label files):
#: a folder holding them beside Markdown is a folder of inputs, not a vault. Images, PDFs, drawings and
#: code are what vaults keep beside their notes.
_DOCUMENT_SUFFIXES = frozenset({
    ".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson", ".xml", ".rss", ".atom",
    ".yaml", ".yml", ".csv", ".tsv", ".rst", ".org", ".adoc", ".tex",
})
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
#: "[[Page]]", "![[file.png]]": not a heading's "[[anchor-id]]" (Hugging Face doc-builder) nor "[[1, 2]]".
_WIKI_LINK = re.compile(r"(?<![\w\]])!?\[\[(?![\w.-]+\]\]\s*$)[^\[\]\n,]*[^\W\d][^\[\]\n]*\]\]", re.MULTILINE)
_BLOCK_ID = re.compile(r"(?:(?<=\s)|^)\^[A-Za-z0-9][A-Za-z0-9-]{2,}\s*$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_COMMENT = re.compile(r"%%.*?%%", re.DOTALL)
_EXCALIDRAW = re.compile(r"^excalidraw-plugin:", re.MULTILINE)
#: A drawing saved without its front matter still has these (compressed or plain scene JSON).
_DRAWING_DATA = re.compile(r"^#{1,6}[ \t]+(?:Excalidraw Data|Drawing)[ \t]*$|^```compressed-json[ \t]*$", re.MULTILINE)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_TEXT_ELEMENTS = re.compile(r"^#{1,6}\s+Text Elements\s*$")
_TEXT_ELEMENTS_ANYWHERE = re.compile(r"^#{1,6}[ \t]+Text Elements[ \t]*$", re.MULTILINE)
_DATE_KEYS = ("date", "created", "published", "created_at", "creation date")
#: Jekyll names a post "YYYY-MM-DD-slug.md": its date and, with no title given, its slug as title.
_DATED_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.*\w.*)$")


def has_obsidian_syntax(text: str) -> bool:
    """Wiki links or embeds, block ids, ``%%`` comments or an Excalidraw drawing outside code."""
    if _EXCALIDRAW.search(text[:2000]) or _is_drawing(text):
        return True
    prose = _INLINE_CODE.sub("", "\n".join(_outside_fences(text.split("\n"))))
    return bool(_WIKI_LINK.search(prose) or _COMMENT.search(prose)
                or any(_BLOCK_ID.search(line) for line in prose.split("\n")))


def _is_drawing(text: str) -> bool:
    """An Excalidraw drawing's data section with a "Text Elements" heading above it."""
    found = _DRAWING_DATA.search(text)
    return bool(found) and bool(_TEXT_ELEMENTS_ANYWHERE.search(text[:found.end() + 200]))


def is_vault_note(text: str, path: str) -> bool:
    """A Markdown file of a notes vault (see the module docstring)."""
    if path == "-" or not path.lower().endswith(_MARKDOWN_SUFFIXES):
        return has_obsidian_syntax(text)
    folder = os.path.dirname(os.path.abspath(path))
    return (has_obsidian_syntax(text) or _inside_vault(folder) or _is_notes_folder(folder)
            or _folder_has_obsidian_notes(folder))


def _is_notes_folder(folder: str) -> bool:
    """The folder, or one above it, is a tree of notes: two Markdown files or more and no other
    documents (attachments, code, hidden files and files without a suffix, such as LICENSE, aside).
    A folder of documents of all kinds (pages, dumps, label files) is no vault."""
    for current in _folder_and_parents(folder):
        notes, others = _tree_counts(current)
        if others:
            return False
        if notes >= 2:
            return True
    return False


def _folder_and_parents(folder: str):
    """``folder``, then each folder above it, ``_MAX_PARENTS`` at most, up to the root."""
    current = folder
    for _ in range(_MAX_PARENTS):
        yield current
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


@lru_cache(maxsize=512)
def _tree_counts(folder: str) -> tuple[int, int]:
    """(Markdown files, other text files) under ``folder``, looking at ``_MAX_TREE_FILES`` files at most."""
    notes = others = 0
    for _root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            suffix = PurePath(name).suffix.lower()
            if name.startswith("."):
                continue
            if name.lower().endswith(_MARKDOWN_SUFFIXES):
                notes += 1
            elif suffix in _DOCUMENT_SUFFIXES:
                others += 1
            if notes + others >= _MAX_TREE_FILES or others:
                return notes, others
    return notes, others


@lru_cache(maxsize=512)
def _inside_vault(folder: str) -> bool:
    return any(os.path.isdir(os.path.join(current, name))
               for current in _folder_and_parents(folder) for name in _VAULT_SETTINGS)


@lru_cache(maxsize=512)
def _folder_has_obsidian_notes(folder: str) -> bool:
    """Two or more Markdown files of the folder (of the first few, by name), and a quarter of
    them, carry Obsidian syntax: one README quoting ``[[anchor]]`` makes no vault."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.lower().endswith(_MARKDOWN_SUFFIXES))
    except OSError:
        return False
    marked = 0
    for name in names[:_MAX_SIBLINGS]:
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                marked += has_obsidian_syntax(handle.read(_SIBLING_HEAD))
        except OSError:
            continue
    return marked >= _MIN_MARKED and marked * 4 >= min(len(names), _MAX_SIBLINGS)


def vault_lines(text: str, path: str) -> tuple[list[str], dict]:
    """The note's lines without front matter, Obsidian comments and block ids (an Excalidraw
    drawing: its Text Elements only), and its parsed front matter."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    lines, meta = front_matter(lines)
    if "excalidraw-plugin" in meta or path.lower().endswith(".excalidraw.md") or _is_drawing(text):
        lines = text_elements(lines)
    return without_obsidian_markup(lines), meta


def note_title(meta: dict, blocks: list, path: str) -> str | None:
    """Front matter's title, else the one top heading, else the file name (a date is never a title)."""
    return _meta_title(meta) or _top_heading(blocks) or _file_title(path)


def note_date(meta: dict, path: str, found: str | None = None) -> str | None:
    """Front matter's date, else one found in the text's properties, else a date naming the file."""
    return _meta_date(meta) or found or parse_date_line(_stem(path)) or dated_name(path)[0]


def dated_name(path: str) -> tuple[str | None, str | None]:
    """(date, title) of a file named as Jekyll names posts ("2018-11-23-Todo-List.md" -> "2018-11-23",
    "Todo List"), else (None, None)."""
    match = _DATED_NAME.match(_stem(path)) if path != "-" else None
    day = parse_date_line(match["date"]) if match else None
    return (day, match["slug"].replace("-", " ").strip()) if day else (None, None)


#: How far down the closing ``---`` of front matter is looked for (Jekyll posts with long front matter
#: run past 60 lines).
FRONT_MATTER_MAX_LINES = 200


def front_matter_end(lines: list[str]) -> int | None:
    """The index of the line closing YAML front matter at the very top (``---`` or ``...``), or None."""
    if not lines or lines[0].strip() != "---":
        return None
    return next((i for i in range(1, min(len(lines), FRONT_MATTER_MAX_LINES)) if lines[i].strip() in ("---", "...")),
                None)


def front_matter(lines: list[str]) -> tuple[list[str], dict]:
    """YAML front matter at the very top, parsed (an unreadable one is dropped, as Obsidian hides it)."""
    end = front_matter_end(lines)
    if end is None:
        return lines, {}
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        meta = None
    return lines[end + 1:], meta if isinstance(meta, dict) else {}


def text_elements(lines: list[str]) -> list[str]:
    """An Excalidraw drawing's text: the lines of its "Text Elements" section, up to the next
    heading or the ``%%`` that hides the drawing data; nothing when it has no such section."""
    start = next((i for i, line in enumerate(lines) if _TEXT_ELEMENTS.match(line.strip())), None)
    if start is None:
        return []
    kept = []
    for line in lines[start + 1:]:
        if line.strip().startswith("%%") or _HEADING.match(line):
            break
        kept.append(line)
    return kept


def without_obsidian_markup(lines: list[str]) -> list[str]:
    """Lines without ``%%comments%%`` (inline or over several lines) and ``^block-ids``; code stays as is."""
    out: list[str] = []
    in_fence = in_comment = False
    for line in lines:
        if not in_comment and _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(line)
            continue
        if in_comment:
            if "%%" not in line:
                continue
            line, in_comment = line.split("%%", 1)[1], False
            if not line.strip():
                continue
        line = _COMMENT.sub("", line)
        if "%%" in line:
            line, in_comment = line.split("%%", 1)[0], True
            if not line.strip():
                continue
        out.append(_BLOCK_ID.sub("", line).rstrip() if "^" in line else line)
    return out


def _outside_fences(lines: list[str]) -> list[str]:
    kept, in_fence = [], False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            kept.append(line)
    return kept


def _meta_title(meta: dict) -> str | None:
    title = meta.get("title")
    title = " ".join(str(title).split()) if isinstance(title, (str, int, float)) else ""
    return title if title and not parse_date_line(title) else None  # a daily note's title is its date


def _meta_date(meta: dict) -> str | None:
    for key in _DATE_KEYS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        found = iso_date(value.isoformat() if hasattr(value, "isoformat") else str(value))
        if found:
            return found
    return None


def _top_heading(blocks) -> str | None:
    """The note's opening heading (MDX markup above it aside) when no heading outranks it and
    it is the only one of its rank, or it is a level-1 heading over sub-sections of its own before
    the next one ("# LoRA" over "## …" parts and a closing "# Resources"). Flat headings of one rank
    ("# ImageNet", "# CIFAR-100") or "## Overview" beside other "##" sections name parts, not the note."""
    content = [b for b in blocks if b.kind != "markup"]
    if not content or content[0].kind != "heading":
        return None
    level = _level(content[0])
    ranks = [_level(b) for b in content[1:] if b.kind == "heading"]
    if any(rank < level for rank in ranks):
        return None
    same = [i for i, rank in enumerate(ranks) if rank == level]
    if same and (level > 1 or not any(rank > level for rank in ranks[:same[0]])):
        return None
    return content[0].text.strip() or None


def _level(block) -> int:
    level = str(block.attrs.get("level") or "1")
    return int(level) if level.isdigit() else 1


def _stem(path: str) -> str:
    name = PurePath(path).name
    for suffix in (".excalidraw.md", *_MARKDOWN_SUFFIXES):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return PurePath(name).stem


def _file_title(path: str) -> str | None:
    if path == "-":
        return None
    stem = (dated_name(path)[1] or _stem(path)).replace("_", " ").strip()
    return stem if stem and not parse_date_line(stem) else None
