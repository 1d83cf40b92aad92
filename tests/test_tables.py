"""Table blocks end to end: cell encoding, translation cell by cell (tiny models), HTML/Markdown/vault output;
markup blocks are never translated and never matched by the glossary."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from notelingo.api import collect_notes as ingest
from notelingo.mt import DecodingOptions, TranslateOptions
from notelingo.mt.engine import translate_notes
from notelingo.notes.tables import encode_table, table_rows
from notelingo.render.html import render_note
from notelingo.render.markdown import block_markdown
from notelingo.schema import Block, Note, Signature, Source
from notelingo.writers.vault import note_document

MDX = Path(__file__).parent / "fixtures" / "mdx"


@pytest.mark.parametrize(
    "rows, align",
    [
        ([["A", "B"], ["1", "2"]], ["", ""]),
        ([["Name", "", "Note"], ["", "x", ""], ["a b", "c", "d"]], ["left", "center", "right"]),
        ([["only header"]], [""]),
        ([["A", "B", "C"], ["1"]], ["", "", ""]),
    ],
)
def test_encode_then_decode_gives_the_rows_back(rows, align):
    text, attrs = encode_table(rows, align)
    width = max(len(row) for row in rows)
    assert table_rows(text, attrs) == [row + [""] * (width - len(row)) for row in rows]
    assert "\n\n" not in text and len(text.split("\n")) == sum(1 for row in rows for cell in row if cell)


def test_a_translation_with_a_missing_or_extra_line_loses_no_text():
    _, attrs = encode_table([["A", "B"], ["C", "D"]], ["", ""])
    assert table_rows("a\nb\nc", attrs) == [["a", "b"], ["c", ""]]
    assert table_rows("a\nb\nc\nd\ne", attrs) == [["a", "b"], ["c", "d e"]]


def _table_note() -> Note:
    text, attrs = encode_table([["Модель", "Задачи"], ["Кодировщик", "Классификация | NER"], ["", "Перевод"]],
                               ["left", "right"])
    blocks = [
        Block(
            id="b0",
            kind="table",
            lang="ru",
            text={"ru": text, "en": "Model\nTasks\nEncoder\nClassification\nTranslation"},
            attrs=attrs,
        ),
        Block(id="b1", kind="markup", lang=None, text={"ru": '<Youtube id="x"/>'}, attrs={"markup": "component"}),
    ]
    return Note(id="t1", lang="ru", lang_confidence=1.0, title="Таблица", source=Source(kind="markdown", path="t.mdx"),
                blocks=blocks, signature=Signature(notelingo="test"))


def test_html_table_per_language_with_header_and_alignment():
    tree = lxml.html.fromstring(render_note(_table_note(), ["ru", "en"], "n1"))
    tables = tree.xpath("//div[contains(@class,'table')]/table")
    assert [t.getparent().get("lang") for t in tables] == ["ru", "en"]
    ru, en = ([[c.text_content() for c in tr] for tr in t.xpath(".//tr")] for t in tables)
    assert ru == [["Модель", "Задачи"], ["Кодировщик", "Классификация | NER"], ["", "Перевод"]]
    assert en == [["Model", "Tasks"], ["Encoder", "Classification"], ["", "Translation"]]
    assert tables[0].xpath(".//th")[1].get("style") == "text-align:right"
    assert tree.xpath("//pre[@class='markup']/code")[0].text == '<Youtube id="x"/>'


def test_markdown_table_is_a_gfm_table_with_escaped_cells():
    note = _table_note()
    out = block_markdown(note, note.blocks[0], ["ru", "en"])
    assert "| Модель | Задачи |\n| :--- | ---: |\n| Кодировщик | Классификация \\| NER |\n|  | Перевод |" in out
    assert "> | Model | Tasks |\n> | :--- | ---: |" in out
    document = note_document(note)
    assert "| Кодировщик | Классификация \\| NER |" in document and "```\n<Youtube id=\"x\"/>\n```" in document


@pytest.mark.slow
def test_mdx_page_translates_cells_and_keeps_markup(tiny_models, cache_dir):
    """A real course page through ingest and translation: each cell translated on its own line,
    the table's shape kept; template lines, components and HTML copied as they are, no glossary
    term found inside them (the shipped glossary has 'label' -> 'метка')."""
    notes, _ = ingest([str(MDX / "hf-course-ru-chapter1-9.mdx"), str(MDX / "hf-course-en-chapter4-2.mdx")])
    options = TranslateOptions(models=tiny_models, backend="ctranslate2", cache_dir=cache_dir,
                               decoding=DecodingOptions(beams=1, batch_size=16))
    notes, _ = translate_notes(notes, options)
    tables = [(n, b) for n in notes for b in n.blocks if b.kind == "table"]
    assert len(tables) == 1
    _, table = tables[0]
    source_rows = table_rows(table.text["ru"], table.attrs)
    target_rows = table_rows(table.text["en"], table.attrs)
    assert len(source_rows) == len(target_rows) == 4
    assert [[bool(c) for c in row] for row in source_rows] == [[bool(c) for c in row] for row in target_rows]
    assert len(table.text["en"].split("\n")) == len(table.text["ru"].split("\n")) == 12
    assert len(table.sentences) >= 12
    markup = [(n, b) for n in notes for b in n.blocks if b.kind == "markup"]
    assert len(markup) >= 8 and all(b.lang is None and set(b.text.values()) == {b.original()} for _, b in markup)
    assert any("label:" in b.original() for _, b in markup)
    markup_ids = {(n.id, b.id) for n, b in markup}
    assert not [t for n in notes for t in n.terms if (n.id, t.block) in markup_ids]
