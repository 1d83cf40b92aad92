"""Repairs of translations that lost protected spans: placement from a (synthetic) alignment,
then the splice fallback. The model here is a table: input -> output and word links."""

from __future__ import annotations

import re

import pytest

from notelingo.protect.mask import (
    FLAG_ALIGNED,
    FLAG_FALLBACK_SPLICE,
    SegmentRequest,
    find_protected_spans,
    intact_spans,
    mask,
)
from notelingo.protect.repair import Alignment, Plan, place_spans, repair_kind, translate_protected


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text)]


def synthetic_alignment(source: str, output: str, links: dict[int, tuple[int, ...]]) -> Alignment:
    """Whitespace tokens, ``</s>`` last; target word t attends 0.9 to the source words links[t], 0.01 elsewhere."""
    src, tgt = _words(source) + [(len(source), len(source))], _words(output)
    weights = [[0.9 if s in links.get(t, ()) else 0.01 for s in range(len(src))] for t in range(len(tgt))]
    return Alignment(src, tgt, weights)


class TableModel:
    """translate_batch with ``aligned``: outputs from a table keyed by a word of the input."""

    def __init__(self, table: dict[str, tuple[str, dict]], with_alignment: bool = True) -> None:
        self.table, self.calls, self.with_alignment = table, [], with_alignment

    def _output(self, text: str) -> tuple[str, dict]:
        return next((out, links) for key, (out, links) in self.table.items() if key in text)

    def __call__(self, texts, src, tgt):
        self.calls.append(("plain", list(texts)))
        return [text.upper() for text in texts]  # the splice fallback's pieces

    def aligned(self, texts, src, tgt, want, fresh=False):
        self.calls.append(("fresh" if fresh else "aligned", list(texts)))
        outputs = [self._output(text)[0] for text in texts]
        alignments = [synthetic_alignment(text, out, self._output(text)[1]) if w and self.with_alignment else None
                      for text, out, w in zip(texts, outputs, want)]
        return outputs, alignments


PLACEMENT_CASES = [
    # (source, model output, target word -> the source words it attends to, expected)
    # "MLM" (source word 2) is attended most by "in" (t1), which translates its left neighbour "в": after "in".
    ("Обычно в MLM мы маскируем токены", "Usually in we mask tokens", {0: (0,), 1: (1, 2), 2: (3,), 3: (4,), 4: (5,)},
     "Usually in MLM we mask tokens"),
    # ... by "we" (t2), the translation of its right neighbour "мы": before "we".
    ("Обычно в MLM мы маскируем токены", "Usually in we mask tokens", {0: (0,), 1: (1,), 2: (2, 3), 3: (4,), 4: (5,)},
     "Usually in MLM we mask tokens"),
    # reordered: the span follows the word its left neighbour became.
    ("модель GPT-3 работает хорошо", "well works the model", {0: (3,), 1: (2,), 3: (0, 1)},
     "well works the model GPT-3"),
    # at the start: no left neighbour, so before the token.
    ("GPT-3 лучше всех", "better than everyone", {0: (0, 1), 1: (1,), 2: (2,)}, "GPT-3 better than everyone"),
    # at the end (a placeholder): no right neighbour, so after.
    ("см. arxiv.org/abs/2010.01825", "see", {0: (0, 1)}, "see arxiv.org/abs/2010.01825"),
    # the span goes before the translation of its right neighbour, ahead of the final "."
    ("Код: `train.py`, запускайте.", "Code: run.", {0: (0,), 1: (1, 2)}, "Code: `train.py` run."),
]


@pytest.mark.parametrize("source,output,links,expected", PLACEMENT_CASES)
def test_spans_are_placed_from_the_alignment(source, output, links, expected):
    model = TableModel({source.split()[0]: (output, links)})
    result = translate_protected([SegmentRequest(source, "ru", "en")], model)[0]
    assert result.text == expected
    assert result.flags == [FLAG_ALIGNED] and repair_kind(result) == "aligned"
    assert [kind for kind, _ in model.calls] == ["aligned"]  # no second model call


