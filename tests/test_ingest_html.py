"""Blog page reader: main content kept, chrome dropped, formulas and code kept exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelingo.errors import InputError
from notelingo.readers import read_input
from notelingo.readers.html import clean_tex, read_blog_html, strip_site_suffix

BLOGS = Path(__file__).parent / "fixtures" / "corpus" / "blog-html"
TSNE = str(BLOGS / "en.wikipedia.org.tsne.html")
PYTHONSPEED = str(BLOGS / "pythonspeed.com.docker.html")
APPEN = str(BLOGS / "appen.com.ai-healthcare.html")


@pytest.fixture(scope="module")
def pages():
    return {path: read_input(path).posts for path in (TSNE, PYTHONSPEED, APPEN)}


def page_text(posts):
    return "\n".join(block.text for post in posts for block in post.blocks)


@pytest.mark.parametrize(
    "path, kept, dropped",
    [
        (
            TSNE,
            ["Given a set of", "high-dimensional objects", "Herein a heavy-tailed Student t-distribution"],
            ["Categories:", "Conditional random field", "Jump to navigation", "[edit]"],
        ),
        (
            PYTHONSPEED,
            ["CMD flask run exampleapp:app", "The takeaway"],
            ["Next: Elegantly activating a virtualenv in a Dockerfile"],
        ),
        (
            APPEN,
            ["How Major Hospitals are Already Using AI", "With predictive analytics,"],
            ["Trending Posts", "Subscribe to email updates"],
        ),
    ],
)
def test_main_content_kept_and_chrome_dropped(pages, path, kept, dropped):
    text = page_text(pages[path])
    for needle in kept:
        assert needle in text
    for needle in dropped:
        assert needle not in text


def test_tsne_given_sentence_keeps_its_inline_formulas(pages):
    text = page_text(pages[TSNE])
    assert "Given a set of $N$ high-dimensional objects" in text


@pytest.mark.parametrize(
    "path, title, site, date",
    [
        (PYTHONSPEED, "Faster Docker builds with pipenv, poetry, or pip-tools", "Python⇒Speed",
         "2019-06-17T00:00:00+00:00"),  # the page's article:published_time, with its zone (issue 12)
        (APPEN, "The Future of Artificial Intelligence in Healthcare", "Appen", "2019-10-18T23:28:27+00:00"),
        (TSNE, "T-distributed stochastic neighbor embedding", None, None),
    ],
)
def test_page_metadata(pages, path, title, site, date):
    (post,) = pages[path]
    assert post.title == title and post.splittable and post.source.kind == "html"
    assert post.source.url and post.source.url.startswith("https://")
    if site:
        assert post.source.channel == site
    if date:
        assert post.date == date


def test_headings_have_levels_and_title_is_not_repeated(pages):
    (post,) = pages[PYTHONSPEED]
    headings = [b for b in post.blocks if b.kind == "heading"]
    assert ("The takeaway", {"level": "2"}) in [(b.text, b.attrs) for b in headings]
    assert post.blocks[0].kind != "heading" or post.blocks[0].text != post.title


def test_code_blocks_keep_whitespace_exactly(pages):
    (post,) = pages[PYTHONSPEED]
    codes = [b.text for b in post.blocks if b.kind == "code"]
    assert "FROM python:3.7\nCOPY . /tmp/myapp\nRUN pip install /tmp/myapp\nCMD flask run exampleapp:app" in codes
    assert any("argparse==1.4.0           # via dateutils" in code for code in codes)
    assert any(b.kind == "list_item" and "`requirements.txt`" in b.text for b in post.blocks)


def test_display_formulas_become_formula_blocks(pages):
    (post,) = pages[TSNE]
    formulas = [b.text for b in post.blocks if b.kind == "formula"]
    assert "p_{ij}={\\frac {p_{j\\mid i}+p_{i\\mid j}}{2N}}" in formulas
    assert all("displaystyle" not in f and not f.startswith("$") for f in formulas)


def test_external_links_become_refs(pages):
    (post,) = pages[TSNE]
    urls = [r.url for r in post.refs]
    assert "https://lvdmaaten.github.io/tsne/" in urls
    assert not any("en.wikipedia.org" in u for u in urls)


SMALL_PAGE = """<!DOCTYPE html><html><head><title>Notes on attention - My ML blog</title>
<meta property="og:site_name" content="My ML blog"><link rel="canonical" href="https://blog.example.org/attention"></head>
<body><nav class="menu"><a href="/">Home</a></nav><main><article><h1>Notes on attention</h1>
<p>Attention weights are computed as <math alttext="\\mathrm{softmax}(QK^T)"><mi>x</mi></math> for every query in the batch of the model.</p>
<p><math display="block"><semantics><mi>y</mi><annotation encoding="application/x-tex">y = \\frac{a}{b}</annotation></semantics></math></p>
<h2>Code</h2><pre><code class="language-python">def f(x):
    return  x * 2
