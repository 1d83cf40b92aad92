"""What users would otherwise write: two plain transformers loops.

* ``naive_hf_b1``: one sentence at a time, as a tutorial does.
* ``hf_batched``: batches of 32 sentences sorted by length, as EasyNMT does.

Both use torch's default thread settings and fix the output length at
1.1 x the source length (min_new_tokens = max_new_tokens), because random
weights never emit ``</s>`` on their own. A runner returns the translations.
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
        translations = []
        for sentence in sentences:
            batch = tokenizer([sentence], return_tensors="pt")
            out = _generate(model, batch, output_length(batch["input_ids"].shape[1]), beams)
            translations.extend(tokenizer.batch_decode(out, skip_special_tokens=True))
        return translations

    return run


def hf_batched(model_dir: str, beams: int, batch_size: int = 32) -> Runner:
    """A runner translating length-sorted batches of ``batch_size`` sentences."""
    tokenizer, model = load_marian(model_dir)

    def run(sentences: list[str]) -> list[str]:
        lengths = [len(ids) for ids in tokenizer(sentences)["input_ids"]]
        order = sorted(range(len(sentences)), key=lengths.__getitem__)
        translations = [""] * len(sentences)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            batch = tokenizer([sentences[i] for i in chunk], return_tensors="pt", padding=True)
            # One length per batch: generate() takes no per-row limit; sorting keeps the excess small.
            out = _generate(model, batch, output_length(batch["input_ids"].shape[1]), beams)
            for i, text in zip(chunk, tokenizer.batch_decode(out, skip_special_tokens=True)):
                translations[i] = text
        return translations

    return run


BASELINES = {"naive_hf_b1": naive_hf_b1, "hf_batched": hf_batched}
