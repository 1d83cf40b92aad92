"""``notelingo eval``: score a model, a backend, decoding settings and a glossary on line-aligned parallel text.

1. Read SRC and REF (and HYP): line-aligned plain text, Markdown or MDX. Blank lines,
   lines identical in both, markup (MDX components and their attribute lines, template
   lines, HTML-only lines) and code fences with their contents are excluded and counted.
   Block syntax is removed from the lines that are scored: heading hashes, quote
   markers, list markers and doc-builder anchors (``## Title[[anchor]]`` -> ``Title``).
2. Translate each SRC line as a note of its own through :func:`notelingo.mt.engine.translate_notes`
   (the same code path as ``notelingo translate``; the cache is not used, so the speed is
   the model's), or take the lines of HYP as they are. :func:`notelingo.api.evaluate` is the verb.
3. Score: sacreBLEU BLEU and chrF with their signature strings; glossary term accuracy;
   span survival with :func:`notelingo.protect.mask.intact_spans` (the check translation runs);
   repairs by kind (the translation report's flags); sentences per second (after a one-line
   warm-up, so model loading is not counted).

Term accuracy: for each glossary entry found in a source line whose reference has one
of the entry's forms (lemma-aware, as ``notelingo glossary find`` matches), is one of
the entry's forms in the hypothesis? Counted once per entry and line. It is measured
with the scoring glossary (``--glossary``, or the shipped one) also under
``--no-glossary``, so runs with and without the glossary compare.

Span survival: the spans translation protects (URLs, code, LaTeX, arXiv ids, acronyms,
glossary terms of the glossary the translation used), found per translated sentence as
the engine finds them, each intact only where it stands whole in the output.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .._version import __version__
from ..errors import InputError, UsageError

EXCLUDED_KINDS = ("blank", "identical", "markup", "code")

_FENCE = re.compile(r"^\s*(```|~~~)")
_TAG_START = re.compile(r"^\s*<(/?[A-Za-z][\w.:-]*|!--)")
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>")
_TEMPLATE = re.compile(r"^\s*\{[#:/@]")  # Svelte/MDX template lines: {#if fw === 'pt'}, {:else}, {/if}
_BLOCK_PREFIX = re.compile(r"^\s*(?:(?:#{1,6}|>|[-*+]|\d{1,3}[.)])(?:\s+|$))+")
_ANCHOR = re.compile(r"\s*\[\[[^\[\]\n]+\]\]\s*$")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class LinePair:
    """One scored line: its number in the files (from 1), source, reference and hypothesis."""

    number: int
    src: str
    ref: str
    hyp: str = ""
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (source, translation) as translated


@dataclass
class EvalOptions:
    """What ``notelingo eval`` runs: the pair, the model and its settings, the glossaries."""

    src: str = "ru"
    tgt: str = "en"
    models: dict[str, str] = field(default_factory=dict)
    backend: str = "auto"
    device: str = "auto"
    beams: int = 4
    batch_size: int = 32
    glossary: str | None = None  # the glossary file, for translation and term accuracy (None: the shipped one)
    use_glossary: bool = True  # False: translate without a glossary (term accuracy still uses ``glossary``)
    keep_acronyms: bool = True
    cache_dir: str | None = None  # notelingo's cache folder (converted models); None: the default one


def clean_line(line: str) -> str:
    """The text of a Markdown line without block syntax: heading/quote/list markers and ``[[anchor]]`` ids."""
    return _ANCHOR.sub("", _BLOCK_PREFIX.sub("", line)).strip()


def _markup_only(line: str) -> bool:
    """A line of tags, an HTML comment or a template line: nothing to translate."""
    if _TEMPLATE.match(line):
        return True
    return bool(_TAG_START.match(line)) and not _LETTER.search(_TAG.sub("", line))


class _LineKinds:
    """Walks one file's lines, tracking code fences and multi-line MDX component tags."""

    def __init__(self) -> None:
        self.fence: str | None = None
        self.in_tag = False

    def kind(self, line: str) -> str | None:
        """'code', 'markup', or None for a line of text (blank lines are text here)."""
        fence = _FENCE.match(line)
        if self.fence is not None:
            if fence and fence.group(1) == self.fence:
                self.fence = None
            return "code"
        if fence:
            self.fence = fence.group(1)
            return "code"
        if self.in_tag:
            self.in_tag = not line.rstrip().endswith(">")
            return "markup"
        if _TAG_START.match(line) and ">" not in _TAG_START.sub("", line, count=1):
            self.in_tag = True  # <CourseFloatingBanner chapter={6}  ... until a line ending in > or />
            return "markup"
        return "markup" if _markup_only(line) else None


