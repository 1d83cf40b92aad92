"""Fill step of the engine: a block job's translations become the block's target text,
aligned sentence pairs, flags and term uses (and the block record kept in the cache)."""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import Block, Note, SentenceCheck, TermUse
from .checks import check_sentence
from .segment import Piece, join_translations


@dataclass
class BlockJob:
    """One block to translate into one language: its pieces and the request index of each."""

    note: int
    block: int
    src: str
    tgt: str
    original: str
    pieces: list[Piece]
    requests: list[int]


def piece_offsets(original: str, pieces: list[Piece]) -> list[int]:
    """Where each piece starts in the block's original text."""
    position = len(original) - len(original.lstrip())
    offsets = []
    for piece in pieces:
        offsets.append(position)
        position += len(piece.text) + len(piece.sep)
    return offsets


def merge_sentences(block: Block, src: str, tgt: str, sources: list[str], translations: list[str]) -> None:
    """Aligned pairs; an earlier target's pairs are kept when they cover the same source sentences."""
    same = len(block.sentences) == len(sources) and all(s.get(src) == text for s, text in zip(block.sentences, sources))
    if not same:
        block.sentences = [{src: text} for text in sources]
    for pair, translation in zip(block.sentences, translations):
        pair[tgt] = translation.strip()


def term_uses(job: BlockJob, block_id: str, results: list) -> list[TermUse]:
    """TermUse records for the glossary terms protect found in the block's sentences."""
    uses = []
    for offset, request_id in zip(piece_offsets(job.original, job.pieces), job.requests):
        for span in results[request_id].spans:
            if span.kind != "term":
                continue
            start = offset + span.start
            uses.append(
                TermUse(
                    entry=span.entry or span.text,
                    lang=job.src,
                    block=block_id,
                    start=start,
                    end=start + len(span.text),
                    surface=span.text,
                    policy=span.policy or "keep",
                    rendering={job.tgt: span.rendering},
                    choice={job.tgt: span.choice} if span.choice else None,
                )
            )
    return uses


def add_terms(note: Note, uses: list[TermUse]) -> None:
    """Add term uses; the same source span seen for another target gains a rendering."""
    existing = {(t.block, t.start, t.end, t.lang): t for t in note.terms}
    for use in uses:
        key = (use.block, use.start, use.end, use.lang)
        if key in existing:
            existing[key].rendering = {**(existing[key].rendering or {}), **(use.rendering or {})}
            if use.choice:
                existing[key].choice = {**(existing[key].choice or {}), **use.choice}
        else:
            existing[key] = use
            note.terms.append(use)


def fill_block(note: Note, job: BlockJob, results: list) -> dict:
    """Write one job's translations into its block; returns the block record for the cache."""
    block = note.blocks[job.block]
    translations = [results[i].text for i in job.requests]
    flags = list(dict.fromkeys(flag for i in job.requests for flag in results[i].flags))
    uses = term_uses(job, block.id, results)
    record = {
        "text": join_translations(job.pieces, translations),
        "sources": [piece.text for piece in job.pieces],
        "translations": translations,
        "flags": flags,
        "terms": [use.model_dump() for use in uses],
    }
    apply_record(note, job.block, job.src, job.tgt, record)
    return record


def sentence_checks(sources: list[str], translations: list[str], src: str, tgt: str) -> list[SentenceCheck]:
    """The block's translated sentences that fail a self-check (:func:`.checks.check_sentence`)."""
    found = []
    for index, (source, translation) in enumerate(zip(sources, translations)):
        flags = check_sentence(source, translation, src, tgt)
        if flags:
            found.append(SentenceCheck(sentence=index, lang=tgt, flags=flags))
    return found


def apply_record(note: Note, index: int, src: str, tgt: str, record: dict) -> None:
    """Fill a block's target text, aligned pairs, flags and terms from a block record; the self-checks
    run here, on the record's sentences, so a block served from the cache is checked as a fresh one."""
    block = note.blocks[index]
    block.text[tgt] = record["text"]
    merge_sentences(block, src, tgt, record["sources"], record["translations"])
    checks = sentence_checks(record["sources"], record["translations"], src, tgt)
    found = [flag for check in checks for flag in check.flags]
    block.flags.extend(dict.fromkeys(flag for flag in record["flags"] + found if flag not in block.flags))
    block.checks = [check for check in block.checks if check.lang != tgt] + checks
    add_terms(note, [TermUse(**{**use, "block": block.id}) for use in record["terms"]])
