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

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from .model import Glossary, TermMatch

CACHE_VERSION = 1
_NEVER = re.compile("a^")


def _fingerprint() -> str:
    """What the cached keys depend on besides the glossary: the key code and the packages' versions."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [str(CACHE_VERSION)]
    here = Path(__file__).parent
    for name in ("matcher.py", "fastfind.py"):
        parts.append(hashlib.sha256((here / name).read_bytes()).hexdigest())
    for package in ("spacy", "pymorphy3", "pymorphy3-dicts-ru"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def cache_file(glossary: Glossary, lang: str) -> Path:
    """Where the match table of ``glossary`` for ``lang`` text is kept."""
    from ..translate import cache_root
    from .matcher import content_key

    return Path(cache_root()) / "glossary-find" / f"{lang}-{content_key(glossary)[:24]}-{_fingerprint()}.json"


def _pattern_of(regex) -> list:
    return [regex.__self__.pattern, regex.__self__.flags] if regex is not None else ["a^", 0]


def build_table(glossary: Glossary, lang: str) -> dict:
    """The table, from the real matcher and pipeline (imports spaCy)."""
    from .matcher import matcher_for

    matcher = matcher_for(glossary, lang)
    strings, tokenizer = matcher.nlp.vocab.strings, matcher.nlp.tokenizer
    patterns = []
    for generic, phrase_matcher in ((False, matcher.matcher), (True, matcher.generic)):
        stored = phrase_matcher.__reduce__()[1][1]  # {key: {tuple of LEMMA hashes}}: what the matcher matches on
        for key, keywords in stored.items():
            index = int(strings[key] if isinstance(key, int) else key)
            patterns += [[index, generic, [strings[h] for h in keyword]] for keyword in sorted(keywords)]
    return {
        "version": CACHE_VERSION, "lang": lang, "patterns": patterns,
        "prefix": _pattern_of(tokenizer.prefix_search), "suffix": _pattern_of(tokenizer.suffix_search),
        "infix": _pattern_of(tokenizer.infix_finditer), "token_match": _pattern_of(tokenizer.token_match),
        "url_match": _pattern_of(tokenizer.url_match),
        "special": {orth: [t.text for t in tokenizer(orth)] for orth in tokenizer.rules},
        "stop_words": sorted(matcher.stop_words),
    }


def load_table(glossary: Glossary, lang: str) -> dict:
    """The cached table, built and written on the first call for this glossary, language and code."""
    path = cache_file(glossary, lang)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    table = build_table(glossary, lang)
    _store(path, table)
    # spaCy is loaded now: the other language's table costs a fraction of a second more, not a new import later.
    other = "en" if lang == "ru" else "ru"
    if not cache_file(glossary, other).exists():
        _store(cache_file(glossary, other), build_table(glossary, other))
    return table


def _store(path: Path, table: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache folder only costs speed


class Tokenizer:
    """spaCy's tokenizer algorithm over rules read from the table (see ``Tokenizer.explain`` in spaCy)."""

    def __init__(self, table: dict) -> None:
        self.prefix = re.compile(*table["prefix"]).search
        self.suffix = re.compile(*table["suffix"]).search
        self.infix = re.compile(*table["infix"]).finditer
        self.token_match = re.compile(*table["token_match"]).match
        self.url_match = re.compile(*table["url_match"]).match
        self.special = table["special"]
        # Special cases that affixes would split (":)", "'s") are found again after splitting, over tokens.
        self.use_special = False
        self.rejoin = {tuple(self.words(orth)): orth for orth in self.special if self._splits(orth)}
        self.rejoin_lengths = sorted({len(words) for words in self.rejoin}, reverse=True)
        self.use_special = True

    def _splits(self, orth: str) -> bool:
        prefix, suffix = self.prefix(orth), self.suffix(orth)
        affixed = (prefix and prefix.end()) or (suffix and suffix.start() < len(orth))
        return bool(affixed or list(self.infix(orth)) or " " in orth)

    def _special(self, substring: str) -> bool:
        return self.use_special and substring in self.special

    def words(self, text: str) -> list[str]:
        tokens: list[str] = []
        for substring in text.split():
            suffixes: list[str] = []
            while substring:
                if self._special(substring):
                    tokens += self.special[substring]
                    break
                substring = self._strip_affixes(substring, tokens, suffixes)
                if substring:
                    tokens += self._split_infixes(substring)
                break
            tokens.extend(reversed(suffixes))
        return tokens

    def _strip_affixes(self, substring: str, tokens: list[str], suffixes: list[str]) -> str:
        while self.prefix(substring) or self.suffix(substring):
            if self.token_match(substring):
                tokens.append(substring)
                return ""
            if self._special(substring):
                tokens += self.special[substring]
                return ""
            prefix = self.prefix(substring)
            if prefix:
                if prefix.end() == 0:
                    break
                tokens.append(substring[: prefix.end()])
                substring = substring[prefix.end():]
                if self._special(substring):
                    continue
            suffix = self.suffix(substring)
            if suffix:
                if suffix.start() == len(substring):
                    break
                suffixes.append(substring[suffix.start():])
                substring = substring[: suffix.start()]
        return substring

    def _split_infixes(self, substring: str) -> list[str]:
        if self.token_match(substring) or self.url_match(substring):
            return [substring]
        if self._special(substring):
            return list(self.special[substring])
        out, offset = [], 0
        for match in self.infix(substring):
            if offset == 0 and match.start() == 0:
                continue
            out += [piece for piece in (substring[offset:match.start()], substring[match.start():match.end()]) if piece]
            offset = match.end()
        return out + ([substring[offset:]] if substring[offset:] else [])

    def __call__(self, text: str) -> list[tuple[str, int]]:
        """(token text, start offset), whitespace runs beyond one space as tokens, as spaCy aligns them."""
        out, pos = [], 0
        for word in self.words(text):
            start = text.index(word, pos)
            if start > pos:
                out.append((text[pos:start], pos))
            out.append((word, start))
            pos = start + len(word)
            if pos < len(text) and text[pos] == " ":
                pos += 1
        if pos < len(text):
            out.append((text[pos:], pos))
        return self._rejoin_specials(text, out)

    def _rejoin_specials(self, text: str, tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """spaCy's second pass: the longest special-case runs (then the earliest) become the special's tokens."""
        words = [word for word, _ in tokens]
        found = [(i, i + n) for i in range(len(words)) for n in self.rejoin_lengths
                 if i + n <= len(words) and tuple(words[i:i + n]) in self.rejoin]
        if not found:
            return tokens
        seen: set[int] = set()
        kept = {}
        for start, end in sorted(found, key=lambda span: (span[0] - span[1], span[0])):
            if start not in seen and end - 1 not in seen:
                kept[start] = end
            seen.update(range(start, end))
        out, i = [], 0
        while i < len(tokens):
            end = kept.get(i)
            span_text = text[tokens[i][1]:tokens[end - 1][1] + len(tokens[end - 1][0])] if end else ""
            if end and span_text in self.special:
                offset = tokens[i][1]
                for piece in self.special[span_text]:
                    out.append((piece, offset))
                    offset += len(piece)
                i = end
            else:
                out.append(tokens[i])
                i += 1
        return out


class FastMatcher:
    """Glossary terms in text, with the cached table and no spaCy."""

    def __init__(self, glossary: Glossary, lang: str) -> None:
        from .matcher import _Morph

        table = load_table(glossary, lang)
        self.entries = list(glossary.entries)
        self.tokenize = Tokenizer(table)
        self.table: dict[tuple[str, ...], list[tuple[int, bool]]] = {}
        for index, generic, keys in table["patterns"]:
            self.table.setdefault(tuple(keys), []).append((index, generic))
        self.longest = max((len(keys) for keys in self.table), default=0)
        self.stop_words = frozenset(table["stop_words"])
        self.morph = _Morph(_analyzer()) if lang == "ru" else None

    def _key(self, word: str) -> str:
        from .matcher import token_key

        if word.isspace():
            return word
        lemma = word
        if self.morph is not None:  # spaCy's pymorphy3 lemmatizer without POS tags: the one normal form, if unique
            forms = {parse.normal_form for parse in self.morph.analyzer.parse(word)}
            lemma = next(iter(forms)) if len(forms) == 1 else word
        return token_key(word, lemma, self.morph)

    def find(self, text: str) -> list[TermMatch]:
        """Matches in ``text``, kept or dropped by the checks of :meth:`~.matcher.TermMatcher.find`, in its order."""
        from ..spans import TERMLESS_ZONE_RE
        from .matcher import _longest_first, _title_lines

        if not text.strip():
            return []
        tokens = self.tokenize(text)
        keys = [self._key(word) for word, _ in tokens]
        protected = [m.span() for m in TERMLESS_ZONE_RE.finditer(text)]
        titles = _title_lines(text, self.stop_words)
        candidates = []
        for i in range(len(tokens)):
            for length in range(1, min(self.longest, len(tokens) - i) + 1):
                for index, generic in self.table.get(tuple(keys[i:i + length]), ()):
                    start = tokens[i][1]
                    end = tokens[i + length - 1][1] + len(tokens[i + length - 1][0])
                    if self._accepted(text, start, end, index, generic, protected, titles):
                        candidates.append((start, end, index))
        return _longest_first(text, candidates, self.entries)

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


@lru_cache(maxsize=1)
def _analyzer():
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer(lang="ru")


_FAST: dict[tuple[str, str], FastMatcher] = {}


def fast_find(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """Like :meth:`Glossary.find`, without spaCy once the table is cached; matchers kept per process."""
    from .matcher import content_key

    if lang not in ("en", "ru"):
        from ..errors import UsageError

        raise UsageError(f"{lang!r}: the glossary matches 'en' or 'ru' text", option="lang")
    key = (lang, content_key(glossary))
    if key not in _FAST:
        _FAST[key] = FastMatcher(glossary, lang)
    return _FAST[key].find(text)
