"""Property tests (hypothesis): readers never crash on garbage, text cleanup is idempotent.

* Decoding any bytes gives text or a DecodeError; UTF-8 text comes back unchanged.
* Fuzzed JSON (Telegram-shaped and not), HTML (Telegram-export-shaped and tag soup)
  and plain text raise nothing but notelingo's InputError from ``read_decoded`` —
  stricter than ``read_input``, whose safety net turns stray ValueErrors into
  FormatErrors and would hide reader bugs.
* The whole ingest pipeline (read, normalize, detect) never raises on any text file.
* ``normalize_text`` is idempotent.

protect -> restore and the glossary round trip are tested by their own modules.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notelingo.errors import DecodeError, InputError
from notelingo.fileio import decode_bytes
from notelingo.notes.textclean import normalize_text
from notelingo.readers import read_decoded, read_input

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

# Text that exercises cleanup and readers: scripts, bidi and zero-width controls,
# exotic spaces, markup characters, fences, TeX, URLs.
ALPHABET = st.sampled_from(
    list("abcxyz ABC АБВабвёЁ й\u0306е\u0301 مرحبا שלום 中文 👩\u200d💻🇷🇺")
    + ["\n", "\r\n", "\r", "\t", "\u00a0", "\u2009", "\u200b", "\u200d", "\ufeff", "\u202e", "\u202c", "\x00", "\x07"]
    + list("`$\\{}[]<>&#*>-_=|:/.,;\"'")
    + ["```", "~~~", "$$", "\\frac", "https://arxiv.org/abs/2010.01825", "    ", "# ", "> ", "- ", "1. "]
)
TEXTS = st.lists(ALPHABET, max_size=80).map("".join) | st.text(max_size=200)

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTS
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
ENTITY_TYPES = st.sampled_from(
    [
        "plain",
        "bold",
        "italic",
        "code",
        "pre",
        "text_link",
        "link",
        "url",
        "mention",
        "hashtag",
        "email",
        "custom_emoji",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "never_seen_before",
        "",
    ]
)
ENTITIES = st.fixed_dictionaries(
    {"type": ENTITY_TYPES | JSON_VALUES},
    optional={"text": TEXTS | JSON_VALUES, "href": TEXTS | JSON_VALUES, "language": TEXTS | JSON_VALUES},
)
PARTS = st.lists(TEXTS | ENTITIES | JSON_VALUES, max_size=6)
MESSAGES = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers() | JSON_VALUES,
        "type": st.sampled_from(["message", "service"]) | JSON_VALUES,
        "date": TEXTS | JSON_VALUES,
        "from": TEXTS | JSON_VALUES,
        "forwarded_from": TEXTS | JSON_VALUES,
        "reply_to_message_id": st.integers() | JSON_VALUES,
        "text": TEXTS | PARTS | JSON_VALUES,
        "text_entities": PARTS | JSON_VALUES,
    },
)
CHAT = st.fixed_dictionaries(
    {"messages": st.lists(MESSAGES | JSON_VALUES, max_size=6)}, optional={"name": TEXTS | JSON_VALUES}
)
EXPORTS = (
    CHAT
    | st.fixed_dictionaries({"chats": st.fixed_dictionaries({"list": st.lists(CHAT | JSON_VALUES, max_size=3)})})
    | JSON_VALUES
)


def only_input_errors(call, *args):
    try:
        call(*args)
    except InputError:
        pass


@FUZZ
@given(st.binary(max_size=600))
def test_decoding_any_bytes_gives_text_or_a_decode_error(data):
    try:
        assert isinstance(decode_bytes(data, "x"), str)
    except DecodeError as exc:
        assert str(exc).startswith("x: ")


@FUZZ
@given(TEXTS)
def test_utf8_text_decodes_to_itself(text):
    try:
        decoded = decode_bytes(text.encode("utf-8"), "x")
    except DecodeError:  # text full of control characters is taken for binary
        assert sum(ord(ch) < 32 and ch not in "\n\r\t\f\v" for ch in text) > 0
    else:
        assert decoded == text.removeprefix("\ufeff")


@FUZZ
@given(EXPORTS, st.booleans())
def test_fuzzed_json_raises_only_input_errors(data, pretty):
    only_input_errors(read_decoded, json.dumps(data, ensure_ascii=False, indent=1 if pretty else None), "result.json")


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('{}[]",:0123456789.-eE truefalsnul\\"абв\n')), max_size=120))
def test_json_lookalike_garbage_raises_only_input_errors(text):
    only_input_errors(read_decoded, text, "result.json")


TAGS = st.sampled_from(["div", "p", "span", "b", "i", "a", "pre", "code", "ul", "li", "h1", "h2", "blockquote", "br",
                        "table", "td", "script", "style", "title", "body", "head", "html", "img", "math", "svg"])
CLASSES = st.sampled_from(
    [
        "message default clearfix",
        "message default clearfix joined",
        "message service",
        "text",
        "body",
        "from_name",
        "forwarded body",
        "pull_right date details",
        "page_header",
        "history",
        "media_wrap",
        "link_preview",
        "reply_to details",
        "x",
    ]
)


@st.composite
def tag_soup(draw) -> str:
    """HTML as found in the wild: unclosed, misnested, Telegram-export classes, odd attributes."""
    parts = [draw(st.sampled_from(["", "<!DOCTYPE html>", "<html>", "<html><body>", '<div class="page_header">']))]
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 3))
        tag = draw(TAGS)
        if kind == 0:
            attrs = f' class="{draw(CLASSES)}"' if draw(st.booleans()) else ""
            attrs += f' href="{draw(TEXTS)}"' if tag == "a" else ""
            attrs += f' id="message{draw(st.integers(-5, 99))}"' if draw(st.booleans()) else ""
            attrs += f' title="{draw(TEXTS)}"' if draw(st.booleans()) else ""
            parts.append(f"<{tag}{attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(TEXTS))
    return "".join(parts)


@FUZZ
@given(tag_soup(), st.sampled_from(["page.html", "messages.html", "notes.txt"]))
def test_fuzzed_html_raises_only_input_errors(html, path):
    only_input_errors(read_decoded, html, path)


@FUZZ
@given(TEXTS, st.sampled_from(["notes.txt", "notes.md", "dump", "result.json", "page.html"]))
def test_fuzzed_text_raises_only_input_errors(text, path):
    only_input_errors(read_decoded, text, path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    st.binary(max_size=300) | TEXTS.map(lambda t: t.encode("utf-8")),
    st.sampled_from(["a.txt", "b.json", "c.html", "d.md"]),
)
def test_read_input_on_files_raises_only_input_errors(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    only_input_errors(read_input, str(path))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(TEXTS | tag_soup(), st.sampled_from(["a.txt", "b.md", "c.html"]))
def test_whole_ingest_never_raises_on_any_text(tmp_path, text, name):
    from notelingo.api import collect_notes as ingest

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    notes, report = ingest([str(path)])
    assert all(isinstance(failure, InputError) for failure in report.failures)
    for note in notes:
        assert note.blocks and all(block.text for block in note.blocks)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
