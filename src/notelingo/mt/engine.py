"""translate_notes: notes -> notes with every listed language, sentence-aligned.

1. Plan: every translatable block lacking a target language is cut into sentences
   (:mod:`.segment`, fitted to the model's input limit); code and formula blocks
   are copied. Identical segments of a note are requested once.
2. Translate: :func:`notelingo.protect.mask.translate_protected` masks, translates,
   verifies and repairs protected spans, calling :class:`.runner.BatchRunner`, which serves
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
from typing import Optional

from .._version import __version__
from ..errors import ModelNotFoundError
from ..schema import UNTRANSLATED_KINDS, Block, Note
from .backends import check_options
from .cache import BLOCK_RECORD_VERSION, block_key  # noqa: F401 (BLOCK_RECORD_VERSION: old import path)
from .fill import BlockJob, apply_record, fill_block
from .options import TranslateOptions
from .runner import (  # noqa: F401 (alignment_key, ProgressFn: their old import path)
    BatchRunner,
    ProgressFn,
    TranslateReport,
    alignment_key,
    tell_phase,
)
from .segment import split_block
from .signature import sign_note


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
    from ..protect.mask import SegmentRequest

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


def count_flags(report: TranslateReport, record: dict, block: Block, tgt: str) -> None:
    """Add a filled block's flags to the report: the record's, and the block's sentences flagged
    in ``tgt`` (the summary's "flagged for review") with their check: flags."""
    report.flags.update(record["flags"])
    flagged = block.sentence_flags(tgt)
    report.checks["sentences"] += len(flagged)
    report.checks.update(flag for flags in flagged.values() for flag in flags)
    report.flags.update(list(dict.fromkeys(flag for flags in flagged.values() for flag in flags)))


def block_keys(notes: list[Note], wanted: list, runner: BatchRunner, extra: dict) -> list[str]:
    """The cache key of each wanted block (:func:`.cache.block_key`), each pair's plan worked out once."""
    plans = {pair: {**runner.planned_signature(*pair).plan_fields(), **extra}
             for pair in dict.fromkeys((src, tgt) for _, _, src, tgt in wanted)}
    return [block_key(notes[n], b, src, tgt, plans[(src, tgt)]) for n, b, src, tgt in wanted]


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
        count_flags(runner.report, record, notes[n].blocks[b], tgt)
        runner.report.block_hits += 1
    return missing


def translate_notes(notes: list[Note], options: TranslateOptions,
                    progress: Optional[ProgressFn] = None) -> tuple[list[Note], TranslateReport]:
    """Translate every note into each language of ``options.to`` it lacks. Returns new notes.

    Blocks finished by an earlier run with the same models, options and glossary are served whole
    from the cache; the rest go through protect and the model, and only segments the cache lacks reach it.
    """
    from ..glossary import Glossary, load_glossary
    from ..protect.repair import translate_protected

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
        keys = block_keys(notes, wanted, runner, {"glossary": glossary.hash, "keep_acronyms": options.keep_acronyms})
        missing = serve_from_records(notes, wanted, keys, runner, signed)
        jobs, requests = plan_jobs(notes, missing, runner, progress)
        if requests:
            tell_phase(progress, "matching glossary terms and protected spans")
        results = (translate_protected(requests, runner, glossary=glossary, keep_acronyms=options.keep_acronyms)
                   if requests else [])
        report.count(results)
        runner.show(runner.total_sentences)
        rows, key_of = [], dict(zip(wanted, keys))
        for job in jobs:
            record = fill_block(notes[job.note], job, results)
            record["signature"] = runner.signature(job.src, job.tgt).record()
            signed.setdefault(job.note, {})[(job.src, job.tgt)] = record["signature"]
            count_flags(report, record, notes[job.note].blocks[job.block], job.tgt)
            rows.append((key_of[(job.note, job.block, job.src, job.tgt)], json.dumps(record, ensure_ascii=False)))
        if runner.cache is not None and rows:
            runner.cache.put_blocks(rows)
    finally:
        runner.close()
    for n, note in enumerate(notes):
        copy_untranslated(note, options.to)
        if n in signed:
            sign_note(note.signature, signed[n], glossary.hash, __version__)
    report.blocks_translated = len(wanted)
    report.seconds = time.perf_counter() - started
    return notes, report
