"""RSS and Atom feeds: one dated note per entry with its link, full content preferred to the summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelingo.api import collect_notes
from notelingo.readers.feeds import html_blocks
from notelingo.readers.formats import detect_format

FEEDS = Path(__file__).parent / "fixtures" / "feeds"

# The shape WordPress and Substack feeds have: a short description and the full post in content:encoded.
FULL_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Lab notes</title><link>https://lab.example/</link>
<item>
  <title>LoRA, explained</title>
  <link>https://lab.example/lora</link>
  <dc:creator><![CDATA[Ann Lee]]></dc:creator>
  <pubDate>Mon, 04 Mar 2024 10:00:00 +0300</pubDate>
  <description><![CDATA[A short teaser…]]></description>
  <content:encoded><![CDATA[<h2>Idea</h2><p>Freeze the weights and learn a low-rank update
    (<a href="https://arxiv.org/abs/2106.09685">paper</a>).</p><ul><li>rank 8</li><li>alpha 16</li></ul>
    <pre><code>model = get_peft_model(model, config)</code></pre><!-- more --><p>That is all.</p>]]></content:encoded>
</item>
</channel></rss>
"""


@pytest.mark.parametrize("name, expected", [
    ("rss2_sample.xml", [
        ("Star City", "2003-06-03T09:39:21+00:00", "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp",
         ["http://howe.iki.rssi.ru/GCTC/gctc_e.htm"]),
        # no title: the text names it; no link: the permalink guid is its link
        ("Sky watchers in Europe, Asia, and parts of Alaska and Canada will experience a partial eclipse of the Sun "
         "on Saturday…", "2003-05-30T11:06:42+00:00", "http://liftoff.msfc.nasa.gov/2003/05/30.html#item572",
         ["http://science.nasa.gov/headlines/y2003/30may_solareclipse.htm"]),
        ("The Engine That Does More", "2003-05-27T08:37:32+00:00",
         "http://liftoff.msfc.nasa.gov/news/2003/news-VASIMR.asp", []),
        ("Astronauts' Dirty Laundry", "2003-05-20T08:56:02+00:00",
         "http://liftoff.msfc.nasa.gov/news/2003/news-laundry.asp", []),
    ]),
    ("atom_rfc4287.xml", [
        ("Atom draft-07 snapshot", "2003-12-13T08:29:29-04:00", "http://example.org/2005/04/02/atom", []),
    ]),
])
def test_a_feed_gives_one_dated_note_per_entry_with_its_link(name, expected):
    notes, report = collect_notes([str(FEEDS / name)])
    assert report.failures == []
    assert [(n.title, n.date, n.source.url, [r.id for r in n.refs]) for n in notes] == expected


def test_channel_author_and_text_of_an_atom_entry():
    (note,), _ = collect_notes([str(FEEDS / "atom_rfc4287.xml")])
    assert (note.source.channel, note.source.author) == ("dive into mark", "Mark Pilgrim")
    assert [b.original() for b in note.blocks] == ["[Update: The Atom draft is finished.]"]


def test_full_content_is_read_instead_of_the_teaser(tmp_path):
    path = tmp_path / "feed"  # no extension: the content says it is a feed
    path.write_text(FULL_CONTENT, encoding="utf-8")
    (note,), _ = collect_notes([str(path)])
    assert (note.title, note.date, note.source.author) == ("LoRA, explained", "2024-03-04T10:00:00+03:00", "Ann Lee")
    assert [(b.kind, b.original()) for b in note.blocks] == [
        ("heading", "Idea"),
        ("paragraph", "Freeze the weights and learn a low-rank update (paper)."),
        ("list_item", "rank 8"), ("list_item", "alpha 16"),
        ("code", "model = get_peft_model(model, config)"),
        ("paragraph", "That is all."),
    ]
    assert [r.id for r in note.refs] == ["2106.09685"]


@pytest.mark.parametrize("text, kind", [
    ('<?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>', "feed"),
    ('<?xml version="1.0" encoding="utf-8"?>\n<!-- generator -->\n<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
    ("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", "feed"),
    ("# Notes on RSS\n\n<rss> is the root element.", "markdown"),
])
def test_feeds_are_detected_from_content(text, kind):
    assert detect_format(text, "saved") == kind


def test_an_xml_bomb_is_not_expanded(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><title>t</title>'
            '<description>&c;&c;&c;</description></item></channel></rss>')
    path = tmp_path / "bomb.xml"
    path.write_text(bomb, encoding="utf-8")
    notes, _ = collect_notes([str(path)])
    assert sum(len(b.original()) for n in notes for b in n.blocks) < 1000


def test_plain_text_summaries_keep_their_paragraphs():
    assert [b.text for b in html_blocks("First part.\n\nSecond part.", [])] == ["First part.", "Second part."]


# The shape Hexo's highlighter writes (and Pygments with linenos="table"): line numbers in one cell,
# the code in another, one <span> and <br> per line.
HIGHLIGHT_TABLE = (
    '<p>Config:</p><figure class="highlight xml"><table><tr><td class="gutter"><pre><span class="line">1</span>'
    '<br><span class="line">2</span><br></pre></td><td class="code"><pre><span class="line">&lt;runtime&gt;</span>'
    '<br><span class="line">  &lt;bindingRedirect/&gt;</span><br></pre></td></tr></table></figure><p>Done.</p>'
)


@pytest.mark.parametrize("html, expected", [
    (HIGHLIGHT_TABLE, [("paragraph", "Config:"), ("code", "<runtime>\n  <bindingRedirect/>"), ("paragraph", "Done.")]),
    ('<pre><span class="line">a = 1</span><br><span class="line">b = 2</span></pre>', [("code", "a = 1\nb = 2")]),
])
def test_highlighted_code_is_one_code_block_without_line_numbers(html, expected):
    assert [(b.kind, b.text) for b in html_blocks(html, [])] == expected


_ATOM_WITH_REFS = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>ML</title>'
    "<entry><title>{title}</title><updated>2024-03-01T10:00:00Z</updated><content type=\"html\">"
    "&lt;p&gt;Трансформеры используют механизм внимания для обработки последовательностей.&lt;/p&gt;"
    "</content></entry><entry><title>Second</title><updated>2024-03-02T10:00:00Z</updated>"
    "<summary>LoRA fine-tuning of large language models, explained.</summary></entry></feed>"
)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # half an emoji as a reference: lxml kept it as broken UTF-8 and the whole feed failed to read
        ("Пост &#55357; про attention", "Пост про attention"),
        ("Пост &#xD83D; про attention", "Пост про attention"),
        # both halves, as some generators write emoji: one character
        ("Запуск &#55357;&#56960; модели", "Запуск 🚀 модели"),
        # a reference to a control character XML cannot hold
        ("Пост&#1; про attention", "Пост про attention"),
        # ordinary references are untouched
        ("Q&amp;A &#169; 2024 &#x2014; LoRA", "Q&A © 2024 — LoRA"),
    ],
)
def test_references_to_characters_xml_cannot_hold_do_not_fail_the_feed(tmp_path, title, expected):
    path = tmp_path / "feed.xml"
    path.write_text(_ATOM_WITH_REFS.format(title=title), encoding="utf-8")
    notes, _ = collect_notes([str(path)])
    assert [note.title for note in notes] == [expected, "Second"]
