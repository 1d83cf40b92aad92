"""MDX/Markdown markup and tables (ingest/markup.py) on hand-made lines and real Hugging Face course pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelingo.notes.build import normalize_posts
from notelingo.notes.tables import table_rows
from notelingo.readers import read_input
from notelingo.readers.markup import mark_contexts, read_markup, read_table, split_row
from notelingo.readers.text import read_text_dump
from notelingo.schema import RawBlock

MDX = Path(__file__).parent / "fixtures" / "mdx"
PAGES = sorted(path for path in MDX.iterdir() if path.suffix in (".md", ".mdx") and path.name != "SOURCES.md")
#: Text that is markup wherever it stands at the start of a block.
_MARKUP_START = re.compile(r"^(\{[#:/]|<[A-Za-z/!])")


def blocks_of(text: str) -> list[RawBlock]:
    return [block for post in read_text_dump(text, "x.mdx", "markdown") for block in post.blocks]


@pytest.mark.parametrize(
    "lines, kind, text, used",
    [
        (["{#if fw === 'pt'}"], "template", "{#if fw === 'pt'}", 1),
        (["{:else}", "text"], "template", "{:else}", 1),
        (["{/if}"], "template", "{/if}", 1),
        (["{/* a comment */}"], "template", "{/* a comment */}", 1),
        (['<Youtube id="HEikzVL-lZU"/>', "Prose."], "component", '<Youtube id="HEikzVL-lZU"/>', 1),
        (["<FrameworkSwitchCourse {fw} />"], "component", "<FrameworkSwitchCourse {fw} />", 1),
        (["<Tip warning={true}>", "Careful with this."], "component", "<Tip warning={true}>", 1),
        (["</Tip>"], "component", "</Tip>", 1),
        (['<Banner notebooks={[', '  {label: "Colab", value: "https://x.y/a>b"},', ']} />', "next"],
         "component", '<Banner notebooks={[\n  {label: "Colab", value: "https://x.y/a>b"},\n]} />', 3),
        (['<div class="flex">', '<img src="a.png" alt="A > B"/>', "</div>", "", "Prose."], "html",
         '<div class="flex">\n<img src="a.png" alt="A > B"/>\n</div>', 3),
        (["<iframe", '\tsrc="https://x.hf.space"', "></iframe>", "", "Prose."], "html",
         '<iframe\n\tsrc="https://x.hf.space"\n></iframe>', 3),
        (['<div class="a">', "<img src='a.png'/>", "{:else}"], "html", "<div class=\"a\">\n<img src='a.png'/>", 2),
        (["<!-- hidden", "note -->", "Prose."], "html", "<!-- hidden\nnote -->", 2),
    ],
)
def test_markup_lines(lines, kind, text, used):
    block, end = read_markup(lines, 0)
    assert (block.kind, block.attrs, block.text, end) == ("markup", {"markup": kind}, text, used)


@pytest.mark.parametrize(
    "line",
    ["<a href='https://x.org'>The paper</a> shows that attention is enough.", "<mask> is the token to predict.",
     "A sentence with {braces}.", "{not a template}", "<Unclosed tag that never ends",
     "<https://arxiv.org/abs/2405.21060>", "<team@example.org>"],
)
def test_prose_with_inline_markup_is_no_markup(line):
    assert read_markup([line], 0) is None


@pytest.mark.parametrize(
    "lines, rows, align, used",
    [
        (
            ["| A | B |", "|---|:-:|", "| 1 | 2 |", "| 3 | |", "", "after"],
            [["A", "B"], ["1", "2"], ["3", ""]],
            ",center",
            4,
        ),
        (["a | b", "--- | ---:", "x | y"], [["a", "b"], ["x", "y"]], ",right", 3),
        (["| `a|b` | c \\| d |", "|:--|--|", "| e | f |"], [["`a|b`", "c | d"], ["e", "f"]], "left,", 3),
    ],
)
def test_tables(lines, rows, align, used):
    block, end = read_table(lines, 0)
    assert block.kind == "table" and end == used
    assert table_rows(block.text, block.attrs) == rows and block.attrs["align"] == align


@pytest.mark.parametrize("lines", [["| A | B |", "| 1 | 2 |"], ["| A | B |", "|---|---|---|"], ["a - b", "---"]])
def test_no_table_without_a_matching_separator_row(lines):
    assert read_table(lines, 0) is None


def test_split_row_keeps_empty_cells():
    assert split_row("| a |  | c |") == ["a", "", "c"]


def test_contexts_name_the_heading_and_the_branch():
    blocks = blocks_of(
        "## Setup\n\n{#if fw === 'pt'}\n\nSame text in both.\n\n{:else}\n\nSame text in both.\n\n{/if}\n\nAfter."
    )
    contexts = [(b.text, b.attrs.get("_context")) for b in blocks if b.kind == "paragraph"]
    assert contexts == [("Same text in both.", "## Setup | {#if fw === 'pt'}#0"),
                        ("Same text in both.", "## Setup | {#if fw === 'pt'}#1"), ("After.", "## Setup")]


def test_nested_branches_close_in_order():
    blocks = [RawBlock("markup", t, {"markup": "template"}) if t.startswith("{") else RawBlock("paragraph", t)
              for t in ["{#if a}", "{#if b}", "x", "{/if}", "y", "{:else}", "z", "{/if}", "w"]]
    mark_contexts(blocks)
    assert [b.attrs.get("_context") for b in blocks if b.kind == "paragraph"] == [
        "{#if a}#0 | {#if b}#0", "{#if a}#0", "{#if a}#1", None]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_real_pages_no_markup_is_prose(page):
    """Every template line, component and HTML line of a real page is in a markup block (or code)."""
    blocks = [b for post in read_input(str(page)).posts for b in post.blocks]
    prose = [b for b in blocks if b.kind in ("paragraph", "heading", "list_item", "quote", "table")]
    assert prose and not [b.text for b in prose if _MARKUP_START.match(b.text.strip())]
    assert not [b.text for b in prose if "label:" in b.text or "classNames=" in b.text or "<img" in b.text]
    source = page.read_text(encoding="utf-8")
    markup = "\n".join(b.text for b in blocks if b.kind == "markup")
    for line in source.splitlines():
        if re.match(r"^\s*(\{[#:/]|<(div|img|iframe|Youtube|CourseFloatingBanner|FrameworkSwitchCourse)\b)", line):
            assert line.strip() in markup, line
    for table in (b for b in blocks if b.kind == "table"):
        assert not any(set(cell) <= set("-:| ") for row in table_rows(table.text, table.attrs) for cell in row if cell)


@pytest.mark.parametrize(
    "page, header, rows",
    [("hf-course-ru-chapter1-9.mdx", ["Модель", "Примеры", "Задачи"], 4),
     ("hf-course-en-chapter1-10.mdx", ["Model", "Examples", "Tasks"], 4),
     ("hf-course-ru-glossary.mdx", ["Оригинал", "Перевод"], 108),
     ("hf-course-en-chapter1-6.mdx", ["Capability", "Description", "Example"], 8)],
)
def test_real_tables_keep_rows_and_cells(page, header, rows):
    tables = [b for post in read_input(str(MDX / page)).posts for b in post.blocks if b.kind == "table"]
    table = table_rows(tables[0].text, tables[0].attrs)
    assert table[0] == header and len(table) == rows and all(len(row) == len(header) for row in table)


@pytest.mark.parametrize("lang, sentence", [
    ("ru", "Для загрузки модели в репозиторий организации, представитем которой вы являетесь"),
    ("en", "The UI allows you to explore the model files and commits"),
])
def test_a_sentence_in_both_framework_branches_is_kept_in_both(lang, sentence):
    notes = normalize_posts(read_input(str(MDX / f"hf-course-{lang}-chapter4-3.mdx")).posts).notes
    texts = [b.original() for note in notes for b in note.blocks]
    assert sum(sentence in text for text in texts) == 2
    assert all("_context" not in b.attrs for note in notes for b in note.blocks)


def test_export_repeats_without_context_are_still_dropped():
    text = "Intro.\n\nA paragraph long enough to count as a repeat.\n\nA paragraph long enough to count as a repeat."
    result = normalize_posts(read_text_dump(text, "x.md", "markdown"))
    assert result.paragraphs_dropped == 1


@pytest.mark.parametrize(
    "text, tags",
    [
        (
            'See <a href="https://x.org" title="label">the docs</a> first.',
            ['<a href="https://x.org" title="label">', "</a>"],
        ),
        ("Use <Tip warning={true}>this</Tip> here.", ["<Tip warning={true}>", "</Tip>"]),
        ('An image <img src="a.png" alt="label"/> inline.', ['<img src="a.png" alt="label"/>']),
        ("No tag in a < b or in 3 > 2.", []),
    ],
)
def test_inline_tags_in_prose_are_protected_and_never_glossary_terms(text, tags):
    from notelingo.glossary import load_glossary
    from notelingo.protect.mask import find_protected_spans

    spans = find_protected_spans(text, "en", "ru", load_glossary(None))
    assert [s.text for s in spans if s.kind == "markup"] == tags
    assert "label" not in [s.text.lower() for s in spans if s.kind == "term"]  # found only inside tags


def test_a_paragraph_in_two_framework_options_is_kept_in_both():
    """transformers/diffusers docs switch frameworks with <hfoptions>/<hfoption id=…> components."""
    text = (
        '## Install\n\n<hfoptions id="installation">\n<hfoption id="PyTorch">\n\n'
        "Run this command in the folder of the example script.\n\n```bash\npip install torch\n```\n\n"
        '</hfoption>\n<hfoption id="Flax">\n\nRun this command in the folder of the example script.\n\n'
        '```bash\npip install flax\n```\n\n</hfoption>\n</hfoptions>\n\n<div class="x">\n<img src="a.png"/>\n</div>\n\n'
        "After both options."
    )
    blocks = blocks_of(text)
    contexts = [b.attrs.get("_context") for b in blocks if b.kind == "paragraph"]
    assert contexts == [
        '## Install | <hfoptions id="installation"> | <hfoption id="PyTorch">',
        '## Install | <hfoptions id="installation"> | <hfoption id="Flax">',
        "## Install",
    ]
    result = normalize_posts(read_text_dump(text, "x.md", "markdown"))
    assert result.paragraphs_dropped == 0


_FRAGMENTS = st.sampled_from([
    "{#if fw === 'pt'}", "{:else}", "{/if}", "<Tip>", "</Tip>", '<Youtube id="x"/>', "<div", 'class="a">', "</div>",
    "<!--", "-->", "| a | b |", "|---|---|", "| 1 |", "---", "```", "# Title", "- item", "> quote", "",
    "Plain prose.", "<", ">", "{", "}", '"', "'", "a | b", "<img src='x'>", "=====",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=30), st.lists(st.sampled_from(["\n", " ", "\n\n"]), min_size=30, max_size=30))
def test_reader_never_crashes_and_markup_is_source_text(fragments, joins):
    text = "".join(fragment + join for fragment, join in zip(fragments, joins))
    blocks = blocks_of(text)
    without_trailing_spaces = "\n".join(line.rstrip() for line in text.split("\n"))  # the reader drops them
    for block in blocks:
        if block.kind == "markup":
            assert block.text in without_trailing_spaces
        if block.kind == "table":
            assert table_rows(block.text, block.attrs)


def test_markup_shared_by_pages_of_one_folder_is_not_site_chrome():
    pages = [str(MDX / "hf-course-en-chapter4-2.mdx"), str(MDX / "hf-course-en-chapter4-3.mdx")]
    notes = normalize_posts([post for page in pages for post in read_input(page).posts]).notes
    assert all(note.blocks[0].original() == "<FrameworkSwitchCourse {fw} />" for note in notes)
