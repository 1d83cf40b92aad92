"""Detect: tag notes and blocks with their language.

``detect_notes(notes, options) -> notes`` sets every block's ``lang`` and re-keys its
text from ``"und"`` to that language; ``detect_text(text, langs, context, engine)``
is the one-line detector other stages call.

Why rules first: a statistical model guesses badly on short lines ("GPT3" -> de,
"Reformer" -> da) and is slow (langdetect reads ~400 lines/s). Most lines are
settled without one:

1. URLs, e-mails, mentions and *tokens* (words with digits, ``/``, ``_``,
   CamelCase or all-caps acronyms) are not words of any language.
2. The script decides: Han/kana/Hangul, Arabic (Persian/Urdu by their letters),
   Hebrew, Greek, Thai, Indic scripts; Cyrillic is Russian unless letters of
   another Cyrillic language (і ї є ґ ў, ј љ њ, ә қ ң, non-Russian ъ) say otherwise.
3. Cyrillic/CJK words next to Latin ones: the side that forms a phrase wins;
   when both do, the note's language (``context``) settles it, else the
   non-Latin side when it has >= 30 % of the letters (Russian prose full of
   English terms is Russian).
4. Latin text with English function words outnumbering those of other
   languages is English.
5. Fewer than three Latin words (a model name, a citation, a URL) take the
   note's language; in a Latin-script note so does a Latin phrase with no sign
   of another language.
6. What is left goes to the statistical engine (langdetect with seed 0, or
   lingua), whose answer outside ``langs`` is kept only with evidence for it.

``engine="langdetect"`` skips the rules: langdetect alone, the measured baseline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..errors import UsageError
from ..protect.zones import NOT_WORDS_ZONES
from ..schema import UNTRANSLATED_KINDS, Block, Note
from .engines import (  # noqa: F401
    SEED,
    UND,
    Guess,
    _langdetect_factory,
    _library_version,
    _lingua_detector,
    _model_guess,
    bounded_sample,
)
from .scripts import (
    LANGUAGE_SCRIPT,
    SCRIPT_LANG,
    arabic_script_language,
    char_script,
    check_langs,
    cyrillic_language,
    is_garbled,
    languages_of_script,
)

ENGINES = ("auto", "langdetect", "lingua")
RULES_VERSION = 2  # 2: mojibake and emoji-only are und, CJK phrases beat Latin names, Arabic-script languages by words



@dataclass
class DetectOptions:
    """Language detection settings (recorded in every note's signature)."""

    langs: tuple[str, ...] = ("ru", "en")
    force_lang: Optional[str] = None
    engine: str = "auto"  # auto | langdetect | lingua

# --------------------------------------------------------------------------
# Scripts
# --------------------------------------------------------------------------

#: Scripts written without spaces: one character carries about a syllable.
_DENSE = frozenset({"han", "kana", "thai", "hangul"})  # Hangul: one block is a whole syllable
_CJK = frozenset({"han", "kana", "hangul"})


# --------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------

_NOT_WORDS = re.compile(
    NOT_WORDS_ZONES  # URLs, e-mails, mentions, hashtags, bare domains (notelingo.protect.zones)
    + r"|\bet\s+al\b\.?"  # citation "et al." is no word of the sentence around it
)
_CHUNK_EDGES = "\"'“”‘’«»„()[]{}<>.,:;!?…·•*–—-|"
_TOKEN_CHARS = re.compile(r"[\d/_\\@#=+^{}$%&~<>|]")
_CAMEL = re.compile(r"[a-zа-яё][A-ZА-ЯЁ]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
#: Han, kana and Hangul runs: written without spaces, so "调查OpenAI" is two chunks, not one token.
_DENSE_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]+")

_FUNCTION_WORDS = {
    "en": "the of and to is are was were be been with that this these those for from by on at as it its "
    "we our you your they their he she his her i me my not or but if can could will would should which "
    "what who how when where why there than then has have had do does did into about more also only very "
    "some such each just an out up in",
    "de": "in der die das und ist nicht mit ein eine einen dem den von zu auf für sich auch es wir ich sie "
    "werden wird sind dass oder wie bei aus nach",
    "fr": "le la les des du et est une un dans pour que qui pas sur avec sont ce cette nous vous il elle "
    "au aux par mais ou être",
    "es": "el la los las del y es una un en por para que con no se su sus lo como más pero está son al",
    "it": "il lo la gli le di e è una un per che con non si sono della del delle dei nel alla anche come più ma",
    "pt": "o os as do da dos das e é um uma em no na para que com não se por mais como mas são",
    "nl": "in de het een en van op niet met dat voor zijn er ook aan wordt ik je maar om bij",
    "ru": "в и на не что это с по для как но из к у же от за то так или бы мы вы они он она его их",
    "uk": "і та що це не на з до як але для від за й ми ви вони",
}
_FUNCTION_SETS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
# Lower-case only and no IGNORECASE: under it "i" would match the Turkish dotless "ı".
_NON_ENGLISH_LATIN = re.compile("[äöüßàâçéèêëîïôœùûÿñáíóúãõąęłńśźżčďěňřšťůžğışőűåæø]")


@dataclass
class _Profile:
    """What a text is made of, once URLs and tokens are set aside."""

    letters: dict[str, int]  # script -> letters in words
    words: dict[str, list[str]]  # script -> lowercased words
    has_letters: bool  # any letter at all, tokens and URLs included

    def function_hits(self, lang: str, script: str = "latin") -> int:
        vocabulary = _FUNCTION_SETS[lang]
        return sum(1 for word in self.words.get(script, ()) if word in vocabulary)


def _profile(text: str) -> _Profile:
    has_letters = any(char.isalpha() for char in text)
    shouting = text.upper() == text  # an all-caps line: case says nothing about acronyms
    letters: dict[str, int] = {}
    words: dict[str, list[str]] = {}
    for chunk in _DENSE_RUN.sub(r" \g<0> ", _NOT_WORDS.sub(" ", text)).split():
        chunk = chunk.strip(_CHUNK_EDGES)
        if not chunk or _TOKEN_CHARS.search(chunk) or _CAMEL.search(chunk):
            continue
        for word in _LETTER_RUN.findall(chunk):
            script = _word_script(word)
            if script is None or (script == "latin" and not shouting and len(word) > 1 and word.isupper()):
                continue
            letters[script] = letters.get(script, 0) + len(word)
            words.setdefault(script, []).append(word.lower())
    return _Profile(letters, words, has_letters)


def _word_script(word: str) -> Optional[str]:
    if word.isascii():
        return "latin"
    counts: dict[str, int] = {}
    for char in word:
        script = char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else None


# --------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------


def _weight(script: str, letters: int) -> int:
    return letters * 2 if script in _DENSE else letters


def _forms_phrase(profile: _Profile, script: str) -> bool:
    """Enough words of one script to be a phrase rather than a name or a term."""
    words = profile.words.get(script, [])
    if script in _DENSE:
        return profile.letters.get(script, 0) >= 4
    if script == "latin":
        return len(words) >= 3 or (len(words) == 2 and profile.function_hits("en") > 0)
    return len(words) >= 3 or profile.function_hits("ru", script) + profile.function_hits("uk", script) > 0


def _dominant_script(profile: _Profile, context: Optional[str]) -> Optional[str]:
    others = {s: _weight(s, n) for s, n in profile.letters.items() if s != "latin"}
    if not others:
        return "latin" if profile.letters else None
    other = max(others, key=others.get)
    if "latin" not in profile.letters:
        return other
    other_phrase, latin_phrase = _forms_phrase(profile, other), _forms_phrase(profile, "latin")
    dense = max((s for s in others if s in _CJK), key=others.get, default=None)
    if dense and (_forms_phrase(profile, dense) or not latin_phrase):
        return dense  # Han, kana or Hangul around Latin names is never an English line
    if other_phrase != latin_phrase:
        return other if other_phrase else "latin"
    if context and other_phrase:
        if _language_script(context) in (other, "latin"):
            return _language_script(context)
    share = others[other] / (others[other] + profile.letters["latin"])
    return other if share >= 0.3 else "latin"


def _language_script(lang: str) -> str:
    return LANGUAGE_SCRIPT.get(lang) or "latin"


def _arabic(text: str, langs: tuple[str, ...], context: Optional[str]) -> Guess:
    """Persian, Urdu or Arabic by their own letters and words; else the note's or the first in play."""
    candidates = ((context,) if context else ()) + tuple(langs)
    in_play = next((lang for lang in candidates if _language_script(lang) == "arabic"), None)
    return Guess(*arabic_script_language(text, in_play))


_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")


def _han_family(text: str) -> Guess:
    """Kana make it Japanese and Hangul Korean (a run mixing them with Han counts as Han in the profile)."""
    lang = "ja" if _KANA.search(text) else "ko" if _HANGUL.search(text) else "zh"
    return Guess(lang, 0.95, "script")


def _latin(
    text: str, profile: _Profile, langs: tuple[str, ...], context: Optional[str], engine: str, defer: bool
) -> Guess:
    english = profile.function_hits("en")
    rivals = max(profile.function_hits(lang) for lang in ("de", "fr", "es", "it", "pt", "nl"))
    accents = len(_NON_ENGLISH_LATIN.findall(text.lower()))
    if english >= 2 and english > 2 * rivals and accents < 2:
        return Guess("en", min(0.99, 0.75 + 0.04 * english), "function-words")
    if english and not rivals and not accents and 3 * english >= len(profile.words["latin"]):
        return Guess("en", 0.75, "function-words")  # short, but "from", "the", "with" are English
    foreign = (rivals >= 2 and rivals > english) or accents >= 2
    latin_context = context is not None and _language_script(context) == "latin"
    if not foreign and (latin_context or not _forms_phrase(profile, "latin")):
        return Guess(context or _default_latin(langs), 0.6, "context" if context else "default")
    # a sentence-long run of Latin words without one English function word is some other language
    unknown = foreign or (english == 0 and len(profile.words["latin"]) >= 6)
    if not unknown or (defer and not foreign):  # a title in Latin script: the Latin language in play
        return Guess(_default_latin(langs), 0.6, "default")
    guess = _model_guess(text, languages_of_script("latin"), engine, restrict=True)
    if guess.lang in langs or guess.confidence >= (0.8 if foreign else 0.9):
        return guess
    return Guess(_default_latin(langs), 0.55, "default")


def _default_latin(langs: tuple[str, ...]) -> str:
    return next((lang for lang in langs if _language_script(lang) == "latin"), "en")


def detect_text(
    text: str,
    langs: tuple[str, ...] = ("ru", "en"),
    context: Optional[str] = None,
    engine: str = "auto",
) -> tuple[str, float]:
    """The language of ``text`` as (ISO 639-1 code, confidence in [0, 1]).

    ``context`` is the language of the note around the text: short or all-token
    lines ("GPT3", a URL, "Sanh et al.") take it. ``langs`` are the languages in
    play, most likely first: ambiguous Latin or Cyrillic text falls back to them,
    while clear text in another language (Chinese, German, Persian...) keeps its
    own code. Returns ('und', 0.0) for text without letters.
    """
    guess = guess_language(text, tuple(langs), context, engine)
    return guess.lang, guess.confidence


def guess_language(
    text: str, langs: tuple[str, ...], context: Optional[str], engine: str, defer: bool = False
) -> Guess:
    """``detect_text`` with the rule that decided (``Guess.basis``).

    ``defer``: a Latin sentence with no sign of its language is left to the note's
    context (basis 'default') instead of the slow model; detect_notes asks again.
    """
    _check_engine(engine)
    context = context if context and context != UND else None
    text = bounded_sample(text)
    if not text or not any(char.isalpha() for char in text):
        return Guess(UND, 0.0, "empty")
    if is_garbled(text):
        return Guess(UND, 0.0, "garbled")  # mojibake is no language (it looked like mk, bg or zh)
    if engine == "langdetect":
        return _model_guess(text, None, engine, restrict=False)
    profile = _profile(text)
    script = _dominant_script(profile, context)
    if script is None:  # letters only inside tokens and URLs
        default = context or _default_latin(langs)
        return Guess(default, 0.5, "context" if context else "default")
    if script == "latin":
        return _latin(text, profile, langs, context, engine, defer)
    if script == "cyrillic":
        return cyrillic_language(text, langs, context, engine)
    if script == "arabic":
        return _arabic(text, langs, context)
    if script in ("han", "kana", "hangul"):
        return _han_family(text)
    return Guess(SCRIPT_LANG[script], 0.95, "script")


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"{engine!r}: choose one of {', '.join(ENGINES)}", option="engine")


