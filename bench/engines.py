"""The engines the benchmark times, each built as a runner: ``list[str] -> list[str]``.

``notelingo`` goes through the public API (``notelingo.mt.engine.translate_notes``)
with its CPU defaults (backend ``auto``, its own threads and batching), the cache
off so every repeat does the work. Only the output length is set, to 1.1 x the
source like the baselines (random weights never stop on their own). While the
engine module does not exist yet, ``notelingo_backend`` times the chosen backend's
``translate_batch`` directly and says so in the results.

Inside the worker, notelingo's CTranslate2 model is wrapped (:class:`CountingCT2`):
every ``translate_batch`` call is recorded, and each result's hypothesis length is
counted when notelingo collects it (before notelingo cuts an output at its own cap),
so ``decoded_tokens`` is what the model really decoded. :func:`replay_seconds` sends
the recorded calls of the last run straight to the same CTranslate2 model (all queued
at once, nothing else running): the model's own compute for exactly notelingo's work.
Wall time minus that is the overhead by the strict measure.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import tempfile
from pathlib import Path

from baselines import BASELINES, Runner, ct2_direct

NOTELINGO_CACHE = Path(__file__).resolve().parent / ".cache" / "notelingo"
#: A folder where processes of a Ray run write their decoded-position counts (:func:`count_in_ray_workers`).
TALLY_ENV = "NOTELINGO_BENCH_TALLY"


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


class _CountedCall:
    """The rows of one asynchronous ``translate_batch`` call, counted together once (they decode as one batch)."""

    def __init__(self, results: list) -> None:
        self.results, self.counted = results, False

    def decoded(self) -> int:
        self.counted = True
        return sum(len(r.result().hypotheses[0]) for r in self.results)


class _CountedResult:
    """An asynchronous CTranslate2 result; collecting it counts its whole call (filler rows included)."""

    def __init__(self, inner, call: _CountedCall, owner: "CountingCT2") -> None:
        self.inner, self.call, self.owner = inner, call, owner

    def result(self):
        result = self.inner.result()
        if not self.call.counted:
            self.owner.add(self.call.decoded())
        return result

    def done(self) -> bool:
        return self.inner.done()


class CountingCT2:
    """A ``ctranslate2.Translator`` that records its ``translate_batch`` calls and counts decoded positions.

    In a process where ``NOTELINGO_BENCH_TALLY`` names a folder (a Ray actor, see :func:`count_in_ray_workers`)
    the count so far is also written to a file of its own there, after every call counted."""

    def __init__(self, inner) -> None:
        self.inner, self.calls, self._decoded, self.pending = inner, [], 0, []
        folder = os.environ.get(TALLY_ENV)
        self.tally = Path(folder) / f"{os.getpid()}-{id(self)}" if folder else None

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def translate_batch(self, source, *args, **kwargs):
        self.calls.append((source, args, {**kwargs, "callback": fresh_callback(kwargs.get("callback"))}))
        results = self.inner.translate_batch(source, *args, **kwargs)
        if kwargs.get("asynchronous"):
            call = _CountedCall(results)
            self.pending.append(call)  # rows notelingo never collects (its filler rows) count too
            return [_CountedResult(r, call, self) for r in results]
        self.add(sum(len(r.hypotheses[0]) for r in results))
        return results

    def add(self, decoded: int) -> None:
        self._decoded += decoded
        if self.tally is not None:
            self.tally.write_text(str(self._decoded))

    @property
    def decoded(self) -> int:
        for call in self.pending:
            if not call.counted:
                self.add(call.decoded())
        self.pending = []
        return self._decoded

    @decoded.setter
    def decoded(self, value: int) -> None:
        self._decoded = value

    def reset(self) -> None:
        self.calls, self._decoded, self.pending = [], 0, []


def fresh_callback(callback):
    """A copy of notelingo's per-token callback (``ct2.StreamStop``) with no tokens seen yet, so a
    replay stops each row where the recorded call did; None stays None."""
    if callback is None or not hasattr(callback, "tokens"):
        return callback
    return type(callback)(callback.sources, callback.caps, callback.detokenize, callback.prefix)


COUNTED: list[CountingCT2] = []


def count_ct2_calls() -> None:
    """Wrap every CTranslate2 model notelingo opens in this process (before the first one loads)."""
    import notelingo.mt.ct2 as ct2

    original = ct2._open

    def counted_open(*args, **kwargs):
        translator = CountingCT2(original(*args, **kwargs))
        COUNTED.append(translator)
        return translator

    ct2._open = counted_open
    # the wrappers hold the models: let go of them at exit too, while Python is whole (see ct2.close_all)
    atexit.register(COUNTED.clear)


def count_in_ray_workers(folder: str) -> None:
    """Start this process's local Ray runtime (the one notelingo's ``--ray local`` would start, which it then
    reuses) with every actor process counting its decoded positions into ``folder`` (:func:`tallied`): a Ray
    row's model runs in the actors, where the driver's :class:`CountingCT2` does not see it."""
    import ray

    from notelingo.mt import cpu_count

    path = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH")]))
    os.environ[TALLY_ENV] = folder
    ray.init(address="local", num_cpus=cpu_count(), include_dashboard=False, log_to_driver=False,
             logging_level="ERROR", runtime_env={"worker_process_setup_hook": "engines.ray_worker_setup",
                                                 "env_vars": {TALLY_ENV: folder, "PYTHONPATH": path}})


def ray_worker_setup() -> None:
    """Ray's ``worker_process_setup_hook`` of :func:`count_in_ray_workers`: count in this actor too."""
    count_ct2_calls()


def tallied(folder: str) -> int:
    """Decoded positions counted so far by the processes writing into ``folder``."""
    return sum(int(path.read_text() or 0) for path in Path(folder).iterdir())


def replay_seconds(calls: list, repeats: int = 2) -> float | None:
    """Best wall time of sending ``calls`` (recorded by :class:`CountingCT2`) straight to the model."""
    import time

    if not calls or not COUNTED:
        return None
    model = COUNTED[-1].inner
    best = None
    for _ in range(repeats):
        started = time.perf_counter()
        pending = []
        for source, args, kwargs in calls:
            kwargs = {**kwargs, "asynchronous": True, "callback": fresh_callback(kwargs.get("callback"))}
            pending.append(model.translate_batch(source, *args, **kwargs))
        for futures in pending:
            for future in futures:
                future.result()
        took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    return best


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


def converted_dir(model_dir: str, pair: str = "ru-en") -> str:
    """The int8 CTranslate2 folder notelingo converted ``model_dir`` into (see :func:`convert_for_notelingo`)."""
    from notelingo.mt import cache_root
    from notelingo.mt.ct2 import converted_folder
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair(*pair.split("-"), {pair: model_dir})
    return str(converted_folder(cache_root(str(NOTELINGO_CACHE)), model, "int8"))


def make_runner(engine: str, model_dir: str, beams: int, pair: str) -> Runner:
    if engine == "ct2_direct":
        return ct2_direct(converted_dir(model_dir, pair), model_dir, beams)
    if engine in BASELINES:
        return BASELINES[engine](model_dir, beams)
    if engine in ("notelingo", "notelingo_vmap"):
        return (notelingo_engine if engine_available() else notelingo_backend)(model_dir, beams, pair)
    if engine == "notelingo_ray_local":
        return notelingo_engine(model_dir, beams, pair, ray="local")
    raise ValueError(f"unknown engine {engine!r}")
