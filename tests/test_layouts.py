"""The labelled layout set (tests/layouts/): note boundaries, titles, dates, authors, chrome.

The scorer is tools/eval_layouts.py (``make eval-layouts`` prints its table); here
its floors are enforced, and the rules behind them are pinned one by one.
"""

import pytest

from eval_layouts import FLOORS, LAYOUTS, evaluate, failed_floors, table
from notelingo.notes.build import normalize_posts
from notelingo.notes.sections import names_a_work
from notelingo.notes.textclean import is_chrome_line, strip_edge_chrome
from notelingo.readers.html_meta import PageMeta, article_title, byline_author, clean_author, published
from notelingo.readers.text import read_text_dump
from notelingo.schema import RawBlock


@pytest.fixture(scope="module")
def layouts():
    return evaluate(LAYOUTS)


def test_layout_set_is_large_and_varied(layouts):
    per_layout = {name: tally.docs for name, tally in layouts.items() if name != "all"}
    assert len(per_layout) >= 10 and sum(per_layout.values()) >= 40
    assert min(per_layout.values()) >= 3, per_layout


def test_scores_reach_their_floors(layouts):
    report = table(layouts)
    print("\n" + report)
    assert failed_floors(layouts["all"]) == [], report + "\n" + "\n".join(layouts["all"].misses)
    assert FLOORS["boundary_f1"] == 0.95 and FLOORS["chrome_left"] == 0.01


def notes(text, kind="text"):
    return normalize_posts(read_text_dump(text, "doc." + ("md" if kind == "markdown" else "txt"), kind)).notes


def test_channel_dump_header_is_metadata_and_dates_are_not_titles():
    text = ("# Messages from @chan\n\nShowing 2 messages\n\n---\n\n**Mon, 24 Nov 2025 09:46:32 +0300**\n\n"
            "Например:\n- one\n- two\n\nThe post itself says this.\n\n---\n\n**Sun, 23 Nov 2025 08:00:00 +0300**\n\n"
            "Second post.\n")
    first, second = notes(text, "markdown")
    assert (first.title, first.date, first.source.channel) == ("The post itself says this.",
                                                                "2025-11-24T09:46:32+03:00", "@chan")
    assert (second.title, second.date) == ("Second post.", "2025-11-23T08:00:00+03:00")


def test_dates_closing_posts_are_footers_not_headers():
    text = "First post with enough words.\n24.11.2025 09:46\nSecond post with enough words.\n25.11.2025 10:00\n"
    assert all(note.date is None for note in notes(text))


@pytest.mark.parametrize(("text", "count"), [
    # bullets with children inside one paper's outline are list items, not notes
    (("Paper notes\n\n- Language Models are Few-Shot Learners\n  - few-shot\n- Closed book system\n  - no retrieval\n\n"
      "Neural Discrete Representation Learning\n- VQ-VAE\n  - codebook\n"), 2),
    # section lines of one article ("Keynotes", "Logistics") are parts of it
    (("ICML trip report\n\nShort version of the trip.\n\nKeynotes\n\nThe keynote was long.\n\nLogistics\n\n"
      "The venue was small.\n"), 1),
    # numbered talks are parts of one write-up; numbered papers are notes
    ("Day of talks\n\n1. Keynote on evaluation\n\nIt was good.\n\n2. Panel on licences\n\nIt was long.\n", 1),
    (("Reading\n\n1. Denoising Diffusion Probabilistic Models\n\nNoise.\n\n2. Score-Based Generative Models\n\n"
      "SDEs.\n"), 2),
])
def test_what_opens_a_note(text, count):
    assert len(notes(text)) == count


@pytest.mark.parametrize(("line", "work"), [
    ("GPT3", True), ("VQ-VAE", True), ("LoRA: Low-Rank Adaptation of Large Language Models", True),
    ("Distilling the Knowledge in a Neural Network", True), ("Keynotes", False), ("Posters I liked", False),
    ("On reading papers faster", False), ("Главное, что я понял", False), ("Prefix tuning (arXiv:2101.00190)", True),
    # the writer's own mark says it: "(paper)", "[статья]"
    ("Self-Rewarding Language Models (paper)", True), ("Flash-Decoding for long-context inference (paper)", True),
    ("Как обучали модель [статья]", True), ("Notes on the paper", False),
])
def test_names_a_work(line, work):
    assert names_a_work(line) is work


@pytest.mark.parametrize(("line", "chrome"), [
    ("Browse latest Browse all 13", True), ("Viewing all articles", True), ("$", True), ("0", True),
    ("5 min read", True), ("Feedly", True), ("rssing.com", True), ("Mark as unread", True),
    ("Why I stopped trusting leaderboard numbers", False), ("Four Years Remaining", False),
])
def test_chrome_lines_have_no_content_words(line, chrome):
    assert is_chrome_line(line) is chrome


@pytest.mark.parametrize(("line", "artefact"), [
    ("Written by on", True), ("Posted by Ann Lee on March 4, 2024", True), ("Written by on 04.03.2024", True),
    ("Written by hand on paper, these notes are slow.", False), ("Published by OpenAI", False),
])
def test_byline_templates_are_artefacts(line, artefact):
    from notelingo.notes.textclean import is_artefact_line

    assert is_artefact_line(line) is artefact


def test_reader_chrome_at_edges_gives_channel_and_date():
    lines = ["Inoreader", "All articles", "Unread", "Google Online Security Blog", "Mon, 18 Mar 2024",
             "A real title", "Body sentence that is long enough to be prose.", "Open in browser", "Star"]
    blocks, meta = strip_edge_chrome([RawBlock("paragraph", line) for line in lines])
    assert [b.text for b in blocks] == ["A real title", "Body sentence that is long enough to be prose."]
    assert (meta.channel, meta.date) == ("Google Online Security Blog", "2024-03-18")


def test_a_page_without_chrome_keeps_its_edges():
    lines = ["GPT3", "OpenAI released a model.", "Ref"]
    blocks, meta = strip_edge_chrome([RawBlock("paragraph", line) for line in lines])
    assert [b.text for b in blocks] == lines and meta.channel is None


@pytest.mark.parametrize(("text", "name"), [
    ("View all posts by Konstantin Tretyakov", "Konstantin Tretyakov"), ("Posted by Jane Doe", "Jane Doe"),
    ("By Jane Doe", "Jane Doe"), ("Share this post", None), ("", None),
])
def test_clean_author(text, name):
    assert clean_author(text) == name


def test_page_statements_beat_extracted_guesses():
    meta = PageMeta(authors=["View all posts by Ann Lee"], times=["2024-05-20T21:04:11+03:00"])
    assert byline_author("Flappy Bird widget", "Blog", meta) == "Ann Lee"
    assert published("2024-05-20", meta) == "2024-05-20T21:04:11+03:00"
    assert published("2024-05-21", meta) == "2024-05-21"  # another day: not this article's time


def test_a_site_name_is_never_the_title():
    meta = PageMeta(titles=["Four Years Remaining", "Benchmarks of small models on a laptop"])
    site = "Four Years Remaining"
    assert article_title(site, site, meta) == "Benchmarks of small models on a laptop"
    assert article_title("Own title", "Four Years Remaining", meta) == "Own title"


def test_a_table_row_opens_no_note():
    text = ("GPT3 Notes Today\n\nA body paragraph about the model.\n\nModel | Size\nBERT | 110M\nGPT Three | 175B\n\n"
            "Closing words of the same note.\n\nBYOL\n\nAnother paper body.\nRef: paper\n")
    assert [n.title for n in notes(text)] == ["GPT3 Notes Today", "BYOL"]
