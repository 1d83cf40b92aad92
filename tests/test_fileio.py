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
