"""One URL grammar, many views: which view takes what, on real-looking text (notelingo.protect.zones)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notelingo.mt.segment import split_block
from notelingo.notes.refs import find_refs
from notelingo.protect import zones as spans
from notelingo.protect.mask import find_protected_spans
from notelingo.readers.telegram_json import url_of_link

NOT_WORDS_RE = re.compile(spans.NOT_WORDS_ZONES)


def _found(pattern: re.Pattern, text: str) -> list[str]:
    return [m.group() for m in pattern.finditer(text)]


# text -> protect (kind, text) | refs (kind, id) | no-cut | termless | not-words. The raw views keep
# trailing punctuation: only protect and refs trim it. No-cut takes only announced URLs (a scheme
# or www., in lower case): a bare host holds no sentence end.
TABLE = [
    ("see https://example.com/path?q=1#frag for details",
     [("url", "https://example.com/path?q=1#frag")], [("url", "https://example.com/path?q=1#frag")],
     ["https://example.com/path?q=1#frag"], ["https://example.com/path?q=1#frag"], ["https://example.com/path?q=1#frag"]),
    ("see http://example.com.",
     [("url", "http://example.com")], [("url", "http://example.com")],
     ["http://example.com."], ["http://example.com."], ["http://example.com."]),
    ("HTTPS://EXAMPLE.COM/X is upper case",
     [("url", "HTTPS://EXAMPLE.COM/X")], [("url", "HTTPS://EXAMPLE.COM/X")],
     [], ["HTTPS://EXAMPLE.COM/X"], ["EXAMPLE.COM/X"]),
    ("go to www.example.com/page, then",
     [("url", "www.example.com/page")], [("url", "https://www.example.com/page")],
     ["www.example.com/page,"], ["www.example.com/page,"], ["www.example.com/page,"]),
    # a bare host is a URL to keep, not a reference; with a path it is both
    ("bare host example.com in prose",
     [("url", "example.com")], [], [], ["example.com"], ["example.com"]),
    ("bare host example.com/path/to?x=1 in prose",
     [("url", "example.com/path/to?x=1")], [("url", "https://example.com/path/to?x=1")],
     [], ["example.com/path/to?x=1"], ["example.com/path/to?x=1"]),
    ("youtu.be/dQw4w9WgXcQ is a video",  # a TLD off the common list: a path makes the URL
     [("url", "youtu.be/dQw4w9WgXcQ")], [("url", "https://youtu.be/dQw4w9WgXcQ")],
     [], ["youtu.be/dQw4w9WgXcQ"], ["youtu.be/dQw4w9WgXcQ"]),
    ("DeepLearning.ai курс Эндрю Ына",
     [("url", "DeepLearning.ai")], [], [], ["DeepLearning.ai"], ["DeepLearning.ai"]),
    # file names are no URLs, only no words
    ("прочитайте README.md и file.py", [], [], [], [], ["README.md", "file.py"]),
    ("see src/file.py/ and docs/README.md here", [], [], [], [], ["file.py/", "README.md"]),
    ("St.Petersburg/Moscow trip", [], [], [], [], ["St.Petersburg/Moscow"]),
    ("трактат (https://en.wikipedia.org/wiki/Transformer_(machine_learning_model)) тут",
     [("url", "https://en.wikipedia.org/wiki/Transformer_(machine_learning_model)")],
     [("url", "https://en.wikipedia.org/wiki/Transformer_(machine_learning_model)")],
     ["https://en.wikipedia.org/wiki/Transformer_(machine_learning_model))"],
     ["https://en.wikipedia.org/wiki/Transformer_(machine_learning_model))"],
     ["https://en.wikipedia.org/wiki/Transformer_(machine_learning_model))"]),
    ("Ссылка: https://habr.com/ru/articles/123456/ — читайте!",
     [("url", "https://habr.com/ru/articles/123456/")], [("url", "https://habr.com/ru/articles/123456/")],
     ["https://habr.com/ru/articles/123456/"], ["https://habr.com/ru/articles/123456/"],
     ["https://habr.com/ru/articles/123456/"]),
    ("[the paper](https://arxiv.org/abs/1706.03762) is here",
     [("url", "https://arxiv.org/abs/1706.03762")], [("arxiv", "1706.03762")],
     ["https://arxiv.org/abs/1706.03762)"], ["https://arxiv.org/abs/1706.03762)"],
     ["https://arxiv.org/abs/1706.03762)"]),
    # a Markdown link whose text is its URL: two URLs, "](" between them
    ("[https://a.b.com/c](https://a.b.com/c) twice",
     [("url", "https://a.b.com/c"), ("url", "https://a.b.com/c")], [("url", "https://a.b.com/c")],
     ["https://a.b.com/c", "https://a.b.com/c)"], ["https://a.b.com/c", "https://a.b.com/c)"],
     ["https://a.b.com/c", "https://a.b.com/c)"]),
    ("mail me at john.doe@example.com please",
     [("email", "john.doe@example.com")], [], [], ["john.doe@example.com"], ["john.doe@example.com"]),
    ("arXiv:1706.03762v5 and doi:10.1145/3292500.3330701",
     [("arxiv", "arXiv:1706.03762v5"), ("doi", "doi:10.1145/3292500.3330701")],
     [("arxiv", "1706.03762"), ("doi", "10.1145/3292500.3330701")], [], [], []),
    ("LoRA (arxiv.org/abs/2106.09685)",
     [("url", "arxiv.org/abs/2106.09685")], [("arxiv", "2106.09685")],
     [], ["arxiv.org/abs/2106.09685)"], ["arxiv.org/abs/2106.09685)"]),
    ("«https://t.me/channel/123» в кавычках",
     [("url", "https://t.me/channel/123")], [("url", "https://t.me/channel/123")],
     ["https://t.me/channel/123»"], ["https://t.me/channel/123»"], ["https://t.me/channel/123»"]),
    ("Смотрите https://github.com/karpathy/nanoGPT.",
     [("url", "https://github.com/karpathy/nanoGPT")], [("url", "https://github.com/karpathy/nanoGPT")],
     ["https://github.com/karpathy/nanoGPT."], ["https://github.com/karpathy/nanoGPT."],
     ["https://github.com/karpathy/nanoGPT."]),
    ("e.g. this, i.e. that, т.е. это", [], [], [], [], []),
    # a scheme glued to a word still starts a URL; "awww." is a host label, not www.
    ("Ссылкаhttps://x.org/a glued, awww.example.com/b",
     [("url", "https://x.org/a"), ("url", "awww.example.com/b")],
     [("url", "https://x.org/a"), ("url", "https://awww.example.com/b")],
     ["https://x.org/a"], ["https://x.org/a", "awww.example.com/b"], ["https://x.org/a", "awww.example.com/b"]),
    ("version v1.2.3 and 3.14 pi", [], [], [], [], []),
    ("the file index.html here", [], [], [], ["index.html"], ["index.html"]),
    ("The price is $20 and $30 today", [], [], [], [], []),
    ("Формула $E = mc^2$ и $x$.",
     [("latex", "$E = mc^2$"), ("latex", "$x$")], [], ["$E = mc^2$", "$x$"], ["$E = mc^2$", "$x$"], []),
    ("`https://code.example.com/x` in code",
     [("code", "`https://code.example.com/x`")], [("url", "https://code.example.com/x")],
     ["`https://code.example.com/x`"], ["`https://code.example.com/x`"], ["https://code.example.com/x"]),
]


@pytest.mark.parametrize("text, protect, refs, no_cut, termless, not_words", TABLE, ids=[row[0][:40] for row in TABLE])
def test_each_view_takes_its_part_of_the_url_grammar(text, protect, refs, no_cut, termless, not_words):
    assert [(s.kind, s.text) for s in find_protected_spans(text, "ru", "en", keep_acronyms=False)] == protect
    assert [(r.kind, r.id) for r in find_refs(text)] == refs
    assert _found(spans.NO_CUT_RE, text) == no_cut
    assert _found(spans.TERMLESS_ZONE_RE, text) == termless
    assert _found(NOT_WORDS_RE, text) == not_words


@pytest.mark.parametrize("text, spacing", [
    ("a  `b  c`  https://x.org/p  d", ["`b  c`", "https://x.org/p"]),
    ("price $20  and  $30", []),  # money is prose: its spaces collapse like the rest
    ("math $a  +  b$ here", ["$a  +  b$"]),
])
def test_spacing_zones(text, spacing):
    assert _found(spans.SPACING_ZONE_RE, text) == spacing


@pytest.mark.parametrize("text, links", [
    ("[the paper](https://arxiv.org/abs/1706.03762) is here", [("the paper", "https://arxiv.org/abs/1706.03762")]),
    ("[https://a.b.com/c](https://a.b.com/c) twice", [("https://a.b.com/c", "https://a.b.com/c")]),
    ("[wiki](https://en.wikipedia.org/wiki/Foo_(bar)) text", [("wiki", "https://en.wikipedia.org/wiki/Foo_(bar)")]),
    ("[site](www.example.com/x) and [blog](lilianweng.github.io/posts/)",
     [("site", "www.example.com/x"), ("blog", "lilianweng.github.io/posts/")]),
    ("![img](https://x.com/i.png) an image", []),
    ("[readme](README.md) a file", []),
])
def test_markdown_links(text, links):
    assert [(m.group("text"), m.group("url")) for m in spans.MARKDOWN_LINK_RE.finditer(text)] == links


@pytest.mark.parametrize("text, links", [
    ("LoRA (arxiv.org/abs/2106.09685)", ["arxiv.org/abs/2106.09685"]),
    ("Attention [arXiv: 1706.03762] https://x.org/p", ["arXiv: 1706.03762", "https://x.org/p"]),
    ("see src/file.py/ and DeepLearning.ai", []),
])
def test_links_in_titles(text, links):
    assert _found(spans.TITLE_LINK_RE, text) == links


@pytest.mark.parametrize("line, starts", [
    ("https://x.org/a", True), ("ftp://ftp.gnu.org/", True), ("www.example.com", True),
    ("example.com/page text", True), ("example.com", True), ("example.com is a site", False),
    ("README.md", True), ("Обычная строка", False), ("e.g. this", False),
])
def test_a_line_that_starts_with_a_link(line, starts):
    assert bool(spans.STARTS_WITH_LINK_RE.match(line)) is starts


@pytest.mark.parametrize("href, url", [
    ("https://x.org/a", "https://x.org/a"), ("HTTP://X.ORG", "HTTP://X.ORG"),
    ("www.example.com/a", "http://www.example.com/a"), ("example.com", "http://example.com"),
    ("mailto:a@b.org", None), ("#anchor", None), ("notes.txt file", None), ("tel:+123", None),
])
def test_link_targets(href, url):
    assert url_of_link(href) == url


@pytest.mark.parametrize("lang, text, sentences", [
    # money is prose: segment cuts after "$20." as protect leaves it unmasked
    ("en", "It costs $20. The next one costs $30.", ["It costs $20.", "The next one costs $30."]),
    ("ru", "Цена $20. Следующая стоит $30.", ["Цена $20.", "Следующая стоит $30."]),
    ("en", "The price is $20 and $30. Then it fell.", ["The price is $20 and $30.", "Then it fell."]),
    # real inline math is never cut
    ("en", "We minimise $L = -\\log p. Q$ here. Next one.", ["We minimise $L = -\\log p. Q$ here.", "Next one."]),
    ("en", "See $$a. B$$ now. Next.", ["See $$a. B$$ now.", "Next."]),
])
def test_segment_cuts_where_protect_masks_nothing(lang, text, sentences):
    assert [p.text for p in split_block(text, lang)] == sentences
    zones = [(s.start, s.end) for s in find_protected_spans(text, lang, "en", keep_acronyms=False)]
    assert all(spans.NO_CUT_RE.fullmatch(text, a, b) for a, b in zones)


def test_money_clauses_are_cut_and_formulas_are_not():
    text = "It was $20, then $30, then $40, and $a, b, c$ stays whole."
    pieces = split_block(text, "en", 3, lambda t: len(t.split()))
    assert [p.text for p in pieces][:2] == ["It was $20,", "then $30,"]
    assert any("$a, b, c$" in p.text for p in pieces)


@pytest.mark.parametrize("candidates, longest_first, kept", [
    # longest first: the later, longer span wins
    ([(0, 5, "a"), (3, 10, "b")], True, [(3, 10, "b")]),
    # leftmost first: the earlier span wins, then the longest of those starting together
    ([(0, 5, "a"), (3, 10, "b")], False, [(0, 5, "a")]),
    ([(2, 4, "a"), (2, 6, "b"), (6, 8, "c"), (5, 9, "d")], False, [(2, 6, "b"), (6, 8, "c")]),
    ([(1, 1, "empty"), (0, 2, "a")], False, [(0, 2, "a")]),
])
def test_resolve_overlaps_orders(candidates, longest_first, kept):
    rank = (lambda c: (c[0],)) if longest_first else spans.leftmost_first
    assert spans.resolve_overlaps(candidates, 10, rank=rank, longest_first=longest_first) == kept


def test_the_url_grammar_is_written_once():
    """No module but spans spells a scheme, www., a TLD or a TLD list: they import the fragments."""
    src = Path(spans.__file__).parent.parent  # the whole package
    spelt = re.compile(r"https\?|www\\\\?\.|\[(?:A-Z)?a-z(?:A-Z)?\]\{2,(?:24)?\}|\bcom\|")
    offenders = [f"{path.relative_to(src)}:{number}" for path in sorted(src.rglob("*.py"))
                 if path != Path(spans.__file__)
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if spelt.search(line)]
    assert offenders == []
    assert Path(spans.__file__).read_text(encoding="utf-8").count("com|") == 1  # one TLD list
