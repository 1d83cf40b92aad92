"""English→Russian glossary terms translated in context: kept, re-inflected, or masked again (protect.incontext)."""

from __future__ import annotations

import pytest

from notelingo.glossary import load_glossary
from notelingo.glossary.agree import GOVERNED
from notelingo.glossary.context import KEPT, REINFLECTED, read_in_context
from notelingo.protect.alignment import Alignment
from notelingo.protect.incontext import FLAT, aligned_region, apply_edits, is_flat
from notelingo.protect.mask import SegmentRequest
from notelingo.protect.repair import translate_protected
from test_repair import TableModel

FINE = "We compare the models after fine-tuning."

# (glossary target, the model's words for the term, the output around them) -> (rendering, choice)
READINGS = [
    ("дообучение", ["дообучения"], "Мы сравниваем модели после дообучения.", ("дообучения", KEPT)),
    ("дообучение", ["тонкой", "настройки"], "Мы сравниваем модели после тонкой настройки.",
     ("дообучения", REINFLECTED)),
    # «настройки» alone is genitive singular or nominative/accusative plural: «после» chooses
    ("дообучение", ["настройки"], "Мы сравниваем модели после настройки.", ("дообучения", REINFLECTED)),
    ("датасет", ["наборах", "данных"], "Оценки измерены на трёх наборах данных.", ("датасетах", REINFLECTED)),
    ("эмбеддинг", ["векторными", "представлениями"], "Обучили с векторными представлениями.",
     ("эмбеддингами", REINFLECTED)),
    ("языковая модель", ["языковой", "модели"], "Для языковой модели.", ("языковой модели", KEPT)),
    ("языковая модель", ["моделями"], "Сравнили с моделями.", ("языковыми моделями", REINFLECTED)),
    ("набор данных", ["наборе", "данных"], "На наборе данных.", ("наборе данных", KEPT)),
    ("энкодер", ["кодировщика"], "Из кодировщика.", ("энкодера", REINFLECTED)),
    ("дообучение", ["для", "тонкой", "настройки"], "Данные для тонкой настройки.", ("дообучения", REINFLECTED)),
    ("дообучение", ["Тонкая", "настройка"], "Тонкая настройка помогает.", ("Дообучение", REINFLECTED)),
    ("дообучение", ["быстро"], "Очень быстро.", None),  # no noun: nothing to read
    ("дообучение", ["fine-tuning"], "После fine-tuning.", None),  # copied English: the caller's case
]


@pytest.mark.parametrize("target, words, output, expected", READINGS)
def test_read_in_context(target, words, output, expected):
    found = read_in_context(target, words, output, output.index(words[0]), FINE, FINE.index("fine-tuning"))
    assert (found and (found.rendering, found.choice)) == expected or found is expected is None
    if found is not None and words[0] == "для":
        assert found.start == 1  # the preposition is not part of the term


