"""Translate a run of any size in bounded memory: notes go through :func:`.engine.translate_notes`
in chunks of whole notes, and each chunk's notes are handed on (to the writer) before the next is read.

What one call of translate_notes holds for its notes (their deep copies, every sentence's
request and result with its alignment matrix, the planned jobs, the block records) grows with
the notes given; measured on a tiny model, ``notelingo translate`` peaked at 1.1 GB for
1,000 notes and 3.1 GB for 5,000. A chunk holds only its own, so the peak stays that of one
chunk whatever the run's size. Nothing crosses a chunk's edge but the model (kept loaded per
process), the translation cache (whose rows make an interrupted run resumable) and the
report's counts: first-use glosses are per note, and a note never spans two chunks.

The output is that of one call over all the notes: a sentence translates the same whatever
its batch mates (see :mod:`.options`), so the same notes come out in the same order. With a
vocabulary map (:mod:`.vmap`) a sentence's candidates depend on its batch, so there a chunked
run may differ from an unchunked one in the rare sentence where the map's candidates differ.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from typing import Iterable, Iterator, Optional

from .options import TranslateOptions
from .runner import ProgressFn, TranslateReport

#: Notes per chunk. Large enough that batches stay full (a few thousand sentences), small
#: enough that a chunk's working set is a few hundred MB at most.
CHUNK_NOTES = 500


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` consecutive items (the last one shorter)."""
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def add_report(total: TranslateReport, part: TranslateReport) -> None:
    """Add one chunk's counts to the run's."""
    for f in fields(TranslateReport):
        mine, theirs = getattr(total, f.name), getattr(part, f.name)
        if isinstance(mine, Counter):
            mine.update(theirs)
        elif isinstance(mine, dict):
            for pair, ids in theirs.items():
                mine.setdefault(pair, []).extend(ids)
        elif isinstance(mine, str):
            setattr(total, f.name, theirs or mine)
        else:
            setattr(total, f.name, mine + theirs)


class _Offset:
    """A progress callback for one chunk that counts on from the chunks before it."""

    def __init__(self, progress: ProgressFn, base: int) -> None:
        self.progress, self.base = progress, base
        self.done = 0
        self.phase = getattr(progress, "phase", None) or (lambda text: None)

    def __call__(self, done: int, total: int) -> None:
        self.done = done
        self.progress(self.base + done, self.base + total)


def translate_in_chunks(notes: Iterable, options: TranslateOptions, progress: Optional[ProgressFn] = None,
                        chunk_notes: int = CHUNK_NOTES, report: Optional[TranslateReport] = None) -> Iterator:
    """Translated notes, yielded chunk by chunk (see the module's docstring); ``report`` (given, or
    reachable as the generator's ``report`` attribute through :class:`ChunkedRun`) gets every chunk's counts.

    A chunk none of whose pairs has a model is kept as it is (as one call keeps those notes when
    other notes have a model); when no chunk had one, the first chunk's error is raised at the end,
    as one call raises it (a writer given these notes then writes nothing).
    """
    from ..errors import ModelNotFoundError
    from .engine import translate_notes

    report = report if report is not None else TranslateReport()
    base, first_error, translated_any = 0, None, False
    for chunk in chunked(notes, chunk_notes):
        offset = _Offset(progress, base) if progress is not None else None
        try:
            translated, part = translate_notes(chunk, options, offset)
            translated_any = translated_any or part.blocks_translated > 0
        except ModelNotFoundError as exc:
            first_error = first_error or exc
            translated, part = kept_as_they_are(chunk, options)
        add_report(report, part)
        base += offset.done if offset is not None else 0
        del chunk
        yield from translated
    if first_error is not None and not translated_any:
        raise first_error


def kept_as_they_are(notes: list, options: TranslateOptions) -> tuple[list, TranslateReport]:
    """What one call does with notes whose pairs have no model: copies, untranslated, listed as missing."""
    from .engine import copy_untranslated, wanted_blocks

    report = TranslateReport(notes=len(notes))
    copies = [note.model_copy(deep=True) for note in notes]
    for n, _, src, tgt in wanted_blocks(copies, options):
        ids = report.missing.setdefault(f"{src}-{tgt}", [])
        if copies[n].id not in ids:
            ids.append(copies[n].id)
    for note in copies:
        copy_untranslated(note, options.to)
    return copies, report


class ChunkedRun:
    """``translate_in_chunks`` as an iterable that keeps its report: ``run = ChunkedRun(...)``;
    ``write_notes(path, run)``; then ``run.report``."""

    def __init__(self, notes: Iterable, options: TranslateOptions, progress: Optional[ProgressFn] = None,
                 chunk_notes: int = CHUNK_NOTES) -> None:
        self.report = TranslateReport()
        self._notes, self._options, self._progress, self._size = notes, options, progress, chunk_notes

    def __iter__(self) -> Iterator:
        return translate_in_chunks(self._notes, self._options, self._progress, self._size, self.report)
