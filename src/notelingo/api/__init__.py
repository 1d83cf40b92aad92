"""The Python API: the functions the CLI calls, with plain keyword arguments.

The only module that knows the order of the stages::

    readers (files -> Posts) -> notes (Posts -> Notes: clean, split, dedupe) -> detect (language)
    -> glossary + protect + mt (translate) -> render (digests) / writers (exports)

The verbs of the subcommands (``eval``, ``glossary find/suggest/stats``, ``models list/path/download/vmap``)
are in :mod:`notelingo.api.tools`. Each verb is a plain function over one stage (:func:`collect_notes` for reading,
``mt.engine.translate_notes``, ``render.write_digest``, ``writers.export_notes``)
and imports heavy libraries only when it runs. ``import notelingo`` stays light. The CLI's
other commands have theirs here too: :func:`evaluate`, :func:`find_terms`, :func:`suggest_terms`,
:func:`term_stats`, :func:`model_status`, :func:`model_path`, :func:`download_models`.

Functions that return notes return :class:`Notes`: a plain ``list`` of
:class:`notelingo.schema.Note` with two attributes, ``report`` (what the stage did)
and ``failures`` (inputs that could not be read, as :class:`notelingo.errors.InputError`,
each with ``.path`` and ``.message``).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Union

from ..errors import InputError, UsageError

if TYPE_CHECKING:  # imported only for annotations: schema pulls in pydantic
    from ..detect.core import DetectOptions
    from ..glossary.model import Glossary
    from ..render.digest import Digest
    from ..schema import Note

PathLike = Union[str, "os.PathLike[str]"]
Progress = bool | Callable[[int, int], None] | None


ProgressFn = Callable[[int, int], None]  # (done, total)


@dataclass
class IngestReport:
    """What :func:`collect_notes` did: counts for the closing summary, and the inputs that failed."""

    files: int = 0
    notes: int = 0
    duplicates_dropped: int = 0
    paragraphs_dropped: int = 0
    languages: Counter = field(default_factory=Counter)
    failures: list[InputError] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # inputs read without error that held no notes


def collect_notes(
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
    from ..detect.core import DetectOptions
    from ..detect.core import check_options as check_detect_options
    from ..readers import expand_inputs, read_input

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
    from ..detect import core as detect_stage
    from ..notes import build as normalize_stage

    if phase:
        phase(f"Cleaning and splitting {len(posts)} post(s)")
    normalized = normalize_stage.normalize_posts(posts)
    report.duplicates_dropped = normalized.duplicates_dropped
    report.paragraphs_dropped = normalized.paragraphs_dropped
    if phase:
        phase(f"Detecting languages of {len(normalized.notes)} note(s)")
    return detect_stage.detect_notes(normalized.notes, detect)


class Notes(list):
    """A list of notes, plus ``report`` (what the stage did) and ``failures`` (inputs not read).

    Example::

        notes = notelingo.ingest("examples/result.json", "missing.txt")
        len(notes)                        # -> 13
        [str(f) for f in notes.failures]  # -> ['missing.txt: no such file or folder; check the path']
    """

    def __init__(self, notes: Iterable[Note] = (), report: Any = None, failures: Sequence[InputError] = ()) -> None:
        super().__init__(notes)
        self.report = report
        self.failures: list[InputError] = list(failures)


@contextlib.contextmanager
def _progress(progress: Progress, label: str, unit: str) -> Iterator[Callable[[int, int], None] | None]:
    """``True``: a tqdm bar (a widget in notebooks); a callable is used as it is; ``False``: nothing."""
    if callable(progress):
        yield progress
        return
    if not progress:
        yield None
        return
    from tqdm.auto import tqdm

    bar = tqdm(desc=label, unit=unit)

    def advance(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield advance
    finally:
        bar.close()


def _langs(value: str | Sequence[str]) -> tuple[str, ...]:
    langs = tuple(part.strip().lower() for part in value.split(",")) if isinstance(value, str) else tuple(value)
    return tuple(lang for lang in langs if lang)


def _strict_error(failures: Sequence[InputError]) -> InputError:
    first = failures[0]
    if len(failures) == 1:
        return first
    others = ", ".join(str(f.path) for f in failures[1:4]) + (", ..." if len(failures) > 4 else "")
    return InputError(str(first.path), f"{first.message} ({len(failures) - 1} more input(s) failed too: {others})")


def ingest(
    *paths: PathLike,
    langs: str | Sequence[str] = ("ru", "en"),
    engine: str = "auto",
    lang: str | None = None,
    strict: bool = False,
    progress: Progress = False,
) -> Notes:
    """Read files and folders into notes: one per post or paper, cleaned, deduplicated, language-tagged.

    ``paths``: Telegram Desktop exports (``result.json``, ``messages*.html``), blog pages,
    text/Markdown dumps, notes.jsonl files, folders (read recursively). ``langs``: the
    languages in play, most likely first; ``engine``: ``auto``, ``langdetect`` or ``lingua``;
    ``lang``: force every note's language instead of detecting it.

    Returns :class:`Notes`. An input that cannot be read does not stop the others: it is in
    ``notes.failures`` (``InputError`` with ``.path`` and ``.message``), and
    ``notes.report`` counts files, notes, dropped duplicates and languages
    (``notes.report.empty`` lists inputs read without error that held no notes). With
    ``strict=True`` any failure raises one ``InputError`` naming all of them instead.

    Example::

        import notelingo
        notes = notelingo.ingest("ChatExport/result.json", "papers.md", langs=("ru", "en"))
        notes.report.languages, notes.failures  # -> (Counter({'ru': 12, 'en': 7}), [])
        notes[0].title, notes[0].lang  # -> ('PMI-Masking Principled Masking of Correlated Spans', 'ru')
    """
    from ..detect.core import DetectOptions

    if len(paths) == 1 and isinstance(paths[0], (list, tuple)):
        paths = tuple(paths[0])
    if not paths:
        raise UsageError("ingest: give at least one file or folder")
    options = DetectOptions(langs=_langs(langs), force_lang=lang, engine=engine)
    with _progress(progress, "Reading", "file") as advance:
        notes, report = collect_notes([os.fspath(p) for p in paths], options, progress=advance,
                                      phase=getattr(advance, "phase", None))
    if strict and report.failures:
        raise _strict_error(report.failures)
    return Notes(notes, report, report.failures)


def _model_overrides(models: Mapping[str, PathLike] | None) -> dict[str, str]:
    """The checked ``models`` mapping (``--model`` options come parsed and checked already:
    :class:`notelingo.mt.models.ModelChoice` passes as it is)."""
    from ..mt.models import check_models

    if models is None:
        return {}
    if not isinstance(models, Mapping):
        raise UsageError("models: give a dict like {'ru-en': '/path/to/opus-mt-ru-en'}")
    return check_models(models)


def translate(
    notes: Sequence[Note],
    to: str | Sequence[str] = ("en", "ru"),
    models: Mapping[str, PathLike] | None = None,
    backend: str = "auto",
    beams: int = 4,
    glossary: None | PathLike | Glossary = None,
    cache: bool = True,
    progress: Progress = False,
    *,
    device: str = "auto",
    batch_size: int = 32,
    keep_acronyms: bool = True,
    cache_dir: PathLike | None = None,
    langs: None | str | Sequence[str] = None,
    ray: str | None = None,
    ray_actors: int | None = None,
) -> Notes:
    """Translate every note into each language of ``to`` it lacks; returns new notes (the input is unchanged).

    ``models``: ``{"ru-en": HUB_ID_OR_FOLDER, ...}`` (default ``Helsinki-NLP/opus-mt-SRC-TGT``,
    downloaded once; a pair without a model pivots through English). ``backend``: ``auto``
    (CTranslate2 when installed), ``ctranslate2`` or ``transformers``. ``beams``: 1 is greedy.
    ``glossary``: a YAML path, a :class:`notelingo.Glossary`, or ``None`` for the shipped ML
    glossary. ``cache``: read and write the translation cache (``NOTELINGO_CACHE_DIR``, or
    ``cache_dir``). ``progress``: ``True`` for a bar, or a ``(done, total)`` callable over source sentences
    (given a ``phase(text)`` method, it hears what runs between batches). ``langs``: translate only
    these languages. Notes whose pair has no model at hand are kept as they are (``report.missing``).
    ``ray``: ``"local"`` or a Ray cluster address: the model runs on an actor pool there
    (``ray_actors`` actors; extra ``notelingo[ray]``); the notes are those of a local run.

    URLs, LaTeX, code, arXiv ids, acronyms and glossary keep-terms come out intact; each
    block gets ``text[lang]`` and aligned ``sentences``; glossary terms go to ``note.terms``.
    Returns :class:`Notes` with ``report`` (a ``TranslateReport``: segments, cache hits,
    model inputs, seconds, repair flags) and the ``failures`` carried over from ``notes``.
    Sentences flagged by the self-checks: ``note.flagged()``, ``block.checks``, ``report.checks``.

    Example::

        notes = notelingo.translate(notes, to=("en", "ru"), models={"ru-en": "/models/opus-mt-ru-en"}, beams=1)
        notes[0].blocks[1].text["en"]  # -> 'Usually in MLM we mask all tokens with equal probability.'
        notes.report.backend_inputs, round(notes.report.seconds, 1)  # -> (193, 9.7)
    """
    from ..mt.engine import translate_notes

    options = _translate_options(to, models, glossary, cache, cache_dir, langs, beams, batch_size, backend=backend,
                                 device=device, keep_acronyms=keep_acronyms, ray=ray, ray_actors=ray_actors)
    with _progress(progress, "Translating", "sentence") as advance:
        translated, report = translate_notes(list(notes), options, advance)
    return Notes(translated, report, getattr(notes, "failures", ()))


class TranslatedStream:
    """The notes of :func:`translate_chunked`, translated while they are iterated (once), with the run's
    ``report`` (complete once iterated) and the ``failures`` carried over from the input."""

    def __init__(self, run: Any, progress: Progress, failures: Sequence[InputError]) -> None:
        self._run, self._progress = run, progress
        self.report = run.report
        self.failures: list[InputError] = list(failures)

    def __iter__(self) -> Iterator[Note]:
        with _progress(self._progress, "Translating", "sentence") as advance:
            self._run._progress = advance
            yield from self._run


def translate_chunked(
    notes: Iterable[Note],
    to: str | Sequence[str] = ("en", "ru"),
    models: Mapping[str, PathLike] | None = None,
    backend: str = "auto",
    beams: int = 4,
    glossary: None | PathLike | Glossary = None,
    cache: bool = True,
    progress: Progress = False,
    *,
    device: str = "auto",
    batch_size: int = 32,
    keep_acronyms: bool = True,
    cache_dir: PathLike | None = None,
    langs: None | str | Sequence[str] = None,
    ray: str | None = None,
    ray_actors: int | None = None,
    chunk_notes: int | None = None,
) -> TranslatedStream:
    """:func:`translate` in bounded memory: the notes are translated ``chunk_notes`` at a time (default
    :data:`notelingo.mt.chunks.CHUNK_NOTES`) while the result is iterated, so a writer given it holds one
    chunk at a time. The notes that come out are those :func:`translate` returns, with the same options.

    Example::

        run = notelingo.api.translate_chunked(notelingo.read_notes("notes.jsonl"), to="en", beams=1)
        notelingo.write_notes(run, "translated.jsonl")  # translates as it writes
        run.report.segments  # -> 15000
    """
    from ..mt.chunks import CHUNK_NOTES, ChunkedRun

    options = _translate_options(to, models, glossary, cache, cache_dir, langs, beams, batch_size, backend=backend,
                                 device=device, keep_acronyms=keep_acronyms, ray=ray, ray_actors=ray_actors)
    run = ChunkedRun(notes, options, None, chunk_notes or CHUNK_NOTES)
    return TranslatedStream(run, progress, getattr(notes, "failures", ()))


def _translate_options(to, models, glossary, cache, cache_dir, langs, beams, batch_size, **same):
    """``TranslateOptions`` from :func:`translate`'s arguments (those in ``same`` keep their names)."""
    from ..mt import DecodingOptions, TranslateOptions

    return TranslateOptions(
        to=_langs(to), models=_model_overrides(models), glossary=_glossary_option(glossary),
        decoding=DecodingOptions(beams=beams, batch_size=batch_size), use_cache=cache,
        cache_dir=os.fspath(cache_dir) if cache_dir is not None else None,
        source_langs=_langs(langs) if langs else (), **same,
    )


