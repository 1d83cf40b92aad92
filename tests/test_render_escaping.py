"""Hostile notes: nothing from a note may become markup, script or a non-http(s) link.

Also: link safety rules, property tests on random text, and a real-browser
screenshot at phone and desktop widths when Chromium is installed.
"""

from __future__ import annotations

import re
import subprocess

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CHROMIUM, CHROMIUM_FLAGS
from notelingo.render import DigestOptions, build_digest, render_digest
from notelingo.render.markdown import md_escape
from notelingo.render.safety import close_bidi, safe_href
from notelingo.schema import Note
from test_render_helpers import load_fixture_notes

SCRIPT_TEXT = "<script>alert(1)</script>"
IMG_TEXT = "<img src=x onerror=alert(1)>"
BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\njavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&Tab;javascript:alert(1)",
    "\x00javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "//evil.example.com/x",
    "https:",
    "http:///nohost",
    "file:///etc/passwd",
    "\u200bjavascript:alert(1)",
]
# Tags the renderers themselves write; anything else in the output came from a note.
HTML_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "div",
    "p",
    "b",
    "nav",
    "ol",
    "ul",
    "li",
    "a",
    "span",
    "main",
    "section",
    "article",
    "time",
    "bdi",
    "mark",
    "pre",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "footer",
}
MD_TAGS = {
    "h1",
    "h2",
    "h3",
    "p",
    "a",
    "code",
    "pre",
    "strong",
    "blockquote",
    "ol",
    "ul",
    "li",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "em",
}


def hostile_note(index: int, url: str) -> Note:
    payload = f"{SCRIPT_TEXT} {IMG_TEXT} \"' onmouseover=alert(1) x=\" [x]({url}) <a href=\"{url}\">x</a>"
    return Note.model_validate(
        {
            "id": f"evil-{index}",
            "lang": "ru",
            "lang_confidence": 0.5,
            "title": f"{SCRIPT_TEXT}{IMG_TEXT}",
            "date": "2021-01-01",
            "source": {
                "kind": "telegram-json",
                "path": "result.json",
                "channel": SCRIPT_TEXT,
                "url": url,
                "author": IMG_TEXT,
                "forwarded_from": payload,
            },
            "refs": [
                {"kind": "url", "id": url, "url": url},
                {"kind": "arxiv", "id": '2010.01825"><script>alert(1)</script>', "url": url},
            ],
            "blocks": [
                {"id": "b1", "kind": "paragraph", "lang": "ru", "text": {"ru": payload, "en": f"MLM {payload}"}},
                {"id": "b2", "kind": "link_preview", "lang": "ru", "text": {"ru": payload}, "attrs": {"url": url}},
                {
                    "id": "b3",
                    "kind": "code",
                    "lang": None,
                    "text": {"ru": f"```\n{SCRIPT_TEXT}\n```"},
                    "attrs": {"language": IMG_TEXT},
                },
                {"id": "b4", "kind": "paragraph", "lang": "ru", "text": {"ru": "ok", 'x"><script>': IMG_TEXT}},
            ],
            "terms": [
                {
                    "entry": SCRIPT_TEXT,
                    "lang": "ru",
                    "block": "b1",
                    "start": 0,
                    "end": len(SCRIPT_TEXT),
                    "surface": SCRIPT_TEXT,
                    "policy": "translate",
                    "rendering": {"en": "MLM", "ru": IMG_TEXT},
                }
            ],
            "signature": {
                "notelingo": SCRIPT_TEXT,
                "models": {"ru-en": IMG_TEXT},
                "glossary_hash": payload,
                "detector": {"engine": SCRIPT_TEXT},
            },
        }
    )


def hostile_notes() -> list[Note]:
    return [hostile_note(i, url) for i, url in enumerate(BAD_URLS)]


def assert_html_is_inert(html: str, allowed_tags: set[str]) -> None:
    tree = lxml.html.fromstring(html)
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert tags <= allowed_tags, f"unexpected tags {tags - allowed_tags}"
    assert not tree.xpath("//script | //iframe | //img | //svg | //object | //embed | //form | //base")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name}={value!r} on <{element.tag}>"
            if name in ("href", "src", "action", "formaction"):
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                assert cleaned.startswith(("http://", "https://", "#")), f"unsafe {name}={value!r}"
    for meta in tree.xpath("//meta[@http-equiv]"):
        assert meta.get("http-equiv").lower() == "content-security-policy"


@pytest.mark.parametrize("group_by", ["paper", "source", "date", "none"])
def test_hostile_notes_html_has_no_script_handler_or_bad_link(group_by):
    notes = hostile_notes()
    html = render_digest(build_digest(notes, DigestOptions(group_by=group_by, title=SCRIPT_TEXT)), "html")
    assert_html_is_inert(html, HTML_TAGS)
    assert "<script" not in html.lower() and "<img" not in html.lower()
    text = lxml.html.fromstring(html).text_content()
    assert SCRIPT_TEXT in text and IMG_TEXT in text  # shown as text, not dropped


@pytest.mark.parametrize("url", BAD_URLS)
def test_hostile_url_never_linked(url):
    html = render_digest(build_digest([hostile_note(0, url)]), "html")
    hrefs = lxml.html.fromstring(html).xpath("//a/@href")
    assert all(h.startswith(("#", "https://arxiv.org/abs/")) for h in hrefs), hrefs


