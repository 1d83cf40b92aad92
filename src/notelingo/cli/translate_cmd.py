"""``notelingo translate``: notes -> bilingual notes."""

from __future__ import annotations

import contextlib
from typing import Iterator, List, Optional

import typer

from ._app import app, err, error_boundary, show_progress
from ._options import parse_langs, parse_models


class _SentenceProgress:
    """One bar over the source sentences to translate; between batches of work, a spinner
    with what runs (loading the glossary or a model, splitting sentences, matching terms)."""

    def __init__(self, progress=None, task=None) -> None:
        self.progress, self.task = progress, task

    def phase(self, text: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description=text[:1].upper() + text[1:], total=None, count="", rate="")

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        speed = self.progress.tasks[self.task].speed if self.progress.tasks[self.task].total else None
        self.progress.update(self.task, description="Translating", completed=done, total=total,
                             count=f"{done}/{total} sentences", rate=f"{speed:.1f} sent/s" if speed else "")


@contextlib.contextmanager
def _sentence_bar() -> Iterator[_SentenceProgress]:
    """Progress on stderr: sentences done / total and sentences per second."""
    if not show_progress():
        yield _SentenceProgress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
               TextColumn("{task.fields[rate]}"), TaskProgressColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        yield _SentenceProgress(progress, progress.add_task("Reading the inputs", total=None, count="", rate=""))


_OUTPUT_HELP = "Where to write the bilingual notes (JSON Lines); '-' for stdout."
_MODEL_HELP = "SRC-TGT=HUB_ID_OR_PATH (repeatable); default Helsinki-NLP/opus-mt-SRC-TGT."
_GLOSSARY_HELP = "Glossary YAML file (default: the shipped ML glossary)."
_BACKEND_HELP = "auto (ctranslate2 when installed), ctranslate2, transformers."
_NO_CACHE_HELP = "Translate everything again; do not read or write the cache."
_NO_KEEP_ACRONYMS_HELP = "Let the model translate acronyms and model names not in the glossary."
_LANGS_HELP = "Translate only notes in these languages (they also guide detection); default: all."
_RAY_HELP = ("Run the model on Ray actors: 'local' (a runtime on this machine) or a cluster address "
             "(HOST:PORT or ray://HOST:PORT). Needs notelingo[ray].")
_RAY_ACTORS_HELP = "Actors in the Ray pool (default: one per CPU, or one per GPU)."


