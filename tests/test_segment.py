"""Sentence splitting: exact partition of the block, long sentences cut, never truncated."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelingo.mt.segment import Piece, join_translations, sentencizer, split_block


def words(text: str) -> int:
    return len(text.split())


def rebuilt(text: str, pieces: list[Piece]) -> str:
    return "".join(p.text + p.sep for p in pieces)


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("ru", "Первое предложение. Второе предложение!", ["Первое предложение.", "Второе предложение!"]),
        ("en", "One. Two? Three!", ["One.", "Two?", "Three!"]),
        ("en", "Line one\nLine two", ["Line one", "Line two"]),
        ("ru", "Абзац один.\n\nАбзац два.", ["Абзац один.", "Абзац два."]),
        ("en", "See https://arxiv.org/abs/2010.01825. Next.", ["See https://arxiv.org/abs/2010.01825.", "Next."]),
        ("en", "Formula $p(a). b$ stays whole.", ["Formula $p(a). b$ stays whole."]),
        ("de", "Erster Satz. Zweiter Satz.", ["Erster Satz.", "Zweiter Satz."]),
        ("en", "   ", []),
    ],
)
def test_split_block_sentences(lang, text, expected):
    pieces = split_block(text, lang)
    assert [p.text for p in pieces] == expected
    assert rebuilt(text, pieces) == text.lstrip()


@pytest.mark.parametrize("limit", [3, 5, 8])
def test_long_sentence_is_cut_to_fit_and_nothing_is_lost(limit):
    text = ("Это очень длинное предложение, в котором много слов; оно идёт и идёт — без конца, "
            "пока модель не устанет считать токены.")
    pieces = split_block(text, "ru", limit, words)
    assert len(pieces) > 1
    assert all(words(p.text) <= limit for p in pieces)
    assert rebuilt(text, pieces) == text


def test_a_word_longer_than_the_limit_is_cut_between_characters():
    text = "x" * 50
    pieces = split_block(text, "en", 10, len)
    assert [len(p.text) for p in pieces] == [10] * 5
    assert rebuilt(text, pieces) == text


def test_clause_cuts_avoid_formulas():
    text = "Intro words here, then $a, b, c, d, e$ and more words after it."
    pieces = split_block(text, "en", 6, words)
    assert any("$a, b, c, d, e$" in p.text for p in pieces)


def test_join_keeps_line_breaks():
    pieces = split_block("Один. Два.\n\nТри.", "ru")
    assert join_translations(pieces, ["One.", "Two.", "Three."]) == "One. Two.\n\nThree."


def test_sentencizer_is_cached_per_language():
    assert sentencizer("ru") is sentencizer("ru")
    assert sentencizer("ru") is not sentencizer("en")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(list("ab .,;!?\n$`—") + ["слово", "word", "MLM", " "]), max_size=40).map("".join))
def test_split_is_an_exact_partition(text):
    pieces = split_block(text, "en", 4, words)
    assert rebuilt(text, pieces) == text.lstrip()
    assert all(p.text.strip() for p in pieces)


SPLIT_EDGE_CASES = [
    "", " ", "Hi.", "e.g. this. And U.S. policy vs. that!", "It costs $20. The next one costs $30.",
    "Что? Да!! Нет... «Цитата.» (Скобка.) Конец", "т.е. модель, т.к. данные. Далее", "3.5 млрд. Итого",
    "Tabs\there.\tNext", "NBSP\u00a0here.\u00a0Next", "a  b.  C", "See arxiv.org/abs/2401.00001. Then",
    "Why?!  Because…  OK", "GPT-4o's. It's 'quoted.' Done", "Mr. Smith et al. (2020). Next", ":) Smile. :-( Sad.",
]


def _corpus_lines() -> list[str]:
    """Every line of the real and realistic text fixtures (Telegram dumps, blog notes, MDX, Markdown)."""
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    paths = sorted(p for suffix in ("txt", "md", "mdx") for p in fixtures.rglob(f"*.{suffix}"))
    lines = []
    for path in paths:
        lines += [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return list(dict.fromkeys(lines))


def test_sentences_split_without_spacy_as_spacy_splits_them(tmp_path, monkeypatch):
    """The spaCy-free path (cached tokenizer rules + the sentencizer's rule) cuts every line of the
    real corpus, both languages, where spaCy's blank pipeline + sentencizer cuts it."""
    from notelingo.mt import segment

    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(tmp_path))
    segment.fast_sentencizer.cache_clear()
    texts = _corpus_lines()
    assert len(texts) > 1000 and sum(any("а" <= c <= "я" for c in t) for t in texts) > 300
    lines = [(text, lang) for text in texts + SPLIT_EDGE_CASES for lang in ("ru", "en")]
    differing = []
    for line, lang in lines:
        spacy_bounds = [(s.start_char, s.end_char) for s in sentencizer(lang)(line).sents]
        if segment.sentence_bounds(line, lang) != spacy_bounds:
            differing.append((lang, line[:80]))
    assert differing == []
    assert list((tmp_path / "spacy-rules").glob("sentences-*.json"))  # the rules were cached
    segment.fast_sentencizer.cache_clear()


