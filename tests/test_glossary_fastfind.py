"""``glossary find``'s spaCy-free matcher: same answers as the spaCy matcher, cached on disk, no spaCy import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notelingo.glossary import Entry, Glossary, load_glossary
from notelingo.glossary.fastfind import FastMatcher, cache_file, fast_find, load_table
from notelingo.glossary.matcher import find_terms, pipeline
from notelingo.nlp.tokenrules import Tokenizer

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = [
    *sorted((FIXTURES / "corpus" / "text").glob("*.txt")),
    *sorted((FIXTURES / "corpus" / "parallel").glob("*.mdx")),
    FIXTURES / "text" / "markdown_notes.md",
    FIXTURES / "text" / "bulleted_papers.txt",
]
EDGE_CASES = [
    "a  b",
    "a\nb",
    "a \n b ",
    "  lead",
    "trail  ",
    "e.g. т.е. don't :) (LoRA)",
    "«файнтюнинг» и “fine-tuning”",
    "GPT-4o-mini's",
    "x—y",
    "https://x.org/fine-tuning?b=c#d.",
    "RAG-пайплайн",
    "ML/DL",
    "1,5 млрд",
    "C++ и C#",
    "('i', 's'): 5",
    "Мы зафайнтюнили модель на датасете с LoRA",
    "fine\ntuning и fine  tuning",
    "`fine-tuning` в коде",
    "LLMs' outputs",
    "attention-based модели и обратите внимание",
    "промптов, промтами, датасетах",
    "BPE-токенизация и токенизатор",
]


def _paragraphs() -> list[str]:
    texts = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts += [part for part in text.split("\n\n") if part.strip()]
    return texts + EDGE_CASES


@pytest.fixture
def find_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(folder))
    return folder


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_fast_find_answers_like_the_spacy_matcher(find_cache, lang):
    glossary = load_glossary()
    texts = _paragraphs()
    assert len(texts) > 200
    differing = [
        text[:80]
        for text in texts
        if [(m.start, m.end, m.entry.en) for m in find_terms(glossary, text, lang)]
        != [(m.start, m.end, m.entry.en) for m in fast_find(glossary, text, lang)]
    ]
    assert differing == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_tokens_and_keys_are_spacys(find_cache, lang):
    matcher, nlp = FastMatcher(load_glossary(), lang), pipeline(lang)
    for text in _paragraphs():
        expected = [(token.text, token.idx, token.lemma_) for token in nlp(text)]
        assert [(word, start, matcher._key(word)) for word, start in matcher.tokenize(text)] == expected, text[:80]


def test_the_table_is_cached_per_glossary_content(find_cache, monkeypatch):
    small = Glossary([Entry("fine-tuning", ["дообучение"], {"ru": ["файнтюнить"]})])
    table = load_table(small, "ru")
    path = cache_file(small, "ru")
    assert path.exists() and json.loads(path.read_text(encoding="utf-8")) == table
    monkeypatch.setattr("notelingo.glossary.fastfind.build_table", lambda *a: pytest.fail("rebuilt a cached table"))
    assert load_table(small, "ru") == table
    changed = Glossary([Entry("fine-tuning", ["дообучение"], {"ru": ["файнтюнить", "дотюнить"]})])
    assert cache_file(changed, "ru") != path and cache_file(small, "en") != path
    text = "Мы (за)файнтюнили  BPE-модель :)"
    assert [word for word, _ in Tokenizer(table)(text)] == [token.text for token in pipeline("ru")(text)]


def test_find_in_a_fresh_process_does_not_import_spacy(find_cache, tmp_path):
    env = {**os.environ, "NOTELINGO_CACHE_DIR": str(find_cache), "PYTHONPATH": os.pathsep.join(sys.path)}
    script = (
        "import sys; from typer.testing import CliRunner; from notelingo.cli import app; "
        "r = CliRunner().invoke(app, ['glossary', 'find', 'Мы зафайнтюнили модель на датасете', '--lang', 'ru']); "
        "print(r.output.strip()); print('spacy' in sys.modules)"
    )
    first = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    again = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    expected = (
        "3-15\tзафайнтюнили\tfine-tuning\tдообучение / файнтюнинг\n26-34\tдатасете\tdataset\tдатасет / набор данных"
    )
    assert first.stdout.rsplit("\n", 2)[0] == expected and first.stdout.strip().endswith(
        "True"
    )  # the first run builds the table
    assert again.stdout.rsplit("\n", 2)[0] == expected and again.stdout.strip().endswith("False"), again.stderr


def test_find_reports_the_callers_own_entries(find_cache, tmp_path):
    """Matchers are shared by content; the entries reported are those of the glossary asked."""
    from notelingo.glossary import load_glossary as load

    body = "version: 1\nentries:\n- en: attention\n  ru: [внимание]\n  policy: translate\n"
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(body, encoding="utf-8")
    second.write_text("# a comment\n# another\n" + body, encoding="utf-8")
    a, b = load(str(first)), load(str(second))
    assert a.find("attention is all", "en")[0].entry is a.entries[0]
    assert b.find("attention is all", "en")[0].entry is b.entries[0]


def test_the_first_find_ever_builds_its_table_without_loading_torch(find_cache):
    """Building the table imports spaCy; it must do so the way spacy_loader does (torch left unloaded)."""
    env = {**os.environ, "NOTELINGO_CACHE_DIR": str(find_cache), "PYTHONPATH": os.pathsep.join(sys.path)}
    script = (
        "import sys; from notelingo.glossary import load_glossary; "
        "found = [m.entry.en for m in load_glossary().find('Мы зафайнтюнили LLM', 'ru')]; "
        "print(found, 'spacy' in sys.modules, 'torch' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert proc.stdout.strip().splitlines()[-1] == "['fine-tuning', 'LLM'] True False", proc.stderr


@pytest.mark.parametrize("change", ["none", "another engine", "a broken program", "no program"])
def test_stored_regex_programs_compile_the_expression_or_fall_back(find_cache, monkeypatch, change):
    """The tokenizer's long expressions come with their compiled program (compiling them costs ~60 ms);
    a program from another engine, one the engine refuses, or none at all compiles the expression."""
    import copy
    import re

    from notelingo.nlp.tokenrules import compile_rule

    table = load_table(load_glossary(), "ru")
    pattern, flags = table["infix"]
    program = copy.deepcopy(table["programs"]["infix"])
    if change == "another engine":
        program[0] = -1
    elif change == "a broken program":
        program[2] = [1] * len(program[2])
    elif change == "no program":
        program = None
    expected = re.compile(pattern, flags)
    original = re.compile
    compiled_again = []
    monkeypatch.setattr(re, "compile", lambda *a: compiled_again.append(a[0]) or original(*a))
    compiled = compile_rule(pattern, flags, program)
    assert bool(compiled_again) is (change != "none")
    text = "\n".join(_paragraphs())
    assert compiled.pattern == pattern and compiled.flags == expected.flags
    assert [m.span() for m in compiled.finditer(text)] == [m.span() for m in expected.finditer(text)]
