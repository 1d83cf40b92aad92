"""Telegram Desktop HTML export (``messages.html``, ``messages2.html``, ...) -> Posts.

The exporter writes each message as ``div.message.default`` (``id="messageNNN"``);
a message sent soon after one from the same author is "joined": it has no
``from_name`` and inherits the author. Forwarded messages carry their text inside
``div.forwarded.body`` whose ``from_name`` names the origin. Newlines are written
as ``<br>``; raw newlines in the markup are only the exporter's indentation.
The Posts match those of the JSON export of the same channel (same segment model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..protect.zones import SCHEME
from ..schema import Post, Ref, Source
from .telegram_json import Segment, _add_ref, monospace, segments_to_blocks

_DATE_TITLE = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*UTC\s*([+-])(\d{1,2}):?(\d{2}))?"
)
_MESSAGE_ID = re.compile(r"^message(\d+)$")
_REPLY_TARGET = re.compile(r"go_to_message(\d+)")
_BLOCK_TAGS = frozenset({"div", "p"})
# "Капитал via @vote": a post sent through an inline bot. The JSON export keeps the bot
# apart ("from": "Капитал", "via_bot": "@vote"): the author is the name before it.
_VIA_BOT = re.compile(r"\s+via\s+@\w+$")
_MENTION_HREF = re.compile(rf"^(?:{SCHEME})?(?:t\.me|telegram\.me)/([A-Za-z0-9_]+)/?$", re.IGNORECASE)


@dataclass
class _Carry:
    """What a joined message inherits from the message before it."""

    author: str | None = None
    forwarded_from: str | None = None


def classes_of(node) -> set[str]:
    return set((node.attributes.get("class") or "").split())


def iso_from_title(title: str | None) -> str | None:
    """'01.02.2021 10:11:12 UTC+03:00' -> '2021-02-01T10:11:12+03:00' (no offset when absent)."""
    match = _DATE_TITLE.search(title or "")
    if not match:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}T{int(hour):02d}:{minute}:{second or '00'}"
    if sign:
        iso += f"{sign}{int(off_h):02d}:{off_m}"
    return iso


def node_segments(node, refs: list[Ref], in_pre: bool = False) -> list[Segment]:
    """The segments of a message's ``div.text`` (or any element inside it)."""
    segments: list[Segment] = []
    child = node.child
    while child is not None:
        segments.extend(_child_segments(child, refs, in_pre))
        child = child.next
    return segments


def _child_segments(child, refs: list[Ref], in_pre: bool) -> list[Segment]:
    tag = child.tag
    if tag == "-text":
        text = child.text_content or ""
        return [Segment("inline", text if in_pre else re.sub(r"\s*\n\s*", " ", text))]
    if tag == "br":
        return [Segment("inline", "\n")]
    if tag == "pre":
        return [Segment("code", _flat_text(child, refs, in_pre=True), _code_language(child))]
    if tag == "code" and not in_pre:
        return [Segment("inline", monospace(_flat_text(child, refs, in_pre=True)))]
    if tag == "blockquote":
        return [Segment("quote", _flat_text(child, refs, in_pre))]
    if tag == "a":
        _link_ref(child, refs)
    inner = node_segments(child, refs, in_pre)
    if tag in _BLOCK_TAGS and inner:
        # Hand-made or other exporters' HTML: a block element is a line of its own.
        inner.append(Segment("inline", "\n"))
    return inner


def _flat_text(node, refs: list[Ref], in_pre: bool) -> str:
    return "".join(segment.text for segment in node_segments(node, refs, in_pre))


def _code_language(pre) -> str:
    # Telegram writes bare <pre>; other tools write <pre><code class="language-x">.
    code = pre.css_first("code")
    for name in sorted(classes_of(code) if code is not None else ()):
        if name.startswith("language-"):
            return name[len("language-"):]
    return ""


def _link_ref(anchor, refs: list[Ref]) -> None:
    """A link's target becomes a ref, as the JSON reader's ``text_link``/``url`` do. A mention
    (``<a href="https://t.me/name">@name</a>``: JSON has no link for it) is a name, not a
    reference; hashtags and bot commands have no target. A link whose text merely starts
    with "@" (``@karpathy's thread`` -> x.com) is a link like any other."""
    text = (anchor.text() or "").strip()
    href = (anchor.attributes.get("href") or "").strip()
    if _is_mention(text, href):
        return
    _add_ref(refs, href)


def _is_mention(text: str, href: str) -> bool:
    match = _MENTION_HREF.match(href)
    return bool(match) and text.startswith("@") and text[1:].casefold() == match.group(1).casefold()


def _direct_children(node, tag: str, wanted: str) -> list:
    found = []
    child = node.child
    while child is not None:
        if child.tag == tag and wanted in classes_of(child):
            found.append(child)
        child = child.next
    return found


def _name_text(from_name) -> str | None:
    # The forwarded from_name ends with a span holding the original date.
    for span in from_name.css("span"):
        if "details" in classes_of(span):
            span.decompose()
    name = _VIA_BOT.sub("", " ".join((from_name.text() or "").split()))
    return name or None


def message_to_post(node, path: str, channel: str | None, carry: _Carry) -> Post | None:
    """One Post for a ``div.message.default`` with text; updates ``carry`` for the next one."""
    body = next(iter(_direct_children(node, "div", "body")), None)
    if body is None:
        return None
    names = [child for child in _direct_children(body, "div", "from_name")]
    if names:
        carry.author = _name_text(names[0])
    forwarded = next((b for b in _direct_children(body, "div", "forwarded") if "body" in classes_of(b)), None)
    if forwarded is None:
        carry.forwarded_from = None
    else:
        fwd_names = _direct_children(forwarded, "div", "from_name")
        if fwd_names:
            carry.forwarded_from = _name_text(fwd_names[0])
    holder = forwarded if forwarded is not None else body
    text_div = next(iter(_direct_children(holder, "div", "text")), None)
    if text_div is None:
        return None
    refs: list[Ref] = []
    blocks = segments_to_blocks(node_segments(text_div, refs))
    if not blocks:
        return None
    source = Source(
        kind="telegram-html",
        path=path,
        channel=channel,
        message_id=_message_id(node),
        author=carry.author or channel,
        forwarded_from=carry.forwarded_from,
        reply_to=_reply_target(body),
    )
    return Post(source=source, blocks=blocks, date=_message_date(body), refs=refs)


def _message_id(node) -> int | str | None:
    raw = node.attributes.get("id") or ""
    match = _MESSAGE_ID.match(raw)
    return int(match.group(1)) if match else (raw or None)


def _message_date(body) -> str | None:
    for div in _direct_children(body, "div", "date"):
        return iso_from_title(div.attributes.get("title"))
    return None


def _reply_target(body) -> int | None:
    for reply in body.css("div.reply_to a"):
        match = _REPLY_TARGET.search(reply.attributes.get("href") or "")
        if match:
            return int(match.group(1))
    return None


def channel_name(tree) -> str | None:
    header = tree.css_first("div.page_header div.text")
    if header is None:
        return None
    name = " ".join((header.text() or "").split())
    return name or None


def read_telegram_html(text: str, path: str) -> list[Post]:
    """Posts of one page of a Telegram Desktop HTML export, in page order."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    channel = channel_name(tree)
    carry = _Carry()
    posts: list[Post] = []
    for node in tree.css("div.message"):
        if "default" not in classes_of(node):
            carry = _Carry()  # a service message (date separator) ends any join
            continue
        if "joined" not in classes_of(node):
            carry.author = None
        post = message_to_post(node, path, channel, carry)
        if post is not None:
            posts.append(post)
    return posts
