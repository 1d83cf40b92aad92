"""spaCy's tokenizer without spaCy: its rules read out once, cached on disk, applied in Python.

Importing spaCy costs about a second, more than the work notelingo asks of it on most
runs: tokens to split sentences (:mod:`notelingo.mt.segment`) and to match
glossary terms (:mod:`notelingo.glossary.fastfind`). The first run reads a tokenizer's
rules (prefix, suffix and infix expressions, token and URL matches, special cases) with
:func:`rules_of` and stores them with :func:`store`; later runs tokenize with
:class:`Tokenizer`, spaCy's own algorithm (as in ``Tokenizer.explain``) over those rules.
Tests hold both to spaCy's answers on real text.

The expressions are long (the infixes of Russian run to 28,000 characters of Unicode
classes) and Python spends ~60 ms compiling one tokenizer's set, most of it turning
the parsed expression into the regex engine's program. :func:`rules_of` therefore
stores that program beside each expression (:func:`program_of`) and :class:`Tokenizer`
hands it straight to the engine (:func:`compile_rule`): ~1 ms. The program belongs to
one Python version (the fingerprint names it, the program carries the engine's magic
number) and the engine checks it before use; anything amiss compiles the expression
as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Callable


def fingerprint(files: list[Path], packages: tuple[str, ...] = ("spacy",), version: int = 1) -> str:
    """What cached rules depend on: the code that makes them (``files``) and the packages' versions."""
    parts = [str(version), f"python={sys.version_info[0]}.{sys.version_info[1]}"]
    for path in files:
        try:
            parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:  # no source files (a frozen or zipped install): the package version stands for them
            from .._version import __version__

            parts.append(f"notelingo={__version__}")
    for package in packages:
        parts.append(f"{package}={installed_version(package)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def installed_version(package: str) -> str:
    """The installed version of ``package`` ("-" when it is not installed), without importing it.

    Read from the name of the ``<package>-<version>.dist-info`` folder beside the package where there
    is one: ``importlib.metadata.version`` parses the whole METADATA file with the email parser, which
    took 30-80 ms of every run's start for spaCy's (issue 26)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(folder).parent.glob(f"{package}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(package) + 1:-len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "-"


_RULES = ("prefix", "suffix", "infix", "token_match", "url_match")


def rules_of(tokenizer) -> dict:
    """A spaCy tokenizer's rules as plain data (what :class:`Tokenizer` needs)."""
    rules = {
        "prefix": _pattern_of(tokenizer.prefix_search), "suffix": _pattern_of(tokenizer.suffix_search),
        "infix": _pattern_of(tokenizer.infix_finditer), "token_match": _pattern_of(tokenizer.token_match),
        "url_match": _pattern_of(tokenizer.url_match),
        "special": {orth: [t.text for t in tokenizer(orth)] for orth in tokenizer.rules},
    }
    rules["programs"] = {name: program_of(*rules[name]) for name in _RULES}
    rules["rejoin"] = [[list(words), orth] for words, orth in Tokenizer(rules).rejoin.items()]
    return rules


def _engine_magic() -> int | None:
    try:
        from re import _constants  # type: ignore[attr-defined]

        return _constants.MAGIC
    except (ImportError, AttributeError):
        return None


def program_of(pattern: str, flags: int) -> list | None:
    """What ``re.compile`` hands the regex engine for ``pattern``, as plain data: [magic, flags,
    code, groups, group index, digest of expression and program]; None where this Python's ``re``
    is not built that way."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        program = [_engine_magic(), int(flags | parsed.state.flags), [int(op) for op in code],
                   parsed.state.groups - 1, dict(parsed.state.groupdict)]
    except Exception:  # noqa: BLE001 - another Python's internals: compile as usual instead
        return None
    return [*program, _digest(pattern, program)]


def _digest(pattern: str, program: list) -> str:
    """Ties a program to its expression: the engine accepts any well-formed program, right or not."""
    return hashlib.sha256(f"{pattern}\x00{program}".encode()).hexdigest()[:32]


def compile_rule(pattern: str, flags: int, program: list | None = None) -> re.Pattern:
    """``re.compile(pattern, flags)``, from the stored ``program`` when it was made by this
    Python's engine (the engine validates it); compiled as usual otherwise."""
    if program and program[0] is not None and program[0] == _engine_magic() \
            and _digest(pattern, program[:-1]) == program[-1]:
        try:
            import _sre

            _, final_flags, code, groups, groupindex, _ = program
            indexgroup = [None] * (groups + 1)
            for name, index in groupindex.items():
                indexgroup[index] = name
            return _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
        except Exception:  # noqa: BLE001 - a program this engine refuses: compile the expression
            pass
    return re.compile(pattern, flags)


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
        programs = table.get("programs") or {}
        rule = {name: compile_rule(*table[name], programs.get(name)) for name in _RULES}
        self.prefix = rule["prefix"].search
        self.suffix = rule["suffix"].search
        self.infix = rule["infix"].finditer
        self.token_match = rule["token_match"].match
        self.url_match = rule["url_match"].match
        self.special = table["special"]
        # Special cases that affixes would split (":)", "'s") are found again after splitting, over tokens.
        self.use_special = False
        if "rejoin" in table:  # worked out when the table was built (:func:`rules_of`): ~80 ms a tokenizer
            self.rejoin = {tuple(words): orth for words, orth in table["rejoin"]}
        else:
            self.rejoin = {tuple(self.words(orth)): orth for orth in self.special if self._splits(orth)}
        self.rejoin_lengths = sorted({len(words) for words in self.rejoin}, reverse=True)
        self.rejoin_first = frozenset(words[0] for words in self.rejoin if words)
        self.use_special = True
        # A whitespace-separated substring always splits the same way (spaCy keeps such a cache too);
        # words repeat, so each is split once.
        self.memo: dict[str, list[str]] = {}

    def _splits(self, orth: str) -> bool:
        prefix, suffix = self.prefix(orth), self.suffix(orth)
        affixed = (prefix and prefix.end()) or (suffix and suffix.start() < len(orth))
        return bool(affixed or list(self.infix(orth)) or " " in orth)

    def _special(self, substring: str) -> bool:
        return self.use_special and substring in self.special

    MEMO_SIZE = 100_000

    def words(self, text: str) -> list[str]:
        tokens: list[str] = []
        memo = self.memo if self.use_special else {}
        for substring in text.split():
            pieces = memo.get(substring)
            if pieces is None:
                pieces = self._substring_words(substring)
                if self.use_special:
                    if len(memo) >= self.MEMO_SIZE:
                        memo.clear()
                    memo[substring] = pieces
            tokens += pieces
        return tokens

    def _substring_words(self, substring: str) -> list[str]:
        tokens: list[str] = []
        suffixes: list[str] = []
        if self._special(substring):
            return list(self.special[substring])
        substring = self._strip_affixes(substring, tokens, suffixes)
        if substring:
            tokens += self._split_infixes(substring)
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
        found = [(i, i + n) for i, word in enumerate(words) if word in self.rejoin_first for n in self.rejoin_lengths
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
