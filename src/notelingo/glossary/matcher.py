"""Finding glossary terms in text, inflection-aware, in English and Russian.

Both the patterns (every form of every entry) and the text go through the same
spaCy pipeline: a blank tokenizer, spaCy's Russian lemmatizer in pymorphy3 mode,
then :func:`term_key`, which rewrites each token's LEMMA into a match key:

* acronyms and mixed-case names (BPE, LoRA, GPT-3, T5) keep their case, so they
  match case-sensitively ("LLMs" -> "LLM");
* Russian words pymorphy3 knows -> their lemma; slang it does not know
  ("зафайнтюнили", "промтами") -> a suffix-stripped stem, so that the
  dictionary form in the glossary and any inflected form meet on one key;
* Latin words -> a light English stem (fine-tuned / fine-tuning -> "fine - tun").

A PhraseMatcher on LEMMA then finds the keys; the longest match wins. spaCy is
imported on first use only, and pipelines and matchers are cached.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any

from ..alphabet import CYRILLIC_RE
from ..protect.zones import TERMLESS_ZONE_RE, resolve_overlaps
from .entry import Entry, GlossaryLike, TermMatch

_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_VOWELS = re.compile(r"[aeiouy]")

# Inflectional endings of Russian nouns, adjectives and verbs, longest first. They
# are stripped only from words pymorphy3 does not know (borrowed slang), so a
# common word is never cut by these rules.
_RU_ENDINGS = sorted(
    """нуть нула нули нуло нул ить ать ять еть уть ешь ишь ете ите ют ут ят ит ет ем им ила или ило ил ала али
    ало ал яла яли ял ами ями ого его ому ему ыми ими ов ев ей ой ий ый ая яя ое ее ые ие ую юю ым их ых ом ам ям
    ах ях а я у ю ы и е о ь""".split(),
    key=len,
    reverse=True,
)
_MIN_STEM = 4
GERUND_MARK = "~ing"
STEM_MARK = "~"

def is_acronym(word: str) -> bool:
    """Acronyms and mixed-case names: an upper-case letter after the first, or letters with digits."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return False
    upper_inside = any(ch.isupper() for ch in word[1:])
    return upper_inside or (any(ch.isupper() for ch in word) and any(ch.isdigit() for ch in word))


def acronym_key(word: str) -> str:
    """Acronyms match as written, except an English plural 's' ("LLMs" -> "LLM")."""
    stem = word[:-1]
    if len(word) > 2 and word.endswith("s") and sum(ch.isupper() for ch in stem) >= 2 and stem.upper() == stem:
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def english_stem(word: str) -> str:
    """A small, deterministic English stemmer: plural and -ed/-ing removed, doubled consonant and final e dropped.

    -ed forms meet the base form ("prompted" ~ "prompt"); -ing forms meet only -ing
    forms ("fine-tunings" ~ "fine-tuning").
    """
    stem = word.lower().removesuffix("'s").removesuffix("’s")
    if len(stem) > 4 and stem.endswith("ies"):
        stem = stem[:-3] + "y"
    elif stem.endswith("sses"):
        stem = stem[:-2]
    elif len(stem) > 3 and stem.endswith("s") and not stem.endswith(("ss", "us", "is")):
        stem = stem[:-1]
    gerund = False
    for suffix in ("ing", "ed"):
        rest = stem[: -len(suffix)]
        if stem.endswith(suffix) and len(rest) >= 3 and _VOWELS.search(rest):
            stem, gerund = rest, suffix == "ing"
            break
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        stem = stem[:-1]
    if len(stem) > 3 and stem.endswith("e"):
        stem = stem[:-1]
    # An -ing form names a process, not the thing: "sampling" is no "samples",
    # "scaling" no "scale", "masking" no "mask"; the gerund keeps its own key.
    return stem + GERUND_MARK if gerund else stem


