"""Precision and recall of the glossary matcher on a labelled set, and the rules behind them."""

from __future__ import annotations

import pytest

from glossary_eval import LABELS, glossary_finder, load_labels, score
from notelingo.glossary import load_glossary


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def found(glossary, text: str, lang: str) -> list[tuple[str, str]]:
    return [(m.surface, m.entry.en) for m in glossary.find(text, lang)]


def test_labelled_set_is_large_and_bilingual():
    records = load_labels(LABELS)
    langs = {r["lang"] for r in records}
    assert len(records) >= 300 and langs == {"ru", "en"}
    assert sum(len(r["terms"]) for r in records) >= 400
    assert all(r["text"].count(surface) >= 1 for r in records for surface, _ in r["terms"])


def test_matcher_meets_the_precision_and_recall_floors(glossary):
    result = score(glossary_finder(glossary), load_labels(LABELS))
    report = "\n".join(f"{kind}: {surface} ({entry}) in {text}" for kind, rows in
                       (("false", result.false), ("missed", result.missed)) for text, surface, entry in rows)
    assert result.precision >= 0.97, report
    assert result.recall >= 0.9, report


def test_scorer_counts_surfaces_and_entries_as_multisets():
    records = [{"lang": "ru", "text": "a b a", "terms": [["a", "X"], ["a", "X"], ["b", "Y"]]},
               {"lang": "en", "text": "c", "terms": []}]
    answers = {"a b a": [("a", "x"), ("b", "Z")], "c": [("c", "W")]}
    result = score(lambda text, lang: answers[text], records)
    assert (result.tp, result.fp, result.fn) == (1, 2, 2)
    assert result.precision == pytest.approx(1 / 3) and result.recall == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        # logs are no logits: a slang stem never meets a dictionary lemma
        ("Утром открыл логи, в логах и логов не видно ошибок.", "ru", []),
        ("Посчитали логиты, по логитам видно насыщение.", "ru", [("логиты", "logits"), ("логитам", "logits")]),
        # capitalised words of English names and titles are no terms; names that are entries are
        ("Carson Research выложили препринт.", "ru", [("препринт", "preprint")]),
        ("Google Research released a benchmark.", "en", [("benchmark", "benchmark")]),
        ("Research shows that the benchmark leaks.", "en", [("Research", "research"), ("benchmark", "benchmark")]),
        ("Multitask Prompted Training Enables Zero-Shot Task Generalization", "en", []),
        ("Azure OpenAI in Foundry Models", "en", [("OpenAI", "OpenAI")]),
        ("The Transformer uses attention.", "en", [("Transformer", "transformer"), ("attention", "attention")]),
        (
            "Веса LLaMA и Токенизатор Яндекса",
            "ru",
            [("Веса", "weights"), ("LLaMA", "LLaMA"), ("Токенизатор", "tokenizer")],
        ),
        # a bound prefix makes another word
        ("the pre-tokenization step of the tokenizer", "en", [("tokenizer", "tokenizer")]),
        ("BPE-токенизация", "ru", [("BPE", "BPE"), ("токенизация", "tokenization")]),
        # names glued to a final period or a digit-hyphen suffix
        ("уровень ViT. Выбрали AdamW.", "ru", [("ViT", "ViT"), ("AdamW", "AdamW")]),
        ("модели вроде T5-XXL", "ru", [("T5", "T5")]),
        # everyday senses: archive, a downstream gradient
        ("Закинул всё в архив.", "ru", []),
        ("Статья про arXiv-препринты", "ru", [("arXiv", "arXiv"), ("препринты", "preprint")]),
        ("the downstream gradient of the layer", "en", [("gradient", "gradient"), ("layer", "layer")]),
    ],
)
def test_precision_rules(glossary, text, lang, expected):
    assert found(glossary, text, lang) == expected


