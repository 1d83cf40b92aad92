"""MDX and Markdown markup that is not prose, and Markdown tables (used by the text reader).

**Markup** becomes a ``markup`` block: kept verbatim, never translated, never
searched for glossary terms (``markup`` is one of ``UNTRANSLATED_KINDS``). Its
``markup`` attr says which kind:

* ``template``: a template control line on its own (``{#if fw === 'pt'}``,
  ``{:else}``, ``{/if}``) or an MDX comment (``{/* … */}``);
* ``component``: JSX tags alone on their line(s), attributes and ``{…}``
  expressions included (``<CourseFloatingBanner chapter={6} notebooks={[…]} />``,
  ``<Youtube id="…"/>``, ``<Tip>`` and ``</Tip>``). What a component wraps is Markdown
  and is read as such;
* ``html``: raw HTML. A line opening with an HTML block element (``<div``, ``<img``,
  ``<iframe``, ``<table`` …) starts a block that runs to the next blank line, as in
  CommonMark, or to a template line; an HTML comment runs to ``-->``. A ``<style>`` or
  ``<script>`` element (a Jekyll post's own CSS) runs to its closing tag and is dropped.

A line where prose follows a tag (``<a href=…>paper</a> shows …``) is a paragraph.

**Tables** (GFM: a header row, a separator row of dashes, body rows) become one
``table`` block whose cells are translated one by one; see :mod:`notelingo.notes.tables`.

**Contexts**: every block carries an internal ``_context`` attr naming the heading it
is under, the ``{#if …}`` / ``{:else}`` / ``{/if}`` branches and the open components
(``<hfoption id="PyTorch">``) it is in, so that normalize never drops a paragraph of one
branch (or section) as a repeat of the same paragraph in another: both are shown to readers.
"""

from __future__ import annotations

import re

from ..notes.tables import encode_table
from ..schema import RawBlock

_TEMPLATE = re.compile(r"^\{\s*(?P<mark>[#:/@])\s*(?P<word>\*|[A-Za-z]+)?.*\}$")
_TAG_START = re.compile(r"^</?(?P<name>[A-Za-z][\w.:-]*)")
_COMMENT_OPEN = "<!--"
_AUTOLINK = re.compile(r"^<(?:[A-Za-z][\w+.-]*:|[^\s<>@]+@[^\s<>@]+>)")  # <https://…>, <user@host>: links
_MAX_TAG_LINES = 200
#: CommonMark's HTML block elements (types 1 and 6) and embedded media: such a line opens raw HTML.
_HTML_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "audio", "base", "basefont", "blockquote", "body", "canvas", "caption",
    "center", "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "embed", "fieldset",
    "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hr", "html", "iframe", "img", "legend", "li", "link", "main", "menu", "menuitem", "nav",
    "noframes", "object", "ol", "optgroup", "option", "p", "param", "picture", "pre", "script", "search",
    "section", "source", "style", "summary", "svg", "table", "tbody", "td", "textarea", "tfoot", "th", "thead",
    "title", "tr", "track", "ul", "video",
})
#: Elements holding a page's CSS or JavaScript, not text (see :func:`is_page_code`).
_PAGE_CODE_TAGS = frozenset({"style", "script"})
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def read_markup(lines: list[str], index: int) -> tuple[RawBlock, int] | None:
    """A markup block starting at ``lines[index]`` and the index after it, or None."""
    stripped = lines[index].strip()
    if _TEMPLATE.match(stripped):
        return RawBlock("markup", stripped, {"markup": "template"}), index + 1
    if stripped.startswith(_COMMENT_OPEN):
        end = next((i for i in range(index, len(lines)) if "-->" in lines[i]), None)
        if end is None:
            return None
        return _markup(lines, index, end, "html")
    tag = _TAG_START.match(stripped)
    if not tag or _AUTOLINK.match(stripped):
        return None
    name = tag.group("name")
    is_html = name.lower() in _HTML_BLOCK_TAGS and name[0].islower()
    end = _end_of_tags(lines, index)
    if end is None and not is_html:
        return None
    if name.lower() in _PAGE_CODE_TAGS:
        return _page_code(lines, index, name.lower())
    if is_html:
        end = index if end is None else end
        while end + 1 < len(lines) and lines[end + 1].strip() and not _TEMPLATE.match(lines[end + 1].strip()):
            end += 1  # MDX: a template line closes raw HTML as a blank line does
    return _markup(lines, index, end, "html" if is_html else "component")


