"""No reader crash on any page: a reader's failure is one InputError naming the file, the other inputs are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelingo.api import collect_notes
from notelingo.errors import InputError
from notelingo.readers import read_input

TSNE = Path(__file__).parent / "fixtures" / "corpus" / "blog-html" / "en.wikipedia.org.tsne.html"
NOTE = "# Attention\n\nSelf-attention lets every token look at every other token of the sequence.\n"


@pytest.mark.parametrize(
    "inserted",
    ["<!-- formula -->", "<!--[if IE]><p>old browser</p><![endif]-->", "<?php echo 1; ?>"],
)
def test_a_comment_beside_a_formula_is_no_crash(tmp_path, inserted):
    """The real t-SNE page with a comment (or a processing instruction) in a formula's <dd>: lxml's
    text_content raised "Input object is not an XML element: HtmlComment" there."""
    page = TSNE.read_text(encoding="utf-8").replace("<dd><span", f"<dd>{inserted}<span", 1)
    assert inserted in page
    path = tmp_path / "tsne.html"
    path.write_text(page, encoding="utf-8")
    text = "\n".join(block.text for post in read_input(str(path)).posts for block in post.blocks)
    assert "Given a set of $N$ high-dimensional objects" in text
    assert "\np_{j\\mid i}={\\frac" in text  # the formula of that <dd> is a formula block


@pytest.mark.parametrize("error", [RuntimeError("boom"), AssertionError("x"), LookupError("y"), OSError("z")])
def test_a_reader_bug_is_one_line_input_error_and_the_rest_is_read(tmp_path, monkeypatch, error):
    from notelingo.readers import html

    def broken(text, path):
        raise error

    monkeypatch.setattr(html, "read_blog_html", broken)
    page = tmp_path / "a_page.html"
    page.write_text("<!doctype html><html><body><p>hello there</p></body></html>", encoding="utf-8")
    (tmp_path / "b_note.md").write_text(NOTE, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_input(str(page))
    message = str(caught.value)
    assert "\n" not in message and str(page) in message and type(error).__name__ in message
    notes, report = collect_notes([str(tmp_path)])
    assert [failure.path for failure in report.failures] == [str(page)]
    assert [note.title for note in notes] == ["Attention"]


def test_text_between_headings_outside_paragraphs_is_kept():
    """trafilatura leaves such text in the tail of the heading ("<head>Einleitung</head>Die Erstellung …"):
    the page's own text, lost before."""
    page = TSNE.parent / "buero-hoppe.de.baumgutachten.html"
    (post,) = read_input(str(page)).posts
    texts = [block.text for block in post.blocks]
    assert any(text.startswith("Die Erstellung von Baumgutachten erfordert gleichermaßen Wissen") for text in texts)
    assert "Einleitung" in texts  # still a heading of its own
