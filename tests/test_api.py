"""The Python API at the package root: light import, docstrings, the README example run verbatim."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

import notelingo
from conftest import FIXTURES, REPO, make_note
from notelingo.errors import GlossaryError, InputError, UsageError

HEAVY = ("torch", "spacy", "transformers", "ctranslate2")


def readme_block(marker: str) -> str:
    """The first ```python block after ``marker`` in README.md."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(marker) + r"\s*```python\n(.*?)```", text, re.DOTALL)
    assert found, f"README.md has no python block after {marker!r}"
    return found.group(1)


@pytest.mark.parametrize("access", ["notelingo.ingest", "notelingo.translate", "notelingo.digest", "notelingo.Glossary",
                                    "notelingo.Note", "pydoc.render_doc(notelingo.translate)"])
def test_import_and_attribute_access_load_no_heavy_library(access):
    code = f"import sys, pydoc, notelingo; {access}; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_every_public_name_has_a_docstring_with_an_example():
    assert notelingo.__all__
    for name in notelingo.__all__:
        doc = getattr(notelingo, name).__doc__ or ""
        assert "Example" in doc and "notelingo." in doc, name


def test_stage_packages_stay_importable_and_callable():
    import inspect

    from notelingo.mt import TranslateOptions, engine

    # the stage the verb hands its work to: its call shape and the options' defaults
    assert list(inspect.signature(engine.translate_notes).parameters) == ["notes", "options", "progress"]
    assert TranslateOptions().to == ("en", "ru") and TranslateOptions().models == {}
    for verb in (notelingo.translate, notelingo.ingest, notelingo.export):
        assert callable(verb) and inspect.isfunction(verb) and verb.__module__ == "notelingo.api"
    assert "Translate every note" in notelingo.translate.__doc__
    assert "models" in inspect.signature(notelingo.translate).parameters


def test_ingest_reports_failures_or_raises_when_strict(tmp_path):
    good = FIXTURES / "text" / "markdown_notes.md"
    notes = notelingo.ingest(good, tmp_path / "missing.txt")
    assert len(notes) > 0 and notes.report.files == 1 and all(isinstance(n, notelingo.Note) for n in notes)
    assert [f.path for f in notes.failures] == [str(tmp_path / "missing.txt")]
    with pytest.raises(InputError, match="missing.txt: no such file"):
        notelingo.ingest(str(good), str(tmp_path / "missing.txt"), strict=True)
    with pytest.raises(InputError, match=r"1 more input\(s\) failed too: .*other.txt"):
        notelingo.ingest([tmp_path / "missing.txt", tmp_path / "other.txt"], strict=True)
    assert len(notelingo.ingest([good], strict=True)) == len(notes)


@pytest.mark.parametrize("kwargs, error", [
    ({"models": {"ru-en": "../nowhere"}}, "no such folder"),
    ({"models": ["ru-en=x"]}, "give a dict"),
    ({"backend": "marian"}, "backend 'marian': choose auto, transformers, ctranslate2"),
    ({"device": "tpu"}, "device 'tpu': choose auto, cpu, cuda"),
    ({"beams": 0}, "beams 0: must be at least 1"),
])
def test_translate_refuses_bad_options(kwargs, error):
    with pytest.raises(UsageError, match=re.escape(error)) as info:
        notelingo.translate([make_note("n1", "ru", [("paragraph", "Привет")])], **kwargs)
    assert "--" not in str(info.value)  # the library names its parameters, not the CLI's flags


def test_note_dict_round_trip_is_the_jsonl_line():
    note = notelingo.read_notes(FIXTURES / "notes" / "bilingual.jsonl")[0]
    assert note.to_dict() == json.loads(note.to_json())
    assert notelingo.Note.from_dict(note.to_dict()) == note
    with pytest.raises(InputError, match="lang_confidence"):
        notelingo.Note.from_dict({**note.to_dict(), "lang_confidence": 3})


def test_read_write_notes_and_export(tmp_path):
    notes = notelingo.read_notes(FIXTURES / "notes" / "bilingual.jsonl")
    assert notelingo.write_notes(notes, tmp_path / "copy.jsonl") == len(notes)
    assert notelingo.read_notes(tmp_path / "copy.jsonl") == notes
    assert notelingo.export(notes, tmp_path / "memory.tmx") > 0
    assert notelingo.export(notes, tmp_path / "vault", format="markdown") == len(notes)
    with pytest.raises(UsageError, match="choose one of tmx, markdown, jsonl"):
        notelingo.export(notes, tmp_path / "out.xlsx")


def test_digest_writes_a_file_or_returns_text(tmp_path):
    notes = notelingo.read_notes(FIXTURES / "notes" / "bilingual.jsonl")
    written = notelingo.digest(notes, tmp_path / "d.md", group_by="source")
    assert (tmp_path / "d.md").read_text(encoding="utf-8") == written.text
    assert notelingo.digest(notes, "markdown", group_by="source").text == written.text
    assert notelingo.digest(notes, "html").text.startswith("<!DOCTYPE html>")
    with pytest.raises(UsageError, match="ISO date"):
        notelingo.digest(notes, "html", since="last week")


def test_glossary_load_find_add_save(tmp_path):
    glossary = notelingo.Glossary.load()
    assert [m.entry.en for m in glossary.find("Мы зафайнтюнили модель", "ru")] == ["fine-tuning"]
    entry = glossary.add("sparse autoencoder", ru="разреженный автоэнкодер", variants=["SAE"])
    assert entry.variants == {"en": ["SAE"]} and glossary.get("sparse autoencoder") == entry
    with pytest.raises(GlossaryError, match="already exists"):
        glossary.add("sparse autoencoder", ru=["автоэнкодер"])
    path = glossary.save(tmp_path / "my.yaml")
    again = notelingo.Glossary.load(path)
    assert again.hash == glossary.hash and [m.surface for m in again.find("We trained an SAE.", "en")] == ["SAE"]


@pytest.mark.slow
def test_readme_example_runs_verbatim(tiny_models, session_cache_dir, tmp_path, monkeypatch, capsys):
    code = readme_block("<!-- tests/test_api.py runs the next block verbatim -->")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NOTELINGO_CACHE_DIR", session_cache_dir)
    scope = {"MODELS": tiny_models}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - running the README is the point
    notes, mlm = scope["notes"], scope["mlm"]
    assert all(block.text.get("en") and block.text.get("ru") for note in notes for block in note.blocks)
    expected = {note.id for note in notes if any("MLM" in block.original(note.lang) for block in note.blocks)}
    assert expected and {note.id for note in mlm} == expected
    assert notelingo.read_notes("bilingual.jsonl") == notes
    page = (tmp_path / "mlm-digest.html").read_text(encoding="utf-8")
    assert all(note.title in page for note in mlm)
    assert f"mlm-digest.html: {len(mlm)} notes" in capsys.readouterr().out


def test_progress_is_a_bar_or_a_callback(capsys):
    calls = []
    good = FIXTURES / "text"
    notelingo.ingest(good, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] == len(calls)
    notelingo.ingest(good, progress=True)
    assert "Reading" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["evaluate", "find_terms", "suggest_terms", "term_stats", "model_status", "model_path",
                                  "download_models", "build_vmap"])
def test_the_verbs_the_cli_calls_are_plain_functions(name):
    import inspect
    import pickle

    from notelingo import api
    from notelingo.api import tools  # noqa: F401  (binds api.tools)

    verb = getattr(api.tools, name)
    assert inspect.isfunction(verb) and pickle.loads(pickle.dumps(verb)) is verb and verb.__doc__


def test_find_terms_and_term_stats_use_the_glossary_given(tmp_path):
    from notelingo import api
    from notelingo.api import tools  # noqa: F401  (binds api.tools)

    glossary = notelingo.Glossary.load()
    text = "Мы зафайнтюнили BERT на датасете"
    assert [(m.surface, m.entry.en) for m in api.tools.find_terms(text, "ru")] == [
        (m.surface, m.entry.en) for m in glossary.find(text, "ru")] == [
        ("зафайнтюнили", "fine-tuning"), ("BERT", "BERT"), ("датасете", "dataset")]
    small = notelingo.Glossary([e for e in glossary.entries if e.en == "BERT"])
    assert [m.entry.en for m in api.tools.find_terms(text, "ru", glossary=small)] == ["BERT"]
    assert api.tools.term_stats([], small) == []


def test_evaluate_scores_a_hypothesis_as_the_eval_stage_does():
    from notelingo import api
    from notelingo.api import tools  # noqa: F401  (binds api.tools)
    from notelingo.mt.evaluate import EvalOptions, evaluate
    from test_evaluate import CHAPTER_EN, CHAPTER_RU

    result = api.tools.evaluate(CHAPTER_RU, CHAPTER_EN, pair="ru-en", hyp=CHAPTER_EN)
    assert result == evaluate(str(CHAPTER_RU), str(CHAPTER_EN), EvalOptions(src="ru", tgt="en"), str(CHAPTER_EN))
    with pytest.raises(UsageError, match="SRC-TGT"):
        api.tools.evaluate(CHAPTER_RU, CHAPTER_EN, pair="russian", hyp=CHAPTER_EN)


def test_model_path_names_the_fix_when_the_model_is_missing(tiny_models):
    from notelingo import api
    from notelingo.api import tools  # noqa: F401  (binds api.tools)
    from notelingo.errors import ModelNotFoundError

    assert api.tools.model_path("ru-en", {"ru-en": tiny_models["ru-en"]}) == tiny_models["ru-en"]
    with pytest.raises(ModelNotFoundError, match="notelingo models download ru-de"):
        api.tools.model_path("ru-de")


def test_glossary_verbs_edit_a_copy_and_say_where(tmp_path):
    """The glossary commands' verbs: add, edit, remove, lint, export and import through api.tools, each
    writing the file it was given and nothing else."""
    from notelingo.api import tools

    target = tmp_path / "small.yaml"
    shutil.copy(FIXTURES / "glossary" / "small.yaml", target)
    assert tools.add_term("masked language model", ru=["маскированная языковая модель"], glossary=target) == str(target)
    assert tools.load_terms(target).lookup("MLM") is None
    assert tools.edit_term("masked language model", glossary=target, add_variants=["MLM"]) == str(target)
    assert tools.load_terms(target).lookup("MLM").en == "masked language model"
    with pytest.raises(UsageError, match="keep, translate, gloss"):
        tools.add_term("x", policy="always", glossary=target)
    tools.remove_term("masked language model", glossary=target)
    assert [e.en for e in tools.load_terms(target).entries] == ["BPE", "fine-tuning", "dataset"]
    assert tools.lint_terms(target)[1] == []
    csv = tools.export_terms("deepl", tmp_path / "deepl.csv", "en-ru", target)
    assert (tmp_path / "deepl.csv").read_text(encoding="utf-8") == csv and "fine-tuning,дообучение" in csv
    done = tools.import_terms(tmp_path / "deepl.csv", output=tmp_path / "new.yaml")
    assert done["path"] == str(tmp_path / "new.yaml")
    assert done["added"] == len(tools.load_terms(tmp_path / "new.yaml").entries) == len(csv.splitlines())
    roles = [role for role, _, _ in tools.glossary_files(target)]
    assert roles and all(isinstance(role, str) for role in roles)