def _page_code(lines: list[str], index: int, name: str) -> tuple[RawBlock, int]:
    """A ``<style>``/``<script>`` element runs to its closing tag, blank lines included (CommonMark
    type 1). It styles or scripts the page the post was written for: no text of the note."""
    closing = f"</{name}"
    end = next((i for i in range(index, min(len(lines), index + _MAX_TAG_LINES)) if closing in lines[i].lower()), index)
    block, after = _markup(lines, index, end, "html")
    block.attrs["_page_code"] = "1"
    return block, after


def is_page_code(block: RawBlock) -> bool:
    """A block the reader drops: a page's own CSS or JavaScript."""
    return bool(block.attrs.get("_page_code"))


def _markup(lines: list[str], start: int, end: int, kind: str) -> tuple[RawBlock, int]:
    text = "\n".join(line.rstrip() for line in lines[start:end + 1]).strip("\n")
    return RawBlock("markup", text, {"markup": kind}), end + 1


def _end_of_tags(lines: list[str], index: int) -> int | None:
    """Index of the line where a run of tags (and nothing else) opening ``lines[index]`` ends."""
    text = "\n".join(lines[index:index + _MAX_TAG_LINES])
    pos = len(text) - len(text.lstrip())
    while True:
        end = _tag_end(text, pos)
        if end is None:
            return None
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[end:line_end]
        after = rest.lstrip()
        if not after:
            return index + text.count("\n", 0, end)
        if not _TAG_START.match(after):
            return None  # prose follows the tag: a paragraph with inline markup
        pos = end + (len(rest) - len(after))


def _tag_end(text: str, pos: int) -> int | None:
    """Index just after the ``>`` closing the tag at ``text[pos]``; quotes and ``{…}`` may hold ``>``."""
    quote = ""
    depth = 0
    for i in range(pos + 1, len(text)):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'`" and (depth or text[i - 1] in "= \t\n{"):
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == ">" and not depth:
            return i + 1
        elif ch == "<" and not depth:
            return None  # a second tag opens before this one closed: not a tag
    return None


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


def read_table(lines: list[str], index: int) -> tuple[RawBlock, int] | None:
    """A GFM table starting at ``lines[index]`` (header row, separator row, body rows), or None."""
    if index + 1 >= len(lines) or "|" not in lines[index] or not _is_separator(lines[index + 1]):
        return None
    header = split_row(lines[index])
    separator = split_row(lines[index + 1])
    if len(header) != len(separator):
        return None
    rows = [header]
    end = index + 2
    while end < len(lines) and lines[end].strip() and "|" in lines[end]:
        rows.append(split_row(lines[end])[:len(header)])
        end += 1
    text, attrs = encode_table(rows, [_alignment(cell) for cell in separator])
    return RawBlock("table", text, attrs), end


def _is_separator(line: str) -> bool:
    return "-" in line and ("|" in line or line.count("-") >= 3) and bool(_TABLE_SEPARATOR.match(line))


def split_row(line: str) -> list[str]:
    """Cells of a table row; ``\\|`` is a pipe inside a cell, and so is a pipe inside a code span."""
    body = line.strip().removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells, current, in_code = [], [], False
    index = 0
    while index < len(body):
        ch = body[index]
        if ch == "\\" and index + 1 < len(body) and body[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        index += 1
    cells.append("".join(current).strip())
    return cells


def _alignment(cell: str) -> str:
    left, right = cell.startswith(":"), cell.endswith(":")
    return "center" if left and right else "right" if right else "left" if left else ""


# --------------------------------------------------------------------------
# Template branches
# --------------------------------------------------------------------------


_TAG = re.compile(r"""<(/?)([A-Za-z][\w.:-]*)((?:[^<>"'{}]|"[^"]*"|'[^']*'|\{[^{}]*\})*?)(/?)>""")
_VOID_TAGS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                        "track", "wbr"})


