"""Matching glossary terms in English and Russian text (shipped glossary)."""

from __future__ import annotations

import pytest

from notelingo.glossary import fastfind, load_glossary, matcher


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def found(glossary, text: str, lang: str) -> list[str]:
    return [m.entry.en for m in glossary.find(text, lang)]


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Мы зафайнтюнили модель на трёх датасетах", "ru", ["fine-tuning", "dataset"]),
        ("Трансформерами с промтами занимаются все", "ru", ["transformer", "prompt"]),
        ("эмбеддинги токенов после BPE-токенизации", "ru", ["embedding", "token", "BPE", "tokenization"]),
        (
            "We fine-tuned transformers on several datasets with few-shot prompts",
            "en",
            ["fine-tuning", "transformer", "dataset", "few-shot", "prompt"],
        ),
    ],
)
def test_done_when_sentences(glossary, text, lang, expected):
    assert found(glossary, text, lang) == expected


# (surface form inside a short sentence, language, expected entry)
INFLECTED = [
    ("зафайнтюнили", "ru", "fine-tuning"),
    ("зафайнтюнить", "ru", "fine-tuning"),
    ("зафайнтюнил", "ru", "fine-tuning"),
    ("файнтюнингом", "ru", "fine-tuning"),
    ("файн-тюнинга", "ru", "fine-tuning"),
    ("дообучения", "ru", "fine-tuning"),
    ("дообучили", "ru", "fine-tuning"),
    ("дообученной", "ru", "fine-tuning"),
    ("датасетах", "ru", "dataset"),
    ("датасетов", "ru", "dataset"),
    ("датасет", "ru", "dataset"),
    ("наборе данных", "ru", "dataset"),
    ("промтами", "ru", "prompt"),
    ("промптов", "ru", "prompt"),
    ("промпт", "ru", "prompt"),
    ("эмбеддинги", "ru", "embedding"),
    ("эмбеддингами", "ru", "embedding"),
    ("трансформеров", "ru", "transformer"),
    ("Трансформер", "ru", "transformer"),
    ("пейпер", "ru", "paper"),
    ("пейперы", "ru", "paper"),
    ("реджекта", "ru", "reject"),
    ("зареджектили", "ru", "reject"),
    ("реджектнули", "ru", "reject"),
    ("скейлинга", "ru", "scaling"),
    ("масштабированием", "ru", "scaling"),
    ("языковой моделью", "ru", "language model"),
    ("языковых моделей", "ru", "language model"),
    ("маскированного языкового моделирования", "ru", "masked language modeling"),
    ("маскирование", "ru", "masking"),
    ("механизмом внимания", "ru", "attention"),
    ("батчами", "ru", "batch"),
    ("инференса", "ru", "inference"),
    ("чекпоинты", "ru", "checkpoint"),
    ("функцию потерь", "ru", "loss function"),
    ("лосса", "ru", "loss"),
    ("контрастивного обучения", "ru", "contrastive learning"),
    ("обучением с подкреплением", "ru", "reinforcement learning"),
    ("нейросетями", "ru", "neural network"),
    ("токенизатора", "ru", "tokenizer"),
    ("бейзлайном", "ru", "baseline"),
    ("Т5", "ru", "T5"),
    ("fine-tuning", "ru", "fine-tuning"),
    ("PMI-маскирование", "ru", "PMI"),
    ("fine-tuned", "en", "fine-tuning"),
    ("fine-tuning", "en", "fine-tuning"),
    ("finetuning", "en", "fine-tuning"),
    ("fine tuning", "en", "fine-tuning"),
    ("fine-tunes", "en", "fine-tuning"),
    ("datasets", "en", "dataset"),
    ("transformers", "en", "transformer"),
    ("Transformers", "en", "transformer"),
    ("prompts", "en", "prompt"),
    ("prompted", "en", "prompt"),
    ("embeddings", "en", "embedding"),
    ("pre-trained model", "en", "pretrained model"),
    ("pretraining", "en", "pre-training"),
    ("LLMs", "en", "LLM"),
    ("GANs", "en", "GAN"),
    ("masked language modelling", "en", "masked language modeling"),
    ("self-attention", "en", "self-attention"),
    ("checkpoints", "en", "checkpoint"),
    ("hallucinated", "en", "hallucination"),
    ("tokenizers", "en", "tokenizer"),
    ("GPT-3", "en", "GPT-3"),
    ("state-of-the-art", "en", "state of the art"),
    ("статье-пейпере", "ru", "paper"),
    ("sampling", "en", "sampling"),
    ("samplings", "en", "sampling"),
    ("attention-based", "en", "attention"),
    ("внимание-based", "ru", "attention"),
]


