"""Real and real-shaped inputs tried as a new user would (tests/fixtures/unseen, SOURCES.md there).

Each row pins what went wrong on a document nobody had fed to notelingo before and the
general rule that fixed it: a titled Markdown post is one article; a web page is cut at
title lines only between cited papers; a page title loses a suffix named after its host
and is never a URL slug; monospace prose in Telegram is text; two messages of one chat
are never one note; the HTML and JSON exports of a message agree on its author.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from notelingo.api import collect_notes as ingest
from notelingo.notes.refs import find_refs
from notelingo.notes.tables import table_rows
from notelingo.readers.formats import detect_format
from notelingo.readers.html import strip_site_suffix
from notelingo.readers.html_meta import PageMeta, article_title
from notelingo.readers.markup import markdown_prose
from notelingo.readers.telegram_json import monospace

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
PAGES = UNSEEN / "pages"


def notes_of(*paths: Path):
    notes, report = ingest([str(p) for p in paths])
    assert not report.failures
    return notes, report


def unpacked(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    with gzip.open(PAGES / f"{name}.gz", "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return target


# --------------------------------------------------------------------------
# Markdown: a Jekyll post
# --------------------------------------------------------------------------


def test_jekyll_post_is_one_note_with_its_front_matter_title_and_zoned_date():
    (note,), _ = notes_of(UNSEEN / "jekyll_post.markdown")
    assert note.title == "Training a tiny GPT on a laptop"
    assert note.date == "2024-03-14T07:00:00-07:00"
    texts = [b.original(note.lang) for b in note.blocks]
    # the post's own CSS is no text of the note; its sections stay in it
    assert not any("font-size" in t for t in texts)
    assert [t for b, t in zip(note.blocks, texts) if b.kind == "heading"] == [
        "Dataset", "Tokenizer", "Training loop", "FAQ"]
    assert [r.url for r in note.refs] == ["https://gist.github.com/example/0123456789abcdef",
                                          "https://example.org/tinygpt.html"]


@pytest.mark.parametrize("text, urls", [
    ("see [https://a.org/x.html](https://a.org/x.html)", ["https://a.org/x.html"]),
    ("[one](https://a.org/1) and [two](https://b.org/2).", ["https://a.org/1", "https://b.org/2"]),
    ("[w](https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("plain https://a.org/p?q=[1] text", ["https://a.org/p?q=[1]"]),
])
def test_a_markdown_link_whose_text_is_a_url_gives_that_url_once(text, urls):
    assert [r.url for r in find_refs(text)] == urls


# --------------------------------------------------------------------------
# Web pages (trafilatura's test set)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name, title", [
    # "Read more: …" lines and sub-titles of a news article
    ("dw.com.colonial.html", "Berlin confronts Germany's colonial past with new initiative"),
    # "(Credit: Clayton Aldern / Grist)" photo credits
    ("salon.com.emissions.html", "Despite everything, U.S. emissions dipped in 2019"),
    # German lines, every noun capitalised ("14 Uhr auf dem Hackeschen Markt")
    ("piratenpartei-mv.de.grundeinkommen.html", "Grundeinkommen ist ein Menschenrecht!"),
    # og:title is the URL slug 'adac-kindersitztest-herbst-2018'
    ("adac.de.kindersitze.html", "18 Kindersitze im Test: Vier Modelle fallen durch"),
])
def test_a_news_page_is_one_note_under_its_article_title(name, title, tmp_path):
    notes, _ = notes_of(unpacked(name, tmp_path))
    assert [n.title for n in notes] == [title]


def test_a_page_trafilatura_reads_only_without_formatting_still_gives_its_post(tmp_path):
    (note,), _ = notes_of(unpacked("buchperlen.wordpress.com.html", tmp_path))
    assert note.lang == "de" and note.title.startswith("Leandra Lou – Der etwas andere Modeblog")
    assert any("Fashion Junkies" in b.original(note.lang) for b in note.blocks)


@pytest.mark.parametrize("title, site, url, expected", [
    ("Die Ablehnung der Gendersprache » SciLogs - Wissenschaftsblogs", "Die Engelbart-Galaxis",
     "https://scilogs.spektrum.de/engelbart-galaxis/x/", "Die Ablehnung der Gendersprache"),
    ("What is Rust and why is it so popular? - Stack Overflow Blog", None,
     "https://stackoverflow.blog/2020/01/20/x/", "What is Rust and why is it so popular?"),
    ("Python 3.6 - what's new in python", None, "https://www.python.org/x", "Python 3.6 - what's new in python"),
    ("BERT - Pre-training of Deep Bidirectional Transformers", None, "https://blog.example.org/bert", None),
    ("A | Appen", "Appen", None, "A"),
])
def test_a_title_suffix_named_after_the_host_is_dropped(title, site, url, expected):
    assert strip_site_suffix(title, site, url) == (expected or title)


@pytest.mark.parametrize("extracted, titles, expected", [
    ("adac-kindersitztest-herbst-2018", ["18 Kindersitze im Test"], "18 Kindersitze im Test"),
    ("my_first_post_2019", ["My first post"], "My first post"),
    ("GPT-4", [], "GPT-4"),  # a name with hyphens is no slug
    ("state-space-models", ["State space models"], "State space models"),
])
def test_a_url_slug_is_never_the_title(extracted, titles, expected):
    assert article_title(extracted, "Site", PageMeta(titles=titles)) == expected


# --------------------------------------------------------------------------
# Telegram exports
# --------------------------------------------------------------------------


def test_a_post_sent_twice_in_one_channel_is_two_notes_across_export_pages():
    notes, report = notes_of(UNSEEN / "cyber_news_export")
    assert [n.source.message_id for n in notes] == [1061, 1069, 1062, 1063]
    assert report.duplicates_dropped == 0
    # emoji on both ends are the channel's decoration, not part of the title
    assert notes[0].title == notes[2].title == "Why the encryption on your SSD in Windows 10 may be failing"


def test_monospace_prose_in_a_channel_is_text_and_code_stays_code():
    notes, _ = notes_of(UNSEEN / "cyber_news_export")
    ssd, cve = notes[0], notes[1]
    assert ssd.blocks[1].original(ssd.lang).startswith("Difficult-to-implement encryption schemes")
    # a vulnerability report full of paths and identifiers stays inline code
    assert cve.blocks[1].original(cve.lang).startswith("`Hash#slice in lib/i18n/core_ext/hash.rb")


@pytest.mark.parametrize("text, expected", [
    ("Difficult-to-implement schemes are likely handled incorrectly, leading to a false sense of security.", None),
    ("Hacker contest earns participants $325,000 based on the discovery of 18 vulnerabilities.", None),
    ("LoRA побеждает с небольшим отрывом, но почти половина всё ещё учит модель целиком.", None),
    ("LoraConfig(r=8, lora_alpha=16)", "`LoraConfig(r=8, lora_alpha=16)`"),
    ("pip install -U transformers accelerate", "`pip install -U transformers accelerate`"),
    ("model.generate(input_ids, max_new_tokens=20)", "`model.generate(input_ids, max_new_tokens=20)`"),
    ("export CUDA_VISIBLE_DEVICES=0 && python train.py", "`export CUDA_VISIBLE_DEVICES=0 && python train.py`"),
    ("torch.compile", "`torch.compile`"),
])
def test_monospace(text, expected):
    assert monospace(text) == (expected or text)


@pytest.mark.parametrize("name", ["via_bot_messages.html", "via_bot_result.json"])
def test_a_post_via_an_inline_bot_is_by_the_channel_in_both_exports(name):
    notes, _ = notes_of(UNSEEN / name)
    assert [(n.source.message_id, n.source.author, n.date) for n in notes] == [
        (16, "Заметки по ML", "2024-04-13T07:31:40+03:00"), (17, "Заметки по ML", "2024-04-13T09:02:11+03:00")]
    texts = [b.original(notes[1].lang) for b in notes[1].blocks]
    assert texts == [
        "Итоги опроса выше: LoRA побеждает с небольшим отрывом, но почти половина всё ещё учит модель целиком.",
        "Конфиг, которым я пользуюсь: `LoraConfig(r=8, lora_alpha=16)`",
    ]


def test_both_exports_of_the_bot_channel_are_one_note_per_message():
    notes, report = notes_of(UNSEEN / "via_bot_messages.html", UNSEEN / "via_bot_result.json")
    assert len(notes) == 2 and report.duplicates_dropped == 2
    assert all(len(n.also_in) == 1 for n in notes)


def test_a_bare_list_of_messages_is_read_as_one_chat():
    (note,), _ = notes_of(UNSEEN / "bare_messages.json")
    assert (note.source.message_id, note.source.author, note.date) == (293535, "Mom", "2022-12-09T21:26:07+03:00")
    assert [r.id for r in note.refs] == ["2106.09685"]


@pytest.mark.parametrize(
    "text, title",
    [
        (
            "❌ Apache Struts Warns Users of Two-Year-Old Vulnerability ❌",
            "Apache Struts Warns Users of Two-Year-Old Vulnerability",
        ),
        ("⚠️ WhatsApp ‘martinelli’ warning is a hoax ⚠️", "WhatsApp ‘martinelli’ warning is a hoax"),
        ("Кто едет на ICLR в Вене? Давайте встретимся 🙌", "Кто едет на ICLR в Вене? Давайте встретимся 🙌"),
        ("🔥 Новая модель от Mistral", "🔥 Новая модель от Mistral"),
        ("«Attention Is All You Need»", "«Attention Is All You Need»"),
        ("🚀🚀", "🚀🚀"),
        ("#тактика\nРынок облигаций считается «умнее» рынка акций.", "Рынок облигаций считается «умнее» рынка акций."),
        (
            "#стратегия #инвестиции\n\nПознавательные графики от State Street выше.",
            "Познавательные графики от State Street выше.",
        ),
        (
            "#биткойн сегодня достиг верхней границы консолидации.",
            "#биткойн сегодня достиг верхней границы консолидации.",
        ),
        ("#нефть #рубль", "#нефть #рубль"),  # nothing else to name it by
    ],
)
def test_hashtag_lines_and_emoji_wrappers_do_not_name_a_post(text, title, tmp_path):
    export = {
        "name": "Капитал",
        "type": "public_channel",
        "id": 1,
        "messages": [{"id": 5, "type": "message", "date": "2018-02-01T10:00:00", "from": "Капитал", "text": text}],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    (note,), _ = notes_of(path)
    assert note.title == title


PHP_WARNINGS = ("<br />\n<b>Deprecated</b>:  Assigning the return value of new by reference is deprecated in "
                "<b>/www/htdocs/wp-settings.php</b> on line <b>520</b><br />\n")
PAGE = "<!DOCTYPE html>\n<html lang=\"de\"><head><title>Blog</title></head><body><p>Text.</p></body></html>\n"


@pytest.mark.parametrize("text, path, kind", [
    (PHP_WARNINGS * 3 + PAGE, "colours-of-the-soul.html", "html"),
    (PHP_WARNINGS * 3 + PAGE, "saved", "html"),
    ("# HTML basics\n\nA page starts like this:\n\n```html\n" + PAGE + "```\n", "notes.md", "markdown"),
    ("Notes on HTML\n\n" + PAGE, "notes.txt", "text"),
])
def test_a_page_under_server_warnings_is_still_a_page(text, path, kind):
    assert detect_format(text, path) == kind


def test_course_chapters_read_together_are_one_note_each_under_their_own_heading():
    notes, _ = notes_of(UNSEEN / "hf_course_ru")
    # "# Введение" opens two chapters: a title they share is no page chrome; a single top
    # heading (even a generic one) makes a chapter one article, its ## and ### are parts of it
    assert [(Path(n.source.path).name, n.title) for n in notes] == [
        ("chapter0_1.mdx", "Введение"), ("chapter1_1.mdx", "Введение"),
        ("chapter8_3.mdx", "Обращение за помощью на форумах")]
    headings = [[b.original(n.lang) for b in n.blocks if b.kind == "heading"] for n in notes]
    assert headings[1][:3] == ["Введение", "Добро пожаловать на 🤗 курс!", "Чего ожидать от курса?"]
    assert headings[2][:2] == ["Обращение за помощью на форумах", "Написание хорошего поста на форуме"]


@pytest.mark.parametrize("name, title", [
    ("chapter11_4.mdx", "LoRA (Low-Rank Adaptation)"),  # "# Resources" closes it
    ("chapter11_5.mdx", "Evaluation"),  # "# End-of-chapter quiz" closes it
    ("chapter12_2.mdx", "Introduction to Reinforcement Learning and its Role in LLMs"),  # a "---" before the quiz
])
def test_a_course_chapter_is_one_note(name, title):
    (note,), _ = notes_of(UNSEEN / "hf_course_en" / name)
    assert note.title == title


@pytest.mark.parametrize("text, expected", [
    # Jekyll (karpathy.github.io) and Hugging Face course pages write MathJax through Markdown
    (r"update as \\( h\_t = \tanh ( W\_{hh} h\_{t-1} ) \\) where", r"update as $h_t = \tanh ( W_{hh} h_{t-1} )$ where"),
    (r"E is a matrix of size \\(l\\) by \\(d\\)", "E is a matrix of size $l$ by $d$"),
    (r"so \\[ a = b \\\\ c = d \\] holds", r"so $$a = b \\ c = d$$ holds"),
    (r"already TeX: \(x\), a path C:\\temp, `\\(code\\)`", r"already TeX: \(x\), a path C:\\temp, `\\(code\\)`"),
])
def test_mathjax_written_through_markdown_becomes_tex(text, expected):
    assert markdown_prose(text) == expected


def test_a_data_table_on_a_page_is_one_table_block(tmp_path):
    (note,), _ = notes_of(unpacked("adac.de.kindersitze.html", tmp_path))
    tables = [b for b in note.blocks if b.kind == "table"]
    assert len(tables) == 1
    rows = table_rows(tables[0].original(note.lang), tables[0].attrs)
    assert rows[0] == ["Hersteller/Modell", "Preis", "Isofix", "Note"]
    assert rows[2][:2] == ["Britax Römer Baby-Safe 2 i-Size + i-Size Flex Base", "370 €"]
    assert not any(" | " in b.original(note.lang) for b in note.blocks if b.kind == "paragraph")


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            r"Congratulations on completing Module 1\! You've now got it.",
            "Congratulations on completing Module 1! You've now got it.",
        ),
        (
            r"\* Данные термины могут употребляться взаимозаменяемо",
            "* Данные термины могут употребляться взаимозаменяемо",
        ),
        (r"the start\_index and end\_index", "the start_index and end_index"),
        (r"costs \$5 and \$10", r"costs \$5 and \$10"),  # an escaped dollar is no formula delimiter
        (r"inline $a\_1$ and `x\_y` stay", r"inline $a\_1$ and `x\_y` stay"),
        (r"TeX \(x\) and \[y\] stay", r"TeX \(x\) and \[y\] stay"),
    ],
)
def test_markdown_escapes_in_prose_are_undone(text, expected):
    assert markdown_prose(text) == expected
