"""Telegram's public web preview (t.me/s/<channel> saved as HTML): one dated note per message."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelingo.api import collect_notes
from notelingo.readers.formats import detect_format

PAGE = Path(__file__).parent / "fixtures" / "telegram_web" / "ml_channel_preview.html"


@pytest.fixture(scope="module")
def notes():
    found, report = collect_notes([str(PAGE)])
    assert report.failures == []
    return found


def test_one_note_per_message_with_text_dated_with_its_link(notes):
    assert [(n.source.message_id, n.date, n.source.url) for n in notes] == [
        (301, "2023-12-04T09:15:00+00:00", "https://t.me/mlpapersdaily/301"),
        (302, "2023-12-05T18:40:12+00:00", "https://t.me/mlpapersdaily/302"),
        (303, "2023-12-06T07:02:44+00:00", "https://t.me/mlpapersdaily/303"),
    ]  # 304 is a media post the preview cannot show: no text, no note


def test_channel_forward_reply_and_refs(notes):
    assert {n.source.channel for n in notes} == {"ML Papers Daily"}
    assert [n.source.forwarded_from for n in notes] == [None, "Сиолошная", None]
    assert [n.source.reply_to for n in notes] == [None, None, 301]
    assert [[r.id for r in n.refs] for n in notes] == [
        ["2312.00752"], ["https://huggingface.co/docs/trl/dpo_trainer"], []]


def test_text_is_the_message_not_the_quoted_reply_nor_the_page_chrome(notes):
    texts = ["\n".join(b.original() for b in n.blocks) for n in notes]
    assert texts[2] == "UPD: the official code is out."
    assert notes[0].title == "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
    assert "`trl.DPOTrainer`" in texts[1]
    assert not any(word in text for text in texts for word in ("views", "3.1K", "subscribers", "VIEW IN TELEGRAM"))


def test_the_preview_page_is_detected_from_content():
    assert detect_format(PAGE.read_text(encoding="utf-8"), "saved_page") == "telegram-web"
