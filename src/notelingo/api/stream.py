"""notes.jsonl inputs read while they are translated: memory that of one chunk, whatever the files' size.

``notelingo translate`` given notes.jsonl files (what ``ingest`` writes) used to parse every note before the
first chunk was translated, and the parsed notes (about eight times the file's size) set the run's peak
memory. :func:`stream_notes` checks each file whole first, a line at a time, so a bad line still fails its
file before any work (as :func:`notelingo.ingest` fails it) and the other files are still translated; the
notes are then read again, one at a time, as the chunks take them.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from ..errors import InputError
from ..fileio import is_notes_file, iter_notes_file


class StreamedNotes:
    """The notes of checked notes.jsonl files, read as they are iterated. ``failures``: the inputs not read
    (as :class:`notelingo.api.Notes` lists them); ``len``: the notes there are."""

    def __init__(self, paths: list[str], failures: Iterable[InputError] = ()) -> None:
        self.paths: list[str] = []
        self.failures: list[InputError] = list(failures)
        self.count = 0
        for path in paths:
            try:
                count = sum(1 for _ in iter_notes_file(path))
            except InputError as exc:
                self.failures.append(exc)
            else:
                self.paths.append(path)
                self.count += count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator:
        for path in self.paths:
            yield from iter_notes_file(path)


def stream_notes(inputs: Iterable[str]) -> StreamedNotes | None:
    """:class:`StreamedNotes` of ``inputs`` when every file they name (folders expanded) is a UTF-8 notes.jsonl;
    None otherwise (standard input, or anything ``ingest`` must read through the readers)."""
    from ..readers import STDIN, expand_inputs

    paths, failures = expand_inputs([str(item) for item in inputs])
    if not paths or STDIN in paths or not all(is_notes_file(path) for path in paths):
        return None
    return StreamedNotes(paths, failures)
