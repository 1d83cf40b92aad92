"""The fast path's plumbing: length chunks, token caches, the tokenizer without transformers, loaded-model reuse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notelingo.mt.ct2 import CHUNK_TOKENS, StreamStop, length_chunks, padded_rows
from notelingo.mt.options import length_bucket


@given(st.lists(st.integers(1, 200), max_size=80), st.integers(1, 4), st.sampled_from([1, 2, 4, 8]))
def test_length_chunks_partition_the_batch_sorted_and_within_budget(lengths, workers, beams):
    chunks = length_chunks(lengths, workers, beams)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(lengths)))
    longest_of = [max(lengths[i] for i in chunk) for chunk in chunks]
    assert longest_of == sorted(longest_of, reverse=True)  # longest chunk first
    for chunk in chunks:
        assert [lengths[i] for i in chunk] == sorted(lengths[i] for i in chunk)
        assert len({length_bucket(lengths[i]) for i in chunk}) == 1  # never crosses a length bucket
        if len(chunk) > 1:  # a lone sentence may exceed the budget; a group never does
            budget = max(CHUNK_TOKENS, -(-sum(lengths) // (2 * workers)))
            assert len(chunk) * length_bucket(lengths[chunk[-1]]) <= budget


@pytest.mark.parametrize("lengths, beams, sizes", [
    ([20] * 64, 1, [22, 42]),  # the share (320 tokens) is under the floor: 1,024 tokens padded to 24 each
    ([20] * 64, 4, [22, 42]),
    ([40] * 256, 1, [64] * 4),  # share 2,560 tokens: four chunks, two per worker
    ([40] * 256, 4, [32] * 8),  # beam 4: share / sqrt(4)
    ([1100, 10, 10], 1, [1, 2]),  # a sentence over the floor stays alone
])
def test_chunks_hold_at_least_the_floor_or_the_batch_share(lengths, beams, sizes):
    assert sorted(len(chunk) for chunk in length_chunks(lengths, 2, beams)) == sorted(sizes)


@pytest.mark.parametrize("beams, expected_more", [(1, False), (4, True)])
def test_beam_search_gets_smaller_chunks(beams, expected_more):
    lengths = [40] * 256
    assert (len(length_chunks(lengths, 2, beams)) > len(length_chunks(lengths, 2, 1))) is expected_more


def test_ct2_keeps_input_order_across_chunks(tiny_models, tmp_path):
    from notelingo.mt import DecodingOptions, load_translator
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    translator = load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=1), str(tmp_path))
    # Distinct lengths: the chunks hold the same sentences whatever the input order.
    texts = [" ".join(["слово"] * n) + "." for n in range(1, 40, 3)]
    forward = translator.translate_batch(texts)
    backward = translator.translate_batch(texts[::-1])
    assert forward == backward[::-1] and len(forward) == len(texts)


MARIAN_SAMPLES = [
    "", "  лишние   пробелы  ", "Обычно в MLM мы маскируем все токены с одинаковой вероятностью.",
    "emoji 🚀 и неразрывный\u00a0пробел", "Модель T0pp на 11B — $p(ab)$, см. arxiv.org/abs/2010.01825",
    "OpenAI released GPT-3 with 175B parameters; see @openai.", ">>en<< с кодом языка", "Ωmega ∑ 中文 ½",
]


@pytest.mark.parametrize("pair", ["ru-en", "en-ru"])
def test_sentencepiece_tokenizer_agrees_with_marian_tokenizer(tiny_models, pair):
    import random

    from transformers import MarianTokenizer

    from notelingo.mt.spm import MarianSpm

    reference, light = MarianTokenizer.from_pretrained(tiny_models[pair]), MarianSpm(tiny_models[pair])
    for text, pieces in zip(MARIAN_SAMPLES, light.encode_pieces(MARIAN_SAMPLES)):
        assert pieces == reference.convert_ids_to_tokens(reference.encode(text)), text
    many = MARIAN_SAMPLES * 3  # long lists are encoded in one sentencepiece call, short ones text by text
    assert len(many) >= light.BATCH_FROM > len(MARIAN_SAMPLES)
    assert light.encode_pieces(many) == light.encode_pieces(MARIAN_SAMPLES) * 3
    rng, vocab = random.Random(0), list(light.vocab)
    for _ in range(200):  # model outputs are any vocabulary pieces, special tokens included
        pieces = [rng.choice(vocab) for _ in range(rng.randint(0, 20))]
        assert light.decode_pieces(pieces) == reference.decode(
            reference.convert_tokens_to_ids(pieces), skip_special_tokens=True
        )
    assert light.model_max_length == reference.model_max_length


def test_token_counts_are_cached_per_text(tiny_models, tmp_path, monkeypatch):
    from notelingo.mt import DecodingOptions, load_translator
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    translator = load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=1), str(tmp_path))
    encoded = []
    original = translator.encode
    monkeypatch.setattr(translator, "encode", lambda texts: encoded.extend(texts) or original(texts))
    first = translator.token_lengths(["Привет.", "Мир.", "Привет."])
    assert translator.token_lengths(["Мир.", "Привет."]) == first[1:] and first[0] == first[2]
    assert encoded == ["Привет.", "Мир."]


def test_repeated_translate_calls_reuse_the_loaded_model_and_matcher(tiny_models, cache_dir, monkeypatch):
    from conftest import make_note
    from notelingo.glossary import fastfind, matcher
    from notelingo.mt import DecodingOptions, TranslateOptions, engine, runner

    loads, builds = [], []
    original_load, original_matcher = runner.load_translator, fastfind.FastMatcher
    monkeypatch.setattr(runner, "load_translator", lambda *a, **k: loads.append(1) or original_load(*a, **k))
    monkeypatch.setattr(fastfind, "FastMatcher", lambda *a, **k: builds.append(1) or original_matcher(*a, **k))
    monkeypatch.setattr(runner, "_LOADED", {})
    monkeypatch.setattr(matcher, "_MATCHERS", {})
    monkeypatch.setattr(matcher, "_BY_IDENTITY", {})
    options = TranslateOptions(to=("en",), models=tiny_models, backend="ctranslate2", use_cache=False,
                               decoding=DecodingOptions(beams=1), cache_dir=cache_dir)
    for text in ("Мы обучили LLM.", "Другая заметка про BPE."):
        (note,), _ = engine.translate_notes([make_note("n", "ru", [("paragraph", text)])], options)
        assert note.blocks[0].text["en"]
    assert len(loads) == 1 and len(builds) == 1


def test_ctranslate2_path_never_imports_torch_or_transformers(tiny_models, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from notelingo.mt.ct2 import convert_once
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    convert_once(model, "int8", str(tmp_path))  # a first-ever run converts, which needs transformers
    script = f"""
