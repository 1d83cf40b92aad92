"""translate_notes: notes -> notes with every listed language, sentence-aligned.

1. Plan: every translatable block lacking a target language is cut into sentences
   (:mod:`.segment`, fitted to the model's input limit); code and formula blocks
   are copied. Identical segments of a note are requested once.
2. Translate: :func:`notelingo.protect.translate_protected` masks, translates,
   verifies and repairs protected spans, calling :class:`BatchRunner`, which serves
   what it can from the cache and sends only misses to the model, in batches
   sorted by token length (little padding), committing each batch to the cache
   (Ctrl-C keeps finished work).
3. Fill: ``sentences`` gets aligned pairs, ``text[tgt]`` their join keeping line
   breaks; ``terms``, ``flags`` and the signature are recorded.

Pairs with no model at hand (offline and no local copy, directly or through English)
are left out: their blocks keep only their original, and the report names each
pair with the notes it covers; only when no wanted block has a model does the run fail.

Progress: ``progress(done, total)`` counts source sentences, advancing as the model's
batches finish; when ``progress`` also has ``phase(text)``, it is told what runs in
between (loading the glossary or a model, splitting sentences, matching terms).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional

from .._version import __version__
from ..errors import ModelNotFoundError
from ..schema import UNTRANSLATED_KINDS, Block, Note
from .backends import Translator, cache_root, check_options, choose_backend, load_translator
from .cache import BLOCK_RECORD_VERSION, block_key  # noqa: F401 (BLOCK_RECORD_VERSION: old import path)
from .fill import BlockJob, apply_record, fill_block
from .options import TranslateOptions
from .segment import join_translations, split_block
from .signature import ModelSignature, chain_fields

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
    #: "src-tgt" -> ids of the notes left untranslated in that pair for want of a model.
    missing: dict[str, list[str]] = field(default_factory=dict)
    where: str = ""  # e.g. "ray: 2 actor(s) on 2 node(s)"; empty when the model ran in this process

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
    if key not in _LOADED:
        if len(_LOADED) >= LOADED_MODELS_KEPT:
            _LOADED.clear()
        _LOADED[key] = load_translator(options.backend, model, options.device, options.decoding, options.cache_dir)
    return _LOADED[key]


def alignment_key(text: str, signature: ModelSignature) -> str:
    """The cache key of a model input's alignment (kept in the translations table as JSON text)."""
    from .cache import cache_key

    return cache_key("\x00alignment\x00" + text, signature)


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

    def plan_signature(self, src: str, tgt: str) -> dict:
        """What will decide the pair's output, known before loading anything (for block records)."""
        return {
            "models": [model.label for model in self.models(src, tgt)],
            "backend": choose_backend(self.options.backend),
            "device": self.options.device,
            "decoding": self.options.decoding.as_dict(),
        }

    def chain(self, src: str, tgt: str) -> list[Translator]:
        """Loaded translators for the pair: one, or two pivoting through English."""
        if (src, tgt) not in self.chains:
            self.chains[(src, tgt)] = [self._load(model) for model in self.models(src, tgt)]
        return self.chains[(src, tgt)]

    def pair_signature(self, src: str, tgt: str) -> dict:
        """The note-signature fields for a pair whose translators are loaded."""
        return chain_fields([translator.signature for translator in self.chain(src, tgt)])

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
                texts = self.translate_hop(list(texts), translator, advance=advance)
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
        outputs = self.translate_hop(list(texts), chain[0], wanted, alignments, fresh, advance)
        self.sentences_done = base + share
        self.show(self.sentences_done)
        return outputs, [alignments.get(text) for text in texts]

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

    def translate_hop(self, texts: list[str], translator: Translator, want: set[str] = frozenset(),
                      alignments: dict | None = None, fresh: bool = False,
                      advance: Optional[ProgressFn] = None) -> list[str]:
        """Cache first (unless ``fresh``), then the model; the alignments of the texts in ``want``
        (from the model, or kept in the cache beside the translation) go into ``alignments``;
        ``advance(done, total)`` after each batch."""
        from .cache import cache_key

        signature = translator.signature
        keys = [cache_key(text, signature) for text in texts]
        found = self.cache.get_many(keys) if self.cache is not None and not fresh else {}
        self.report.model_inputs += len(texts)
        self.report.cache_hits += sum(1 for key in keys if key in found)
        if alignments is not None and found and want:
            hits = [t for t, key in zip(texts, keys) if key in found and t in want]
            self.cached_alignments(hits, signature, alignments)
        misses = list(dict.fromkeys(text for text, key in zip(texts, keys) if key not in found and text.strip()))
        jobs = [(batch, [text in want for text in batch] if alignments is not None and want & set(batch) else None)
                for batch in self.length_batches(misses, translator)]
        done = 0
        for batch, wanted, result in self.run_batches(jobs, translator):
            rows = []
            if wanted is not None:
                outputs = [out for out, _ in result]
                for text, (_, alignment) in zip(batch, result):
                    if alignment is not None:
                        alignments[text] = alignment
                        rows.append((alignment_key(text, signature), text, alignment.dumps()))
            else:
                outputs = result
            self.report.backend_batches += 1
            self.report.backend_inputs += len(batch)
            rows += [(cache_key(text, signature), text, out) for text, out in zip(batch, outputs)]
            found.update((key, out) for key, _, out in rows)
            if self.cache is not None:
                self.cache.put_many(rows, signature.model)
            done += len(batch)
            if advance is not None:
                advance(done, len(misses))
        return [found.get(key, "") for key in keys]

    def run_batches(self, jobs: list, translator: Translator):
        """(batch, wanted, result) per job: here, or on a Ray cluster's actors (in the order they finish)."""
        from .ray_exec import local_batches

        if self.executor is None:
            return local_batches(jobs, translator)
        return self.executor.run(jobs, translator, self.options)

    def cached_alignments(self, texts: list[str], signature: ModelSignature, alignments: dict) -> None:
        """The alignments kept beside cached translations (protect repairs from them as the first run did)."""
        from ..alignment import Alignment

        keys = {alignment_key(text, signature): text for text in texts}
        for key, value in self.cache.get_many(list(keys)).items():
            alignment = Alignment.loads(value)
            if alignment is not None:
                alignments[keys[key]] = alignment

    def length_batches(self, texts: list[str], translator: Translator) -> list[list[str]]:
        """Texts sorted by token length, cut into batches of similar length (little padding).

        Each backend gives every sentence its own length cap whatever its batch mates
        (:meth:`notelingo.translate.DecodingOptions.max_new_tokens`): mixing lengths under
        one cap was why a translation depended on the rest of the run and on the cache.
        """
        if not texts:
            return []
        lengths = translator.token_lengths(texts)
        ordered = [text for _, text in sorted(zip(lengths, texts))]
        size = max(1, self.options.decoding.batch_size) * getattr(translator, "inter_threads", 1)
        return [ordered[start:start + size] for start in range(0, len(ordered), size)]

    def close(self) -> None:
        if self.executor is not None:
            self.report.where = self.executor.describe()
        if self.cache is not None:
            self.cache.close()


