"""Glossary renderings that fit the term as it stands in the source: number, case, script.

A ``translate`` entry is rendered as its target form; a plural source ("токены",
"датасетах", "datasets") must give a plural rendering ("tokens", "датасеты"), or
the enforced term reads as a grammar error in every translation.

* Russian number: pymorphy3's most probable reading of the phrase's head noun (the
  first noun: adjectives agree with it, genitive complements follow it, as in
  "наборах данных"); for slang pymorphy3 does not know, the plural endings.
  Verbs ("зафайнтюнили") carry no noun number: the rendering stays as it is.
* English number: the head (the last word, or the word before "of") ends in a
  plural "s" that the entry's own form of that word lacks ("weights" is no plural
  of anything).
* Uncountable English heads (attention, data, -ing forms, ...) never pluralise, in
  either direction; the rendering is always correct, only its number changes.
* Russian plural: the head noun and the words agreeing before it go to plural
  nominative (``inflect({'plur', 'nomn'})``); English plural: regular -s/-es/-ies.

Two smaller fits: a capitalised term at a sentence start gives a capitalised
rendering (:func:`sentence_case`), and a keep-term found in Cyrillic (a variant such
as «видеокарта», or look-alike letters as in "Т5") is rendered in the entry's Latin
spelling (:func:`keep_spelling`).

pymorphy3 is imported on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..alphabet import CYRILLIC_RE
from .entry import Entry

#: Heads (or whole terms) that have no plural in ML prose.
UNCOUNTABLE = frozenset("""
    attention data compute research feedback information knowledge inference supervision hype
    production deployment precision recall perplexity throughput latency regularization convergence
    quantization distillation tokenization summarization segmentation augmentation backpropagation
    entropy dropout truth vision parallelism alignment acceptance software hardware art
    """.split())
#: -ing nouns that do have a plural.
COUNTABLE_ING = frozenset("embedding encoding mapping setting finding ranking string thing".split())

_RU_PLURAL_ENDINGS = ("ы", "и", "ов", "ев", "ам", "ям", "ами", "ями", "ах", "ях")
_VERB_POS = frozenset({"VERB", "INFN", "PRTS", "GRND"})
_AGREEING_POS = frozenset({"ADJF", "PRTF", "NUMR", "NPRO"})
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)


def _analyzer():
    from .morph import russian_analyzer

    return russian_analyzer()


@lru_cache(maxsize=65536)
def _parse(word: str):
    return _analyzer().parse(word.lower())[0]


def _facts(word: str) -> list:
    """[POS, tense, number, is_known] of :func:`_parse`'s parse of ``word``: kept on disk like the glossary
    matcher's word keys (:func:`.fastfind.shared_keys`), so a later run loads no dictionary for a word seen before."""
    from .fastfind import KEYS_LIMIT, shared_keys

    memo = shared_keys("ru", "parse-facts", ("inflect.py", "morph.py"))
    key = word.lower()
    found = memo.get(key)
    if not isinstance(found, list) or len(found) != 4:
        if len(memo) >= KEYS_LIMIT:
            memo.clear()
        parse = _parse(word)
        found = memo[key] = [parse.tag.POS, parse.tag.tense, parse.tag.number, bool(parse.is_known)]
    return found


def _english_head(words: list[str]) -> int:
    """Index of the head of an English noun phrase: before 'of', else the last word."""
    lowered = [w.lower() for w in words]
    return lowered.index("of") - 1 if "of" in lowered[1:] else len(words) - 1


def is_uncountable(entry: Entry) -> bool:
    """True when the entry's English form has no plural (attention, fine-tuning, data)."""
    words = entry.en.split()
    head = words[_english_head(words)].lower()
    last_part = head.rsplit("-", 1)[-1]
    gerund = last_part.endswith("ing") and last_part not in COUNTABLE_ING
    return entry.en.lower() in UNCOUNTABLE or last_part in UNCOUNTABLE or gerund


def is_plural_english(surface: str, entry: Entry) -> bool:
    """A plural English surface: its head ends in a plural 's' the entry's forms lack there."""
    words = surface.split()
    if not words:
        return False
    head = words[_english_head(words)]
    lower = head.lower()
    if not lower.endswith("s") or lower.endswith(("ss", "us", "is")) or head.isupper():
        return False
    heads = {f.split()[_english_head(f.split())].lower() for f in entry.forms("en") if f.split()}
    return lower not in heads


