"""A Russian glossary term the model translated in context: keep its words, or put the target in their form.

English→Russian, a translate or gloss term is first left in the text the model reads, so the model
writes the term in the case its own sentence needs. :mod:`notelingo.protect.incontext` finds the
output words aligned to the term and asks :func:`read_in_context` what to make of them:

- **kept** (:data:`KEPT`): the words are a form of the glossary's target («после дообучения» for
  «дообучение»): the model's form stays, written as the model wrote it;
- **re-inflected** (:data:`REINFLECTED`): the model chose another word («после тонкой настройки»):
  the words give way to the target in the case and number of the model's noun («дообучения»);
  where that noun's form is ambiguous («настройки»: genitive singular or nominative plural),
  adjectives beside it and then the word governing it in the output (:func:`.agree.choose_form`)
  choose. The model's word may be another of the entry's renderings, a dictionary word or not
  («после файнтюнинга», «на датасетах»): its form is found in that rendering's own paradigm, so
  slang pymorphy3 only guesses at is read as surely as a dictionary noun;
- None: nothing there is a Russian noun (the model copied the English, or the words are noise);
  protect then masks the term and the form comes from the governing word
  (:mod:`notelingo.glossary.agree`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..alphabet import CYRILLIC_RE
from .agree import choose_form
from .forms import CASES, _head, _parses, inflect_phrase, is_noun_phrase, paradigm

#: How a rendering's form was chosen (``TermUse.choice``), beside agree's governed / nominative.
KEPT = "kept"
REINFLECTED = "re-inflected"

WORD_RE = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)


@dataclass(frozen=True)
class Reading:
    """Words ``start:end`` of the aligned words become ``rendering``, chosen as ``choice``."""

    start: int
    end: int
    rendering: str
    choice: str


def _lemmas(word: str) -> set[str]:
    return {p.normal_form.replace("ё", "е") for p in _parses(word.rsplit("-", 1)[-1])}


def _same(a: str, b: str) -> bool:
    return a.casefold().replace("ё", "е") == b.casefold().replace("ё", "е")


def _same_word(word: str, target: str) -> bool:
    """``word`` a form of the target's ``target`` word: same lemma, and, for a hyphenated target, the same
    part before the hyphen («кросс-энтропию», not «энтропию», for «кросс-энтропия»). The model's own prefix
    on a target without one stays («LSTM-слоя» for «слой»: a compound the model wrote, not another word)."""
    prefix = target.rpartition("-")[0]
    return (not prefix or _same(word.rpartition("-")[0], prefix)) and bool(_lemmas(word) & _lemmas(target))


def _kept(target: list[str], head: int, words: list[str]) -> Reading | None:
    """A window of ``words`` that is the target in some form: each word up to the head a form of the
    target's word (same lemma), the words after the head as the glossary writes them."""
    size = len(target)
    for start in range(len(words) - size + 1):
        window = words[start:start + size]
        if all(_same_word(w, t) if i <= head else _same(w, t) for i, (w, t) in enumerate(zip(window, target))):
            return Reading(start, start + size, " ".join(window), KEPT)
    return None


def _noun_forms(word: str) -> list[tuple[str, bool]]:
    """(case, plural) of each reading of ``word`` as a dictionary noun, most likely first; none for a guess or
    for a word most likely something else (a preposition's rare noun reading: «после», «с»)."""
    forms: list[tuple[str, bool]] = []
    parses = _parses(word.rsplit("-", 1)[-1])
    if not parses or parses[0].tag.POS != "NOUN":
        return forms
    for p in parses:
        if p.tag.POS == "NOUN" and p.is_known and p.tag.case and p.tag.number:
            case = {"gen2": "gent", "loc2": "loct", "acc2": "accs", "voct": "nomn"}.get(p.tag.case, p.tag.case)
            if case in CASES and (case, p.tag.number == "plur") not in forms:
                forms.append((case, p.tag.number == "plur"))
    return forms


