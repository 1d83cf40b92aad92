"""The one error hierarchy of notelingo.

Every message says what went wrong, where (file, line, entry) and how to fix it.
The library raises these; only ``cli.py`` turns them into exit codes.

::

    NotelingoError
    ├── InputError            an input file cannot be read or has the wrong shape (exit 1, others go on)
    │   ├── DecodeError       bytes that are no text in any known encoding
    │   └── FormatError       a file whose format is unknown or whose content is malformed
    ├── GlossaryError         an invalid glossary file or edit (duplicate term, conflict, bad field)
    ├── ModelError            a translation model that cannot be found, fetched or loaded
    │   └── ModelNotFoundError  no local copy and no way to download it
    ├── BackendError          a backend whose optional dependency is missing (message has the pip command)
    ├── TranslationError      the model failed on a segment in a way no fallback could repair
    ├── OutputError           an output path that cannot be written (missing or read-only folder)
    └── UsageError            option values that make no sense together (exit 2)

Besides the message, an error may carry fields a caller can use without parsing text:
``path`` (the file), ``line`` (1-based, in ``path``), ``term`` (a glossary term) and
``option`` (the parameter at fault, by its library name: ``"format"``, ``"group_by"``).
An error with an ``option`` keeps the option's name out of its message: ``str(exc)`` is
``"<option> <message>"``, and the CLI writes the flag instead (``"--group-by 'x': ..."``),
so the library never spells a command-line flag. A message that names an option inside a
sentence writes ``{option}`` (the option at fault) or ``{option:NAME}`` (another one) there:
``str(exc)`` reads "the backend option", the CLI writes the flag ("or use --backend transformers").
"""

from __future__ import annotations

import os
import re
from typing import Callable

#: ``{option}`` or ``{option:NAME}`` in a message: where an option is named inside a sentence.
_OPTION_REF = re.compile(r"\{option(?::([a-z_]+))?\}")


class NotelingoError(Exception):
    """Base of every error notelingo raises on purpose; the fields are optional (see the module docstring)."""

    exit_code = 1

    def __init__(self, message: str = "", *, path: str | os.PathLike[str] | None = None, line: int | None = None,
                 option: str | None = None, term: str | None = None) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.option = option
        self.term = term
        super().__init__(self.written(lambda name: f"the {name} option", option))

    def with_option(self, name: str) -> str:
        """The message with the option at fault written as ``name`` (the CLI passes the flag, e.g. ``--format``)."""
        return self.written(lambda other: name if other == self.option else f"the {other} option", name)

    def written(self, inline: Callable[[str], str], lead: str | None = None) -> str:
        """The message with each ``{option}`` / ``{option:NAME}`` written as ``inline(name)``; a message
        without ``{option}`` is led by ``lead`` (the option at fault as the reader knows it), if any."""
        text = _OPTION_REF.sub(lambda match: inline(match.group(1) or self.option or "option"), self.message)
        if self.option and lead and "{option}" not in self.message:
            return f"{lead} {text}"
        return text


class InputError(NotelingoError):
    """An input cannot be read; ``path`` names it."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        super().__init__(message, path=path, line=line)

    def written(self, inline: Callable[[str], str], lead: str | None = None) -> str:
        return f"{self.path}: {super().written(inline, lead)}"


class DecodeError(InputError):
    """Bytes that decode as no known text encoding."""


class FormatError(InputError):
    """Unknown format, or content that does not have the expected shape."""


class GlossaryError(NotelingoError):
    """An invalid glossary file, or an edit that would make it invalid.

    An edit refused because it would make a new lint problem carries ``term`` (the
    term edited) and ``problem`` (that lint problem, ``"'entry': message"``).
    """

    def __init__(self, message: str = "", *, problem: str | None = None, **fields) -> None:
        super().__init__(message, **fields)
        self.problem = problem


class ModelError(NotelingoError):
    """A model that cannot be found, downloaded or loaded."""


class ModelNotFoundError(ModelError):
    """No local copy of a model and no way to fetch it."""


class BackendError(NotelingoError):
    """A translation backend that cannot run here (its package is missing)."""


class TranslationError(NotelingoError):
    """A segment that could not be translated even with every fallback."""


class OutputError(NotelingoError):
    """An output path that cannot be written."""


class UsageError(NotelingoError):
    """Options that are invalid or contradict each other."""

    exit_code = 2
