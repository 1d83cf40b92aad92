"""Plain-text and Markdown dumps -> ``Post`` objects (one per document part).

The reader only finds the *shape* of the text: paragraphs, headings, list items,
quotes, fenced code and display formulas. Deciding where one note ends and the
next begins is normalize's job (it sees every document at once), so each part is
returned as one ``splittable`` post. Thematic breaks (``---``, ``* * *``,
``=====``) separate parts: dumps use them between entries.

Text is never rewritten here: block texts are the source lines, joined with
``\\n`` where a paragraph was hard-wrapped. The exceptions are Markdown's own
markup where it is not text: Obsidian-style wiki links (``[[Page|shown]]`` ->
``shown``; embeds ``![[file]]`` dropped), callout markers (``> [!note] Title`` ->
a quote with ``callout`` attr) and task boxes (``- [x] item`` -> ``task`` attr).
MDX/HTML markup and GFM tables are read by :mod:`.markup` (``markup`` and ``table`` blocks).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from ..notes.dates import iso_date, parse_date_line
from ..protect.zones import STARTS_WITH_LINK_RE
from ..schema import Post, RawBlock, Source
from .codeshape import code_runs
from .markup import is_page_code, mark_contexts, markdown_prose, read_markup, read_table
from .vault import dated_name, front_matter_end, is_vault_note, note_date, note_title, vault_lines

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([\w+#.\-]*)")
_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_PROSE_KINDS = frozenset({"paragraph", "list_item", "quote", "heading"})
_H1 = re.compile(r"^#[ \t]+\S")
_BREAK = re.compile(r"^\s{0,3}(?:(?:[-*_]\s*){3,}|={3,}|~{3,})$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+•◦▪▫‣⁃–●○■□➤►✓✔]|\d{1,3}[.)])\s+(?P<text>\S.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(?P<text>.*)$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_\n]{1,150})\1\s*$")
_FORMULA_OPEN = re.compile(r"^\s*(\$\$|\\\[)")
_FORMULA_CLOSE = {"$$": "$$", "\\[": "\\]"}
_SENTENCE_END = re.compile(r"[.!?:;…»)\"”]\s*$")
_WIKI_EMBED = re.compile(r"!\[\[[^\]\n]*\]\]")
_WIKI_LINK = re.compile(r"\[\[(?P<page>[^\]|#\n]*)(?:#(?P<part>[^\]|\n]*))?(?:\|(?P<shown>[^\]\n]*))?\]\]")
_CALLOUT = re.compile(r"^\[!(?P<type>[\w-]+)\][+-]?[ \t]*(?P<title>[^\n]*)\n?")
_TASK = re.compile(r"^\[(?P<mark>[ xX])\][ \t]+")
#: "# Title[[anchor-id]]": a heading's anchor id (Hugging Face doc-builder syntax), not text.
_HEADING_ANCHOR = re.compile(r"(?<=\S)\[\[[\w.-]+\]\]\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def read_text_dump(text: str, path: str, kind: str) -> list[Post]:
    """Read a plain-text (``kind="text"``) or Markdown (``kind="markdown"``) dump."""
    if kind == "markdown" and is_vault_note(text, path):
        return _vault_note(text, path)  # a file of a notes folder is one note (:mod:`.vault`)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    meta: dict[str, str] = {}
    if kind == "markdown":
        lines, meta = _strip_front_matter(lines)
        lines = _without_page_properties(lines, meta)
    if kind == "markdown":
        lines = _without_wiki_markup(lines)
    parts = _split_at_breaks(lines, kind)
    dated = split_at_date_headers(parts)
    if dated is not None:
        return _dated_posts(dated, path, kind)
    if kind == "markdown" and len(parts) > 1 and (meta.get("title") or _opens_with_title(parts)):
        # An article (a front-matter title, or one "# Title" over it all): its "---" rules
        # separate parts of it, not posts. Its headings decide any cut (normalize).
        parts = [[line for part in parts for line in part + [""]]]
    posts = []
    for part in parts:
        blocks = _blocks_of(part, kind)
        if blocks:
            source = Source(kind=kind, path=path)
            posts.append(Post(source=source, blocks=blocks, splittable=True))
    if posts and meta:
        # A daily note's title is its date: a date is never a title.
        title = meta.get("title") if not parse_date_line(meta.get("title") or "") else None
        posts[0].title = title or None
        # Jekyll/Hugo write "2019-04-25 09:00:00 -0700": read into ISO 8601 like any date line.
        posts[0].date = iso_date(meta.get("date"))
    if kind == "markdown" and len(posts) == 1:
        # A post file named as Jekyll names them: dated, and titled by its slug, when front matter is silent.
        day, slug = dated_name(path)
        posts[0].date = posts[0].date or day
        posts[0].title = posts[0].title or slug
    return posts


def _vault_note(text: str, path: str) -> list[Post]:
    """One Post for a vault's note, titled by :func:`.vault.note_title`; a dump of dated posts is cut at its dates."""
    lines, meta = vault_lines(text, path)
    properties: dict[str, str] = {}
    lines = _without_wiki_markup(_without_page_properties(lines, properties))
    dated = split_at_date_headers(_split_at_breaks(lines, "markdown"))
    if dated is not None:
        return _dated_posts(dated, path, "markdown")
    blocks = _blocks_of(lines, "markdown")
    if not blocks:
        return []
    source = Source(kind="markdown", path=path)
    return [Post(source=source, blocks=blocks, title=note_title(meta, blocks, path),
                 date=note_date(meta, path, properties.get("date")))]


