"""The order of the stages; the only module that knows it.

ingest (read files -> Posts) -> normalize (Posts -> Notes) -> detect (language)
-> glossary + protect + translate -> align -> render / export.

Each function here takes plain values and returns plain values; none prints or
exits. ``progress`` arguments are optional callables so the CLI can draw bars.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .detect import DetectOptions  # also importable from here, as before
from .detect import check_options as check_detect_options
from .errors import InputError
from .schema import Note

ProgressFn = Callable[[int, int], None]  # (done, total)


@dataclass
class IngestReport:
    """What ``ingest`` did: counts for the closing summary, and the inputs that failed."""

    files: int = 0
    notes: int = 0
    duplicates_dropped: int = 0
    paragraphs_dropped: int = 0
    languages: Counter = field(default_factory=Counter)
    failures: list[InputError] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # inputs read without error that held no notes


def ingest(
    inputs: Sequence[str],
    detect: DetectOptions | None = None,
    progress: ProgressFn | None = None,
    phase: Callable[[str], None] | None = None,
) -> tuple[list[Note], IngestReport]:
    """Read every input, normalise it into notes and tag their languages.

    Inputs that cannot be read are reported in ``IngestReport.failures``; the
    others are still processed. Existing notes.jsonl files are read back as they are.
    ``progress`` hears (files read, files); ``phase`` the name of each later stage as it starts.
    """
    from .ingest import expand_inputs, read_input

    detect = detect or DetectOptions()
    check_detect_options(detect)  # also when every input is a notes.jsonl file (nothing to detect)
    report = IngestReport()
    paths, failures = expand_inputs(inputs)
    report.failures.extend(failures)
    posts = []
    ready: list[Note] = []
    for done, path in enumerate(paths, start=1):
        try:
            result = read_input(path)
        except InputError as exc:
            report.failures.append(exc)
        else:
            report.files += 1
            if not result.notes and not result.posts:
                report.empty.append(path)
            if result.notes:
                ready.extend(result.notes)
            posts.extend(result.posts)
        if progress:
            progress(done, len(paths))
    notes = ready + (_normalize_and_detect(posts, detect, report, phase) if posts else [])
    report.notes = len(notes)
    report.languages = Counter(note.lang for note in notes)
    return notes, report


def _normalize_and_detect(posts: list, detect: DetectOptions, report: IngestReport,
                          phase: Callable[[str], None] | None) -> list[Note]:
    """Notes from the posts read, cleaned, split and language-tagged (imported only when there are posts:
    notes.jsonl inputs are read back as they are)."""
    from . import detect as detect_stage
    from . import normalize as normalize_stage

    if phase:
        phase(f"Cleaning and splitting {len(posts)} post(s)")
    normalized = normalize_stage.normalize_posts(posts)
    report.duplicates_dropped = normalized.duplicates_dropped
    report.paragraphs_dropped = normalized.paragraphs_dropped
    if phase:
        phase(f"Detecting languages of {len(normalized.notes)} note(s)")
    return detect_stage.detect_notes(normalized.notes, detect)


def translate(
    inputs: Sequence[str],
    options=None,
    detect: DetectOptions | None = None,
    progress: ProgressFn | None = None,
):
    """Translate notes (notes.jsonl, or anything ``ingest`` reads) into the languages they lack.

    Returns ``(notes, TranslateReport, failures)``; ``failures`` lists inputs that could
    not be read (the others are still translated). ``options`` is a
    :class:`notelingo.translate.TranslateOptions`.
    """
    from .translate import TranslateOptions
    from .translate.engine import translate_notes

    # ingest reads notes.jsonl files back as they are, and everything else through the readers.
    phase = getattr(progress, "phase", None)
    if phase is not None:
        phase("reading the inputs and detecting languages")
    notes, report = ingest(inputs, detect)
    translated, translate_report = translate_notes(notes, options or TranslateOptions(), progress)
    return translated, translate_report, report.failures
