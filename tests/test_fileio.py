"""Atomic writes and decoding at the edge."""

from __future__ import annotations

import os

import pytest

from notelingo.errors import DecodeError, OutputError
from notelingo.fileio import atomic_write, decode_bytes, write_text_atomic

RU = ("Обычно в MLM мы маскируем все токены с одинаковой вероятностью. "
      "Такое маскирование позволяет тренировать модель быстрее.")


@pytest.mark.parametrize(
    "data",
    [
        RU.encode("utf-8"),
        b"\xef\xbb\xbf" + RU.encode("utf-8"),
        RU.encode("utf-16"),  # with BOM
        RU.encode("utf-16-be").join([b"\xfe\xff", b""]),
    ],
)
def test_decode_unicode_forms(data):
    assert decode_bytes(data) == RU


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"\x00\x01\x02\x03binary\x00\x00"])
def test_binary_is_rejected_with_a_hint(data):
    with pytest.raises(DecodeError, match="binary|not text"):
        decode_bytes(data, "blob.txt")


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_atomic_write_replaces_on_success(tmp_path):
    target = tmp_path / "out.txt"
    write_text_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"


def test_missing_output_folder_names_the_fix(tmp_path):
    with pytest.raises(OutputError, match="does not exist; create it first"):
        write_text_atomic(tmp_path / "missing" / "out.txt", "x")


def test_atomic_write_to_a_device_writes_through_and_keeps_the_device():
    import stat

    write_text_atomic("/dev/null", "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_atomic_write_gives_new_files_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "digest.html", "x")
    finally:
        os.umask(umask)
    assert (tmp_path / "digest.html").stat().st_mode & 0o777 == 0o644


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "notes.jsonl"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text_atomic(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("text, expected", [
    ("a\nb\n", ["a", "b"]),
    ("a\r\nb", ["a", "b"]),
    ("a\u2028b\x85c\u2029d\n", ["a\u2028b\x85c\u2029d"]),  # separators str.splitlines would cut at
    ("\n\nx", ["", "", "x"]),
    ("", []),
])
def test_text_lines_cut_at_line_feeds_only(text, expected):
    from notelingo.fileio import text_lines

    assert text_lines(text) == expected


def _separator_note():
    from conftest import make_note

    # U+2028 comes in Telegram messages typed on iOS and in text copied from the web; JSON keeps it raw
    return make_note("sep", "ru", [("paragraph", "Первая строка\u2028вторая\x85третья\u2029четвёртая.")])


def test_notes_with_unicode_line_separators_read_back(tmp_path):
    from conftest import make_note, write_notes
    from notelingo.fileio import iter_notes_file, parse_notes

    notes = [_separator_note(), make_note("plain", "en", [("paragraph", "Plain text.")])]
    path = write_notes(tmp_path / "notes.jsonl", notes)
    expected = [note.to_json() for note in notes]
    assert [n.to_json() for n in parse_notes(path.read_text(encoding="utf-8"), str(path))] == expected
    assert [n.to_json() for n in iter_notes_file(str(path))] == expected


@pytest.mark.parametrize("reader", ["parse", "iter"])
def test_a_bad_note_line_is_named(tmp_path, reader):
    from conftest import write_notes
    from notelingo.errors import FormatError
    from notelingo.fileio import iter_notes_file, parse_notes

    path = write_notes(tmp_path / "notes.jsonl", [_separator_note()])
    path.write_text(path.read_text(encoding="utf-8") + '{"id": 3}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"line 2: not a valid note .*regenerate it with 'notelingo ingest'"):
        list(parse_notes(path.read_text(encoding="utf-8"), str(path)) if reader == "parse"
             else iter_notes_file(str(path)))


def test_is_notes_file_reads_the_head_only(tmp_path):
    from conftest import write_notes
    from notelingo.fileio import is_notes_file

    assert is_notes_file(str(write_notes(tmp_path / "notes.jsonl", [_separator_note()])))
    (tmp_path / "post.md").write_text("# A post\n\nText.\n", encoding="utf-8")
    assert not is_notes_file(str(tmp_path / "post.md"))
    assert not is_notes_file(str(tmp_path / "missing.jsonl"))
