"""Message lists written by scripts (JSON or JSON Lines) -> one Post per message with text.

People who script a channel instead of exporting it get one of these shapes, recognised
from content (never from the file name):

* homemade: ``{message_id, date, message_text (Markdown), message_url, sender_id}``;
* Telethon ``Message.to_dict()``: ``{"_": "Message", id, date, message, entities, peer_id, ...}``;
* Pyrogram: ``{id, date, text | caption, entities, chat: {title, username}, ...}``;
* Bot API: ``{message_id, date (unix time), text | caption, entities, chat}``, bare or inside
  an update (``channel_post``, ``message``, ``edited_channel_post``, ``edited_message``).

A list of them, a ``{"messages": [...]}`` object, or one object per line (JSON Lines). A
Telegram Desktop export (every item typed ``message``/``service``) is not one of these: it is
read by :mod:`.telegram_json`. Each message keeps its id, date, URL (given, or built from the
channel's public username) and channel; its text goes through the same blocks as an export's.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from ..protect.zones import MARKDOWN_LINK_RE, SCHEME
from ..schema import Post, Ref, Source
from .telegram_json import _add_ref, entity_to_segment, read_telegram_json, segments_to_blocks

_TEXT_KEYS = ("message_text", "message", "text", "caption")
_ID_KEYS = ("message_id", "id", "msg_id")
_DATE_KEYS = ("date", "datetime", "posted_at", "published_at", "timestamp")
_URL_KEYS = ("message_url", "url", "link", "post_url")
_UPDATE_KEYS = ("channel_post", "message", "edited_channel_post", "edited_message")
_CHANNEL_KEYS = ("channel", "channel_name", "channel_title", "chat_title", "chat_name", "chat")
#: Telethon's entity class names -> the Bot API type names the export reader knows.
_TELETHON_TYPES = {
    "messageentitytexturl": "text_link", "messageentityurl": "url", "messageentitypre": "pre",
    "messageentitycode": "code", "messageentityblockquote": "blockquote",
}
#: Entities that change what the text is (code, quotes) or carry a link; the others are formatting.
_KEPT_ENTITIES = frozenset({"text_link", "url", "pre", "code", "blockquote", "expandable_blockquote"})
_MIN_SHARE = 0.8  # of the items that must look like messages
_TME_POST = re.compile(rf"^{SCHEME}t\.me/(?:s/)?(?P<channel>[A-Za-z]\w{{3,31}})/(?P<id>\d+)")
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
_EMPHASIS = re.compile(r"(\*\*|__|~~)(?P<text>\S(?:.*?\S)?)\1")


def read_json_messages(data: Any, path: str) -> list[Post]:
    """Posts of parsed JSON: a script's message list, else a Telegram Desktop export (whose reader
    names the shapes it expected when the JSON is neither)."""
    scripted = message_items(data)
    if scripted is not None:
        return read_messages(scripted[0], path, scripted[1])
    return read_telegram_json(data, path)


def message_items(data: Any) -> tuple[list[dict], str | None] | None:
    """(messages, channel name) when ``data`` is a script's message list, else None."""
    channel = None
    items = data
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        items = data["messages"]
        channel = _name(data.get("name") or data.get("title") or data.get("channel") or data.get("username"))
    elif isinstance(data, dict):
        items = [data]
    if not isinstance(items, list) or not items:
        return None
    messages = [_unwrap(item) for item in items if isinstance(item, dict)]
    if all(item.get("type") in ("message", "service") for item in messages):
        return None  # a Telegram Desktop export, or its messages list saved on its own
    shaped = [item for item in messages if _is_message(item)]
    if not shaped or len(shaped) < _MIN_SHARE * len(items):
        return None
    return shaped, channel


def _unwrap(item: dict) -> dict:
    """A Bot API update's message, or the item itself."""
    if "update_id" in item:
        for key in _UPDATE_KEYS:
            if isinstance(item.get(key), dict):
                return item[key]
    return item


def _is_message(item: dict) -> bool:
    has_id = any(isinstance(item.get(key), (int, str)) for key in _ID_KEYS) or bool(_post_url(item))
    has_text = any(key in item for key in _TEXT_KEYS) or "media" in item
    return has_id and any(key in item for key in _DATE_KEYS) and has_text


def _post_url(item: dict) -> re.Match | None:
    url = next((item[key] for key in _URL_KEYS if isinstance(item.get(key), str)), "")
    return _TME_POST.match(url.strip())


def read_messages(items: list[dict], path: str, channel: str | None = None) -> list[Post]:
    """One Post per message with text, in the list's order."""
    posts = []
    for item in items:
        post = message_to_post(item, path, channel)
        if post is not None:
            posts.append(post)
    return posts