@pytest.mark.parametrize(
    "surface, entry, rendering",
    [
        ("видеокартах", "GPU", "GPUs"),
        ("видеокарта", "GPU", "GPU"),
        ("ЛЛМ", "LLM", "LLM"),
        ("Т5", "T5", "T5"),
        ("ГПТ-3", "GPT-3", "GPT-3"),
        ("флопсы", "FLOPs", "FLOPs"),
        ("KV-кэш", "KV cache", "KV cache"),
        ("BERT", "BERT", "BERT"),
        ("gpt3", "GPT-3", "gpt3"),
    ],
)
def test_keep_terms_never_copy_another_script(glossary, surface, entry, rendering):
    from notelingo.glossary.inflect import keep_spelling

    assert keep_spelling(surface, glossary.get(entry)) == rendering


def test_translation_spans_render_a_cyrillic_keep_variant_in_latin(glossary):
    from notelingo.protect.mask import find_protected_spans

    spans = find_protected_spans("На видеокартах A100 всё летает", "ru", "en", glossary)
    assert [(s.text, s.rendering) for s in spans if s.kind == "term"] == [("видеокартах", "GPUs")]


def _uses(*pairs):
    from types import SimpleNamespace

    from notelingo.schema import TermUse

    terms = [TermUse(entry=entry, lang="ru", block="b1", start=0, end=len(surface), surface=surface,
                     policy="keep", rendering={"en": rendering}) for entry, surface, rendering in pairs]
    return [SimpleNamespace(terms=terms)]


@pytest.mark.parametrize("with_glossary", [True, False])
def test_stats_flag_a_keep_term_left_in_the_source_script(glossary, with_glossary):
    from notelingo.glossary.stats import format_stats_line, term_stats

    notes = _uses(("GPU", "видеокартах", "видеокартах"), ("GPU", "видеокарте", "GPU"), ("BERT", "BERT", "BERT"))
    gpu, bert = term_stats(notes, glossary if with_glossary else None)
    assert (gpu.entry, gpu.consistent, dict(gpu.source_script)) == ("GPU", False, {"видеокартах": 1})
    assert "left in the source script (видеокартах)" in format_stats_line(gpu)
    assert bert.consistent and not bert.source_script


def test_stats_accept_the_latin_rendering_of_a_cyrillic_keep_variant(glossary):
    from notelingo.glossary.stats import term_stats

    [item] = term_stats(_uses(("GPU", "видеокартах", "GPUs"), ("GPU", "видеокарта", "GPU")), glossary)
    assert item.consistent


# Entries of the third coverage round (CV, RNN/NLP, optimisation, evaluation), as Russian and English
# ML text writes them; each entry names its public source in `note`.
COVERAGE_ROUND_3 = [
    ("После детекции применяем подавление немаксимумов к рамкам", "ru", "подавление немаксимумов",
     "non-maximum suppression"),
    ("We run non-max suppression on the boxes", "en", "non-max suppression", "non-maximum suppression"),
    ("Сеть предсказывает смещения якорных рамок", "ru", "якорных рамок", "anchor box"),
    ("YOLO uses anchor boxes of three sizes", "en", "anchor boxes", "anchor box"),
    ("Векторы вентиля обновления и вентиля сброса считаются сигмоидой", "ru", "вентиля обновления", "update gate"),
    ("В GRU нет выходного вентиля", "ru", "выходного вентиля", "output gate"),
    ("Обучаем сиамскую сеть на парах лиц", "ru", "сиамскую сеть", "Siamese network"),
    ("FaceNet is trained with the triplet loss", "en", "triplet loss", "triplet loss"),
    ("Посмотрим на матрицу ошибок классификатора", "ru", "матрицу ошибок", "confusion matrix"),
    ("Гиперпараметры выбираем по кросс-валидации", "ru", "кросс-валидации", "cross-validation"),
    ("Веса внимания нормируются софтмаксом", "ru", "Веса внимания", "attention weights"),
    ("Градиент считают обратным распространением ошибки во времени", "ru",
     "обратным распространением ошибки во времени", "backpropagation through time"),
    ("Beam search with length normalization prefers longer outputs", "en", "length normalization",
     "length normalization"),
    ("Ансамбль из случайного леса и градиентного бустинга", "ru", "случайного леса", "random forest"),
]


