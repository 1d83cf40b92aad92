"""Self-checks on translated sentences (mt/checks.py): table-driven cases, and no false flag on
real parallel text (the Hugging Face course, English and Russian, both directions, taken as
(source, reference-as-output)); the thresholds were set on the dev half, the held-out half reports."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import FIXTURES
from notelingo.mt import checks
from notelingo.mt.checks import LOOP, LOW_SCORE, TOO_LONG, TOO_SHORT, UNTRANSLATED, check_sentence, loop_extent


@pytest.mark.parametrize("text, extent", [
    ("willwillwillwill", 16),
    ("DeDeDeDeDeDe", 12),
    ("the model the model the model works", 30),
    ("-------------------------", 0),  # no letter in the unit
    ("1 1 1 1 1 1 1 1", 0),
    ("Mississippi", 0),
    ("hahaha", 6),
    ("A normal sentence without any repetition.", 0),
])
def test_loop_extent(text, extent):
    assert loop_extent(text) == extent


@pytest.mark.parametrize("source, output, src, tgt, expected", [
    # loops (opus-mt's known failure, and what the tiny random models always do)
    ("Модель учится на датасете.", "The model learns learns learns learns learns on the dataset.", "ru", "en", [LOOP]),
    ("Это работает.", "willwillwillwillwillwill", "ru", "en", [LOOP]),
    ("Это работает.", "DeDeDeDeDeDeDeDe", "ru", "en", [LOOP]),
    # a source that repeats itself may be translated so
    ("ха-ха-ха-ха-ха-ха, очень смешно", "ha-ha-ha-ha-ha-ha, very funny", "ru", "en", []),
    # length outliers
    ("Модель обучается на большом корпусе текстов из интернета за несколько недель.", "The model.", "ru", "en",
     [TOO_SHORT]),
    ("Привет.", "Hello. " + "And then the model kept writing about other things for a long while. " * 2, "ru", "en",
     [TOO_LONG]),
    ("Model learns fast.", "Модель учится быстро.", "en", "ru", []),
    # untranslated copies
    ("Модель учится на датасете.", "Модель учится на датасете.", "ru", "en", [UNTRANSLATED]),
    ("The model learns on the dataset.", "the model learns on the dataset", "en", "ru", [UNTRANSLATED]),
    ("Модель учится на большом датасете.", "Модель учится на большом датасет", "ru", "en", [UNTRANSLATED]),
    ("Hugging Face Transformers", "Hugging Face Transformers", "en", "ru", []),  # names are kept
    ("BERT-base", "BERT-base", "en", "ru", []),
    ("Accuracy", "accuracy", "en", "ru", []),
    ("## Реализация BPE", "## Implementing BPE", "ru", "en", []),
    ("", "", "ru", "en", []),
])
def test_check_sentence(source, output, src, tgt, expected):
    assert check_sentence(source, output, src, tgt) == expected


@pytest.mark.parametrize("score, expected", [(None, []), (-0.4, []), (-5.0, [LOW_SCORE])])
def test_the_models_own_score_where_a_backend_gives_one(score, expected):
    assert check_sentence("Модель учится.", "The model learns.", "ru", "en", score) == expected


def test_summary_names_each_reason():
    counts = Counter({"sentences": 3, LOOP: 2, TOO_SHORT: 1})
    assert checks.summary(counts) == "3 sentence(s) flagged for review (loops 2, too short 1)"
    assert checks.summary(Counter()) == ""


def parallel_pairs(name: str) -> list[tuple[str, str, str, str]]:
    """(source, reference-as-output, src, tgt) in both directions from a line-aligned TSV."""
    pairs = []
    for line in (FIXTURES / "checks" / name).read_text(encoding="utf-8").splitlines():
        _, en, ru = line.split("\t")
        pairs += [(en, ru, "en", "ru"), (ru, en, "ru", "en")]
    return pairs


@pytest.mark.parametrize("name, at_least", [("hf_course_dev.tsv", 80), ("hf_course_heldout.tsv", 160)])
def test_no_false_flag_on_real_parallel_text(name, at_least):
    pairs = parallel_pairs(name)
    assert len(pairs) >= 2 * at_least
    flagged = [(source[:60], flags) for source, output, src, tgt in pairs
               if (flags := check_sentence(source, output, src, tgt))]
    assert flagged == []


def test_the_fill_step_flags_nothing_on_references_and_flags_block_and_sentence_on_a_loop():
    """The engine's fill step on real lines answered by their reference translation (a scripted
    backend): no check: flag, no sentence check, nothing counted; a looping answer is flagged on
    its block and its sentence, and counted for the summary."""
    from conftest import make_note
    from notelingo.mt.engine import count_flags
    from notelingo.mt.fill import BlockJob, fill_block
    from notelingo.mt.runner import TranslateReport
    from notelingo.mt.segment import Piece
    from notelingo.protect.mask import SegmentResult

    report = TranslateReport()
    pairs = parallel_pairs("hf_course_heldout.tsv")
    notes = []
    for i, (source, output, src, tgt) in enumerate(pairs):
        note = make_note(f"n{i}", src, [("paragraph", source)])
        answer = output if i % 50 else output + " " + "the the the the the"
        record = fill_block(note, BlockJob(0, 0, src, tgt, source, [Piece(source)], [0]), [SegmentResult(answer)])
        count_flags(report, record, note.blocks[0], tgt)
        notes.append(note)
    looped = [note for i, note in enumerate(notes) if i % 50 == 0]
    assert report.checks == Counter({"sentences": len(looped), LOOP: len(looped)})
    for i, note in enumerate(notes):
        block = note.blocks[0]
        if i % 50:
            assert not block.checks and not any(flag.startswith("check:") for flag in block.flags)
        else:
            tgt = "ru" if note.lang == "en" else "en"
            assert LOOP in block.flags and block.sentence_flags(tgt) == {0: [LOOP]}
            assert '"checks":[{"sentence":0' in note.to_json()


def test_the_python_api_lists_flagged_sentences():
    from conftest import make_note
    from notelingo.schema import SentenceCheck

    note = make_note("n", "ru", [("paragraph", "Модель учится. Это работает.")])
    block = note.blocks[0]
    block.sentences = [{"ru": "Модель учится.", "en": "The model learns."}, {"ru": "Это работает.", "en": "DeDeDeDe"}]
    block.checks = [SentenceCheck(sentence=1, lang="en", flags=[LOOP])]
    assert note.flagged() == [{"block": "b0", "sentence": 1, "lang": "en", "source": "Это работает.",
                               "translation": "DeDeDeDe", "flags": [LOOP]}]
    assert type(note).from_dict(note.to_dict()).flagged() == note.flagged()


#: A loop as a reader sees one, independent of mt.checks: a word (or a piece of 2+ letters) three times in a row.
READER_LOOP = re.compile(r"(\w{2,}?)\W?\1\W?\1", re.UNICODE)


@pytest.mark.parametrize("backend, beams", [("ctranslate2", 4), ("transformers", 1)])
def test_every_block_whose_tiny_model_translation_loops_is_flagged_and_counted(tiny_models, tmp_path, backend, beams):
    """Done-when of issue 25: the tiny random models loop on everything; every translated block
    holding a loop (that its source does not hold) carries a check: flag, and the report counts
    exactly the flagged sentences."""
    from notelingo.mt import DecodingOptions, TranslateOptions
    from notelingo.mt.engine import translate_notes
    from test_translate_determinism import corpus_notes

    options = TranslateOptions(models=tiny_models, backend=backend, cache_dir=str(tmp_path),
                               decoding=DecodingOptions(beams=beams, batch_size=8))
    notes, report = translate_notes(corpus_notes()[:6], options)
    looping, sentences = 0, 0
    for note in notes:
        for block in note.blocks:
            sentences += len(block.checks)
            for lang, text in block.text.items():
                if lang != block.lang and READER_LOOP.search(text) and not READER_LOOP.search(block.original()):
                    looping += 1
                    assert any(flag.startswith("check:") for flag in block.flags), (note.id, block.id, text[:80])
                    assert block.sentence_flags(lang), (note.id, block.id)
    assert looping > 5
    assert report.checks["sentences"] == sentences and report.checks[LOOP] > 0
    assert report.loop_retries > 0


def test_the_translate_summary_counts_the_flagged_sentences():
    from notelingo.cli.translate_cmd import _checks
    from notelingo.mt.runner import TranslateReport

    report = TranslateReport(checks=Counter({"sentences": 4, LOOP: 3, TOO_SHORT: 1, UNTRANSLATED: 1}))
    assert _checks(report) == "; 4 sentence(s) flagged for review (loops 3, too short 1, untranslated 1)"
    assert _checks(TranslateReport()) == ""