def mark_contexts(blocks: list[RawBlock]) -> None:
    """Give every block an internal ``_context`` attr: the heading it is under, the template
    branches and the open components it is in (``## Setup | {#if fw === 'pt'}#1``,
    ``<hfoption id="PyTorch">``). A paragraph repeated in another context is another
    reader's text (the PyTorch and the TensorFlow branch), not an export repeat."""
    branches: list[list] = []  # [opening line, branch number]
    elements: list[tuple[str, str]] = []  # (tag name, opening tag)
    heading = ""
    for block in blocks:
        kind = block.attrs.get("markup") if block.kind == "markup" else None
        if kind == "template":
            _step_branches(branches, block.text)
            continue
        if kind in ("component", "html"):
            _step_elements(elements, block.text)
            continue
        if block.kind == "heading":
            heading = f"{'#' * int(block.attrs.get('level', '2') or 2)} {block.text.strip()}"
        parts = [heading] if heading else []
        parts.extend(f"{opening}#{number}" for opening, number in branches)
        parts.extend(opening for _, opening in elements)
        if parts:
            block.attrs["_context"] = " | ".join(parts)


def _step_branches(branches: list[list], line: str) -> None:
    mark = _TEMPLATE.match(line)
    sign = mark.group("mark") if mark else ""
    if sign == "#":
        branches.append([line, 0])
    elif sign == ":" and branches:
        branches[-1][1] += 1
    elif sign == "/" and branches and mark.group("word") != "*":
        branches.pop()


def _step_elements(elements: list[tuple[str, str]], text: str) -> None:
    """Open and close the elements a markup block's tags open and close (void and self-closed ones neither)."""
    for tag in _TAG.finditer(text):
        closing, name, _, self_closed = tag.groups()
        if closing:
            names = [open_name for open_name, _ in elements]
            if name in names:
                del elements[len(names) - 1 - names[::-1].index(name):]
        elif not self_closed and name.lower() not in _VOID_TAGS:
            elements.append((name, " ".join(tag.group().split())))


# --------------------------------------------------------------------------
# MathJax delimiters written through Markdown
# --------------------------------------------------------------------------

# Markdown turns "\\(" into "\(" for MathJax: "\\( h\_t = \tanh(x) \\)" is the formula
# "h_t = \tanh(x)" (Jekyll posts, Hugging Face doc-builder pages).
_MATHJAX_INLINE = re.compile(r"\\\\\((?P<tex>.+?)\\\\\)", re.DOTALL)
_MATHJAX_DISPLAY = re.compile(r"\\\\\[(?P<tex>.+?)\\\\\]", re.DOTALL)
_PROSE_ESCAPE = re.compile(r"\\([!#%&*+,\-./:;<=>?@^_{|}~'\"])")
_FORMULA_SPAN = re.compile(r"(\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$)", re.DOTALL)
_CODE_SPAN = re.compile(r"((`+).+?\2)", re.DOTALL)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_prose(text: str) -> str:
    """``\\( x \\)`` -> ``$x$`` and ``\\[ x \\]`` -> ``$$x$$``, Markdown's escapes inside undone.

    Outside formulas and code spans, Markdown's escapes of punctuation are undone too
    ("Module 1\\!" -> "Module 1!", "\\* terms" -> "* terms"), except those that still mean
    something here: ``\\$`` (not a formula), ``\\\\``, brackets and parentheses (TeX's ``\\(``).
    """
    if "\\" not in text:
        return text

    def tex(match: re.Match) -> str:
        return _MD_ESCAPE.sub(r"\1", match.group("tex")).strip()

    def convert(prose: str) -> str:
        pieces = _FORMULA_SPAN.split(_MATHJAX_INLINE.sub(lambda m: f"${tex(m)}$",
                                                         _MATHJAX_DISPLAY.sub(lambda m: f"$${tex(m)}$$", prose)))
        return "".join(part if index % 2 else _PROSE_ESCAPE.sub(r"\1", part) for index, part in enumerate(pieces))

    # Inline code spans are left as they are written.
    parts = _CODE_SPAN.split(text)  # prose, span, its backticks, prose, …
    return "".join(convert(part) if index % 3 == 0 else part for index, part in enumerate(parts) if index % 3 != 2)
