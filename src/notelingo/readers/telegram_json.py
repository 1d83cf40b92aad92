"""Telegram Desktop JSON export (``result.json``) -> one Post per message with text.

Both export formats are read: the legacy one, where ``text`` is a string or a list
mixing strings and entity objects, and the newer one with ``text_entities`` (a list
of ``{"type", "text", ...}`` parts, plain text as type ``plain``). A full-account
export (``chats.list[*].messages``) is read chat by chat.

The segment model here (:class:`Segment`, :func:`segments_to_blocks`) is shared with
the HTML export reader, so both exports of one channel give the same Posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from ..errors import FormatError
from ..protect.zones import HOST_TARGET_RE, SCHEME_RE
from ..schema import Post, RawBlock, Ref, Source
from .codeshape import split_code

# Entity types whose text is a quote; Telegram added the expandable kind in 2024.
QUOTE_TYPES = frozenset({"blockquote", "expandable_blockquote"})
LINK_TYPES = frozenset({"link", "url"})

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")


@dataclass
class Segment:
    """A run of message text: ``inline`` text, a ``code`` block or a ``quote``."""

    kind: str
    text: str
    language: str = ""


def url_of_link(href: str) -> str | None:
    """The resolvable URL of a link target, or None for mailto:, tel:, anchors and local files."""
    href = (href or "").strip()
    if SCHEME_RE.match(href):
        return href
    if " " not in href and HOST_TARGET_RE.match(href):
        return "http://" + href
    return None


def inline_code(text: str) -> str:
    """Wrap inline code in backticks, leaving the surrounding whitespace outside them."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    fence = "``" if "`" in core else "`"
    pad = " " if core.startswith("`") or core.endswith("`") else ""
    return f"{lead}{fence}{pad}{core}{pad}{fence}{trail}"


# What code has and prose never has (braces, '=', calls, snake_case, paths with dots) and
# what prose has now and then ("read/send", "; paying", "@handle"): a few of those are allowed.
_CODE_MARKS = re.compile(r"[{}=`\\]|\(\)|::|->|\w_\w|\b\w+\.\w+\(|\$(?![\d\s])|;\s*$|(?:^|\s)--?[A-Za-z]")
_SENTENCE_END = re.compile(r"[.!?…:)»\"”]$")
_ODD_MARKS = re.compile(r"[\[\]<>;/|#@~^*$]")
_PROSE_MIN_WORDS = 5
_PROSE_MIN_LETTERS = 0.75
_WORDS_PER_ODD_MARK = 8


def monospace(text: str) -> str:
    """Text a message sets in monospace: inline code in backticks, unless it is prose.

    Channels set whole sentences in monospace for looks ("`Difficult-to-implement
    encryption schemes … leading to a false sense of security.`"): a sentence (five words or
    more, closed by its punctuation), mostly letters, nothing that code has (braces, ``=``,
    snake_case, calls, command-line flags) and few of the marks prose seldom has (slashes, ``#``, ``@``).
    Such a sentence is text to translate, not code to keep.
    """
    core = text.strip()
    letters = sum(ch.isalpha() for ch in core)
    non_space = sum(not ch.isspace() for ch in core) or 1
    words = len(core.split())
    prose = (words >= _PROSE_MIN_WORDS and letters / non_space >= _PROSE_MIN_LETTERS and _SENTENCE_END.search(core)
             and not _CODE_MARKS.search(core) and len(_ODD_MARKS.findall(core)) * _WORDS_PER_ODD_MARK <= words)
    return text if prose else inline_code(text)


def _split_paragraphs(text: str) -> list[str]:
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def segments_to_blocks(segments: Iterable[Segment]) -> list[RawBlock]:
    """Turn segments into blocks: inline text is split into code runs (:mod:`notelingo.readers.codeshape`)
    and paragraphs at blank lines."""
    blocks: list[RawBlock] = []
    pending: list[str] = []

    def flush() -> None:
        # Code pasted as plain text (no code entity) is a code block too.
        for is_code, piece in split_code("".join(pending)):
            if is_code:
                blocks.append(RawBlock("code", piece.strip("\n")))
            else:
                blocks.extend(RawBlock("paragraph", part) for part in _split_paragraphs(piece))
        pending.clear()

    for segment in _merge_adjacent(segments):
        if segment.kind == "inline":
            pending.append(segment.text)
            continue
        flush()
        if segment.kind == "code":
            code = segment.text.strip("\n")
            if code.strip():
                attrs = {"language": segment.language} if segment.language else {}
                blocks.append(RawBlock("code", code, attrs))
        else:
            blocks.extend(RawBlock("quote", part) for part in _split_paragraphs(segment.text))
    flush()
    return blocks