# the entry's other renderings, slang pymorphy3 only guesses at included, through Glossary.in_context
# (target, the model's words, the output around them) -> (rendering, choice)
OTHER_RENDERINGS = [
    ("дообучение", ["файнтюнинга"], "Мы сравниваем модели после файнтюнинга.", ("дообучения", REINFLECTED)),
    ("дообучение", ["Файнтюнинг"], "Файнтюнинг улучшает результаты.", ("Дообучение", REINFLECTED)),
    ("эмбеддинг", ["эмбедингами"], "Обучили с эмбедингами из энкодера.", ("эмбеддингами", REINFLECTED)),
    ("датасет", ["наборе", "данных"], "Измерили на наборе данных.", ("датасете", REINFLECTED)),
    # «реферирование» has no plural: read as the singular it is, not as an unchanged plural
    ("суммаризация", ["Реферирование"], "Реферирование текста - мощный инструмент.", ("Суммаризация", REINFLECTED)),
    # the target's genitive inside a longer rendering of the entry: the rendering gives way as a whole
    ("внимание", ["Механизм", "внимания"], "Механизм внимания помогает.", ("Внимание", REINFLECTED)),
    # «энтропию» alone is not a form of «кросс-энтропия»; «перекрёстную энтропию» is the entry's other rendering
    ("кросс-энтропия", ["перекрёстную", "энтропию"], "Используем перекрёстную энтропию.",
     ("кросс-энтропию", REINFLECTED)),
    ("датасет", ["датасетах"], "Оценки измерены на трёх датасетах.", ("датасетах", KEPT)),
    ("дообучение", ["после"], "Сразу после.", None),  # a preposition's rare noun reading is not a noun
    # another noun in the model's compound: the compound keeps its first part
    ("кодировщик", ["трансформер-декодера"], "Выход трансформер-декодера.", ("трансформер-кодировщика", REINFLECTED)),
    ("лосс", ["L2-потери"], "Считаем L2-потери.", ("L2-лоссы", REINFLECTED)),
    # the model's own prefix on a target without one is a compound it wrote: kept whole, never cut off
    ("слой", ["LSTM-слоя"], "Выход LSTM-слоя подаётся дальше.", ("LSTM-слоя", KEPT)),
    ("токенизация", ["BPE-токенизацией"], "Вместе с BPE-токенизацией.", ("BPE-токенизацией", KEPT)),
    ("матрица", ["Грам-матрицы"], "След Грам-матрицы.", ("Грам-матрицы", KEPT)),
]


@pytest.mark.parametrize("target, words, output, expected", OTHER_RENDERINGS)
def test_another_rendering_of_the_entry_is_read_in_its_own_paradigm(target, words, output, expected):
    found = load_glossary().in_context(target, words, output, output.index(words[0]), FINE, FINE.index("fine-tuning"))
    assert (found and (found.rendering, found.choice)) == expected or found is expected is None


def test_the_renderings_read_as_the_term_follow_the_entries_the_glossary_holds_now():
    from notelingo.glossary import Glossary
    from notelingo.glossary.edit import make_entry

    glossary = Glossary([make_entry("fine-tuning", ["дообучение"], [], "translate")])
    words, output = ["файнтюнинга"], "После файнтюнинга."
    assert glossary.in_context("дообучение", words, output, 6, FINE, 0) is None  # no entry says «файнтюнинг»
    glossary.entries = [make_entry("fine-tuning", ["дообучение"], ["файнтюнинг"], "translate")]
    found = glossary.in_context("дообучение", words, output, 6, FINE, 0)
    assert (found.rendering, found.choice) == ("дообучения", REINFLECTED)
    glossary.entries.append(make_entry("dataset", ["датасет"], ["набор данных"], "translate"))  # changed in place
    found = glossary.in_context("датасет", ["наборе", "данных"], "На наборе данных.", 3, FINE, 0)
    assert (found.rendering, found.choice) == ("датасете", REINFLECTED)
    glossary.entries[0] = make_entry("fine-tuning", ["дообучение"], [], "translate")  # replaced in place, same length
    assert glossary.in_context("дообучение", words, output, 6, FINE, 0) is None


def _alignment(source: str, output: str, links: dict[int, tuple[int, ...]], strength: float = 0.9) -> Alignment:
    import re

    src = [m.span() for m in re.finditer(r"\S+", source)] + [(len(source), len(source))]
    tgt = [m.span() for m in re.finditer(r"\S+", output)]
    return Alignment(src, tgt, [[strength if s in links.get(t, ()) else 0.01 for s in range(len(src))]
                                for t in range(len(tgt))])


def test_aligned_region_widens_tokens_to_words_and_needs_half_the_attention():
    source, output = "after fine-tuning .", "после тонкой настройки ."
    alignment = _alignment(source, output, {0: (0,), 1: (1,), 2: (1,), 3: (2,)})
    assert output[slice(*aligned_region(output, alignment, [1]))] == "тонкой настройки"
    weak = Alignment(alignment.source, alignment.target, [[0.3, 0.35, 0.35, 0.0]] * 4)
    assert aligned_region(output, weak, [1]) is None  # 0.35 < half
    assert is_flat(Alignment(alignment.source, alignment.target, [[FLAT / 2] * 4] * 4))
    assert not is_flat(alignment)