@lru_cache(maxsize=65536)
def russian_stem(word: str) -> str:
    """Strip endings (longest first) until none is left, keeping at least three letters.

    Stripping to a fixed point makes the dictionary form and an inflected form meet
    even when the dictionary form itself ends like an inflection: "датасет" and
    "датасетах" both end at "датас", "тюториал" and "тюториала" at "тютори". A reflexive «-ся»/«-сь» goes
    first, so the cases of a participle meet: «ненасыщающаяся», «ненасыщающейся» -> «ненасыщающ».
    """
    stem = word.lower().replace("ё", "е")
    if stem.endswith(("ся", "сь")) and len(stem) - 2 >= _MIN_STEM:
        stem = stem[:-2]
    while True:
        ending = next((e for e in _RU_ENDINGS if stem.endswith(e) and len(stem) - len(e) >= _MIN_STEM), None)
        if ending is None:
            return stem
        stem = stem[: -len(ending)]


_PROPER = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn", "Trad"})


class _Morph:
    """pymorphy3 lookups, cached: the lemma of a known word, or None for an unknown one."""

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer
        self.known_lemma = lru_cache(maxsize=65536)(self._known_lemma)
        # spaCy's pymorphy3 lemmatizer parses every token through this same analyzer
        # (the hot spot of matching): words repeat, so each is parsed once. Parses
        # are read-only lists of named tuples, safe to share.
        if not hasattr(analyzer.parse, "cache_info"):
            analyzer.parse = lru_cache(maxsize=65536)(analyzer.parse)

    def _known_lemma(self, word: str) -> str | None:
        # Proper-name readings do not count: "промптов" is a known surname, yet here a plural of "промпт".
        known = [p for p in self.analyzer.parse(word) if p.is_known and not (_PROPER & p.tag.grammemes)]
        return known[0].normal_form.replace("ё", "е") if known else None


def token_key(text: str, lemma: str, morph: _Morph | None) -> str:
    """The match key of one token (see the module docstring)."""
    if is_acronym(text):
        return acronym_key(text)
    lower = text.lower().replace("ё", "е")
    if CYRILLIC_RE.search(lower):
        known = morph.known_lemma(lower) if morph else None
        if known is None:
            # Marked, so a stem never equals a dictionary lemma: "логиты" strips to
            # "лог", the lemma of the everyday "логи"/"логов" (logs).
            return STEM_MARK + russian_stem(lower)
        spacy_lemma = lemma.lower().replace("ё", "е")
        return spacy_lemma if spacy_lemma != lower else known
    if _LATIN.search(lower):
        return english_stem(lower)
    return lower


def _make_key_component(morph: _Morph | None):
    def set_term_keys(doc):
        for token in doc:
            token.lemma_ = token_key(token.text, token.lemma_ or token.text, morph)
        return doc

    return set_term_keys


@lru_cache(maxsize=2)
def pipeline(lang: str):
    """The cached spaCy pipeline of ``lang``: tokenizer, (ru) pymorphy3 lemmatizer, term keys."""
    from ..nlp.spacy_loader import import_spacy  # torch stays unloaded (see there)

    spacy = import_spacy()
    from spacy.language import Language

    nlp = spacy.blank("ru" if lang == "ru" else "en")
    _split_glued_names(nlp)
    morph = None
    if lang == "ru":
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
        nlp.initialize()
        morph = _Morph(getattr(lemmatizer, "_morph", None) or _new_analyzer())
    name = f"notelingo_term_keys_{lang}"
    if name not in Language.factories:
        Language.component(name, func=_make_key_component(morph))
    nlp.add_pipe(name, last=True)
    return nlp


def _split_glued_names(nlp) -> None:
    """Split what the default rules leave glued to a name: a final period ("ViT." "AdamW.")
    and a suffix after a digit-hyphen ("T5-XXL", "GPT-3-based")."""
    from spacy.util import compile_infix_regex, compile_suffix_regex

    letters = "A-Za-zА-Яа-яЁё"
    suffixes = list(nlp.Defaults.suffixes or []) + [rf"(?<=[{letters}])\."]
    infixes = list(nlp.Defaults.infixes or []) + [rf"(?<=[0-9])-(?=[{letters}])"]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def _new_analyzer():
    from .morph import russian_analyzer

    return russian_analyzer()


