"""Errors carry fields (path, line, option, term); the CLI writes an option as its flag."""

from __future__ import annotations

import pytest

from notelingo.cli._app import error_text, flag
from notelingo.errors import GlossaryError, InputError, ModelError, OutputError, UsageError
from notelingo.glossary import Entry, Glossary
from notelingo.glossary.edit import add_entry, merge_entries


@pytest.mark.parametrize("option, expected", [
    ("format", "--format"),
    ("group_by", "--group-by"),
    ("output", "-o"),
    ("lang", "--lang"),
    ("models", "--model"),
    ("cache", "--no-cache"),
])
def test_option_names_become_flags(option, expected):
    assert flag(option) == expected


@pytest.mark.parametrize("exc, library, cli", [
    (UsageError("'colour': choose one of paper, none", option="group_by"),
     "group_by 'colour': choose one of paper, none", "--group-by 'colour': choose one of paper, none"),
    (UsageError("x.pdf: end the file name with .html or .md", option="output"),
     "output x.pdf: end the file name with .html or .md", "-o x.pdf: end the file name with .html or .md"),
    (UsageError("ingest: give at least one file or folder"),
     "ingest: give at least one file or folder", "ingest: give at least one file or folder"),
    (InputError("notes.txt", "no such file", line=3), "notes.txt: no such file", "notes.txt: no such file"),
    # an option named inside the sentence: "the NAME option" for the library, the flag for the CLI
    (ModelError("m: cannot be converted; use {option} transformers", option="backend"),
     "m: cannot be converted; use the backend option transformers",
     "m: cannot be converted; use --backend transformers"),
    (UsageError("2022-01-01 is after {option:until} 2021-01-01; swap them", option="since"),
     "since 2022-01-01 is after the until option 2021-01-01; swap them",
     "--since 2022-01-01 is after --until 2021-01-01; swap them"),
    (OutputError("c.sqlite3: cannot be opened; turn the cache off with {option}", option="cache"),
     "c.sqlite3: cannot be opened; turn the cache off with the cache option",
     "c.sqlite3: cannot be opened; turn the cache off with --no-cache"),
    (GlossaryError("no file; pass {option:glossary} FILE or {option:output} FILE"),
     "no file; pass the glossary option FILE or the output option FILE", "no file; pass --glossary FILE or -o FILE"),
])
def test_messages_for_the_library_and_for_the_cli(exc, library, cli):
    assert (str(exc), error_text(exc)) == (library, cli)


def test_library_messages_spell_no_flag():
    """Outside cli/, no error message names a flag of the command that failed: they write {option}
    (see notelingo.errors); a command to run, in quotes, may have its own."""
    import ast
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parent.parent / "src" / "notelingo"
    found = []
    for path in sorted(src.rglob("*.py")):
        if "cli" in path.relative_to(src).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                text = " ".join(c.value for c in ast.walk(node.exc) if isinstance(c, ast.Constant)
                                and isinstance(c.value, str))
                text = re.sub(r"'[^']*'", "", text)  # a command to run ('ray start --head') may have flags
                flags = re.findall(r"(?<![\w-])--[a-z][a-z-]+", text)
                found += [f"{path.name}:{node.lineno}: {flag}" for flag in flags]
    assert found == []


def test_fields_are_kept():
    exc = InputError("notes.txt", "bad line", line=3)
    assert (exc.path, exc.line, exc.message, exc.option, exc.term) == ("notes.txt", 3, "bad line", None, None)


def test_a_refused_edit_names_its_term_in_a_field():
    glossary = Glossary([Entry(en="attention", ru=["внимание"])], "g.yaml")
    clash = Entry(en="focus", ru=["внимание"])
    with pytest.raises(GlossaryError) as info:
        add_entry(glossary, clash)
    assert (info.value.path, info.value.term) == ("g.yaml", "focus")
    assert str(info.value) == f"g.yaml: refused to change 'focus': {info.value.problem}"
    merged, existing, refused = merge_entries(glossary, [clash, Entry(en="attention"), Entry(en="BERT", policy="keep")])
    assert [e.en for e in merged.entries] == ["attention", "BERT"] and existing == ["attention"]
    assert refused == [f"'focus': {info.value.problem}"]


def test_a_reader_bug_is_one_line_for_users_and_keeps_its_traceback_under_debug(tmp_path, monkeypatch):
    """Garbage must never give a traceback, but a reader's own error stays chained: --debug shows it."""
    from typer.testing import CliRunner

    import notelingo.readers as ingest
    from notelingo.cli import app

    def broken_reader(text, path):
        raise TypeError("reader bug: 'NoneType' object is not subscriptable")

    monkeypatch.setattr(ingest, "read_decoded", broken_reader)
    source = tmp_path / "post.txt"
    source.write_text("Пост про LoRA.", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest.read_input(str(source))
    assert isinstance(caught.value.__cause__, TypeError)

    quiet = CliRunner().invoke(app, ["ingest", str(source), "-o", str(tmp_path / "n.jsonl")])
    assert "could not be read (TypeError" in quiet.output and "Traceback" not in quiet.output
    debug = CliRunner().invoke(app, ["--debug", "ingest", str(source), "-o", str(tmp_path / "d.jsonl")])
    assert "Traceback" in debug.output and "in broken_reader" in debug.output and "reader bug" in debug.output