def _glossary_option(glossary: None | PathLike | Glossary):
    if glossary is None or hasattr(glossary, "entries"):
        return glossary
    return os.fspath(glossary)


def _day(value: None | str | date, option: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise UsageError(f"{value!r}: give an ISO date, e.g. 2021-10-18", option=option) from None


_FORMAT_NAMES = {"html": "html", "htm": "html", "markdown": "markdown", "md": "markdown"}


def digest(
    notes: Sequence[Note],
    path_or_format: PathLike,
    group_by: str = "paper",
    since: None | str | date = None,
    until: None | str | date = None,
    title: str = "notelingo digest",
    langs: None | str | Sequence[str] = None,
) -> Digest:
    """Write a bilingual digest of ``notes`` (HTML or Markdown), grouped by paper, source or date.

    ``path_or_format``: a file name ending in ``.html``/``.md`` (written atomically), or a
    format name (``"html"``, ``"markdown"``) to get the text without writing anything.
    ``group_by``: ``paper`` (same arXiv id, DOI or title, across languages), ``source``,
    ``date`` or ``none``. ``since``/``until``: ISO dates (inclusive; undated notes are then
    left out). ``langs``: the languages to show, in column order (default: all the notes have).

    Returns the ``Digest``: ``.text`` (the rendered page), ``.notes``, ``.groups``, ``.by_lang``.

    Example::

        d = notelingo.digest(notes, "digest.html", group_by="paper", since="2021-10-01")
        len(d.notes), len(d.groups)  # -> (18, 11)
        md = notelingo.digest(notes, "markdown").text  # the Markdown text; nothing written
    """
    from ..render.digest import DigestOptions, build_digest, digest_format, render_digest, write_digest

    options = DigestOptions(group_by=group_by, since=_day(since, "since"), until=_day(until, "until"), title=title,
                            langs=_langs(langs) if langs else None)
    fmt = _FORMAT_NAMES.get(os.fspath(path_or_format).strip().lower())
    if fmt is None:
        from ..fileio import check_output_path

        digest_format(path_or_format)  # a bad extension is a usage error before anything else
        check_output_path(path_or_format)
        return write_digest(list(notes), path_or_format, options)
    built = build_digest(list(notes), options)
    built.text = render_digest(built, fmt)
    return built


_EXPORT_EXTENSIONS = {".tmx": "tmx", ".jsonl": "jsonl"}


def export(notes: Sequence[Note], path: PathLike, format: str | None = None, *, source: str = "notes") -> int:
    """Export notes: ``tmx`` (TMX 1.4, one unit per sentence pair), ``markdown`` (a folder, one file per note
    with front matter) or ``jsonl`` (re-validated against the schema). Returns how many units/files/notes.

    ``format`` defaults to the extension of ``path`` (``.tmx``, ``.jsonl``); give
    ``format="markdown"`` for a vault folder.

    Example::

        notelingo.export(notes, "memory.tmx")                 # -> 452 (translation units)
        notelingo.export(notes, "vault/", format="markdown")  # -> 18 (note files)
    """
    from ..writers import EXPORT_FORMATS, export_notes

    fmt = (format or _EXPORT_EXTENSIONS.get(os.path.splitext(os.fspath(path))[1].lower(), "")).strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"{fmt or path!r}: choose one of {', '.join(EXPORT_FORMATS)}", option="format")
    if fmt != "markdown":  # the vault writer checks its folder itself
        from ..fileio import check_output_path

        check_output_path(path)
    return export_notes(list(notes), fmt, path, source=source)


def read_notes(path: PathLike) -> Notes:
    """Read a notes.jsonl file written by notelingo (every line validated against the schema).

    Example::

        notes = notelingo.read_notes("bilingual.jsonl")
        notes[0].blocks[0].text  # -> {'ru': 'PMI-маскирование', 'en': 'PMI masking'}
    """
    from ..fileio import read_notes as read_stage

    return Notes(read_stage(os.fspath(path)))


def write_notes(notes: Iterable[Note], path: PathLike) -> int:
    """Write notes as JSON Lines (atomically; ``"-"`` is stdout). Returns how many were written.

    Example::

        notelingo.write_notes(notes, "bilingual.jsonl")  # -> 18
    """
    from ..fileio import write_notes as write_stage

    return write_stage(os.fspath(path), notes)