def test_other_languages_split_with_spacy():
    from notelingo.mt.segment import fast_sentencizer, sentence_bounds

    assert fast_sentencizer("de") is None
    assert sentence_bounds("Hallo Welt. Wie geht's? Gut.", "de") == [(0, 11), (12, 23), (24, 28)]


# Sentences from real course pages, READMEs and posts: a period inside a name or a number,
# or before a lower-case word, ends no sentence; one before a space and a capital does.
@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("en", "Offered by DeepLearning.AI. Enroll for free.", ["Offered by DeepLearning.AI.", "Enroll for free."]),
        ("en", "Practical Deep Learning for Coders by fast.ai is free. It uses PyTorch.",
         ["Practical Deep Learning for Coders by fast.ai is free.", "It uses PyTorch."]),
        ("en", "Transformers.js runs on Node.js and in the browser. No server is needed.",
         ["Transformers.js runs on Node.js and in the browser.", "No server is needed."]),
        ("en", "Use a small model, e.g. distilbert, for speed. Larger ones are slower.",
         ["Use a small model, e.g. distilbert, for speed.", "Larger ones are slower."]),
        ("en", "Large models, e.g. GPT-4, are costly. Small ones are not.",
         ["Large models, e.g. GPT-4, are costly.", "Small ones are not."]),
        ("en", "GPT-3.5 scores 70.0 on MMLU. GPT-4 scores 86.4.",
         ["GPT-3.5 scores 70.0 on MMLU.", "GPT-4 scores 86.4."]),
        ("en", "As shown by Vaswani et al. in 2017, attention suffices. The rest followed.",
         ["As shown by Vaswani et al. in 2017, attention suffices.", "The rest followed."]),
        ("ru", "Курс от DeepLearning.AI. Он бесплатный.", ["Курс от DeepLearning.AI.", "Он бесплатный."]),
        ("ru", "Модель, т.е. сеть, обучена на Python 3.5. Код открыт.",
         ["Модель, т.е. сеть, обучена на Python 3.5.", "Код открыт."]),
        ("ru", "Обучали на A100. Это заняло неделю.", ["Обучали на A100.", "Это заняло неделю."]),
        # The five names of issue 24 before a capital, the place a sentence end is most tempting.
        ("en", "Courses from DeepLearning.AI Coursera and fast.ai Part 2 run on Node.js Express, e.g. Next.js. "
               "GPT-3.5 Turbo is cheaper.",
         ["Courses from DeepLearning.AI Coursera and fast.ai Part 2 run on Node.js Express, e.g. Next.js.",
          "GPT-3.5 Turbo is cheaper."]),
        ("ru", "Курсы DeepLearning.AI и fast.ai, напр. на Node.js, e.g. React. Версия 3.5 Turbo дешевле.",
         ["Курсы DeepLearning.AI и fast.ai, напр. на Node.js, e.g. React.", "Версия 3.5 Turbo дешевле."]),
    ],
)
def test_a_period_inside_a_name_or_before_lower_case_ends_no_sentence(lang, text, expected):
    assert [p.text for p in split_block(text, lang)] == expected
