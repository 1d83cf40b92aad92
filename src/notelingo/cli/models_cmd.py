"""``notelingo models ...``: list, download and locate translation models."""

from __future__ import annotations

from typing import List

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
    from .. import api

    with error_boundary():
        overrides = parse_models(model)
        for pair in _pairs(parse_langs(langs)):
            model_id, path = api.model_status(pair, overrides)
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
    from .. import api

    with error_boundary():
        overrides = parse_models(model)
        show_model_notices()
        for pair in pairs or _pairs(parse_langs(langs)):
            for resolved in api.download_models(pair, overrides):
                typer.echo(f"{resolved.pair}\t{resolved.model_id}\t{_describe(resolved.path)}")


@models_app.command("path")
def path_command(
    pair: str = typer.Argument(..., help="A pair such as ru-en."),
    model: List[str] = typer.Option([], "--model", help=_MODEL_HELP),
) -> None:
    """Print the local folder of the model for PAIR (exit 1 when it is not downloaded)."""
    from .. import api
    from ..mt.models import parse_pair

    with error_boundary():
        parse_pair(pair)  # a bad pair is reported before a bad --model, as ever
        typer.echo(api.model_path(pair, parse_models(model)))
