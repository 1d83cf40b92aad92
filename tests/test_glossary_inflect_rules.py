"""Round six of the inflector's rules (LABELLING.md, "Sixth round"): each general rule with a table of
real-style sentences, and the learned back-off's measuring tool."""

from __future__ import annotations

import pytest

from notelingo.glossary.agree import choose_form
from notelingo.glossary.clause import target_gender
from notelingo.glossary.forms import inflect_phrase

# a noun pymorphy3 reads in no nominative («лосс»: only the genitive plural of «лосса») declines as a masculine
MISREAD = [
    ("лосс", "gent", False, "лосса"),
    ("лосс", "ablt", False, "лоссом"),
    ("лосс", "nomn", True, "лоссы"),
    ("лосс", "gent", True, "лоссов"),
    ("лосс", "loct", True, "лоссах"),
    ("контрастивный лосс", "gent", False, "контрастивного лосса"),
    ("контрастивный лосс", "ablt", True, "контрастивными лоссами"),
    ("лосс", "accs", False, "лосс"),
    ("датасет", "gent", False, "датасета"),  # a word read as a nominative is left to pymorphy3
]


@pytest.mark.parametrize("phrase, case, plural, expected", MISREAD)
def test_a_noun_read_in_no_nominative_declines_as_a_masculine(phrase, case, plural, expected):
    assert inflect_phrase(phrase, case, plural) == expected


def test_a_noun_read_in_no_nominative_is_masculine():
    assert target_gender("лосс") == "masc"
    assert target_gender("модель") == "femn"


def _case(sentence: str, target: str, plural: bool = False) -> str:
    position = sentence.index("XX")
    text = sentence.replace("XX", target)
    return choose_form("", 0, text, position, plural, target, position + len(target)).case


# (sentence, target, plural, case)
RULES = [
    # a verb of giving or assigning, its dative recipient, then the term: the accusative object
    ("Модель ошиблась, поскольку присвоила всем четырём токенам XX класса", "метка", False, "accs"),
    ("Поэтому она присваивает токену CODE XX CODE.", "метка", False, "accs"),
    ("Нужно передать модели XX целиком", "метка", True, "accs"),
    ("Точность модели XX не меняется", "метка", False, "gent"),  # no verb of giving: the noun's complement
    ("Мы передали веса модели XX", "метка", False, "gent"),  # «веса» is no recipient
    # «ограничивать» takes a second object in the instrumental
    ("Этот код ограничивает пользователей XX из Hub", "чекпоинт", True, "ablt"),
    # a clause-opening first person plural is a verb, not the short adjective pymorphy3 reads first
    ("Вычислим XX по полученным предсказаниям:", "метрика", False, "accs"),
    ("Теперь давайте применим XX к датасету", "метрика", False, "accs"),
    ("Этот метод применим XX", "метрика", False, "nomn"),  # a short adjective inside the clause
    # an adverb after a short participle is passed over: the participle's agent
    ("Примеры были дополнены справа XX CODE", "токен", False, "ablt"),
    # «пока не» means until: no genitive of negation
    ("Он разбивает слова, пока не получит XX из словаря", "метка", True, "accs"),
    ("Модель не получит XX из словаря", "метка", True, "gent"),
    # an adjective that cannot agree with the preposition's case: the preposition does not govern the term
    ("Логит для токена, при этом теоретические XX будут такими", "метка", True, "nomn"),
    ("Мы говорили о теоретических XX", "метка", True, "loct"),
    ("Положим это в новую XX", "метка", False, "accs"),  # the preposition's other case agrees
]

# (sentence, case): the subject after adverbial phrases, its genitive complement before the verb
SUBJECTS = [
    ("На каждом этапе XX кодировщика получает доступ", "nomn"),
    ("На каждом этапе XX может использовать слова", "nomn"),
    ("Точность XX кодировщика растёт", "gent"),  # no adverbial phrase: the noun's complement
]


@pytest.mark.parametrize("sentence, case", SUBJECTS)
def test_the_subject_after_adverbials_may_have_a_genitive_before_its_verb(sentence, case):
    assert _case(sentence, "слой внимания") == case


@pytest.mark.parametrize("sentence, target, plural, case", RULES)
def test_round_six_rules(sentence, target, plural, case):
    assert _case(sentence, target, plural) == case


# the set's labels: a genitive singular right after an active transitive verb is its accusative plural object
OBJECTS = [
    ("Сначала мы получим метки для примера.", "accs", "plur"),
    ("Модель загрузит и кэширует метки:", "accs", "plur"),
    ("Эти данные не имеют метки.", "gent", "sing"),  # negated: the genitive of negation may stand
    ("Нужно избегать метки здесь.", "gent", "sing"),  # a verb of the genitive
    ("Точность метки растёт.", "gent", "sing"),  # a noun before: its complement
    # after a plural noun and «и»: that noun's case
    ("Функция принимает прогнозы и метки и считает.", "nomn", "plur"),
    ("Функция считает точность и метки.", "gent", "sing"),  # «точность» is no plural
    # a term that opens its clause is no genitive: nothing governs it
    ("Модель - это здание, а метки - люди.", "nomn", "plur"),
    ("Вот метки для первого элемента.", "nomn", "plur"),
    ("Есть задачи по переводу, метки и прочее.", "gent", "sing"),  # after a comma alone: a list member
    ("Мы стараемся избегать (метки) здесь.", "gent", "sing"),  # in parentheses: what governs them
]


def _relabelled(text: str, surface: str, target: str, label: tuple[str, str]) -> tuple[str, str]:
    """(case, number) that tools/inflection_set.py's relabelling gives ``surface`` in ``text`` labelled ``label``."""
    from inflection_set import relabelled

    start = text.index(surface)
    new = relabelled({"text": text, "start": start, "end": start + len(surface), "surface": surface,
                      "target": target, "case": label[0], "number": label[1]})
    return new["case"], new["number"]


@pytest.mark.parametrize("text, case, number", OBJECTS)
def test_a_genitive_label_right_after_a_transitive_verb_is_its_plural_object(text, case, number):
    assert _relabelled(text, "метки", "метка", ("gent", "sing")) == (case, number)


# a nominative/accusative plural label right after a noun, its surface also a genitive singular: the complement
COMPLEMENTS = [
    ("Модель возвращает значение метрики при обучении.", "gent", "sing"),
    ("В этом случае метрики будут другими.", "nomn", "plur"),  # an adverbial noun governs nothing
    ("Значения метрики растут.", "nomn", "plur"),  # a plural verb after: left alone (it may be the subject)
    ("Для датасета MRPC метрики готовы.", "nomn", "plur"),  # a Latin name before: no noun to govern it
    ("Значение, метрики и прочее.", "nomn", "plur"),  # punctuation between
]


@pytest.mark.parametrize("text, case, number", COMPLEMENTS)
def test_a_plural_label_right_after_a_noun_is_its_genitive_complement(text, case, number):
    assert _relabelled(text, "метрики", "метрика", ("nomn", "plur")) == (case, number)