# --------------------------------------------------------------------------
# Channel dumps: a date line over each post, a short header block over all
# --------------------------------------------------------------------------

_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z]\w{3,31}")
_CHANNEL_LABEL = re.compile(r"^\W*(?:channel|канал|feed|лента)\s*:\s*(?P<name>\S.*?)\W*$", re.IGNORECASE)
_QUOTED_NAME = re.compile(r"[«“\"](?P<name>[^»”\"\n]{2,60})[»”\"]")  # Канал «Сиолошная»
_HEADER_MAX_LINES = 6
_HEADER_MAX_CHARS = 100


@dataclass
class DatedDump:
    """Posts of a dump whose posts open with a date line; the header block's channel name."""

    posts: list[tuple[list[str], str | None]]
    channel: str | None = None


def split_at_date_headers(parts: list[list[str]]) -> DatedDump | None:
    """Cut a dump at its date header lines (two or more, each over a body); None when it has none.

    A date line is a header when a blank line or the start of a part is above it and
    text follows it. Dates closing posts (chat copies: the date is the post's last
    line, and the document's) are footers, not headers.
    """
    flat = [line for part in parts for line in part if line.strip()]
    if not flat or parse_date_line(flat[-1]):
        return None
    heads = [_date_heads(part) for part in parts]
    if sum(len(found) for found in heads) < 2:
        return None
    dump = DatedDump(posts=[])
    lead: list[str] = []
    for part, found in zip(parts, heads):
        cuts = sorted(found)
        before = part[:cuts[0]] if cuts else part
        if not dump.posts and any(line.strip() for line in before):
            lead.extend(before)
        elif any(line.strip() for line in before):
            dump.posts.append((before, None))
        for start, end in zip(cuts, cuts[1:] + [len(part)]):
            dump.posts.append((part[start + 1:end], found[start]))
    if lead:
        channel = _header_channel(lead)
        if channel is None:
            dump.posts.insert(0, (lead, None))
        dump.channel = channel
    return dump


def _date_heads(part: list[str]) -> dict[int, str]:
    found = {}
    for index, line in enumerate(part):
        above = part[index - 1].strip() if index else ""
        below = any(rest.strip() for rest in part[index + 1:index + 3])
        when = parse_date_line(line) if line.strip() and below and not above else None
        if when:
            found[index] = when
    return found


