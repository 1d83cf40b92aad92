"""One channel exported both ways (JSON and HTML): same notes, same ids, zoned dates, no lost link.

The fixture (tests/fixtures/telegram-parity) follows Telegram Desktop's formats: a
``result.json`` with ``text_entities`` and ``date_unixtime`` and a ``messages.html`` whose
dates carry "UTC+08:00"; mentions, hashtags, text links whose text starts with "@",
a joined message, a forwarded one, a reply, a photo without caption, a date separator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notelingo.notes.build import normalize_posts
from notelingo.readers import read_input
from notelingo.readers.telegram_json import date_with_offset

PARITY = Path(__file__).parent / "fixtures" / "telegram-parity"
JSON_EXPORT = str(PARITY / "result.json")
HTML_EXPORT = str(PARITY / "messages.html")
INGEST = Path(__file__).parent / "fixtures" / "ingest"


def notes_of(*paths):
    return normalize_posts([post for path in paths for post in read_input(path).posts]).notes


def test_both_exports_give_the_same_notes_with_the_same_ids():
    from_json, from_html = notes_of(JSON_EXPORT), notes_of(HTML_EXPORT)
    assert [n.source.message_id for n in from_json] == [101, 102, 103, 105, 106]
    assert [n.id for n in from_json] == [n.id for n in from_html]
    for j, h in zip(from_json, from_html):
        assert [(b.kind, b.original()) for b in j.blocks] == [(b.kind, b.original()) for b in h.blocks]
        assert (j.title, j.date, j.refs) == (h.title, h.date, h.refs)
        for field in ("channel", "author", "forwarded_from", "reply_to"):
            assert getattr(j.source, field) == getattr(h.source, field), field


def test_the_first_parity_fixture_also_matches_id_for_id():
    from_json = notes_of(str(INGEST / "result_new_format.json"))
    from_html = notes_of(str(INGEST / "messages.html"), str(INGEST / "messages2.html"))
    assert [n.id for n in from_json] == [n.id for n in from_html] and len(from_json) == 4
    assert [n.date for n in from_json] == [n.date for n in from_html]


def test_dates_carry_the_zone_in_both():
    for note in notes_of(JSON_EXPORT) + notes_of(HTML_EXPORT):
        assert note.date.endswith("+08:00")
    assert notes_of(JSON_EXPORT)[0].date == "2024-06-01T21:05:12+08:00"


@pytest.mark.parametrize(
    "date, unixtime, zoned",
    [
        ("2024-06-01T21:05:12", "1717247112", "2024-06-01T21:05:12+08:00"),
        ("2023-03-01T09:00:00", "1677650400", "2023-03-01T09:00:00+03:00"),
        ("2021-01-01T00:00:00", "1609459200", "2021-01-01T00:00:00+00:00"),
        ("2020-06-01T10:30:00", "1591021800", "2020-06-01T10:30:00-04:00"),
        ("2020-06-01T10:30:00", "1590990300", "2020-06-01T10:30:00+04:45"),  # Nepal-like quarter hours
        ("2020-11-12T14:48:48", None, "2020-11-12T14:48:48"),  # legacy export: no timestamp
        ("2020-11-12T14:48:48", "garbage", "2020-11-12T14:48:48"),
        ("2020-11-12T14:48:48", "1605120528", "2020-11-12T14:48:48"),  # 20 hours off: no such zone
        ("2020-11-12T14:48:17", "1605185397", "2020-11-12T14:48:17"),  # seconds disagree: not one moment
        (None, "1605192528", None),
        # a date that is no date (damaged or hand-edited export): the timestamp in UTC, else nothing
        ("2024-02-30T10:00:00", "1709287200", "2024-03-01T10:00:00+00:00"),
        ("not a date", "abc", None),
        ("2024-13-01T10:00:00", None, None),
    ],
)
def test_date_with_offset(date, unixtime, zoned):
    assert date_with_offset(date, unixtime) == zoned


@pytest.mark.parametrize("path", [JSON_EXPORT, HTML_EXPORT])
def test_no_link_is_lost(path):
    """Links whose text starts with '@' are links; a bare @mention is a name, in both readers."""
    refs = {n.source.message_id: [r.url for r in n.refs] for n in notes_of(path)}
    assert "https://x.com/tri_dao/status/1796946203000000000" in refs[101]
    assert refs[102] == ["https://goombalab.github.io/blog/2024/mamba2-part1-model/"]
    assert refs[106] == ["https://huggingface.co/blog/mamba"]
    assert not any("t.me/" in url for urls in refs.values() for url in urls)


@pytest.mark.parametrize("order", [(JSON_EXPORT, HTML_EXPORT), (HTML_EXPORT, JSON_EXPORT)])
def test_both_exports_together_keep_one_note_per_message(order):
    notes = notes_of(*order)
    assert len(notes) == 5 and len({n.id for n in notes}) == 5
    for note in notes:
        assert note.source.path == order[0]
        assert [s.path for s in note.also_in] == [order[1]]


def _poorer_html(tmp_path) -> str:
    """The HTML export with one link text-only and no zone on the dates (an older exporter)."""
    text = Path(HTML_EXPORT).read_text(encoding="utf-8")
    text = text.replace('<a href="https://huggingface.co/blog/mamba">@huggingface blog</a>', "@huggingface blog")
    path = tmp_path / "messages.html"
    path.write_text(text.replace(" UTC+08:00", ""), encoding="utf-8")
    return str(path)


def _legacy_json(tmp_path) -> str:
    """The JSON export without date_unixtime (legacy exports have none)."""
    data = json.loads(Path(JSON_EXPORT).read_text(encoding="utf-8"))
    for message in data["messages"]:
        message.pop("date_unixtime", None)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_richer_copy_wins_whichever_comes_first(tmp_path):
    poor_html = _poorer_html(tmp_path)
    for order in ((poor_html, JSON_EXPORT), (JSON_EXPORT, poor_html)):
        notes = notes_of(*order)
        assert all(n.source.kind == "telegram-json" and n.date.endswith("+08:00") for n in notes)
        assert all([s.path for s in n.also_in] == [poor_html] for n in notes)
        assert next(n for n in notes if n.source.message_id == 106).refs[0].url == "https://huggingface.co/blog/mamba"


def test_a_zoned_html_copy_beats_a_legacy_json_copy(tmp_path):
    legacy = _legacy_json(tmp_path)
    notes = notes_of(legacy, HTML_EXPORT)
    assert all(n.source.kind == "telegram-html" and n.date.endswith("+08:00") for n in notes)
    assert all([s.path for s in n.also_in] == [legacy] for n in notes)


def test_two_chats_of_one_export_sharing_a_name_keep_their_messages(tmp_path):
    chats = [{"name": "Alex", "type": "personal_chat", "id": i, "messages": [
        {"id": 7, "type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": "1704103200", "from": "Alex",
         "text": f"A message long enough to count, from chat number {i}."}]} for i in (1, 2)]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"chats": {"list": chats}}), encoding="utf-8")
    notes = notes_of(str(path))
    assert [n.blocks[0].original()[-2:] for n in notes] == ["1.", "2."] and not any(n.also_in for n in notes)
