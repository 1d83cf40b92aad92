"""The Markdown digest (CommonMark + GFM tables), and one note as Markdown (used by the vault).

Languages follow each other block after block: the first language shown as a
paragraph, the others quoted under it, so pairs stay visible in any viewer.
Inline code spans are kept as written (backticks and all: a code span is inert).
Other note text is escaped so it cannot inject markup: characters that open emphasis,
links, code, tables or raw HTML get a backslash, as do line-start markers
(``#``, ``>``, ``-``, ``1.``); links are written only for http(s) URLs.
"""

from __future__ import annotations

import re
from typing import Sequence

from .._version import __version__
from ..notes.tables import table_align, table_rows
from ..schema import UNTRANSLATED_KINDS, Block, Note
from .grouping import Group, paper_ref, source_label
from .layout import (
    code_pieces,
    display_title,
    group_label,
    inline_pieces,
    list_markers,
    note_columns,
    translation_notice,
)
from .safety import close_bidi, ref_href, ref_label, safe_href
from .view import Digest, note_meta_items, plural, repeats_title, title_langs

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")
_BACKTICK_RUN = re.compile(r"`+")
_FENCE_INFO = re.compile(r"[^A-Za-z0-9_+.#-]")


def _escape_inline(text: str) -> str:
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def _escape_line_start(line: str) -> str:
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)


def md_escape(text: str) -> str:
    """A piece of note text inside a line, made inert for Markdown (no markup, no raw HTML).

    Newlines become spaces: a piece never starts a new block.
    """
    return _escape_inline(close_bidi(" ".join(text.split())))


def md_inline(text: str) -> str:
    """Plain text (a title) on one line, escaped except its backtick code spans, which stay as written."""
    pieces = code_pieces(" ".join(text.split()))
    return close_bidi("".join(_code_span(raw) if code is not None else _escape_inline(raw) for raw, code in pieces))


def md_lines(text: str, joiner: str = "  \n") -> str:
    """Multi-line note text as one paragraph with hard line breaks, empty lines dropped."""
    return joiner.join(_escape_line_start(md_escape(line)) for line in text.splitlines() if line.strip())


def md_link(href: str | None, label: str) -> str:
    """``[label](href)`` when ``href`` passed the safety checks, else the escaped label."""
    return f"[{md_escape(label)}]({href})" if href else md_escape(label)


def _code_span(raw: str) -> str:
    """An inline code span as written (backticks kept: it is inert in Markdown), newlines as spaces."""
    return " ".join(raw.split("\n"))


def _marked(note: Note, block: Block, lang: str, joiner: str | None = None) -> str:
    """The block's text in ``lang``: escaped, terms in bold, code spans kept; a heading in bold (not in a title)."""
    bold = block.kind == "heading" and joiner is None
    joiner = joiner if joiner is not None else (" " if block.kind == "heading" else "  \n")
    lines = [""]
    for piece in inline_pieces(note, block, lang):
        if piece.kind == "code":
            lines[-1] += _code_span(piece.raw)
            continue
        if piece.span is not None and piece.text.strip() == piece.text and "\n" not in piece.text:
            lines[-1] += f"**{_escape_inline(piece.text)}**"
            continue
        first, *rest = piece.text.split("\n")
        lines[-1] += _escape_inline(first)
        lines.extend(_escape_inline(chunk) for chunk in rest)
    text = joiner.join(_escape_line_start(close_bidi(" ".join(line.split()))) for line in lines if line.strip())
    return f"**{text}**" if bold and text else text