def message_to_post(item: dict, path: str, channel: str | None) -> Post | None:
    text, markdown = _text_of(item)
    if not text.strip():
        return None
    refs: list[Ref] = []
    if markdown:
        from .text import _blocks_of

        text = _plain_markdown(text, refs)
        blocks = _blocks_of(text.replace("\r\n", "\n").split("\n"), "markdown")
    else:
        parts = _parts(text, item.get("entities") or item.get("caption_entities") or [])
        blocks = segments_to_blocks(entity_to_segment(part, refs) for part in parts)
    if not blocks:
        return None
    chat = item.get("chat") if isinstance(item.get("chat"), dict) else {}
    username = _name(chat.get("username") or item.get("username") or item.get("channel_username"))
    name = _name(chat.get("title")) or next((_name(item.get(k)) for k in _CHANNEL_KEYS if _name(item.get(k))), None)
    message_id = next((item[key] for key in _ID_KEYS if isinstance(item.get(key), (int, str))), None)
    url = next((item[key] for key in _URL_KEYS if isinstance(item.get(key), str) and item[key].strip()), None)
    if url is None and username and message_id is not None:
        url = f"https://t.me/{username.lstrip('@')}/{message_id}"
    public = _post_url(item)
    if public and username is None:
        username = public.group("channel")
    if public and message_id is None:
        message_id = int(public.group("id"))
    source = Source(
        kind="telegram-json",
        path=path,
        channel=name or channel or (f"@{username.lstrip('@')}" if username else None),
        message_id=message_id if not isinstance(message_id, bool) else None,
        url=url,
        author=_name(item.get("post_author") or item.get("author_signature") or item.get("author")),
        forwarded_from=_forwarded_from(item),
        reply_to=_reply_to(item),
    )
    when = next((item[key] for key in _DATE_KEYS if item.get(key) not in (None, "")), None)
    return Post(source=source, blocks=blocks, date=iso_date(when), refs=refs)


def _plain_markdown(text: str, refs: list[Ref]) -> str:
    """Telegram's Markdown as the text it shows: ``[text](url)`` -> text (the URL becomes a ref),
    ``**bold**``, ``__italic__``, ``~~strike~~`` -> their text. Code spans and fences stay as written."""
    pieces = _CODE.split(text)
    for index in range(0, len(pieces), 2):  # even pieces are outside code
        piece = MARKDOWN_LINK_RE.sub(lambda m: _linked(m, refs), pieces[index])
        pieces[index] = _EMPHASIS.sub(r"\g<text>", piece)
    return "".join(pieces)


def _linked(match: re.Match, refs: list[Ref]) -> str:
    _add_ref(refs, match.group("url"))
    return match.group("text")


def _text_of(item: dict) -> tuple[str, bool]:
    """(text, is Markdown): ``message_text`` of homemade dumps is Markdown, the others are plain + entities."""
    for key in _TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value, key == "message_text"
        if isinstance(value, dict) and isinstance(value.get("text"), str):  # Pyrogram's Str with entities
            return value["text"], False
    return "", False


def _parts(text: str, entities: Any) -> list:
    """The text cut at its code, quote and link entities, as export-style parts (offsets count UTF-16 units)."""
    if not isinstance(entities, list):
        return [text]
    encoded = text.encode("utf-16-le")
    spans = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        kind = _entity_type(entity)
        offset, length = entity.get("offset"), entity.get("length")
        if kind in _KEPT_ENTITIES and isinstance(offset, int) and isinstance(length, int) and length > 0:
            spans.append((offset, offset + length, kind, entity))
    parts: list = []
    position = 0
    for start, end, kind, entity in sorted(spans, key=lambda span: span[0]):
        if start < position or end * 2 > len(encoded):
            continue  # nested in (or overlapping) the entity before it, or past the text
        if start > position:
            parts.append(encoded[position * 2:start * 2].decode("utf-16-le", errors="replace"))
        piece = encoded[start * 2:end * 2].decode("utf-16-le", errors="replace")
        parts.append({"type": kind, "text": piece, "href": entity.get("url"),
                      "language": entity.get("language") or ""})
        position = end
    parts.append(encoded[position * 2:].decode("utf-16-le", errors="replace"))
    return parts


def _entity_type(entity: dict) -> str:
    raw = str(entity.get("type") or entity.get("_") or "")
    name = raw.rsplit(".", 1)[-1].lower()  # Pyrogram writes "MessageEntityType.TEXT_LINK"
    return _TELETHON_TYPES.get(name, name)


def iso_date(value: Any) -> str | None:
    """ISO 8601 of a message date: unix time (Bot API) in UTC, a date string as written, 'T' between."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return value.strip()


def _reply_to(item: dict) -> int | str | None:
    reply = item.get("reply_to")
    if isinstance(reply, dict):
        value = reply.get("reply_to_msg_id")
    elif isinstance(item.get("reply_to_message"), dict):
        value = item["reply_to_message"].get("message_id") or item["reply_to_message"].get("id")
    else:
        value = item.get("reply_to_msg_id") or item.get("reply_to_message_id") or reply
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _forwarded_from(item: dict) -> str | None:
    for key in ("forward_from_chat", "forward_origin"):
        source = item.get(key)
        if isinstance(source, dict):
            chat = source.get("chat") if isinstance(source.get("chat"), dict) else source
            return _name(chat.get("title") or chat.get("username"))
    return _name(item.get("forwarded_from") or item.get("forward_sender_name"))


def _name(value: Any) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None
