"""Where one post ends and the next begins inside a copy of a chat page (part of normalize).

* **Chat-page copies with post footers** (t.me/s/..., web clients): each post
  ends with a footer (view counter, time stamp, "edited") and opens with the
  channel's name; a link-preview card may close its body.
* **Repeated-body dumps** (Telegram web copies): every post shows its header
  line(s) and body, then the body again. The repeats are *tandem* runs of blocks
  (``B`` right after an identical ``B``); each one marks a post's end, the line
  before the first copy is its title. Blocks between posts are link-preview cards
  (of the post before) or one-line posts (a post that has no body to repeat).

Section documents (blogs, paper-notes dumps) are cut in :mod:`notelingo.notes.sections`.
Functions take and return lists of ``RawBlock``; nothing here builds notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema import RawBlock
from .cards import preview_card
from .textclean import fingerprint, forwarded_from

_TANDEM_MAX_BLOCKS = 80


@dataclass
class TandemSplit:
    """Posts found in a repeated-body dump, and how many repeated blocks were dropped."""

    posts: list[list[RawBlock]] = field(default_factory=list)
    repeats_dropped: int = 0


# --------------------------------------------------------------------------
# Chat-page copies: posts closed by footers
# --------------------------------------------------------------------------

FOOTER = "_footer"  # kind of a footer line kept by normalize only to find post ends
_HANDLE = re.compile(r"@\w{3,}")


def split_at_footers(blocks: list[RawBlock]) -> list[list[RawBlock]] | None:
    """Posts of a page copy, cut after each run of footer lines; None with fewer than two runs."""
    posts: list[list[RawBlock]] = [[]]
    runs = 0
    for block in blocks:
        if block.kind != FOOTER:
            posts[-1].append(block)
        elif posts[-1]:
            runs += 1
            posts.append([])
    posts = [post for post in posts if post]
    return posts if runs >= 2 else None


def strip_post_headers(posts: list[list[RawBlock]]) -> tuple[list[list[RawBlock]], str | None]:
    """Drop the line that opens most posts (the channel's name, with its @handle): (posts, name)."""
    openers: dict[str, int] = {}
    for post in posts:
        first = post[0].text.strip()
        if post[0].kind == "paragraph" and "\n" not in first and len(first) <= 60:
            openers[fingerprint(first)] = openers.get(fingerprint(first), 0) + 1
    name_key = max(openers, key=openers.get) if openers else ""
    if not name_key or openers[name_key] < 2 or 2 * openers[name_key] < len(posts):
        return posts, None
    name = next(p[0].text.strip() for p in posts if fingerprint(p[0].text) == name_key)
    stripped = []
    for post in posts:
        head = 0
        while head < len(post) and (fingerprint(post[head].text) == name_key
                                    or _HANDLE.fullmatch(post[head].text.strip())):
            head += 1
        stripped.append(post[head:])
    return [post for post in stripped if post], name


def tail_card(post: list[RawBlock]) -> list[RawBlock]:
    """A preview card (site domain, title, description) closing a post becomes a link_preview block."""
    for size in (3, 2):
        start = len(post) - size
        if start >= 1:
            card = preview_card(post, start, loose=False)
            if card and card[1] == size:
                return post[:start] + [card[0]]
    return post


# --------------------------------------------------------------------------
# Repeated-body dumps
# --------------------------------------------------------------------------


def find_tandems(blocks: list[RawBlock]) -> list[tuple[int, int]]:
    """(start of first copy, length) of each run of blocks repeated right after itself."""
    keys = [fingerprint(block.text) for block in blocks]
    tandems: list[tuple[int, int]] = []
    claimed = 0
    pos = 1
    while pos < len(keys):
        longest = min(_TANDEM_MAX_BLOCKS, pos - claimed, len(keys) - pos)
        found = next((k for k in range(longest, 0, -1) if _is_tandem(keys, pos, k)), 0)
        if found:
            tandems.append((pos - found, found))
            claimed = pos + found
            pos = claimed + 1
        else:
            pos += 1
    return tandems


def _is_tandem(keys: list[str], pos: int, length: int) -> bool:
    first, second = keys[pos - length:pos], keys[pos:pos + length]
    return first == second and sum(len(key) for key in first) >= 15 and all(first)


def looks_like_repeated_dump(blocks: list[RawBlock], tandems: list[tuple[int, int]]) -> bool:
    """At least two repeated bodies covering a good share of the document."""
    covered = sum(2 * length for _, length in tandems)
    return len(tandems) >= 2 and covered >= 0.25 * len(blocks)


def split_repeated_dump(blocks: list[RawBlock], tandems: list[tuple[int, int]]) -> TandemSplit:
    """One post per repeated body (title line + body), plus the one-line posts between."""
    result = TandemSplit()
    cursor = 0
    for start, length in tandems:
        title = start - 1 if start - 1 >= cursor and not _is_header(blocks[start - 1]) else start
        head = title
        while head - 1 >= cursor and _is_header(blocks[head - 1]):
            head -= 1
        _split_gap(blocks[cursor:head], result.posts)
        result.posts.append(list(blocks[head:start + length]))
        result.repeats_dropped += length
        cursor = start + 2 * length
    _split_gap(blocks[cursor:], result.posts)
    return result


def _is_header(block: RawBlock) -> bool:
    return forwarded_from(block.text) is not None


def _split_gap(gap: list[RawBlock], posts: list[list[RawBlock]]) -> None:
    """Blocks between two repeated posts: preview cards of the post before, one-line posts."""
    pending: list[RawBlock] = []
    index = 0
    while index < len(gap):
        card = preview_card(gap, index, loose=True) if posts and not pending else None
        if card:
            block, used = card
            posts[-1].append(block)
            index += used
            continue
        pending.append(gap[index])
        if not _is_header(gap[index]):
            posts.append(pending)
            pending = []
        index += 1
    if pending:
        posts.append(pending)
