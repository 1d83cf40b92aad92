"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds -> one Post per entry.

Each entry keeps its title, link, date, author and the feed's title as its channel. Its
text is the full content when the feed carries it (``content:encoded``, Atom ``content``),
else the summary (``description``, ``summary``). Entry HTML is read into blocks (headings,
paragraphs, list items, quotes, code); its links become refs. The XML is parsed without
entities or network access (a feed is untrusted input).
"""

from __future__ import annotations

import re
from datetime import timezone
from email.utils import parsedate_to_datetime

from ..errors import FormatError
from ..schema import Post, RawBlock, Ref, Source
from .telegram_json import _add_ref, inline_code, url_of_link

_HEADINGS = {f"h{level}": str(level) for level in range(1, 7)}
_BLOCKS = frozenset({"p", "div", "section", "article", "figure", "figcaption", "table", "tbody", "thead", "tr",
                     "header", "footer", "aside", "main", "center", "dl", "dd", "dt", "details", "summary"})
_SKIPPED = frozenset({"script", "style", "noscript", "iframe", "svg", "form", "button"})
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
# A numeric character reference, and the one right after it (an emoji written as two UTF-16 halves, "&#55357;&#56960;").
_CHAR_REFS = re.compile(r"&#(x[0-9a-f]{1,8}|[0-9]{1,10});(?:&#(x[0-9a-f]{1,8}|[0-9]{1,10});)?", re.IGNORECASE)


def read_feed(text: str, path: str) -> list[Post]:
    """One Post per entry with text, in feed order."""
    root = _parse(text, path)
    channel_node = _first(root, "channel")
    feed_title = _text(_first(channel_node if channel_node is not None else root, "title"))
    entries = [node for node in root.iter() if isinstance(node.tag, str) and _local(node.tag) in ("item", "entry")]
    posts = []
    for entry in entries:
        post = _entry_post(entry, path, feed_title)
        if post is not None:
            posts.append(post)
    return posts


def _code_point(ref: str | None) -> int | None:
    if ref is None:
        return None
    return int(ref[1:], 16) if ref[0] in "xX" else int(ref)


def _xml_char(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _char_ref(match: re.Match) -> str:
    first, second = _code_point(match.group(1)), _code_point(match.group(2))
    if second is not None and 0xD800 <= first <= 0xDBFF and 0xDC00 <= second <= 0xDFFF:
        return chr(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
    head = match.group(0)[: match.end(1) - match.start() + 1]
    head = head if _xml_char(first) else ""
    if second is None:
        return head
    tail = match.group(0)[match.start(2) - match.start() - 2:]
    return head + (tail if _xml_char(second) else "")


def _without_bad_char_refs(text: str) -> str:
    """References to characters XML cannot hold (UTF-16 halves, controls) are dropped, a pair of halves becomes its
    character: lxml's recovering parser kept them as broken UTF-8, and reading the text then failed the whole
    feed (UnicodeDecodeError)."""
    return _CHAR_REFS.sub(_char_ref, text) if "&#" in text else text


def _parse(text: str, path: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(_without_bad_char_refs(text.lstrip("\ufeff")).encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(path, f"is not a readable RSS/Atom feed ({exc}); save the feed again") from None
    if root is None:
        raise FormatError(path, "is not a readable RSS/Atom feed (no root element); save the feed again")
    return root


def _entry_post(entry, path: str, feed_title: str | None) -> Post | None:
    refs: list[Ref] = []
    body = _content(entry)
    blocks = html_blocks(body, refs) if body else []
    title = _text(_first(entry, "title"))
    if not blocks:
        return None
    link = _link(entry)
    author = _text(_first(entry, "creator")) or _text(_first(_first(entry, "author"), "name")) \
        or _text(_first(entry, "author"))
    when = _date(next((text for name in ("published", "pubDate", "date", "updated")
                       if (text := _text(_first(entry, name)))), None))
    source = Source(kind="html", path=path, channel=feed_title, url=link, author=author,
                    message_id=_text(_first(entry, "guid")) or _text(_first(entry, "id")))
    refs = [ref for ref in refs if ref.url != link]
    return Post(source=source, blocks=blocks, title=title, date=when, refs=refs)


def _content(entry) -> str:
    """The entry's full content when present, else its summary (raw HTML or text)."""
    for name in ("encoded", "content", "description", "summary"):
        node = _first(entry, name)
        if node is None:
            continue
        if (node.get("type") or "").lower() == "xhtml":
            from lxml import etree

            inner = "".join(etree.tostring(child, encoding="unicode") for child in node)
            text = (node.text or "") + inner
        else:
            text = node.text or ""
        if text.strip():
            return text
    return ""