def select_lines(src_lines: list[str], ref_lines: list[str],
                 hyp_lines: list[str] | None = None) -> tuple[list[LinePair], Counter]:
    """The line pairs to score, and how many lines were excluded for each reason (:data:`EXCLUDED_KINDS`)."""
    src_kinds, ref_kinds = _LineKinds(), _LineKinds()
    pairs: list[LinePair] = []
    excluded: Counter = Counter({kind: 0 for kind in EXCLUDED_KINDS})
    for index, (src, ref) in enumerate(zip(src_lines, ref_lines)):
        kinds = {src_kinds.kind(src), ref_kinds.kind(ref)}
        src_text, ref_text = clean_line(src), clean_line(ref)
        if "code" in kinds:
            excluded["code"] += 1
        elif "markup" in kinds:
            excluded["markup"] += 1
        elif not src_text or not ref_text:
            excluded["blank"] += 1
        elif src_text == ref_text:
            excluded["identical"] += 1
        else:
            hyp = clean_line(hyp_lines[index]) if hyp_lines is not None else ""
            pairs.append(LinePair(index + 1, src_text, ref_text, hyp))
    return pairs, excluded


def read_aligned(src_path: str, ref_path: str, hyp_path: str | None = None) -> tuple[list[LinePair], Counter]:
    """Read SRC, REF (and HYP), check they have the same number of lines, and select the lines to score."""
    from ..fileio import read_text, text_lines

    texts = {path: text_lines(read_text(path)) for path in (src_path, ref_path, hyp_path) if path is not None}
    src_lines = texts[src_path]
    for path in (ref_path, hyp_path):
        if path is not None and len(texts[path]) != len(src_lines):
            raise InputError(path, f"has {len(texts[path])} lines and {src_path} has {len(src_lines)}; "
                                   "SRC, REF and HYP must be line-aligned (one translation per line)")
    return select_lines(src_lines, texts[ref_path], texts[hyp_path] if hyp_path else None)


def _line_notes(pairs: list[LinePair], src: str, path: str) -> list:
    from ..schema import Block, Note, Signature, Source

    return [Note(id=f"line-{p.number}", lang=src, lang_confidence=1.0, title="", source=Source(kind="text", path=path),
                 blocks=[Block(id="b0", kind="paragraph", lang=src, text={src: p.src})],
                 signature=Signature(notelingo=__version__))
            for p in pairs]


def translate_lines(pairs: list[LinePair], options: EvalOptions, glossary, src_path: str = "<src>"):
    """Fill each pair's ``hyp`` and ``sentences`` with the model's translation; returns (report, signature)."""
    from .engine import translate_notes
    from .models import check_models
    from .options import DecodingOptions, TranslateOptions

    run = TranslateOptions(to=(options.tgt,), models=check_models(options.models), glossary=glossary,
                           backend=options.backend, device=options.device, use_cache=False, cache_dir=options.cache_dir,
                           decoding=DecodingOptions(beams=options.beams, batch_size=options.batch_size),
                           keep_acronyms=options.keep_acronyms)
    # One line first: the model, spaCy and the glossary matcher load outside the timed run (kept per process).
    translate_notes(_line_notes(pairs[:1], options.src, src_path), run)
    notes, report = translate_notes(_line_notes(pairs, options.src, src_path), run)
    for pair, note in zip(pairs, notes):
        block = note.blocks[0]
        pair.hyp = block.text[options.tgt]
        pair.sentences = [(s[options.src], s.get(options.tgt, "")) for s in block.sentences]
    signature = notes[0].signature.model_dump() if notes else {}
    return report, signature


def term_accuracy(pairs: list[LinePair], glossary, src: str, tgt: str) -> dict:
    """Glossary entries of each source line whose reference has them: how many the hypothesis has too."""
    terms = correct = 0
    for pair in pairs:
        entries = {m.entry.en for m in glossary.find(pair.src, src)}
        if not entries:
            continue
        in_ref = entries & {m.entry.en for m in glossary.find(pair.ref, tgt)}
        terms += len(in_ref)
        correct += len(in_ref & {m.entry.en for m in glossary.find(pair.hyp, tgt)}) if in_ref else 0
    return {"terms": terms, "correct": correct, "rate": round(correct / terms, 4) if terms else None}


