"""``glossary find`` without importing spaCy: the matcher's patterns and tokenizer rules, cached on disk.

Importing spaCy takes seconds, longer than a one-shot command should. The first
``find`` for a glossary builds the real matcher (:class:`~.matcher.TermMatcher`)
and writes what matching needs into the cache folder:

* every pattern's key sequence, read out of the matcher itself (so the two can
  never disagree on which forms are patterns);
* the spaCy tokenizer's rules (prefix, suffix and infix expressions, URL match,
  special cases) of the pipeline the matcher uses.

The file is keyed by the glossary's content, the language, and a fingerprint of
the code and packages that make keys (``matcher.py``, this file, spaCy, pymorphy3
and its dictionary): any change builds it again. Later runs tokenize with those
rules (spaCy's own algorithm, as in ``Tokenizer.explain``), give each token the
key :func:`~.matcher.token_key` gives it, look the key sequences up in a table
and resolve overlaps exactly as :meth:`~.matcher.TermMatcher.find` does.
"""

from __future__ import annotations

import atexit
from functools import lru_cache
from pathlib import Path

from ..nlp.tokenrules import Tokenizer, cached, fingerprint, load, rules_of, store
from .entry import GlossaryLike as Glossary
from .entry import TermMatch

CACHE_VERSION = 1


def _fingerprint() -> str:
    """What the cached keys depend on besides the glossary: the key code and the packages' versions."""
    here = Path(__file__).parent
    code = [here / "entry.py", here / "matcher.py", here / "forms.py", here / "fastfind.py",
            here.parent / "nlp" / "tokenrules.py"]
    return fingerprint(code, ("spacy", "pymorphy3", "pymorphy3-dicts-ru"), CACHE_VERSION)


def cache_file(glossary: Glossary, lang: str) -> Path:
    """Where the match table of ``glossary`` for ``lang`` text is kept."""
    from ..fileio import cache_root
    from .matcher import content_key

    return Path(cache_root()) / "glossary-find" / f"{lang}-{content_key(glossary)[:24]}-{_fingerprint()}.json"


def build_table(glossary: Glossary, lang: str) -> dict:
    """The table, from the real matcher and pipeline (imports spaCy)."""
    from .matcher import matcher_for

    matcher = matcher_for(glossary, lang)
    strings = matcher.nlp.vocab.strings
    patterns = []
    for generic, phrase_matcher in ((False, matcher.matcher), (True, matcher.generic)):
        stored = phrase_matcher.__reduce__()[1][1]  # {key: {tuple of LEMMA hashes}}: what the matcher matches on
        for key, keywords in stored.items():
            index = int(strings[key] if isinstance(key, int) else key)
            patterns += [[index, generic, [strings[h] for h in keyword]] for keyword in sorted(keywords)]
    return {"version": CACHE_VERSION, "lang": lang, "patterns": patterns, **rules_of(matcher.nlp.tokenizer),
            "stop_words": sorted(matcher.stop_words)}


def load_table(glossary: Glossary, lang: str) -> dict:
    """The cached table, built and written on the first call for this glossary, language and code."""
    return cached(cache_file(glossary, lang), lambda: _build_both(glossary, lang))


def _build_both(glossary: Glossary, lang: str) -> dict:
    """``lang``'s table, and the other language's stored too: spaCy is loaded now, so it costs a
    fraction of a second more, not a new import later."""
    other = "en" if lang == "ru" else "ru"
    if not cache_file(glossary, other).exists():
        store(cache_file(glossary, other), build_table(glossary, other))
    return build_table(glossary, lang)