</code></pre>
<blockquote><p>Attention is all you need, said the paper that started a whole new line of research.</p></blockquote>
<ul><li>First point about multi-head attention and its many heads.</li><li>Second point about positional encodings in transformers.</li></ul>
<p>See <a href="https://arxiv.org/abs/1706.03762">the paper</a> and <a href="/other-post">my other post</a>.</p>
</article></main><footer>Copyright 2024</footer></body></html>"""  # noqa: E501


def test_small_handmade_page():
    (post,) = read_blog_html(SMALL_PAGE, "page.html")
    kinds = [b.kind for b in post.blocks]
    texts = [b.text for b in post.blocks]
    assert post.title == "Notes on attention" and post.source.url == "https://blog.example.org/attention"
    assert any("$\\mathrm{softmax}(QK^T)$" in t for t in texts)
    assert ("formula", "y = \\frac{a}{b}") in list(zip(kinds, texts))
    assert ("code", "def f(x):\n    return  x * 2") in list(zip(kinds, texts))
    assert "quote" in kinds and kinds.count("list_item") == 2
    assert "Home" not in texts and not any("Copyright" in t for t in texts)
    assert [r.url for r in post.refs] == ["https://arxiv.org/abs/1706.03762"]


@pytest.mark.parametrize(
    "title, site, expected",
    [
        ("A | Appen", "Appen", "A"),
        ("A - My blog", "My blog", "A"),
        ("Appen", "Appen", "Appen"),
        ("A", None, "A"),
        (None, "x", None),
    ],
)
def test_strip_site_suffix(title, site, expected):
    assert strip_site_suffix(title, site) == expected


def test_clean_tex():
    assert clean_tex("{\\displaystyle  p_{ij} }") == "p_{ij}"


def test_cp1251_page_is_decoded():
    (post,) = read_input(str(Path(__file__).parent / "fixtures" / "ingest" / "encodings" / "page_cp1251.html")).posts
    assert post.title == "Заметки о трансформерах"
    assert post.blocks[0].text.startswith("Сегодня разбираем статью")


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/ab=\"' pdivhtml&;#x\n")), max_size=200))
def test_reader_never_raises_anything_but_input_errors(body):
    try:
        read_blog_html("<html><body>" + body, "garbage.html")
    except InputError:
        pass


def test_blocks_carry_their_own_external_links():
    page = """<html><head><title>Notes</title><link rel="canonical" href="https://blog.example.org/notes"></head><body>
    <article><h1>Notes</h1>
    <h2>Paper A</h2><p>Read <a href="https://arxiv.org/abs/2101.00001">the paper</a> and
    <a href="/tags/a">our tag</a>. It shows that a long enough paragraph is kept by the extractor.</p>
    <h2>Paper B</h2><p>Code is <a href="https://github.com/b/b">here</a>; this paragraph is long enough to be kept too.</p>
    </article></body></html>"""  # noqa: E501
    (post,) = read_blog_html(page, "notes.html")
    links = {b.text.split()[0]: b.attrs.get("_links") for b in post.blocks if b.kind == "paragraph"}
    assert links == {"Read": "https://arxiv.org/abs/2101.00001", "Code": "https://github.com/b/b"}


_CONTROL_PAGE = (
    "<!doctype html><html><head><title>Пост про attention</title></head><body><article><h1>Заголовок</h1>"
    "<p>Трансформеры используют механизм внимания для обработки последовательностей.{c} Ещё текст про GPT.</p>"
    "<p>Second paragraph about transformers and LoRA fine-tuning.</p></article></body></html>"
)


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"])
def test_a_stray_control_character_does_not_lose_the_page(control):
    # trafilatura builds XML, which cannot hold C0 controls: the whole page came out empty
    posts = read_blog_html(_CONTROL_PAGE.format(c=control), "page.html")
    text = "\n".join(block.text for post in posts for block in post.blocks)
    assert "механизм внимания для обработки последовательностей. Ещё текст про GPT." in " ".join(text.split())
    assert "Second paragraph about transformers" in text
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)
