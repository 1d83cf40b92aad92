"""Shared helpers for the render and export tests: fixture loading, a small note factory, golden files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from notelingo.schema import Note

FIXTURES = Path(__file__).parent / "fixtures" / "notes"
GOLDEN = Path(__file__).parent / "golden"
BILINGUAL = FIXTURES / "bilingual.jsonl"
#: Set NOTELINGO_UPDATE_GOLDEN=1 to rewrite the golden files (then review the diff).
UPDATE_GOLDEN = os.environ.get("NOTELINGO_UPDATE_GOLDEN") == "1"


def load_fixture_notes(path: Path = BILINGUAL) -> list[Note]:
    """The hand-written fixture notes, each validated against the schema."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Note.model_validate(json.loads(line)) for line in lines]


def make_note(note_id: str, title: str = "A note", *, lang: str = "en", date: str | None = None,
              refs: list[tuple[str, str]] = (), texts: dict[str, str] | None = None,
              channel: str | None = None, url: str | None = None, **extra) -> Note:
    """A small valid note: one paragraph with ``texts`` (language -> text)."""
    texts = texts or {lang: f"Text of {note_id}."}
    ref_objs = [
        {
            "kind": kind,
            "id": rid,
            "url": f"https://arxiv.org/abs/{rid}" if kind == "arxiv" else f"https://doi.org/{rid}",
        }
        for kind, rid in refs
    ]
    data = {
        "id": note_id, "lang": lang, "lang_confidence": 0.9, "title": title, "date": date,
        "source": {"kind": "text", "path": f"{note_id}.txt", "channel": channel, "url": url},
        "refs": ref_objs,
        "blocks": [{"id": "b1", "kind": "paragraph", "lang": lang, "text": texts}],
        "signature": {"notelingo": "0.1.0"},
    }
    data.update(extra)
    return Note.model_validate(data)


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/golden/<name>; rewrite it when UPDATE_GOLDEN is set."""
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        if not UPDATE_GOLDEN:
            raise AssertionError(f"{path} is missing; run with NOTELINGO_UPDATE_GOLDEN=1 to create it")
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from the golden file; if the change is intended, rerun with NOTELINGO_UPDATE_GOLDEN=1 and "
        "review the diff"
    )