import json, sys
from notelingo.mt import DecodingOptions, TranslateOptions
from notelingo.mt.engine import translate_notes
from notelingo.schema import Block, Note, Signature, Source
note = Note(id="n", lang="ru", lang_confidence=1.0, title="t", source=Source(kind="text", path="x"),
            blocks=[Block(id="b0", kind="paragraph", lang="ru", text={{"ru": "Мы обучили LLM на arxiv.org. Вторая фраза."}})],
            signature=Signature(notelingo="test"))
options = TranslateOptions(to=("en",), models={{"ru-en": {tiny_models["ru-en"]!r}}}, backend="ctranslate2",
                           use_cache=False, cache_dir={str(tmp_path)!r}, decoding=DecodingOptions(beams=1))
(out,), _ = translate_notes([note], options)
loaded = [name for name in ("torch", "transformers") if name in sys.modules]
import torch  # still importable afterwards
print(json.dumps([loaded, out.blocks[0].text["en"]]))
"""  # noqa: E501
    # an empty cache root: the first-ever run builds the glossary tables and sentence rules with spaCy
    env = {**os.environ, "NOTELINGO_CACHE_DIR": str(tmp_path / "fresh-root")}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    loaded, text = json.loads(proc.stdout.strip().splitlines()[-1])
    assert loaded == [] and "arxiv.org" in text


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_greedy_output_is_its_own_whatever_the_batch_decodes_to(tiny_models, tmp_path, backend):
    """Greedy chunks cross length buckets and decode to their longest member's cap; each output is
    cut at its own cap, which is what the sentence gives alone."""
    from notelingo.mt import DecodingOptions, load_translator
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    decoding = DecodingOptions(beams=1, length_ratio=1.1, length_extra=0)
    translator = load_translator(backend, model, "cpu", decoding, str(tmp_path))
    texts = [" ".join(["слово"] * n) + "." for n in (2, 9, 17, 30, 61)]
    together = translator.translate_batch(texts)
    assert together == [translator.translate_batch([text])[0] for text in texts]
    assert len(set(together)) > 1
    aligned = translator.translate_aligned(texts, [True] * len(texts))
    assert [out for out, _ in aligned] == together
    assert [out for out, _ in translator.translate_aligned(texts[-1:], [True])] == together[-1:]


@pytest.mark.parametrize("lengths, top, filler", [
    ([5, 7], 8, True),  # no member reaches the bucket's top (8): a filler row of 8 pads every row to it
    ([5, 8], 8, False),  # a member of the top's length: nothing added
    ([17], 24, True),  # alone too: the same padded shape as in any chunk
    ([66, 70], 80, True),  # steps of 16 above 64
])
def test_padded_rows_pad_every_chunk_to_its_buckets_top(lengths, top, filler):
    """Issue 25: a source's padded length is its bucket's top whoever shares its chunk."""
    rows = [[f"w{n}"] * (n - 1) + ["</s>"] for n in lengths]
    padded = padded_rows(rows)
    assert padded[:len(rows)] == rows
    assert (len(padded) == len(rows) + 1) is filler
    assert max(len(row) for row in padded) == top and padded[-1][-1] == "</s>"


class Step:
    def __init__(self, batch_id, step, token):
        self.batch_id, self.step, self.token = batch_id, step, token


@pytest.mark.parametrize("row, tokens, stops_at", [
    (2, ["▁a"], 0),  # a filler row (beyond the chunk's sources) stops at its first token
    (0, ["▁The", "▁model", "▁is", "▁trained", "▁on", "▁data"], None),  # within its cap (7): never cut
    (1, ["▁the", "▁the", "▁model"] + ["▁will"] * 9, 5),  # "… will will will": the loop is certain
    (1, ["▁a", "▁b", "▁a", "▁c", "▁a", "▁d", "▁a", "▁e"], None),  # a token seen thrice is no loop
    (0, ["▁x"] * 2 + ["▁y", "▁z"] * 20, 6),  # cut at its own cap (7 tokens) before the unit comes round
])
def test_stream_stop_cuts_fillers_caps_and_loops(row, tokens, stops_at):
    stop = StreamStop(["Модель обучена на данных.", "Модель обучена."], [7, 30],
                      lambda pieces: "".join(pieces).replace("▁", " ").strip())
    cut = next((i for i, token in enumerate(tokens) if stop(Step(row, i, token))), None)
    assert cut == stops_at


class QueueingTranslator:
    """Records when each batch is queued and collected (the engine's side of ``submit``)."""

    def __init__(self):
        self.events = []

    def submit(self, batch, wanted):
        self.events.append(("queued", batch[0]))

        def collect():
            self.events.append(("collected", batch[0]))
            return [text.upper() for text in batch]
        return collect


def test_local_batches_queue_the_next_batch_before_collecting_one():
    from notelingo.mt.ray_exec import local_batches

    translator = QueueingTranslator()
    jobs = [(["a", "b"], None), (["c"], None), (["d"], None)]
    results = list(local_batches(jobs, translator))
    assert [result for _, _, result in results] == [["A", "B"], ["C"], ["D"]]
    assert translator.events == [("queued", "a"), ("queued", "c"), ("collected", "a"), ("queued", "d"),
                                 ("collected", "c"), ("collected", "d")]


def test_a_batch_queued_early_is_delivered_first_and_the_next_is_queued_before_it_is_collected():
    from notelingo.mt.ray_exec import local_batches

    translator = QueueingTranslator()
    started = [(["h"], None, translator.submit(["h"], None))]
    results = list(local_batches([(["a"], None), (["b"], None)], translator, started))
    assert [result for _, _, result in results] == [["H"], ["A"], ["B"]]
    assert translator.events == [("queued", "h"), ("queued", "a"), ("collected", "h"), ("queued", "b"),
                                 ("collected", "a"), ("collected", "b")]


class FailingQueue(QueueingTranslator):
    def submit(self, batch, wanted):
        if batch[0] == "c":
            raise RuntimeError("segment too long")
        return super().submit(batch, wanted)


def test_a_batch_that_cannot_be_queued_lets_the_one_before_it_finish_first():
    from notelingo.mt.ray_exec import local_batches

    translator = FailingQueue()
    delivered = []
    with pytest.raises(RuntimeError, match="too long"):
        for _batch, _, result in local_batches([(["a"], None), (["c"], None), (["d"], None)], translator):
            delivered.append(result)
    assert delivered == [["A"]] and ("queued", "d") not in translator.events


HEAD_START_NOTES = [
    ("Мы зафайнтюнили LLM на датасете из 10k примеров. Код: https://github.com/org/repo. Датасет открыт.",
     "Коротко."),
    ("Обычно в MLM маскируют 15% токенов, см. arXiv:1810.04805.", "PMI-Masking лучше? Да. Датасет тот же."),
    ("Промт и $p(x)$ тоже.", "Очень длинное предложение про обучение моделей с подкреплением на большом датасете."),
]


def test_the_head_start_changes_nothing_but_when_the_model_starts(tiny_models, cache_dir, monkeypatch):
    """Each pair's shortest batches go to the model while the rest are masked: the notes, the glosses
    and the model inputs are those of a run without them."""
    from conftest import make_note
    from notelingo.mt import DecodingOptions, TranslateOptions, engine, runner

    notes = [make_note(f"n{i}", "ru", [("paragraph", first), ("paragraph", second)])
             for i, (first, second) in enumerate(HEAD_START_NOTES)]
    options = TranslateOptions(to=("en",), models=tiny_models, backend="ctranslate2", use_cache=False,
                               decoding=DecodingOptions(beams=1, batch_size=1), cache_dir=cache_dir)
    heads = []
    original = runner.BatchRunner.head_start
    monkeypatch.setattr(runner.BatchRunner, "head_start",
                        lambda self, texts, *a: heads.append(len(texts)) or original(self, texts, *a))
    early, early_report = engine.translate_notes(notes, options)
    monkeypatch.setattr(runner.BatchRunner, "head_size", lambda self, src, tgt: 10**6)
    late, late_report = engine.translate_notes(notes, options)
    assert heads and heads[0] >= 1 and len(heads) == runner.BatchRunner.HEAD_BATCHES  # batches of 1: it took its fill
    assert [note.model_dump() for note in early] == [note.model_dump() for note in late]
    assert early_report.backend_inputs == late_report.backend_inputs == early_report.segments  # none sent twice
    assert sum("(dataset)" in block.text["en"] for note in early for block in note.blocks) <= len(notes)


class FakeQueueing:
    """A queueing model that records what it was sent (see test below)."""

    max_source_tokens = 512
    inter_threads = 1

    def __init__(self, name):
        from notelingo.mt.options import DecodingOptions
        from notelingo.mt.signature import ModelSignature

        self.name, self.sent = name, []
        self.signature = ModelSignature(name, name, "fake", "int8", "cpu", DecodingOptions())

    def token_lengths(self, texts):
        return [len(text.split()) + 1 for text in texts]

    def submit(self, texts, want=None):
        self.sent += texts
        out = [f"{self.name}[{text}]" for text in texts]
        return (lambda: out) if want is None else (lambda: [(o, None) for o in out])

    def translate_batch(self, texts):
        return self.submit(texts)()


@pytest.mark.parametrize("use_cache", [False, True])
def test_a_pivot_pair_never_collects_the_head_start_of_the_direct_pair_sharing_its_first_model(tmp_path, use_cache):
    from notelingo.mt.options import DecodingOptions, TranslateOptions
    from notelingo.mt.runner import BatchRunner, TranslateReport
    from notelingo.protect.mask import SegmentRequest
    from notelingo.protect.repair import translate_protected

    options = TranslateOptions(to=("en", "ru"), use_cache=use_cache, cache_dir=str(tmp_path),
                               decoding=DecodingOptions(batch_size=2))
    runner = BatchRunner(options, TranslateReport())
    de_en, en_ru = FakeQueueing("de-en"), FakeQueueing("en-ru")
    runner.chains[("de", "ru")] = [de_en, en_ru]  # pivots through the de-en model
    runner.chains[("de", "en")] = [de_en]
    requests = [SegmentRequest(text, "de", "ru", "n") for text in ["eins zwei", "drei vier fünf", "x"]]
    requests += [SegmentRequest(text, "de", "en", "n") for text in ["alpha", "beta gamma", "delta epsilon zeta eta"]]
    results = translate_protected(requests, runner)
    assert sorted(de_en.sent) == sorted(request.text for request in requests)  # each once
    assert [result.text for result in results[3:]] == ["de-en[alpha]", "de-en[beta gamma]",
                                                        "de-en[delta epsilon zeta eta]"]
    runner.close()


def test_a_process_that_translated_with_ctranslate2_exits_cleanly(tiny_models, tmp_path):
    """CTranslate2's workers drop the per-token callbacks after a job ends; one dropped while the
    interpreter shut down aborted the process (about 1 run in 3 of this script before ct2.close_all)."""
    import subprocess
    import sys

    script = tmp_path / "once.py"
    script.write_text(
        "from notelingo.mt import DecodingOptions, TranslateOptions\n"
        "from notelingo.mt.models import resolve_pair\n"
        "from notelingo.mt.runner import loaded_translator\n"
        f"(model,) = resolve_pair('ru', 'en', {{'ru-en': {tiny_models['ru-en']!r}}})\n"
        f"options = TranslateOptions(backend='ctranslate2', cache_dir={str(tmp_path)!r}, "
        "decoding=DecodingOptions(beams=1))\n"
        "loaded_translator(model, options).translate_batch([('слово ' * n).strip() + '.' for n in range(1, 60)])\n",
        encoding="utf-8")
    codes = [subprocess.run([sys.executable, str(script)], capture_output=True).returncode for _ in range(10)]
    assert codes == [0] * 10
