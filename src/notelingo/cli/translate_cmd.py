"""``notelingo translate``: notes -> bilingual notes."""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator, List, Optional

import typer

from ._app import app, err, error_boundary, show_progress
from ._options import parse_langs


@contextlib.contextmanager
def _sentence_bar() -> Iterator[Callable[[int, int], None]]:
    """Progress on stderr: sentences done / total and sentences per second."""
    if not show_progress():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = [TextColumn("Translating"), BarColumn(), MofNCompleteColumn(), TextColumn("sentences"),
               TextColumn("{task.fields[rate]}"), TaskProgressColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("translate", total=None, rate="")

        def advance(done: int, total: int) -> None:
            speed = progress.tasks[task].speed
            progress.update(task, completed=done, total=total, rate=f"{speed:.1f} sent/s" if speed else "")

        yield advance


def _model_options(values: List[str]) -> dict:
    from ..translate.models import parse_model_options

    return parse_model_options(values)


@app.command("translate")
def translate_command(
    inputs: List[str] = typer.Argument(..., help="notes.jsonl written by 'ingest', or anything 'ingest' reads."),
    output: str = typer.Option(..., "--output", "-o", help="Where to write the bilingual notes (JSON Lines); '-' for stdout."),
    to: str = typer.Option("en,ru", "--to", help="Languages every note should have; each note gets those it lacks."),
    model: List[str] = typer.Option([], "--model", help="SRC-TGT=HUB_ID_OR_PATH (repeatable); default Helsinki-NLP/opus-mt-SRC-TGT."),
    glossary: Optional[str] = typer.Option(None, "--glossary", help="Glossary YAML file (default: the shipped ML glossary)."),
    backend: str = typer.Option("auto", "--backend", help="auto (ctranslate2 when installed), ctranslate2, transformers."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    beams: int = typer.Option(4, "--beams", min=1, max=16, help="Beam size (1 = greedy, fastest)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, max=1024, help="Sentences per batch (per worker)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Translate everything again; do not read or write the cache."),
    no_keep_acronyms: bool = typer.Option(False, "--no-keep-acronyms", help="Let the model translate acronyms and model names not in the glossary."),
) -> None:
    """Translate every note into the languages it lacks, keeping glossary terms, refs, LaTeX and code intact."""
    from .. import api
    from ..fileio import check_output_path
    from .models_cmd import show_model_notices

    with error_boundary():
        langs, models = parse_langs(to, "--to"), _model_options(model)
        check_output_path(output)  # a bad -o fails now, not after the whole translation
        _quiet_hub_bars()
        show_model_notices()  # download and conversion notices for models fetched on first use
        with _sentence_bar() as advance:
            # ingest reads notes.jsonl files back as they are, and everything else through the readers
            notes = api.translate(api.ingest(*inputs), to=langs, models=models, backend=backend, beams=beams,
                                  glossary=glossary, cache=not no_cache, progress=advance, device=device,
                                  batch_size=batch_size, keep_acronyms=not no_keep_acronyms)
        report, failures = notes.report, notes.failures
        for failure in failures:
            err(f"error: {failure}")
        if notes or not failures:
            api.write_notes(notes, output)
        if show_progress():
            rate = report.backend_inputs / report.seconds if report.seconds else 0.0
            err(f"{report.notes} note(s), {report.blocks_translated} block translation(s): {report.block_hits} whole from the cache; "
                f"{report.segments} sentence(s) to translate, {report.cache_hits} model input(s) from the cache, {report.backend_inputs} translated by the model; "
                f"{report.seconds:.1f} s ({rate:.1f} sent/s)" + _repairs(report)
                + (f"; {len(failures)} input(s) failed" if failures else ""))
        if failures:
            raise typer.Exit(1)


def _repairs(report) -> str:
    """"; spans kept in 157 sentence(s): 20 by the model, 130 aligned, 7 spliced" (nothing when none held spans)."""
    repairs = report.repairs
    if not sum(repairs.values()):
        return ""
    return (f"; spans kept in {sum(repairs.values())} sentence(s): {repairs['none']} by the model, "
            f"{repairs['aligned']} aligned, {repairs['spliced']} spliced")


def _quiet_hub_bars() -> None:
    """huggingface_hub draws its own download bars; silence them with --quiet."""
    if not show_progress():
        import os

        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
