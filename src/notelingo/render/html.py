"""The HTML digest: one self-contained page (inline CSS, no scripts, no web fonts).

Every string from a note goes through :func:`esc` (``html.escape`` with quotes)
and every href through :func:`~notelingo.render.safety.safe_href` or
:func:`~notelingo.render.safety.ref_href`; nothing from a note is ever written
unescaped. Languages sit side by side on wide screens and stack on phones; each
language's text carries its ``lang`` attribute.
"""

from __future__ import annotations

import html
from typing import Iterable, Sequence

from .._version import __version__
from ..notes.tables import table_align, table_rows
from ..schema import UNTRANSLATED_KINDS, Block, Note
from .grouping import Group, paper_ref, source_label
from .layout import (
    block_cells,
    code_pieces,
    display_title,
    group_label,
    inline_pieces,
    list_markers,
    note_columns,
    text_dir,
    translation_notice,
)
from .safety import close_bidi, ref_href, ref_label, safe_href
from .view import Digest, MetaItem, note_meta_items, plural, repeats_title, title_langs

_LINK_REL = 'rel="noopener noreferrer nofollow"'
#: Defence in depth: even if some text slipped through unescaped, no script could run.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

_CSS = """
*{box-sizing:border-box}
body{margin:0 auto;max-width:78rem;padding:1rem 1.25rem 3rem;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1f21;background:#fff}
h1{font-size:1.7rem;margin:.5rem 0}
h2{font-size:1.3rem;margin:2.2rem 0 .6rem;padding-bottom:.2rem;border-bottom:2px solid #d7dce2}
h3{font-size:1.08rem;margin:1.2rem 0 .3rem}
a{color:#0b57a4;overflow-wrap:anywhere}
.summary,.meta,.refs,.sig{color:#4a5560;font-size:.9rem;overflow-wrap:anywhere}
.summary p,.meta,.refs{margin:.2rem 0}
nav.toc ol{padding-inline-start:1.4rem}nav.toc li{margin:.15rem 0}
.note{margin:0 0 1.4rem;padding:.7rem .9rem;border:1px solid #e3e7ec;border-radius:6px}
.group .note+.note{border-top:3px solid #c4d3e6}
.note>h2{margin-top:.2rem}
.note{--cols:1}
.row{display:grid;grid-template-columns:repeat(var(--cols),minmax(0,1fr));gap:.25rem 1.6rem;margin:.45rem 0}
.row.wide{grid-template-columns:minmax(0,1fr)}
.cell{overflow-wrap:anywhere;white-space:pre-line}
.cell.missing{color:#8a949e;font-style:italic}
.heading{font-weight:600}
.ntitle{margin-bottom:.3rem}.ntitle .cell{white-space:normal}
.list_item{padding-inline-start:1.3rem;text-indent:-1.3rem}
.marker{display:inline-block;min-width:1.3rem;text-indent:0;color:#4a5560}
.list_item.depth1{padding-inline-start:2.6rem}.list_item.depth2{padding-inline-start:3.9rem}
.list_item.depth3{padding-inline-start:5.2rem}
.quote{border-inline-start:3px solid #c8ced6;padding-inline-start:.6rem;color:#3b444d}
.preview{font-size:.92rem;color:#3b444d;background:#f6f8fa;padding:.3rem .5rem;border-radius:4px}
pre{margin:.45rem 0;padding:.6rem;background:#f6f8fa;border-radius:4px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.88rem}
mark.term{background:#fff3c4;color:inherit;border-bottom:1px dotted #a07d00;padding:0 .05em}
.lang-head{font-size:.78rem;text-transform:uppercase;letter-spacing:.05em;color:#6b7680}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #e3e7ec;padding:.3rem .4rem;text-align:start;vertical-align:top;overflow-wrap:anywhere}
.cell.flagged{border-inline-start:3px solid #d9822b;padding-inline-start:.5rem}
ul.check{list-style:none;margin:.3rem 0 0;padding:.2rem .45rem;background:#fff4e5;color:#7a4100;font-size:.86rem;border-radius:4px;white-space:normal}
ul.check .reasons{font-weight:600}
code{font-size:.88em;background:#f1f3f5;padding:0 .2em;border-radius:3px;unicode-bidi:plaintext}
pre code{background:none;padding:0}
@media (max-width:700px){
 body{padding:.6rem .7rem 2rem;font-size:15px}
 .row{grid-template-columns:minmax(0,1fr)}
 .row.heads,.cell.gap{display:none}
 .cell[lang]::before{content:attr(lang);display:block;font-size:.7rem;text-transform:uppercase;color:#6b7680}
 .note{padding:.5rem .55rem}
 table{font-size:.82rem}th,td{padding:.25rem .2rem}
 .row{padding-bottom:.4rem;border-bottom:1px dashed #e3e7ec}
}
@media print{
 body{max-width:none;padding:0;font-size:11pt}
 nav.toc{break-after:page}
 .note{break-inside:avoid-page;border:none;padding:0}
 h2,h3{break-after:avoid-page}
 a{color:inherit}
 a[href^="http"]::after{content:" <" attr(href) ">";font-size:.8em;color:#555}
 mark.term{background:none;border-bottom:1px dotted #000}
}
"""  # noqa: E501 (one CSS rule a line)


