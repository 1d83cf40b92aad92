"""Reading and writing files safely: decoding, atomic writes, notes.jsonl, notelingo's cache folder.

Every output goes through :func:`atomic_write`: a temporary file in the target
folder, fsync, then ``os.replace``. An interrupted run never leaves a
half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator

from .errors import DecodeError, FormatError, OutputError

#: The ``xml:lang`` attribute as ElementTree names it (TMX ``tuv``, TBX ``langSet``).
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_bytes(data: bytes, path: str = "<bytes>") -> str:
    """Decode text of unknown encoding: BOMs first, then UTF-8, then charset detection.

    Legacy Russian encodings (cp1251, koi8-r) are scored by Russian letter frequencies
    and letter case (charset-normalizer misreads short Cyrillic); the rest by charset-normalizer.
    Raises :class:`DecodeError` for binary data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    path,
                    f"starts with a {encoding} byte-order mark but is not valid {encoding} ({exc.reason}); re-save "
                    "it as UTF-8",
                ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _lenient_utf8(data)
    if text is not None:
        if _looks_binary(text):
            raise DecodeError(
                path, "looks like a binary file, not text; pass a text, Markdown, HTML or Telegram export file"
            )
        return text
    if b"\x00" in data[:4096]:
        raise DecodeError(
            path, "looks like a binary file, not text; pass a text, Markdown, HTML or Telegram export file"
        )
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    # charset-normalizer mistakes short cp1251 / koi8-r Russian for other encodings
    # (measured: "Привет, мир!" in cp1251 came back as box-drawing characters, "Да"
    # as one Chinese character). Clean Russian words under cp1251 or koi8-r win,
    # unless the detector found another single-byte script (Greek, say).
    cyrillic = _legacy_cyrillic(data)
    if cyrillic is not None and not _single_byte_other_script(best, data):
        return cyrillic
    if best is None:
        raise DecodeError(path, "is not text in any known encoding; re-save it as UTF-8")
    text = str(best)
    if _looks_binary(text):
        raise DecodeError(
            path, "looks like a binary file, not text; pass a text, Markdown, HTML or Telegram export file"
        )
    return text


