"""The root typer app, global options and the error boundary."""

from __future__ import annotations

import contextlib
import signal
import sys
from typing import Iterator, Optional

import typer

from .. import __version__
from ..errors import NotelingoError

app = typer.Typer(
    name="notelingo",
    help="Turn multilingual ML notes (Telegram exports, blog pages, text dumps) into aligned bilingual notes and digests.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


class _State:
    debug = False
    quiet = False


state = _State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"notelingo {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show a full traceback on errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or summaries."),
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    state.debug = debug
    state.quiet = quiet


def err(message: str) -> None:
    """One line on stderr."""
    typer.echo(message, err=True)


def _raise_keyboard_interrupt(signum, frame):  # pragma: no cover - signal handler
    raise KeyboardInterrupt


@contextlib.contextmanager
def error_boundary() -> Iterator[None]:
    """Turn library errors into one stderr line and an exit code (traceback with --debug)."""
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        yield
    except NotelingoError as exc:
        if state.debug:
            raise
        err(f"error: {exc}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        if state.debug:
            raise
        err("interrupted: nothing half-written was left behind; finished work is kept in the cache, rerun to resume")
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def show_progress() -> bool:
    return not state.quiet


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
