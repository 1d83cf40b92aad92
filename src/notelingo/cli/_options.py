"""Option parsing and progress helpers shared by commands (kept light: no heavy imports)."""

from __future__ import annotations

import contextlib
import re
from typing import Iterator

from ..errors import UsageError

_LANG = re.compile(r"^[a-z]{2,3}$")


def parse_langs(value: str, option: str = "--langs") -> tuple[str, ...]:
    """'ru,en' -> ('ru', 'en'); rejects anything that is not an ISO 639 code."""
    langs = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    bad = [lang for lang in langs if not _LANG.match(lang)]
    if not langs or bad:
        raise UsageError(f"{option} {value!r}: give ISO 639-1 codes separated by commas, e.g. 'ru,en'")
    return langs


def parse_models(values: list[str]) -> dict[str, str]:
    """``--model ru-en=PATH`` options -> the checked ``{pair: model}`` the api functions take as it is
    (parsed here, once: :func:`notelingo.mt.models.parse_model_options`)."""
    from ..mt.models import parse_model_options

    return parse_model_options(values)


def parse_lang(value: str, option: str = "--lang") -> str:
    """One ISO 639 code ('ru'); rejects names like 'russian'."""
    lang = value.strip().lower()
    if not _LANG.match(lang):
        raise UsageError(f"{option} {value!r}: give an ISO 639-1 code, e.g. 'ru'")
    return lang


class _Progress:
    """Fed by (done, total) calls; ``phase(label)`` turns the bar into a spinner for a stage with no count."""

    def __init__(self, progress=None, task=None, unit: str = "") -> None:
        self.progress, self.task, self.unit = progress, task, unit

    def __call__(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done, total=total, count=f"{done}/{total} {self.unit}")

    def phase(self, label: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description=label, completed=0, total=None, count="")


@contextlib.contextmanager
def progress_bar(label: str, unit: str = "files") -> Iterator[_Progress]:
    """A rich progress bar on stderr; silent with --quiet or off a TTY. Never quiet for long: stages with
    no count (cleaning, language detection) show their name and a spinner."""
    from ._app import show_progress

    if not show_progress():
        yield _Progress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
               TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        yield _Progress(progress, progress.add_task(label, total=None, count=""), unit)