def span_survival(pairs: list[LinePair], glossary, options: EvalOptions) -> dict:
    """Protected spans of the source that stand whole in the hypothesis, per translated sentence."""
    from ..protect.mask import find_protected_spans, intact_spans

    intact = total = 0
    for pair in pairs:
        glossed: set[str] = set()  # gloss terms get "target (source)" on first use in a note: one line is one note
        for source, output in pair.sentences or [(pair.src, pair.hyp)]:
            spans = find_protected_spans(source, options.src, options.tgt, glossary, options.keep_acronyms, glossed)
            found, count = intact_spans(source, output, spans)
            intact, total = intact + found, total + count
    return {"spans": total, "intact": intact, "rate": round(intact / total, 4) if total else None}


def sacrebleu_scores(hyps: list[str], refs: list[str], tgt: str) -> dict:
    """BLEU and chrF (sacreBLEU, default settings; 13a tokenisation) with their signature strings."""
    from sacrebleu.metrics import BLEU, CHRF

    out = {}
    for name, metric in (("bleu", BLEU(trg_lang=tgt)), ("chrf", CHRF())):
        score = metric.corpus_score(hyps, [refs])
        out[name] = {"score": round(score.score, 2), "signature": str(metric.get_signature())}
    return out


def _scoring_glossary(options: EvalOptions):
    from ..glossary import Glossary, load_glossary

    scoring = load_glossary(options.glossary)
    return scoring, (scoring if options.use_glossary else Glossary([], "<no glossary>"))


def evaluate(src_path: str, ref_path: str, options: EvalOptions, hyp_path: str | None = None) -> dict:
    """Score a translation of SRC against REF: the model's (``hyp_path`` None) or the lines of ``hyp_path``.

    Returns the JSON document ``notelingo eval --format json`` prints: ``bleu``, ``chrf``,
    ``term_accuracy``, ``span_survival``, ``repairs``, ``lines``, ``excluded``, ``signature``.
    """
    if (options.src, options.tgt) not in {("ru", "en"), ("en", "ru")}:
        raise UsageError(f"{options.src}-{options.tgt}: eval scores ru-en or en-ru (the glossary's languages)",
                         option="pair")
    pairs, excluded = read_aligned(src_path, ref_path, hyp_path)
    if not pairs:
        raise InputError(src_path, "no line to score: every line is blank, markup, code or the same in SRC and REF")
    scoring, used = _scoring_glossary(options)
    report, model_signature = (None, {}) if hyp_path else translate_lines(pairs, options, used, src_path)
    hyps, refs = [p.hyp for p in pairs], [p.ref for p in pairs]
    result = sacrebleu_scores(hyps, refs, options.tgt)
    result["term_accuracy"] = term_accuracy(pairs, scoring, options.src, options.tgt)
    result["span_survival"] = span_survival(pairs, used, options)
    result["repairs"] = dict(sorted(report.flags.items())) if report else {}
    result["lines"] = _line_counts(pairs, report)
    result["excluded"] = dict(excluded)
    result["signature"] = _signature(options, model_signature, used, scoring, hyp_path)
    return result


def _line_counts(pairs: list[LinePair], report) -> dict:
    if report is None:
        return {"scored": len(pairs), "sentences": None, "seconds": None, "sentences_per_second": None}
    rate = report.segments / report.seconds if report.seconds else None
    return {"scored": len(pairs), "sentences": report.segments, "seconds": round(report.seconds, 2),
            "sentences_per_second": round(rate, 2) if rate else None}


def _signature(options: EvalOptions, model: dict, used, scoring, hyp_path: str | None) -> dict:
    pair = f"{options.src}-{options.tgt}"
    return {
        "notelingo": __version__,
        "pair": pair,
        "hyp": hyp_path,
        "models": model.get("models") or ({} if hyp_path else {pair: options.models.get(pair, "default")}),
        "backend": model.get("backend"),
        "compute_type": model.get("compute_type"),
        "decoding": model.get("decoding") or {},
        "glossary_hash": (used.hash if used.entries else None) if not hyp_path else None,
        "scoring_glossary_hash": scoring.hash,
        "keep_acronyms": options.keep_acronyms,
    }