def esc(text: object) -> str:
    """Note text made safe for HTML content and attribute values (bidi controls it opens closed)."""
    return html.escape(close_bidi(str(text)), quote=True)


def link(href: str | None, label: str) -> str:
    """An escaped label, clickable only when ``href`` passed the safety checks."""
    if not href:
        return esc(label)
    return f'<a href="{esc(href)}" {_LINK_REL}>{esc(label)}</a>'


def marked_text(note: Note, block: Block, lang: str) -> str:
    """The block's text in ``lang``, escaped; glossary terms in ``<mark>``, inline code in ``<code>``."""
    out = []
    for piece in inline_pieces(note, block, lang):
        if piece.kind == "code":
            out.append(f"<code>{esc(piece.text)}</code>")
        elif piece.span is not None and piece.span.hint:
            out.append(f'<mark class="term" title="{esc(piece.span.hint)}">{esc(piece.text)}</mark>')
        elif piece.span is not None:
            out.append(f'<mark class="term">{esc(piece.text)}</mark>')
        else:
            out.append(esc(piece.text))
    return "".join(out)


def inline_html(text: str) -> str:
    """Plain text (a title) escaped, its backtick spans as ``<code>``."""
    return "".join(f"<code>{esc(code)}</code>" if code is not None else esc(raw) for raw, code in code_pieces(text))


def lang_attrs(lang: str) -> str:
    """``lang`` and ``dir`` attributes for text in ``lang`` (right-to-left scripts get rtl)."""
    return f'lang="{esc(lang)}" dir="{text_dir(lang)}"'


def _cell(note: Note, block: Block, lang: str | None, marker: str) -> str:
    depth = block.attrs.get("depth", "0") if block.kind == "list_item" else "0"
    cls = f"cell {esc(block.kind)}" + (f" depth{min(int(depth), 3)}" if depth.isdigit() and int(depth) else "")
    if lang is None:
        return f'<div class="{cls} gap"></div>'
    mark = f'<span class="marker">{esc(marker)}</span>' if marker else ""
    if block.kind == "table":
        content = _table_html(block, lang)
    else:
        content = marked_text(note, block, lang) + _preview_link(block)
    checks = _checks_html(block, lang)
    if checks:
        cls += " flagged"
    return f'<div class="{cls}" {lang_attrs(lang)}>{mark}{content}{checks}</div>'


def _checks_html(block: Block, lang: str) -> str:
    """The block's sentences in ``lang`` that the self-checks flagged, each with its reasons
    ("review: loops"), under the cell; empty when none was flagged."""
    from ..mt.checks import REASONS

    flagged = block.sentence_flags(lang)
    if not flagged:
        return ""
    items = []
    for index, flags in sorted(flagged.items()):
        sentence = block.sentences[index].get(lang, "") if index < len(block.sentences) else ""
        reasons = ", ".join(REASONS.get(flag, flag) for flag in flags)
        items.append(f'<li data-check="{esc(" ".join(flags))}"><span class="reasons">review: {esc(reasons)}</span> '
                     f'{esc(sentence)}</li>')
    return f'<ul class="check" title="flagged for review by the self-checks">{"".join(items)}</ul>'