def test_placement_snaps_to_a_word_boundary():
    source = "Маскирование целых слов WWM помогает"
    plan = Plan(SegmentRequest(source, "ru", "en"), find_protected_spans(source, "ru", "en"), *mask(source, []))
    raw = "Whole word masking helps"
    # subword target tokens: "mas" + "king"; WWM (source word 3) attends to "mas", its left neighbour "слов" too
    alignment = Alignment(_words(source) + [(len(source), len(source))],
                          [(0, 5), (5, 10), (10, 14), (14, 18), (18, 24)],
                          [[0.01] * 6, [0.9 if s == 1 else 0.01 for s in range(6)],
                           [0.9 if s in (2, 3) else 0.01 for s in range(6)],
                           [0.01] * 6, [0.9 if s == 4 else 0.01 for s in range(6)]])
    assert place_spans(plan, raw, alignment, [0]) == [(18, 0)]  # after "masking", not inside it


def test_glued_placeholder_is_spaced_without_the_alignment():
    source = "см. arxiv.org/abs/2010.01825 сейчас"
    model = TableModel({"см": ("see XQ0now", {})}, with_alignment=False)
    result = translate_protected([SegmentRequest(source, "ru", "en")], model)[0]
    assert result.text == "see arxiv.org/abs/2010.01825 now" and result.flags == [FLAG_ALIGNED]


def test_duplicate_placeholders_and_debris_are_dropped():
    source = "см. arxiv.org/abs/2010.01825 сейчас"
    model = TableModel({"см": ("see XQ0 and XQ0 now XQ", {})}, with_alignment=False)
    result = translate_protected([SegmentRequest(source, "ru", "en")], model)[0]
    assert result.text == "see arxiv.org/abs/2010.01825 and now" and result.flags == [FLAG_ALIGNED]


@pytest.mark.parametrize("output,with_alignment", [("", True), ("Usually in we mask", False)])
def test_splice_is_the_last_resort(output, with_alignment):
    source = "Обычно в MLM мы маскируем"
    model = TableModel({"Обычно": (output, {0: (0,)})}, with_alignment=with_alignment)
    result = translate_protected([SegmentRequest(source, "ru", "en")], model)[0]
    assert result.flags == [FLAG_FALLBACK_SPLICE] and repair_kind(result) == "spliced"
    assert result.text == "ОБЫЧНО В MLM МЫ МАСКИРУЕМ"
    expected = ["aligned", "plain"] if with_alignment else ["aligned", "fresh", "plain"]
    assert [kind for kind, _ in model.calls] == expected


def test_only_segments_with_spans_ask_for_an_alignment():
    asked = []

    class Recorder(TableModel):
        def aligned(self, texts, src, tgt, want, fresh=False):
            asked.extend(zip(texts, want))
            return super().aligned(texts, src, tgt, want, fresh)

    model = Recorder({"Обычно": ("Usually in we mask", {1: (2,)}), "Просто": ("Just text", {})})
    results = translate_protected([SegmentRequest("Обычно в MLM мы маскируем", "ru", "en"),
                                   SegmentRequest("Просто текст", "ru", "en")], model)
    assert asked == [("Обычно в MLM мы маскируем", True), ("Просто текст", False)]
    assert [repair_kind(r) for r in results] == ["aligned", None]
    assert intact_spans("Обычно в MLM мы маскируем", results[0].text, results[0].spans) == (1, 1)


# --------------------------------------------------------------------------
# Random-weight Marian models, both backends: every span stays a whole token
# --------------------------------------------------------------------------

