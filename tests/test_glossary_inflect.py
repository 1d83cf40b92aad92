"""Glossary renderings agree in number with the source surface, in both directions."""

from __future__ import annotations

import pytest

from notelingo.glossary import load_glossary
from notelingo.glossary.inflect import pluralize_english, pluralize_russian, render_term
from notelingo.protect.mask import find_protected_spans


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


# (entry, surface as found in the source, target language, expected rendering)
RU_TO_EN = [
    ("token", "токены", "tokens"),
    ("token", "токенов", "tokens"),
    ("token", "токен", "token"),
    ("dataset", "датасетах", "datasets"),
    ("dataset", "датасет", "dataset"),
    ("dataset", "наборах данных", "datasets"),
    ("prompt", "промтами", "prompts"),  # slang pymorphy3 does not know: the ending decides
    ("embedding", "эмбеддинги", "embeddings"),  # an -ing noun that has a plural
    ("transformer", "трансформеров", "transformers"),
    ("checkpoint", "чекпоинты", "checkpoints"),
    ("batch", "батчами", "batches"),
    ("paper", "пейперы", "papers"),
    ("language model", "языковых моделей", "language models"),
    ("mixture of experts", "смесях экспертов", "mixtures of experts"),
    ("loss", "лоссы", "losses"),
    ("weights", "весов", "weights"),  # already plural
    ("attention", "механизмах внимания", "attention"),  # uncountable
    ("reject", "зареджектили", "reject"),  # a verb: no noun number
    ("dataset", "datasets", "datasets"),  # English in Russian text
]

EN_TO_RU = [
    ("dataset", "datasets", "датасеты"),
    ("dataset", "data sets", "датасеты"),
    ("dataset", "dataset", "датасет"),
    ("prompt", "prompts", "промпты"),
    ("embedding", "embeddings", "эмбеддинги"),
    ("language model", "language models", "языковые модели"),
    ("neural network", "neural networks", "нейронные сети"),
    ("loss function", "loss functions", "функции потерь"),
    ("mini-batch", "mini-batches", "мини-батчи"),
    ("F1 score", "F1 scores", "F1-меры"),
    ("transformer", "Transformers", "трансформеры"),
    ("weights", "weights", "веса"),
    ("logits", "logits", "логиты"),
    ("attention", "attention", "внимание"),
    ("fine-tuning", "fine-tunings", "дообучение"),  # verb forms: see VERBS below
]


@pytest.mark.parametrize("entry, surface, expected", RU_TO_EN)
def test_ru_to_en_rendering_agrees_in_number(glossary, entry, surface, expected):
    assert render_term(glossary.get(entry), surface, "en") == expected


@pytest.mark.parametrize("entry, surface, expected", EN_TO_RU)
def test_en_to_ru_rendering_agrees_in_number(glossary, entry, surface, expected):
    assert render_term(glossary.get(entry), surface, "ru") == expected


@pytest.mark.parametrize(
    "singular, plural",
    [("dataset", "datasets"), ("batch", "batches"), ("loss", "losses"), ("policy", "policies"),
     ("key", "keys"), ("mixture of experts", "mixtures of experts"), ("F1 score", "F1 scores")],
)
def test_pluralize_english(singular, plural):
    assert pluralize_english(singular) == plural


@pytest.mark.parametrize(
    "singular, plural",
    [("датасет", "датасеты"), ("языковая модель", "языковые модели"), ("набор данных", "наборы данных"),
     ("свёрточная нейронная сеть", "свёрточные нейронные сети"), ("токен-маска", "токен-маски")],
)
def test_pluralize_russian(singular, plural):
    assert pluralize_russian(singular) == plural


@pytest.mark.parametrize(
    "text, src, tgt, expected",
    [
        ("Мы собрали токены и датасеты.", "ru", "en", ["tokens", "datasets"]),
        ("Датасеты важны.", "ru", "en", ["Datasets"]),  # a sentence start stays capitalised
        ("Хорошие датасеты важны.", "ru", "en", ["datasets"]),
        ("We release two datasets and a prompt.", "en", "ru", ["датасеты", "промпт"]),
    ],
)
def test_protect_enforces_the_agreeing_rendering(glossary, text, src, tgt, expected):
    spans = find_protected_spans(text, src, tgt, glossary)
    assert [s.rendering for s in spans if s.kind == "term"] == expected


