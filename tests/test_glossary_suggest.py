"""``glossary suggest``: Russian slang and transliterations, noise dropped, ranking by frequency × spread."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.glossary import Entry, Glossary, load_glossary
from notelingo.glossary.suggest import latin_skeleton, mine_candidates, ru_skeleton

SLANG = Path(__file__).parent / "fixtures" / "text" / "ru_slang_channel.txt"


@pytest.fixture(autouse=True)
def find_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    "russian, latin",
    [
        ("боттлнек", "bottleneck"),
        ("енкодер", "encoder"),
        ("инференс", "inference"),
        ("хайп", "hype"),
        ("джоба", "job"),
        ("вайбкодер", "vibecoder"),
        ("чекпоинт", "checkpoint"),
        ("фичи", "feature"),
    ],
)
def test_skeletons_of_a_transliteration_and_its_source_agree(russian, latin):
    skeleton = ru_skeleton(russian)
    assert latin_skeleton(latin).startswith(skeleton[:3]) and skeleton.startswith(latin_skeleton(latin)[:3])


def _suggest(*inputs, top=40):
    result = CliRunner().invoke(app, ["glossary", "suggest", *map(str, inputs), "--top", str(top)])
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_suggest_finds_russian_slang_and_transliterations():
    rows = _suggest(SLANG)
    found = {row[3]: row for row in rows}
    assert found["боттлнек"][2] == "translit" and found["боттлнек"][4].startswith("bottleneck | ")
    assert found["дебагал"][2] == "translit" and found["дебагал"][4].startswith("debug | ")
    assert found["вайбкодер"][2] == "translit" and found["вайбкодер"][4].startswith("vibe coder | ")
    assert found["енкодер"][2] == "variant" and found["енкодер"][4].startswith(
        "encoder | "
    )  # glossary: encoder / энкодер
    assert found["апишки"][2] == "slang-ru"
    assert [row[3] for row in rows[:5]] == ["боттлнек", "дебагал", "апишки", "вайбкодер", "енкодер"]


def test_suggest_drops_noise_stop_words_and_code():
    terms = {row[3] for row in _suggest(SLANG)}
    assert not terms & {
        "See",
        "TL",
        "DR",
        "UPD",
        "def hello",
        "hello",
        "RAGи",
        "RAG",
        "print",
        "memory_summary",
        "cuda",
    }
    assert not any(term.lower() in {"see", "also", "tl", "dr"} for term in terms)


def test_ranking_is_frequency_times_spread():
    glossary = Glossary([Entry("model", ["модель"])])
    texts = [
        "боттлнек боттлнек боттлнек боттлнек",
        "про bottleneck и боттлнек",
        "снова боттлнек",
        "опять боттлнек",
        "апишки апишки апишки апишки апишки апишки",
    ]
    ranked = mine_candidates(texts, glossary, top=5)
    # 7 uses in 4 posts (score 28) beat 6 uses in one post (score 6)
    assert [(c.term, c.count, c.posts) for c in ranked[:2]] == [("боттлнек", 7, 4), ("апишки", 6, 1)]


def test_known_words_and_glossary_terms_are_not_slang():
    texts = ["Мы зафайнтюнили модель и обучили трансформер", "Мы зафайнтюнили модель ещё раз и обучили трансформер"]
    terms = {c.term for c in mine_candidates(texts, load_glossary(), top=20)}
    assert "зафайнтюнили" not in terms and "трансформер" not in terms and "обучили" not in terms
