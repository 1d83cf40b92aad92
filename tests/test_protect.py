"""Protected spans: detection, mask/restore, and translation that never loses a span."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notelingo.errors import TranslationError
from notelingo.glossary import load_glossary
from notelingo.protect.mask import (
    FLAG_ALIGNED,
    FLAG_EMPTY_KEPT_SOURCE,
    FLAG_FALLBACK_SPLICE,
    SegmentRequest,
    Span,
    find_protected_spans,
    intact_spans,
    mask,
    restore,
)
from notelingo.protect.repair import translate_protected

CORPUS = Path(__file__).parent / "fixtures" / "corpus" / "text"


# --------------------------------------------------------------------------
# A small glossary with the same interface as notelingo.glossary.Glossary
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeEntry:
    en: str
    ru: str
    policy: str
    forms: dict = field(default_factory=dict)

    def target(self, lang: str) -> str:
        return self.en if lang == "en" or self.policy == "keep" else self.ru


@dataclass(frozen=True)
class FakeMatch:
    start: int
    end: int
    surface: str
    entry: FakeEntry


class FakeGlossary:
    def __init__(self, entries: list[FakeEntry]):
        self.entries = entries

    def find(self, text: str, lang: str) -> list[FakeMatch]:
        found = []
        for entry in self.entries:
            for form in entry.forms.get(lang, []):
                for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text, re.I):
                    found.append(FakeMatch(m.start(), m.end(), m.group(), entry))
        return sorted(found, key=lambda m: m.start)

    def render(self, entry, surface: str, text: str, start: int, tgt: str):
        from notelingo.glossary.inflect import render_in_text

        return render_in_text(entry, surface, text, start, tgt)


GLOSSARY = FakeGlossary([
    FakeEntry("MLM", "MLM", "keep", {"en": ["MLM"], "ru": ["MLM"]}),
    FakeEntry("fine-tuning", "дообучение", "translate",
              {"en": ["fine-tuning"], "ru": ["дообучение", "файнтюнинг"]}),
    FakeEntry("dataset", "датасет", "gloss", {"en": ["dataset"], "ru": ["датасет", "датасета"]}),
    FakeEntry("perplexity", "", "translate", {"en": ["perplexity"]}),  # no Russian form
])


# --------------------------------------------------------------------------
# Detection: a table
# --------------------------------------------------------------------------

LATEX_001 = r"\Delta w_{i,j} = \eta_w (A_w o_i o_j + B_w o_i +C_w o_j + D_w)"

DETECTION_CASES = [
    # (text, src, keep_acronyms, [(kind, text), ...])
    ("см. arxiv.org/abs/2010.01825.", "ru", True, [("url", "arxiv.org/abs/2010.01825")]),
    ("ссылка: https://huggingface.co/spaces/akhaliq/T0pp", "ru", True,
     [("url", "https://huggingface.co/spaces/akhaliq/T0pp")]),
    ("see (https://en.wikipedia.org/wiki/Bert_(model)).", "en", True,
     [("url", "https://en.wikipedia.org/wiki/Bert_(model)")]),
    ("go to www.example.com/page?x=1, then", "en", True, [("url", "www.example.com/page?x=1")]),
    ("open README.md and Node.js docs", "en", False, []),
    ("пишите на ivan.petrov@example.ru!", "ru", True, [("email", "ivan.petrov@example.ru")]),
    ("За наводку спасибо @addmeto", "ru", True, [("mention", "@addmeto")]),
    ("mail me@host.com not a mention", "en", False, [("email", "me@host.com")]),
    ("новости #машинноеобучение и #NLP", "ru", False, [("hashtag", "#машинноеобучение"), ("hashtag", "#NLP")]),
    ("C# and F# are languages, issue #12", "en", False, []),
    ("вызовите `model.generate(num_beams=4)` сначала", "ru", True, [("code", "`model.generate(num_beams=4)`")]),
    ("формула $E = mc^2$ известна", "ru", False, [("latex", "$E = mc^2$")]),
    ("it cost $20 and then $30 more", "en", False, []),
    ("display $$\\sum_i x_i$$ here", "en", False, [("latex", "$$\\sum_i x_i$$")]),
    ("inline \\(a+b\\) and \\[c^2\\]", "en", False, [("latex", "\\(a+b\\)"), ("latex", "\\[c^2\\]")]),
    (f"Weights are updated by Hebbian model, {LATEX_001}", "en", False, [("latex", LATEX_001)]),
    ("взаимной информации — PMI = p(ab) / (p(a) p(b)).", "ru", True, [("latex", "PMI = p(ab) / (p(a) p(b))")]),
    ("where x = 5 and more", "en", False, [("latex", "x = 5")]),
    ("статья arXiv:2110.08207v2 вышла", "ru", True, [("arxiv", "arXiv:2110.08207v2")]),
    ("id 2010.01825 here", "en", True, [("arxiv", "2010.01825")]),
    ("pi is 3.14159 and 2019.99999", "en", True, []),
    ("doi:10.1145/3442188.3445922.", "en", True, [("doi", "doi:10.1145/3442188.3445922")]),
    ("Модель заметно превосходит GPT-3 и GPT-4", "ru", True, [("acronym", "GPT-3"), ("acronym", "GPT-4")]),
    ("The large model has 175B parameters (~1000x BERT-base).", "en", True,
     [("acronym", "175B"), ("acronym", "1000x"), ("acronym", "BERT-base")]),
    ("a 1.3B model, ResNet-50 and T5-XXL", "en", True,
     [("acronym", "1.3B"), ("acronym", "ResNet-50"), ("acronym", "T5-XXL")]),
    ("bigscience/T0pp хорошая модель, API и FAQ, JL лемма", "ru", True,
     [("acronym", "T0pp"), ("acronym", "API"), ("acronym", "FAQ"), ("acronym", "JL")]),
    ("BPE-токенизацией и GPT-3-based models", "ru", True, [("acronym", "BPE"), ("acronym", "GPT-3")]),
    ("the 1st and 2nd place, T5 wins", "en", True, [("acronym", "T5")]),
    ("спецподразделения ДСР и США", "ru", True, []),
    ("VIEW IN TELEGRAM: BFG1000", "en", True, [("acronym", "BFG1000")]),
    ("GPT-3 API FAQ", "en", True, [("acronym", "GPT-3"), ("acronym", "API"), ("acronym", "FAQ")]),
    ("API, FAQ, GPT-4 and T0pp", "en", False, []),
    ("Обычно в MLM мы маскируем", "ru", False, []),
    ("url with id https://arxiv.org/abs/2010.01825 and @user", "en", True,
     [("url", "https://arxiv.org/abs/2010.01825"), ("mention", "@user")]),
    ("code `see https://x.com` wins", "en", True, [("code", "`see https://x.com`")]),
    ("", "en", True, []),
]


@pytest.mark.parametrize("text,src,keep,expected", DETECTION_CASES)
def test_find_protected_spans_table(text, src, keep, expected):
    tgt = "en" if src == "ru" else "ru"
    spans = find_protected_spans(text, src, tgt, keep_acronyms=keep)
    assert [(s.kind, s.text) for s in spans] == expected
    for span in spans:
        assert text[span.start:span.end] == span.text == span.rendering


GLOSSARY_CASES = [
    # (text, src, tgt, [(kind, text, rendering, policy)])
    ("Обычно в MLM мы маскируем", "ru", "en", [("term", "MLM", "MLM", "keep")]),
    ("мы сделали файнтюнинг модели", "ru", "en", [("term", "файнтюнинг", "fine-tuning", "translate")]),
    ("we use fine-tuning here", "en", "ru", [("term", "fine-tuning", "дообучение", "translate")]),
    (
        "a new dataset and the dataset",
        "en",
        "ru",
        [("term", "dataset", "датасет (dataset)", "gloss"), ("term", "dataset", "датасет", "gloss")],
    ),
    ("low perplexity", "en", "ru", []),  # no target form: the model translates it
    (
        "see https://x.org/fine-tuning now",
        "en",
        "ru",
        [("url", "https://x.org/fine-tuning", "https://x.org/fine-tuning", None)],
    ),
]


@pytest.mark.parametrize("text,src,tgt,expected", GLOSSARY_CASES)
def test_glossary_terms(text, src, tgt, expected):
    spans = find_protected_spans(text, src, tgt, glossary=GLOSSARY)
    assert [(s.kind, s.text, s.rendering, s.policy) for s in spans] == expected
    assert all(s.entry for s in spans if s.kind == "term")


def test_spans_sorted_and_disjoint_on_corpus():
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = find_protected_spans(text, "ru", "en")
        assert spans, path.name
        for a, b in zip(spans, spans[1:]):
            assert a.end <= b.start


# --------------------------------------------------------------------------
# mask -> restore is the identity
# --------------------------------------------------------------------------

HOSTILE_ALPHABET = list("ab XQZJxqzj019$\\{}[]()_^`@#.-/:=") + ["XQ0", "QX1", "Ж", "ё", "🤗", "\n", "http://a.io"]
hostile_text = st.lists(st.sampled_from(HOSTILE_ALPHABET), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_mask_restore_identity_with_found_spans(text):
    spans = find_protected_spans(text, "ru", "en")
    masked, table = mask(text, spans)
    assert restore(masked, table) == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(hostile_text, st.text(max_size=60)), st.lists(st.integers(0, 60), max_size=12))
def test_mask_restore_identity_with_any_spans(text, cuts):
    bounds = sorted({min(c, len(text)) for c in cuts})
    spans = [Span(a, b, text[a:b], "url", text[a:b]) for a, b in zip(bounds[::2], bounds[1::2]) if a < b]
    masked, table = mask(text, spans)
    assert restore(masked, table) == text
    assert len(table.masked) == len(spans)


# --------------------------------------------------------------------------
# translate_protected against hostile models
# --------------------------------------------------------------------------


def _noise(texts, src, tgt):
    rng = random.Random(len(texts))
    return ["".join(rng.choice("абв gdz XQ0 Q1 .,") for _ in range(rng.randint(0, 40))) for _ in texts]


def _drop_placeholders(texts, src, tgt):
    return [re.sub(r"[XQZJKVWY]{2,}\d+", "", t) for t in texts]


def _duplicate_placeholders(texts, src, tgt):
    return [re.sub(r"([XQZJKVWY]{2,}\d+)", r"\1 \1", t) for t in texts]


def _glue(texts, src, tgt):
    """Drops the spaces and brackets around placeholders and Latin words ("(WWM) helps" -> "WWMhelps")."""
    return [re.sub(r"[\s()]*([A-Za-z0-9]+)[\s()]*", r"\1", t) for t in texts]


HOSTILE_MODELS = {
    "glue": _glue,
    "identity": lambda texts, src, tgt: list(texts),
    "noise": _noise,
    "empty": lambda texts, src, tgt: [""] * len(texts),
    "reversed": lambda texts, src, tgt: [t[::-1] for t in texts],
    "drops-placeholders": _drop_placeholders,
    "duplicates-placeholders": _duplicate_placeholders,
    "upper-case": lambda texts, src, tgt: [t.upper() for t in texts],
    "lower-case": lambda texts, src, tgt: [t.lower() for t in texts],
}

SEGMENTS = [
    ("Обычно в MLM мы маскируем все токены, см. arxiv.org/abs/2010.01825.", "ru", "en"),
    ("Авторы предлагают PMI = p(ab) / (p(a) p(b)), а модель bigscience/T0pp лучше GPT-3.", "ru", "en"),
    ("Поиграться: https://huggingface.co/spaces/akhaliq/T0pp — спасибо @addmeto #nlp", "ru", "en"),
    (f"Weights are updated by Hebbian ABCD model, {LATEX_001}", "en", "ru"),
    ("We did fine-tuning on the dataset (arXiv:2110.08207), see `train.py` and $x^2$.", "en", "ru"),
    ("API", "en", "ru"),
    ("Просто текст без спанов.", "ru", "en"),
]


def _check(results, requests):
    for result, request in zip(results, requests):
        intact, total = intact_spans(request.text, result.text, result.spans)
        assert intact == total, (request.text, result.text, result.spans)
        assert result.text.strip() or not request.text.strip(), request.text


@pytest.mark.parametrize("model", sorted(HOSTILE_MODELS))
def test_every_span_survives_any_model(model):
    requests = [SegmentRequest(t, s, g, note_key="n1") for t, s, g in SEGMENTS]
    results = translate_protected(requests, HOSTILE_MODELS[model], glossary=GLOSSARY)
    _check(results, requests)
    assert sum(len(r.spans) for r in results) == 16
    if model != "identity":
        assert any(FLAG_FALLBACK_SPLICE in r.flags or FLAG_ALIGNED in r.flags for r in results)


segment_text = st.lists(
    st.sampled_from(HOSTILE_ALPHABET + ["MLM ", "GPT-3", " и ", "модель", "`x`", "$a$", "dataset", "#tag"]),
    max_size=25,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(segment_text, min_size=1, max_size=4), st.sampled_from(sorted(HOSTILE_MODELS)))
def test_spans_survive_property(texts, model):
    requests = [SegmentRequest(t, "en", "ru", note_key="k") for t in texts]
    results = translate_protected(requests, HOSTILE_MODELS[model], glossary=GLOSSARY)
    _check(results, requests)


@pytest.mark.parametrize("model", ["identity", "upper-case", "lower-case", "empty"])
def test_flags_per_model(model):
    requests = [SegmentRequest("Обычно в MLM мы маскируем все токены, см. arxiv.org/abs/2010.01825.", "ru", "en")]
    flags = translate_protected(requests, HOSTILE_MODELS[model])[0].flags
    expected = {
        "identity": [],
        "upper-case": [],  # placeholder and "MLM" survive upper-casing
        "lower-case": [FLAG_FALLBACK_SPLICE],  # "mlm" is not "MLM"
        "empty": [FLAG_EMPTY_KEPT_SOURCE, FLAG_FALLBACK_SPLICE],
    }[model]
    assert flags == expected


def test_empty_output_without_spans_keeps_source():
    requests = [SegmentRequest("просто текст", "ru", "en"), SegmentRequest("  ", "ru", "en")]
    results = translate_protected(requests, HOSTILE_MODELS["empty"])
    assert [(r.text, r.flags) for r in results] == [("просто текст", [FLAG_EMPTY_KEPT_SOURCE]), ("  ", [])]


def test_splice_copies_punctuation_and_keeps_whitespace():
    requests = [SegmentRequest("MLM и BPE, (GPT-3).", "ru", "en")]
    result = translate_protected(requests, lambda ts, s, t: [x.lower() + "!" for x in ts])[0]
    assert result.text == "MLM и! BPE, (GPT-3)."
    assert result.flags == [FLAG_FALLBACK_SPLICE]


def test_placeholder_only_segment_skips_the_model():
    calls = []
    results = translate_protected([SegmentRequest("arxiv.org/abs/2010.01825", "ru", "en")],
                                  lambda ts, s, t: calls.append(ts) or ts)
    assert results[0].text == "arxiv.org/abs/2010.01825" and calls == []


def test_gloss_first_use_per_note_key():
    identity = HOSTILE_MODELS["identity"]
    requests = [
        SegmentRequest("the dataset is big", "en", "ru", note_key="a"),
        SegmentRequest("this dataset again", "en", "ru", note_key="a"),
        SegmentRequest("another dataset", "en", "ru", note_key="b"),
        SegmentRequest("one dataset", "en", "ru"),
        SegmentRequest("two dataset", "en", "ru"),
    ]
    results = translate_protected(requests, identity, glossary=GLOSSARY)
    assert [r.text for r in results] == [
        "the датасет (dataset) is big", "this датасет again", "another датасет (dataset)",
        "one датасет (dataset)", "two датасет (dataset)",
    ]


class HeadStartIdentity:
    """The identity model with a head start: it hears the first ``size`` masked segments early."""

    def __init__(self, size, batches=1):
        self.size, self.batches, self.events = size, batches, []

    def token_lengths(self, texts, src, tgt):
        return [len(text.split()) for text in texts]

    def head_size(self, src, tgt):
        return self.size

    def head_start(self, texts, src, tgt, want):
        self.events.append(("head", list(texts), list(want)))
        return len(self.events) < self.batches

    def __call__(self, texts, src, tgt):
        self.events.append(("call", list(texts)))
        return list(texts)


@pytest.mark.parametrize("size, batches, heads", [
    (1, 1, [["this"]]),
    (1, 2, [["this"], ["a"]]),
    (1, 3, [["this"], ["a"], ["the"]]),
    (2, 2, [["this", "a"]]),  # the third segment makes no full batch
])
def test_the_head_start_takes_batches_while_the_model_asks_for_more(size, batches, heads):
    requests = [
        SegmentRequest("the big dataset is here today", "en", "ru", note_key="a"),
        SegmentRequest("this dataset", "en", "ru", note_key="a"),
        SegmentRequest("a dataset too", "en", "ru", note_key="b"),
    ]
    model = HeadStartIdentity(size, batches)
    translate_protected(requests, model, glossary=GLOSSARY)
    assert [[text.split()[0] for text in event[1]] for event in model.events if event[0] == "head"] == heads


@pytest.mark.parametrize("size, head", [(1, ["this"]), (2, ["this", "a"]), (4, [])])
def test_segments_are_masked_shortest_first_and_glossed_in_reading_order(size, head):
    requests = [
        SegmentRequest("the big dataset is here today", "en", "ru", note_key="a"),
        SegmentRequest("this dataset", "en", "ru", note_key="a"),
        SegmentRequest("a dataset too", "en", "ru", note_key="b"),
    ]
    model = HeadStartIdentity(size)
    results = translate_protected(requests, model, glossary=GLOSSARY)
    assert [r.text for r in results] == [
        "the big датасет (dataset) is here today", "this датасет", "a датасет (dataset) too",
    ]
    heads = [event for event in model.events if event[0] == "head"]
    assert [text.split()[0] for _, texts, _ in heads for text in texts] == head  # the shortest, when enough
    assert all(want == [True] * len(texts) for _, texts, want in heads)
    assert model.events[-1][0] == "call" and len(model.events[-1][1]) == 3  # the call still carries every segment


def test_translate_batch_calls_at_most_two_per_pair():
    calls = []

    def counting(texts, src, tgt):
        calls.append((src, tgt, len(texts)))
        return _noise(texts, src, tgt)

    requests = [SegmentRequest(t, s, g) for t, s, g in SEGMENTS * 3]
    translate_protected(requests, counting, glossary=GLOSSARY)
    pairs = [(s, t) for s, t, _ in calls]
    assert pairs.count(("ru", "en")) == 2 and pairs.count(("en", "ru")) == 2
    assert len(calls) == 4


def test_wrong_length_from_translate_batch_is_an_error():
    with pytest.raises(TranslationError, match="one per input"):
        translate_protected([SegmentRequest("текст", "ru", "en")], lambda ts, s, t: [])


# --------------------------------------------------------------------------
# Realistic paragraphs from the corpus
# --------------------------------------------------------------------------


def _corpus_paragraph(name: str, marker: str) -> str:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if marker in line)


@pytest.mark.parametrize("model", ["noise", "reversed", "drops-placeholders"])
def test_russian_pmi_paragraph_keeps_everything(model):
    text = "\n".join([
        "arxiv.org/abs/2010.01825",
        _corpus_paragraph("004_579db69af2cfe4c6.txt", "Обычно в MLM"),
        _corpus_paragraph("004_579db69af2cfe4c6.txt", "PMI = p(ab)"),
    ])
    result = translate_protected([SegmentRequest(text, "ru", "en")], HOSTILE_MODELS[model])[0]
    for must in ["MLM", "BPE", "WWM", "PMI = p(ab) / (p(a) p(b))", "arxiv.org/abs/2010.01825", "OpenAI"]:
        assert must in result.text
    assert result.text.count("MLM") == text.count("MLM")


@pytest.mark.parametrize("model", ["noise", "upper-case", "empty"])
def test_english_latex_paragraph_keeps_formula(model):
    text = _corpus_paragraph("001_41bcbe830a1a4b01.txt", "Hebbian ABCD")
    result = translate_protected([SegmentRequest(text, "en", "ru")], HOSTILE_MODELS[model])[0]
    assert LATEX_001 in result.text and "ABCD" in result.text


@pytest.mark.slow  # the real matcher loads spaCy
def test_real_glossary_terms_are_enforced():
    glossary = load_glossary()
    text = "Обычно в MLM мы маскируем токены, а потом делаем файнтюнинг на BPE."
    spans = find_protected_spans(text, "ru", "en", glossary=glossary)
    terms = {s.text: s for s in spans if s.kind == "term"}
    assert terms["MLM"].policy == "keep" and terms["MLM"].rendering == "MLM"
    results = translate_protected([SegmentRequest(text, "ru", "en")], HOSTILE_MODELS["noise"], glossary=glossary)
    _check(results, [SegmentRequest(text, "ru", "en")])


# --------------------------------------------------------------------------
# Boundary-aware verification: a span must stay a whole token
# --------------------------------------------------------------------------


def _spans_of(source: str, *texts: str, kind: str = "acronym") -> list[Span]:
    spans, pos = [], 0
    for text in texts:
        start = source.index(text, pos)
        spans.append(Span(start, start + len(text), text, kind, text))
        pos = start + len(text)
    return spans


INTACT_CASES = [
    # (source, span texts, output, intact)
    ("Маскирование целых слов (WWM) помогает", ["WWM"], "Whole word masking (WWM) helps", 1),
    ("Маскирование целых слов (WWM) помогает", ["WWM"], "Whole word masking (WWMtwork", 0),
    ("Маскирование целых слов (WWM) помогает", ["WWM"], "Whole word masking WWM helps", 1),
    ("подход PMI-Masking работает", ["PMI-Masking"], "the PMI-Masking666 works", 0),
    ("подход PMI-Masking работает", ["PMI-Masking"], "PMI-Masking, it works", 1),
    ("модель BERTом обучили", ["BERT"], "trained with BERTs", 1),  # glued in the source: free
    ("модель BERTом обучили", ["BERT"], "xBERT trained", 0),  # the other side was a boundary
    ("GPT и GPT-3", ["GPT", "GPT-3"], "GPT-3 and GPT-3", 1),  # "GPT" inside "GPT-3" is not a GPT
    ("GPT и GPT-3", ["GPT", "GPT-3"], "GPT-3 and GPT", 2),
    ("MLM и MLM", ["MLM", "MLM"], "MLM and MLMs", 1),  # each occurrence counted
    ("MLM и MLM", ["MLM", "MLM"], "MLM, MLM.", 2),
    ("API", ["API"], "API", 1),
    ("API", ["API"], "", 0),
]


@pytest.mark.parametrize("source,texts,output,intact", INTACT_CASES)
def test_intact_spans_table(source, texts, output, intact):
    assert intact_spans(source, output, _spans_of(source, *texts)) == (intact, len(texts))


@pytest.mark.parametrize("output,intact", [
    ("see https://x.org/a.", 1), ("see (https://x.org/a)", 1), ("see https://x.org/a/b", 0),
    ("see https://x.org/a-b", 0), ("see https://x.org/ab", 0),
])
def test_intact_url_is_not_extended(output, intact):
    source = "см. https://x.org/a сейчас"
    assert intact_spans(source, output, _spans_of(source, "https://x.org/a", kind="url")) == (intact, 1)


def test_splice_keeps_spans_whole_when_the_model_glues():
    text = "Маскирование целых слов (WWM) помогает, как и PMI-Masking."
    result = translate_protected([SegmentRequest(text, "ru", "en")], _glue)[0]
    assert FLAG_FALLBACK_SPLICE in result.flags
    assert "(WWM)" in result.text and "PMI-Masking." in result.text
    assert intact_spans(text, result.text, result.spans) == (2, 2)


def test_splice_spaces_a_span_glued_in_the_source():
    text = "модель BERTом обучили"
    result = translate_protected(
        [SegmentRequest(text, "ru", "en")], lambda ts, s, t: ["x" + x.replace("BERT", "").upper() for x in ts]
    )[0]
    assert result.text == "xМОДЕЛЬ BERT xОМ ОБУЧИЛИ"


@pytest.mark.parametrize("text", [
    "GPT-3$GPT-3_",  # a glued "GPT-3_" still holds a whole "GPT" span
    "ahttp://a.ioMLM http://a.ioMLM ",  # a glued URL-like run still holds a whole "ioMLM"
])
def test_unchanged_text_keeps_every_span_intact(text):
    """Found by hypothesis: the source given back unchanged always keeps every span it holds."""
    spans = find_protected_spans(text, "en", "ru", glossary=GLOSSARY)
    assert intact_spans(text, text, spans) == (len(spans), len(spans))
