"""Text cleanup that never changes words, and the line patterns of site chrome.

``normalize_text`` is NFC plus whitespace cleanup. It leaves alone, byte for
byte: fenced code, indented lines' inner spacing, inline code, URLs and LaTeX
(a line with a ``\\command`` keeps its spacing; ``$...$`` spans too).
It is idempotent: cleaning clean text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..protect.zones import HOST, SPACING_ZONE_RE

# Spaces that are only typography; zero-width joiners stay (emoji sequences need them).
# Regexes, not str.translate: translate looks every character up in a dict (~0.2 µs
# each), a character class scans in C (a 5 MB line: 0.02 s instead of 1.8 s).
_SPACE_LIKE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Invisible: zero-width space, word joiner, BOM, soft hyphen ("пере\u00adнос" is one word). Bidi controls stay:
# Arabic and Hebrew notes need them, and isolating them is the renderers' job.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
# Controls shown as nothing, and terminal colour codes pasted with them ("\x1b[31m"); HTML and XML cannot carry
# most of them. Tab and line feed stay; vertical tab, form feed, NEL and U+2028 end a line, U+2029 a paragraph.
_CONTROLS = re.compile("\x1b\\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_FIELD_SEPARATORS = re.compile("[\x1c-\x1f]")  # whitespace to Python's str.split: they part words
_LINE_BREAKS = re.compile("[\x0b\x0c\x85\u2028]")
_FENCE_LINE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_RUN_OF_SPACES = re.compile(r"[ \t]{2,}")
_WORD = re.compile(r"\w+")


def normalize_text(text: str) -> str:
    """NFC, unified line ends, no invisible or exotic spaces, no trailing blanks.

    Runs of spaces inside a line become one space, except in code, URLs and
    LaTeX; at most one blank line in a row; no blank lines at either end.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _FIELD_SEPARATORS.sub(" ", _LINE_BREAKS.sub("\n", _CONTROLS.sub("", text))).replace("\u2029", "\n\n")
    out: list[tuple[str, bool]] = []  # (line, inside a code fence)
    in_fence = None
    for line in text.split("\n"):
        fence = _FENCE_LINE.match(line)
        if in_fence:
            out.append((line, True))
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)
        out.append((_clean_line(line), False))
    return _squeeze_blank_lines(out)


def _clean_line(line: str) -> str:
    # Invisible characters go before NFC: a zero-width space between a letter and its
    # combining accent would otherwise keep them apart until a second pass.
    line = _INVISIBLE.sub("", line)
    if not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
    line = _SPACE_LIKE.sub(" ", line).rstrip()
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)]
    if indent.expandtabs(4).count(" ") >= 4 or _TEX_COMMAND.search(body):
        # Indented lines may be code and TeX spacing is the author's: keep inner spacing.
        return line
    return indent + _collapse_outside_protected(body)


