"""Word keys of the spaCy-free matcher are kept on disk (issue 26: parsing each word with pymorphy3 was the
largest cost of a short translate run outside the model): a later run finds the same terms without loading it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = (
    "import sys, json; from notelingo.glossary import load_glossary; g = load_glossary(); "
    "texts = ['Мы зафайнтюнили модель на датасете', 'Промпты и LoRA-адаптеры, эмбеддинги токенов'] + sys.argv[1:]; "
    "print(json.dumps([[(m.start, m.end, m.entry.en) for m in g.find(t, 'ru')] for t in texts])); "
    "print('pymorphy3' in sys.modules)"
)


def run(env: dict, *texts: str) -> tuple[list, bool]:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, *texts], capture_output=True, text=True, env=env,
                          timeout=300, check=True)
    found, loaded = proc.stdout.strip().splitlines()[-2:]
    return json.loads(found), loaded == "True"


def twice(script: str, env: dict) -> tuple[list[str], list[str]]:
    """The last two lines ``script`` prints, in a first run and in a second one with the same cache."""
    return tuple(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300,
                                check=True).stdout.strip().splitlines()[-2:] for _ in range(2))


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "NOTELINGO_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": os.pathsep.join(sys.path)}


def test_a_later_run_reads_the_keys_and_loads_no_dictionary(env, tmp_path):
    first, first_loaded = run(env)
    again, again_loaded = run(env)
    assert first == again and first[0] and first_loaded and not again_loaded
    new_word, new_loaded = run(env, "Датасетами")  # a word no run has seen: the dictionary is loaded for it
    assert new_word[:2] == first and new_word[2] and new_loaded
    (keys,) = (tmp_path / "cache" / "glossary-find").glob("keys-ru-*.json")
    assert "датасете" in json.loads(keys.read_text(encoding="utf-8"))


def test_keys_read_back_are_the_keys_worked_out(tmp_path, monkeypatch):
    from notelingo.glossary import fastfind, load_glossary

    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(tmp_path))
    matcher = fastfind.FastMatcher(load_glossary(), "ru")
    words = ["Мы", "зафайнтюнили", "LoRA", "ИИ", "датасетах", "промптов", "—", "GPT-4o", "Ёлка"]
    worked_out = {word: matcher._new_key(word) for word in words}
    assert [matcher._key(word) for word in words] == list(worked_out.values())
    fastfind.store_keys()
    assert {w: k for w, k in fastfind.load_keys(fastfind.keys_file("ru")).items() if w in worked_out} == worked_out


RENDER = (
    "import sys, json; from notelingo.glossary import load_glossary; g = load_glossary(); "
    "text = 'Мы зафайнтюнили языковые модели на датасетах, промпт и эмбеддинги токенов'; "
    "print(json.dumps([g.render(m.entry, m.surface, text, m.start, 'en') for m in g.find(text, 'ru')])); "
    "print('pymorphy3' in sys.modules)"
)


def test_term_renderings_read_back_the_parses_a_run_stored(env):
    first, again = twice(RENDER, env)
    assert first[0] == again[0] and len(json.loads(first[0])) >= 3
    assert first[1] == "True" and again[1] == "False"


PARSE = (
    "import sys, json, dataclasses; from notelingo.glossary import load_glossary; g = load_glossary(); "
    "print(json.dumps([dataclasses.asdict(e) for e in g.entries] + [g.hash])); print('yaml' in sys.modules)"
)


def test_a_glossary_parsed_before_is_read_back_without_yaml(env):
    first, again = twice(PARSE, env)
    assert first[0] == again[0] and len(json.loads(first[0])) > 100  # lines included
    assert first[1] == "True" and again[1] == "False"


@pytest.mark.parametrize("text, message", [
    ("version: 1\nentries:\n- en: attention\n  ru: [внимание]\n", "no .policy."),
    ("version: 1\nentries: [\n", "not valid YAML"),
])
def test_a_glossary_that_does_not_parse_is_refused_every_time(tmp_path, monkeypatch, text, message):
    from notelingo.errors import GlossaryError
    from notelingo.glossary.yamlio import parse_entries

    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(tmp_path))
    for _ in range(2):
        with pytest.raises(GlossaryError, match=message):
            parse_entries(text, "g.yaml")
    assert not (tmp_path / "glossary-parsed").exists()