def _link(entry) -> str | None:
    for node in entry:
        if not isinstance(node.tag, str) or _local(node.tag) != "link":
            continue
        href = node.get("href")
        if href and (node.get("rel") or "alternate") == "alternate":
            return href.strip()
        if not href and node.text and node.text.strip():
            return node.text.strip()
    guid = _first(entry, "guid")
    if guid is not None and (guid.get("isPermaLink") or "true") == "true" and url_of_link(guid.text or ""):
        return (guid.text or "").strip()
    return None


def _date(value: str | None) -> str | None:
    """RFC 822 (RSS) or RFC 3339 (Atom) as ISO 8601, the offset kept."""
    if not value:
        return None
    from datetime import datetime

    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return value.strip()
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).isoformat()


def _first(node, name: str):
    if node is None:
        return None
    for child in node:
        if isinstance(child.tag, str) and _local(child.tag) == name:
            return child
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _text(node) -> str | None:
    if node is None:
        return None
    text = " ".join("".join(node.itertext()).split())
    return text or None


# --------------------------------------------------------------------------
# Entry HTML -> blocks
# --------------------------------------------------------------------------


def html_blocks(html: str, refs: list[Ref]) -> list[RawBlock]:
    """Blocks of an HTML fragment (plain text when it has no markup: paragraphs at blank lines)."""
    if "<" not in html:
        return [RawBlock("paragraph", part.strip()) for part in _PARAGRAPH_BREAK.split(html) if part.strip()]
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return []
    walker = _Walker(refs)
    walker.walk(root)
    walker.flush()
    return walker.blocks


def _pre_text(pre) -> str:
    """A <pre>'s text with its <br> as line breaks (highlighters write a span and a <br> per line)."""
    for br in pre.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return "".join(pre.itertext())


class _Walker:
    def __init__(self, refs: list[Ref]) -> None:
        self.refs = refs
        self.blocks: list[RawBlock] = []
        self.pending: list[str] = []

    def walk(self, element) -> None:
        self.pending.append(_SPACES.sub(" ", element.text or ""))
        for child in element:
            self.visit(child)
            self.pending.append(_SPACES.sub(" ", child.tail or ""))

    def visit(self, child) -> None:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if not tag or tag in _SKIPPED:
            return
        if tag in _HEADINGS:
            self.add("heading", self.inline(child), {"level": _HEADINGS[tag]})
        elif tag == "pre" or (tag == "table" and child.find(".//pre") is not None):
            # A highlighter's table (Hexo, Pygments "linenos=table") holds the code in one cell's <pre>
            # and the line numbers in another's: the code is one code block, the numbers are no text.
            self.flush()
            for pre in [child] if tag == "pre" else child.iter("pre"):
                code = _pre_text(pre).strip("\n")
                if code.strip() and not code.replace("\n", "").strip().isdigit():
                    self.blocks.append(RawBlock("code", code))
        elif tag in ("ul", "ol"):
            self.flush()
            for item in child:
                if isinstance(item.tag, str) and item.tag.lower() == "li":
                    self.add("list_item", self.inline(item, skip_lists=True))
                    for nested in item:
                        if isinstance(nested.tag, str) and nested.tag.lower() in ("ul", "ol"):
                            self.visit(nested)
        elif tag == "blockquote":
            self.add("quote", self.inline(child))
        elif tag == "br":
            self.pending.append("\n")
        elif tag in _BLOCKS or tag == "li":
            self.flush()
            self.walk(child)
            self.flush()
        elif tag == "code":
            self.pending.append(inline_code("".join(child.itertext())))
        else:
            if tag == "a":
                _add_ref(self.refs, child.get("href"))
            self.pending.append(self.inline(child))

    def add(self, kind: str, text: str, attrs: dict[str, str] | None = None) -> None:
        self.flush()
        text = "\n".join(" ".join(line.split()) for line in text.strip().split("\n") if line.strip())
        if any(ch.isalnum() for ch in text):
            self.blocks.append(RawBlock(kind, text, dict(attrs or {})))

    def flush(self) -> None:
        text = "".join(self.pending)
        self.pending.clear()
        for part in _PARAGRAPH_BREAK.split(text):
            lines = [" ".join(line.split()) for line in part.split("\n")]
            joined = "\n".join(line for line in lines if line)
            if any(ch.isalnum() for ch in joined):
                self.blocks.append(RawBlock("paragraph", joined))

    def inline(self, element, skip_lists: bool = False) -> str:
        parts = [_SPACES.sub(" ", element.text or "")]
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "br":
                parts.append("\n")
            elif tag == "code":
                parts.append(inline_code("".join(child.itertext())))
            elif tag and tag not in _SKIPPED and not (skip_lists and tag in ("ul", "ol")):
                if tag == "a":
                    _add_ref(self.refs, child.get("href"))
                parts.append(self.inline(child))
            parts.append(_SPACES.sub(" ", child.tail or ""))
        return "".join(parts)
