"""Language detection: rules, context, engines, and tagging notes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelingo.detect import core as detect
from notelingo.detect.core import DetectOptions, detect_notes, detect_text
from notelingo.errors import BackendError, UsageError
from notelingo.schema import Block, Note, Signature, Source

LINES = Path(__file__).parent / "fixtures" / "detect" / "lines.tsv"


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        # Russian, English, and Russian prose full of English terms
        ("Обычно в MLM мы маскируем все токены с одинаковой вероятностью.", None, "ru"),
        ("Мы обучили BERT и RoBERTa на датасете SQuAD", "en", "ru"),
        ("OpenAI released its latest language model. The large model has 175B parameters.", None, "en"),
        ("Multitask Prompted Training Enables Zero-Shot Task Generalization", "ru", "en"),
        ("Например, для задачи QA это может выглядеть так: I know that the answer is in the context.", "ru", "ru"),
        ("Forwarded from Мишин Лернинг", "ru", "en"),
        ("The Russian phrase машинное обучение means machine learning", "en", "en"),
        # short lines and tokens take the note's language
        ("GPT3", "ru", "ru"),
        ("GPT3", "en", "en"),
        ("GPT3", None, "en"),
        ("Reformer", "en", "en"),
        ("Ref: video, paper", "en", "en"),
        ("Sanh et al. [BigScience]", "ru", "ru"),
        ("VIEW IN TELEGRAM", "ru", "en"),
        ("Привет", None, "ru"),
        # URLs, e-mails, no letters
        ("https://arxiv.org/abs/2010.01825", "ru", "ru"),
        ("arxiv.org/abs/2110.08207", "en", "en"),
        ("example@example.com", "ru", "ru"),
        ("12345 — 2010.01825", "ru", "und"),
        ("", None, "und"),
        ("   \n", "en", "und"),
        # other languages are carried, not forced into ru/en
        ("我们使用BERT模型来进行文本分类，效果很好。", "en", "zh"),
        ("これは機械学習についての文です", None, "ja"),
        ("이것은 기계 학습에 관한 문장입니다", None, "ko"),
        ("این مقاله درباره یادگیری ماشین است", "ru", "fa"),
        ("هذه المقالة عن تعلم الآلة", None, "ar"),
        ("זה משפט בעברית על למידת מכונה", None, "he"),
        ("Αυτή είναι μια πρόταση στα ελληνικά", "en", "el"),
        ("Це речення про машинне навчання, і воно українською.", "ru", "uk"),
        ("Това е изречение на български език, със сложна структура.", None, "bg"),
        ("Das ist ein Satz über maschinelles Lernen und die Modelle.", "en", "de"),
        ("Ceci est une phrase sur l'apprentissage automatique et les modèles.", "ru", "fr"),
        ("Esta es una frase en español sobre el aprendizaje automático.", "en", "es"),
    ],
)
def test_detect_text(text, context, expected):
    lang, confidence = detect_text(text, ("ru", "en"), context=context)
    assert lang == expected
    assert 0.0 <= confidence <= 1.0


def test_no_letters_has_zero_confidence():
    assert detect_text("1 + 2 = 3") == ("und", 0.0)


def test_langs_decide_an_ambiguous_latin_title():
    assert detect_text("Mobile App Hardening", ("ru", "de"), context="ru")[0] == "de"


@pytest.mark.parametrize("engine", ["auto", "langdetect"])
def test_same_input_gives_same_answer(engine):
    texts = ["Ref: video, paper", "Multitask Prompted Training Enables Zero-Shot Task Generalization",
             "Das ist ein Satz über maschinelles Lernen und die Modelle.", "GPT3 Reformer"]
    first = [detect_text(text, engine=engine) for text in texts]
    detect._langdetect_factory.cache_clear()
    assert [detect_text(text, engine=engine) for text in texts] == first


@given(st.text(max_size=80))
@settings(max_examples=150, deadline=None)
def test_any_text_gives_a_code_and_a_confidence(text):
    lang, confidence = detect_text(text)
    assert lang == "und" or 2 <= len(lang) <= 3
    assert 0.0 <= confidence <= 1.0
    assert detect_text(text) == (lang, confidence)


def test_unknown_engine_is_a_usage_error():
    with pytest.raises(UsageError, match="^engine 'fasttext': choose one of"):
        detect_text("hello world", engine="fasttext")


def test_missing_lingua_names_the_install_command(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_lingua(name, *args, **kwargs):
        if name == "lingua":
            raise ImportError("No module named 'lingua'")
        return real_import(name, *args, **kwargs)

    detect._lingua_detector.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_lingua)
    with pytest.raises(BackendError, match=r"pip install 'notelingo\[lingua\]'"):
        detect_text("Das ist ein Satz über maschinelles Lernen und die Modelle.", engine="lingua")
    detect._lingua_detector.cache_clear()


# --------------------------------------------------------------------------
# Accuracy on the labelled sample lines
# --------------------------------------------------------------------------


def _note(note_id: str, blocks: list[tuple[str, str]], **fields) -> Note:
    built = [Block(id=f"b{i}", kind=kind, lang=None, text={"und": text}) for i, (kind, text) in enumerate(blocks)]
    base = dict(id=note_id, lang="und", lang_confidence=0.0, title=blocks[0][1] if blocks else "",
                source=Source(kind="text", path="x.txt"), blocks=built, signature=Signature(notelingo="test"))
    base.update(fields)
    return Note(**base)


def _labelled_notes() -> tuple[list[Note], list[list[str]]]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in LINES.read_text(encoding="utf-8").splitlines()[1:]:
        group, label, text = row.split("\t", 2)
        groups[group].append((label, text))
    notes = [_note(group, [("paragraph", text) for _, text in items]) for group, items in groups.items()]
    return notes, [[label for label, _ in items] for items in groups.values()]


def test_every_sample_line_is_labelled():
    notes, labels = _labelled_notes()
    flat = [label for group in labels for label in group]
    assert len(flat) > 1000
    assert "?" not in flat


@pytest.mark.parametrize("engine", ["auto", "lingua"])
def test_accuracy_on_sample_lines(engine):
    pytest.importorskip("lingua") if engine == "lingua" else None
    notes, labels = _labelled_notes()
    tagged = detect_notes(notes, DetectOptions(engine=engine))
    pairs = [(block.lang, want) for note, wants in zip(tagged, labels) for block, want in zip(note.blocks, wants)]
    accuracy = sum(got == want for got, want in pairs) / len(pairs)
    assert accuracy >= 0.98, f"{accuracy:.4f} of {len(pairs)} lines"


def test_raw_langdetect_is_the_weak_baseline():
    """The rules are what make the accuracy: langdetect alone stays far below it."""
    notes, labels = _labelled_notes()
    tagged = detect_notes(notes[3:80], DetectOptions(engine="langdetect"))  # the short Telegram lines
    pairs = [(b.lang, want) for note, wants in zip(tagged, labels[3:80]) for b, want in zip(note.blocks, wants)]
    assert sum(got == want for got, want in pairs) / len(pairs) < 0.9


# --------------------------------------------------------------------------
# detect_notes
# --------------------------------------------------------------------------

RUSSIAN_POST = [
    ("heading", "Multitask Prompted Training Enables Zero-Shot Task Generalization"),
    ("paragraph", "Sanh et al [BigScience]"),
    ("paragraph", "Новая итерация на promt engineering и тренировку с промтами. Авторы предлагают взять "
                  "большую версию T5 и зафайнтюнить её на большом числе supervised датасетов."),
    ("code", "model = AutoModel.from_pretrained('bigscience/T0pp')"),
    ("formula", r"\Delta w_{i,j} = \eta_w"),
    ("paragraph", "—"),
]


def test_russian_post_quoting_an_english_title():
    (note,) = detect_notes([_note("n1", RUSSIAN_POST)], DetectOptions())
    assert note.lang == "ru" and 0 < note.lang_confidence <= 1
    assert [b.lang for b in note.blocks] == ["en", "ru", "ru", None, None, "ru"]
    assert [list(b.text) for b in note.blocks] == [["en"], ["ru"], ["ru"], ["ru"], ["ru"], ["ru"]]
    assert note.blocks[3].text["ru"] == RUSSIAN_POST[3][1]
    assert note.blocks[3].lang_confidence is None
    assert note.signature.detector["engine"] == "auto"
    assert note.signature.detector["langs"] == ["ru", "en"]
    assert note.signature.detector["seed"] == 0
    assert note.signature.detector["library"] == "langdetect"
    assert note.signature.detector["library_version"]


def test_short_lines_follow_an_english_note():
    blocks = [("heading", "Reformer"), ("paragraph", "Transformer is computationally expensive when we have "
              "too many keys and queries."), ("paragraph", "Ref: Video, code, paper")]
    (note,) = detect_notes([_note("n2", blocks)], DetectOptions())
    assert note.lang == "en"
    assert [b.lang for b in note.blocks] == ["en", "en", "en"]


def test_input_notes_are_not_changed():
    note = _note("n3", RUSSIAN_POST)
    before = note.model_dump()
    detect_notes([note], DetectOptions())
    assert note.model_dump() == before


def test_force_lang_tags_every_block_but_code():
    (note,) = detect_notes([_note("n4", RUSSIAN_POST)], DetectOptions(force_lang="uk"))
    assert note.lang == "uk" and note.lang_confidence == 1.0
    assert [b.lang for b in note.blocks] == ["uk", "uk", "uk", None, None, "uk"]
    assert all(list(b.text) == ["uk"] for b in note.blocks)
    assert note.signature.detector["force_lang"] == "uk"


def test_notes_read_back_are_left_as_they_are():
    (done,) = detect_notes([_note("n5", RUSSIAN_POST)], DetectOptions())
    again = detect_notes([done], DetectOptions(force_lang="de"))
    assert again[0] is done


def test_note_of_tokens_only_takes_the_default_latin_language():
    (note,) = detect_notes([_note("n6", [("paragraph", "GPT3"), ("paragraph", "https://x.org/a")])], DetectOptions())
    assert note.lang == "en"
    assert [b.lang for b in note.blocks] == ["en", "en"]


def test_code_only_note_is_undetermined():
    (note,) = detect_notes([_note("n7", [("code", "x = 1 + 2")], title="")], DetectOptions())
    assert note.lang == "und" and note.lang_confidence == 0.0
    assert note.blocks[0].lang is None and list(note.blocks[0].text) == ["und"]


def test_chinese_note_is_carried():
    blocks = [("paragraph", "我们使用BERT模型来进行文本分类，效果很好。"), ("paragraph", "BERT")]
    (note,) = detect_notes([_note("n8", blocks)], DetectOptions())
    assert note.lang == "zh"
    assert [b.lang for b in note.blocks] == ["zh", "zh"]


def test_bad_engine_in_options_is_a_usage_error():
    with pytest.raises(UsageError):
        detect_notes([_note("n9", RUSSIAN_POST)], DetectOptions(engine="cld3"))


@pytest.mark.parametrize(("text", "langs", "expected"), [
    # plain Russian without ы/э/ё: langdetect calls these Bulgarian or Macedonian with certainty
    ("Привет! Скинь, пожалуйста, тот ноутбук с RLHF на TRL", ("ru", "en"), "ru"),
    ("Вот: https://github.com/huggingface/trl\nТам reward model на датасете Anthropic/hh-rlhf.", ("ru", "en"), "ru"),
    ("Почитать: QLoRA — 4-битная квантизация + LoRA, можно зафайнтюнить 65B на одной A100 48GB.", ("ru", "en"), "ru"),
    # Bulgarian with its own words but no ъ is still Bulgarian
    ("Това е модел, който ще се обучава на нови данни.", ("ru", "en"), "bg"),
    # with no Cyrillic language in play, the model still tells the Cyrillic languages apart
    ("Главная ошибка — забыть про chat template: без него модель отвечает мусором.", ("en", "de"), "ru"),
])
def test_cyrillic_without_telling_letters(text, langs, expected):
    assert detect_text(text, langs)[0] == expected


def test_long_text_is_judged_on_a_bounded_sample():
    english = "The model is trained on the data and it works well for the tasks we tried. " * 40_000
    russian = "Модель обучена на данных, и она хорошо работает на наших задачах. " * 40_000
    assert len(detect.bounded_sample(english)) < 45_000
    assert detect.bounded_sample("short text") == "short text"
    assert detect_text(english)[0] == "en" and detect_text(russian)[0] == "ru"
    # a long text that switches language after its head: the spread windows see the switch
    assert detect_text("Intro in English, short. " * 800 + russian)[0] == "ru"


def test_sample_windows_cut_at_spaces():
    text = "слово " * 10_000
    assert all(word == "слово" for word in detect.bounded_sample(text).split())


def test_wordless_note_takes_its_channels_language():
    source = Source(kind="telegram-json", path="r.json", channel="Канал")
    notes = [
        _note("a", [("paragraph", "Разбираем статью про LoRA и почему она работает так хорошо.")], source=source),
        _note("b", [("paragraph", "https://arxiv.org/abs/2401.04088")], source=source),
        _note(
            "c",
            [("paragraph", "This one is written in English by a guest author, and it stays English.")],
            source=source,
        ),
        _note(
            "d",
            [("paragraph", "Второй пост канала: промпты, датасеты и немного про RLHF, как обычно у нас.")],
            source=source,
        ),
    ]
    tagged = detect_notes(notes, DetectOptions())
    assert [n.lang for n in tagged] == ["ru", "ru", "en", "ru"]


def test_quoted_preview_card_does_not_outvote_the_post():
    note = _note(
        "a",
        [
            ("paragraph", "Новый бенчмарк для русскоязычных LLM — MERA."),
            (
                "link_preview",
                "GitHub - ai-forever/MERA: Multimodal Evaluation for Russian-language Architectures\n"
                "MERA is a new open benchmark for evaluating foundation models on the Russian language.",
            ),
        ],
    )
    (tagged,) = detect_notes([note], DetectOptions())
    assert tagged.lang == "ru" and [b.lang for b in tagged.blocks] == ["ru", "en"]


def test_short_note_in_another_language_than_its_channel_keeps_its_own():
    """A two-word Russian post in an English channel: its only block is ru, so the note is ru."""
    source = Source(kind="telegram-json", path="r.json", channel="Channel")
    notes = [
        _note("a", [("paragraph", "This channel is mostly written in English, about models and data.")], source=source),
        _note("b", [("paragraph", "тестирование utf-8.")], source=source),
        _note("c", [("paragraph", "Another English post about tokenizers and how they split words.")], source=source),
    ]
    tagged = detect_notes(notes, DetectOptions())
    assert [n.lang for n in tagged] == ["en", "ru", "en"]
    assert tagged[1].blocks[0].lang == "ru"


@pytest.mark.parametrize("options", [DetectOptions(engine="cld3"), DetectOptions(langs=("ru", "xx-bogus"))])
def test_bad_detect_options_fail_even_when_every_input_is_a_notes_file(options):
    """notes.jsonl inputs are read back without detection; the options are still checked."""
    from pathlib import Path

    from notelingo.api import collect_notes as ingest

    with pytest.raises(UsageError):
        ingest([str(Path(__file__).parent / "fixtures" / "notes" / "bilingual.jsonl")], options)
