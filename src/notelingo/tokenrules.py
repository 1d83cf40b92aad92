"""spaCy's tokenizer without spaCy: its rules read out once, cached on disk, applied in Python.

Importing spaCy costs about a second, more than the work notelingo asks of it on most
runs: tokens to split sentences (:mod:`notelingo.translate.segment`) and to match
glossary terms (:mod:`notelingo.glossary.fastfind`). The first run reads a tokenizer's
rules (prefix, suffix and infix expressions, token and URL matches, special cases) with
:func:`rules_of` and stores them with :func:`store`; later runs tokenize with
:class:`Tokenizer`, spaCy's own algorithm (as in ``Tokenizer.explain``) over those rules.
Tests hold both to spaCy's answers on real text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Callable


def fingerprint(files: list[Path], packages: tuple[str, ...] = ("spacy",), version: int = 1) -> str:
    """What cached rules depend on: the code that makes them (``files``) and the packages' versions."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    parts = [str(version)]
    for path in files:
        try:
            parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:  # no source files (a frozen or zipped install): the package version stands for them
            from ._version import __version__

            parts.append(f"notelingo={__version__}")
    for package in packages:
        try:
            parts.append(f"{package}={package_version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def rules_of(tokenizer) -> dict:
    """A spaCy tokenizer's rules as plain data (what :class:`Tokenizer` needs)."""
    return {
        "prefix": _pattern_of(tokenizer.prefix_search), "suffix": _pattern_of(tokenizer.suffix_search),
        "infix": _pattern_of(tokenizer.infix_finditer), "token_match": _pattern_of(tokenizer.token_match),
        "url_match": _pattern_of(tokenizer.url_match),
        "special": {orth: [t.text for t in tokenizer(orth)] for orth in tokenizer.rules},
    }


def cached(path: Path, build: Callable[[], dict]) -> dict:
    """The table stored at ``path``; built by ``build`` and stored there when missing or unreadable."""
    table = load(path)
    if table is None:
        table = build()
        store(path, table)
    return table


def load(path: Path) -> dict | None:
    """A stored table, or None when it is missing or unreadable (then it is built again)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _pattern_of(regex) -> list:
    return [regex.__self__.pattern, regex.__self__.flags] if regex is not None else ["a^", 0]


def store(path: Path, table: dict) -> None:
    """Write ``table`` atomically; a read-only or full cache folder only costs speed."""
    import tempfile

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(table, out, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


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