def _lenient_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes: a download cut mid-character, a corrupted byte.

    Without this a 5 MB UTF-8 file cut inside its last character was rejected as
    "not text in any known encoding". Legacy Cyrillic (cp1251, koi8-r) never passes:
    most of its letters are invalid UTF-8, so broken sequences outnumber intact ones.
    """
    cut = _cut_mid_character(data)
    if cut is not None:
        return cut
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    intact = sum(1 for ch in text if ord(ch) > 127) - text.count("\ufffd")
    return text if broken > 0 and intact >= 50 * broken else None


def _cut_mid_character(data: bytes) -> str | None:
    """The text before an incomplete multi-byte sequence at the very end, if that is the only flaw."""
    for size in (1, 2, 3):
        tail = data[-size:]
        lead = tail[0] if tail else 0
        need = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0
        if need > size and all(0x80 <= byte <= 0xBF for byte in tail[1:]):
            head = data[:-size]
            if not any(byte > 127 for byte in head):  # "Hello" + one cp1251 letter is not cut UTF-8
                return None
            try:
                return head.decode("utf-8")
            except UnicodeDecodeError:
                return None
    return None


# Relative frequencies of Russian letters (per mille), to tell cp1251 from koi8-r.
_RU_FREQ = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (
            110,
            85,
            80,
            74,
            67,
            63,
            55,
            47,
            45,
            44,
            35,
            32,
            30,
            28,
            26,
            20,
            19,
            17,
            17,
            17,
            16,
            14,
            12,
            10,
            9,
            7,
            6,
            5,
            4,
            3,
            3,
            1,
            1,
        ),
    )
)
_LEGACY_CYRILLIC = ("cp1251", "koi8-r")
_RU_LETTERS = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў")
_CYRILLIC_TYPOGRAPHY = frozenset("«»—–…№“”„‘’•\u00a0")
_CYRILLIC_LANGUAGES = frozenset({"Russian", "Ukrainian", "Bulgarian", "Belarusian", "Serbian", "Macedonian", "Unknown"})


def _single_byte_other_script(match, data: bytes) -> bool:
    return match is not None and len(str(match)) == len(data) and match.language not in _CYRILLIC_LANGUAGES


def _legacy_cyrillic(data: bytes) -> str | None:
    """Decode as cp1251 or koi8-r when either gives clean Russian words, else None."""
    import math
    import re

    best, best_score = None, -math.inf
    for encoding in _LEGACY_CYRILLIC:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        high = [ch for ch in text if ord(ch) > 127 and not ch.isspace()]
        russian = sum(ch.lower() in _RU_LETTERS or ch in _CYRILLIC_TYPOGRAPHY for ch in high)
        words = [w for w in re.findall(r"[^\W\d_]+", text) if any(ord(ch) > 127 for ch in w)]
        cyrillic = [w for w in words if all(ch.lower() in _RU_LETTERS for ch in w)]
        # Latin text with a few accents (café) gives mixed words, CJK bytes give
        # pseudographics: neither is Russian.
        if not words or russian < 0.9 * len(high) or len(cyrillic) < 0.8 * len(words) or _looks_binary(text):
            continue
        letters = [ch for w in cyrillic for ch in w]
        inner_upper = sum(ch.isupper() for w in cyrillic for ch in w[1:])
        inner = sum(len(w) - 1 for w in cyrillic) or 1
        all_caps = inner_upper > 0.9 * inner  # text in capitals: the case tells nothing
        score = sum(math.log(_RU_FREQ.get(ch.lower(), 0.5)) for ch in letters) / len(letters)
        # "уЯЕЫШ": a lowercase first letter before capitals is case swapped by the wrong code page.
        swapped = sum(w[0].islower() and any(ch.isupper() for ch in w[1:]) for w in cyrillic)
        score -= (0 if all_caps else 4 * inner_upper / inner) + 4 * swapped / len(cyrillic)
        if score > best_score:
            best, best_score = text, score
    return best if best is not None and best_score > 1.5 else None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls / len(sample) > 0.05


def read_text(path: str | os.PathLike) -> str:
    """Read a file as text, whatever its encoding (see :func:`decode_bytes`)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise FormatError(str(path), "no such file; check the path") from None
    except IsADirectoryError:
        raise FormatError(str(path), "is a folder, not a file") from None
    except PermissionError:
        raise FormatError(str(path), "permission denied; make the file readable (chmod +r)") from None
    except OSError as exc:
        raise FormatError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    return decode_bytes(data, str(path))


def check_output_path(path: str | os.PathLike) -> None:
    """Fail before any work when ``path`` cannot be written ('-' is stdout); raises :class:`OutputError`."""
    if str(path) != "-":
        _check_output_folder(Path(path))


def _check_output_folder(target: Path) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"{target}: folder {folder} does not exist; create it first (mkdir -p {folder})")
    if not folder.is_dir():
        raise OutputError(f"{target}: {folder} is a file, not a folder; choose an output path inside a folder")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{target}: folder {folder} is not writable; choose another output path")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")


def _new_file_mode(target: Path) -> int:
    """The replaced file's mode, or what open() would give a new file (0666 less the umask)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8", durable: bool = True
) -> Iterator[IO]:
    """Write ``path`` all or nothing: to a temp file beside it, renamed on success.

    ``durable`` fsyncs before the rename (the file survives a power cut, not just a
    crash); writers of thousands of small files turn it off: the rename still makes
    each file all or nothing.
    """
    target = Path(path)
    with _as_output_error(target):
        if target.exists() and not target.is_file() and not target.is_dir():
            # A device or pipe (-o /dev/null, a FIFO): renaming onto it would replace it
            # with a regular file, so write straight through.
            with open(target, mode, encoding=None if "b" in mode else encoding) as fh:
                yield fh
            return
        _check_output_folder(target)
        # /proc, /sys and read-only mounts pass the access check (root may write anywhere) yet refuse files.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent or "."))
        with _removed_on_error(tmp):
            yield from _write_and_rename(fd, tmp, target, mode, encoding, durable)


@contextlib.contextmanager
def _as_output_error(target: Path) -> Iterator[None]:
    """An OS error while writing ``target`` becomes one :class:`OutputError` line, never a traceback."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"{target}: cannot be written ({exc.strerror or exc}); choose another output path") from None