# --------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------


def check_options(options: DetectOptions) -> None:
    """Fail on an unknown engine or language code, whatever the inputs hold."""
    _check_engine(options.engine)
    check_langs(options.langs)


def detect_notes(notes: list[Note], options: DetectOptions) -> list[Note]:
    """Tag every note and block with its language; notes already tagged pass through.

    Blocks are first judged on their own; the note's language is the
    length-weighted vote of the blocks that were decided by their own words; blocks
    that needed context (names, URLs, short lines) are then judged again in it.
    """
    check_options(options)
    detector = _detector_signature(options)
    done = []
    for note in notes:
        if _already_detected(note):
            done.append(note)
        elif options.force_lang:
            done.append(_force_note(note, options.force_lang.lower(), detector))
        else:
            done.append(_detect_note(note, options, detector))
    return _settle_by_source(notes, done, options, detector)


def _settle_by_source(notes: list[Note], done: list[Note], options: DetectOptions, detector: dict) -> list[Note]:
    """Notes that no word of theirs could decide take the main language of their source."""
    weights = _source_languages(done)
    for index, (note, tagged) in enumerate(zip(notes, done)):
        main = _source_language(weights.get(_source_key(note), {}), tagged.lang)
        if tagged is note or main is None or tagged.lang == main:
            continue
        if options.force_lang is None and not _decided_by_own_words(tagged, options):
            done[index] = _detect_note(note, options, detector, source_lang=main)
    return done


def _source_language(weights: dict[str, int], lang: str) -> Optional[str]:
    """The language an undecided note takes from its source: the source's main language in
    the note's script (a short Persian reply in a Persian/English group is Persian), or the
    source's main language for Latin-script and letterless notes."""
    if not weights or lang == UND:
        return None
    script = _language_script(lang)
    if script == "latin":  # a link or a model name: no script of its own
        return max(weights, key=weights.get)
    same = {other: weight for other, weight in weights.items() if _language_script(other) == script}
    return max(same, key=same.get) if same else None


def _source_key(note: Note) -> tuple:
    return (note.source.kind, note.source.channel or note.source.path)


def _source_languages(notes: list[Note]) -> dict[tuple, dict[str, int]]:
    """The note languages of each source (channel, else file), weighted by text length."""
    weights: dict[tuple, dict[str, int]] = {}
    for note in notes:
        if note.lang != UND and note.lang_confidence >= 0.6:
            size = sum(len(text) for block in note.blocks for text in block.text.values())
            by_lang = weights.setdefault(_source_key(note), {})
            by_lang[note.lang] = by_lang.get(note.lang, 0) + size
    return weights


def _decided_by_own_words(note: Note, options: DetectOptions) -> bool:
    langs = tuple(options.langs)
    return any(
        guess_language(block.original(), langs, None, options.engine, defer=True).basis
        not in ("default", "context", "empty")
        for block in note.blocks if block.kind not in UNTRANSLATED_KINDS
    )


def _already_detected(note: Note) -> bool:
    return note.lang != UND or any(key != UND for block in note.blocks for key in block.text)


def _detector_signature(options: DetectOptions) -> dict:
    library = "lingua-language-detector" if options.engine == "lingua" else "langdetect"
    return {
        "engine": options.engine,
        "langs": list(options.langs),
        "force_lang": options.force_lang,
        "seed": SEED,
        "rules": RULES_VERSION if options.engine != "langdetect" else None,
        "library": library,
        "library_version": _library_version(library),
    }


def _force_note(note: Note, lang: str, detector: dict) -> Note:
    blocks = [_tag_block(block, None if block.kind in UNTRANSLATED_KINDS else lang, 1.0, lang) for block in note.blocks]
    signature = note.signature.model_copy(update={"detector": detector})
    return note.model_copy(update={"lang": lang, "lang_confidence": 1.0, "blocks": blocks, "signature": signature})


def _detect_note(note: Note, options: DetectOptions, detector: dict, source_lang: Optional[str] = None) -> Note:
    """Tag one note; ``source_lang`` (the language of its channel or file) decides a note
    none of whose blocks could decide by its own words (a bare link, a model name)."""
    langs = tuple(options.langs)
    prose = {b.id: b.original() for b in note.blocks if b.kind not in UNTRANSLATED_KINDS}
    kinds = {b.id: b.kind for b in note.blocks}
    first = {bid: guess_language(text, langs, None, options.engine, defer=True) for bid, text in prose.items()}
    lang, confidence, decided = _vote(first, prose, kinds, note.title, langs, options.engine)
    if all(guess.basis in _NO_LANGUAGE for guess in first.values()):
        lang, confidence, decided = UND, 0.0, True  # emoji, symbols or mojibake only: no language
    if not decided and source_lang:
        lang, confidence = source_lang, 0.5
    final = {}
    for bid, guess in first.items():
        if guess.basis in ("default", "context") and lang != UND:
            guess = guess_language(prose[bid], langs, lang, options.engine)
        final[bid] = guess
    spoken = {g.lang for g in final.values() if g.lang != UND}
    if len(spoken) == 1 and lang not in spoken:  # every block says otherwise: trust them over the source
        lang, confidence = spoken.pop(), max(confidence, 0.5)
    tagged = []
    for block in note.blocks:
        if block.kind in UNTRANSLATED_KINDS:
            tagged.append(_tag_block(block, None, None, lang))
            continue
        guess = final[block.id]
        if guess.lang == UND and guess.basis == "empty":  # no letters: it belongs to the note ("—", "1.")
            guess = Guess(lang, 0.0, "context")
        tagged.append(_tag_block(block, guess.lang, guess.confidence, lang))
    signature = note.signature.model_copy(update={"detector": detector})
    return note.model_copy(
        update={"lang": lang, "lang_confidence": confidence, "blocks": tagged, "signature": signature}
    )


#: Bases of guesses that found no language in the text.
_NO_LANGUAGE = frozenset({"empty", "garbled"})
#: Blocks that quote someone else (a preview card, a citation) vote only when nothing else can.
_QUOTED_KINDS = frozenset({"link_preview", "quote"})


def _vote(guesses: dict[str, Guess], texts: dict[str, str], kinds: dict[str, str], title: str, langs, engine):
    """Length-weighted vote -> (lang, confidence, decided by the note's own words).

    The author's own blocks decided by their words count first, then quoted ones,
    then blocks that were only guessed (names, links, short lines).
    """
    decisive = {bid: g for bid, g in guesses.items()
                if g.basis not in ("default", "context", "empty") and g.lang != UND}
    authored = {bid: g for bid, g in decisive.items() if kinds.get(bid) not in _QUOTED_KINDS}
    pool = authored or decisive or {bid: g for bid, g in guesses.items() if g.lang != UND}
    if not pool:
        guess = guess_language(title or "", langs, None, engine)
        return guess.lang, guess.confidence, guess.basis not in ("default", "context", "empty")
    weights: dict[str, float] = {}
    total = 0.0
    for bid, guess in pool.items():
        size = len(texts[bid]) or 1
        weights[guess.lang] = weights.get(guess.lang, 0.0) + size * guess.confidence
        total += size
    lang = max(weights, key=weights.get)
    return lang, round(min(1.0, weights[lang] / total), 4), bool(decisive)


def _tag_block(block: Block, lang: Optional[str], confidence: Optional[float], note_lang: str) -> Block:
    """The block with its language set and its original text keyed by it."""
    key = lang or note_lang
    text = {(key if k == UND else k): v for k, v in block.text.items()}
    return block.model_copy(update={"lang": lang, "lang_confidence": confidence, "text": text})
