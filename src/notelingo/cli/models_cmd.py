"""``notelingo models ...``: list, download and locate translation models; build a vocabulary map."""

from __future__ import annotations

from typing import List, Optional

import typer

from ._app import app, error_boundary, show_progress
from ._options import parse_langs, parse_models

models_app = typer.Typer(help="List, download and locate Marian translation models.", no_args_is_help=True)
app.add_typer(models_app, name="models")

_MODEL_HELP = "SRC-TGT=HUB_ID_OR_PATH (repeatable) instead of Helsinki-NLP/opus-mt-SRC-TGT."


def show_model_notices() -> None:
    """Print the model resolver's notices (what is downloaded, where it went, what was converted) on stderr."""
    import logging
    import os
    import sys

    if not show_progress():
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        return
    logger = logging.getLogger("notelingo.mt.models")
    if any(getattr(h, "notelingo", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.notelingo = True  # type: ignore[attr-defined]  # marks our handler: added once
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _describe(path: str | None) -> str:
    """``PATH\tSIZE`` of a model folder, or ``not downloaded``."""
    from pathlib import Path

    from ..mt.weights import folder_size, human_size

    return f"{path}\t{human_size(folder_size(Path(path)))}" if path else "not downloaded"


def _pairs(langs: tuple[str, ...]) -> list[str]:
    return [f"{a}-{b}" for a in langs for b in langs if a != b]


@models_app.command("list")
def list_command(
    langs: str = typer.Option("ru,en", "--langs", help="Languages in play; every direction between them is listed."),
    model: List[str] = typer.Option([], "--model", help=_MODEL_HELP),
) -> None:
    """List the models notelingo would use, whether they are available offline, and their size on disk."""
    from ..api import tools as api_tools

    with error_boundary():
        overrides = parse_models(model)
        for pair in _pairs(parse_langs(langs)):
            model_id, path = api_tools.model_status(pair, overrides)
            typer.echo(f"{pair}\t{model_id}\t{_describe(path)}")


@models_app.command("download")
def download_command(
    pairs: List[str] = typer.Argument(
        None, help="Pairs such as ru-en en-ru (default: every direction between --langs)."
    ),
    langs: str = typer.Option(
        "ru,en", "--langs", help="Languages whose directions are downloaded when no pair is given."
    ),
    model: List[str] = typer.Option([], "--model", help=_MODEL_HELP),
) -> None:
    """Download models into the Hugging Face cache (about 300 MB per opus-mt direction).

    Only the config, tokenizer and one set of weights are fetched: model.safetensors, or else
    pytorch_model.bin, which is read without running any code in it and kept as a safetensors copy.
    """
    from ..api import tools as api_tools

    with error_boundary():
        overrides = parse_models(model)
        show_model_notices()
        for pair in pairs or _pairs(parse_langs(langs)):
            for resolved in api_tools.download_models(pair, overrides):
                typer.echo(f"{resolved.pair}\t{resolved.model_id}\t{_describe(resolved.path)}")


@models_app.command("path")
def path_command(
    pair: str = typer.Argument(..., help="A pair such as ru-en."),
    model: List[str] = typer.Option([], "--model", help=_MODEL_HELP),
) -> None:
    """Print the local folder of the model for PAIR (exit 1 when it is not downloaded)."""
    from ..api import tools as api_tools
    from ..mt.models import parse_pair

    with error_boundary():
        parse_pair(pair)  # a bad pair is reported before a bad --model, as ever
        typer.echo(api_tools.model_path(pair, parse_models(model)))


@models_app.command("vmap")
def vmap_command(
    pair: str = typer.Argument(..., help="A pair such as ru-en."),
    corpus: str = typer.Argument(..., help="Source text, one segment per line; every fifth line is held out."),
    ref: Optional[str] = typer.Option(
        None, "--ref", help="Reference translations, line-aligned with CORPUS (default: the translation without "
        "the map is the reference)."),
    model: List[str] = typer.Option([], "--model", help=_MODEL_HELP),
    beams: int = typer.Option(4, "--beams", min=1, max=16, help="Beam size the map is built and scored with."),
    glossary: Optional[str] = typer.Option(None, "--glossary", help="Glossary YAML (default: the shipped one)."),
    no_glossary: bool = typer.Option(False, "--no-glossary", help="Build and score with no glossary."),
    fixed: bool = typer.Option(True, "--fixed/--per-source", help="--fixed (default): one candidate list for every "
                               "batch, so outputs never depend on batch mates; --per-source: candidates per source "
                               "piece (smaller, faster, but a sentence's output can change with its batch)."),
    cache_dir: Optional[str] = typer.Option(None, "--cache-dir", help="notelingo's cache folder (converted models)."),
) -> None:
    """Build a vocabulary map for the CTranslate2 model of PAIR: the target pieces each source piece
    produced on CORPUS. It is kept beside the converted model and used by default (NOTELINGO_VMAP=0
    turns it off) only when the held-out lines score within 0.3 BLEU and chrF of the full vocabulary
    and keep every protected span and glossary term; otherwise a one-line warning says why not."""
    import sys

    from ..api import tools as api_tools
    from ..errors import UsageError

    with error_boundary():
        if glossary and no_glossary:
            raise UsageError("--glossary and --no-glossary: give one of them")
        report = api_tools.build_vmap(pair, corpus, ref=ref, models=parse_models(model), beams=beams,
                                      glossary=glossary, use_glossary=not no_glossary, fixed=fixed,
                                      cache_dir=cache_dir)
        if report["kept"]:
            typer.echo(f"{report['pair']}\t{report['summary']}")
        else:
            typer.echo(f"warning: {report['pair']} vocabulary map {report['summary']}", err=True)
            sys.stdout.flush()