@contextlib.contextmanager
def _removed_on_error(tmp: str) -> Iterator[None]:
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_and_rename(fd: int, tmp: str, target: Path, mode: str, encoding: str | None, durable: bool) -> Iterator[IO]:
    binary = "b" in mode
    os.fchmod(fd, _new_file_mode(target))  # mkstemp makes 0600; outputs are meant to be shared
    with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh:
        yield fh
        fh.flush()
        if durable:
            os.fsync(fh.fileno())
    os.replace(tmp, target)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_write(path) as fh:
        fh.write(text)


def write_notes(path: str | os.PathLike, notes: Iterable) -> int:
    """Write notes as JSON Lines, atomically. ``-`` writes to stdout. Returns the count."""
    count = 0
    if str(path) == "-":
        import sys

        for note in notes:
            sys.stdout.write(note.to_json() + "\n")
            count += 1
        return count
    with atomic_write(path) as fh:
        for note in notes:
            fh.write(note.to_json() + "\n")
            count += 1
    return count


def is_notes_jsonl(text: str) -> bool:
    """True when ``text`` looks like a notes.jsonl written by notelingo."""
    first = text.lstrip("\ufeff").lstrip()[:400]
    return first.startswith("{") and '"schema_version"' in text[:20000] and '"blocks"' in text[:20000]


def text_lines(text: str) -> list[str]:
    """``text`` cut at line feeds only, as JSON Lines and line-aligned text files are: U+2028, U+0085 and the
    other separators ``str.splitlines`` also cuts at stay inside their line (a note's JSON keeps them raw)."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _parse_note_line(line: str, lineno: int, path: str):
    from pydantic import ValidationError

    from .schema import Note

    try:
        return Note.model_validate_json(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        detail = f"{where}: {first.get('msg')}" if where else first.get("msg")
        raise FormatError(
            path, f"line {lineno}: not a valid note ({detail}); regenerate it with 'notelingo ingest'"
        ) from None


def parse_notes(text: str, path: str = "<notes>") -> list:
    """Parse and validate notes.jsonl content; errors name the line."""
    return [_parse_note_line(line, lineno, path) for lineno, line in enumerate(text_lines(text), start=1)
            if line.strip()]


def is_notes_file(path: str) -> bool:
    """True when the file at ``path`` is a UTF-8 notes.jsonl written by notelingo (read from its head only)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(20_000).decode("utf-8-sig", errors="ignore")
    except OSError:
        return False
    return is_notes_jsonl(head)


def iter_notes_file(path: str) -> Iterator:
    """The notes of a UTF-8 notes.jsonl file, read and validated a line at a time (memory: one note);
    errors as :func:`parse_notes` gives them."""
    try:
        with open(path, encoding="utf-8-sig", newline="\n") as handle:
            for lineno, line in enumerate(handle, start=1):
                if line.strip():
                    yield _parse_note_line(line, lineno, path)
    except UnicodeDecodeError as exc:
        raise FormatError(path, f"is not UTF-8 ({exc.reason} at byte {exc.start}); regenerate it with "
                                "'notelingo ingest'") from None
    except OSError as exc:
        raise FormatError(path, f"cannot be read ({exc.strerror or exc})") from None


def read_notes(path: str | os.PathLike) -> list:
    """Read a notes.jsonl file written by notelingo."""
    return parse_notes(read_text(path), str(path))


def cache_root(explicit: str | None = None) -> str:
    """notelingo's own cache folder (converted models, translation cache, match tables); not created here.

    ``explicit`` (a ``cache_dir`` option) wins, then ``NOTELINGO_CACHE_DIR``, then ``$XDG_CACHE_HOME/notelingo``
    (``~/.cache/notelingo``)."""
    if explicit:
        return explicit
    if os.environ.get("NOTELINGO_CACHE_DIR"):
        return os.environ["NOTELINGO_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "notelingo")
