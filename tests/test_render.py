"""Digests: grouping, date and language selection, HTML and Markdown output, golden files, CLI."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import lxml.html
import pytest
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.errors import UsageError
from notelingo.render import (
    DigestOptions,
    build_digest,
    digest_langs,
    filter_by_date,
    group_notes,
    grouping,
    render_digest,
)
from notelingo.render.grouping import normalize_title, title_key
from test_render_helpers import BILINGUAL, check_golden, load_fixture_notes, make_note

if TYPE_CHECKING:
    from notelingo.schema import Note

runner = CliRunner()
GOLDEN_OPTIONS = DigestOptions(langs=("ru", "en"), title="ML notes digest")


@pytest.fixture(scope="module")
def notes():
    return load_fixture_notes()


def ids(groups):
    return [[note.id for note in group.notes] for group in groups]


# --- grouping ---------------------------------------------------------------


def test_fixture_paper_grouping_joins_russian_review_and_english_blog(notes):
    groups = group_notes(notes, "paper")
    assert ids(groups) == [["n-ru-pmi", "n-en-pmi"], ["n-ru-t0", "n-en-t0"], ["n-en-supcon"], ["n-ru-ads"]]
    assert groups[0].title == "PMI-Masking Principled Masking of Correlated Spans"
    assert groups[0].refs == ["arxiv:2010.01825"]


@pytest.mark.parametrize(
    "specs, expected",
    [
        # same arXiv id (one with a version suffix) joins, whatever the language
        (
            [
                ("a", "Review one", "ru", [("arxiv", "2010.01825")]),
                ("b", "Other", "en", []),
                ("c", "Blog post", "en", [("arxiv", "2010.01825v2")]),
            ],
            [["a", "c"], ["b"]],
        ),
        # same DOI, case-insensitive
        ([("a", "x1", "en", [("doi", "10.1000/ABC")]), ("b", "x2", "ru", [("doi", "10.1000/abc")])], [["a", "b"]]),
        # transitive: a-b share an id, b-c share a title
        (
            [
                ("a", "first", "ru", [("arxiv", "1111.11111")]),
                ("b", "Attention Is All You Need", "en", [("arxiv", "1111.11111")]),
                ("z", "unrelated", "en", []),
                ("c", "attention is all you need!", "en", []),
            ],
            [["a", "b", "c"], ["z"]],
        ),
        # short generic titles never join
        ([("a", "UPD", "ru", []), ("b", "UPD", "ru", [])], [["a"], ["b"]]),
        # near-identical titles: punctuation, case, ё/е
        (
            [("a", "Обучение ёмких моделей: обзор", "ru", []), ("b", "обучение емких моделей обзор", "ru", [])],
            [["a", "b"]],
        ),
        # different papers stay apart
        ([("a", "t1", "en", [("arxiv", "2010.01825")]), ("b", "t2", "en", [("arxiv", "2110.08207")])], [["a"], ["b"]]),
    ],
)
def test_group_by_paper(specs, expected):
    made = [make_note(nid, title, lang=lang, refs=refs) for nid, title, lang, refs in specs]
    assert ids(group_notes(made, "paper")) == expected


def test_group_by_source_and_date_and_none():
    made = [
        make_note("a", date="2021-10-02", channel="Beta"),
        make_note("b", date="2021-10-01T10:00:00+03:00", channel="alpha"),
        make_note("c", channel="Beta"),
        make_note("d", date="not a date", url="https://blog.example.com/x"),
    ]
    assert ids(group_notes(made, "source")) == [["b"], ["a", "c"], ["d"]]
    assert [g.title for g in group_notes(made, "source")] == ["alpha", "Beta", "blog.example.com"]
    assert [(g.title, [n.id for n in g.notes]) for g in group_notes(made, "date")] == [
        ("2021-10-01", ["b"]),
        ("2021-10-02", ["a"]),
        ("undated", ["c", "d"]),
    ]
    assert ids(group_notes(made, "none")) == [["a", "b", "c", "d"]]
    assert group_notes([], "none") == []


@pytest.mark.parametrize(
    "title, key",
    [
        ("PMI-Masking: Principled Masking of Correlated Spans.", "pmi masking principled masking of correlated spans"),
        ("UPD", None),
        ("Short one", None),
    ],
)
def test_title_key(title, key):
    assert title_key(title) == key
    assert normalize_title(title) == normalize_title(title.upper())


def _paper_grouping_work(count: int, monkeypatch) -> int:
    """Titles normalised plus union-find lookups while grouping ``count`` notes, every 3 sharing a paper."""
    made = [
        make_note(f"n{i}", f"Paper number {i // 3} on things", refs=[("arxiv", f"2101.{i // 3:05d}")])
        for i in range(count)
    ]
    steps = [0]

    def counted(func):
        def wrapper(*args):
            steps[0] += 1
            return func(*args)
        return wrapper

    with monkeypatch.context() as patch:
        patch.setattr(grouping, "normalize_title", counted(grouping.normalize_title))
        patch.setattr(grouping._UnionFind, "find", counted(grouping._UnionFind.find))
        groups = group_notes(made, "paper")
    assert len(groups) == count // 3 and all(len(g.notes) == 3 for g in groups)
    return steps[0]


def test_paper_grouping_is_linear(monkeypatch):
    # Work, not seconds (bench/render_speed.py times it): a few steps per note, and twice the
    # notes take twice the steps; comparing every pair of 3,000 notes would take millions.
    work = _paper_grouping_work(3000, monkeypatch)
    assert work <= 8 * 3000
    assert work == 2 * _paper_grouping_work(1500, monkeypatch)


# --- selection ----------------------------------------------------------------


@pytest.mark.parametrize(
    "since, until, expected",
    [
        (None, None, ["a", "b", "c", "undated"]),
        (date(2021, 10, 2), None, ["b", "c"]),
        (None, date(2021, 10, 2), ["a", "b"]),
        (date(2021, 10, 2), date(2021, 10, 2), ["b"]),
        (date(2022, 1, 1), None, []),
    ],
)
def test_filter_by_date(since, until, expected):
    made = [
        make_note("a", date="2021-10-01"),
        make_note("b", date="2021-10-02T23:59:00+03:00"),
        make_note("c", date="2021-10-03"),
        make_note("undated"),
    ]
    assert [n.id for n in filter_by_date(made, since, until)] == expected


def test_since_after_until_and_bad_grouping_are_usage_errors(notes):
    with pytest.raises(UsageError):
        build_digest(notes, DigestOptions(since=date(2022, 1, 1), until=date(2021, 1, 1)))
    with pytest.raises(UsageError):
        build_digest(notes, DigestOptions(group_by="colour"))


def test_digest_langs_default_and_override(notes):
    assert set(digest_langs(notes)) == {"ru", "en"}
    translated = [note for note in notes if note.id != "n-ru-ads"]
    tree = lxml.html.fromstring(render_digest(build_digest(translated, DigestOptions(langs=("en",))), "html"))
    assert not tree.xpath('//main//div[contains(@class,"cell")][@lang="ru"]')
    assert tree.xpath('//main//div[contains(@class,"cell")][@lang="en"]')
    # A note with no text in the chosen languages still shows its original rather than nothing.
    tree = lxml.html.fromstring(render_digest(build_digest(notes, DigestOptions(langs=("en",))), "html"))
    assert {cell.get("lang") for cell in tree.xpath('//main//div[contains(@class,"cell")][@lang="ru"]')} == {"ru"}


# --- HTML -----------------------------------------------------------------------


def test_html_paper_group_has_both_notes_adjacent(notes):
    tree = lxml.html.fromstring(render_digest(build_digest(notes, GOLDEN_OPTIONS), "html"))
    titles = [article.xpath("./h2|./h3")[0].text_content() for article in tree.xpath("//main//article")]
    first = titles.index("PMI-Masking Principled Masking of Correlated Spans")
    assert titles[first + 1] == "Notes on PMI-Masking"
    section = tree.xpath("//main/section")[0]
    assert len(section.xpath("./article")) == 2


def test_html_structure(notes):
    html = render_digest(build_digest(notes, GOLDEN_OPTIONS), "html")
    tree = lxml.html.fromstring(html)
    assert "<script" not in html and "<link" not in html and "@import" not in html and "url(" not in html
    assert "@media (max-width" in html and "@media print" in html and "grid-template-columns" in html
    assert tree.xpath("//nav[@class='toc']//a[@href='#g1']")
    assert "Notes by language:" in tree.xpath("//header")[0].text_content()
    assert tree.xpath("//footer[@class='sig']")[0].text_content().count("sha256:3f1a9c0d") == 1
    marks = {m.text_content(): m.get("title") for m in tree.xpath("//mark[@class='term']")}
    assert marks["взаимной информации"] == "mutual information" and marks["mutual information"] == "взаимной информации"
    assert tree.xpath("//a[@href='https://arxiv.org/abs/2010.01825']")
    assert all(a.get("rel") == "noopener noreferrer nofollow" for a in tree.xpath("//a[starts-with(@href,'http')]"))
    glossary = tree.xpath("//section[@class='glossary']//td")
    assert "взаимной информации" in [td.text_content() for td in glossary]


def test_every_note_shows_both_languages_or_says_it_is_not_translated(notes):
    tree = lxml.html.fromstring(render_digest(build_digest(notes, GOLDEN_OPTIONS), "html"))
    for article in tree.xpath("//main//article"):
        langs = {cell.get("lang") for cell in article.xpath(".//div[contains(@class,'cell')][@lang]")}
        assert langs == {"ru", "en"} or "not yet in en" in article.text_content()


def test_html_golden(notes):
    check_golden("digest.html", render_digest(build_digest(notes, GOLDEN_OPTIONS), "html"))


def test_markdown_golden(notes):
    check_golden("digest.md", render_digest(build_digest(notes, GOLDEN_OPTIONS), "markdown"))


def test_rendering_is_deterministic(notes):
    first = render_digest(build_digest(notes, GOLDEN_OPTIONS), "html")
    again = render_digest(build_digest(list(load_fixture_notes()), GOLDEN_OPTIONS), "html")
    assert first == again


def test_monolingual_and_empty_notes_render():
    mono = make_note("m", "Только по-русски", lang="ru", texts={"ru": "Текст без перевода."})
    empty = make_note("e", "Empty", blocks=[])
    for fmt in ("html", "markdown"):
        out = render_digest(build_digest([mono, empty]), fmt)
        assert "Текст без перевода." in out
    assert "0 notes" in render_digest(build_digest([]), "markdown")


# --- CLI ------------------------------------------------------------------------


def test_cli_digest_writes_html_and_markdown(tmp_path):
    for name in ("digest.html", "digest.md"):
        result = runner.invoke(
            app,
            [
                "digest",
                str(BILINGUAL),
                "-o",
                str(tmp_path / name),
                "--group-by",
                "paper",
                "--langs",
                "ru,en",
                "--title",
                "T",
            ],
        )
        assert result.exit_code == 0, result.output
        assert "6 notes in 4 groups" in result.output
        assert "Notes on PMI-Masking" in (tmp_path / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["-o", "{tmp}/d.txt"], 2, "end the file name with .html or .md"),
        (["-o", "{tmp}/d.html", "--group-by", "colour"], 2, "--group-by 'colour'"),
        (["-o", "{tmp}/d.html", "--since", "yesterday"], 2, "--since 'yesterday'"),
        (["-o", "{tmp}/d.html", "--langs", "russian"], 2, "--langs"),
        (["-o", "{tmp}/missing/d.html"], 1, "does not exist"),
    ],
)
def test_cli_digest_errors(tmp_path, args, code, message):
    result = runner.invoke(app, ["digest", str(BILINGUAL), *[a.replace("{tmp}", str(tmp_path)) for a in args]])
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output


def test_cli_digest_since_drops_undated(tmp_path):
    out = tmp_path / "d.md"
    result = runner.invoke(
        app, ["digest", str(BILINGUAL), "-o", str(out), "--since", "2021-10-19", "--until", "2021-10-31"]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert (
        "Реклама в Телеграме" in text
        and "Supervised contrastive" not in text
        and "Multitask prompted training enables zero-shot task generalization." not in text
    )


def test_cli_digest_missing_input(tmp_path):
    result = runner.invoke(app, ["digest", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "d.html")])
    assert result.exit_code == 1 and "no such file" in result.output
    assert not (tmp_path / "d.html").exists()


# --- titles that a block repeats ----------------------------------------------


def _titled_note(kind: str, texts: dict[str, str], title: str = "Обзор PMI-маскирования") -> "Note":
    note = make_note("t1", title, lang="ru", texts={"ru": "Тело заметки.", "en": "Body of the note."})
    first = note.blocks[0].model_copy(update={"id": "b0", "kind": kind, "text": texts})
    return note.model_copy(update={"blocks": [first, *note.blocks]})


@pytest.mark.parametrize("kind", ["heading", "paragraph"])
def test_html_title_shown_once_and_in_both_languages(kind):
    note = _titled_note(kind, {"ru": "Обзор  PMI-маскирования", "en": "A review of PMI masking"})
    tree = lxml.html.fromstring(render_digest(build_digest([note], DigestOptions(langs=("ru", "en"))), "html"))
    [article] = tree.xpath("//main//article")
    [title] = article.xpath("./h2")
    assert [(c.get("lang"), c.text_content()) for c in title.xpath("./span")] == [
        ("ru", "Обзор  PMI-маскирования"),
        ("en", "A review of PMI masking"),
    ]
    assert article.text_content().count("PMI masking") == 1  # the repeated block is not shown again
    assert [c.text_content() for c in article.xpath(".//div[@lang='en']")] == ["Body of the note."]


def test_untranslated_title_block_is_shown_once_without_a_second_column():
    note = _titled_note("heading", {"ru": "Обзор PMI-маскирования"})
    tree = lxml.html.fromstring(render_digest(build_digest([note], DigestOptions(langs=("ru", "en"))), "html"))
    [article] = tree.xpath("//main//article")
    assert article.xpath("./h2")[0].get("lang") == "ru"
    assert article.text_content().count("Обзор PMI-маскирования") == 1


def test_markdown_title_shown_once_with_its_translation():
    note = _titled_note("heading", {"ru": "Обзор PMI-маскирования", "en": "A review of PMI masking"})
    text = render_digest(build_digest([note], DigestOptions(langs=("ru", "en"))), "markdown")
    assert (
        "## Обзор PMI-маскирования\n\n> `en` A review of PMI masking\n\nt1.txt · origin ru\n\n`ru` Тело заметки."
        in text
    )
    assert text.count("Обзор PMI-маскирования") == 2  # the contents line and the heading, no repeated block
    assert "Body of the note." in text


def test_a_title_block_that_is_not_first_stays_in_place():
    note = _titled_note("paragraph", {"ru": "Обзор PMI-маскирования", "en": "A review of PMI masking"})
    note = note.model_copy(update={"blocks": [note.blocks[1], note.blocks[0]]})
    html = render_digest(build_digest([note], DigestOptions(langs=("ru", "en"))), "html")
    assert html.count("A review of PMI masking") == 2  # title column and its own block


@pytest.mark.parametrize("path, label", [("/home/alice/exports/notes.txt", "notes.txt"), ("notes/t0.md", "t0.md"),
                                         ("C:\\Users\\bob\\post.html", "post.html"), ("-", "-")])
def test_source_label_shows_the_file_name_not_the_folders(path, label):
    from notelingo.render.grouping import source_label

    note = make_note("s1")
    note.source.path = path
    assert source_label(note) == label
