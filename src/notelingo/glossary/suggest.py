"""Mining candidate terms from a corpus: what the glossary does not cover yet.

Three kinds of candidates, each counted over all inputs with one example context:

* ``acronym``: BPE, WWM, LoRA, GPT-3 - upper-case inside a word, or letters with digits;
* ``latin-in-ru``: runs of Latin-script words inside Russian lines ("downstream performance");
* ``multiword``: word bigrams/trigrams without stop words that occur at least twice.

A candidate is dropped when glossary matches cover all of its words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .matcher import _PROTECTED, is_acronym
from .model import Glossary

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9][A-Za-zА-Яа-яЁё0-9'’-]*")
_ACRONYM = re.compile(r"(?<![\w-])[A-Za-zА-Яа-яЁё0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])")
_LATIN_RUN = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z-]*[A-Za-z](?:\s+[A-Za-z][A-Za-z-]*[A-Za-z]){0,2}(?![\w-])")
_PHRASE_BREAK = re.compile(r"[.,:;!?()\[\]{}\"«»“”—–/@=<>*]")
_STOP = frozenset(
    """a an the of in on at to for from by with and or but not no is are was were be been being it its this that
    these those we you they he she i me my our your their as if than then so such can could would should will may
    might do does did done have has had out up off et al there here what which who whom how when where why all any some each more
    most other into over under about after before while also only very just like via per using use used one two
    и в во на с со к по о об от до из за для не но а же ли что как это так то бы был была были было быть есть
    мы вы они он она оно я его её их ее нас вас им ему при же или если уже ещё еще даже только очень там тут где
    когда чем чтобы таким такой такие образом который которая которые которых этот эта эти этих того тем все всё всех вот нет да также""".split()
)


@dataclass(frozen=True)
class Candidate:
    """A term seen in the corpus that no glossary entry covers."""

    term: str
    kind: str
    count: int
    example: str


def _cyrillic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in letters) / len(letters) if letters else 0.0


def _unprotected(text: str) -> str:
    """URLs, code and LaTeX blanked out (same length, so offsets still point into the text)."""
    return _PROTECTED.sub(lambda m: " " * len(m.group(0)), text)


def _context(line: str, start: int, end: int, width: int = 40) -> str:
    snippet = line[max(0, start - width): end + width]
    return " ".join(snippet.split())


def _candidates_in_line(line: str) -> list[tuple[str, str, int, int]]:
    found = [(m.group(0), "acronym", m.start(), m.end()) for m in _ACRONYM.finditer(line) if is_acronym(m.group(0)) and sum(ch.isalpha() for ch in m.group(0)) >= 2]
    if _cyrillic_share(line) >= 0.5:
        for match in _LATIN_RUN.finditer(line):
            words = [w for w in match.group(0).split() if w.lower() not in _STOP]
            if words and not all(is_acronym(w) for w in words):
                found.append((" ".join(words), "latin-in-ru", match.start(), match.end()))
    offset = 0
    for segment in _PHRASE_BREAK.split(line):  # a term never spans punctuation
        found += _ngrams(segment, offset)
        offset += len(segment) + 1
    return found


def _ngrams(segment: str, offset: int) -> list[tuple[str, str, int, int]]:
    words = [(m.group(0), offset + m.start(), offset + m.end()) for m in _WORD.finditer(segment)]
    found = []
    for size in (2, 3):
        for i in range(len(words) - size + 1):
            gram = words[i: i + size]
            if not all(w.lower() not in _STOP and len(w) >= 3 and not w[0].isdigit() for w, _, _ in gram):
                continue
            if _cyrillic_share(gram[0][0]) > 0.5 and not _adjective_noun(gram[0][0], gram[1][0]):
                continue
            found.append((" ".join(w for w, _, _ in gram), "multiword", gram[0][1], gram[-1][2]))
    return found


@lru_cache(maxsize=65536)
def _pos(word: str) -> str:
    from .matcher import pipeline

    analyzer = pipeline("ru").get_pipe("lemmatizer")._morph
    return str(analyzer.parse(word.lower())[0].tag.POS)


def _adjective_noun(first: str, second: str) -> bool:
    """Russian terms are mostly adjective + noun ("языковая модель"); other word pairs are phrases."""
    return _pos(first) in ("ADJF", "PRTF") and (_pos(second) == "NOUN" or _cyrillic_share(second) < 0.5)


def _key(term: str) -> str:
    return term if is_acronym(term) else term.lower()


def mine_candidates(texts: list[str], glossary: Glossary, top: int = 30) -> list[Candidate]:
    """The ``top`` most frequent candidate terms of ``texts`` that are not glossary entries yet."""
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], tuple[str, str]] = {}
    for text in texts:
        for line in _unprotected(text).splitlines():
            for term, kind, start, end in _candidates_in_line(line):
                key = (_key(term), kind)
                counts[key] += 1
                examples.setdefault(key, (term, _context(line, start, end)))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    out: list[Candidate] = []
    for (key, kind), count in ranked:
        if kind == "multiword" and count < 2:
            continue
        term, example = examples[(key, kind)]
        if any(c.term.lower() == term.lower() for c in out) or _covered(glossary, term):
            continue
        out.append(Candidate(term, kind, count, example))
        if len(out) >= top:
            break
    return out


def _covered(glossary: Glossary, term: str) -> bool:
    """True when glossary matches cover every word of ``term``."""
    lang = "ru" if _cyrillic_share(term) >= 0.5 else "en"
    covered = set()
    for match in glossary.find(term, lang):
        covered.update(range(match.start, match.end))
    return all(i in covered for m in _WORD.finditer(term) for i in range(m.start(), m.end()))
