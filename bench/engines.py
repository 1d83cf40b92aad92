"""The engines the benchmark times, each built as a runner: ``list[str] -> list[str]``.

``notelingo`` goes through the public API (``notelingo.mt.engine.translate_notes``)
with its CPU defaults (backend ``auto``, its own threads and batching), the cache
off so every repeat does the work. Only the output length is set, to 1.1 x the
source like the baselines (random weights never stop on their own). While the
engine module does not exist yet, ``notelingo_backend`` times the chosen backend's
``translate_batch`` directly and says so in the results.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from baselines import BASELINES, Runner

NOTELINGO_CACHE = Path(__file__).resolve().parent / ".cache" / "notelingo"


def convert_for_notelingo(model_dir: str, pair: str = "ru-en") -> None:
    """Convert the model into notelingo's bench cache once, outside every timed process."""
    from notelingo.mt import backend_installed, cache_root
    from notelingo.mt.models import resolve_pair

    if backend_installed("ctranslate2"):
        from notelingo.mt.ct2 import convert_once

        (model,) = resolve_pair(*pair.split("-"), {pair: model_dir})
        convert_once(model, "int8", cache_root(str(NOTELINGO_CACHE)))


def _decoding(beams: int):
    from notelingo.mt import DecodingOptions

    return DecodingOptions(beams=beams, length_ratio=1.1, length_extra=0)


def _sentence_notes(sentences: list[str], lang: str, per_note: int = 16) -> list:
    """Notes of ``per_note`` one-sentence paragraphs: no merging, so sentence counts stay exact."""
    from notelingo.schema import Block, Note, Signature, Source

    notes = []
    for start in range(0, len(sentences), per_note):
        blocks = [Block(id=f"b{i}", kind="paragraph", lang=lang, text={lang: s})
                  for i, s in enumerate(sentences[start:start + per_note])]
        notes.append(Note(id=f"bench-{start}", lang=lang, lang_confidence=1.0, title=f"bench {start}",
                          source=Source(kind="text", path="bench"), blocks=blocks,
                          signature=Signature(notelingo="bench")))
    return notes


def engine_available() -> bool:
    return importlib.util.find_spec("notelingo.mt.engine") is not None


def notelingo_engine(model_dir: str, beams: int, pair: str = "ru-en", ray: str | None = None) -> Runner:
    """notelingo's own path: notes in, translated notes out (cache off); ``ray="local"``: the
    model calls go to a Ray runtime started in this process (2 actors x 1 thread here)."""
    from notelingo.mt import TranslateOptions
    from notelingo.mt.engine import translate_notes

    src, tgt = pair.split("-")
    # notelingo converts a model to CTranslate2 once and reuses the conversion; a
    # fresh cache folder per worker would time (and count the RSS of) a first-ever
    # run's conversion, which loads transformers, torch and the fp32 weights.
    # ``run.py`` converts beforehand (see ``convert_for_notelingo``); the
    # translation cache stays off.
    cache_dir = str(NOTELINGO_CACHE)
    options = TranslateOptions(to=(tgt,), models={pair: model_dir}, decoding=_decoding(beams),
                               use_cache=False, cache_dir=cache_dir, ray=ray, ray_actors=2 if ray else None)

    def run(sentences: list[str]) -> list[str]:
        notes, report = translate_notes(_sentence_notes(sentences, src), options)
        run.report = {"segments": report.segments, "backend_batches": report.backend_batches,
                      "backend_inputs": report.backend_inputs,
                      "inputs_per_sentence": report.backend_inputs / max(1, len(sentences)),
                      "repairs": {kind: report.repairs.get(kind, 0) for kind in ("none", "aligned", "spliced")},
                      "flags": dict(report.flags), "where": report.where}
        return [block.text.get(tgt, "") for note in notes for block in note.blocks]

    run.report = {}
    return run


def notelingo_backend(model_dir: str, beams: int, pair: str = "ru-en") -> Runner:
    """Fallback while the engine is missing: the auto backend, batches of its batch_size by length."""
    from notelingo.mt import load_translator
    from notelingo.mt.models import resolve_pair

    decoding = _decoding(beams)
    (model,) = resolve_pair(*pair.split("-"), {pair: model_dir})
    translator = load_translator("auto", model, "cpu", decoding, tempfile.mkdtemp(prefix="notelingo-bench-"))

    def run(sentences: list[str]) -> list[str]:
        lengths = translator.token_lengths(sentences)
        order = sorted(range(len(sentences)), key=lengths.__getitem__)
        out = [""] * len(sentences)
        for start in range(0, len(order), decoding.batch_size):
            chunk = order[start:start + decoding.batch_size]
            for i, text in zip(chunk, translator.translate_batch([sentences[i] for i in chunk])):
                out[i] = text
        return out

    return run


def make_runner(engine: str, model_dir: str, beams: int, pair: str) -> Runner:
    if engine in BASELINES:
        return BASELINES[engine](model_dir, beams)
    if engine == "notelingo":
        return (notelingo_engine if engine_available() else notelingo_backend)(model_dir, beams, pair)
    if engine == "notelingo_ray_local":
        return notelingo_engine(model_dir, beams, pair, ray="local")
    raise ValueError(f"unknown engine {engine!r}")