def pattern_surfaces(form: str) -> list[str]:
    """A form plus its hyphen spellings: 'fine-tuning' -> also 'fine tuning', 'finetuning' (not after a single
    letter: 'E-step' is not 'e steps'); an English
    form of several words also hyphenated, as English writes a compound before a noun ('learning-rate
    warmup', 'neural-network models'). Russian writes no such compounds: its forms keep their spaces; but it
    shortens «нейронная сеть» to «нейросеть» inside any term («свёрточная нейронная сеть» -> «свёрточная нейросеть»,
    as «нейросеть» alone is a form of "neural network"), so a form with it has the short spelling too."""
    surfaces = [form]
    if "-" in form and not is_acronym(form) and len(form.split("-", 1)[0]) > 1:  # 'E-step' is no 'e step'
        surfaces += [form.replace("-", " "), form.replace("-", "")]
    if " " in form and not CYRILLIC_RE.search(form):
        surfaces.append(form.replace(" ", "-"))
    if _NEURAL_NETWORK_RE.search(form):
        surfaces.append(_NEURAL_NETWORK_RE.sub(lambda m: "нейросет" + m.group(1), form))
    return list(dict.fromkeys(surfaces))


# «нейронная сеть» / «нейронные сети» as a glossary form writes it (nominative), and the noun's ending to keep
_NEURAL_NETWORK_RE = re.compile(r"\bнейронн(?:ая|ые) сет(ь|и)\b", re.IGNORECASE)


@lru_cache(maxsize=65536)
def inflected_surfaces(form: str) -> list[str]:
    """A Russian form of several words in every case and number («скрытый слой» -> «скрытому слою», «скрытых
    слоях», ...). A word's key is its likeliest lemma, and for some forms that is another word's («слою» reads
    first as «слоить», «скрытом» as «скрыть», «политик» as «политик»): those forms are patterns of their own.
    Only they: a form whose words read as the lemmas of the glossary's form is matched by that form's keys."""
    from .forms import is_noun_phrase, paradigm

    if " " not in form.strip() or not CYRILLIC_RE.search(form) or not is_noun_phrase(form):
        return []  # only a noun phrase declines as one («все против всех» is no «всех против всех»)

    base = _likeliest_lemmas(form)
    surfaces = (surface for _, _, surface in paradigm(form))
    return [surface for surface in dict.fromkeys(surfaces) if _likeliest_lemmas(surface) != base]


def _likeliest_lemmas(phrase: str) -> list[str | None]:
    """The lemma of each Cyrillic word (hyphen parts apart) as a key reads it: its first known reading's."""
    return [_likeliest_lemma(word) for word in re.findall(r"[а-яё]+", phrase.lower())]


@lru_cache(maxsize=65536)
def _likeliest_lemma(word: str) -> str | None:
    """A word's first known reading's lemma (None: none is known); the same few words recur in every form."""
    from .forms import _parses

    known = next((p for p in _parses(word) if not (_PROPER & p.tag.grammemes) and p.is_known), None)
    return known.normal_form.replace("ё", "е") if known else None


@lru_cache(maxsize=65536)
def match_keys(form: str, lang: str) -> tuple[str, ...]:
    """The key sequence a form matches on (used by lint to spot shadowing)."""
    return tuple(token.lemma_ for token in pipeline(lang)(form) if not token.is_space)


