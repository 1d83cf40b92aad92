"""The schema file on disk matches the code, and notes round-trip through JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from notelingo.schema import Block, Note, Signature, Source, note_json_schema

ROOT = Path(__file__).resolve().parents[1]


def _note(**overrides) -> Note:
    fields = dict(
        id="abc123",
        lang="ru",
        lang_confidence=0.97,
        title="PMI-Masking",
        source=Source(kind="text", path="004.txt"),
        blocks=[
            Block(
                id="b0",
                kind="paragraph",
                lang="ru",
                text={"ru": "Обычно в MLM мы маскируем токены.", "en": "Usually in MLM we mask tokens."},
                sentences=[{"ru": "Обычно в MLM мы маскируем токены.", "en": "Usually in MLM we mask tokens."}],
            ),
            Block(id="b1", kind="code", lang=None, text={"ru": "x = 1"}),
        ],
        signature=Signature(notelingo="0.1.0"),
    )
    fields.update(overrides)
    return Note(**fields)


def test_schema_file_is_in_sync_with_code():
    on_disk = json.loads((ROOT / "schemas" / "note.schema.json").read_text(encoding="utf-8"))
    assert on_disk == note_json_schema(), "schemas/note.schema.json is stale: run `make schema`"


def test_note_round_trips_through_json():
    note = _note()
    assert Note.from_json(note.to_json()) == note


def test_note_languages_ignore_code_blocks():
    assert _note().languages() == {"ru", "en"}


@pytest.mark.parametrize(
    "overrides",
    [
        {"lang_confidence": 1.5},
        {"schema_version": 2},
        {"source": {"kind": "pdf", "path": "x"}},
    ],
)
def test_invalid_notes_are_rejected(overrides):
    with pytest.raises(ValidationError):
        _note(**overrides)


def test_unknown_fields_are_rejected():
    data = json.loads(_note().to_json())
    data["surprise"] = 1
    with pytest.raises(ValidationError):
        Note.model_validate(data)
