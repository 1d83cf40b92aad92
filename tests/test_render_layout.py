"""Digest layout rules shared by HTML, Markdown and the vault: columns, direction, titles, lists, inline code, meta."""

from __future__ import annotations

import lxml.html
import pytest

from notelingo.render import DigestOptions, build_digest, render_digest
from notelingo.render.digest import note_meta_items
from notelingo.render.layout import display_title, inline_pieces, list_markers, note_columns, text_dir
from notelingo.writers.vault import note_document
from test_render_helpers import FIXTURES, load_fixture_notes, make_note

MIXED = FIXTURES / "mixed_langs.jsonl"


@pytest.fixture(scope="module")
def mixed():
    return {note.id: note for note in load_fixture_notes(MIXED)}


@pytest.fixture(scope="module")
def mixed_html(mixed):
    return lxml.html.fromstring(render_digest(build_digest(list(mixed.values())), "html"))


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fa", "rtl"),
        ("ar", "rtl"),
        ("he", "rtl"),
        ("ur", "rtl"),
        ("ru", "auto"),
        ("zh", "auto"),
        ("en", "auto"),
        ("und", "auto"),
        (None, "auto"),
    ],
)
def test_text_dir(lang, expected):
    assert text_dir(lang) == expected


@pytest.mark.parametrize(
    "note_id, langs, expected",
    [
        ("mx-ru-1", ("en", "ru", "fa", "zh"), ["ru", "en"]),  # origin first, whatever the digest's order
        ("mx-fa-1", ("zh", "fa", "ru", "en"), ["fa", "en"]),
        ("mx-en-1", ("fa", "ru", "en"), ["en", "ru"]),
        ("mx-fa-2", ("en", "ru", "fa"), ["fa"]),  # untranslated: one column
        ("mx-ru-1", ("en",), ["en"]),  # --langs en: only what was asked for
        ("mx-zh-1", ("ru",), ["zh"]),  # nothing asked for is there: the original
    ],
)
def test_note_columns_are_the_notes_own_languages(mixed, note_id, langs, expected):
    assert note_columns(mixed[note_id], langs) == expected


def test_html_columns_per_note_and_no_global_header(mixed_html):
    assert not mixed_html.xpath("//body/div[contains(@class,'heads')]")
    for article in mixed_html.xpath("//main//article"):
        heads = [h.get("data-lang") for h in article.xpath(".//div[contains(@class,'heads')]/div")]
        assert article.get("style") == f"--cols:{max(1, len(heads))}"
        for row in article.xpath(".//div[contains(@class,'row') and not(contains(@class,'heads'))]"):
            cells = row.xpath("./div")
            if len(heads) > 1:
                assert len(cells) == len(heads)  # gaps keep a language in its own column
                assert [c.get("lang") for c in cells if c.get("lang")] == [
                    h for h, c in zip(heads, cells) if c.get("lang")
                ]


def test_html_rtl_cells_and_titles(mixed_html):
    fa_cells = mixed_html.xpath("//main//*[@lang='fa']")
    assert fa_cells and all(cell.get("dir") == "rtl" for cell in fa_cells)
    assert all(
        cell.get("dir") == "auto" for cell in mixed_html.xpath("//main//div[contains(@class,'cell')][@lang='en']")
    )
    # a Persian channel name is isolated so the date after it is not reordered
    assert "<bdi>هوش مصنوعی فارسی</bdi>" in lxml.html.tostring(mixed_html, encoding="unicode")


def test_html_inline_code_and_list_markers(mixed_html):
    article = mixed_html.xpath("//main//article[h2[@id='g1']]")[0]
    assert [c.text for c in article.xpath(".//div[@lang='ru']//code")] == [
        "torch.compile(model)",
        "<script>",
        'mode="max-autotune"',
    ]
    assert "`" not in article.text_content()
    markers = [m.text for m in article.xpath(".//div[@lang='en']/span[@class='marker']")]
    assert markers == ["1.", "2.", "3.", "•", "◦"]  # "1. 1. 1." in the source is counted on


def test_markdown_inline_code_unescaped_and_bullets(mixed):
    text = render_digest(build_digest(list(mixed.values())), "markdown")
    assert "`ru` Достаточно обернуть модель в `torch.compile(model)` и не трогать `<script>` в логах" in text
    assert "\\`" not in text.split("## Contents")[1].split("## Signature")[0].replace("\\`torch", "")
    assert '`ru` 2. включите `mode="max-autotune"`;' in text
    assert "> `en` 3. time the first epoch separately." in text
    assert "`ru` • динамические формы" in text and "◦ графовые разрывы видны в TORCH\\_LOGS" in text


def test_vault_inline_code_and_bullets(mixed):
    doc = note_document(mixed["mx-ru-1"])
    assert "`torch.compile(model)`" in doc and "\\`" not in doc
    assert "`ru` 1. поставьте PyTorch 2.2 или новее;" in doc and "`ru` • динамические" in doc


def test_inline_pieces_drop_terms_inside_code():
    note = make_note(
        "c",
        lang="en",
        texts={"en": "Use `attention` here; attention is all."},
        terms=[
            {
                "entry": "attention",
                "lang": "en",
                "block": "b1",
                "start": 5,
                "end": 14,
                "surface": "attention",
                "policy": "keep",
            },
            {
                "entry": "attention",
                "lang": "en",
                "block": "b1",
                "start": 22,
                "end": 31,
                "surface": "attention",
                "policy": "keep",
            },
        ],
    )
    pieces = [(p.kind, p.text) for p in inline_pieces(note, note.blocks[0], "en")]
    assert pieces == [
        ("text", "Use "),
        ("code", "attention"),
        ("text", " here; "),
        ("term", "attention"),
        ("text", " is all."),
    ]


