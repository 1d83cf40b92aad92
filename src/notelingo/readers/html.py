"""Blog pages (any HTML that is not a Telegram export) -> one splittable Post.

Main content comes from trafilatura (navigation, comments, newsletter boxes and
related-post lists dropped); its XML output is turned into heading, paragraph,
list item, quote, code and formula blocks. trafilatura drops MathML, so formulas
are first replaced by their TeX source (``$...$`` inline, ``$$...$$`` display).
trafilatura imports slowly: it is imported inside the functions that use it.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urljoin, urlparse

from ..errors import FormatError
from ..notes.tables import encode_table
from ..schema import Post, RawBlock, Ref, Source
from .html_meta import article_title, byline_author, page_meta, published, without_byline
from .telegram_json import inline_code, url_of_link

_DISPLAYSTYLE = re.compile(r"^\{\\displaystyle\s*(.*)\}$", re.DOTALL)
_DISPLAY_FORMULA = re.compile(r"^\$\$(.+)\$\$$", re.DOTALL)
_TITLE_SEPARATORS = " |-–—·:"
# Separators between an article's title and its site's name: spaced dashes, bars, guillemets.
_SUFFIX_SEPARATOR = re.compile(r"\s+(?:[|»·—–-]|::)\s+")
_GENERIC_LABELS = frozenset({"www", "blog", "blogs", "m", "amp", "en", "ru", "de", "news", "co", "com", "org"})
_MIN_SITE_KEY = 2  # 'dw' of dw.com ("… | DW | 19.01.2020")
_MAX_SUFFIX_WORDS = 6
_MIN_TITLE_CHARS = 8
_BLOCK_TAGS = frozenset({"p", "list", "quote", "code", "head", "table", "div"})
_INLINE_TAGS = frozenset({"hi", "ref", "lb"})  # trafilatura's inline elements: parts of a paragraph
_FORMULA_HOLDERS = frozenset({"dd", "p", "div", "center", "td"})
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
# Class tokens of page chrome that main-content extraction sometimes keeps: skip
# links, MediaWiki edit links / tables of contents / navigation boxes / categories,
# and screen-reader-only text. Matched as whole class tokens, case-insensitively.
_CHROME_CLASSES = frozenset({
    "mw-jump-link", "mw-editsection", "toc", "toctitle", "navbox", "vertical-navbox", "navframe",
    "catlinks", "skip-link", "skip-to-content", "sr-only", "screen-reader-text", "visually-hidden",
    "breadcrumb", "breadcrumbs", "noprint",
})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# C0 controls other than tab and line ends: browsers show nothing for them, but trafilatura builds XML, which
# cannot hold them, and gave up on the whole page (a stray \x0b or \x08 pasted from Word lost every paragraph).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_tex(tex: str) -> str:
    """TeX of a formula without Wikipedia's ``{\\displaystyle ...}`` wrapper."""
    tex = " ".join(tex.split())
    match = _DISPLAYSTYLE.match(tex)
    return match.group(1).strip() if match else tex


def _tex_of(element) -> str | None:
    for annotation in element.iter("{*}annotation", "annotation"):
        if (annotation.get("encoding") or "").lower() in ("application/x-tex", "tex", "latex") and annotation.text:
            return clean_tex(annotation.text)
    for node in element.iter():
        alt = node.get("alttext") or (node.get("alt") if node.tag == "img" else None)
        if alt and alt.strip():
            return clean_tex(alt)
    return None


def _is_display(element) -> bool:
    marker = " ".join(
        f"{node.get('class') or ''} {node.get('display') or ''} {node.get('type') or ''}" for node in element.iter()
    )
    return "display" in marker or "block" in marker.split() or _alone_in_block(element)


def _alone_in_block(element) -> bool:
    """A formula that is the whole content of its block (e.g. MediaWiki's ``<dd>``) is displayed."""
    parent = element.getparent()
    if parent is None or parent.tag not in _FORMULA_HOLDERS:
        return False
    others = (parent.text or "") + "".join(
        (_element_text(sibling) if sibling is not element else "") + (sibling.tail or "") for sibling in parent
    )
    return not others.strip(" \t\n\r\u00a0.,;:")


