"""Ingest: input paths -> reader output (``Post`` objects), format detected from content.

Contract used by :func:`notelingo.pipeline.ingest`:

* ``expand_inputs(inputs) -> (paths, failures)``: files, folders (recursive, symlink
  loops safe) and '-' (stdin) expanded into a sorted list of paths to read, plus an
  ``InputError`` for each input that does not exist or cannot be listed.
* ``read_input(path) -> ReadResult``: read one path; ``ReadResult.posts`` holds the
  ``Post`` objects a reader found, ``ReadResult.notes`` the notes of a notes.jsonl
  file read back as they are. Raises ``InputError`` (one line, naming the file and
  the fix) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Note, Post


@dataclass
class ReadResult:
    posts: list[Post] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def expand_inputs(inputs):  # pragma: no cover - implemented by the ingest stage
    raise NotImplementedError


def read_input(path):  # pragma: no cover - implemented by the ingest stage
    raise NotImplementedError