@app.command("translate")
def translate_command(
    inputs: List[str] = typer.Argument(..., help="notes.jsonl written by 'ingest', or anything 'ingest' reads."),
    output: str = typer.Option(..., "--output", "-o", help=_OUTPUT_HELP),
    to: str = typer.Option("en,ru", "--to", help="Languages every note should have; each note gets those it lacks."),
    model: List[str] = typer.Option([], "--model", help=_MODEL_HELP),
    glossary: Optional[str] = typer.Option(None, "--glossary", help=_GLOSSARY_HELP),
    backend: str = typer.Option("auto", "--backend", help=_BACKEND_HELP),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    beams: int = typer.Option(4, "--beams", min=1, max=16, help="Beam size (1 = greedy, fastest)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, max=1024, help="Sentences per batch (per worker)."),
    no_cache: bool = typer.Option(False, "--no-cache", help=_NO_CACHE_HELP),
    no_keep_acronyms: bool = typer.Option(False, "--no-keep-acronyms", help=_NO_KEEP_ACRONYMS_HELP),
    langs: Optional[str] = typer.Option(None, "--langs", help=_LANGS_HELP),
    ray: Optional[str] = typer.Option(None, "--ray", help=_RAY_HELP),
    ray_actors: Optional[int] = typer.Option(None, "--ray-actors", min=1, help=_RAY_ACTORS_HELP),
) -> None:
    """Translate every note into the languages it lacks, keeping glossary terms, refs, LaTeX and code intact."""
    from .. import api
    from ..detect.scripts import check_langs
    from ..fileio import check_output_path
    from ..mt.engine import missing_summary
    from .models_cmd import show_model_notices

    with error_boundary():
        targets, models = parse_langs(to, "--to"), parse_models(model)
        sources = check_langs(parse_langs(langs)) if langs else ()
        check_output_path(output)  # a bad -o fails now, not after the whole translation
        _quiet_hub_bars()
        show_model_notices()  # download and conversion notices for models fetched on first use
        with _sentence_bar() as advance:
            advance.phase("reading the inputs and detecting languages")
            read, taken = _read(inputs, sources)
            failures, any_read = read.failures, bool(read)
            # translated in chunks of notes as they are written: memory stays that of one chunk
            notes = api.translate_chunked(taken, to=targets, models=models, backend=backend, beams=beams,
                                          glossary=glossary, cache=not no_cache, progress=advance, device=device,
                                          batch_size=batch_size, keep_acronyms=not no_keep_acronyms,
                                          langs=sources, ray=ray, ray_actors=ray_actors)
            _write(notes, output, failures, any_read)
        report = notes.report
        if report.missing:
            err(f"warning: no model at hand for {missing_summary(report.missing)}: those notes are kept as they are; "
                "supply a model with --model PAIR=PATH, or 'notelingo models download PAIR' while online")
        if show_progress():
            err(_summary(report) + _repairs(report) + _checks(report) + (f"; {report.where}" if report.where else "")
                + (f"; {len(failures)} input(s) failed" if failures else ""))
        if failures:
            raise typer.Exit(1)


def _write(notes, output: str, failures: list, any_read: bool) -> None:
    """Name each input that failed, then write the notes (translated as they are written)."""
    from .. import api

    for failure in failures:
        err(f"error: {failure}")
    if any_read or not failures:
        api.write_notes(notes, output)


def _read(inputs: List[str], sources: tuple):
    """(what was read, the notes as the chunks take them): notes.jsonl files are read a note at a time as
    they are taken (:mod:`notelingo.api.stream`); anything else through ingest's readers, each note let go
    once taken."""
    from .. import api
    from ..api.stream import stream_notes

    streamed = stream_notes(inputs)
    if streamed is not None:
        return streamed, iter(streamed)
    read = api.ingest(*inputs, langs=sources or ("ru", "en"))
    return read, _let_go(read)


def _let_go(notes: list):
    """The notes in order, each dropped from the list once taken: the input is not held to the run's end."""
    notes.reverse()
    while notes:
        yield notes.pop()


def _repairs(report) -> str:
    """"; spans kept in 157 sentence(s): 20 by the model, 130 aligned, 7 spliced" (nothing when none held spans),
    then the term forms (:func:`_term_forms`)."""
    repairs = report.repairs
    if not sum(repairs.values()):
        return _term_forms(report)
    return (f"; spans kept in {sum(repairs.values())} sentence(s): {repairs['none']} by the model, "
            f"{repairs['aligned']} aligned, {repairs['spliced']} spliced") + _term_forms(report)


def _term_forms(report) -> str:
    """"; term forms: 3 kept, 12 governed, 30 nominative, 2 re-inflected" (nothing when no Russian term was
    rendered), and how many sentences were translated again with their terms masked (protect.incontext)."""
    forms = report.term_forms
    if not sum(forms.values()):
        return ""
    again = getattr(report, "terms_masked_again", 0)
    return ("; term forms: " + ", ".join(f"{count} {choice}" for choice, count in sorted(forms.items()))
            + (f" ({again} sentence(s) translated again with the terms masked)" if again else ""))


def _checks(report) -> str:
    """"; 3 sentence(s) flagged for review (loops 2, too short 1)" (nothing when none was flagged)."""
    from ..mt.checks import summary

    text = summary(report.checks)
    return f"; {text}" if text else ""


def _summary(report) -> str:
    """The closing line: the rate counts source sentences; model inputs (masked sentences,
    pieces around protected spans, pivot hops) are reported beside it."""
    return (f"{report.notes} note(s), {report.blocks_translated} block translation(s), "
            f"{report.block_hits} whole from the cache; {report.segments} sentence(s) translated "
            f"in {report.seconds:.1f} s ({report.sentences_per_second:.1f} sentences/s); "
            f"{report.model_inputs} model input(s): {report.cache_hits} from the cache, "
            f"{report.backend_inputs} by the model")


def _quiet_hub_bars() -> None:
    """huggingface_hub draws its own download bars; silence them with --quiet."""
    if not show_progress():
        import os

        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
