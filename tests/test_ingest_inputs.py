"""Inputs: path expansion, format detection from content, encodings, bad files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notelingo import readers as ingest
from notelingo.errors import DecodeError, FormatError, InputError
from notelingo.fileio import decode_bytes, read_text
from notelingo.readers import expand_inputs, read_input
from notelingo.readers.formats import detect_format

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ENCODINGS = FIXTURES / "encodings"
LONG_RU = "Сегодня разбираем статью про маскирование по взаимной информации (PMI-masking)."


@pytest.mark.parametrize(
    "text, path, expected",
    [
        ('{"name": "c", "messages": []}', "result.json", "json"),
        ('{"name": "c", "messages": []}', "export.txt", "json"),
        ('{"name": "c", "messages": [', "-", "json"),  # truncated: still read as JSON, to report where
        # a .json holding a bare value (a failed export) is JSON, refused as such, not a text note "null"
        ("null\n", "result.json", "json"),
        ('"x"', "result.json", "json"),
        ("42", "dump.jsonl", "json"),
        ("null\n", "notes.txt", "text"),
        ("nothing to see", "result.json", "text"),
        ("[1] a note that starts with a bracket", "notes.txt", "text"),
        (
            '<!DOCTYPE html><html><body><div class="page_header"></div><div class="message default clearfix">',
            "x",
            "telegram-html",
        ),
        ("<!doctype html>\n<html><body><p>blog</p></body></html>", "page.txt", "html"),
        ("<div><p>fragment</p></div>", "page.html", "html"),
        ("# Title\n\nSome text", "dump.txt", "markdown"),
        ("plain text\n```\ncode\n```\n", "dump", "markdown"),
        ("just some words", "notes.md", "markdown"),
        ("just some words #hashtag", "notes.txt", "text"),
        ('{"id": "n1", "schema_version": 1, "blocks": []}\n', "notes.jsonl", "notes"),
    ],
)
def test_detect_format(text, path, expected):
    assert detect_format(text, path) == expected
    assert expected in ingest.READERS  # every format detected has its reader


def test_readers_are_a_table_of_late_imports():
    """Each format has its reader, and importing the package loads no reader module (only format detection)."""
    assert {"notes", "json", "telegram-html", "html", "markdown", "text"} <= set(ingest.READERS)
    code = ("import sys, notelingo.readers; print(sorted(m for m in sys.modules "
            "if m.startswith('notelingo.readers.') and m != 'notelingo.readers.formats'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(ingest.__file__).parents[2])})
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("ru_long_cp1251.txt", LONG_RU),
        ("ru_long_koi8r.txt", LONG_RU),
        ("ru_utf16.txt", LONG_RU),
        ("ru_utf8_bom.txt", LONG_RU),
        ("ru_short_cp1251.txt", "Привет, мир!"),
        ("ru_short_koi8r.txt", "Привет, мир!"),
    ],
)
def test_encodings_are_decoded(name, expected):
    assert read_text(ENCODINGS / name).startswith(expected)


@pytest.mark.parametrize(
    "text",
    ["Да", "Нейросеть", "ОБЗОР СТАТЕЙ", "Съешь ещё этих мягких булок", "НОВОСТИ: вышла статья про T0", LONG_RU],
)
@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_short_cyrillic_in_legacy_encodings(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize(
    "text, encoding",
    [("Καλημέρα σας, πώς είστε σήμερα;", "iso-8859-7"), ("日本語のテキストです。これはテストです。", "shift_jis"),
     ("Übermäßig schöne Grüße aus Köln", "cp1252")],
)
def test_other_scripts_are_not_forced_into_cyrillic(text, encoding):
    assert decode_bytes(text.encode(encoding)) == text


def test_utf16_json_export_is_read():
    (post,) = read_input(str(ENCODINGS / "result_utf16.json")).posts
    assert post.source.channel == "Канал" and post.blocks[0].text.startswith(LONG_RU)


def test_binary_file_is_a_decode_error():
    with pytest.raises(DecodeError) as info:
        read_input(str(ENCODINGS / "binary.dat"))
    assert "binary.dat" in str(info.value)


def test_notes_jsonl_is_read_back(tmp_path):
    from notelingo.schema import Block, Note, Signature, Source

    note = Note(
        id="n1",
        lang="en",
        lang_confidence=1.0,
        title="T",
        source=Source(kind="text", path="a.txt"),
        blocks=[Block(id="b1", kind="paragraph", lang="en", text={"en": "Hello"})],
        signature=Signature(notelingo="0"),
    )
    path = tmp_path / "notes.jsonl"
    path.write_text(note.to_json() + "\n", encoding="utf-8")
    result = read_input(str(path))
    assert result.notes == [note] and result.posts == []


def test_text_and_markdown_go_to_the_text_reader(tmp_path):
    for name, body in (("a.txt", "First note\n\nSecond paragraph."), ("b.md", "# Title\n\nBody text.")):
        (tmp_path / name).write_text(body, encoding="utf-8")
        posts = read_input(str(tmp_path / name)).posts
        assert posts and posts[0].source.kind == ("markdown" if name.endswith(".md") else "text")


def test_empty_file_gives_nothing(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    assert read_input(str(path)).posts == []


def _tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    for rel in ("messages.html", "messages10.html", "messages2.html", "sub/notes.txt", "sub/deeper/README",
                ".hidden.txt", "photo.jpg", "css/style.css", "archive.zip", "mod.pyc"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")


def test_folders_are_read_recursively_in_natural_order(tmp_path):
    _tree(tmp_path)
    paths, failures = expand_inputs([str(tmp_path)])
    assert failures == []
    assert [os.path.relpath(p, tmp_path) for p in paths] == [
        "messages.html",
        "messages2.html",
        "messages10.html",
        os.path.join("sub", "deeper", "README"),
        os.path.join("sub", "notes.txt"),
    ]


def test_symlink_loops_do_not_hang_and_files_are_read_once(tmp_path):
    _tree(tmp_path)
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "alias.html").symlink_to(tmp_path / "messages.html")
    paths, failures = expand_inputs([str(tmp_path), str(tmp_path / "messages.html")])
    assert failures == [] and len(paths) == len({os.path.realpath(p) for p in paths}) == 5


def test_missing_input_is_reported_and_others_go_on(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    paths, failures = expand_inputs([str(tmp_path / "nope.json"), str(tmp_path / "a.txt")])
    assert paths == [str(tmp_path / "a.txt")]
    assert len(failures) == 1 and isinstance(failures[0], FormatError)
    assert "nope.json" in str(failures[0]) and "no such file or folder" in str(failures[0])


def test_files_given_by_name_are_read_even_with_skipped_suffix(tmp_path):
    image = tmp_path / "photo.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 10)
    paths, _ = expand_inputs([str(image)])
    assert paths == [str(image)]
    with pytest.raises(DecodeError):
        read_input(str(image))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file_fails_at_read_time(tmp_path):
    path = tmp_path / "secret.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0)
    paths, failures = expand_inputs([str(path)])
    assert paths == [str(path)] and failures == []
    with pytest.raises(InputError, match="permission denied"):
        read_input(str(path))


def test_stdin_is_read_once(monkeypatch):
    export = {
        "name": "stdin channel",
        "messages": [{"id": 1, "type": "message", "date": "2021-01-01T00:00:00", "text": "hi"}],
    }
    fake = io.TextIOWrapper(io.BytesIO(json.dumps(export).encode("utf-8")))
    monkeypatch.setattr("sys.stdin", fake)
    monkeypatch.setattr(ingest, "_stdin", ingest._StdinCache())
    paths, failures = expand_inputs(["-", "-"])
    assert paths == ["-"] and failures == []
    for _ in range(2):
        (post,) = read_input("-").posts
        assert post.source.path == "-" and post.source.channel == "stdin channel"


@pytest.mark.parametrize(
    "content",
    [
        b'{"messages": [{"id": 1, "text": [',
        b'{"messages": 3}',
        b"[]",
        b"\x00\x01\x02binary",
        b'\xef\xbb\xbf{"chats": 5}',
    ],
)
def test_bad_inputs_raise_one_line_input_errors(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_input(str(path))
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


_RU_POST = "Трансформеры используют механизм внимания для обработки длинных последовательностей."


def _export(text, name="ML канал") -> dict:
    return {"name": name, "type": "public_channel", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2024-03-01T10:00:00", "from": name, "text": text}]}


@pytest.mark.parametrize(
    ("payload", "kept"),
    [
        # a script cut the message at a UTF-16 offset: half an emoji is left as a lone escape
        (json.dumps(_export(_RU_POST + " \ud83d")), _RU_POST),
        (json.dumps(_export([_RU_POST, {"type": "bold", "text": "\ude80 жирный"}])), "жирный"),
        (json.dumps(_export(_RU_POST, name="Канал \udc00")), _RU_POST),
        # JSON Lines (one message per line), as Telethon scripts dump them
        ("\n".join(json.dumps({"id": i, "date": "2024-03-01T10:00:00", "text": _RU_POST + " \ud83d"})
                   for i in (1, 2)), _RU_POST),
        # a whole pair is one character and stays
        (json.dumps(_export(_RU_POST + " 🚀")), _RU_POST + " 🚀"),
    ],
)
def test_lone_surrogates_in_json_do_not_stop_writing_notes(tmp_path, payload, kept):
    from notelingo import api

    source = tmp_path / "result.json"
    source.write_text(payload, encoding="utf-8")
    notes = list(api.ingest(source))
    assert notes, "the message was lost"
    out = tmp_path / "notes.jsonl"
    api.write_notes(notes, out)  # raised "surrogates not allowed" before the halves were dropped
    back = list(api.read_notes(out))
    assert [n.id for n in back] == [n.id for n in notes]
    texts = " ".join(t for n in back for b in n.blocks for t in b.text.values())
    assert kept in texts
    assert not any("\ud800" <= ch <= "\udfff" for ch in out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, text", [
    # a notes site's build script (shape of GAndrSky/ml-notes scripts/*.ps1): '#' comments would read as headings
    ("apply-checkpoints.ps1", "# Adds checkpoints to every note\n$repoRoot = Split-Path -Parent $PSScriptRoot\n"
                              "if ($Start -lt 0) { return -1 }\n"),
    ("build.sh", "#!/bin/sh\n# build the site\nnpm run build\n"),
    ("convert.py", "# convert notes\nimport sys\nprint(sys.argv)\n"),
    ("site.config.ts", "// site config\nexport default { title: 'ML notes' }\n"),
    ("pyproject.toml", "# project\n[project]\nname = \"notes\"\n"),
])
def test_code_beside_notes_in_a_folder_is_not_an_input(tmp_path, name, text):
    (tmp_path / "attention.md").write_text("# Attention\n\nScaled dot-product attention.\n", encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    files, errors = expand_inputs([str(tmp_path)])
    assert [Path(f).name for f in files] == ["attention.md"] and errors == []
    files, errors = expand_inputs([str(tmp_path / name)])  # given by name, it is read
    assert [Path(f).name for f in files] == [name]
