"""A vocabulary map for the CTranslate2 backend: ``notelingo models vmap PAIR CORPUS``.

Most of a decoding step on an opus-mt model is the output projection over all
62,518 target pieces. CTranslate2 can restrict it to the pieces the batch's source
pieces may produce (``translate_batch(use_vmap=True)`` with ``vmap.txt`` in the
model folder). Its format (CTranslate2 ``vocabulary_map.cc``): one line per source
piece, ``source<TAB>target target ...``; the line whose source is empty lists the
pieces that are always candidates (``<unk>``, ``<s>`` and ``</s>`` always are).

The map is built from the model's own translations:

1. the corpus lines are masked as translation masks them (protected spans become
   placeholders) and translated *without* a map, with the attention of the
   alignment head; each target piece is credited to the source piece it attends to
   most, and each source piece that is also a target piece maps to itself (copies);
2. always included: the pieces of every placeholder (``XQ0``, ``ZJ17``...), of the
   protected spans of the corpus and of the glossary's target forms, and every
   piece without a letter (punctuation, digits);
3. a fifth of the lines (every fifth) is held out: it is scored with
   :func:`notelingo.mt.evaluate.evaluate` (what ``notelingo eval`` runs) without and
   with the map. Against the reference file when one is given, else against the
   translation without the map. The map is kept only when neither BLEU nor chrF
   falls by more than :data:`MAX_DROP` and no protected span or glossary term is
   lost; else it is removed and the full vocabulary stays.

The map lives beside the converted model (``<cache>/ct2/<model>.../vmap.txt``) and is
used by default when present; ``NOTELINGO_VMAP=0`` turns it off. A translation made
with it records ``+vmap-<hash>`` in its compute type, so cached translations made
with and without it (or with another map) never mix.

With a per-source map, a sentence's candidates are those of every source piece of its
batch: its output can depend on its batch mates (the pieces they add). So the default
(``--fixed``) writes every collected piece on the always line: the same candidates for
every batch, and outputs that never depend on batch mates; ``--per-source`` opts out.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..fileio import text_lines
from .ct2 import VMAP_FILE, convert_once, length_chunks, padded_rows, plan_threads, vmap_enabled, vmap_in_use

__all__ = ["VMAP_FILE", "VmapOptions", "build_vmap", "vmap_enabled", "vmap_in_use"]

#: The most BLEU or chrF may fall on the held-out lines for a map to be kept.
MAX_DROP = 0.3
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class VmapOptions:
    """What ``notelingo models vmap`` builds with: the pair, the model, decoding, glossary, gate."""

    src: str = "ru"
    tgt: str = "en"
    models: dict[str, str] = field(default_factory=dict)
    cache_dir: str | None = None
    beams: int = 4
    length_ratio: float = 2.0
    length_extra: int = 10
    glossary: str | None = None  # None: the shipped glossary
    use_glossary: bool = True
    ref: str | None = None  # reference translations, line-aligned with the corpus
    fixed: bool = True  # every piece on the always line (batch-independent candidates); False: per source piece
    max_drop: float = MAX_DROP


def read_corpus(path: str) -> list[str]:
    try:
        lines = text_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot be read as UTF-8 text ({exc}); give one segment per line") from None
    return [line.strip() for line in lines]


def split_held_out(lines: list[str]) -> tuple[list[int], list[int]]:
    """(build, held-out) line indices of the non-blank lines: every fifth one is held out."""
    kept = [i for i, line in enumerate(lines) if line]
    return [i for n, i in enumerate(kept) if n % 5 != 4], [i for n, i in enumerate(kept) if n % 5 == 4]


def _pieces(processor, texts) -> set[str]:
    texts = [t for t in texts if t]
    return {piece for pieces in (processor.encode(texts, out_type=str) if texts else []) for piece in pieces}


def placeholder_texts() -> list[str]:
    """Every placeholder :func:`notelingo.protect.mask.mask` writes for up to 100 spans of a segment."""
    import itertools

    from ..protect.mask import _PREFIX_LETTERS

    prefixes = ["".join(p) for p in itertools.permutations(_PREFIX_LETTERS, 2)]
    return [f"{p}{i}" for p in prefixes for i in range(10)] + [f"{p}{i:02d}" for p in prefixes for i in range(100)]


def always_pieces(spm, glossary, spans: list, tgt: str) -> set[str]:
    """Pieces that are candidates in every batch (see the module's docstring, step 2)."""
    target = spm.target if spm.separate_vocabs else spm.source
    texts = placeholder_texts() + [text for span in spans for text in (span.rendering, span.text)]
    for entry in glossary.entries if glossary is not None else ():
        texts += [entry.target(tgt), *entry.forms(tgt)]
    pieces = _pieces(target, texts)
    pieces |= {piece for piece in spm.vocab if len(piece) <= 4 and not _LETTER.search(piece)
               and not piece.startswith("<")}
    return {p for p in pieces if p in spm.vocab} | {spm.eos_token}


def collect_map(translator, spm, masked: list[str], options: VmapOptions, limit: int) -> dict[str, set[str]]:
    """Target pieces per source piece from the model's own translations (attention argmax): as decoded first,
    and as decoded once more against repetition (what the self-checks keep when the first output loops)."""
    from .checks import RETRY_NO_REPEAT_NGRAM, RETRY_REPETITION_PENALTY
    from .options import DecodingOptions

    decoding = DecodingOptions(beams=options.beams, length_ratio=options.length_ratio,
                               length_extra=options.length_extra)
    tokens = [t for t in spm.encode_pieces(masked) if len(t) <= limit // 2]
    mapping: dict[str, set[str]] = defaultdict(set)
    # the chunks and padding translation uses (ct2.length_chunks, padded_rows): the same outputs
    for chunk in length_chunks([len(t) for t in tokens], 1, options.beams):
        batch = [tokens[i] for i in chunk]
        cap = decoding.max_new_tokens(max(len(t) for t in batch), limit)
        for retry in ({}, {"no_repeat_ngram_size": RETRY_NO_REPEAT_NGRAM,
                           "repetition_penalty": RETRY_REPETITION_PENALTY}):
            results = translator.translate_batch(padded_rows(batch), beam_size=options.beams,
                                                 max_decoding_length=cap, return_attention=True, **retry)
            for source, result in zip(batch, results):
                _credit(mapping, source, result)
        for source in batch:
            for piece in source:
                if piece in spm.vocab:
                    mapping[piece].add(piece)
    return mapping


def _credit(mapping: dict[str, set[str]], source: list[str], result) -> None:
    """Each output piece goes to the source piece its attention points at most."""
    for piece, weights in zip(result.hypotheses[0], result.attention[0]):
        position = max(range(len(source)), key=lambda j: weights[j]) if weights else None
        if position is not None and position < len(source):
            mapping[source[position]].add(piece)


def write_vmap(path: Path, mapping: dict[str, set[str]], always: set[str], fixed: bool) -> int:
    """Write ``vmap.txt``; returns the number of distinct target pieces in it."""
    if fixed:
        always = always | {p for targets in mapping.values() for p in targets}
        mapping = {}
    lines = ["\t" + " ".join(sorted(always))]
    lines += [f"{source}\t{' '.join(sorted(targets))}" for source, targets in sorted(mapping.items())
              if source and " " not in source and "\t" not in source]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return len(always | {p for targets in mapping.values() for p in targets})


def _mask_lines(lines: list[str], glossary, options: VmapOptions) -> tuple[list[str], list]:
    from ..protect.mask import find_protected_spans, mask

    masked, spans = [], []
    for line in lines:
        found = find_protected_spans(line, options.src, options.tgt, glossary)
        masked.append(mask(line, found)[0])
        spans += found
    return masked, spans


def _open_unmapped(folder: Path):
    import ctranslate2

    from .options import cpu_count

    inter, intra = plan_threads(cpu_count(), "cpu")
    return ctranslate2.Translator(str(folder), device="cpu", compute_type="int8", inter_threads=inter,
                                  intra_threads=intra)


def build_vmap(corpus: str, options: VmapOptions) -> dict:
    """Build, score and keep (or refuse) the map of ``options``' pair from ``corpus``; the report as a dict."""
    from ..fileio import cache_root
    from .evaluate import EvalOptions
    from .marian import position_limit
    from .models import resolve_pair
    from .spm import MarianSpm

    pair = f"{options.src}-{options.tgt}"
    (model,) = resolve_pair(options.src, options.tgt, options.models)
    folder = convert_once(model, "int8", cache_root(options.cache_dir))
    target = folder / VMAP_FILE
    target.unlink(missing_ok=True)  # built and scored from the full vocabulary
    lines = read_corpus(corpus)
    refs = read_corpus(options.ref) if options.ref else None
    if refs is not None and len(refs) != len(lines):
        raise InputError(options.ref, f"has {len(refs)} lines and {corpus} {len(lines)}; give line-aligned files")
    build, held = split_held_out(lines)
    if not build or not held:
        raise InputError(corpus, "needs at least 5 non-blank lines (every fifth is held out for scoring)")
    eval_options = EvalOptions(src=options.src, tgt=options.tgt, models=options.models, backend="ctranslate2",
                               device="cpu", beams=options.beams, glossary=options.glossary,
                               use_glossary=options.use_glossary, cache_dir=options.cache_dir)
    glossary = _glossary(options)
    spm = MarianSpm(model.path)
    masked, spans = _mask_lines([lines[i] for i in build], glossary, options)
    mapping = collect_map(_open_unmapped(folder), spm, masked, options, position_limit(model.path, spm))
    pieces = write_vmap(target, mapping, always_pieces(spm, glossary, spans, options.tgt), options.fixed)
    target.rename(folder / "vmap.candidate.txt")
    scores = _score(lines, refs, held, eval_options, folder)
    verdict = _verdict(scores, options.max_drop)
    kept = folder / "vmap.candidate.txt"
    if verdict is None:
        os.replace(kept, target)
    else:
        kept.unlink(missing_ok=True)
    report = {"pair": pair, "folder": str(folder), "kept": verdict is None, "refused": verdict,
              "target_pieces": pieces, "source_entries": 0 if options.fixed else len(mapping),
              "build_lines": len(build), "held_out_lines": len(held), "fixed": options.fixed, **scores}
    report["summary"] = summary(report)
    return report


def _glossary(options: VmapOptions):
    from ..glossary import Glossary, load_glossary

    return load_glossary(options.glossary) if options.use_glossary else Glossary([], "<no glossary>")


def _score(lines: list[str], refs: list[str] | None, held: list[int], eval_options, folder: Path) -> dict:
    """``notelingo eval`` on the held-out lines without and with the map (``vmap.candidate.txt``)."""
    from . import runner
    from .evaluate import evaluate

    with tempfile.TemporaryDirectory(prefix="notelingo-vmap-") as work:
        src = Path(work) / "held.src"
        src.write_text("\n".join(lines[i] for i in held) + "\n", encoding="utf-8")
        ref = Path(work) / "held.ref"
        previous = os.environ.get("NOTELINGO_VMAP")
        try:
            os.environ["NOTELINGO_VMAP"] = "0"
            runner._LOADED.clear()  # a model loaded with the other setting must not be reused
            if refs is not None:
                ref.write_text("\n".join(refs[i] for i in held) + "\n", encoding="utf-8")
                without = evaluate(str(src), str(ref), eval_options)
            else:  # the translation without the map is the reference: the map must reproduce it
                without = _self_reference(src, ref, eval_options)
            os.replace(folder / "vmap.candidate.txt", folder / VMAP_FILE)
            os.environ["NOTELINGO_VMAP"] = "1"
            runner._LOADED.clear()
            try:
                with_map = evaluate(str(src), str(ref), eval_options)
            finally:
                os.replace(folder / VMAP_FILE, folder / "vmap.candidate.txt")
        finally:
            runner._LOADED.clear()
            if previous is None:
                os.environ.pop("NOTELINGO_VMAP", None)
            else:
                os.environ["NOTELINGO_VMAP"] = previous
    return {"reference": "file" if refs is not None else "translation without the map",
            "without": _figures(without), "with": _figures(with_map)}


def _self_reference(src: Path, ref: Path, eval_options) -> dict:
    """Translate ``src`` without the map into ``ref``, then score the same translation run against it."""
    from .evaluate import LinePair, evaluate, translate_lines

    lines = text_lines(src.read_text(encoding="utf-8"))
    pairs = [LinePair(number, line, "") for number, line in enumerate(lines, 1)]
    translate_lines(pairs, eval_options, _glossary_of(eval_options), str(src))
    ref.write_text("\n".join(p.hyp.replace("\n", " ") for p in pairs) + "\n", encoding="utf-8")
    return evaluate(str(src), str(ref), eval_options)


def _glossary_of(eval_options):
    from .evaluate import _scoring_glossary

    return _scoring_glossary(eval_options)[1]


def _figures(result: dict) -> dict:
    spans, terms = result["span_survival"], result["term_accuracy"]
    return {"bleu": result["bleu"]["score"], "chrf": result["chrf"]["score"], "spans": spans["spans"],
            "spans_intact": spans["intact"], "terms": terms["terms"], "terms_correct": terms["correct"],
            "lines": result["lines"]["scored"], "sentences_per_second": result["lines"]["sentences_per_second"],
            "compute_type": result["signature"].get("compute_type")}


def _verdict(scores: dict, max_drop: float) -> str | None:
    """Why the map is refused, or None when it is kept."""
    without, with_map = scores["without"], scores["with"]
    for metric, name in (("bleu", "BLEU"), ("chrf", "chrF")):
        drop = without[metric] - with_map[metric]
        if drop > max_drop:
            return f"{name} fell by {drop:.2f} ({without[metric]:.2f} -> {with_map[metric]:.2f}, allowed {max_drop:g})"
    if with_map["spans_intact"] < without["spans_intact"]:
        return f"protected spans intact fell from {without['spans_intact']} to {with_map['spans_intact']}"
    if with_map["terms_correct"] < without["terms_correct"]:
        return f"glossary terms right fell from {without['terms_correct']} to {with_map['terms_correct']}"
    return None


def summary(report: dict) -> str:
    """One line: what was built and whether it is used."""
    a, b = report["without"], report["with"]
    figures = (f"BLEU {a['bleu']:.2f} -> {b['bleu']:.2f}, chrF {a['chrf']:.2f} -> {b['chrf']:.2f}, "
               f"spans intact {a['spans_intact']}/{a['spans']} -> {b['spans_intact']}/{b['spans']}, "
               f"terms {a['terms_correct']}/{a['terms']} -> {b['terms_correct']}/{b['terms']} "
               f"on {a['lines']} held-out lines (reference: {report['reference']})")
    if report["kept"]:
        return f"{report['target_pieces']} target pieces, kept in {report['folder']}; {figures}"
    return (f"refused ({report['refused']}): keeping the full vocabulary; "
            f"{report['target_pieces']} target pieces; {figures}")
