"""Format detection from content (the extension is only a hint) and strict JSON parsing.

Formats: ``notes`` (a notes.jsonl written by notelingo), ``json`` (a Telegram export or a
script's message list, JSON or JSON Lines), ``feed`` (RSS/Atom), ``telegram-html``,
``telegram-web`` (a saved ``t.me/s/<channel>`` page), ``html`` (any other page), ``markdown``
and ``text``.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from ..errors import FormatError
from ..fileio import is_notes_jsonl

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".mkd"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
_JSON_LINES_SAMPLE = 5
# A UTF-16 surrogate written as a JSON escape; json.loads joins a valid pair into one character and keeps a lone
# half as is, which no UTF-8 file can hold.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Markers the Telegram Desktop HTML exporter writes on every page.
_FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*\?>\s*)*<(rss|feed|rdf:RDF)[\s>]",
                         re.IGNORECASE | re.DOTALL)
TELEGRAM_WEB_MARKER = "tgme_widget_message"
_TELEGRAM_HTML_MARKERS = ('class="page_header"', 'class="message default', 'class="message service', 'class="history"')
_HTML_START = re.compile(
    r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)
_LATE_HTML_START = re.compile(r"^\s*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.MULTILINE)
_LATE_START_WINDOW = 32_768
_HTML_TAGS = re.compile(r"<(head|body|div|p|article|main)[\s>]", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_MD_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def suffix_of(path: str) -> str:
    return PurePath(path).suffix.lower()


def detect_format(text: str, path: str) -> str:
    """Name the format of ``text`` (read from ``path``) by looking at its content."""
    head = text.lstrip("\ufeff \t\r\n")
    if is_notes_jsonl(head):
        return "notes"
    if _looks_like_json(head, path):
        return "json"
    if looks_like_feed(head):
        return "feed"
    if looks_like_html(head, path):
        window = head[:200_000]
        if any(marker in window for marker in _TELEGRAM_HTML_MARKERS):
            return "telegram-html"
        if looks_like_telegram_web(window):
            return "telegram-web"
        return "html"
    if suffix_of(path) in MARKDOWN_SUFFIXES or looks_like_markdown(head):
        return "markdown"
    return "text"


def _looks_like_json(head: str, path: str) -> bool:
    if not head.startswith(("{", "[")):
        # A .json file holding only null, a number or a string (an export that failed) is JSON, to be refused as
        # such; read as text it became a note titled "null".
        return suffix_of(path) in JSON_SUFFIXES and len(head) < 4096 and _parses(head)
    if suffix_of(path) in JSON_SUFFIXES or '"messages"' in head[:100_000] or looks_like_json_lines(head):
        return True
    # Without a .json name, only content that really parses counts as JSON:
    # a text note may well start with "[1] ..." or "{draft}".
    return _parses(head)


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def looks_like_html(head: str, path: str) -> bool:
    if _HTML_START.match(head[:4096]):
        return True
    if suffix_of(path) in HTML_SUFFIXES and _HTML_TAGS.search(head[:4096]):
        return True
    # A saved page whose server printed warnings first ("<br />\n<b>Deprecated</b>: … on line 520")
    # is still a page: its doctype or <html> opens a line further down, under lines of markup
    # only (a Markdown tutorial with "<html>" in a code block has prose or a fence above it).
    late = _LATE_HTML_START.search(head[:_LATE_START_WINDOW])
    above = head[:late.start()].splitlines() if late else []
    return bool(late) and all(line.lstrip().startswith("<") for line in above if line.strip())


def looks_like_markdown(head: str) -> bool:
    sample = head[:50_000]
    if _MD_HEADING.search(sample):
        return True
    return len(_MD_FENCE.findall(sample)) >= 2


def looks_like_json_lines(head: str) -> bool:
    """JSON Lines (one object per line, as scripts dump messages): the first lines each parse as an object."""
    lines = [line for line in head[:200_000].split("\n")[:_JSON_LINES_SAMPLE + 1] if line.strip()]
    if len(lines) < 2 or not all(line.lstrip().startswith("{") for line in lines):
        return False
    try:
        return all(isinstance(json.loads(line), dict) for line in lines[:_JSON_LINES_SAMPLE])
    except ValueError:
        return False


def loads(text: str) -> object:
    """``json.loads`` without lone surrogates: scripts that cut a message at a UTF-16 offset (Telethon and
    Pyrogram dumps, truncated previews) leave half an emoji as ``\\ud83d``; kept, it made every note of the
    file impossible to write ("surrogates not allowed"). The half is dropped, valid pairs are untouched."""
    data = json.loads(text)
    return _without_surrogates(data) if _ESCAPED_SURROGATE.search(text) else data


def _without_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _SURROGATE.sub("", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    return value


def parse_json(text: str, path: str) -> object:
    """Parse JSON, or JSON Lines into a list of objects; a syntax error becomes a FormatError naming the
    line and column."""
    text = text.lstrip("\ufeff")
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and _first_line_is_object(text):
            return _json_lines(text, path)
        raise FormatError(
            path,
            f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}); the file may be truncated, export it "
            "again",
        ) from None
    except RecursionError:
        raise FormatError(path, "JSON is nested too deeply to read; is it really a Telegram export?") from None


def _first_line_is_object(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _json_lines(text: str, path: str) -> list:
    items = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(loads(line))
        except json.JSONDecodeError as exc:
            raise FormatError(
                path, f"line {number}, column {exc.colno}: invalid JSON Lines ({exc.msg}); the file may be truncated"
            ) from None
    return items


def looks_like_feed(head: str) -> bool:
    """An RSS or Atom document: its root element is ``rss``, ``feed`` or ``rdf:RDF``."""
    return bool(_FEED_START.match(head[:4096]))


def looks_like_telegram_web(head: str) -> bool:
    """A saved ``t.me/s/<channel>`` page (or a single post's embed): its messages carry ``data-post``."""
    window = head[:400_000]
    return (f'class="{TELEGRAM_WEB_MARKER}' in window or f"{TELEGRAM_WEB_MARKER} " in window) and "data-post=" in window