class FastMatcher:
    """Glossary terms in text, with the cached table and no spaCy."""

    def __init__(self, glossary: Glossary, lang: str) -> None:
        table = load_table(glossary, lang)
        self.entries = list(glossary.entries)
        self.tokenize = Tokenizer(table)
        self.table: dict[tuple[str, ...], list[tuple[int, bool]]] = {}
        for index, generic, keys in table["patterns"]:
            self.table.setdefault(tuple(keys), []).append((index, generic))
        self.longest = max((len(keys) for keys in self.table), default=0)
        self.starts = frozenset(keys[0] for keys in self.table if keys)  # a match can begin only at these keys
        self.stop_words = frozenset(table["stop_words"])
        self.lang, self._morph = lang, None
        # A word's key depends on the word alone (and the code and dictionaries the fingerprint names):
        # each is worked out once, and kept on disk for later runs (:func:`keys_file`, written at exit).
        self.keys: dict[str, str] = shared_keys(lang)

    @property
    def morph(self):
        """The pymorphy3 lookups of Russian (None for other text), loaded when a word's key is not known yet."""
        if self._morph is None and self.lang == "ru":
            from .matcher import _Morph

            self._morph = _Morph(_analyzer())
        return self._morph

    def _key(self, word: str) -> str:
        key = self.keys.get(word)
        if key is None:
            if len(self.keys) >= KEYS_LIMIT:
                self.keys.clear()
            key = self.keys[word] = self._new_key(word)
        return key

    def _new_key(self, word: str) -> str:
        from ..alphabet import CYRILLIC_RE
        from .matcher import is_acronym, token_key

        if word.isspace():
            return word
        lemma = word
        # spaCy's pymorphy3 lemmatizer without POS tags: the one normal form, if unique. token_key reads
        # the lemma of a Cyrillic word only (not of an acronym): no other word is parsed.
        if self.morph is not None and CYRILLIC_RE.search(word) and not is_acronym(word):
            forms = {parse.normal_form for parse in self.morph.analyzer.parse(word)}
            lemma = next(iter(forms)) if len(forms) == 1 else word
        return token_key(word, lemma, self.morph)

    def find(self, text: str, entries: list | None = None) -> list[TermMatch]:
        """Matches in ``text``, kept or dropped by the checks of :meth:`~.matcher.TermMatcher.find`, in its order.
        ``entries``: the caller's glossary entries (same content), the ones reported."""
        from ..protect.zones import TERMLESS_ZONE_RE
        from .matcher import _longest_first, _title_lines

        if not text.strip():
            return []
        tokens = self.tokenize(text)
        keys = [self._key(word) for word, _ in tokens]
        protected = [m.span() for m in TERMLESS_ZONE_RE.finditer(text)]
        titles = _title_lines(text, self.stop_words)
        candidates = []
        for i in range(len(tokens)):
            if keys[i] not in self.starts:
                continue
            for length in range(1, min(self.longest, len(tokens) - i) + 1):
                for index, generic in self.table.get(tuple(keys[i:i + length]), ()):
                    start = tokens[i][1]
                    end = tokens[i + length - 1][1] + len(tokens[i + length - 1][0])
                    if self._accepted(text, start, end, index, generic, protected, titles):
                        candidates.append((start, end, index))
        return _longest_first(text, candidates, self.entries if entries is None else entries)

    def _accepted(self, text: str, start: int, end: int, index: int, generic: bool, protected, titles) -> bool:
        from .matcher import _after_bound_prefix, _in_hyphen_compound, _inside_proper_name, _on_word_boundaries

        if any(start < p_end and p_start < end for p_start, p_end in protected):
            return False
        if not _on_word_boundaries(text, start, end):
            return False
        if generic and not _in_hyphen_compound(text, start, end):
            return False
        if _after_bound_prefix(text, start):
            return False
        return not _inside_proper_name(text, start, end, self.entries[index], titles, self.stop_words)


#: Word keys kept per language; past this many a run starts afresh (and stores nothing more).
KEYS_LIMIT = 200_000
#: The word keys of this process, per file they were read from: {path: (keys, how many the file held)}.
_KEYS: dict[Path, tuple[dict[str, str], int]] = {}


def keys_file(lang: str, kind: str = "keys", code: tuple[str, ...] = ()) -> Path:
    """Where the word keys of ``lang`` text are kept: they depend on the word, the key code and the
    packages (:func:`_fingerprint`), not on the glossary. Another ``kind`` of word memo (see
    :func:`shared_keys`) names the modules of this package its values also depend on (``code``)."""
    from ..fileio import cache_root

    return Path(cache_root()) / "glossary-find" / f"{kind}-{lang}-{_memo_fingerprint(code)}.json"


@lru_cache(maxsize=None)
def _memo_fingerprint(code: tuple[str, ...]) -> str:
    here = Path(__file__).parent
    return _fingerprint() + (f"-{fingerprint([here / name for name in code], ())}" if code else "")


def load_keys(path: Path) -> dict[str, str]:
    """The word keys stored at ``path`` ({} when none are or the file is unreadable)."""
    keys = load(path)
    return keys if isinstance(keys, dict) and all(isinstance(v, (str, list, type(None))) for v in keys.values()) else {}


def shared_keys(lang: str, kind: str = "keys", code: tuple[str, ...] = ()) -> dict:
    """The process's word keys of ``lang`` text, read once from :func:`keys_file` (every glossary shares
    them); new entries are stored at exit. ``kind`` and ``code``: another memo of words (JSON values)."""
    path = keys_file(lang, kind, code)
    if path not in _KEYS:
        keys = load_keys(path)
        _KEYS[path] = (keys, len(keys))
    return _KEYS[path][0]


def store_keys() -> None:
    """Store the word keys this process worked out (run at exit): a later run reads them instead of
    parsing those words again, and loads pymorphy3 only for a word it has not seen."""
    for path, (keys, stored) in list(_KEYS.items()):
        if len(keys) != stored:
            merged = {**load_keys(path), **keys}
            store(path, merged if len(merged) <= KEYS_LIMIT else keys)
            _KEYS[path] = (keys, len(keys))


atexit.register(store_keys)


def _analyzer():
    from .morph import russian_analyzer

    return russian_analyzer()


def fast_find(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """What :func:`~.matcher.find_terms` finds, without spaCy once the table is cached; matchers
    kept per process and glossary content (:func:`~.matcher.matcher_for`)."""
    from .matcher import matcher_for

    return matcher_for(glossary, lang, FastMatcher).find(text, glossary.entries)
