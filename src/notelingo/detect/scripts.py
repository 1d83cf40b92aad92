"""Script-level facts detect needs: which languages it knows (per script), garbled text
(mojibake), and the languages written in Arabic script.

* **Languages**: what the rules can name plus what langdetect knows; ``--langs`` is
  checked against it, and a statistical guess must be in the script of the text.
* **Mojibake**: UTF-8 read as cp1251 ("РџСЂРёРІРµС‚") or as cp1252/Latin-1
  ("Ð¡Ð¾Ð·Ð´Ð°") is no language. A word is garbled when encoding it back with that
  code page gives valid UTF-8 (a few lost bytes tolerated) with non-ASCII letters;
  real Russian or accented Latin words never do (their bytes are not UTF-8 sequences).
* **Arabic script**: Persian and Urdu have letters and function words Arabic lacks
  (and Arabic has its own), so short replies without either are left to context.
* **Cyrillic script**: the letters and function words only one language uses decide.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterable, Optional

from ..errors import UsageError
from .engines import Guess, _model_guess

# (first code point, script) for the blocks that matter; a code point belongs to the
# last start <= it. Gaps map to None (symbols, punctuation, emoji).
_SCRIPT_STARTS: list[tuple[int, Optional[str]]] = [
    (0x0000, None), (0x0041, "latin"), (0x005B, None), (0x0061, "latin"), (0x007B, None),
    (0x00C0, "latin"), (0x0250, None), (0x0370, "greek"), (0x0400, "cyrillic"),
    (0x0530, "armenian"), (0x0590, "hebrew"), (0x0600, "arabic"), (0x0780, None),
    (0x0900, "devanagari"), (0x0980, "bengali"), (0x0A00, None), (0x0B80, "tamil"),
    (0x0C00, None), (0x0E00, "thai"), (0x0E80, None), (0x10A0, "georgian"), (0x1100, "hangul"),
    (0x1200, None), (0x1E00, "latin"), (0x1F00, "greek"), (0x2000, None), (0x3040, "kana"),
    (0x3100, None), (0x3130, "hangul"), (0x3190, None), (0x3400, "han"), (0xA000, None),
    (0xAC00, "hangul"), (0xD7B0, None), (0xF900, "han"), (0xFB00, None), (0xFB50, "arabic"),
    (0xFE00, None), (0xFE70, "arabic"), (0xFF00, None), (0x20000, "han"), (0x30000, None),
]
_STARTS = [start for start, _ in _SCRIPT_STARTS]

#: Script -> language when the script alone names it (others need their letters).
SCRIPT_LANG = {
    "greek": "el", "armenian": "hy", "hebrew": "he", "devanagari": "hi", "bengali": "bn",
    "tamil": "ta", "thai": "th", "georgian": "ka", "hangul": "ko", "kana": "ja", "han": "zh",
}


def char_script(char: str) -> Optional[str]:
    if not char.isalpha():
        return None
    return _SCRIPT_STARTS[bisect_right(_STARTS, ord(char)) - 1][1]


#: langdetect 1.0.9's profiles (zh-cn / zh-tw as zh), by script.
_LATIN = ("af ca cs cy da de en es et fi fr hr hu id it lt lv nl no pl pt ro sk sl so sq sv sw tl tr vi").split()
_BY_SCRIPT = {
    "latin": _LATIN,
    "cyrillic": ["ru", "uk", "be", "bg", "sr", "mk", "kk", "mn"],
    "arabic": ["ar", "fa", "ur"],
    "hebrew": ["he"], "greek": ["el"], "armenian": ["hy"], "georgian": ["ka"], "thai": ["th"],
    "devanagari": ["hi", "mr", "ne"], "bengali": ["bn"], "tamil": ["ta"],
    "han": ["zh"], "kana": ["ja"], "hangul": ["ko"],
    None: ["gu", "kn", "ml", "pa", "te"],  # langdetect knows them; the rules name no script for them
}
LANGUAGE_SCRIPT = {lang: script for script, langs in _BY_SCRIPT.items() for lang in langs}
SUPPORTED_LANGS = frozenset(LANGUAGE_SCRIPT)


def languages_of_script(script: Optional[str]) -> tuple[str, ...]:
    return tuple(_BY_SCRIPT.get(script, ()))


def check_langs(langs: Iterable[str], option: str = "langs") -> tuple[str, ...]:
    """``langs`` as given, or a UsageError naming the codes the detector does not know."""
    langs = tuple(langs)
    unknown = [lang for lang in langs if lang not in SUPPORTED_LANGS]
    if unknown:
        raise UsageError(f"{','.join(langs)!r}: the language detector does not know {', '.join(unknown)}; "
                         f"choose from {', '.join(sorted(SUPPORTED_LANGS))}", option=option)
    return langs


# --------------------------------------------------------------------------
# Mojibake
# --------------------------------------------------------------------------

#: Code pages UTF-8 is misread with; a byte a code page lacks shows as U+FFFD (or a C1 control under latin-1).
_MOJIBAKE_CODECS = ("cp1251", "cp1252", "latin-1")
_WORD = re.compile(r"\S+")


def _repairs(word: str) -> bool:
    """``word`` is UTF-8 that was decoded with a single-byte code page (a third of its
    characters may be lost: code pages drop the bytes they lack). Words under four
    characters are too short to tell ("Ні" is valid UTF-8 in cp1251)."""
    if len(word) < 4:
        return False
    for codec in _MOJIBAKE_CODECS:
        raw = word.encode(codec, errors="replace")
        fixed = raw.decode("utf-8", errors="replace")
        lost = fixed.count("\ufffd")
        if fixed != word and 3 * lost <= len(fixed) and any(ord(c) > 127 and c != "\ufffd" for c in fixed):
            return True
    return False


def garbled_share(text: str) -> float:
    """The share of the non-ASCII characters of ``text`` that sit in garbled words."""
    total = garbled = 0
    for word in _WORD.findall(text):
        wide = sum(1 for char in word if ord(char) > 127)
        if not wide:
            continue
        total += wide
        if _repairs(word):
            garbled += wide
    return garbled / total if total else 0.0


def is_garbled(text: str) -> bool:
    return garbled_share(text) >= 0.5


# --------------------------------------------------------------------------
# Arabic script
# --------------------------------------------------------------------------

_URDU_LETTERS = re.compile("[ٹڈڑںےۓ]")
_PERSIAN_LETTERS = re.compile("[پچژگکی]")
_ARABIC_LETTERS = re.compile("[ةىيكأإؤ]")
_PERSIAN_WORDS = frozenset("است را این که می های برای با هم یک آن شد بود نیست هست چه چرا شما ما من تو اون خیلی".split())
_ARABIC_WORDS = frozenset("في من على إلى عن التي الذي هذا هذه كان أن إن لا هو هي مع قد كل بين عند لقد ذلك".split())


def arabic_script_language(text: str, in_play: Optional[str]) -> tuple[str, float, str]:
    """(language, confidence, basis) for Arabic-script text; ``in_play`` decides when nothing else does."""
    if _URDU_LETTERS.search(text):
        return "ur", 0.9, "letters"
    words = re.findall(r"[\u0600-\u06FF\u200c]+", text)
    persian = len(_PERSIAN_LETTERS.findall(text)) + 2 * sum(word in _PERSIAN_WORDS for word in words)
    arabic = len(_ARABIC_LETTERS.findall(text)) + 2 * sum(word in _ARABIC_WORDS for word in words)
    arabic += sum(1 for word in words if word.startswith("ال") and len(word) > 3)
    if persian > arabic:
        return "fa", 0.9, "letters"
    if arabic > persian:
        return "ar", 0.9, "letters"
    return in_play or "ar", 0.6, "context" if in_play else "default"


_LETTER_RUN = re.compile(r"[^\W\d_]+")
_CYRILLIC_LANGS = ("ru", "uk", "be", "bg", "sr", "mk", "kk", "mn")
_CYRILLIC_MARKS = [  # (language, letters only it uses among the Cyrillic languages here)
    ("mk", "ѓќѕ"), ("sr", "ђћ"), ("sr", "јљњџ"), ("kk", "әғқңұһ"), ("mn", "өү"), ("be", "ў"), ("uk", "їєґі"),
]
_RUSSIAN_MARKS = re.compile(r"[ыэё]|ъ(?=[еёюя])")
_BULGARIAN_MARKS = re.compile(r"ъ(?![еёюя])|ѝ")
#: Function words of Russian that Ukrainian and Bulgarian do not use (they are spelt otherwise there).
_RUSSIAN_ONLY_WORDS = frozenset(
    "что это для из же бы мы вы они его их уже если когда может очень который которые "
    "тот вот где есть нет чтобы тоже также мне меня было будет через почему потому надо пожалуйста "
    "сейчас только".split()
)
#: Frequent Bulgarian words that Russian does not have (Bulgarian without a telling ъ).
_BULGARIAN_ONLY_WORDS = frozenset(
    "е са това тази този които който която което ще няма беше също нещо защото обаче във със към".split()
)


def cyrillic_language(text: str, langs: tuple[str, ...], context: Optional[str], engine: str) -> Guess:
    """Cyrillic text: the letters and function words that only one language uses decide.

    Without any such sign the statistical models are no help (langdetect calls plain
    Russian chat lines Bulgarian or Macedonian with certainty), so the Cyrillic
    language in play (or the note's) is taken; the model is asked only when no
    Cyrillic language is in play at all.
    """
    lower = text.lower()
    russian = len(_RUSSIAN_MARKS.findall(lower))
    for lang, marks in _CYRILLIC_MARKS:
        found = sum(lower.count(mark) for mark in marks)
        if found > russian:
            return Guess(lang, 0.95, "letters")
    if russian:
        return Guess("ru", 0.97, "letters")
    words = _LETTER_RUN.findall(lower)
    if any(word in _RUSSIAN_ONLY_WORDS for word in words):
        return Guess("ru", 0.9, "function-words")
    if _BULGARIAN_MARKS.search(lower) or any(word in _BULGARIAN_ONLY_WORDS for word in words):
        return Guess("bg", 0.85, "letters")
    if context in _CYRILLIC_LANGS:
        return Guess(context, 0.7, "context")
    in_play = next((lang for lang in langs if lang in _CYRILLIC_LANGS), None)
    if in_play is None and sum(ch.isalpha() for ch in text) >= 40:
        return _model_guess(text, _CYRILLIC_LANGS, engine, restrict=True)
    return Guess(in_play or "ru", 0.7, "default")
