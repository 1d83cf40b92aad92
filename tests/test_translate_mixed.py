"""Mixed-language channels (issue 15): every note whose pair has a model is translated, the
others are kept as they are and named once; progress counts source sentences."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, make_note
from notelingo.cli import app
from notelingo.errors import ModelNotFoundError
from notelingo.mt import DecodingOptions, TranslateOptions
from notelingo.mt.engine import translate_notes

MIXED_EXPORT = FIXTURES / "mixed" / "result.json"


def options(models, cache_dir, **extra) -> TranslateOptions:
    return TranslateOptions(models=models, backend="ctranslate2", decoding=DecodingOptions(beams=1, batch_size=4),
                            cache_dir=cache_dir, **extra)


def mixed_notes():
    return [
        make_note("ru1", "ru", [("paragraph", "Разбираем статью про LoRA. Авторы показывают, что это работает.")]),
        make_note("en1", "en", [("paragraph", "We fine-tuned Llama 3 on our own data. The results are good.")]),
        make_note("fa1", "fa", [("paragraph", "این مقاله درباره‌ی مدل‌های زبانی بزرگ است.")]),
        make_note("fa2", "fa", [("paragraph", "ممنون از توضیحات خوبتون")]),
        make_note("zh1", "zh", [("paragraph", "今天分享一篇关于LoRA微调的论文。")]),
    ]


def test_notes_without_a_model_are_kept_and_named_per_pair(tiny_models, cache_dir):
    notes, report = translate_notes(mixed_notes(), options(tiny_models, cache_dir))
    by_id = {note.id: note for note in notes}
    assert set(by_id["ru1"].blocks[0].text) == {"ru", "en"} and set(by_id["en1"].blocks[0].text) == {"en", "ru"}
    for note_id in ("fa1", "fa2", "zh1"):
        assert set(by_id[note_id].blocks[0].text) == {note_id[:2]}  # kept as it is: a later run with the model fills it
    assert report.missing == {"fa-en": ["fa1", "fa2"], "fa-ru": ["fa1", "fa2"], "zh-en": ["zh1"], "zh-ru": ["zh1"]}


def test_langs_and_to_restrict_what_is_wanted(tiny_models, cache_dir):
    _, report = translate_notes(mixed_notes(), options(tiny_models, cache_dir, source_langs=("ru", "en")))
    assert report.missing == {} and report.blocks_translated == 2
    _, report = translate_notes(mixed_notes(), options(tiny_models, cache_dir, to=("en",)))
    assert report.missing == {"fa-en": ["fa1", "fa2"], "zh-en": ["zh1"]} and report.blocks_translated == 1


def test_nothing_translatable_fails_naming_every_missing_pair(tiny_models, cache_dir):
    with pytest.raises(ModelNotFoundError, match=r"fa-en \(2 notes\), fa-ru \(2 notes\), zh-en \(1 note\)"):
        translate_notes(mixed_notes()[2:], options(tiny_models, cache_dir))


class RecordingProgress:
    def __init__(self) -> None:
        self.calls: list = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))

    def phase(self, text: str) -> None:
        self.calls.append(text)


def test_progress_is_one_bar_over_source_sentences_with_named_phases_between(tiny_models, cache_dir):
    sentences = [f"Предложение номер {i} про модель и датасет." for i in range(24)]
    notes = [make_note("long", "ru", [("paragraph", " ".join(sentences))])] + mixed_notes()[:2]
    progress = RecordingProgress()
    _, report = translate_notes(notes, options(tiny_models, cache_dir, use_cache=False), progress)
    counts = [call for call in progress.calls if isinstance(call, tuple)]
    phases = [call for call in progress.calls if isinstance(call, str)]
    assert {total for _, total in counts} == {report.segments} == {28}
    done = [d for d, _ in counts]
    assert done == sorted(done) and done[-1] == 28 and len(set(done)) >= 4  # advances as batches finish
    assert phases[:2] == ["loading the glossary", "finding the models"]
    assert any(p.startswith("loading the ru-en model") for p in phases) and "splitting sentences" in phases
    assert "matching glossary terms and protected spans" in phases


def test_a_mixed_telegram_export_is_translated_where_it_can_be(tiny_models, cache_dir, tmp_path):
    """ru/en/fa/zh posts, mojibake and emoji-only posts: as a new user would run it."""
    out = tmp_path / "bilingual.jsonl"
    args = ["translate", str(MIXED_EXPORT), "-o", str(out), "--beams", "1", "--backend", "ctranslate2",
            "--model", f"ru-en={tiny_models['ru-en']}", "--model", f"en-ru={tiny_models['en-ru']}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: no model at hand for fa-en (3 notes), fa-ru (3 notes), zh-en (2 notes), "
                        "zh-ru (2 notes): those notes are kept as they are; supply a model with --model PAIR=PATH, "
                        "or 'notelingo models download PAIR' while online"]
    summary = result.stderr.splitlines()[-1]
    assert "14 note(s), 5 block translation(s), 0 whole from the cache; 10 sentence(s) translated in " in summary
    assert "sentences/s); " in summary and " by the model" in summary
    notes = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    langs = [note["lang"] for note in notes]
    assert sorted(langs) == sorted(["ru"] * 3 + ["en"] * 2 + ["fa"] * 3 + ["zh"] * 2 + ["und"] * 4)
    for note in notes:
        texts = note["blocks"][0]["text"]
        if note["lang"] in ("ru", "en"):
            assert {"ru", "en"} <= set(texts) and texts["ru"] != texts["en"]
        elif note["lang"] == "und":  # emoji and mojibake: copied, flagged, never sent to a model
            assert "untranslated:unknown-language" in note["blocks"][0]["flags"]
        else:
            assert set(texts) == {note["lang"]}
