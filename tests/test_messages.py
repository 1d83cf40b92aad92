"""Message lists written by scripts (Telethon, Pyrogram, Bot API, homemade; JSON or JSON Lines): one dated
note per message with its id and URL, through the same normalize/detect path as exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notelingo.api import collect_notes
from notelingo.errors import InputError
from notelingo.readers import read_input
from notelingo.readers.formats import detect_format
from notelingo.readers.messages import iso_date, message_items

FIXTURES = Path(__file__).parent / "fixtures" / "messages"

HOMEMADE = [
    {"message_id": 1201, "date": "2024-04-18 16:05:11+00:00", "sender_id": -1001234567,
     "message_text": "**Llama 3** is out: 8B and 70B.\n\nBlog: [Meta AI](https://ai.meta.com/blog/meta-llama-3/)",
     "message_url": "https://t.me/mlchan/1201"},
    {"message_id": 1202, "date": "2024-04-19 09:00:00+00:00", "message_text": "", "sender_id": -1001234567,
     "message_url": "https://t.me/mlchan/1202"},  # a photo without caption: no note
    {"message_id": 1203, "date": "2024-04-20 10:30:00+00:00", "sender_id": -1001234567,
     "message_text": "DPO без RL: arxiv.org/abs/2305.18290\n```python\nloss = -logsigmoid(beta * margin)\n```",
     "message_url": "https://t.me/mlchan/1203"},
]
TELETHON = [  # Message.to_dict() dumped with json.dumps(default=str)
    {"_": "Message", "id": 77, "peer_id": {"_": "PeerChannel", "channel_id": 1401},
     "date": "2024-05-01 08:00:00+00:00", "message": "Статья про Mamba 🐍: код ниже\nimport torch",
     "entities": [{"_": "MessageEntityTextUrl", "offset": 11, "length": 5, "url": "https://arxiv.org/abs/2312.00752"},
                  {"_": "MessageEntityPre", "offset": 30, "length": 12, "language": "python"}],
     "reply_to": None, "fwd_from": None},
    {"_": "Message", "id": 78, "peer_id": {"_": "PeerChannel", "channel_id": 1401},
     "date": "2024-05-02 08:00:00+00:00", "message": "Second post about LoRA",
     "entities": [{"_": "MessageEntityTextUrl", "offset": 18, "length": 4, "url": "https://arxiv.org/abs/2106.09685"}],
     "reply_to": {"_": "MessageReplyHeader", "reply_to_msg_id": 77}},
]
PYROGRAM = [
    {"_": "Message", "id": 9, "date": "2024-06-01 12:00:00", "chat": {"_": "Chat", "id": -1002, "type":
     "ChatType.CHANNEL", "title": "Сиолошная", "username": "seeallochnaya"},
     "caption": "Mixtral 8x7B", "caption_entities": [{"_": "MessageEntity", "type": "MessageEntityType.TEXT_LINK",
                                                      "offset": 0, "length": 7,
                                                      "url": "https://arxiv.org/abs/2401.04088"}]},
]
BOT_UPDATES = [
    {"update_id": 10, "channel_post": {"message_id": 5, "date": 1714550400, "text": "Weekly digest #12",
                                       "chat": {"id": -100, "title": "ML Digest", "username": "mldigest",
                                                "type": "channel"}}},
]


def write(tmp_path: Path, name: str, data, lines: bool = False) -> str:
    path = tmp_path / name
    text = "\n".join(json.dumps(item, ensure_ascii=False) for item in data) if lines else json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return str(path)


def summary(notes):
    return [(n.source.message_id, n.date, n.source.url, n.source.channel, n.title, [r.id for r in n.refs])
            for n in notes]


@pytest.mark.parametrize("name, data, lines, expected", [
    ("homemade.json", HOMEMADE, False, [
        (1201, "2024-04-18T16:05:11+00:00", "https://t.me/mlchan/1201", "@mlchan", "Llama 3 is out: 8B and 70B.",
         ["https://ai.meta.com/blog/meta-llama-3/"]),
        (1203, "2024-04-20T10:30:00+00:00", "https://t.me/mlchan/1203", "@mlchan", "DPO без RL", ["2305.18290"]),
    ]),
    ("telethon.jsonl", TELETHON, True, [
        (77, "2024-05-01T08:00:00+00:00", None, None, "Статья про Mamba 🐍: код ниже", ["2312.00752"]),
        (78, "2024-05-02T08:00:00+00:00", None, None, "Second post about LoRA", ["2106.09685"]),
    ]),
    ("pyrogram.json", {"messages": PYROGRAM}, False, [
        (9, "2024-06-01T12:00:00", "https://t.me/seeallochnaya/9", "Сиолошная", "Mixtral 8x7B", ["2401.04088"]),
    ]),
    ("updates.jsonl", BOT_UPDATES, True, [
        (5, "2024-05-01T08:00:00+00:00", "https://t.me/mldigest/5", "ML Digest", "Weekly digest #12", []),
    ]),
])
def test_script_message_lists_give_one_dated_note_per_message(tmp_path, name, data, lines, expected):
    notes, report = collect_notes([write(tmp_path, name, data, lines)])
    assert report.failures == []
    assert summary(notes) == expected


def test_entities_keep_code_apart_and_count_utf16_units(tmp_path):
    notes, _ = collect_notes([write(tmp_path, "t.jsonl", TELETHON, lines=True)])
    blocks = [(b.kind, b.original()) for b in notes[0].blocks]
    assert blocks == [("paragraph", "Статья про Mamba 🐍: код ниже"), ("code", "import torch")]
    assert notes[1].source.reply_to == 77


def test_a_real_scraper_dump_is_read(tmp_path):
    notes, report = collect_notes([str(FIXTURES / "telegram_scraper.json")])
    assert report.failures == []
    assert [(n.source.message_id, n.date, n.source.url) for n in notes] == [
        (258, "2023-12-04T13:27:19+00:00", "https://t.me/telegram/258"),
        (259, "2023-12-24T17:44:05+00:00", "https://t.me/telegram/259")]
    assert [r.id for r in notes[0].refs] == ["https://telegram.org/blog/similar-channels"]


@pytest.mark.parametrize("data", [
    [{"id": 1, "type": "message", "date": "2024-01-01T00:00:00", "text": "desktop export"}],  # Desktop messages
    {"name": "c", "type": "public_channel", "messages": [{"id": 1, "type": "message", "date": "x", "text": "y"}]},
    [{"id": 1, "text": "no date"}],
    {"about": "settings", "version": 3},
])
def test_exports_and_other_json_are_no_message_list(data):
    assert message_items(data) is None


def test_json_lines_are_detected_from_content_and_a_broken_line_is_one_error(tmp_path):
    text = "\n".join(json.dumps(item) for item in HOMEMADE)
    assert detect_format(text, "dump.txt") == "json"
    path = tmp_path / "dump.jsonl"
    path.write_text(text + "\n{\"message_id\": 9, \"date\": ", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 4, column \d+: invalid JSON Lines"):
        read_input(str(path))


@pytest.mark.parametrize("value, expected", [
    (1714550400, "2024-05-01T08:00:00+00:00"),
    ("2024-05-01 08:00:00+00:00", "2024-05-01T08:00:00+00:00"),
    ("2024-05-01T08:00:00Z", "2024-05-01T08:00:00+00:00"),
    ("1 мая", "1 мая"),
    (None, None),
    (True, None),
])
def test_message_dates(value, expected):
    assert iso_date(value) == expected
