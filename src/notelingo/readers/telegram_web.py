"""Telegram's public web preview of a channel (``t.me/s/<channel>`` saved as HTML) -> one Post per message.

Each message is a ``div.tgme_widget_message`` whose ``data-post`` is ``channel/id``; its text
is in ``.tgme_widget_message_text`` (the same inline markup the Desktop HTML export writes:
``<br>``, links, ``<code>``, ``<pre>``, ``<blockquote>``), its time in ``time[datetime]`` and its
link in ``a.tgme_widget_message_date``. Views, reactions and the "Please open Telegram" banner
are page chrome, never read. A link preview's URL becomes a ref of its message.
"""

from __future__ import annotations

from ..schema import Post, Ref, Source
from .telegram_html import node_segments
from .telegram_json import _add_ref, segments_to_blocks


def read_telegram_web(text: str, path: str) -> list[Post]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    title = tree.css_first(".tgme_channel_info_header_title")
    page_channel = " ".join(title.text().split()) if title is not None else None
    posts = []
    for message in tree.css("div.tgme_widget_message"):
        post = _message_post(message, path, page_channel)
        if post is not None:
            posts.append(post)
    return posts


def _message_post(message, path: str, page_channel: str | None) -> Post | None:
    # The quoted message a reply shows carries the class too (with js-message_reply_text): not this text.
    body = next((node for node in message.css(".tgme_widget_message_text")
                 if "js-message_reply_text" not in (node.attributes.get("class") or "")), None)
    refs: list[Ref] = []
    blocks = segments_to_blocks(node_segments(body, refs)) if body is not None else []
    if not blocks:
        return None
    handle, _, number = (message.attributes.get("data-post") or "").partition("/")
    owner = message.css_first(".tgme_widget_message_owner_name")
    forwarded = message.css_first(".tgme_widget_message_forwarded_from_name")
    link = message.css_first("a.tgme_widget_message_date")
    when = message.css_first("time[datetime]")
    preview = message.css_first("a.tgme_widget_message_link_preview")
    if preview is not None:
        _add_ref(refs, preview.attributes.get("href"))
    channel = page_channel or (" ".join(owner.text().split()) if owner is not None else None) or \
        (f"@{handle}" if handle else None)
    url = (link.attributes.get("href") if link is not None else None) or \
        (f"https://t.me/{handle}/{number}" if handle and number else None)
    source = Source(
        kind="telegram-html",
        path=path,
        channel=channel,
        message_id=int(number) if number.isdigit() else None,
        url=url,
        forwarded_from=" ".join(forwarded.text().split()) or None if forwarded is not None else None,
        reply_to=_reply_to(message),
    )
    date = when.attributes.get("datetime") if when is not None else None
    return Post(source=source, blocks=blocks, date=date or None, refs=refs)


def _reply_to(message) -> int | None:
    reply = message.css_first("a.tgme_widget_message_reply")
    number = (reply.attributes.get("href") or "").rstrip("/").rsplit("/", 1)[-1] if reply is not None else ""
    return int(number) if number.isdigit() else None
