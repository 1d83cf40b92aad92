"""Russian word forms for the glossary: pymorphy3's readings of a word (cached) and a target phrase inflected.

:func:`inflect_phrase` writes a nominative glossary target («языковая модель») in a case and number, word by
word up to its head noun; :mod:`notelingo.glossary.agree` chooses that case and number from the sentence.
pymorphy3 is imported on first use (:func:`notelingo.glossary.morph.russian_analyzer`).
"""

from __future__ import annotations

from functools import lru_cache

from ..alphabet import CYRILLIC_RE as _CYRILLIC
from .government import INANIMATE_NOUNS

#: The six cases a glossary target is written in, most common in real ML text first but nominative.
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_CASES = frozenset(CASES)
#: Parts of speech that agree with the noun after them (adjectives, participles, numerals, pronouns).
_AGREEING = frozenset({"ADJF", "PRTF", "NUMR", "NPRO"})
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init", "Fixd"})


def _analyzer():
    from .morph import russian_analyzer

    return russian_analyzer()


@lru_cache(maxsize=65536)
def _parses(word: str):
    return tuple(_analyzer().parse(word.lower()))


def _base_parse(word: str, plural: bool):
    """The parse of a target word as the glossary writes it (nominative), preferring common nouns."""
    parses = _parses(word)
    number = "plur" if plural else "sing"

    def rank(p):
        tag = p.tag
        return (tag.case == "nomn", tag.number == number or tag.number is None, not (_PROPER & tag.grammemes),
                tag.POS == "NOUN", "inan" in tag, p.normal_form.endswith("ой"), p.score)  # большой, not больший

    return max(parses, key=rank) if parses else None


def _head(words: list[str]) -> int:
    for index, word in enumerate(words):
        parses = _parses(word.rsplit("-", 1)[-1])
        if not parses or parses[0].tag.POS not in _AGREEING:
            return index
    return len(words) - 1


#: Dictionary nouns whose endings a masculine noun pymorphy3 reads in no nominative takes, by its last letter
#: («лосс», read only as the genitive plural of «лосса», declines as «стол»: «лосса», «лоссом», «лоссы»).
_PATTERN_NOUNS = {"к": "урок", "г": "диалог", "х": "успех", "ж": "гараж", "ш": "карандаш", "ч": "ключ", "щ": "плащ"}
_HARD = frozenset("бвгдзклмнпрстфхжшчщ")


def misread_masculine(word: str) -> bool:
    """A word ending in a hard consonant that pymorphy3 reads in no nominative («лосс»): a masculine noun."""
    return word[-1:].lower() in _HARD and not any(p.tag.case == "nomn" for p in _parses(word))


def _as_masculine(last: str, grammemes: set[str]) -> str | None:
    """``last`` (a word ending in a hard consonant that pymorphy3 reads in no nominative: a guess gone wrong) in
    ``grammemes``, with the endings of the dictionary noun of its last letter (:data:`_PATTERN_NOUNS`)."""
    if not misread_masculine(last):
        return None
    pattern = _PATTERN_NOUNS.get(last[-1].lower(), "стол")
    parse = next((p for p in _parses(pattern) if p.tag.POS == "NOUN" and p.tag.case == "nomn"), None)
    inflected = parse.inflect({g for g in grammemes if g in _CASES or g in ("sing", "plur")}) if parse else None
    return last + inflected.word[len(pattern):] if inflected and inflected.word.startswith(pattern) else None


def _inflect_word(word: str, grammemes: set[str], plural_base: bool):
    prefix, _, last = word.rpartition("-")
    if not _CYRILLIC.search(last):
        return word, None
    if (form := _as_masculine(last, grammemes)) is not None:
        return (f"{prefix}-{form}" if prefix else form), None
    parse = _base_parse(last, plural_base)
    inflected = parse.inflect(grammemes) if parse is not None else None
    if inflected is None and "anim" in grammemes or inflected is None and "inan" in grammemes:
        inflected = parse.inflect(grammemes - {"anim", "inan"}) if parse is not None else None
    if inflected is None:
        return word, parse
    form = inflected.word.replace("ё", "е") if "ё" not in last else inflected.word
    if last[:1].isupper():
        form = form[:1].upper() + form[1:]
    return (f"{prefix}-{form}" if prefix else form), parse


def inflect_phrase(phrase: str, case: str, plural: bool) -> str:
    """``phrase`` (a nominative glossary target) in ``case`` and number; words after the head stay.

    'языковая модель', 'ablt', True -> 'языковыми моделями'; 'набор данных', 'gent', False ->
    'набора данных'. A word pymorphy3 cannot inflect stays as it is."""
    if case not in _CASES:
        raise ValueError(f"unknown case {case!r}; use one of {sorted(_CASES)}")
    words = phrase.split(" ")
    head = _head(words)
    plural_base = _is_plural_target(words[head])
    grammemes = {case, "plur" if plural else "sing"}
    head_parse = _base_parse(words[head].rsplit("-", 1)[-1], plural_base)
    # a word pymorphy3 only guesses (slang: «эмбеддинг») is taken as inanimate, as ML terms are, and so is
    # «планировщик» (of a learning rate: a thing, not the person the dictionary knows)
    known_animate = head_parse is not None and head_parse.is_known and head_parse.normal_form not in INANIMATE_NOUNS
    if case == "accs" and head_parse is not None and "anim" in head_parse.tag and known_animate:
        grammemes.add("anim")
    elif case == "accs" and head_parse is not None and "anim" in head_parse.tag and (
            plural or head_parse.tag.gender != "femn"):
        grammemes = {"nomn", "plur" if plural else "sing"}  # a guessed animate paradigm: inanimate = nominative
    elif case == "accs":
        grammemes.add("inan")
    out = []
    for index, word in enumerate(words):
        if index > head:
            out.append(word)
            continue
        wanted = set(grammemes) if index < head else grammemes - {"anim", "inan"}
        if index < head and not plural:
            parse = _base_parse(word.rsplit("-", 1)[-1], plural_base)
            gender = parse.tag.gender if parse is not None else None
            wanted |= {gender} if gender else set()  # «языковую», not the masculine «языковой»
        out.append(_inflect_word(word, wanted, plural_base)[0])
    return " ".join(out)


def _is_plural_target(word: str) -> bool:
    """A target head that is plural as the glossary writes it («веса», «логиты»)."""
    parses = [p for p in _parses(word.rsplit("-", 1)[-1]) if p.tag.case == "nomn"]
    return bool(parses) and all(p.tag.number == "plur" for p in parses)


def is_noun_phrase(rendering: str) -> bool:
    """A rendering whose head word is a noun in the nominative (not a verb or adjective variant)."""
    words = rendering.split(" ")
    head = words[_head(words)]
    return any(p.tag.POS == "NOUN" and p.tag.case == "nomn" for p in _parses(head.rsplit("-", 1)[-1]))


@lru_cache(maxsize=4096)
def paradigm(phrase: str) -> tuple[tuple[str, bool, str], ...]:
    """(case, plural, form) of the nominative ``phrase`` in every case and number it has: a phrase that
    declines but has no plural («реферирование»: its plural comes back unchanged) gives its singular only."""
    cells = {(case, plural): inflect_phrase(phrase, case, plural) for plural in (False, True) for case in CASES}
    declines = len({cells[case, False] for case in CASES}) > 1
    no_plural = declines and cells["nomn", True].casefold() == cells["nomn", False].casefold()
    return tuple((case, plural, form) for (case, plural), form in cells.items() if not (plural and no_plural))