# Everyday words that are generic forms of an entry, or that only share a stem
# with a gerund entry: no term unless a longer form or a hyphen compound says so.
@pytest.mark.parametrize(
    "text, lang",
    [
        ("Обратите внимание на эту статью.", "ru"),
        ("Обучение заняло неделю, исследование тоже.", "ru"),
        ("Точность выросла, задержка упала, словарь большой.", "ru"),
        ("Мой ноутбук сломался в эту эпоху.", "ru"),
        ("We reject the claim and recall the samples at scale.", "en"),
        ("Compute the mean; the new feature ships in production.", "en"),
        ("They train every morning.", "en"),
    ],
)
def test_generic_words_are_no_terms(glossary, text, lang):
    assert found(glossary, text, lang) == []


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("Обратите внимание: механизм внимания в трансформере", "ru", ["attention", "transformer"]),
        ("машинное обучение и обучение с подкреплением", "ru", ["machine learning", "reinforcement learning"]),
        ("the training set and the training loop", "en", ["training set", "training loop"]),
        ("the training set and the training run", "en", ["training set", "training"]),
    ],
)
def test_longer_forms_of_generic_entries_still_match(glossary, text, lang, expected):
    assert found(glossary, text, lang) == expected


@pytest.mark.parametrize("surface, lang, expected", INFLECTED)
def test_inflected_forms(glossary, surface, lang, expected):
    text = f"Вот {surface} тут." if lang == "ru" else f"Here {surface} there."
    matches = glossary.find(text, lang)
    assert [m.entry.en for m in matches][:1] == [expected]
    assert text[matches[0].start:matches[0].end] == matches[0].surface


@pytest.mark.parametrize(
    "text, lang",
    [
        ("bpe is lower case", "en"),  # acronyms are case-sensitive
        ("see https://example.com/datasets/prompt and arxiv.org/abs/BPE", "en"),
        ("write to dataset@example.org", "en"),
        ("call `fine_tune(dataset)` now", "en"),
        ("the value $\\mathcal{L}_{BPE}$ here", "en"),
        ("код `датасет` и $BPE$", "ru"),
    ],
)
def test_no_match_in_protected_spans_or_wrong_case(glossary, text, lang):
    assert glossary.find(text, lang) == []


def test_longest_match_wins(glossary):
    matches = glossary.find("masked language modeling and language models", "en")
    assert [(m.surface, m.entry.en) for m in matches] == [
        ("masked language modeling", "masked language modeling"),
        ("language models", "language model"),
    ]


def test_prices_are_not_latex(glossary):
    assert found(glossary, "it cost $5M and $10M for training the transformer", "en") == ["training", "transformer"]


def test_find_does_per_sentence_work_only(glossary, monkeypatch):
    # Work, not seconds (bench/glossary_speed.py times it): once a language's matcher exists, a
    # sentence builds no matcher, hashes no glossary and analyses no word it has seen before.
    sentences = [
        ("Мы зафайнтюнили модель на трёх датасетах", "ru"),
        ("We fine-tuned transformers on several datasets with few-shot prompts", "en"),
    ]
    first = [found(glossary, text, lang) for text, lang in sentences]
    built, hashed, analysed = [], [], []
    monkeypatch.setattr(fastfind, "load_table", lambda *args: built.append(args))
    monkeypatch.setattr(matcher, "content_key", lambda glossary: hashed.append(glossary))
    new_key = fastfind.FastMatcher._new_key
    monkeypatch.setattr(fastfind.FastMatcher, "_new_key",
                        lambda self, word: analysed.append(word) or new_key(self, word))
    again = [[found(glossary, text, lang) for text, lang in sentences] for _ in range(50)]
    assert again == [first] * 50 and first == [["fine-tuning", "dataset"],
                                               ["fine-tuning", "transformer", "dataset", "few-shot", "prompt"]]
    assert (built, hashed, analysed) == ([], [], [])


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("a learning-rate warmup", "en", [("learning-rate", "learning rate"), ("warmup", "warmup")]),
        ("neural-network models", "en", [("neural-network", "neural network")]),  # English hyphenates a compound
        ("mixed-precision training", "en", [("mixed-precision", "mixed precision"), ("training", "training")]),
        ("the sample-mean estimate", "en", [("sample-mean", "sample mean")]),
        ("(sample - mean) ** 2", "en", []),  # a spaced hyphen is a minus or a dash, no compound
        ("fine - tuning", "en", []),
        ("функции-потерь", "ru", []),  # Russian writes no such compound: its forms keep their spaces
        ("fine-tuning", "en", [("fine-tuning", "fine-tuning")]),
    ],
)
def test_multiword_english_forms_match_hyphenated(glossary, text, lang, expected):
    assert [(m.surface, m.entry.en) for m in glossary.find(text, lang)] == expected