def _is_plural_russian_word(word: str) -> bool | None:
    """Number of one word: True/False for nouns, None for words without noun number (verbs)."""
    last = word.rsplit("-", 1)[-1].lower()
    pos, _, number, known = _facts(last)
    if pos in _VERB_POS or last.endswith(("ли", "ть", "ться")):
        return None
    if known:
        return number == "plur" if number else None
    return last.endswith(_RU_PLURAL_ENDINGS)


def _russian_head(words: list[str]) -> int:
    """Index of the head noun: the first word that is not an agreeing adjective or participle."""
    for index, word in enumerate(words):
        if _facts(word.rsplit("-", 1)[-1])[0] not in _AGREEING_POS:
            return index
    return len(words) - 1


def is_plural_russian(surface: str) -> bool:
    """A plural Russian surface (its head noun is plural)."""
    words = _WORD.findall(surface)
    return bool(words) and bool(_is_plural_russian_word(words[_russian_head(words)]))


def is_plural_surface(surface: str, entry: Entry) -> bool:
    """Is ``surface`` (as found in the text) plural? Latin script is read as English."""
    if CYRILLIC_RE.search(surface):
        return is_plural_russian(surface)
    return is_plural_english(surface, entry)


def pluralize_english(phrase: str) -> str:
    """'dataset' -> 'datasets', 'mixture of experts' -> 'mixtures of experts', 'F1 score' -> 'F1 scores'."""
    words = phrase.split(" ")
    index = _english_head(words)
    head = words[index]
    if re.search(r"(s|x|z|ch|sh)$", head):
        head += "es"
    elif re.search(r"[^aeiou]y$", head):
        head = head[:-1] + "ies"
    else:
        head += "s"
    words[index] = head
    return " ".join(words)


def _plural_nominative(word: str) -> str:
    """One Russian word in plural nominative; hyphenated words change their last part."""
    prefix, _, last = word.rpartition("-")
    inflected = _parse(last).inflect({"plur", "nomn"})
    if inflected is None:
        return word
    form = inflected.word
    if last[:1].isupper():
        form = form[:1].upper() + form[1:]
    return f"{prefix}-{form}" if prefix else form


def pluralize_russian(phrase: str) -> str:
    """'языковая модель' -> 'языковые модели', 'набор данных' -> 'наборы данных'."""
    words = phrase.split(" ")
    head = _russian_head(words)
    return " ".join(_plural_nominative(w) if i <= head else w for i, w in enumerate(words))


def english_verb(entry: Entry) -> str | None:
    """The entry's English verb ('fine-tune' for fine-tuning), taken from its English variants."""
    canonical = entry.en.lower()
    if not canonical.endswith("ing"):
        return None
    for variant in getattr(entry, "variants", {}).get("en", []):
        low = variant.lower()
        if not low.endswith("ing") and " " not in low and canonical.startswith(low.rstrip("e")):
            return variant
    return None


def _russian_verb_tense(surface: str) -> str | None:
    """'past' or 'base' when the surface's last word is a Russian verb form, else None."""
    words = _WORD.findall(surface)
    if not words or not CYRILLIC_RE.search(words[-1]):
        return None
    pos, tense, _, _ = _facts(words[-1])
    if pos not in _VERB_POS:
        return None
    return "past" if tense == "past" or pos == "PRTS" else "base"


def is_english_verb_form(surface: str, entry: Entry) -> bool:
    """'fine-tuned', 'fine-tunes', 'fine-tune' for the noun entry fine-tuning."""
    verb = english_verb(entry)
    low = surface.lower()
    return verb is not None and (low.endswith("ed") or low in (verb.lower(), verb.lower() + "s"))


def verb_rendering(entry: Entry, surface: str, tgt: str) -> str | None:
    """How a verb-form surface of a noun entry renders: an English verb for Russian slang
    ("зафайнтюнили" -> "fine-tuned"); "" for English verbs going to Russian, which the model
    inflects better than a forced noun would ("We fine-tuned" is not "Мы дообучение");
    None when the surface is no verb form."""
    if tgt == "en":
        tense = _russian_verb_tense(surface)
        verb = english_verb(entry) if tense else None
        if verb is None:
            return None
        return verb if tense == "base" else verb + ("d" if verb.endswith("e") else "ed")
    if tgt == "ru" and is_english_verb_form(surface, entry):
        return ""
    return None