def _element_text(node) -> str:
    """Text of an element; a comment or processing instruction (``<!-- … -->`` beside a formula)
    has none (lxml's ``text_content`` raises on them)."""
    return node.text_content() if isinstance(node.tag, str) else ""


def _replace_with_text(element, text: str) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text + tail
    else:
        parent.text = (parent.text or "") + text + tail
    parent.remove(element)


def drop_comments(tree) -> None:
    """Remove comments and processing instructions, keeping the text after them: they are never
    content, and text parked in their tails is lost when extraction removes them."""
    from lxml import etree

    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)


def drop_chrome(tree) -> None:
    """Remove navigation and hidden-text elements that extraction would otherwise keep."""
    doomed = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tokens = {token.lower() for token in (element.get("class") or "").split()}
        if element.tag == "nav" or tokens & _CHROME_CLASSES or (element.get("role") or "").lower() in _CHROME_ROLES:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def replace_math(tree) -> None:
    """Replace MathML / MediaWiki / KaTeX / MathJax formulas by ``$TeX$`` text."""
    candidates = tree.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' mwe-math-element ')"
        " or contains(concat(' ', normalize-space(@class), ' '), ' katex ')"
        " or contains(concat(' ', normalize-space(@class), ' '), ' katex-display ')]"
        " | //*[local-name()='math'] | //script[starts-with(@type, 'math/tex')]"
    )
    chosen = set(candidates)
    for element in candidates:
        if element.getparent() is None or any(a in chosen for a in element.iterancestors()):
            continue
        tex = element.text if element.tag == "script" else _tex_of(element)
        if not tex or not tex.strip():
            continue
        tex = clean_tex(tex)
        _replace_with_text(element, f"$${tex}$$" if _is_display(element) else f"${tex}$")