def block_source_lang(block: Block, note: Note) -> Optional[str]:
    lang = block.lang or note.lang
    return None if not lang or lang == "und" else lang


def wanted_blocks(notes: list[Note], options: TranslateOptions):
    """(note index, block index, src, tgt) for every translatable block lacking a target language."""
    for n, note in enumerate(notes):
        for b, block in enumerate(note.blocks):
            src = block_source_lang(block, note)
            if block.kind in UNTRANSLATED_KINDS or src is None or not block.original(note.lang).strip():
                continue
            if options.source_langs and src not in options.source_langs:
                continue
            for tgt in (t for t in options.to if t != src and t not in block.text):
                yield n, b, src, tgt


def drop_missing_pairs(notes: list[Note], wanted: list, runner: BatchRunner, report: TranslateReport) -> list:
    """The wanted blocks whose pair has a model at hand; the others are recorded in
    ``report.missing``. Raises the missing model's error when no wanted block has one."""
    errors: dict[tuple[str, str], ModelNotFoundError] = {}
    for src, tgt in dict.fromkeys((src, tgt) for _, _, src, tgt in wanted):
        try:
            runner.models(src, tgt)
        except ModelNotFoundError as exc:
            if f"{src}-{tgt}" in runner.options.models:
                raise  # a model the user named is a mistake to report, not a language to skip
            errors[(src, tgt)] = exc
    kept = [item for item in wanted if (item[2], item[3]) not in errors]
    for n, _, src, tgt in wanted:
        if (src, tgt) in errors:
            ids = report.missing.setdefault(f"{src}-{tgt}", [])
            if notes[n].id not in ids:
                ids.append(notes[n].id)
    if errors and not kept:
        if len(errors) == 1:
            raise next(iter(errors.values()))
        raise ModelNotFoundError(
            f"no model is available offline for {missing_summary(report.missing)}; nothing could be translated; "
            "supply them with {option} PAIR=PATH or 'notelingo models download PAIR' while online", option="models")
    return kept