BACKENDS = ["ctranslate2", "transformers"]
WORDS = {
    "ru": ["модель", "быстро", "работает", "авторы", "пишут", "статья", "вышла", "код", "здесь", "смотрите"],
    "en": ["model", "quickly", "works", "authors", "write", "paper", "came", "out", "code", "here"],
}
SPAN_TEXTS = [
    "https://github.com/org/repo", "arxiv.org/abs/2010.01825", "arXiv:2110.08207", "2010.01825", "GPT-3",
    "WWM", "T5-XXL", "PMI-Masking", "$x^2 + y$", "\\(a+b\\)", "`model.fit()`", "@openai", "175B",
]
WRAPS = ["{}", "({})", "[{}]", "«{}»", "{},", "{}.", "{}:", "({}).", "\"{}\""]


def _block_text(lang: str):
    from hypothesis import strategies as st

    word = st.sampled_from(WORDS[lang])
    span = st.builds(str.format, st.sampled_from(WRAPS), st.sampled_from(SPAN_TEXTS))
    tokens = st.lists(st.one_of(word, span), min_size=1, max_size=7)
    # the span at the start, in the middle or at the end
    return st.builds(lambda head, s, tail, end: " ".join(head + [s] + tail) + end,
                     tokens, span, st.lists(word, max_size=3), st.sampled_from(["", ".", "!"]))


def _assert_whole(notes, glossary) -> int:
    checked = 0
    for note in notes:
        tgt = "en" if note.lang == "ru" else "ru"
        for block in note.blocks:
            for pair in block.sentences:
                spans = [s for s in find_protected_spans(pair[note.lang], note.lang, tgt, glossary, True)
                         if s.kind != "term" or s.policy == "keep"]
                assert intact_spans(pair[note.lang], pair[tgt], spans) == (len(spans), len(spans)), (pair, spans)
                checked += len(spans)
    return checked


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_spans_stay_whole_tokens_on_random_models(tiny_models, session_cache_dir, backend):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from conftest import make_note
    from notelingo.glossary import load_glossary
    from notelingo.mt import DecodingOptions, TranslateOptions
    from notelingo.mt.engine import translate_notes

    glossary = load_glossary(None)
    opts = {beams: TranslateOptions(models=tiny_models, backend=backend, use_cache=False, cache_dir=session_cache_dir,
                                    decoding=DecodingOptions(beams=beams, batch_size=8)) for beams in (1, 2)}

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(["ru", "en"]), st.lists(_block_text("ru"), min_size=1, max_size=3),
           st.lists(_block_text("en"), min_size=1, max_size=3), st.sampled_from([1, 2]))
    def check(lang, ru_blocks, en_blocks, beams):
        blocks = ru_blocks if lang == "ru" else en_blocks
        note = make_note("n", lang, [("paragraph", text) for text in blocks])
        notes, report = translate_notes([note], opts[beams])
        assert _assert_whole(notes, glossary) >= len(blocks)
        assert report.backend_inputs <= report.segments + report.repairs["spliced"] * 8 + report.terms_masked_again

    check()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_random_models_are_repaired_from_the_alignment_in_one_call(tiny_models, session_cache_dir, backend):
    from conftest import make_note
    from notelingo.glossary import load_glossary
    from notelingo.mt import DecodingOptions, TranslateOptions
    from notelingo.mt.engine import translate_notes

    ru = ["Маскирование целых слов (WWM) помогает, как и PMI-Masking.",
          "Статья: arxiv.org/abs/2010.01825, код на https://github.com/org/repo.",
          "Модель T0pp на 11B параметров обучали дольше, чем GPT-3."]
    note = make_note("n", "ru", [("paragraph", text) for text in ru])
    options = TranslateOptions(models=tiny_models, backend=backend, use_cache=False, cache_dir=session_cache_dir,
                               decoding=DecodingOptions(beams=1, batch_size=8))
    notes, report = translate_notes([note], options)
    assert _assert_whole(notes, load_glossary(None)) == 7
    assert report.segments == 3 and report.backend_inputs == 3  # no second translation
    assert report.repairs == {"aligned": 3}
    assert all("protect:aligned" in block.flags for block in notes[0].blocks)