def _header_channel(lead: list[str]) -> str | None:
    """The channel named by a dump's short header block ("# Messages from @x"), else None."""
    lines = [line.strip() for line in lead if line.strip()]
    if len(lines) > _HEADER_MAX_LINES or any(len(line) > _HEADER_MAX_CHARS for line in lines):
        return None
    for line in lines:
        handle = _HANDLE.search(line)
        if handle:
            return handle.group(0)
    labelled = next((m.group("name") for line in lines if (m := _CHANNEL_LABEL.match(line))), None)
    quoted = next((m.group("name") for line in lines if (m := _QUOTED_NAME.search(line))), None)
    return labelled or quoted or lines[0].lstrip("#*_ ").rstrip("*_ ")


def _dated_posts(dump: DatedDump, path: str, kind: str) -> list[Post]:
    """One post per dated entry: its date line is the post's date, never its text."""
    posts = []
    for lines, when in dump.posts:
        blocks = _blocks_of(lines, kind)
        if blocks:
            source = Source(kind=kind, path=path, channel=dump.channel)
            posts.append(Post(source=source, blocks=blocks, date=when))
    return posts


def _strip_front_matter(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """YAML front matter (``---`` ... ``---`` at the very top): keep title and date."""
    end = front_matter_end(lines)
    if end is None:
        return lines, {}
    meta = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("title", "date"):
            meta[key.strip()] = value.strip().strip("\"'")
    return lines[end + 1:], meta


_PROPERTY = re.compile(r"^(?P<key>[A-Z][\w ]{1,24}):\s+(?P<value>\S.{0,100})$")
_DATE_KEYS = ("created", "date", "created time", "published")


def _without_page_properties(lines: list[str], meta: dict[str, str]) -> list[str]:
    """Notion exports put the page's properties ("Created: …", "Tags: …", "Status: …")
    under its title: metadata (the creation date is kept), not text."""
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None or not _ATX_HEADING.match(lines[index]):
        return lines
    end = index + 1
    while end < len(lines) and not lines[end].strip():
        end += 1
    found = []
    while end < len(lines) and _PROPERTY.match(lines[end].strip()):
        found.append(_PROPERTY.match(lines[end].strip()))
        end += 1
    if len(found) < 2 or (end < len(lines) and lines[end].strip()):
        return lines
    for prop in found:
        when = parse_date_line(prop.group("value")) if prop.group("key").lower() in _DATE_KEYS else None
        if when and "date" not in meta:
            meta["date"] = when
    return lines[:index + 1] + lines[end:]


def _without_wiki_markup(lines: list[str]) -> list[str]:
    """Wiki links read as the text Obsidian shows; embedded files are no text. Code stays as is."""
    out = []
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and "[[" in line:
            if _ATX_HEADING.match(line):
                line = _HEADING_ANCHOR.sub("", line)
            line = _WIKI_LINK.sub(_shown_text, _WIKI_EMBED.sub("", line))
        out.append(line)
    return out


def _shown_text(link: re.Match) -> str:
    if link.group("shown"):
        return link.group("shown")
    page, part = link.group("page").strip(), (link.group("part") or "").strip()
    return f"{page} > {part}" if page and part else page or part


def _opens_with_title(parts: list[list[str]]) -> bool:
    """The first line is a level-1 heading and no other part opens with one."""
    def first_line(part: list[str]) -> str:
        return next((line for line in part if line.strip()), "")

    return all(bool(_H1.match(first_line(part))) == (index == 0) for index, part in enumerate(parts))


def _split_at_breaks(lines: list[str], kind: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        previous = lines[index - 1].strip() if index else ""
        # A "---" right under a text line is a Markdown setext heading, not a break.
        setext = kind == "markdown" and previous and not _TABLE_ROW.match(previous) and _SETEXT.match(line)
        if not in_fence and _BREAK.match(line.strip()) and not setext:
            parts.append([])
        else:
            parts[-1].append(line)
    return [part for part in parts if any(line.strip() for line in part)]


def _blocks_of(lines: list[str], kind: str) -> list[RawBlock]:
    """Code pasted without fences (:mod:`notelingo.readers.codeshape`) is cut out first; the rest is read by shape."""
    blocks: list[RawBlock] = []
    one_per_line = _has_no_blank_lines(lines)
    position = 0
    for start, end in code_runs(_marked_as_prose(lines, kind)):
        blocks += _shaped_blocks(lines[position:start], kind, one_per_line)
        blocks.append(RawBlock("code", textwrap.dedent("\n".join(lines[start:end]))))
        position = end
    blocks += _shaped_blocks(lines[position:], kind, one_per_line)
    if kind == "markdown":
        mark_contexts(blocks)
        for block in blocks:
            if block.kind in _PROSE_KINDS:
                block.text = markdown_prose(block.text)
    return blocks


def _shaped_blocks(lines: list[str], kind: str, one_per_line: bool) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    index = 0
    while index < len(lines):
        index = _read_block(lines, index, kind, blocks, one_per_line)
    return blocks


_PROSE_STAND_IN = "marked block"  # two words: code_runs reads it as prose


def _marked_as_prose(lines: list[str], kind: str) -> list[str]:
    """``lines`` with what the reader marks itself (fenced blocks, display formulas; in Markdown
    also headings, MDX/HTML markup and tables) replaced by prose, so no code run reaches into it."""
    shown: list[str] = []
    index = 0
    while index < len(lines):
        end = _marked_block_end(lines, index, kind)
        shown += [_PROSE_STAND_IN] * (end - index) if end > index else [lines[index]]
        index = max(end, index + 1)
    return shown


def _marked_block_end(lines: list[str], index: int, kind: str) -> int:
    """The index after the marked block starting at ``lines[index]``; ``index`` when none starts there."""
    line = lines[index]
    fence, formula = _FENCE.match(line), _FORMULA_OPEN.match(line)
    if fence:
        close = next((i for i in range(index + 1, len(lines)) if lines[i].strip().startswith(fence.group(1))), None)
        return len(lines) if close is None else close + 1
    if formula:
        opener, first = formula.group(1), line.strip()
        closer = _FORMULA_CLOSE[opener]
        if len(first) > len(opener) and first.endswith(closer):
            return index + 1
        close = next((i for i in range(index + 1, len(lines)) if closer in lines[i]), None)
        return len(lines) if close is None else close + 1
    if kind != "markdown":
        return index
    if _ATX_HEADING.match(line):
        return index + 1
    found = read_markup(lines, index) or read_table(lines, index)
    return found[1] if found else index


def _has_no_blank_lines(lines: list[str]) -> bool:
    """Copies of chat pages have no blank lines: each line is then a paragraph of its own."""
    content = [line for line in lines if line.strip()]
    inner = lines[lines.index(content[0]):len(lines) - lines[::-1].index(content[-1])] if content else []
    return len(content) >= 3 and all(line.strip() for line in inner)


def _read_block(lines: list[str], index: int, kind: str, blocks: list[RawBlock], one_per_line: bool) -> int:
    """Read the block starting at ``lines[index]`` into ``blocks``; return the next index."""
    line = lines[index]
    if not line.strip():
        return index + 1
    fence = _FENCE.match(line)
    if fence:
        return _read_fenced(lines, index, fence, blocks)
    if _FORMULA_OPEN.match(line):
        return _read_formula(lines, index, blocks)
    found = (read_markup(lines, index) or read_table(lines, index)) if kind == "markdown" else None
    if found:
        if not is_page_code(found[0]):
            blocks.append(found[0])
        return found[1]
    heading = _ATX_HEADING.match(line)
    if heading:
        blocks.append(RawBlock("heading", heading.group(2), {"level": str(len(heading.group(1)))}))
        return index + 1
    if (
        kind == "markdown"
        and index + 1 < len(lines)
        and _SETEXT.match(lines[index + 1])
        and not _BULLET.match(line)
        and not _TABLE_ROW.match(line)
    ):
        level = "1" if lines[index + 1].strip().startswith("=") else "2"
        blocks.append(RawBlock("heading", line.strip(), {"level": level}))
        return index + 2
    bold = _BOLD_LINE.match(line) if kind == "markdown" else None
    if bold:
        blocks.append(RawBlock("heading", bold.group("text").strip(), {"level": "4"}))
        return index + 1
    if _QUOTE.match(line):
        return _read_quote(lines, index, blocks)
    bullet = _BULLET.match(line)
    if bullet:
        return _read_list_item(lines, index, bullet, blocks)
    if one_per_line:
        blocks.append(RawBlock("paragraph", line.strip()))
        return index + 1
    return _read_paragraph(lines, index, blocks)


def _read_fenced(lines: list[str], index: int, fence: re.Match, blocks: list[RawBlock]) -> int:
    marker = fence.group(1)
    end = index + 1
    while end < len(lines) and not lines[end].strip().startswith(marker):
        end += 1
    attrs = {"language": fence.group(2)} if fence.group(2) else {}
    blocks.append(RawBlock("code", "\n".join(lines[index + 1:end]), attrs))
    return end + 1


def _read_formula(lines: list[str], index: int, blocks: list[RawBlock]) -> int:
    opener = _FORMULA_OPEN.match(lines[index]).group(1)
    closer = _FORMULA_CLOSE[opener]
    first = lines[index].strip()
    end = index
    if not (len(first) > len(opener) and first.endswith(closer)):
        end = index + 1
        while end < len(lines) and closer not in lines[end]:
            end += 1
    blocks.append(RawBlock("formula", "\n".join(lines[index:end + 1]).strip()))
    return end + 1


def _read_quote(lines: list[str], index: int, blocks: list[RawBlock]) -> int:
    parts = []
    while index < len(lines) and lines[index].strip() and _QUOTE.match(lines[index]):
        parts.append(_QUOTE.match(lines[index]).group("text"))
        index += 1
    blocks.append(_callout_or_quote("\n".join(parts).strip()))
    return index


def _callout_or_quote(text: str) -> RawBlock:
    """``[!warning] Title`` opening a quote is an Obsidian callout: the marker becomes an attr."""
    callout = _CALLOUT.match(text)
    if not callout:
        return RawBlock("quote", text)
    body = text[callout.end():].strip()
    title = callout.group("title").strip()
    return RawBlock(
        "quote", "\n".join(part for part in (title, body) if part), {"callout": callout.group("type").lower()}
    )


def _read_list_item(lines: list[str], index: int, bullet: re.Match, blocks: list[RawBlock]) -> int:
    indent = len(bullet.group("indent").expandtabs(4))
    parts = [bullet.group("text")]
    index += 1
    # Continuation lines of a hard-wrapped item are indented deeper than its marker.
    while index < len(lines) and lines[index].strip() and not _BULLET.match(lines[index]):
        own_indent = len(lines[index]) - len(lines[index].lstrip())
        if own_indent <= indent or _FENCE.match(lines[index]):
            break
        parts.append(lines[index].strip())
        index += 1
    marker = bullet.group("marker")
    attrs = {"marker": marker, "depth": str(indent // 2)}
    text = "\n".join(parts).strip()
    task = _TASK.match(text)
    if task:
        attrs["task"] = "todo" if task.group("mark") == " " else "done"
        text = text[task.end():]
    blocks.append(RawBlock("list_item", text, attrs))
    return index


def _read_paragraph(lines: list[str], index: int, blocks: list[RawBlock]) -> int:
    parts = [lines[index].strip()]
    index += 1
    while index < len(lines) and _continues_paragraph(parts[-1], lines[index]):
        parts.append(lines[index].strip())
        index += 1
    blocks.append(RawBlock("paragraph", "\n".join(parts)))
    return index


def _continues_paragraph(previous: str, line: str) -> bool:
    """A line break is a soft wrap when the sentence runs on into a lower-case word.

    Dumps without blank lines (Telegram web copies) put one paragraph per line;
    hard-wrapped prose breaks mid-sentence. Anything that starts a block ends it.
    """
    stripped = line.strip()
    if not stripped or _FENCE.match(line) or _ATX_HEADING.match(line) or _BULLET.match(line) or _QUOTE.match(line):
        return False
    if _SENTENCE_END.search(previous) or STARTS_WITH_LINK_RE.match(stripped):
        return False
    return stripped[0].islower()