@pytest.mark.parametrize(
    "text, expected",
    [("Модель Т5 лучше", "T5"), ("Модель T5 лучше", "T5"), ("Модель GPT3 лучше", "GPT3")],
)
def test_keep_terms_typed_with_cyrillic_lookalikes_render_in_latin(glossary, text, expected):
    [span] = [s for s in find_protected_spans(text, "ru", "en", glossary) if s.kind == "term"]
    assert span.rendering == expected


def _use(entry, surface, rendering, policy="translate"):
    from notelingo.schema import TermUse

    return TermUse(
        entry=entry,
        lang="ru",
        block="b1",
        start=0,
        end=len(surface),
        surface=surface,
        policy=policy,
        rendering={"en": rendering},
    )


def _note_with_terms(terms):
    from notelingo.schema import Note, Signature, Source

    return Note(id="n", lang="ru", lang_confidence=1.0, title="t", source=Source(kind="text", path="x"),
                terms=terms, signature=Signature(notelingo="0"))


@pytest.mark.parametrize(
    "uses, consistent",
    [
        (
            [
                ("dataset", "датасеты", "datasets"),
                ("dataset", "датасет", "dataset"),
                ("dataset", "Датасеты", "Datasets"),
            ],
            True,
        ),
        ([("dataset", "датасет", "data")], False),
        ([("in-context learning", "обучение в контексте", "in-context learning (обучение в контексте)")], True),
        ([("attention", "внимании", "attentions")], False),  # uncountable: no plural allowed
    ],
)
def test_stats_accept_number_and_case_of_the_glossary_rendering(glossary, uses, consistent):
    from notelingo.glossary.stats import term_stats

    terms = [_use(*use) for use in uses]
    note = _note_with_terms(terms)
    [item] = term_stats([note], glossary)
    assert item.consistent is consistent


def test_stats_keep_terms_are_consistent_when_unchanged(glossary):
    from notelingo.glossary.stats import term_stats

    terms = [
        _use("t-SNE", "tSNE", "tSNE", "keep"),
        _use("t-SNE", "t-SNE", "t-SNE", "keep"),
        _use("T5", "Т5", "T5", "keep"),
    ]
    note = _note_with_terms(terms)
    assert [item.consistent for item in term_stats([note], glossary)] == [True, True]


# Verb forms of noun entries: Russian slang verbs become English verbs; English verbs going
# to Russian are left to the model (a forced noun would read "Мы дообучение модель").
VERBS = [
    ("fine-tuning", "зафайнтюнили", "en", "fine-tuned"),
    ("fine-tuning", "зафайнтюнить", "en", "fine-tune"),
    ("fine-tuning", "дообучили", "en", "fine-tuned"),
    ("pre-training", "претрейнили", "en", "pre-trained"),
    ("fine-tuning", "файнтюнинг", "en", "fine-tuning"),  # the noun stays a noun
    ("fine-tuning", "fine-tuned", "ru", ""),
    ("fine-tuning", "fine-tune", "ru", ""),
    ("fine-tuning", "Fine-tuning", "ru", "дообучение"),
]


@pytest.mark.parametrize("entry, surface, tgt, expected", VERBS)
def test_verb_forms_render_as_verbs_or_are_left_to_the_model(glossary, entry, surface, tgt, expected):
    assert render_term(glossary.get(entry), surface, tgt) == expected


def test_english_verb_form_is_not_forced_into_a_russian_noun(glossary):
    spans = find_protected_spans("We fine-tuned BERT on datasets.", "en", "ru", glossary)
    renderings = {span.text: span.rendering for span in spans}
    assert "fine-tuned" not in renderings
    assert renderings["BERT"] == "BERT" and renderings["datasets"] == "датасеты"
