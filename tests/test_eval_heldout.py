"""tools/eval_heldout.py: labels come from each source's own structure, and a wrong cut or title is counted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from notelingo.api import collect_notes

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("eval_heldout", ROOT / "tools" / "eval_heldout.py")
E = importlib.util.module_from_spec(_SPEC)
sys.modules["eval_heldout"] = E  # dataclasses look their module up
_SPEC.loader.exec_module(E)

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title>LoRA notes</title><link rel="alternate" href="https://b.example/lora"/>
  <link rel="enclosure" href="https://b.example/x.png"/><published>2024-03-04T10:00:00+08:00</published>
  <content type="html">&lt;p&gt;Low-rank updates, see https://arxiv.org/abs/2106.09685.&lt;/p&gt;</content></entry>
<entry><title>Only a title</title><link href="https://b.example/empty"/><updated>2024-03-05T00:00:00Z</updated></entry>
</feed>"""


def test_a_feed_labels_entries_with_text_by_their_alternate_link(tmp_path):
    _, labels = E.feed_labels(FEED, tmp_path)
    assert [(label.key, label.title, label.date) for label in labels] == [
        ("https://b.example/lora", "LoRA notes", "2024-03-04T10:00:00+08:00")]


@pytest.mark.parametrize("label, got, same", [
    ("2024-03-04T10:00:00+08:00", "2024-03-04T02:00:00+00:00", True),
    ("2024-03-04T10:00:00+08:00", "2024-03-04T10:00:00+00:00", False),
    ("2024-03-04", "2024-03-04T23:00:00+00:00", True),
    ("2024-03-04", None, False),
])
def test_dates_are_the_same_instant_or_the_same_day(label, got, same):
    assert E.same_date(label, got) is same


@pytest.mark.parametrize("name, text, shape, title, day", [
    ("Attention.md", "# Self-attention\n\nText.\n", "vault", "Self-attention", None),
    ("Attention.md", "# One\n\nText.\n\n# Two\n\nMore.\n", "vault", "Attention", None),
    ("Attention.md", "---\ntitle: Att\ndate: 2024-01-02\n---\n# One\n\nText.\n", "vault", "Att", "2024-01-02"),
    ("Sketch.excalidraw.md", "# Excalidraw Data\n\n## Text Elements\nhi\n", "vault", "Sketch", None),
    ("2018-11-23-Todo-List.md", "Text.\n", "posts", "Todo List", "2018-11-23"),
])
def test_file_labels_follow_the_written_rule(tmp_path, name, text, shape, title, day):
    (tmp_path / name).write_text(text, encoding="utf-8")
    [label] = E.folder_labels(tmp_path, shape)
    assert (label.title, label.date) == (title, day)


def test_a_file_cut_into_two_notes_is_a_boundary_miss(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\nText of a.\n", encoding="utf-8")
    notes, _ = collect_notes([str(tmp_path)])
    labels = E.folder_labels(tmp_path, "vault")
    assert E.score(labels, notes, E._path_key, sampled=True)["matched"] == 1
    assert E.score(labels, notes + notes, E._path_key, sampled=True)["matched"] == 0
