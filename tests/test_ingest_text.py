"""read_text_dump: the shape of plain-text and Markdown dumps (blocks, never rewritten text)."""

import re
from pathlib import Path

import pytest

from notelingo.readers.text import read_text_dump

FIXTURES = Path(__file__).parent / "fixtures"


def shape(text, kind="text"):
    posts = read_text_dump(text, "dump.txt", kind)
    return [[(b.kind, b.text) for b in post.blocks] for post in posts]


@pytest.mark.parametrize("text, kind, expected", [
    ("Title\n\nBody line one\nwraps here.\n", "text",
     [[("paragraph", "Title"), ("paragraph", "Body line one\nwraps here.")]]),
    ("One.\nTwo.\nThree.", "text", [[("paragraph", "One."), ("paragraph", "Two."), ("paragraph", "Three.")]]),
    ("Authors et al\narxiv.org/abs/2010.01825\nbody", "text",
     [[("paragraph", "Authors et al"), ("paragraph", "arxiv.org/abs/2010.01825"), ("paragraph", "body")]]),
    ("# A\n\ntext\n\n## B", "markdown", [[("heading", "A"), ("paragraph", "text"), ("heading", "B")]]),
    ("Setext\n======\n\nx", "markdown", [[("heading", "Setext"), ("paragraph", "x")]]),
    ("  • item one\n  • item two", "text", [[("list_item", "item one"), ("list_item", "item two")]]),
    ("> quoted\n> more", "markdown", [[("quote", "quoted\nmore")]]),
    ("```py\nx  =  1\n\n\ny = 2\n```", "markdown", [[("code", "x  =  1\n\n\ny = 2")]]),
    ("$$\na^2 + b^2\n$$", "markdown", [[("formula", "$$\na^2 + b^2\n$$")]]),
    ("first\n\n---\n\nsecond", "markdown", [[("paragraph", "first")], [("paragraph", "second")]]),
    ("**Bold title**\n\nbody", "markdown", [[("heading", "Bold title"), ("paragraph", "body")]]),
    ("", "text", []),
])
def test_block_shapes(text, kind, expected):
    assert shape(text, kind) == expected


def test_list_item_attrs_keep_marker_and_depth():
    post = read_text_dump("1. first\n    - nested", "x.md", "markdown")[0]
    assert [b.attrs for b in post.blocks] == [{"marker": "1.", "depth": "0"}, {"marker": "-", "depth": "2"}]


def test_front_matter_gives_title_and_date():
    post = read_text_dump((FIXTURES / "text" / "markdown_notes.md").read_text(), "m.md", "markdown")[0]
    assert (post.title, post.date) == ("Reading log", "2023-03-01")
    assert post.splittable and post.source.kind == "markdown" and post.source.path == "m.md"


@pytest.mark.parametrize("keys", [3, 61, 150])
def test_long_front_matter_is_read_and_never_text(keys):
    """Jekyll posts carry long front matter (tags, SEO fields); 61 lines once left the YAML as the post's text."""
    yaml_lines = ["title: Long front matter", "date: 2021-05-04"] + [f"tag{i}: value {i}" for i in range(keys)]
    text = "\n".join(["---", *yaml_lines, "---", "", "The post's only paragraph."]) + "\n"
    (post,) = read_text_dump(text, "2021-05-04-long.md", "markdown")
    assert (post.title, post.date) == ("Long front matter", "2021-05-04")
    assert [block.text for block in post.blocks] == ["The post's only paragraph."]


def test_latex_line_kept_byte_for_byte():
    text = (FIXTURES / "corpus" / "text" / "001_41bcbe830a1a4b01.txt").read_text()
    formula = r"\Delta w_{i,j} = \eta_w (A_w o_i o_j + B_w o_i +C_w o_j + D_w)"
    texts = [b.text for b in read_text_dump(text, "001.txt", "text")[0].blocks]
    assert any(formula in t for t in texts)


@pytest.mark.parametrize("name, kind", [
    ("corpus/text/000_7a8b3d789364741e.txt", "text"),
    ("corpus/text/004_579db69af2cfe4c6.txt", "text"),
    ("text/markdown_notes.md", "markdown"),
])
def test_no_text_lost(name, kind):
    """Every non-blank source word is in some block (markers aside)."""
    text = (FIXTURES / name).read_text()
    posts = read_text_dump(text, name, kind)
    joined = " ".join([b.text for p in posts for b in p.blocks] + [f"{p.title} {p.date}" for p in posts])
    markup = re.compile(r"^([-*•◦#>$]+|\d+[.)]|`{3}\w*|title:|date:)$")
    lost = [w for w in text.split() if not markup.match(w) and w not in joined]
    assert lost == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See [[PPO]] and [[Reward modeling|reward models]].", [("paragraph", "See PPO and reward models.", {})]),
        ("Jump to [[DPO#Loss]] or [[#Setup]].", [("paragraph", "Jump to DPO > Loss or Setup.", {})]),
        ("Figure: ![[plot.png]] here", [("paragraph", "Figure:  here", {})]),
        ("```\nx = [[1, 2]]\n```", [("code", "x = [[1, 2]]", {})]),
        (
            "> [!warning]- Careful\n> LoRA r too small.",
            [("quote", "Careful\nLoRA r too small.", {"callout": "warning"})],
        ),
        ("> [!tip]\n> Use bf16.", [("quote", "Use bf16.", {"callout": "tip"})]),
        ("> plain quote [!not a callout]", [("quote", "plain quote [!not a callout]", {})]),
        (
            "- [ ] run evals\n- [x] write loader",
            [
                ("list_item", "run evals", {"marker": "-", "depth": "0", "task": "todo"}),
                ("list_item", "write loader", {"marker": "-", "depth": "0", "task": "done"}),
            ],
        ),
    ],
)
def test_obsidian_markup(text, expected):
    post = read_text_dump(text, "note.md", "markdown")[0]
    assert [(b.kind, b.text, b.attrs) for b in post.blocks] == expected


def test_wiki_brackets_in_plain_text_are_text():
    post = read_text_dump("Matrix [[1, 2]] stays.", "a.txt", "text")[0]
    assert post.blocks[0].text == "Matrix [[1, 2]] stays."


@pytest.mark.parametrize(
    "markdown, title",
    [
        (
            "# Byte-Pair Encoding tokenization[[byte-pair-encoding-tokenization]]\n\nBPE is a subword method.\n",
            "Byte-Pair Encoding tokenization",
        ),
        ("# Obsidian [[Page]] link in a heading\n\nText.\n", "Obsidian Page link in a heading"),
    ],
)
def test_heading_anchor_ids_are_not_text(markdown, title):
    (post,) = read_text_dump(markdown, "doc.mdx", "markdown")
    assert post.blocks[0].kind == "heading" and post.blocks[0].text == title


def test_table_row_above_a_rule_is_no_setext_heading():
    markdown = "| Term | Перевод |\n|---|---|\n| Batch | батч |\n=======\n\nNext part.\n"
    posts = read_text_dump(markdown, "glossary.md", "markdown")
    assert all(block.kind != "heading" for post in posts for block in post.blocks)
