"""Option parsing and progress helpers shared by commands (kept light: no heavy imports)."""

from __future__ import annotations

import contextlib
import re
from typing import Callable, Iterator

from ..errors import UsageError

_LANG = re.compile(r"^[a-z]{2,3}$")


def parse_langs(value: str, option: str = "--langs") -> tuple[str, ...]:
    """'ru,en' -> ('ru', 'en'); rejects anything that is not an ISO 639 code."""
    langs = tuple(part.strip().lower() for part in value.split(",") if part.strip())
    bad = [lang for lang in langs if not _LANG.match(lang)]
    if not langs or bad:
        raise UsageError(f"{option} {value!r}: give ISO 639-1 codes separated by commas, e.g. 'ru,en'")
    return langs


def parse_lang(value: str, option: str = "--lang") -> str:
    """One ISO 639 code ('ru'); rejects names like 'russian'."""
    lang = value.strip().lower()
    if not _LANG.match(lang):
        raise UsageError(f"{option} {value!r}: give an ISO 639-1 code, e.g. 'ru'")
    return lang


@contextlib.contextmanager
def progress_bar(label: str, unit: str = "files") -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, fed by (done, total) calls; silent with --quiet or off a TTY."""
    from ._app import show_progress

    if not show_progress():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance
