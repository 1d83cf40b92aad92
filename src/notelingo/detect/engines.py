"""Detect's statistical engines (langdetect, lingua), loaded on first use, and the
bounded sample long texts are judged on. :mod:`notelingo.detect.core` holds the rules
that decide most lines without them; it re-exports what is public here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from ..errors import BackendError

UND = "und"
SEED = 0


@dataclass(frozen=True)
class Guess:
    """A language decision; ``basis`` says which rule made it (for tests and debugging)."""

    lang: str
    confidence: float
    basis: str  # empty | script | letters | function-words | context | default | model


#: Longer texts are judged on a sample: the head plus evenly spaced windows, so a
#: 5 MB paragraph costs what ~40k characters cost and a language switch later in
#: the text still gets a say.
SAMPLE_HEAD = 20_000
SAMPLE_WINDOWS = 10
SAMPLE_WINDOW = 2_000


def bounded_sample(text: str) -> str:
    """``text`` itself when short; else its first SAMPLE_HEAD characters and evenly spaced windows.

    Cuts fall on whitespace so that no word is split into two wrong "words".
    """
    if len(text) <= SAMPLE_HEAD + SAMPLE_WINDOWS * SAMPLE_WINDOW:
        return text
    pieces = [_cut_at_spaces(text, 0, SAMPLE_HEAD)]
    step = (len(text) - SAMPLE_HEAD) // SAMPLE_WINDOWS
    for index in range(SAMPLE_WINDOWS):
        start = SAMPLE_HEAD + index * step
        pieces.append(_cut_at_spaces(text, start, start + SAMPLE_WINDOW))
    return "\n".join(piece for piece in pieces if piece)


def _cut_at_spaces(text: str, start: int, end: int) -> str:
    window = text[start:end]
    if start > 0 and not text[start - 1].isspace():
        window = window.split(None, 1)[1] if len(window.split(None, 1)) > 1 else ""
    if end < len(text) and not text[end].isspace():
        window = window.rsplit(None, 1)[0] if len(window.rsplit(None, 1)) > 1 else ""
    return window


# --------------------------------------------------------------------------
# Statistical engines (loaded on first use, then cached)
# --------------------------------------------------------------------------


def _model_guess(text: str, candidates: Optional[Iterable[str]], engine: str, restrict: bool) -> Guess:
    """The engine's best language, among ``candidates`` when ``restrict``."""
    scores = _lingua_scores(text) if engine == "lingua" else _langdetect_scores(text)
    if restrict and candidates is not None:
        allowed = set(candidates)
        scores = [(lang, p) for lang, p in scores if lang in allowed]
    if not scores:
        return Guess(UND, 0.0, "model")
    lang, probability = max(scores, key=lambda pair: pair[1])
    return Guess(lang, round(min(1.0, max(0.0, probability)), 4), "model")


@lru_cache(maxsize=1)
def _langdetect_factory():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.seed = SEED  # per factory, so nobody else's langdetect state is touched
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def _langdetect_scores(text: str) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _langdetect_factory().create()
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:  # no features it knows (symbols only)
        return []
    return [(item.lang.split("-")[0], item.prob) for item in found]


@lru_cache(maxsize=1)
def _lingua_detector():
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError as exc:
        raise BackendError(
            f"the lingua engine needs lingua-language-detector ({exc}); install it with: pip install "
            "'notelingo[lingua]'"
        ) from exc
    # Low-accuracy mode (trigrams only) loads in ~1.5 s instead of ~27 s; the rules
    # keep the short texts, where the full models would matter, away from it.
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _lingua_scores(text: str) -> list[tuple[str, float]]:
    values = _lingua_detector().compute_language_confidence_values(text)
    return [(value.language.iso_code_639_1.name.lower(), value.value) for value in values if value.value > 0]


@lru_cache(maxsize=None)
def _library_version(distribution: str) -> Optional[str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
