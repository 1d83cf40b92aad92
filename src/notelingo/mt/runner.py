"""The runner: what the engine hands protect as its ``translate_batch``.

:class:`BatchRunner` serves what it can from the translation cache and sends only
misses to the model (one loaded translator per model, kept for the process by
:func:`loaded_translator`), in batches sorted by token length, committing each batch
to the cache as it finishes; pivot pairs go through English hop by hop. It moves the
progress bar as batches finish and counts what it did in a :class:`TranslateReport`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Optional, Sequence

from ..fileio import cache_root
from .backends import Translator, choose_backend, load_translator
from .options import TranslateOptions
from .segment import join_translations, split_block
from .signature import ChainSignature, ModelSignature

ProgressFn = Callable[[int, int], None]


def tell_phase(progress, text: str) -> None:
    """Say what runs now, when the progress callback can show it (``progress.phase``)."""
    phase = getattr(progress, "phase", None)
    if phase is not None:
        phase(text)


@dataclass
class TranslateReport:
    """Counts for the closing summary and for tests (backend calls, cache hits)."""

    notes: int = 0
    blocks_translated: int = 0
    segments: int = 0
    model_inputs: int = 0
    cache_hits: int = 0
    block_hits: int = 0
    backend_batches: int = 0
    backend_inputs: int = 0
    seconds: float = 0.0
    flags: Counter = field(default_factory=Counter)
    #: Segments holding protected spans, by how the spans were kept: none / aligned / spliced.
    repairs: Counter = field(default_factory=Counter)
    #: Russian glossary renderings by how their case and number were chosen: governed / nominative.
    term_forms: Counter = field(default_factory=Counter)
    #: Translated sentences the self-checks flagged: "sentences" (how many), and each check: flag's count.
    checks: Counter = field(default_factory=Counter)
    #: Segments whose English→Russian terms found no usable words in the model's output (a flat
    #: alignment: random weights) and were masked and translated again (see protect.incontext).
    terms_masked_again: int = 0
    #: Model outputs that looped and were decoded once more against repetition (see mt.checks).
    loop_retries: int = 0
    #: "src-tgt" -> ids of the notes left untranslated in that pair for want of a model.
    missing: dict[str, list[str]] = field(default_factory=dict)
    where: str = ""  # e.g. "ray: 2 actor(s) on 2 node(s)"; empty when the model ran in this process

    def count(self, results: list) -> None:
        """Count how the segments' spans were kept and how their Russian term forms were chosen."""
        from ..protect.repair import repair_kind

        self.repairs.update(kind for kind in map(repair_kind, results) if kind)
        self.term_forms.update(span.choice for result in results for span in result.spans if span.choice)
        self.terms_masked_again += sum(1 for result in results if result.masked_again)

    @property
    def sentences_per_second(self) -> float:
        """Source sentences translated (not served whole from the cache) per second."""
        return self.segments / self.seconds if self.seconds else 0.0


_LOADED: dict[tuple, Translator] = {}
#: Loaded models kept for later calls in the same process (a pivot chain needs two).
LOADED_MODELS_KEPT = 4


def loaded_translator(model, options: TranslateOptions) -> Translator:
    """The translator for ``model`` and these options, loaded once per process.

    A library user (or the benchmark) calling translate_notes repeatedly would
    otherwise reload and re-read the model each time (seconds, and twice the memory
    until the old one is freed).
    """
    key = (choose_backend(options.backend), model.label, model.path, options.device, options.decoding,
           cache_root(options.cache_dir))
    if key in _LOADED and getattr(_LOADED[key], "load_failed", False):
        del _LOADED[key]  # a model that failed to load (on its thread) is tried again, e.g. after a fix
    if key not in _LOADED:
        if len(_LOADED) >= LOADED_MODELS_KEPT:
            _LOADED.clear()
        _LOADED[key] = load_translator(options.backend, model, options.device, options.decoding, options.cache_dir)
    return _LOADED[key]