def test_hostile_notes_markdown_renders_inert():
    markdown_it = pytest.importorskip("markdown_it")
    md = render_digest(build_digest(hostile_notes(), DigestOptions(title=SCRIPT_TEXT)), "markdown")
    outside_code = re.sub(r"(?ms)^(`{3,}).*?^\1$", "", md)
    outside_code = re.sub(r'<a id="g\d+(n\d+)?"></a>', "", outside_code)
    assert not re.search(r"(?<!\\)<", outside_code), "an unescaped '<' outside code blocks"
    assert not re.search(r"(?<!\\)\]\(\s*(javascript|data|vbscript)", md, re.IGNORECASE)
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert_html_is_inert(f"<html><body>{html}</body></html>", MD_TAGS | {"html", "body"})


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://arxiv.org/abs/2010.01825", "https://arxiv.org/abs/2010.01825"),
        ("  https://example.com/a b", "https://example.com/ab"),
        ("http://example.com/x?q=\"><script>", "http://example.com/x?q=%22%3E%3Cscript%3E"),
        ("https://example.com/(paren)", "https://example.com/%28paren%29"),
        *[(bad, None) for bad in BAD_URLS],
        (None, None), ("", None),
    ],
)
def test_safe_href(url, expected):
    assert safe_href(url) == expected


# --- properties ---------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


def _note_with(text: str, title: str) -> Note:
    return Note.model_validate({
        "id": "p", "lang": "en", "lang_confidence": 1.0, "title": title, "source": {"kind": "text", "path": "p.txt"},
        "blocks": [{"id": "b1", "kind": "paragraph", "lang": "en", "text": {"en": text, "ru": text[::-1]}}],
        "signature": {"notelingo": "0.1.0"},
    })


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, title=TEXT)
def test_any_text_stays_text_in_html(text, title):
    html = render_digest(build_digest([_note_with(text, title)]), "html")
    assert_html_is_inert(html, HTML_TAGS)
    # A block that repeats the title is shown once, as the title's cell in its language.
    cell = lxml.html.fromstring(html).xpath("//main//*[contains(concat(' ', @class, ' '), ' cell ')][@lang='en']")
    if text.strip():  # inline code shows without its backticks (as <code>)
        assert cell and cell[0].text_content() == close_bidi(_without_code_fences(text))


def _without_code_fences(text: str) -> str:
    from notelingo.render.layout import code_ranges

    out, cursor = [], 0
    for start, end, code in code_ranges(text):
        out += [text[cursor:start], code]
        cursor = end
    return "".join(out) + text[cursor:]


def test_inline_code_is_a_code_element_in_html():
    html = render_digest(build_digest([_note_with("call `f(x)` and ``a`b`` now", "t")]), "html")
    assert "<code>f(x)</code>" in html and "<code>a`b</code>" in html and "`f" not in html


@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_md_escape_renders_back_to_the_same_text(text):
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark", {"html": True}).renderInline(md_escape(text))
    shown = lxml.html.fromstring(f"<p>{rendered}</p>").text_content() if rendered else ""
    assert shown == close_bidi(" ".join(text.split()))
    assert "<" not in rendered.replace("<br", "")  # no element at all


RLO, LRO, RLE, PDF, RLI, FSI, PDI = "\u202e", "\u202d", "\u202b", "\u202c", "\u2067", "\u2068", "\u2069"


@pytest.mark.parametrize("text, closed", [
    ("plain text", "plain text"),
    (f"{RLO}gnp.exe", f"{RLO}gnp.exe{PDF}"),  # a stray override is closed where the text ends
    (f"{RLO}evil{PDF} rest", f"{RLO}evil{PDF} rest"),  # balanced: unchanged
    (f"{RLI}isolated", f"{RLI}isolated{PDI}"),
    (f"{RLE}a{LRO}b", f"{RLE}a{LRO}b{PDF}{PDF}"),  # closed innermost first
    (f"{RLI}a{RLO}b{PDI}c", f"{RLI}a{RLO}b{PDI}c"),  # a PDI closes its isolate and what opened inside it
    (f"{RLO}a{FSI}b{PDF}c", f"{RLO}a{FSI}b{PDF}c{PDI}{PDF}"),  # a PDF cannot close past an open isolate
    (f"{PDF}{PDI}stray closers", f"{PDF}{PDI}stray closers"),  # nothing open: nothing added, nothing removed
    (f"{RLO}line one\nline two", f"{RLO}line one{PDF}\nline two"),  # closed on each line
])
def test_close_bidi(text, closed):
    assert close_bidi(text) == closed


@pytest.mark.parametrize("kind", ["markdown", "html"])
def test_a_stray_override_does_not_reverse_the_digest_after_it(kind):
    note = _note_with(f"Spoofed name: {RLO}gnp.exe and more", f"title {RLO}eltit")
    out = render_digest(build_digest([note]), kind)
    assert out.count(RLO) >= 2  # the text is kept as it was
    for line in out.splitlines():
        if RLO in line:  # every override is closed before the line's own text goes on
            assert close_bidi(line) == line, ascii(line)


# --- a real browser -----------------------------------------------------------------



@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("width, height", [(390, 1600), (1280, 1600)])
def test_chromium_renders_the_digest(tmp_path, width, height):
    page = tmp_path / "digest.html"
    page.write_text(render_digest(build_digest(load_fixture_notes() + hostile_notes()[:2]), "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    command = [
        CHROMIUM,
        *CHROMIUM_FLAGS,
        f"--screenshot={shot}",
        f"--window-size={width},{height}",
        page.as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=90, check=False)
    data = shot.read_bytes() if shot.exists() else b""
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