def missing_summary(missing: dict[str, list[str]]) -> str:
    """'fa-en (3 notes), zh-en (1 note)'."""
    return ", ".join(f"{pair} ({len(ids)} note{'s' if len(ids) != 1 else ''})" for pair, ids in sorted(missing.items()))


def plan_jobs(notes: list[Note], wanted: list[tuple[int, int, str, str]], runner: BatchRunner,
              progress=None) -> tuple[list[BlockJob], list]:
    """Cut every wanted block into requests, one per piece and in note order: a gloss term
    is glossed on its first use only, so a repeated sentence is a request of its own (protect
    and the runner still send identical model inputs to the model once)."""
    from ..protect import SegmentRequest

    for src, tgt in dict.fromkeys((src, tgt) for _, _, src, tgt in wanted):
        runner.chain(src, tgt)  # load the models first: each loading is its own phase
    tell_phase(progress, "splitting sentences")
    jobs: list[BlockJob] = []
    requests: list = []
    for n, b, src, tgt in wanted:
        note = notes[n]
        original = note.blocks[b].original(note.lang)
        first = runner.chain(src, tgt)[0]
        pieces = split_block(original, src, first.max_source_tokens, lambda s, t=first: t.token_lengths([s])[0])
        ids = list(range(len(requests), len(requests) + len(pieces)))
        requests.extend(SegmentRequest(piece.text, src, tgt, note.id) for piece in pieces)
        jobs.append(BlockJob(n, b, src, tgt, original, pieces, ids))
    runner.report.segments = len(requests)
    runner.pair_sentences.update((request.src, request.tgt) for request in requests)
    return jobs, requests


def copy_untranslated(note: Note, targets: tuple[str, ...]) -> None:
    """Code, formulas, blank blocks and blocks of unknown language keep their text in every target language."""
    for block in note.blocks:
        original = block.original(note.lang)
        unknown = block_source_lang(block, note) is None
        if block.kind in UNTRANSLATED_KINDS or unknown or not original.strip():
            for tgt in targets:
                block.text.setdefault(tgt, original)
            if block.kind not in UNTRANSLATED_KINDS and unknown and "untranslated:unknown-language" not in block.flags:
                block.flags.append("untranslated:unknown-language")