def _collapse_outside_protected(body: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in SPACING_ZONE_RE.finditer(body):
        pieces.append(_RUN_OF_SPACES.sub(" ", body[last:match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_RUN_OF_SPACES.sub(" ", body[last:]))
    return "".join(pieces)


def _squeeze_blank_lines(lines: list[tuple[str, bool]]) -> str:
    """At most one blank line in a row outside code; none at either end."""
    kept: list[tuple[str, bool]] = []
    for line, in_code in lines:
        if line == "" and not in_code and (not kept or kept[-1] == ("", False)):
            continue
        kept.append((line, in_code))
    while kept and kept[-1] == ("", False):
        kept.pop()
    return "\n".join(line for line, _ in kept)


@lru_cache(maxsize=4096)
def fingerprint(text: str) -> str:
    """Comparison key of a paragraph: case, spacing and edge punctuation ignored.

    Cached: normalize asks for the key of one block at several steps (chrome, tandems,
    repeats, duplicates), and a long block costs ~0.4 s per 5 MB each time.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))


# --------------------------------------------------------------------------
# Chrome and export artefacts: whole lines that are no part of anyone's notes.
# --------------------------------------------------------------------------

_ARTEFACT_LINES = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"(copyright\s*)?(©|\(c\)).{0,150}",
    r"copyright\b.{0,120}\b(19|20)\d{2}\b.{0,60}",
    r".{0,80}\b(theme|template|design|site|website)\s+(designed|developed|created|built|made)\s+by\b.{0,80}",
    r".{0,80}\b(theme|тема)\s+by\b.{0,60}",
    r"(proudly\s+)?powered\s+by\s+\S.{0,60}",
    r"(all\s+rights\s+reserved|все\s+права\s+защищены)\W{0,3}",
    r"(this\s+media\s+is\s+not\s+supported\s+in\s+your\s+browser|view\s+in\s+telegram|"
    r"please\s+open\s+telegram\s+to\s+view\s+this\s+post|open\s+in\s+(the\s+)?telegram( app)?)\W{0,3}",
    r"(subscribe|unsubscribe|подписаться|share|поделиться|tweet|retweet|reply|ответить|repost|"
    r"share\s+(this|on\s+\w+)|skip\s+to\s+(main\s+)?content|toggle\s+navigation|back\s+to\s+top|"
    r"read\s+more|читать\s+(далее|дальше)|leave\s+a\s+(comment|reply)|load\s+more|show\s+more)\W{0,3}",
    r"\d[\d.,]*\s*[kmкм]?",  # a bare counter; counters with 'views', and 'edited', are post footers
    r"(👁|👀)\s*\S{1,10}",
    r"\d[\d.,]*\s*[kmкм]?\s*(subscribers?|members?|followers?|подписчик(а|ов)?|участник(а|ов)?)",
    r"view\s+(this\s+|it\s+)?(e-?mail\s+|newsletter\s+|message\s+|post\s+)?(in|on)\s+"
    r"(your\s+|a\s+|the\s+)?(browser|web)\W{0,3}",
    r"(you\s+are|you're)\s+receiving\s+this\s+(e-?mail|newsletter|message)\b.{0,150}",
    # a byline template whose fields the copy lost ("Written by on"), or kept with its date
    r"(written|posted|published)\s+by(\s+\S.{0,60}?)?\s+on(\s+\S.{0,30}\d.{0,12})?",
)]

# Words of the link rows under newsletters and pages ("Unsubscribe | View in browser").
_NAV_ITEM = re.compile(
    r"(unsubscribe|view\s+(it\s+)?(in|on)\s+(your\s+)?(browser|web|the\s+web)|update\s+(your\s+)?preferences|"
    r"manage\s+(your\s+)?(subscription|preferences)|privacy(\s+policy)?|terms(\s+of\s+(service|use))?|"
    r"cookies?(\s+policy)?|contact(\s+us)?|about(\s+us)?|home|archive|rss|sitemap|imprint|impressum|"
    r"sign\s+(in|up)|log\s*(in|out)|help|careers|advertise|отписаться(\s+от\s+(рассылки|новостей))?|"
    r"unsubscribe\s+from\s+(this\s+list|(these|all)\s+emails)|политика\s+конфиденциальности|контакты)",
    re.IGNORECASE,
)
_NAV_SEPARATOR = re.compile(r"\s*[|·∙•]\s*")

_FORWARDED = re.compile(
    r"^\s*(forwarded\s+from|forwarded\s+message\s+from|переслано\s+(от|из)|пересланное\s+сообщение\s+от)\s*:?\s+(?P<name>\S.{0,120}?)\s*$",
    re.IGNORECASE,
)

# A lone identifier with an underscore, or a file name with an image extension:
# what is left of an <img> whose alt text was its file name.
_IMAGE_NAME = re.compile(r"[\w\-]+(_[\w\-]+)+|[\w\-. ]+\.(png|jpe?g|gif|webp|svg|bmp)", re.IGNORECASE)


def _one_short_line(text: str, limit: int) -> str | None:
    """``text`` stripped, when it is one non-empty line of at most ``limit`` characters."""
    stripped = text.strip()
    return stripped if stripped and "\n" not in stripped and len(stripped) <= limit else None


def is_artefact_line(text: str) -> bool:
    """Whole-line site chrome or export artefacts (footers, buttons, counters)."""
    stripped = _one_short_line(text, 200)
    if stripped is None:
        return False
    if any(pattern.fullmatch(stripped) for pattern in _ARTEFACT_LINES) or _IMAGE_NAME.fullmatch(stripped):
        return True
    return is_post_footer(stripped) or is_nav_row(stripped)


def is_nav_row(line: str) -> bool:
    """A row of site links only ("Privacy ∙ Terms", "Unsubscribe | View in browser")."""
    items = [item for item in _NAV_SEPARATOR.split(line) if item]
    return len(items) >= 2 and all(_NAV_ITEM.fullmatch(item) for item in items)


def forwarded_from(text: str) -> str | None:
    """The channel name of a 'Forwarded from X' header line, or None."""
    match = _FORWARDED.match(text)
    return match.group("name") if match and "\n" not in text.strip() else None


# --------------------------------------------------------------------------
# Post footers of chat-page copies (t.me/s/..., web clients): where one post ends.
# --------------------------------------------------------------------------

_MONTH = r"[^\W\d_]{3,9}\.?"
_DATE_PART = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
              r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})")
_POST_FOOTERS = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"(👁|👀)?\s*\d[\d.,]*\s*[kmкм]?\s*(views?|просмотр(а|ов)?)",
    r"(👁|👀)\s*\d[\d.,]*\s*[kmкм]?",
    r"(edited|изменено)(\s+\d{1,2}:\d{2}(\s*[ap]m)?)?",
    rf"(edited\s+|изменено\s+)?({_DATE_PART}\s*(at|в|,)?\s*)?\d{{1,2}}:\d{{2}}(:\d{{2}})?(\s*[ap]m)?",
)]


def is_post_footer(text: str) -> bool:
    """A line that closes a post in a copied chat page: a view counter, a time stamp, 'edited'."""
    stripped = _one_short_line(text, 40)
    return stripped is not None and any(pattern.fullmatch(stripped) for pattern in _POST_FOOTERS)


# --------------------------------------------------------------------------
# Reader and aggregator chrome at the edges of a copied page
# --------------------------------------------------------------------------

# Words of the buttons, tabs and counters feed readers and read-later apps put
# around an article ("Browse latest Browse all 13", "Mark as read", "5 min read").
_UI_WORDS_TEXT = """
browse latest all view viewing live articles article posts unread read mark as save saved later for star starred
unstar archive archived tags tag add share delete open in browser visit website original min mins minute minutes
today yesterday feed feeds home next previous prev more comments comment like likes reply menu search subscribe
follow following print email copy link new top back to ago hour hours day days listen highlights favorite
favorites favourite bookmark bookmarks inbox done hide show options settings edit refresh sort by newest oldest
filter the a of this on page go source entries entry items select close expand collapse translate
все статьи читать прочитать прочитано непрочитанные отметить как сохранить сохранено позже поделиться удалить
архив теги открыть в браузере сайт мин минут чтения сегодня назад далее еще ещё главная лента комментарии
избранное подписаться источник оригинал на до
"""
_UI_WORDS = frozenset(_UI_WORDS_TEXT.split())
_READER_APPS = frozenset({
    "feedly", "inoreader", "pocket", "instapaper", "newsblur", "feedbin", "readwise", "readwise reader", "omnivore",
    "the old reader", "feeder", "rssing", "rssing com", "netnewswire", "reeder", "wallabag", "raindrop", "miniflux",
    "freshrss", "tt rss", "bazqux", "feedspot",
})
_CHANNEL_LABEL = re.compile(r"^(?:channel|feed|source|канал|лента|источник)\s*:\s*(?P<name>\S.{0,80}?)$", re.IGNORECASE)
_EDGE_MAX_CHARS = 60
_EDGE_MAX_WORDS = 8


@dataclass
class EdgeChrome:
    """What the chrome at a page's edges said about it: the feed's name, the date."""

    channel: str | None = None
    date: str | None = None


def is_chrome_line(line: str) -> bool:
    """A line with no content words: counters, symbols, a domain, reader buttons, a reader's name."""
    stripped = line.strip()
    if not any(ch.isalpha() for ch in stripped) or re.fullmatch(HOST, stripped):
        return True
    words = fingerprint(stripped).split()
    return " ".join(words) in _READER_APPS or all(w in _UI_WORDS or w.isdigit() for w in words)


def _short_lines(block) -> list[str] | None:
    """The lines of a paragraph made of short lines only (no sentence among them), else None."""
    if block.kind != "paragraph":
        return None
    lines = [line.strip() for line in block.text.split("\n") if line.strip()]
    for line in lines:
        if len(line) > _EDGE_MAX_CHARS or len(line.split()) > _EDGE_MAX_WORDS or line[-1] in ".!?…":
            return None
    return lines


def strip_edge_chrome(blocks: list) -> tuple[list, EdgeChrome]:
    """Drop runs of short chrome lines at the head (above the article's title) and tail.

    A run counts as chrome when at least two of its lines, and half of them, carry no
    content words; the names left among them are the feed's (a "Channel: X" line, or
    the name over a date line) and a date line dates the article.
    """
    from .dates import parse_date_line

    meta = EdgeChrome()
    head = 0
    while head < len(blocks) and _short_lines(blocks[head]) is not None:
        head += 1
    if head == len(blocks):
        return blocks, meta
    lines = [line for block in blocks[:head] for line in _short_lines(block)]
    first = blocks[head].text.strip()
    titled = blocks[head].kind != "paragraph" or ("\n" not in first and len(first) <= 120 and first[-1] not in ".!?…:")
    title = lines.pop() if not titled and lines else None
    marks = [is_chrome_line(line) or bool(_CHANNEL_LABEL.match(line) or parse_date_line(line)) for line in lines]
    from_head = sum(marks) >= 2 and 2 * sum(marks) >= len(lines)
    if from_head:
        for index, line in enumerate(lines):
            label, when = _CHANNEL_LABEL.match(line), parse_date_line(line)
            if label and not meta.channel:
                meta.channel = label.group("name")
            if when and not meta.date:
                meta.date = when
                before = [x for x, chrome in zip(lines[:index], marks) if not chrome]
                meta.channel = meta.channel or (before[-1] if before else None)
        kept = [type(blocks[0])("paragraph", title)] if title else []
        blocks = kept + blocks[head:]
    return _strip_tail(blocks, lenient=from_head), meta


def _strip_tail(blocks: list, lenient: bool) -> list:
    tail = len(blocks)
    while tail > 1 and _short_lines(blocks[tail - 1]) is not None:
        tail -= 1
    lines = [line for block in blocks[tail:] for line in _short_lines(block)]
    chrome = sum(is_chrome_line(line) for line in lines)
    if chrome >= (1 if lenient else 2) and 2 * chrome >= len(lines):
        return blocks[:tail]
    return blocks


_TAGS_ONLY = re.compile(r"^(?:[#@][^\W_][\w\-]*[\s,;·|]*)+$")


def is_tags_only(line: str) -> bool:
    """'#тактика #спекуляции': a line of hashtags (and mentions) files a post, it does not name it."""
    return bool(_TAGS_ONLY.match(line.strip()))