def _adjective_forms(word: str) -> set[tuple[str, bool]]:
    return {(p.tag.case, p.tag.number == "plur") for p in _parses(word) if p.tag.POS in ("ADJF", "PRTF") and p.tag.case}


def _rendering_forms(rendering: str, window: list[str]) -> list[tuple[str, bool]]:
    """(case, plural) in which the nominative noun phrase ``rendering`` is written as ``window``. A word that
    declines but has no plural («реферирование») is not read as a plural (its plural comes back unchanged)."""
    text = " ".join(window)
    return [(case, plural) for case, plural, form in paradigm(rendering) if _same(form, text)]


def _other_rendering(renderings: tuple[str, ...], words: list[str]) -> tuple[int, int, list[tuple[str, bool]]] | None:
    """(index of its first word, its last + 1, its readings) of the first of the entry's other noun
    ``renderings`` written among ``words`` in some case and number, or None."""
    for rendering in renderings:
        size = len(rendering.split(" "))
        if not is_noun_phrase(rendering):
            continue
        for first in range(len(words) - size + 1):
            forms = _rendering_forms(rendering, words[first:first + size])
            if forms:
                return first, first + size, forms
    return None


def _reinflected(target: str, words: list[str], output: str, position: int, source: str, start: int,
                 found: tuple[int, int, list[tuple[str, bool]]] | None = None) -> Reading | None:
    """The target in the case and number of ``found`` (one of the entry's other renderings among ``words``:
    :func:`_other_rendering`), else of the first dictionary noun there, in place of it, its adjectives and the
    words after it; adjectives before the noun, then the Russian governor before the words, choose between
    its readings."""
    if found is not None:
        noun, _, forms = found
    else:
        noun = next((i for i, w in enumerate(words) if CYRILLIC_RE.search(w) and _noun_forms(w)), None)
        if noun is None:
            return None
        forms = _noun_forms(words[noun])
    for adjective in words[:noun]:
        agreeing = [f for f in forms if f in _adjective_forms(adjective)]
        forms = agreeing or forms
    governed = choose_form(source, start, output, position, target=target)
    chosen = next((f for f in forms if f[0] == governed.case and governed.plural in (None, f[1])), forms[0])
    first = noun
    while first > 0 and any(p.tag.POS in ("ADJF", "PRTF") for p in _parses(words[first - 1])):
        first -= 1  # the noun's adjectives go with it; a preposition or conjunction before them stays
    rendering = inflect_phrase(target, *chosen)
    prefix = words[noun].rpartition("-")[0] if found is None and first == noun and " " not in target \
        and "-" not in target else ""
    if prefix:  # the model's compound keeps its first part («L2-потери» -> «L2-лоссы» for «лосс»)
        rendering = f"{prefix}-{rendering}"
    elif words[first][:1].isupper():
        rendering = rendering[:1].upper() + rendering[1:]
    return Reading(first, len(words), rendering, REINFLECTED)


def read_in_context(target: str, words: list[str], output: str, position: int, source: str,
                    start: int, renderings: tuple[str, ...] = ()) -> Reading | None:
    """What the model's ``words`` (the output words aligned to a term found at ``source[start:]``, the first
    at ``output[position:]``) make of the glossary's nominative Russian ``target``; None when nothing
    usable is there (see the module docstring). ``renderings``: the entry's other Russian forms."""
    if not words or not all(CYRILLIC_RE.search(w) for w in words):
        return None
    target_words = target.split(" ")
    kept = _kept(target_words, _head(target_words), words)
    other = _other_rendering(renderings, words)
    # a form of the target inside a longer rendering of the entry («механизм внимания» for «внимание»)
    # is that rendering's dependent word: the rendering as a whole gives way to the target
    inside = (kept is not None and other is not None and other[0] <= kept.start and kept.end <= other[1]
              and other[1] - other[0] > kept.end - kept.start)
    if kept is not None and not inside:
        return kept
    return _reinflected(target, words, output, position, source, start, other)