def test_apply_edits_maps_offsets():
    text, where = apply_edits("после тонкой настройки .", [(6, 22, "дообучения")])
    assert text == "после дообучения ." and where[23] == text.index(".") and where[6] == 6


# source, model output, target word -> source words, expected output, choice, model calls
CASES = [
    (FINE, "Мы сравниваем модели после тонкой настройки.", {0: (0,), 1: (1,), 2: (3,), 3: (4,), 4: (5,), 5: (5,)},
     "Мы сравниваем модели после дообучения.", REINFLECTED),
    (FINE, "Мы сравниваем модели после дообучения.", {0: (0,), 1: (1,), 2: (3,), 3: (4,), 4: (5,)},
     "Мы сравниваем модели после дообучения.", KEPT),
    (FINE, "Мы сравниваем модели после fine-tuning.", {0: (0,), 1: (1,), 2: (3,), 3: (4,), 4: (5,)},
     "Мы сравниваем модели после дообучения.", GOVERNED),
    ("They trained it with embeddings from the encoder.",
     "Они обучили его с векторными представлениями из кодировщика.",
     {0: (0,), 1: (1,), 2: (2,), 3: (3,), 4: (4,), 5: (4,), 6: (5,), 7: (7,)},
     "Они обучили его с эмбеддингами из энкодера.", REINFLECTED),
]


@pytest.mark.parametrize("source, output, links, expected, choice", CASES)
def test_terms_are_read_from_the_model_s_own_words(source, output, links, expected, choice):
    glossary = load_glossary(None)
    model = TableModel({source.split()[0]: (output, links)})
    [result] = translate_protected([SegmentRequest(source, "en", "ru")], model, glossary)
    assert result.text == expected and not result.masked_again
    assert {s.choice for s in result.spans if s.kind == "term"} == {choice}
    assert [kind for kind, _ in model.calls] == ["aligned"]  # one model call, the term unmasked
    assert "fine-tuning" in model.calls[0][1][0] or "embeddings" in model.calls[0][1][0]


def test_a_flat_alignment_masks_the_term_and_asks_again():
    glossary = load_glossary(None)
    model = TableModel({"XQ0": ("Мы сравниваем модели после XQ0.", {}),
                        "We": ("Мы сравниваем модели после тонкой настройки.", {})})
    [result] = translate_protected([SegmentRequest(FINE, "en", "ru")], model, glossary)
    assert result.text == "Мы сравниваем модели после дообучения." and result.masked_again
    assert [s.choice for s in result.spans] == [GOVERNED]
    assert [kind for kind, _ in model.calls] == ["aligned", "aligned"]
    assert model.calls[1][1] == ["We compare the models after XQ0."]


def test_a_gloss_term_keeps_its_parenthesis(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("version: 1\nentries:\n- en: fine-tuning\n  ru: [дообучение]\n  policy: gloss\n", encoding="utf-8")
    model = TableModel({"We": ("Мы сравниваем модели после тонкой настройки.",
                               {0: (0,), 1: (1,), 2: (3,), 3: (4,), 4: (5,), 5: (5,)})})
    [result] = translate_protected([SegmentRequest(FINE, "en", "ru", note_key="n")], model, load_glossary(str(path)))
    assert result.text == "Мы сравниваем модели после дообучения (fine-tuning)."
    assert [s.choice for s in result.spans] == [REINFLECTED]


def test_the_glossary_hash_follows_the_entries_it_holds_now():
    """Glossary.hash is worked out once per list of entries and again after any edit."""
    from notelingo.glossary import Glossary
    from notelingo.glossary.edit import make_entry

    glossary = Glossary([make_entry("fine-tuning", ["дообучение"], [], "translate")])
    first = glossary.hash
    assert glossary.hash == first == Glossary(list(glossary.entries)).hash
    glossary.entries[0] = make_entry("fine-tuning", ["дообучение"], ["файнтюнинг"], "translate")  # in place
    second = glossary.hash
    assert second != first
    glossary.entries.append(make_entry("dataset", ["датасет"], [], "translate"))
    assert glossary.hash not in (first, second)
    glossary.entries.pop()
    assert glossary.hash == second