class TermMatcher:
    """A PhraseMatcher over every form of every entry, for one language of text."""

    def __init__(self, glossary: GlossaryLike, lang: str) -> None:
        self.nlp = pipeline(lang)  # first: spaCy is imported there without torch (see spacy_loader)
        from spacy.matcher import PhraseMatcher

        self.lang = lang
        self.entries = list(glossary.entries)
        self.stop_words = frozenset(self.nlp.Defaults.stop_words)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        # Russian text often carries English terms in Latin script, so the ru
        # matcher knows the English forms as well.
        langs = ("ru", "en") if lang == "ru" else ("en",)
        # Generic forms ("внимание", "train") are everyday words too: a separate
        # matcher, whose matches count only inside hyphenated compounds.
        self.generic = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        for index, entry in enumerate(self.entries):
            for matcher, forms_of in ((self.matcher, entry.matched_forms), (self.generic, entry.generic_forms)):
                forms = [s for la in langs for form in forms_of(la)
                         for s in pattern_surfaces(form) + (inflected_surfaces(form) if la == "ru" else [])]
                if forms:
                    matcher.add(str(index), list(self.nlp.pipe(dict.fromkeys(forms))))

    def find(self, text: str, entries: list[Entry] | None = None) -> list[TermMatch]:
        """Matches in ``text``; ``entries`` (same content, same order) are the ones reported."""
        if not text.strip():
            return []
        doc = self.nlp(text)
        protected = [m.span() for m in TERMLESS_ZONE_RE.finditer(text)]
        matches = [(m, False) for m in self.matcher(doc)] + [(m, True) for m in self.generic(doc)]
        titles = _title_lines(text, self.stop_words)
        candidates = []
        for (match_id, start, end), generic in matches:
            span = doc[start:end]
            if any(span.start_char < p_end and p_start < span.end_char for p_start, p_end in protected):
                continue
            if not _on_word_boundaries(text, span.start_char, span.end_char):
                continue
            if generic and not _in_hyphen_compound(text, span.start_char, span.end_char):
                continue
            if _after_bound_prefix(text, span.start_char):
                continue
            index = int(self.nlp.vocab.strings[match_id])
            if _inside_proper_name(text, span.start_char, span.end_char, self.entries[index], titles, self.stop_words):
                continue
            candidates.append((span.start_char, span.end_char, index))
        return _longest_first(text, candidates, self.entries if entries is None else entries)


def _in_hyphen_compound(text: str, start: int, end: int) -> bool:
    """A hyphen joins the span to a neighbouring word ("attention-based", "BPE-токенизация")."""
    joined_before = start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()
    joined_after = end + 1 < len(text) and text[end] == "-" and text[end + 1].isalnum()
    return joined_before or joined_after


# Bound prefixes that make a new word of a term: "pre-tokenization" is a step before
# tokenization, "non-transformer" no transformer. Entries spelled with them
# ("pre-training", "self-attention") match as wholes, before this check applies.
_BOUND_PREFIX = re.compile(
    r"(?:^|(?<=[^\w-]))(?:pre|post|non|re|de|un|anti|sub|co|multi|semi|over|under|inter|intra|super|meta|mini"
    r"|пре|пост|не|анти|суб|мульти|полу|мета|мини|супер)-$",
    re.IGNORECASE,
)


def _after_bound_prefix(text: str, start: int) -> bool:
    """The span is the second half of a prefixed compound ("pre-tokenization")."""
    return _BOUND_PREFIX.search(text[max(0, start - 8):start]) is not None


_WORD_RE = re.compile(r"[^\W_][\w'’-]*")


def _title_lines(text: str, stop_words: frozenset) -> list[tuple[int, int]]:
    """Lines in Title Case (paper, course and product names): at least three content
    words, each capitalised or an acronym/number; function words may stay lower."""
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        words = [w for w in _WORD_RE.findall(line) if w.lower() not in stop_words]
        if len(words) >= 3 and all((w[0].isupper() and not CYRILLIC_RE.search(w)) or w[0].isdigit() for w in words):
            spans.append((offset, offset + len(line)))
        offset += len(line)
    return spans


def _name_word(word: str) -> bool:
    """A capitalised Latin word of a name ("Carson", "Specialization"); acronyms and
    model names ("GPT-2", "LLaMA") are names of their own, not parts of this one."""
    return word[0].isupper() and not CYRILLIC_RE.search(word) and not is_acronym(word)