# ----- output ------------------------------------------------------------------


def _rate(block: dict, count: str, good: str) -> str:
    if not block.get(count):
        return "- (none found)"
    return f"{block['rate']:.3f} ({block[good]} of {block[count]})"


def _speed(lines: dict) -> str:
    if lines.get("sentences_per_second") is None:
        return "- (hypothesis file, no model run)" if lines.get("sentences") is None else "-"
    return f"{lines['sentences_per_second']:.1f} sentences/s ({lines['sentences']} sentences, {lines['seconds']:.1f} s)"


def _decoding(decoding: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in decoding.items()) or "-"


def table_rows(result: dict) -> list[tuple[str, str]]:
    """(label, value) rows of the table, every field of the JSON document."""
    sig = result["signature"]
    excluded = ", ".join(f"{count} {kind}" for kind, count in result["excluded"].items())
    models = ", ".join(f"{pair}={model}" for pair, model in sig["models"].items()) or "-"
    return [
        ("pair", sig["pair"] + (f" (hypothesis {sig['hyp']})" if sig["hyp"] else "")),
        ("lines", f"{result['lines']['scored']} scored; excluded: {excluded}"),
        ("BLEU", f"{result['bleu']['score']:.2f}"),
        ("chrF", f"{result['chrf']['score']:.2f}"),
        ("term accuracy", _rate(result["term_accuracy"], "terms", "correct")),
        ("span survival", _rate(result["span_survival"], "spans", "intact")),
        ("repairs", ", ".join(f"{kind} {count}" for kind, count in result["repairs"].items()) or "none"),
        ("speed", _speed(result["lines"])),
        ("model", models),
        ("backend", " ".join(filter(None, (sig["backend"], sig["compute_type"]))) or "-"),
        ("decoding", _decoding(sig["decoding"])),
        ("glossary", sig["glossary_hash"] or "none"),
        ("scoring glossary", sig["scoring_glossary_hash"]),
        ("BLEU signature", result["bleu"]["signature"]),
        ("chrF signature", result["chrf"]["signature"]),
    ]


def format_table(result: dict) -> str:
    """The result as an aligned two-column table."""
    rows = table_rows(result)
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def _delta(a: dict, b: dict, key: str, field_name: str) -> str:
    left, right = a[key].get(field_name), b[key].get(field_name)
    if left is None or right is None:
        return ""
    return f"{right - left:+.2f}" if field_name == "score" else f"{right - left:+.3f}"


def format_compare(a: dict, b: dict, names: tuple[str, str] = ("A", "B")) -> str:
    """Two results side by side, with B - A for the scores."""
    left, right = dict(table_rows(a)), dict(table_rows(b))
    deltas = {"BLEU": _delta(a, b, "bleu", "score"), "chrF": _delta(a, b, "chrf", "score"),
              "term accuracy": _delta(a, b, "term_accuracy", "rate"),
              "span survival": _delta(a, b, "span_survival", "rate")}
    labels = list(left)
    width = max(len(label) for label in labels)
    col = max(len(names[0]), *(len(left[label]) for label in labels if not label.endswith("signature")))
    lines = [f"{'':<{width}}  {names[0]:<{col}}  {names[1]}"]
    for label in labels:
        delta = f"  ({deltas[label]})" if deltas.get(label) else ""
        lines.append(f"{label:<{width}}  {left[label]:<{col}}  {right[label]}{delta}")
    return "\n".join(line.rstrip() for line in lines)


def load_result(path: str) -> dict:
    """A JSON document written by ``notelingo eval --format json``."""
    import json

    from ..fileio import read_text

    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(path, f"line {exc.lineno}: invalid JSON ({exc.msg}); "
                               "write it with 'notelingo eval --format json'", line=exc.lineno) from None
    missing = [key for key in RESULT_KEYS if not isinstance(data, dict) or key not in data]
    if missing:
        raise InputError(path, f"not a 'notelingo eval --format json' result (missing {', '.join(missing)})")
    return data


RESULT_KEYS = ("bleu", "chrf", "term_accuracy", "span_survival", "repairs", "lines", "excluded", "signature")
