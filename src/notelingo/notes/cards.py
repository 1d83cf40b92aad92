"""Link-preview cards (site name, title, description) that close posts in copied pages.

A card follows a post or a URL: in repeated-body dumps any short line can be its
site name (``loose``); elsewhere it must name the site of a URL just above it.
"""

from __future__ import annotations

import re

from ..protect.zones import HOST
from ..schema import RawBlock
from .refs import find_refs
from .textclean import forwarded_from


def _is_site_name(text: str, loose: bool, hosts: list[str]) -> bool:
    stripped = text.strip()
    if not stripped or "\n" in stripped or len(stripped) > 40 or stripped[-1] in ".,;:!?…":
        return False
    if re.fullmatch(HOST, stripped):
        return True
    letters = re.sub(r"[^a-zа-я0-9]", "", stripped.casefold())
    if letters and any(letters in re.sub(r"[^a-z0-9]", "", host) for host in hosts):
        return True
    return loose and len(stripped.split()) <= 4 and forwarded_from(stripped) is None


def preview_card(blocks: list[RawBlock], index: int, loose: bool, hosts: list[str] | None = None):
    """A link-preview card starting at ``blocks[index]``: (link_preview block, blocks used) or None."""
    lines = [b for b in blocks[index:index + 3] if b.kind == "paragraph" and "\n" not in b.text.strip()]
    if len(lines) < 2 or lines[0] is not blocks[index] or lines[1] is not blocks[index + 1]:
        return None
    if not _is_site_name(lines[0].text, loose, hosts or []):
        return None
    used = 3 if len(lines) == 3 and lines[2] is blocks[index + 2] else 2
    site, title = lines[0].text.strip(), lines[1].text.strip()
    description = lines[2].text.strip() if used == 3 else ""
    text = f"{title}\n{description}" if description else title
    return RawBlock("link_preview", text, {"site": site, "title": title}), used


def attach_preview_urls(blocks: list[RawBlock]) -> None:
    """Give each preview card the link it previews: the last URL before it on the same site, if any."""
    if not any(block.kind == "link_preview" for block in blocks):
        return  # nothing to attach: spare a scan of every block for URLs
    urls: list[str] = []
    for block in blocks:
        if block.kind == "link_preview":
            site = re.sub(r"[^a-z0-9]", "", block.attrs.get("site", "").casefold())
            match = next((u for u in reversed(urls) if site and site in re.sub(r"[^a-z0-9]", "", u.casefold())), None)
            domain = block.attrs.get("site", "")
            if match:
                block.attrs["url"] = match
            elif re.fullmatch(HOST, domain):
                block.attrs["url"] = f"https://{domain}"
            continue
        urls.extend(ref.url for ref in find_refs(block.text) if ref.kind != "arxiv")


def extract_cards(blocks: list[RawBlock]) -> list[RawBlock]:
    """Outside repeated dumps: a card must follow a block with a URL of the card's site."""
    out: list[RawBlock] = []
    index = 0
    while index < len(blocks):
        hosts = [ref.url.split("/")[2].casefold() for ref in find_refs(out[-1].text)] if out else []
        card = preview_card(blocks, index, loose=False, hosts=hosts) if hosts else None
        if card:
            out.append(card[0])
            index += card[1]
        else:
            out.append(blocks[index])
            index += 1
    return out