def alignment_key(text: str, signature: ModelSignature) -> str:
    """The cache key of a model input's alignment: :meth:`ModelSignature.alignment_key`."""
    return signature.alignment_key(text)


class BatchRunner:
    """The ``translate_batch(texts, src, tgt)`` handed to protect: cache first, then the model."""

    def __init__(self, options: TranslateOptions, report: TranslateReport,
                 progress: Optional[ProgressFn] = None) -> None:
        from .cache import TranslationCache

        self.options = options
        self.report = report
        self.progress = progress or (lambda done, total: None)
        path = f"{cache_root(options.cache_dir)}/translations.sqlite3"
        self.cache = TranslationCache(path) if options.use_cache else None
        self.translators: dict[str, Translator] = {}
        self.chains: dict[tuple[str, str], list] = {}
        self.resolved: dict[tuple[str, str], list] = {}
        #: Source sentences per pair (set by the engine); the bar advances over them.
        self.pair_sentences: Counter = Counter()
        self.calls: Counter = Counter()
        self.sentences_done = 0
        #: (src, tgt) -> [(texts, wanted, collect)]: the pair's first batch, queued by head_start.
        self.ahead: dict[tuple[str, str], list] = {}
        self.executor = None
        if options.ray:
            from .ray_exec import RayExecutor

            self.executor = RayExecutor(options.ray, actors=options.ray_actors)

    def models(self, src: str, tgt: str) -> list:
        """The resolved model folders for the pair (no model is loaded)."""
        if (src, tgt) not in self.resolved:
            from .models import resolve_pair

            self.resolved[(src, tgt)] = resolve_pair(src, tgt, self.options.models)
        return self.resolved[(src, tgt)]

    def planned_signature(self, src: str, tgt: str) -> ChainSignature:
        """The pair's signature as asked for, known before loading anything (for block records' keys)."""
        return ChainSignature.planned(self.models(src, tgt), choose_backend(self.options.backend),
                                      self.options.device, self.options.decoding)

    def chain(self, src: str, tgt: str) -> list[Translator]:
        """Loaded translators for the pair: one, or two pivoting through English."""
        if (src, tgt) not in self.chains:
            self.chains[(src, tgt)] = [self._load(model) for model in self.models(src, tgt)]
        return self.chains[(src, tgt)]

    def signature(self, src: str, tgt: str) -> ChainSignature:
        """The signature of a pair whose translators are loaded (their models, backend, compute type)."""
        return ChainSignature(tuple(translator.signature for translator in self.chain(src, tgt)))

    def _load(self, model) -> Translator:
        if model.label not in self.translators:
            ct2 = choose_backend(self.options.backend) == "ctranslate2"
            converting = " (to CTranslate2 on first use)" if ct2 else ""
            tell_phase(self.progress, f"loading the {model.pair} model{converting}")
            self.translators[model.label] = loaded_translator(model, self.options)
        return self.translators[model.label]

    @property
    def total_sentences(self) -> int:
        return sum(self.pair_sentences.values())

    def __call__(self, texts: list[str], src: str, tgt: str) -> list[str]:
        """Translate through the pair's chain; the bar advances as batches finish (see progress_share)."""
        chain = self.chain(src, tgt)
        share, base = self.progress_share(src, tgt, len(texts))
        for hop, translator in enumerate(chain):
            advance = self.hop_advance(base, share, hop, len(chain))
            if hop == 0:
                texts = self.translate_hop(list(texts), translator, advance=advance,
                                           started=self.ahead.pop((src, tgt), []))
            else:
                texts = self.pivot_hop(texts, translator, advance)
        self.sentences_done = base + share
        self.show(self.sentences_done)
        return texts

    def aligned(self, texts: list[str], src: str, tgt: str, want: list[bool],
                fresh: bool = False) -> tuple[list[str], list]:
        """Like calling the runner, plus the model's alignment of each text in ``want`` (protect repairs
        lost spans from it); None for cache hits, pivot chains and backends without alignments.
        ``fresh``: the wanted texts skip the cache (protect asks again for a cached output it cannot repair)."""
        chain = self.chain(src, tgt)
        if len(chain) > 1 or not hasattr(chain[0], "translate_aligned"):
            return self(texts, src, tgt), [None] * len(texts)
        share, base = self.progress_share(src, tgt, len(texts))
        alignments: dict[str, object] = {}
        wanted = {t for t, w in zip(texts, want) if w}
        advance = self.hop_advance(base, share, 0, 1)
        started = self.ahead.pop((src, tgt), []) if not fresh else []
        outputs = self.translate_hop(list(texts), chain[0], wanted, alignments, fresh, advance, started)
        self.sentences_done = base + share
        self.show(self.sentences_done)
        return outputs, [alignments.get(text) for text in texts]

    def aligns(self, src: str, tgt: str) -> bool:
        """Does :meth:`aligned` give the pair's alignments (one model that returns them; no pivot)?"""
        chain = self.chain(src, tgt)
        return len(chain) == 1 and hasattr(chain[0], "translate_aligned")

    def token_lengths(self, texts: list[str], src: str, tgt: str) -> list[int]:
        """Model tokens per text for the pair's first model (protect masks the shortest first)."""
        return self.chain(src, tgt)[0].token_lengths(texts)

    def head_size(self, src: str, tgt: str) -> int:
        """How many segments protect masks before it hands them to :meth:`head_start`: one batch."""
        return self.batch_size(self.chain(src, tgt)[0])

    #: Batches a pair may queue while protect masks the rest (:meth:`head_start`). Masking runs about
    #: twenty times faster than greedy decoding on 2 cores, so a few batches keep the workers busy until
    #: it ends (issue 26: with one, they sat idle for ~0.3 s of every cold run); a bound keeps what an
    #: interrupt leaves queued small.
    HEAD_BATCHES = 4

    def head_start(self, texts: list[str], src: str, tgt: str, want: list[bool]) -> bool:
        """Queue one of a pair's first batches (``want``: which texts hold spans) while protect masks the
        rest; the pair's call collects them instead of sending those texts again. Only where the
        model runs in this process, can queue work (``submit``) and is the only hop. True while the
        pair takes another batch (:data:`HEAD_BATCHES`)."""
        chain = self.chain(src, tgt)
        translator = chain[0]
        ahead = self.ahead.setdefault((src, tgt), [])
        if self.executor is not None or len(chain) > 1 or not hasattr(translator, "submit") \
                or len(ahead) >= self.HEAD_BATCHES:
            return False
        keys = [translator.signature.cache_key(text) for text in texts]
        found = self.cache.get_many(keys) if self.cache is not None else {}
        queued = {text for batch, _, _ in ahead for text in batch}
        todo = [(text, flag) for text, flag, key in zip(texts, want, keys)
                if key not in found and text.strip() and text not in queued]
        if todo:
            batch, flags = [text for text, _ in todo], [flag for _, flag in todo]
            wanted = flags if any(flags) else None
            ahead.append((batch, wanted, translator.submit(batch, wanted)))
        return len(ahead) < self.HEAD_BATCHES

    def progress_share(self, src: str, tgt: str, count: int) -> tuple[int, int]:
        """(sentences this call completes, sentences done before it): protect's first call for a
        pair carries all its sentences; a later one (pieces, or a fresh try) is a phase."""
        first = self.calls[(src, tgt)] == 0
        self.calls[(src, tgt)] += 1
        if not first:
            tell_phase(self.progress, f"translating {count} piece(s) again around protected spans ({src}-{tgt})")
        return (self.pair_sentences[(src, tgt)] if first else 0), self.sentences_done

    def hop_advance(self, base: int, share: int, hop: int, hops: int) -> ProgressFn:
        def advance(done: int, total: int) -> None:
            self.show(base + int(share * (hop + done / max(1, total)) / hops))
        return advance

    def show(self, done: int) -> None:
        self.progress(min(done, self.total_sentences), self.total_sentences)

    def pivot_hop(self, texts: list[str], translator: Translator, advance: Optional[ProgressFn] = None) -> list[str]:
        """A later hop of a pivot chain: the first model's output may be longer than this
        model's input limit, so it is split to fit (never truncated) and joined again."""
        from .models import PIVOT_LANG

        count = lambda s, t=translator: t.token_lengths([s])[0]  # noqa: E731
        cuts = [split_block(text, PIVOT_LANG, translator.max_source_tokens, count) if text.strip() else []
                for text in texts]
        pieces_text = [piece.text for pieces in cuts for piece in pieces]
        outputs = iter(self.translate_hop(pieces_text, translator, advance=advance))
        return [join_translations(pieces, [next(outputs) for _ in pieces]) if pieces else "" for pieces in cuts]

    def translate_hop(self, texts: list[str], translator: Translator, want: AbstractSet[str] = frozenset(),
                      alignments: dict | None = None, fresh: bool = False,
                      advance: Optional[ProgressFn] = None, started: Sequence = ()) -> list[str]:
        """Cache first (unless ``fresh``), then the model; the alignments of the texts in ``want``
        (from the model, or kept in the cache beside the translation) go into ``alignments``;
        ``advance(done, total)`` after each batch; ``started``: the pair's first batch, already
        queued by :meth:`head_start` (collected here, not sent again)."""
        signature = translator.signature
        keys = [signature.cache_key(text) for text in texts]
        found = self.cache.get_many(keys) if self.cache is not None and not fresh else {}
        self.report.model_inputs += len(texts)
        self.report.cache_hits += sum(1 for key in keys if key in found)
        if alignments is not None and found and want:
            hits = [t for t, key in zip(texts, keys) if key in found and t in want]
            self.cached_alignments(hits, signature, alignments)
        misses = list(dict.fromkeys(text for text, key in zip(texts, keys) if key not in found and text.strip()))
        early = {text for batch, _, _ in started for text in batch}
        jobs = [(batch, [text in want for text in batch] if alignments is not None and want & set(batch) else None)
                for batch in self.length_batches([text for text in misses if text not in early], translator)]
        done = 0
        for batch, wanted, result in self.with_retries(self.run_batches(jobs, translator, started), translator):
            rows = []
            if wanted is not None:
                outputs = [out for out, _ in result]
                for text, (_, alignment) in zip(batch, result):
                    if alignment is not None:
                        if alignments is not None:
                            alignments[text] = alignment
                        rows.append((signature.alignment_key(text), text, alignment.dumps()))
            else:
                outputs = result
            self.report.backend_batches += 1
            self.report.backend_inputs += len(batch)
            rows += [(signature.cache_key(text), text, out) for text, out in zip(batch, outputs)]
            found.update((key, out) for key, _, out in rows)
            if self.cache is not None:
                self.cache.put_many(rows, signature.model)
            done += len(batch)
            if advance is not None:
                advance(done, len(misses))
        return [found.get(key, "") for key in keys]

    def run_batches(self, jobs: list, translator: Translator, started: Sequence = ()):
        """(batch, wanted, result) per job: here, or on a Ray cluster's actors (in the order they finish).
        ``started``: (batch, wanted, collect) of jobs already queued here (:meth:`head_start`), delivered first."""
        from .ray_exec import local_batches

        if self.executor is None:
            return local_batches(jobs, translator, started)
        return self.executor.run(jobs, translator, self.options)

    def without_loops(self, batch: list[str], wanted: list[bool] | None, result: list, translator) -> list:
        """``result`` with each output that loops (:func:`.checks.loops`) decoded once more against
        repetition (``translate_again``), the output with the shorter loop kept; the same in every run
        since a text decodes the same in any batch (see :func:`.ct2.length_chunks`). Done here, in the
        driver, so a Ray run does the same. A backend that aligns beam outputs after the fact
        (``finish_alignments``, CTranslate2) aligns only the outputs kept, here."""
        return self._retried(*self._retry(batch, wanted, result, translator), translator)[2]

    def with_retries(self, finished, translator):
        """(batch, wanted, result) of ``finished`` (:meth:`run_batches`) through :meth:`without_loops`, in
        order. A backend that queues work (``submit_again``, CTranslate2) gets a job's retries queued before
        the last job's are collected: waiting for each job's retries before taking the next left the
        workers idle at the end of every retry (issue 26: 0.43 s of a 2.4 s CLI run)."""
        pending: list[tuple] = []
        for batch, wanted, result in finished:
            pending.append(self._retry(batch, wanted, result, translator))
            if len(pending) > 1:
                yield self._retried(*pending.pop(0), translator)
        for job in pending:
            yield self._retried(*job, translator)

    def _retry(self, batch: list[str], wanted: list[bool] | None, result: list, translator) -> tuple:
        """(batch, wanted, result, looping indices, collect of their retries or None), the retries queued."""
        from .checks import loops

        outputs = result if wanted is None else [out for out, _ in result]
        looping = [i for i, (text, out) in enumerate(zip(batch, outputs)) if loops(text, out)]
        queue = getattr(translator, "submit_again", None)
        again = getattr(translator, "translate_again", None)
        if not looping or (queue is None and again is None):
            return batch, wanted, result, [], None
        self.report.loop_retries += len(looping)
        texts, want = [batch[i] for i in looping], None if wanted is None else [wanted[i] for i in looping]
        if queue is not None:
            return batch, wanted, result, looping, queue(texts, want)
        retried = again(texts, want)
        return batch, wanted, result, looping, lambda: retried

    def _retried(self, batch: list[str], wanted: list[bool] | None, result: list, looping: list[int],
                 collect, translator) -> tuple[list[str], list[bool] | None, list]:
        """The job with each retried output kept where its loop is shorter, beam outputs aligned."""
        from .checks import loop_extent

        if looping:
            outputs = result if wanted is None else [out for out, _ in result]
            result = list(result)
            for i, new in zip(looping, collect()):
                if loop_extent(new if wanted is None else new[0]) < loop_extent(outputs[i]):
                    result[i] = new
        finish = getattr(translator, "finish_alignments", None)  # CTranslate2 aligns beam outputs once chosen
        return batch, wanted, (result if wanted is None or finish is None else finish(batch, result))

    def cached_alignments(self, texts: list[str], signature: ModelSignature, alignments: dict) -> None:
        """The alignments kept beside cached translations (protect repairs from them as the first run did)."""
        from ..protect.alignment import Alignment

        if self.cache is None:
            return
        keys = {signature.alignment_key(text): text for text in texts}
        for key, value in self.cache.get_many(list(keys)).items():
            alignment = Alignment.loads(value)
            if alignment is not None:
                alignments[keys[key]] = alignment

    def length_batches(self, texts: list[str], translator: Translator) -> list[list[str]]:
        """Texts sorted by token length, cut into batches of similar length (little padding).

        Each backend gives every sentence its own length cap whatever its batch mates
        (:meth:`notelingo.mt.DecodingOptions.max_new_tokens`): mixing lengths under
        one cap was why a translation depended on the rest of the run and on the cache.
        """
        if not texts:
            return []
        lengths = translator.token_lengths(texts)
        ordered = [text for _, text in sorted(zip(lengths, texts))]
        size = self.batch_size(translator)
        return [ordered[start:start + size] for start in range(0, len(ordered), size)]

    def batch_size(self, translator: Translator) -> int:
        """Texts per batch the engine hands the model: the batch size times the backend's workers."""
        return max(1, self.options.decoding.batch_size) * getattr(translator, "inter_threads", 1)

    def close(self) -> None:
        if self.executor is not None:
            self.report.where = self.executor.describe()
        if self.cache is not None:
            self.cache.close()