def _block_row(note: Note, block: Block, columns: Sequence[str], markers: dict[str, str]) -> str:
    if block.kind in UNTRANSLATED_KINDS:
        code_lang = block.attrs.get("language", "")
        label = f' data-lang="{esc(code_lang)}"' if code_lang else ""
        return f'<pre class="{esc(block.kind)}" dir="ltr"{label}><code>{esc(block.original(note.lang))}</code></pre>'
    marker = markers.get(block.id, "")
    cells = block_cells(block, columns)
    if not any(cells):  # only in a language outside the columns: its original, full width
        lang = block.lang or note.lang
        return f'<div class="row wide">{_cell(note, block, lang, marker)}</div>' if block.original(note.lang) else ""
    wide = " wide" if len(columns) < 2 else ""
    return f'<div class="row{wide}">{"".join(_cell(note, block, lang, marker) for lang in cells)}</div>'


def _table_html(block: Block, lang: str) -> str:
    """A table block in one language: the first row as the header, the separator's alignment kept."""
    rows = table_rows(block.text.get(lang, ""), block.attrs)
    align = table_align(block.attrs)
    out = []
    for number, row in enumerate(rows):
        tag = "th" if number == 0 else "td"
        cells = []
        for column, cell in enumerate(row):
            side = align[column] if column < len(align) else ""
            style = f' style="text-align:{side}"' if side in ("left", "center", "right") else ""
            cells.append(f"<{tag}{style}>{esc(cell)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
        if number == 0:
            out.append("</thead><tbody>")
    return "<table><thead>" + "".join(out) + "</tbody></table>" if rows else ""


def _preview_link(block: Block) -> str:
    href = safe_href(block.attrs.get("url")) if block.kind == "link_preview" else None
    return f" {link(href, '↗')}" if href else ""


def _meta_item(item: MetaItem) -> str:
    if item.href:
        return link(item.href, item.text)
    if item.day:
        return f'<time datetime="{esc(item.day)}">{esc(item.text)}</time>'
    return f"<bdi>{esc(item.text)}</bdi>"  # isolated: a Persian channel name does not reorder the date after it


def _note_meta(note: Note) -> str:
    return '<p class="meta">' + " · ".join(map(_meta_item, note_meta_items(note))) + "</p>"


def _note_refs(note: Note) -> str:
    if not note.refs:
        return ""
    items = [link(ref_href(ref), ref_label(ref)) for ref in note.refs]
    return '<p class="refs">Refs: ' + " · ".join(items) + "</p>"


def _note_title(note: Note, columns: Sequence[str], anchor: str, heading: str) -> str:
    """The title; where a block holds it and is translated, in every column side by side."""
    block, present = title_langs(note, columns)
    if block is None or len(present) < 2:
        return f'<{heading} id="{anchor}" {lang_attrs(note.lang)}>{inline_html(display_title(note))}</{heading}>'
    cells = "".join(f'<span class="cell" {lang_attrs(lang)}>{marked_text(note, block, lang)}</span>' if lang in present
                    else '<span class="cell gap"></span>' for lang in columns)
    return f'<{heading} id="{anchor}" class="row ntitle">{cells}</{heading}>'


def _column_heads(columns: Sequence[str]) -> str:
    if len(columns) < 2:
        return ""
    heads = "".join(f'<div class="lang-head" data-lang="{esc(lang)}" dir="{text_dir(lang)}">{esc(lang)}</div>'
                    for lang in columns)
    return f'<div class="row heads" aria-hidden="true">{heads}</div>\n'


def render_note(note: Note, langs: Sequence[str], anchor: str, heading: str = "h3", requested: bool = True) -> str:
    """One note: title, source line, refs and its blocks, its own languages side by side."""
    columns = note_columns(note, langs)
    title = _note_title(note, columns, anchor, heading)
    markers = list_markers(note)
    rows = [_block_row(note, block, columns, markers) for block in note.blocks if not repeats_title(note, block)]
    missing = translation_notice(note, langs, requested)
    notice = f'<p class="cell missing">{esc(missing)}</p>' if missing else ""
    body = "\n".join(row for row in rows if row)
    return (f'<article class="note" style="--cols:{len(columns)}">\n{title}\n{_note_meta(note)}{_note_refs(note)}'
            f'{notice}\n{_column_heads(columns)}{body}\n</article>')


def _group_html(group: Group, number: int, langs: Sequence[str], requested: bool) -> str:
    if len(group.notes) == 1:
        return render_note(group.notes[0], langs, f"g{number}", heading="h2", requested=requested)
    refs = "".join(" · " + link(ref_href(paper_ref(pid)), ref_label(paper_ref(pid))) for pid in group.refs)
    sub = f'<p class="refs">{len(group.notes)} notes{refs}</p>'
    notes = "\n".join(render_note(note, langs, f"g{number}n{i}", requested=requested)
                      for i, note in enumerate(group.notes, start=1))
    heading = f'<h2 id="g{number}" dir="auto">{inline_html(group_label(group))}</h2>'
    return f'<section class="group">\n{heading}{sub}\n{notes}\n</section>'


def _toc(groups: Sequence[Group]) -> str:
    items = []
    for number, group in enumerate(groups, start=1):
        inner = ""
        if len(group.notes) > 1:
            subs = "".join(f'<li><a href="#g{number}n{i}" dir="auto">{inline_html(display_title(note))}</a> '
                           f'<span class="meta">{esc(source_label(note))}</span></li>'
                           for i, note in enumerate(group.notes, start=1))
            inner = f"<ol>{subs}</ol>"
        items.append(f'<li><a href="#g{number}" dir="auto">{inline_html(group_label(group))}</a>{inner}</li>\n')
    return f'<nav class="toc"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _counts(label: str, counts) -> str:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"<p><b>{esc(label)}:</b> " + ", ".join(f"{esc(key)} {count}" for key, count in ordered) + "</p>"


def _summary(digest: Digest) -> str:
    shown = esc(", ".join(digest.langs))
    counts = f"{plural(len(digest.notes), 'note')} in {plural(len(digest.groups), 'group')}"
    parts = [f"<p>{counts} · languages shown: {shown}</p>"]
    if digest.notes:
        parts += [_counts("Notes by language", digest.by_lang), _counts("Notes by source", digest.by_source)]
    return '<div class="summary">' + "".join(parts) + "</div>"


def _glossary(digest: Digest) -> str:
    if not digest.glossary:
        return ""
    head = "".join(f'<th {lang_attrs(lang)}>{esc(lang)}</th>' for lang in digest.langs)
    rows = []
    for row in digest.glossary:
        cells = "".join(f'<td {lang_attrs(lang)}>{esc(row.shown_forms(lang))}</td>' for lang in digest.langs)
        rows.append(f"<tr><td>{esc(row.entry)}</td>{cells}<td>{esc(row.policy)}</td><td>{len(row.notes)}</td></tr>\n")
    table = (f"<table><thead><tr><th>entry</th>{head}<th>policy</th><th>notes</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    return f'<section class="glossary"><h2 id="glossary">Glossary terms used</h2>{table}</section>'


def _signature_lines(digest: Digest) -> Iterable[str]:
    for sig, count in digest.signatures:
        parts = " · ".join(f"{label} {esc(text)}" for label, text in sig.describe())
        yield f"<li>{plural(count, 'note')} · {parts}</li>"


def render_html(digest: Digest) -> str:
    """The whole digest as one HTML document."""
    body = "\n".join(_group_html(group, number, digest.langs, digest.langs_requested)
                     for number, group in enumerate(digest.groups, start=1))
    signature = (f'<footer class="sig"><h2>Signature</h2><ul>{"".join(_signature_lines(digest))}</ul>'
                 f"<p>Rendered by notelingo {esc(__version__)}.</p></footer>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        f"<title>{esc(digest.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{esc(digest.title)}</h1>{_summary(digest)}</header>\n{_toc(digest.groups)}\n"
        f'<main>\n{body}\n</main>\n{_glossary(digest)}\n{signature}\n</body>\n</html>\n'
    )