def sign(note: Note, pairs: dict[tuple[str, str], dict], glossary_hash: Optional[str]) -> None:
    """Record what translated the note (models per pair, backend, compute type, glossary, decoding)."""
    signature = note.signature
    signature.notelingo = __version__
    for (src, tgt), pair in sorted(pairs.items()):
        signature.models[f"{src}-{tgt}"] = pair["model"]
        signature.backend = pair["backend"]
        signature.compute_type = pair["compute_type"]
        signature.decoding = dict(pair["decoding"])
    signature.glossary_hash = glossary_hash


def serve_from_records(notes: list[Note], wanted: list, keys: list[str], runner: BatchRunner, signed: dict) -> list:
    """Fill the blocks whose records are cached; returns the wanted blocks still to translate."""
    records = runner.cache.get_blocks(keys) if runner.cache is not None else {}
    # A note's blocks for one language are served all or none: glossing on first use
    # runs through the note in order, so a half-served note could gloss twice or never.
    stale = {(n, tgt) for (n, _, _, tgt), key in zip(wanted, keys) if key not in records}
    missing = []
    for (n, b, src, tgt), key in zip(wanted, keys):
        if key not in records or (n, tgt) in stale:
            missing.append((n, b, src, tgt))
            continue
        record = json.loads(records[key])
        apply_record(notes[n], b, src, tgt, record)
        signed.setdefault(n, {})[(src, tgt)] = record["signature"]
        runner.report.flags.update(record["flags"])
        runner.report.block_hits += 1
    return missing


def translate_notes(notes: list[Note], options: TranslateOptions,
                    progress: Optional[ProgressFn] = None) -> tuple[list[Note], TranslateReport]:
    """Translate every note into each language of ``options.to`` it lacks. Returns new notes.

    Blocks finished by an earlier run with the same models, options and glossary are served whole
    from the cache; the rest go through protect and the model, and only segments the cache lacks reach it.
    """
    from ..glossary import Glossary, load_glossary
    from ..repair import repair_kind, translate_protected

    check_options(options)
    started = time.perf_counter()
    report = TranslateReport(notes=len(notes))
    notes = [note.model_copy(deep=True) for note in notes]
    tell_phase(progress, "loading the glossary")
    glossary = options.glossary if isinstance(options.glossary, Glossary) else load_glossary(options.glossary)
    runner = BatchRunner(options, report, progress)
    signed: dict[int, dict] = {}
    try:
        tell_phase(progress, "finding the models")
        wanted = drop_missing_pairs(notes, list(wanted_blocks(notes, options)), runner, report)
        extra = {"glossary": glossary.hash, "keep_acronyms": options.keep_acronyms}
        keys = [block_key(notes[n], b, src, tgt, {**runner.plan_signature(src, tgt), **extra})
                for n, b, src, tgt in wanted]
        missing = serve_from_records(notes, wanted, keys, runner, signed)
        jobs, requests = plan_jobs(notes, missing, runner, progress)
        if requests:
            tell_phase(progress, "matching glossary terms and protected spans")
        results = (translate_protected(requests, runner, glossary=glossary, keep_acronyms=options.keep_acronyms)
                   if requests else [])
        report.repairs.update(kind for kind in map(repair_kind, results) if kind)
        runner.show(runner.total_sentences)
        rows, key_of = [], dict(zip(wanted, keys))
        for job in jobs:
            record = fill_block(notes[job.note], job, results)
            record["signature"] = runner.pair_signature(job.src, job.tgt)
            signed.setdefault(job.note, {})[(job.src, job.tgt)] = record["signature"]
            report.flags.update(record["flags"])
            rows.append((key_of[(job.note, job.block, job.src, job.tgt)], json.dumps(record, ensure_ascii=False)))
        if runner.cache is not None and rows:
            runner.cache.put_blocks(rows)
    finally:
        runner.close()
    for n, note in enumerate(notes):
        copy_untranslated(note, options.to)
        if n in signed:
            sign(note, signed[n], glossary.hash)
    report.blocks_translated = len(wanted)
    report.seconds = time.perf_counter() - started
    return notes, report