@pytest.mark.parametrize(
    "markers, expected",
    [
        (["1.", "1.", "1."], ["1.", "2.", "3."]),
        (["3)", "7)"], ["3.", "4."]),
        (["-", "*", "+"], ["•", "•", "•"]),
        (["1.", "-", "1."], ["1.", "•", "1."]),
    ],
)
def test_list_markers(markers, expected):
    note = make_note(
        "l",
        blocks=[
            {"id": f"b{i}", "kind": "list_item", "lang": "en", "text": {"en": "x"}, "attrs": {"marker": m}}
            for i, m in enumerate(markers)
        ],
    )
    assert [list_markers(note)[f"b{i}"] for i in range(len(markers))] == expected


def test_list_numbering_restarts_after_a_paragraph_and_nests():
    blocks = [
        {"id": "a", "kind": "list_item", "lang": "en", "text": {"en": "x"}, "attrs": {"marker": "1."}},
        {"id": "b", "kind": "list_item", "lang": "en", "text": {"en": "x"}, "attrs": {"marker": "1.", "depth": "1"}},
        {"id": "c", "kind": "list_item", "lang": "en", "text": {"en": "x"}, "attrs": {"marker": "1."}},
        {"id": "p", "kind": "paragraph", "lang": "en", "text": {"en": "x"}},
        {"id": "d", "kind": "list_item", "lang": "en", "text": {"en": "x"}, "attrs": {"marker": "1."}},
    ]
    assert list_markers(make_note("n", blocks=blocks)) == {"a": "1.", "b": "1.", "c": "2.", "d": "1."}


@pytest.mark.parametrize(
    "title, first_line, expected",
    [
        (
            "#новости",
            "#новости\nВышел PyTorch 2.3: `torch.export` стал стабильным.",
            "Вышел PyTorch 2.3: torch.export стал стабильным.",
        ),
        ("#ml #papers", "#ml #papers", "#ml #papers"),  # nothing better: the hashtags stay
        ("", "Короткий текст", "Короткий текст"),
        ("Обычный заголовок", "Текст", "Обычный заголовок"),
        ("#1 model on the leaderboard", "x", "#1 model on the leaderboard"),  # a number sign in a real title
        ("#news", "слово " * 40, ("слово " * 40)[:89].rstrip() + "…"),
    ],
)
def test_display_title(title, first_line, expected):
    note = make_note("h", title, lang="ru", texts={"ru": first_line})
    assert display_title(note) == expected


def test_hashtag_titles_fall_back_in_contents(mixed):
    for fmt in ("html", "markdown"):
        text = render_digest(build_digest(list(mixed.values())), fmt)
        toc = text.split("Contents")[1][:2000]
        assert "#новости" not in toc and "Вышел PyTorch 2.3" in toc
        assert "نسخهٔ جدید GPT منتشر شد؛ آیا ارزش امتحان دارد؟" in toc


@pytest.mark.parametrize(
    "channel, author, forwarded, expected",
    [
        ("Капитал", "Капитал", None, ["Капитал", "origin ru"]),
        ("Капитал", "капитал ", "Капитал", ["Капитал", "origin ru"]),
        ("Капитал", "Иван", "Другой канал", ["Капитал", "Иван", "forwarded from Другой канал", "origin ru"]),
    ],
)
def test_meta_is_not_repeated(channel, author, forwarded, expected):
    note = make_note("m", lang="ru", channel=channel)
    note = note.model_copy(
        update={"source": note.source.model_copy(update={"author": author, "forwarded_from": forwarded})}
    )
    assert [item.text for item in note_meta_items(note)] == expected


@pytest.mark.parametrize(
    "langs, notices", [(None, ["not yet translated"]), (("fa", "en"), ["not yet in en", "not yet in fa"])]
)
def test_untranslated_notice(mixed, langs, notices):
    digest = build_digest([mixed["mx-fa-2"], mixed["mx-ru-1"]], DigestOptions(langs=langs))
    tree = lxml.html.fromstring(render_digest(digest, "html"))
    # without --langs the translated Russian note misses nothing, whatever else the digest holds
    assert [p.text_content() for p in tree.xpath("//p[contains(@class,'missing')]")] == notices


def test_code_in_titles_is_code_in_html_and_kept_in_markdown():
    note = make_note("t", "Speed up with `torch.compile`", texts={"en": "Body."})
    html = render_digest(build_digest([note]), "html")
    assert "Speed up with <code>torch.compile</code>" in html and "`torch" not in html
    text = render_digest(build_digest([note]), "markdown")
    assert "## Speed up with `torch.compile`" in text and "1. [Speed up with `torch.compile`](#g1)" in text


def test_a_list_item_that_writes_its_own_marker_gets_no_second_one():
    blocks = [
        {"id": "a", "kind": "list_item", "lang": "ru", "text": {"ru": "1. модель лучше"}},
        {"id": "b", "kind": "list_item", "lang": "ru", "text": {"ru": "• второй пункт"}},
        {"id": "c", "kind": "list_item", "lang": "ru", "text": {"ru": "пункт без маркера"}},
    ]
    assert list_markers(make_note("n", lang="ru", blocks=blocks)) == {"a": "", "b": "", "c": "•"}
