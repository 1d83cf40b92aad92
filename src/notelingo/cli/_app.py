"""The root typer app, global options and the error boundary."""

from __future__ import annotations

import contextlib
import signal
import sys
from typing import Iterator, Optional

import typer
from typer.core import TyperGroup

try:  # typer >= 0.22 carries its own copy of click; its exceptions are the ones raised
    from typer._click import exceptions as click_errors
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer on the public click
    from click import exceptions as click_errors
    from click import get_current_context

from .._version import __version__
from ..errors import NotelingoError, UsageError


def help_hint(ctx) -> str:
    """"; see 'notelingo digest --help'" for the command ``ctx`` belongs to ('' without one)."""
    names = []
    while ctx is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    if not names:
        return ""
    return f"; see '{' '.join(['notelingo', *reversed(names[:-1])])} --help'"


def usage_line(message: str, ctx) -> str:
    """One line: "error: <what went wrong>; see 'notelingo <command> --help'"."""
    return f"error: {' '.join(message.split()).rstrip('.')}{help_hint(ctx)}"


class OneLineErrors(TyperGroup):
    """The root command: usage errors become one stderr line and exit 2, never a boxed message."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError as exc:  # bare 'notelingo glossary': its help, as before
            typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            sys.exit(2)
        except click_errors.UsageError as exc:
            err(usage_line(exc.format_message(), exc.ctx))
            sys.exit(exc.exit_code)
        except typer.Abort:
            err("aborted")
            sys.exit(1)
        except click_errors.ClickException as exc:
            err(f"error: {' '.join(exc.format_message().split())}")
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    name="notelingo",
    cls=OneLineErrors,
    help="Turn multilingual ML notes (Telegram exports, blog pages, text dumps) "
    "into aligned bilingual notes and digests.",
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
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Print the version and exit."),
) -> None:
    state.debug = debug
    state.quiet = quiet


def err(message: str) -> None:
    """One line on stderr."""
    typer.echo(message, err=True)


def show_cause(failure: BaseException) -> None:
    """With --debug, the traceback of what made an input fail (a reader's own error), after its line."""
    if state.debug and failure.__cause__ is not None:
        import traceback

        err("".join(traceback.format_exception(failure.__cause__)).rstrip())


def _raise_keyboard_interrupt(signum, frame):  # pragma: no cover - signal handler
    raise KeyboardInterrupt


#: Library option names whose flag is not ``--`` + the name with dashes.
FLAGS = {"output": "-o", "models": "--model", "cache": "--no-cache"}


def flag(option: str) -> str:
    """The command-line flag of a library option: ``group_by`` -> ``--group-by``."""
    return FLAGS.get(option, "--" + option.replace("_", "-"))


def error_text(exc: NotelingoError) -> str:
    """The error's message as the CLI prints it: the option at fault written as its flag."""
    return exc.written(flag, flag(exc.option) if exc.option else None)


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
        hint = help_hint(get_current_context(silent=True)) if isinstance(exc, UsageError) else ""
        err(f"error: {error_text(exc)}{hint}")
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:  # a last net: an I/O failure nobody named is still one line, not a traceback
        if state.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        err(f"error: {where}{exc.strerror or exc}; check the path and its permissions (--debug shows details)")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        if state.debug:
            raise
        err("interrupted: nothing half-written was left behind; finished work is kept in the cache, rerun to resume")
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def show_progress() -> bool:
    return not state.quiet


#: Young-generation threshold of the garbage collector in the CLI process (Python's default: 700).
GC_YOUNG_THRESHOLD = 50_000


def main() -> None:
    """Console-script entry point.

    A run makes many small objects (notes, tokens, spans, cache rows) and few reference
    cycles: collecting every 700 allocations took ~0.1 s of a 256-sentence translation, and
    the interpreter's last collection at exit ~0.07 s more. As mypy does, the CLI collects
    less often, and once the command is done it freezes what is left, which exit then
    frees without walking it for cycles.
    """
    import gc

    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
