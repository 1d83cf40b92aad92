"""Errors carry fields (path, line, option, term); the CLI writes an option as its flag."""

from __future__ import annotations

import pytest

from notelingo.cli._app import error_text, flag
from notelingo.errors import GlossaryError, InputError, UsageError
from notelingo.glossary import Entry, Glossary
from notelingo.glossary.edit import add_entry, merge_entries


@pytest.mark.parametrize("option, expected", [
    ("format", "--format"),
    ("group_by", "--group-by"),
    ("output", "-o"),
    ("lang", "--lang"),
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
])
def test_messages_for_the_library_and_for_the_cli(exc, library, cli):
    assert (str(exc), error_text(exc)) == (library, cli)


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