class _XmlToBlocks:
    """Walks trafilatura's XML (``main`` with head/p/list/quote/code/table) into blocks."""

    def __init__(self, base_url: str | None) -> None:
        self.blocks: list[RawBlock] = []
        self.links: list[str] = []
        self.pending_links: list[str] = []  # links met since the last block was added
        self.base_url = base_url

    def walk(self, element, quoted: bool = False) -> None:
        """Blocks of ``element``'s children; text between them (a container's own text, the tail
        after a heading: "<head>Einleitung</head>Die Erstellung …") and inline runs are paragraphs."""
        pending = [_SPACES.sub(" ", element.text or "")]
        for child in element:
            if child.tag in _INLINE_TAGS:
                pending.append(self._inline_piece(child))
            else:
                self._flush_loose(pending, quoted)
                self._block(child, quoted)
            pending.append(_SPACES.sub(" ", child.tail or ""))
        self._flush_loose(pending, quoted)

    def _inline_piece(self, child) -> str:
        if child.tag == "lb":
            return "\n"
        if child.tag == "ref":
            self._record_link(child.get("target"))
        return self.inline_text(child)

    def _flush_loose(self, pending: list[str], quoted: bool) -> None:
        text = "".join(pending)
        pending.clear()
        if text.strip():
            self._add_text("quote" if quoted else "paragraph", text)

    def _block(self, child, quoted: bool) -> None:
        tag = child.tag
        if tag == "head":
            level = (child.get("rend") or "h2").lstrip("h")
            self._add("heading", self.inline_text(child), {"level": level if level.isdigit() else "2"})
        elif tag == "list":
            for item in child.iter("item"):
                self._add_text("quote" if quoted else "list_item", self.inline_text(item, skip_lists=True))
        elif tag == "quote" and any(grand.tag in _BLOCK_TAGS for grand in child):
            self.walk(child, quoted=True)
        elif tag == "quote":
            self._add("quote", self.inline_text(child))
        elif tag == "code":
            self._add_code(child)
        elif tag == "table":
            self._add_table(child, quoted)
        elif tag in ("p", "item", "cell", "div"):
            self._add_text("quote" if quoted else "paragraph", self.inline_text(child))
        elif tag != "graphic" and isinstance(tag, str):
            self.walk(child, quoted)

    def _add(self, kind: str, text: str, attrs: dict[str, str] | None = None) -> None:
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.strip().splitlines())
        # Stray separators ("—", ",") left between removed widgets carry no text.
        if any(ch.isalnum() for ch in text):
            self.blocks.append(RawBlock(kind, text, dict(attrs or {}, _links=self.pending_links)))
            self.pending_links = []

    def _add_text(self, kind: str, text: str) -> None:
        # A paragraph that is a display formula only is a formula block.
        match = _DISPLAY_FORMULA.match(text.strip())
        if match and "$$" not in match.group(1):
            self._add("formula", match.group(1).strip())
        else:
            self._add(kind, text)

    def _add_code(self, element) -> None:
        code = "".join(element.itertext()).strip("\n")
        if code.strip():
            self.blocks.append(RawBlock("code", code, _code_attrs(element)))

    def _add_table(self, table, quoted: bool) -> None:
        """A data table (two rows and two columns or more) is one ``table`` block, as a Markdown
        table is (:mod:`notelingo.notes.tables`); a one-column layout table is a paragraph per row."""
        rows = [[" ".join(self.inline_text(cell).split()) for cell in row.iter("cell")] for row in table.iter("row")]
        rows = [row for row in rows if any(row)]
        if not quoted and len(rows) >= 2 and max(len(row) for row in rows) >= 2:
            text, attrs = encode_table(rows, [])
            self._add("table", text, attrs)
            return
        for cells in rows:
            self._add("quote" if quoted else "paragraph", " | ".join(cell for cell in cells if cell))

    def inline_text(self, element, skip_lists: bool = False) -> str:
        """Text of an element; inline code in backticks, <lb/> as a newline, links recorded."""
        parts = [_SPACES.sub(" ", element.text or "")]
        for child in element:
            if child.tag == "lb":
                parts.append("\n")
            elif child.tag == "code":
                parts.append(inline_code("".join(child.itertext())))
            elif not (skip_lists and child.tag == "list"):
                if child.tag == "ref":
                    self._record_link(child.get("target"))
                parts.append(self.inline_text(child))
            parts.append(_SPACES.sub(" ", child.tail or ""))
        return "".join(parts)

    def _record_link(self, target: str | None) -> None:
        if target and self.base_url:
            target = urljoin(self.base_url, target)
        if target:
            self.links.append(target)
            self.pending_links.append(target)


def _code_attrs(element) -> dict[str, str]:
    for name in (element.get("lang"), element.get("class"), element.get("rend")):
        if name and re.fullmatch(r"(language-)?[\w+#.-]{1,30}", name):
            return {"language": name.removeprefix("language-")}
    return {}


def strip_site_suffix(title: str | None, site: str | None, url: str | None = None) -> str | None:
    """'The Future of AI | Appen' -> 'The Future of AI' when the suffix is the site name; also
    when the suffix opens with a name of the page's host ('Die Ablehnung » SciLogs - Wissenschaftsblogs'
    on scilogs.spektrum.de, 'What is Rust? - Stack Overflow Blog' on stackoverflow.blog)."""
    if not title:
        return None
    title = " ".join(title.split())
    if site and title.lower().endswith(site.lower()) and len(title) > len(site):
        head = title[: -len(site)].rstrip()
        if head and head[-1] in _TITLE_SEPARATORS and head.rstrip(_TITLE_SEPARATORS):
            return head.rstrip(_TITLE_SEPARATORS).strip()
    names = _site_keys(site, url)
    for match in _SUFFIX_SEPARATOR.finditer(title):
        head, rest = title[:match.start()].strip(), title[match.end():]
        tail = _key(rest)
        short = len(rest.split()) <= _MAX_SUFFIX_WORDS
        if len(head) >= _MIN_TITLE_CHARS and short and tail and any(tail.startswith(name) for name in names):
            return head
    return title


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _site_keys(site: str | None, url: str | None) -> list[str]:
    """The site's name and its host's labels ('scilogs', 'spektrum'; never 'www', 'com' or 'blog')."""
    host = (urlparse(url).hostname or "") if url else ""
    labels = host.split(".")[:-1]
    keys = [_key(label) for label in labels if label not in _GENERIC_LABELS] + ([_key(site)] if site else [])
    return [key for key in keys if len(key) >= _MIN_SITE_KEY]


