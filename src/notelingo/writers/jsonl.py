"""JSONL export: notes re-validated against the published JSON Schema, then written.

The schema is read from ``schemas/note.schema.json`` (shipped in the package or
at the repository root); an installation without the file falls back to the
schema generated from :func:`notelingo.schema.note_json_schema`, which is what
the file is made from. jsonschema is imported only when exporting.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from ..errors import FormatError
from ..schema import Note, note_json_schema

_SCHEMA_NAME = "note.schema.json"


def schema_candidates() -> list[Path]:
    """Where the schema file may be: inside the package, then at the repository root."""
    package = Path(__file__).resolve().parents[1]
    return [package / "schemas" / _SCHEMA_NAME, package.parents[1] / "schemas" / _SCHEMA_NAME]


def load_note_schema() -> dict:
    """The note JSON Schema: the shipped file when there is one, else the generated schema."""
    for path in schema_candidates():
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise FormatError(
                    str(path), f"is not a readable JSON Schema ({exc}); regenerate it with 'make schema'"
                ) from None
    return note_json_schema()


def validate_notes(notes: Sequence[Note], schema: dict | None = None, where: str = "notes") -> list[dict]:
    """Each note as a JSON object, checked against the schema (Draft 2020-12)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema or load_note_schema())
    objects = []
    for number, note in enumerate(notes, start=1):
        obj = json.loads(note.to_json())
        error = next(iter(sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))), None)
        if error is not None:
            place = "/".join(str(part) for part in error.absolute_path) or "(top)"
            raise FormatError(
                where,
                f"note {number} ({note.id}): {place}: {error.message}; fix the note or regenerate it with 'notelingo "
                "translate'",
            )
        objects.append(obj)
    return objects


def write_jsonl(notes: Sequence[Note], path: str | os.PathLike, where: str = "notes") -> int:
    """Validate every note, then write them as JSON Lines atomically; returns the count."""
    from ..fileio import atomic_write

    objects = validate_notes(notes, where=where)
    with atomic_write(path) as fh:
        for obj in objects:
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return len(objects)