def _capitalised_neighbour(text: str, start: int, end: int, stop_words: frozenset) -> bool:
    """A capitalised word right before or after the span, separated by spaces only
    ("Carson Research", "Natural Language Processing Specialization"). A capitalised
    function word opening a sentence ("The Transformer") is no part of a name."""
    before = re.search(r"([^\W_][\w'’.-]*)[ \t]+$", text[max(0, start - 40):start])
    after = re.match(r"[ \t]+([^\W_][\w'’-]*)", text[end:end + 40])
    if after and _name_word(after.group(1)):
        return True
    return bool(before and _name_word(before.group(1)) and before.group(1).lower() not in stop_words)


def _inside_proper_name(text: str, start: int, end: int, entry: Entry, titles, stop_words) -> bool:
    """A common-noun term capitalised as part of a name or a title is no term.

    Entries that are names themselves (spelt with a capital: BERT, OpenAI, ViT)
    keep matching inside names ("Meta AI", "OpenAI Service").
    """
    # Title Case is an English habit: Russian capitalises a name's first word only.
    if any(ch.isupper() for ch in entry.en) or not text[start].isupper() or CYRILLIC_RE.search(text[start:end]):
        return False
    if any(t_start <= start < t_end for t_start, t_end in titles):
        return True
    return _capitalised_neighbour(text, start, end, stop_words)


_SPACED_HYPHEN = re.compile(r"\s-|-\s")


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Tokens glued to letters ("T5x") or inside identifiers (snake_case) are no terms, nor is a span with a
    hyphen spaced off a word inside: a dash or a minus ("sample - mean"), no compound ("sample-mean")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if _SPACED_HYPHEN.search(text, start, end):
        return False
    return not (before == "_" or after == "_" or (before.isalnum() and text[start].isalnum()))


def _longest_first(text: str, candidates: list[tuple[int, int, int]], entries: list[Entry]) -> list[TermMatch]:
    """Keep non-overlapping matches: longer first, then earlier, then the entry listed first."""
    taken = resolve_overlaps(candidates, len(text), rank=lambda c: (c[0], c[2]))
    return [TermMatch(s, e, text[s:e], entries[i]) for s, e, i in taken]


_MATCHERS: dict[tuple, Any] = {}
_BY_IDENTITY: dict[tuple, tuple[tuple, Any]] = {}
_CACHED = 8


def content_key(glossary: GlossaryLike) -> str:
    """sha256 of the entries' content in order (order decides ties between matches)."""
    blob = json.dumps([entry.to_dict() for entry in glossary.entries], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def matcher_for(glossary: GlossaryLike, lang: str, factory: Any = None) -> Any:
    """The cached matcher of a glossary's current content for ``lang``: a :class:`TermMatcher`,
    or what ``factory(glossary, lang)`` builds (the spaCy-free one of :mod:`.fastfind`).

    Every translate call reloads the glossary (new entry objects) while building a
    matcher takes about a second, so matchers are kept by content. The identity of
    the entries is a cheap first lookup; the cached tuple keeps them alive, so an
    id cannot be reused while cached.
    """
    if lang not in ("en", "ru"):
        from ..errors import UsageError

        raise UsageError(f"{lang!r}: the glossary matches 'en' or 'ru' text", option="lang")
    factory = factory or TermMatcher
    entries = tuple(glossary.entries)
    identity = (factory, lang, tuple(map(id, entries)))
    if identity not in _BY_IDENTITY:
        key = (factory, lang, content_key(glossary))
        if key not in _MATCHERS:
            if len(_MATCHERS) >= _CACHED:
                _MATCHERS.clear()
            _MATCHERS[key] = factory(glossary, lang)
        if len(_BY_IDENTITY) >= _CACHED:
            _BY_IDENTITY.clear()
        _BY_IDENTITY[identity] = (entries, _MATCHERS[key])
    return _BY_IDENTITY[identity][1]


def find_terms(glossary: GlossaryLike, text: str, lang: str) -> list[TermMatch]:
    """Glossary terms in ``text``: sorted, non-overlapping, longest match first.

    Never inside URLs, emails, code or LaTeX.
    """
    return matcher_for(glossary, lang).find(text, glossary.entries)
