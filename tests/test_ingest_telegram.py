"""Telegram readers: JSON (legacy and text_entities formats) and HTML exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelingo.errors import InputError
from notelingo.readers import read_input
from notelingo.readers.telegram_html import iso_from_title
from notelingo.readers.telegram_json import inline_code, read_telegram_json, url_of_link

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TG2MD = str(CORPUS / "telegram-json" / "tg2md-result.json")
ANDROID = str(CORPUS / "telegram-html" / "android-security-messages2.html")
NEW_JSON = str(FIXTURES / "result_new_format.json")
HTML_PAGES = [str(FIXTURES / "messages.html"), str(FIXTURES / "messages2.html")]


def posts_of(*paths):
    return [post for path in paths for post in read_input(path).posts]


def test_tg2md_gives_one_post_per_message_with_text():
    data = json.loads(Path(TG2MD).read_text(encoding="utf-8"))
    with_text = [m["id"] for m in data["messages"] if m["type"] == "message" and m["text"]]
    posts = posts_of(TG2MD)
    assert len(posts) == 13 == len(with_text)
    assert [p.source.message_id for p in posts] == with_text
    assert all(p.source.kind == "telegram-json" and p.source.channel == "test" for p in posts)
    assert all(not p.splittable and p.title is None for p in posts)


@pytest.mark.parametrize(
    "message_id, kinds, texts",
    [
        (5, ["paragraph"] * 4 + ["code"], ["italic", "bold", "underline", "strikethrough", "monospace"]),
        (10, ["paragraph"] * 3, ["bold in text\nbold below", "normal text", "bold with one line gap\nnormal text"]),
        (13, ["paragraph", "code"], ["`monospace with one baktick`", "multiline\nmonospace"]),
        (14, ["paragraph"] * 3, ["text link", "example.com", "example@example.com"]),
        (21, ["paragraph"], ["тестирование utf-8."]),
        (4, ["paragraph"], ["photo with text"]),
    ],
)
def test_tg2md_blocks(message_id, kinds, texts):
    post = next(p for p in posts_of(TG2MD) if p.source.message_id == message_id)
    assert [b.kind for b in post.blocks] == kinds
    assert [b.text for b in post.blocks] == texts


def test_tg2md_links_become_refs_and_date_is_kept():
    post = next(p for p in posts_of(TG2MD) if p.source.message_id == 14)
    assert [r.url for r in post.refs] == ["http://example.com/", "http://example.com"]
    assert all(r.kind == "url" and r.id == r.url for r in post.refs)
    assert post.date == "2020-11-12T14:48:48"


def _new_format_post(message_id):
    return next(p for p in posts_of(NEW_JSON) if p.source.message_id == message_id)


def test_new_format_skips_service_and_media_without_caption():
    assert [p.source.message_id for p in posts_of(NEW_JSON)] == [2, 3, 4, 5]


def test_new_format_entities():
    post = _new_format_post(2)
    assert [b.kind for b in post.blocks] == ["paragraph", "paragraph", "code", "quote", "paragraph"]
    first, second, code, quote, last = post.blocks
    assert first.text == "Разбор статьи T0 (arXiv): multitask, prompted, zero-shot обучение."
    assert "`model.generate()`" in second.text
    for kept in ("@sanh", "#nlp", "t0@example.org", "🔥", "спойлер", "будущий тип", "https://bigscience.huggingface.co"):
        assert kept in second.text
    assert "<" not in first.text + second.text  # link text is plain, never markup
    assert code.attrs == {"language": "python"} and code.text.startswith("from transformers import pipeline\n")
    assert quote.text == "Prompts matter more than size." and last.text == "Конец."
    assert [r.url for r in post.refs] == ["https://arxiv.org/abs/2110.08207", "https://bigscience.huggingface.co"]


@pytest.mark.parametrize(
    "message_id, field, value",
    [
        (3, "forwarded_from", "Другой канал"),
        (4, "reply_to", 2),
        (2, "author", "ML заметки"),
        (5, "channel", "ML заметки"),
    ],
)
def test_new_format_metadata(message_id, field, value):
    assert getattr(_new_format_post(message_id).source, field) == value


def test_full_account_export_reads_every_chat(tmp_path):
    chats = [{"name": name, "type": "public_channel", "id": i, "messages": [
        {"id": 1, "type": "message", "date": "2021-01-01T00:00:00", "from": name, "text": f"hello from {name}"}]}
        for i, name in enumerate(["A", "B"])]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"about": "x", "chats": {"about": "y", "list": chats}}), encoding="utf-8")
    assert [(p.source.channel, p.blocks[0].text) for p in posts_of(str(path))] == [
        ("A", "hello from A"),
        ("B", "hello from B"),
    ]


def test_android_html_gives_one_post_per_message_with_text():
    text = Path(ANDROID).read_text(encoding="utf-8")
    posts = posts_of(ANDROID)
    assert len(posts) == text.count('<div class="text">') == 471
    assert len({p.source.message_id for p in posts}) == 471
    assert all(p.source.channel == "Android Security & Malware" for p in posts)
    assert all(p.source.author == "Android Security & Malware" for p in posts)  # joined ones inherit it
    assert sum(1 for p in posts if p.source.forwarded_from == "The Bug Bounty Hunter") >= 1
    assert sum(1 for p in posts if p.source.forwarded_from) == 13
    assert not any("Previous messages" in b.text for p in posts for b in p.blocks)


def test_android_html_message_fields():
    post = next(p for p in posts_of(ANDROID) if p.source.message_id == 1017)
    assert post.source.forwarded_from == "The Bug Bounty Hunter"
    assert post.date == "2020-09-29T17:09:59"
    assert [b.text for b in post.blocks][0] == "Jailbreaking iOS without a Mac (1/4): The Plan"
    assert post.refs[0].url.startswith("https://medium.com/bugbountywriteup/")


def test_html_pages_give_the_same_posts_as_json():
    from_json = posts_of(NEW_JSON)
    from_html = posts_of(*HTML_PAGES)
    assert [p.source.message_id for p in from_html] == [p.source.message_id for p in from_json]
    for j, h in zip(from_json, from_html):
        assert [(b.kind, b.text) for b in h.blocks] == [(b.kind, b.text) for b in j.blocks]
        assert [r.url for r in h.refs] == [r.url for r in j.refs]
        for field in ("channel", "author", "forwarded_from", "reply_to"):
            assert getattr(h.source, field) == getattr(j.source, field), field
        assert h.date.startswith(j.date) and h.date.endswith("+03:00")
        assert h.source.kind == "telegram-html"


@pytest.mark.parametrize(
    "title, iso",
    [
        ("01.02.2021 10:11:12 UTC+03:00", "2021-02-01T10:11:12+03:00"),
        ("24.09.2020 09:47:50", "2020-09-24T09:47:50"),
        ("5.3.2019 7:05:00 UTC-05:30", "2019-03-05T07:05:00-05:30"),
        ("no date here", None),
        (None, None),
    ],
)
def test_iso_from_title(title, iso):
    assert iso_from_title(title) == iso


@pytest.mark.parametrize(
    "href, url",
    [("https://a.org/x", "https://a.org/x"), ("example.com", "http://example.com"), ("mailto:a@b.c", None),
     ("", None), ("#go_to_message3", None), ("photos/p.jpg", None), ("tel:+100", None)],
)
def test_url_of_link(href, url):
    assert url_of_link(href) == url


@pytest.mark.parametrize(
    "text, wrapped", [("x", "`x`"), ("a `b`", "`` a `b` ``"), (" y\n\n", " `y`\n\n"), ("  ", "  ")]
)
def test_inline_code(text, wrapped):
    assert inline_code(text) == wrapped


@pytest.mark.parametrize(
    "content, needle",
    [
        ('{"name": "x"}', "'messages' list"),
        ("[1, 2, 3]", "'messages' list"),
        ('{"messages": [{"id": 1,', "line 1, column"),
    ],
)
def test_wrong_json_is_a_format_error(tmp_path, content, needle):
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_input(str(path))
    assert str(path) in str(info.value) and needle in str(info.value) and "\n" not in str(info.value)


entity = st.one_of(
    st.text(max_size=20),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["bold", "pre", "code", "text_link", "link", "blockquote", "zzz", 3]),
            "text": st.one_of(st.text(max_size=20), st.none(), st.integers()),
        },
        optional={"href": st.one_of(st.text(max_size=10), st.none()), "language": st.text(max_size=5)},
    ),
    st.integers(),
    st.none(),
)
message = st.fixed_dictionaries(
    {
        "id": st.one_of(st.integers(), st.text(max_size=3), st.none()),
        "type": st.sampled_from(["message", "service", None]),
    },
    optional={
        "text": st.one_of(st.text(max_size=30), st.lists(entity, max_size=6)),
        "text_entities": st.lists(entity, max_size=6),
        "from": st.one_of(st.text(max_size=5), st.none()),
        "reply_to_message_id": st.one_of(st.integers(), st.lists(st.integers())),
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(message, max_size=5))
def test_json_reader_never_crashes_on_odd_messages(messages):
    for post in read_telegram_json({"name": "c", "messages": messages}, "x.json"):
        assert post.blocks and all(b.text.strip() for b in post.blocks)