def render_term(entry: Entry, surface: str, tgt: str) -> str:
    """The entry's target form in ``tgt``, plural when ``surface`` is plural and the term countable.

    Verb forms of noun entries render as verbs (see :func:`verb_rendering`).
    """
    target = entry.target(tgt)
    if entry.policy != "keep" and target:
        verb = verb_rendering(entry, surface, tgt)
        if verb is not None:
            return verb
    if entry.policy == "keep" or not target or is_uncountable(entry) or not is_plural_surface(surface, entry):
        return target
    if tgt == "en":
        words = target.split()
        head = words[_english_head(words)].lower()
        return target if head.endswith("s") and not head.endswith("ss") else pluralize_english(target)
    if tgt == "ru":
        return target if is_plural_russian(target) else pluralize_russian(target)
    return target


def render_in_text(entry: Entry, surface: str, text: str, start: int, tgt: str) -> str | None:
    """What a term found as ``surface`` at ``start`` of ``text`` becomes in ``tgt``: a keep term its
    own spelling (:func:`keep_spelling`), another its target form (:func:`render_term`) in sentence
    case; None when the entry has no form in ``tgt`` (the model translates it).
    Protect asks for it through ``Glossary.render``."""
    if entry.policy == "keep":
        return keep_spelling(surface, entry)
    target = render_term(entry, surface, tgt)
    if not target:
        return None
    return sentence_case(target, surface, text, start)


def accepted_renderings(entry: Entry, lang: str) -> set[str]:
    """Case-folded renderings the glossary allows in ``lang``: the target form and, if countable, its
    plural; in Russian every case of those (terms agree with their sentence: :mod:`.agree`)."""
    target = entry.target(lang)
    if not target:
        return set()
    forms = {target}
    if entry.policy != "keep" and not is_uncountable(entry):
        forms.add(pluralize_english(target) if lang == "en" else pluralize_russian(target) if lang == "ru" else target)
    if lang == "ru" and entry.policy != "keep":
        forms |= _russian_cases(target, not is_uncountable(entry))
    return {form.casefold() for form in forms}


@lru_cache(maxsize=4096)
def _russian_cases(target: str, countable: bool) -> frozenset[str]:
    """``target`` in the six cases, singular (and plural when ``countable``)."""
    from .forms import CASES, inflect_phrase

    numbers = (False, True) if countable else (is_plural_russian(target),)
    return frozenset(inflect_phrase(target, case, plural) for case in CASES for plural in numbers)


def _starts_sentence(text: str, start: int) -> bool:
    """Nothing but quotes, brackets or a list marker before ``start`` since the sentence began."""
    before = text[:start].rstrip(" \t\"'«„(*-–—•")
    return not before or before[-1] in ".!?:\n"


def sentence_case(rendering: str, surface: str, text: str, start: int) -> str:
    """A capitalised surface at a sentence start gives a capitalised rendering ("Датасеты" -> "Datasets")."""
    if surface[:1].isupper() and rendering[:1].islower() and _starts_sentence(text, start):
        return rendering[:1].upper() + rendering[1:]
    return rendering


# Cyrillic letters that look like Latin ones; Russian posts often type "Т5" or "ВERT".
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХаеорсху", "ABEKMHOPCTXaeopcxy")


def keep_spelling(surface: str, entry) -> str:
    """How a keep-term found as ``surface`` is written in the translation.

    Keep means the term's own (Latin) spelling survives translation. A surface in
    another script is a rendering of it, never something to keep: «видеокартах»
    (a variant of GPU) becomes "GPUs", «ЛЛМ» "LLM", and a term typed with Cyrillic
    look-alike letters ("Т5") the entry's spelling ("T5"). Latin surfaces stay as written.
    """
    latin = surface.translate(_LOOKALIKES)
    if latin != surface and latin in entry.forms("en"):
        return latin
    if not CYRILLIC_RE.search(surface):
        return surface
    if entry.en.endswith("s") or is_uncountable(entry) or not is_plural_russian(surface):
        return entry.en
    return pluralize_english(entry.en)


def in_source_script(rendering: str, entry) -> bool:
    """A keep-term's rendering written in another script than the term (Cyrillic for a Latin entry)."""
    return bool(CYRILLIC_RE.search(rendering)) and not CYRILLIC_RE.search(entry.en)
