"""What users would otherwise write: two plain transformers loops and CTranslate2 called directly.

* ``naive_hf_b1``: one sentence at a time, as a tutorial does.
* ``hf_batched``: batches of 32 sentences sorted by length, as EasyNMT does.
* ``ct2_direct``: the same int8 CTranslate2 conversion notelingo runs, called the way
  Argos Translate and LibreTranslate call it: sentencepiece pieces + ``</s>``, batches
  of 32 sorted by length, ``inter_threads=2, intra_threads=1``, no protection, no
  glossary, no notes. Each batch is queued asynchronously (both workers busy) with
  its own ``max_decoding_length`` (hf_batched's plan: 1.1 x the batch's longest source).

The transformers loops use torch's default thread settings and fix the output length at
1.1 x the source length (min_new_tokens = max_new_tokens), because random
weights never emit ``</s>`` on their own. A runner returns the translations and sets
``run.decoded`` to the target positions the model decoded in that call, counted from
its outputs (generated ids that are not padding; CTranslate2 hypothesis lengths).
"""

from __future__ import annotations

from typing import Callable

from workload import output_length

Runner = Callable[[list[str]], list[str]]


def load_marian(model_dir: str):
    """MarianTokenizer + MarianMTModel in eval mode."""
    from transformers import MarianMTModel, MarianTokenizer

    return MarianTokenizer.from_pretrained(model_dir), MarianMTModel.from_pretrained(model_dir).eval()


def _generate(model, batch, length: int, beams: int):
    # max_length=None: opus-mt's generation config sets 512, which would warn on every call.
    return model.generate(**batch, num_beams=beams, do_sample=False, max_length=None,
                          min_new_tokens=length, max_new_tokens=length)


def naive_hf_b1(model_dir: str, beams: int) -> Runner:
    """A runner translating one sentence per ``generate`` call."""
    tokenizer, model = load_marian(model_dir)

    def run(sentences: list[str]) -> list[str]:
        translations, decoded = [], 0
        for sentence in sentences:
            batch = tokenizer([sentence], return_tensors="pt")
            out = _generate(model, batch, output_length(batch["input_ids"].shape[1]), beams)
            decoded += generated_tokens(out, model.config.pad_token_id)
            translations.extend(tokenizer.batch_decode(out, skip_special_tokens=True))
        run.decoded = decoded
        return translations

    run.decoded = 0
    return run


def hf_batched(model_dir: str, beams: int, batch_size: int = 32) -> Runner:
    """A runner translating length-sorted batches of ``batch_size`` sentences."""
    tokenizer, model = load_marian(model_dir)

    def run(sentences: list[str]) -> list[str]:
        lengths = [len(ids) for ids in tokenizer(sentences)["input_ids"]]
        order = sorted(range(len(sentences)), key=lengths.__getitem__)
        translations, decoded = [""] * len(sentences), 0
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            batch = tokenizer([sentences[i] for i in chunk], return_tensors="pt", padding=True)
            # One length per batch: generate() takes no per-row limit; sorting keeps the excess small.
            out = _generate(model, batch, output_length(batch["input_ids"].shape[1]), beams)
            decoded += generated_tokens(out, model.config.pad_token_id)
            for i, text in zip(chunk, tokenizer.batch_decode(out, skip_special_tokens=True)):
                translations[i] = text
        run.decoded = decoded
        return translations

    run.decoded = 0
    return run


def generated_tokens(out, pad_id: int) -> int:
    """Target positions ``generate`` decoded: the returned ids after the decoder start, padding left out."""
    return int((out[:, 1:] != pad_id).sum())


def ct2_direct(ct2_dir: str, model_dir: str, beams: int, batch_size: int = 32) -> Runner:
    """CTranslate2 as Argos Translate / LibreTranslate use it (see the module's docstring)."""
    import ctranslate2
    import sentencepiece

    translator = ctranslate2.Translator(ct2_dir, device="cpu", compute_type="int8", inter_threads=2, intra_threads=1)
    source = sentencepiece.SentencePieceProcessor(model_file=f"{model_dir}/source.spm")
    target = sentencepiece.SentencePieceProcessor(model_file=f"{model_dir}/target.spm")

    def run(sentences: list[str]) -> list[str]:
        pieces = [p + ["</s>"] for p in source.encode(sentences, out_type=str)]
        order = sorted(range(len(sentences)), key=lambda i: len(pieces[i]))
        pending = []
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            longest = max(len(pieces[i]) for i in chunk)
            pending.append((chunk, translator.translate_batch(
                [pieces[i] for i in chunk], beam_size=beams, max_decoding_length=output_length(longest),
                asynchronous=True)))
        translations, decoded = [""] * len(sentences), 0
        for chunk, futures in pending:
            for i, future in zip(chunk, futures):
                hypothesis = future.result().hypotheses[0]
                decoded += len(hypothesis)
                translations[i] = target.decode_pieces([p for p in hypothesis if p != "</s>"])
        run.decoded = decoded
        return translations

    run.decoded = 0
    return run


BASELINES = {"naive_hf_b1": naive_hf_b1, "hf_batched": hf_batched}