def _merge_adjacent(segments: Iterable[Segment]) -> list[Segment]:
    """Join neighbouring quote runs (an entity split by formatting is one quote)."""
    merged: list[Segment] = []
    for segment in segments:
        if merged and segment.kind == "quote" and merged[-1].kind == "quote":
            merged[-1] = Segment("quote", merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def entity_to_segment(part: Any, refs: list[Ref]) -> Segment:
    """One element of a message's ``text`` list (a string or an entity) as a segment."""
    if isinstance(part, str):
        return Segment("inline", part)
    if not isinstance(part, dict):
        return Segment("inline", "")
    kind = str(part.get("type") or "plain")
    text = part.get("text")
    text = text if isinstance(text, str) else ""
    if kind == "pre":
        return Segment("code", text, str(part.get("language") or ""))
    if kind == "code":
        return Segment("code", text) if "\n" in text.strip() else Segment("inline", monospace(text))
    if kind in QUOTE_TYPES:
        return Segment("quote", text)
    if kind == "text_link":
        _add_ref(refs, part.get("href"))
    elif kind in LINK_TYPES:
        _add_ref(refs, text)
    # Every other type (bold, mention, hashtag, email, spoiler, custom_emoji, and
    # types Telegram adds later) degrades to its text.
    return Segment("inline", text)


def _add_ref(refs: list[Ref], href: Any) -> None:
    url = url_of_link(href) if isinstance(href, str) else None
    if url and all(ref.url != url for ref in refs):
        refs.append(Ref(kind="url", id=url, url=url))


def message_parts(message: dict) -> list:
    """The text parts of a message, from ``text_entities`` when present (newer exports)."""
    entities = message.get("text_entities")
    if isinstance(entities, list):
        return entities
    text = message.get("text")
    if isinstance(text, list):
        return text
    return [text] if isinstance(text, str) else []


def message_to_post(message: dict, path: str, channel: str | None) -> Post | None:
    """One Post for a message with text, or None (service message, media without caption)."""
    if message.get("type", "message") != "message":
        return None
    refs: list[Ref] = []
    segments = [entity_to_segment(part, refs) for part in message_parts(message)]
    blocks = segments_to_blocks(segments)
    if not blocks:
        return None
    source = Source(
        kind="telegram-json",
        path=path,
        channel=channel,
        message_id=_scalar(message.get("id")),
        author=_text_or_none(message.get("from") or message.get("author")),
        forwarded_from=_text_or_none(message.get("forwarded_from") or message.get("saved_from")),
        reply_to=_scalar(message.get("reply_to_message_id")),
    )
    date = date_with_offset(_text_or_none(message.get("date")), message.get("date_unixtime"))
    return Post(source=source, blocks=blocks, date=date, refs=refs)


def date_with_offset(date: str | None, unixtime: Any) -> str | None:
    """The exporter's local ``date`` with its UTC offset, read off ``date_unixtime``.

    '2023-03-01T09:00:00' at 1677650400 (06:00 UTC) -> '2023-03-01T09:00:00+03:00'; the
    HTML export of the same message says 'UTC+03:00'. Without a usable timestamp (legacy
    exports) the date stays as it is: no zone is better than a guessed one. A ``date`` that is no
    date ('2024-02-30T10:00:00', hand-edited or damaged exports) is replaced by the timestamp in UTC,
    or None: a note's date is ISO 8601 or nothing.
    """
    try:
        local = datetime.fromisoformat(date or "")
    except ValueError:
        return _utc_of(unixtime) if date else None
    try:
        utc = datetime.fromtimestamp(int(unixtime), tz=timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return date
    if local.tzinfo is not None:
        return date
    minutes = round((local - utc).total_seconds() / 900) * 15  # zones are whole quarter hours
    if abs(minutes) > 14 * 60 or abs((local - utc).total_seconds() - minutes * 60) > 60:
        return date  # not the same moment in some zone: a broken timestamp
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{date}{sign}{hours:02d}:{rest:02d}"


def _utc_of(unixtime: Any) -> str | None:
    try:
        return datetime.fromtimestamp(int(unixtime), tz=timezone.utc).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _scalar(value: Any) -> int | str | None:
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _text_or_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def chats_of_export(data: Any, path: str) -> list[dict]:
    """The chats of an export: the one chat of a chat export, or every chat of a full export."""
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return [data]
    if isinstance(data, list) and data and all(_is_message(item) for item in data):
        return [{"messages": data}]  # a chat's "messages" list saved on its own (no chat name)
    if isinstance(data, dict) and isinstance(data.get("chats"), dict):
        chats = []
        for section in ("chats", "left_chats"):
            listed = (data.get(section) or {}).get("list")
            if isinstance(listed, list):
                chats.extend(
                    chat for chat in listed if isinstance(chat, dict) and isinstance(chat.get("messages"), list)
                )
        return chats
    raise FormatError(
        path,
        "is JSON but not a Telegram Desktop export: expected an object with a 'messages' list "
        "(result.json from Telegram Desktop > Export chat history, format JSON), or a script's list of "
        "messages with an id, a date and a text each",
    )


def _is_message(item: Any) -> bool:
    return isinstance(item, dict) and "id" in item and "date" in item and item.get("type") in ("message", "service")


def read_telegram_json(data: Any, path: str) -> list[Post]:
    """Posts of a parsed Telegram Desktop JSON export, in message order."""
    posts: list[Post] = []
    for chat in chats_of_export(data, path):
        channel = _text_or_none(chat.get("name"))
        for message in chat["messages"]:
            if isinstance(message, dict):
                post = message_to_post(message, path, channel)
                if post is not None:
                    posts.append(post)
    return posts