def parse_page(text: str, path: str):
    """Parse HTML leniently into an lxml tree; FormatError when nothing can be parsed."""
    import lxml.html
    from lxml.etree import ParserError

    markup = _CONTROLS.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", _XML_DECLARATION.sub("", text, count=1))
    try:
        return lxml.html.document_fromstring(markup)
    except (ParserError, ValueError) as exc:
        raise FormatError(path, f"is not a readable HTML page ({exc}); save the page again from the browser") from None


def extract_main(tree, path: str):
    """trafilatura's XML of the main content (with metadata), or None when it finds none."""
    import trafilatura
    from lxml import etree

    options = dict(output_format="xml", include_formatting=True, include_comments=False,
                   include_tables=True, include_links=True, with_metadata=True)
    # Short pages fall under the default size thresholds: recall mode keeps them. Some
    # WordPress pages give nothing with formatting kept: then the text without it. Each
    # try gets its own copy of the tree (extraction prunes the tree it is given).
    attempts = (options, dict(options, favor_recall=True), dict(options, favor_recall=True, include_formatting=False))
    try:
        for attempt in attempts:
            xml = trafilatura.extract(copy.deepcopy(tree), **attempt)
            if xml is not None:
                return etree.fromstring(xml.encode("utf-8"))
        return None
    except (etree.LxmlError, ValueError, TypeError, AttributeError) as exc:
        raise FormatError(path, f"main text could not be extracted ({type(exc).__name__}: {exc})") from None


def external_refs(links: list[str], page_url: str | None) -> list[Ref]:
    """URLs the article cites: links to other sites (links within the site are navigation)."""
    own_host = urlparse(page_url).hostname if page_url else None
    refs: list[Ref] = []
    for link in links:
        url = url_of_link(link)
        if not url or (own_host and urlparse(url).hostname == own_host):
            continue
        if all(ref.url != url for ref in refs):
            refs.append(Ref(kind="url", id=url, url=url))
    return refs


def _with_own_links(block: RawBlock, page_url: str | None) -> RawBlock:
    """Record the external links inside a block (``_links``), so that a note cut out of
    the page keeps the links of its own blocks, whatever their anchor text."""
    links = block.attrs.pop("_links", [])
    refs = external_refs(links, page_url) if links else []
    if refs:
        block.attrs["_links"] = "\n".join(ref.url for ref in refs)
    return block


def read_blog_html(text: str, path: str) -> list[Post]:
    """The main content of a web page as one Post (empty list for a page without text)."""
    tree = parse_page(text, path)
    drop_comments(tree)
    replace_math(tree)
    drop_chrome(tree)
    doc = extract_main(tree, path)
    if doc is None:
        return []
    url = doc.get("url") or None
    site = doc.get("sitename") or doc.get("hostname") or None
    converter = _XmlToBlocks(url)
    main = doc.find("main")
    converter.walk(main if main is not None else doc)
    if not converter.blocks:
        return []
    page = page_meta(tree)
    title = article_title(strip_site_suffix(doc.get("title"), site, url), site, page)
    author = byline_author(doc.get("author"), site, page)
    blocks = [_with_own_links(block, url) for block in converter.blocks]
    if title and blocks[0].kind == "heading" and blocks[0].text.strip().lower() == title.lower():
        blocks = blocks[1:]  # the page's h1 repeats the title
    blocks = without_byline(blocks, author)
    source = Source(kind="html", path=path, channel=site, url=url, author=author)
    return [Post(source=source, blocks=blocks, title=title, date=published(doc.get("date"), page),
                 refs=external_refs(converter.links, url), splittable=True)]
