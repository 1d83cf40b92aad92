"""A web page's own statements about its article: title, author, publication time.

Pages say these things in several places; the article's own ones come first:
JSON-LD (``headline``, ``author``, ``datePublished``), Open Graph / article meta
tags, the ``h1`` and the byline, and only then what main-content extraction
guessed. Site names are not titles, and link texts such as "View all posts by X"
or widget paragraphs are not authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ..schema import RawBlock
from .formats import loads

_BYLINE_PREFIX = re.compile(
    r"^\s*(?:view\s+all\s+(?:posts|articles|stories)\s+by|all\s+posts\s+by|more\s+posts\s+by|posts\s+by|"
    r"posted\s+by|written\s+by|published\s+by|by|автор(?:ы)?\s*:?|опубликовал[аи]?|все\s+записи\s+автора)\s+",
    re.IGNORECASE,
)
_BYLINE_START = re.compile(r"^\s*(?:by|posted\s+by|written\s+by|автор|авторы)\b", re.IGNORECASE)
_WIDGET_WORDS = re.compile(r"\b(view|posts?|subscribe|follow|share|comments?|widget|menu)\b", re.IGNORECASE)
#: A URL slug: lower-case words joined by hyphens or underscores, no spaces ('my-first-post-2018').
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+){2,}")
_BYLINE_MAX_WORDS = 14
_BYLINE_NEAR_TOP = 3


@dataclass
class PageMeta:
    """Statements a page makes about its article (empty lists when it makes none)."""

    titles: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)


def page_meta(tree) -> PageMeta:
    """Titles, authors and publication times stated by JSON-LD, meta tags, h1, bylines."""
    meta = PageMeta()
    for script in tree.xpath("//script[@type='application/ld+json']"):
        for item in _json_ld_items(script.text or ""):
            _add(meta.titles, item.get("headline"))
            _add(meta.times, item.get("datePublished"))
            for person in item.get("author") if isinstance(item.get("author"), list) else [item.get("author")]:
                _add(meta.authors, person.get("name") if isinstance(person, dict) else person)
    for prop, target in (("og:title", meta.titles), ("article:published_time", meta.times),
                         ("author", meta.authors), ("article:author", meta.authors)):
        for value in tree.xpath(f"//meta[@property='{prop}' or @name='{prop}']/@content"):
            _add(target, value)
    for text in tree.xpath("//h1//text()[normalize-space()]/ancestor::h1[1]"):
        _add(meta.titles, text.text_content())
    for value in tree.xpath("//time/@datetime"):
        _add(meta.times, value)
    bylines = "//*[@rel='author'] | //*[contains(concat(' ', @class, ' '), ' byline ')]//*[contains(@class, 'author')]"
    for link in tree.xpath(bylines):
        _add(meta.authors, clean_author(link.text_content()))
    return meta


def _json_ld_items(text: str) -> list[dict]:
    try:
        data = loads(text)
    except (ValueError, RecursionError):
        return []
    items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    return [item for item in items if isinstance(item, dict)]


def _add(values: list[str], value) -> None:
    if isinstance(value, str) and value.strip() and " ".join(value.split()) not in values:
        values.append(" ".join(value.split()))


def clean_author(text: str | None) -> str | None:
    """'View all posts by Jane Doe' -> 'Jane Doe'; widget text and empty names -> None."""
    if not text:
        return None
    name = _BYLINE_PREFIX.sub("", " ".join(text.split())).strip(" ,·|-–—")
    if not name or len(name.split()) > 5 or _WIDGET_WORDS.search(name) or any(ch.isdigit() for ch in name):
        return None
    return name


def article_title(extracted: str | None, site: str | None, meta: PageMeta) -> str | None:
    """The extracted title unless it is the site's name or a URL slug
    ('adac-kindersitztest-herbst-2018' in og:title); then the article's own title."""
    def usable(title: str | None) -> bool:
        return bool(title) and not (site and _same(title, site)) and not _SLUG.fullmatch(title.strip())

    if usable(extracted):
        return extracted
    return next((t for t in meta.titles if usable(t)), extracted)


def byline_author(extracted: str | None, site: str | None, meta: PageMeta) -> str | None:
    """The author a page states (JSON-LD, meta, byline), else the extracted one, cleaned."""
    for candidate in meta.authors + [extracted]:
        name = clean_author(candidate)
        if name and not (site and _same(name, site)):
            return name
    return None


def published(extracted: str | None, meta: PageMeta) -> str | None:
    """The publication time with its time zone when the page states one for the same day."""
    for value in meta.times:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            continue
        if "T" in value and (extracted is None or moment.date().isoformat() == extracted[:10]):
            return moment.isoformat()
    return extracted


def without_byline(blocks: list[RawBlock], author: str | None) -> list[RawBlock]:
    """A short byline paragraph near the top ('By Jane Doe · May 5, 2024') is metadata."""
    out = []
    for index, block in enumerate(blocks):
        text = block.text.strip()
        short = block.kind == "paragraph" and "\n" not in text and len(text.split()) <= _BYLINE_MAX_WORDS
        named = bool(author) and text.casefold().startswith(author.casefold())
        if index < _BYLINE_NEAR_TOP and short and (_BYLINE_START.match(text) or named) and not text.endswith("."):
            continue
        out.append(block)
    return out


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