def _fence(code: str, info: str) -> str:
    longest = max((len(run) for run in _BACKTICK_RUN.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{_FENCE_INFO.sub('', info)}\n{code.rstrip()}\n{fence}"


def block_markdown(note: Note, block: Block, langs: Sequence[str], marker: str | None = None) -> str:
    """One block: the first language as a paragraph, the others quoted below it."""
    if block.kind in UNTRANSLATED_KINDS:
        return _fence(block.original(note.lang), block.attrs.get("language", ""))
    present = [lang for lang in langs if block.text.get(lang, "").strip()]
    if not present and block.original(note.lang).strip():
        present = [block.lang or note.lang]
    if block.kind == "table":
        return "\n\n".join(_table_markdown(block, lang, quoted=index > 0) for index, lang in enumerate(present))
    depth = block.attrs.get("depth", "0") if block.kind == "list_item" else "0"
    indent = "\u2003" * min(int(depth), 3) if depth.isdigit() else ""
    marker = "•" if marker is None else marker  # "": the item's text writes its own marker
    bullet = f"{indent}{md_escape(marker)} " if block.kind == "list_item" and marker else indent
    href = safe_href(block.attrs.get("url")) if block.kind == "link_preview" else None
    tail = f" {md_link(href, '↗')}" if href else ""
    paragraphs = []
    for index, lang in enumerate(present):
        body = f"`{md_escape(lang)}` {bullet}{_marked(note, block, lang)}{tail}"
        paragraphs.append(body if index == 0 else "> " + body.replace("\n", "\n> "))
    return "\n\n".join(paragraphs)


_ALIGN_RULE = {"left": ":---", "center": ":---:", "right": "---:"}


def _table_markdown(block: Block, lang: str, quoted: bool) -> str:
    """A table block in one language as a GFM table under its language label (quoted after the first)."""
    rows = table_rows(block.text.get(lang, ""), block.attrs)
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    align = (table_align(block.attrs) + [""] * width)[:width]
    lines = [f"`{md_escape(lang)}`", ""]
    for number, row in enumerate(rows):
        cells = [md_escape(cell) for cell in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if number == 0:
            lines.append("| " + " | ".join(_ALIGN_RULE.get(a, "---") for a in align) + " |")
    return "\n".join(("> " + line).rstrip() if quoted else line for line in lines)


def note_meta_line(note: Note) -> str:
    """Source, author, date, link and origin language on one line."""
    parts = [md_link(item.href, item.text) if item.href else md_escape(item.text) for item in note_meta_items(note)]
    return _escape_line_start(" · ".join(parts))


def note_body_markdown(note: Note, langs: Sequence[str], requested: bool = True) -> str:
    """A note's source line, refs and blocks (no title heading): its origin first, then its translations."""
    lines = [note_meta_line(note)]
    if note.refs:
        lines.append("Refs: " + " · ".join(md_link(ref_href(ref), ref_label(ref)) for ref in note.refs))
    missing = translation_notice(note, langs, requested)
    if missing:
        lines.append(f"*{md_escape(missing)}*")
    columns, markers = note_columns(note, langs), list_markers(note)
    blocks = [block_markdown(note, block, columns, markers.get(block.id))
              for block in note.blocks if not repeats_title(note, block)]
    return "  \n".join(lines) + "\n\n" + "\n\n".join(b for b in blocks if b)


def note_title_markdown(note: Note, langs: Sequence[str], level: int) -> str:
    """The title as a heading; where a block holds it, its translations quoted below, as blocks are."""
    heading = f'{"#" * level} {md_inline(display_title(note))}'
    block, present = title_langs(note, note_columns(note, langs))
    origin = (block.lang or note.lang) if block is not None else note.lang
    others = [f"> `{md_escape(lang)}` {_marked(note, block, lang, ' ')}" for lang in present if lang != origin]
    return "\n\n".join([heading, *others])


def _group_markdown(group: Group, number: int, langs: Sequence[str], requested: bool) -> str:
    if len(group.notes) == 1:
        note = group.notes[0]
        body = note_body_markdown(note, langs, requested)
        return f'<a id="g{number}"></a>\n\n{note_title_markdown(note, langs, 2)}\n\n{body}'
    refs = "".join(" · " + md_link(ref_href(paper_ref(pid)), ref_label(paper_ref(pid))) for pid in group.refs)
    parts = [f'<a id="g{number}"></a>\n\n## {md_inline(group_label(group))}\n\n{len(group.notes)} notes{refs}']
    for index, note in enumerate(group.notes, start=1):
        body = note_body_markdown(note, langs, requested)
        parts.append(f'<a id="g{number}n{index}"></a>\n\n{note_title_markdown(note, langs, 3)}\n\n{body}')
    return "\n\n".join(parts)


def _toc(groups: Sequence[Group]) -> str:
    lines = ["## Contents", ""]
    for number, group in enumerate(groups, start=1):
        lines.append(f"{number}. [{md_inline(group_label(group))}](#g{number})")
        if len(group.notes) > 1:
            lines += [f"    - [{md_inline(display_title(note))}](#g{number}n{i}) · {md_escape(source_label(note))}"
                      for i, note in enumerate(group.notes, start=1)]
    return "\n".join(lines)


def _counts(counts) -> str:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{md_escape(key)} {count}" for key, count in ordered)


def _glossary(digest: Digest) -> str:
    if not digest.glossary:
        return ""
    head = "| entry | " + " | ".join(md_escape(lang) for lang in digest.langs) + " | policy | notes |"
    rule = "|" + " --- |" * (len(digest.langs) + 3)
    rows = [f"| {md_escape(row.entry)} | " + " | ".join(md_escape(row.shown_forms(lang)) for lang in digest.langs)
            + f" | {row.policy} | {len(row.notes)} |" for row in digest.glossary]
    return "\n".join(["## Glossary terms used", "", head, rule, *rows])


def _signature(digest: Digest) -> str:
    lines = ["## Signature", ""]
    for sig, count in digest.signatures:
        parts = " · ".join(f"{label} {md_escape(text)}" for label, text in sig.describe())
        lines.append(f"- {plural(count, 'note')} · {parts}")
    lines += ["", f"Rendered by notelingo {__version__}."]
    return "\n".join(lines)


def render_markdown(digest: Digest) -> str:
    """The whole digest as one Markdown document."""
    shown = md_escape(", ".join(digest.langs))
    counts = f"{plural(len(digest.notes), 'note')} in {plural(len(digest.groups), 'group')}"
    summary = [f"{counts} · languages shown: {shown}"]
    if digest.notes:
        summary += [f"Notes by language: {_counts(digest.by_lang)}", f"Notes by source: {_counts(digest.by_source)}"]
    sections = [f"# {md_escape(digest.title)}", "  \n".join(summary), _toc(digest.groups)]
    sections += [_group_markdown(group, number, digest.langs, digest.langs_requested)
                 for number, group in enumerate(digest.groups, start=1)]
    sections += [_glossary(digest), _signature(digest)]
    return "\n\n".join(section for section in sections if section) + "\n"