def test_pattern_surfaces_table():
    assert matcher.pattern_surfaces("fine-tuning") == ["fine-tuning", "fine tuning", "finetuning"]
    assert matcher.pattern_surfaces("learning rate") == ["learning rate", "learning-rate"]
    assert matcher.pattern_surfaces("функция потерь") == ["функция потерь"]
    assert matcher.pattern_surfaces("GPT-3") == ["GPT-3"]
    assert matcher.pattern_surfaces("E-step") == ["E-step"]  # no 'e steps', 'm steps' (a variable)


@pytest.mark.parametrize(
    "form, expected",
    [("свёрточная нейронная сеть", ["свёрточная нейронная сеть", "свёрточная нейросеть"]),
     ("сиамские нейронные сети", ["сиамские нейронные сети", "сиамские нейросети"]),
     ("нейронная сеть прямого распространения", ["нейронная сеть прямого распространения",
                                                "нейросеть прямого распространения"]),
     ("нейронный перенос стиля", ["нейронный перенос стиля"]),  # no network in it
     ("нейронная сетка", ["нейронная сетка"]),  # another word
     ("neural network", ["neural network", "neural-network"])],
)
def test_pattern_surfaces_shorten_neural_network(form, expected):
    """Russian writes «нейросеть» for «нейронная сеть» inside any term, as alone."""
    assert matcher.pattern_surfaces(form) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("Свёрточная нейросеть распознаёт цифры.", [("Свёрточная нейросеть", "convolutional neural network")]),
     ("в рекуррентной нейросети", [("рекуррентной нейросети", "recurrent neural network")]),
     ("глубокие нейросети", [("глубокие нейросети", "deep neural network")]),
     ("Нейросеть обучена.", [("Нейросеть", "neural network")])],
)
def test_short_neural_network_matches_whole_terms(glossary, text, expected):
    assert [(m.surface, m.entry.en) for m in glossary.find(text, "ru")] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("к скрытому слою", [("скрытому слою", "hidden layer")]),  # «слою» reads first as a form of «слоить»
        ("в скрытом слое", [("скрытом слое", "hidden layer")]),  # «скрытом» as «скрыть»
        ("на обучающих данных", [("обучающих данных", "training data")]),  # «обучающих» as «обучать»
        ("по факторному графу", [("факторному графу", "factor graph")]),  # «графу» as «графа»
        ("для стохастических политик", [("стохастических политик", "stochastic policy")]),  # «политик» as «политик»
        ("голов внимания", [("голов внимания", "attention head")]),  # «голов» as «гол»
    ],
)
def test_multiword_russian_forms_match_in_every_case(glossary, text, expected):
    assert [(m.surface, m.entry.en) for m in glossary.find(text, "ru")] == expected


def test_inflected_surfaces_table():
    surfaces = matcher.inflected_surfaces("скрытый слой")
    assert {"скрытому слою", "скрытом слое"} <= set(surfaces)  # «скрыть», «слоить»: other lemmas first
    assert "скрытого слоя" not in surfaces  # read as «скрытый слой» already: the form's own keys match it
    assert matcher.inflected_surfaces("логика первого порядка")[:1] == ["логик первого порядка"]  # «логик», a logician
    assert matcher.inflected_surfaces("слой") == []  # one word alone: its other readings would bring other words in
    assert matcher.inflected_surfaces("hidden layer") == []
    assert matcher.inflected_surfaces("все против всех") == []  # no noun head: «война всех против всех»


@pytest.mark.parametrize(
    "word, stem",
    [
        ("ненасыщающаяся", "ненасыщающ"),  # an unknown participle: the reflexive ending goes first
        ("ненасыщающейся", "ненасыщающ"),
        ("ненасыщающимися", "ненасыщающ"),
        ("датасетах", "датас"),  # no reflexive ending: as before
        ("ось", "ось"),  # too short to lose one
    ],
)
def test_russian_stem_table(word, stem):
    assert matcher.russian_stem(word) == stem


def test_a_reflexive_participle_in_a_term_matches_in_every_case(glossary):
    found = [(m.surface, m.entry.en) for m in glossary.find("с ненасыщающейся функцией потерь", "ru")]
    assert found == [("ненасыщающейся функцией потерь", "non-saturating loss")]