@pytest.mark.parametrize("text, lang, surface, entry", COVERAGE_ROUND_3)
def test_third_round_entries_are_found_in_their_forms(glossary, text, lang, surface, entry):
    assert (surface, entry) in found(glossary, text, lang)


# Entries of the fourth coverage round (statistics, linear algebra, classical ML, RL, evaluation), in
# sentences written for this test; each entry names its public source in `note`.
COVERAGE_ROUND_4 = [
    ("Оценим математическое ожидание и дисперсию случайной величины", "ru", "математическое ожидание",
     "expected value"),
    ("Оценим математическое ожидание и дисперсию случайной величины", "ru", "случайной величины", "random variable"),
    ("Шум берём из нормального распределения с нулевым средним", "ru", "нормального распределения",
     "normal distribution"),
    ("We sample the noise from a Gaussian distribution", "en", "Gaussian distribution", "normal distribution"),
    ("По формуле Байеса получаем апостериорное распределение", "ru", "формуле Байеса", "Bayes' theorem"),
    ("Bayes' rule gives the posterior probability of each class", "en", "Bayes' rule", "Bayes' theorem"),
    ("Параметры подбираем методом максимального правдоподобия", "ru", "методом максимального правдоподобия",
     "maximum likelihood estimation"),
    ("We maximise the log-likelihood of the training data", "en", "log-likelihood", "log-likelihood"),
    ("Скрытые переменные модели находим EM-алгоритмом", "ru", "EM-алгоритмом", "expectation-maximization"),
    ("Собственные векторы ковариационной матрицы задают главные оси", "ru", "ковариационной матрицы",
     "covariance matrix"),
    ("The Hessian is a symmetric matrix", "en", "symmetric matrix", "symmetric matrix"),
    ("Сингулярное разложение даёт низкоранговое приближение матрицы", "ru", "Сингулярное разложение",
     "singular value decomposition"),
    ("Считаем скалярное произведение запроса и ключа", "ru", "скалярное произведение", "dot product"),
    ("Веса линейной регрессии находим методом наименьших квадратов", "ru", "методом наименьших квадратов",
     "least squares"),
    ("Опорные векторы лежат ближе всего к разделяющей гиперплоскости", "ru", "разделяющей гиперплоскости",
     "hyperplane"),
    ("Для текстов хорошо работает наивный байесовский классификатор", "ru", "наивный байесовский классификатор",
     "naive Bayes"),
    ("Бэггинг уменьшает разброс, а бустинг — смещение", "ru", "Бэггинг", "bagging"),
    ("Агент решает марковский процесс принятия решений через уравнение Беллмана", "ru", "уравнение Беллмана",
     "Bellman equation"),
    ("Q-learning updates the action values off-policy", "en", "Q-learning", "Q-learning"),
    ("The F1 score and the specificity of the classifier", "en", "specificity", "specificity"),
    ("Lasso даёт разреженные веса, в отличие от L2-регуляризации", "ru", "Lasso", "LASSO"),
    ("В данных много выбросов, и дисбаланс классов заметный", "ru", "дисбаланс классов", "class imbalance"),
    ("Метрика RMSE чувствительна к выбросам", "ru", "RMSE", "RMSE"),
    ("The model is stuck in one of many local minima", "en", "local minima", "local minimum"),
]


@pytest.mark.parametrize("text, lang, surface, entry", COVERAGE_ROUND_4)
def test_fourth_round_entries_are_found_in_their_forms(glossary, text, lang, surface, entry):
    assert (surface, entry) in found(glossary, text, lang)


@pytest.mark.parametrize(
    "text, lang",
    [
        # everyday senses of the round's words stay unmarked: a kernel of Linux, a margin in a race, vectors
        # and matrices in plain English, the normalization of text before tokenization
        ("The Linux kernel won by a wide margin.", "en"),
        ("Обновили ядро системы, отступ в коде поправили.", "ru"),
        ("The normalization step lowercases the text.", "en"),
    ],
)
def test_fourth_round_everyday_words_are_no_terms(glossary, text, lang):
    assert found(glossary, text, lang) == []
