"""Mining candidate terms from a corpus: what the glossary does not cover yet.

Each input text is one post; candidates are ranked by frequency × spread (how
many times they occur × in how many posts), so a word repeated in one post does
not outrank one that every other post uses. Kinds:

* ``acronym``: BPE, WWM, LoRA, GPT-3 (Latin letters with an upper-case letter inside,
  or with digits); a Russian case ending is not part of it ("RAGи" -> RAG);
* ``latin-in-ru``: runs of Latin-script words inside Russian lines ("downstream performance");
* ``multiword``: word bigrams/trigrams without stop words that occur at least twice;
* ``variant``: a Russian word pymorphy3 does not know that spells a glossary term
  ("енкодер" for encoder: add it with ``glossary edit encoder --variant енкодер``);
* ``translit``: an unknown Russian word that transliterates a Latin word of the
  corpus ("боттлнек" for bottleneck, "дебагал" for debug);
* ``slang-ru``: other Russian words pymorphy3 does not know ("апишки"), seen at least twice.

Lines that look like code (``def hello():``, ``x = f(y)``) and stop words are
skipped; a candidate is dropped when glossary matches cover all of its words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..protect.zones import TERMLESS_ZONE_RE
from .matcher import is_acronym, russian_stem
from .model import Glossary

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9][A-Za-zА-Яа-яЁё0-9'’-]*")
_ACRONYM = re.compile(r"(?<![\w-])([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)(?:[а-яё]{1,4})?(?![\w-])")
_LATIN_RUN = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z-]*[A-Za-z](?:\s+[A-Za-z][A-Za-z-]*[A-Za-z]){0,2}(?![\w-])")
_LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z]{3,}(?![\w-])")
_CYRILLIC_WORD = re.compile(r"(?<![\w-])[А-ЯЁа-яё][а-яё]{3,}(?![\w-])")
#: Where a capital letter only starts a sentence: elsewhere a capitalised unknown word is mostly a name.
_SENTENCE_START = re.compile(r"(?:^|[.!?…:—–-])\s*$")
_PHRASE_BREAK = re.compile(r"[.,:;!?()\[\]{}\"«»“”—–/@=<>*]")
_CODE_LINE = re.compile(
    r"^\s*(?:def|class|import|from\s+\S+\s+import|return|print|for\s+\w+\s+in|while|async|await|const|let|var"
    r"|function)\b"
    r"|^\s*(?:>>>|\$\s|[\w.\[\]]+\s*[-+*/]?=\s*\S)|[;{}]\s*$|^\s*\w+\([^)]*\)\s*:?\s*$|->|=>",
)
#: Handles, hashtags and identifiers inside prose (snake_case, dotted paths, calls): blanked like code spans.
_IDENTIFIER = re.compile(r"[@#]\w+|\b\w+(?:_\w+)+\b|\b\w+(?:\.\w+)+(?:\([^)]*\))?|\b\w+\([^)]*\)")
_STOP = frozenset(
    """a an the of in on at to for from by with and or but not no is are was were be been being it its this that
    these those we you they he she i me my our your their as if than then so such can could would should will may
    might do does did done have has had out up off et al there here what which who whom how when where why all any
    some each more
    most other into over under about after before while also only very just like via per using use used one two
    see get got make made take look need want know think new good best first last next now still well way see also
    read more less much many few own same both again ever never always often yes ok let here's it's i'm don't
    и в во на с со к по о об от до из за для не но а же ли что как это так то бы был была были было быть есть
    мы вы они он она оно я его её их ее нас вас им ему при же или если уже ещё еще даже только очень там тут где
    когда чем чтобы таким такой такие образом который которая которые которых этот эта эти этих того тем все всё всех
    вот нет да также сих пор себя себе свой своя свои просто вообще кстати сейчас теперь потом может можно нужно надо
    будет будут тоже типа почему зачем""".split()
)
#: Chat abbreviations that look like acronyms but are no terms ("TL;DR", "UPD", "P.S.").
_NOT_TERMS = frozenset("TL DR TLDR UPD PS IMHO FYI OK LOL BTW AMA PDF URL FAQ ETA DM PM UK US EU".split())
# Russian letters as Latin consonants; vowels (and й, ь, ъ) carry no weight in a transliteration.
_RU_CONSONANTS = {"б": "b", "в": "v", "г": "g", "д": "d", "ж": "j", "з": "z", "к": "k", "л": "l", "м": "m", "н": "n",
                  "п": "p", "р": "r", "с": "s", "т": "t", "ф": "f", "х": "h", "ц": "s", "ч": "ch", "ш": "sh", "щ": "sh"}
_LATIN_SOUNDS = [("ture", "chur"), ("ck", "k"), ("ph", "f"), ("th", "t"), ("gh", "g"), ("sh", "sh"), ("ch", "ch"),
                 ("x", "ks"), ("q", "k"), ("w", "v"), ("j", "j")]
MIN_SKELETON = 3


@dataclass(frozen=True)
class Candidate:
    """A term seen in the corpus that no glossary entry covers; ``posts``: in how many texts."""

    term: str
    kind: str
    count: int
    example: str
    posts: int = 1

    @property
    def score(self) -> int:
        """Frequency × spread."""
        return self.count * self.posts


def _cyrillic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in letters) / len(letters) if letters else 0.0


def _unprotected(text: str) -> str:
    """URLs, code, identifiers and LaTeX blanked out (same length, so offsets still point into the text)."""
    text = TERMLESS_ZONE_RE.sub(lambda m: " " * len(m.group(0)), text)
    return _IDENTIFIER.sub(lambda m: " " * len(m.group(0)), text)


def _context(line: str, start: int, end: int, width: int = 40) -> str:
    snippet = line[max(0, start - width): end + width]
    return " ".join(snippet.split())


def _acronyms(line: str) -> list[tuple[str, str, int, int]]:
    found = []
    for match in _ACRONYM.finditer(line):
        term = match.group(1)
        shaped = is_acronym(term) and (term[0].isupper() or term[0].isdigit()) and sum(ch.isalpha() for ch in term) >= 2
        if shaped and term.upper() not in _NOT_TERMS:
            found.append((term, "acronym", match.start(), match.end()))
    return found


def _candidates_in_line(line: str) -> list[tuple[str, str, int, int]]:
    found = _acronyms(line)
    if _cyrillic_share(line) >= 0.5:
        for match in _LATIN_RUN.finditer(line):
            words = [w for w in match.group(0).split() if w.lower() not in _STOP and w.upper() not in _NOT_TERMS]
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


@lru_cache(maxsize=1)
def _analyzer():
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer(lang="ru")


@lru_cache(maxsize=65536)
def _pos(word: str) -> str:
    return str(_analyzer().parse(word.lower())[0].tag.POS)


@lru_cache(maxsize=65536)
def _unknown(word: str) -> bool:
    """pymorphy3 knows no reading of ``word`` (slang, borrowings, typos)."""
    return not any(parse.is_known for parse in _analyzer().parse(word))


def _adjective_noun(first: str, second: str) -> bool:
    """Russian terms are mostly adjective + noun ("языковая модель"); other word pairs are phrases."""
    return _pos(first) in ("ADJF", "PRTF") and (_pos(second) == "NOUN" or _cyrillic_share(second) < 0.5)


def ru_skeleton(word: str) -> str:
    """A Russian word's consonants in Latin, doubles collapsed: 'боттлнек' -> 'btlnk'."""
    return _collapse("".join(_RU_CONSONANTS.get(ch, "") for ch in word.lower().replace("дж", "ж")))


def latin_skeleton(word: str) -> str:
    """A Latin word's consonants as Russian spelling keeps them: 'bottleneck' -> 'btlnk', 'inference' -> 'nfrns'."""
    text = re.sub(r"[^a-z]", "", word.lower())
    for sound, letter in _LATIN_SOUNDS:
        text = text.replace(sound, letter.upper())  # upper case: already converted, vowels included
    text = re.sub(r"c(?=[eiy])", "S", text).replace("c", "K")
    return _collapse(re.sub(r"[aeiouyAEIOUY]", "", text).lower())


def _collapse(skeleton: str) -> str:
    return re.sub(r"(.)\1+", r"\1", skeleton)


def _root_of(word: str, roots: dict[str, str]) -> str | None:
    """The Latin word ``word`` transliterates: a root whose skeleton starts the word's and covers most of it."""
    skeleton = ru_skeleton(word)
    for size in range(len(skeleton), MIN_SKELETON - 1, -1):
        if size >= 0.6 * len(skeleton) and skeleton[:size] in roots:
            return roots[skeleton[:size]]
    return None


class _Roots:
    """Latin words to compare unknown Russian words with: glossary forms and the corpus's own Latin words."""

    def __init__(self, glossary: Glossary, texts: list[str]) -> None:
        self.glossary: dict[str, str] = {}
        for entry in glossary.entries:
            for form in entry.forms("en"):
                self.glossary.setdefault(latin_skeleton(form), entry.en)
        self.glossary_stems = {russian_stem(form): entry.en for entry in glossary.entries for form in entry.forms("ru")}
        counts = Counter(m.group(0).lower() for text in texts for m in _LATIN_WORD.finditer(text))
        self.corpus: dict[str, str] = {}
        for word, _ in counts.most_common():
            if word not in _STOP:
                self.corpus.setdefault(latin_skeleton(word), word)
        for pair in zip(list(counts), list(counts)[1:]):  # "vibe coder" -> "вайбкодер"
            self.corpus.setdefault(latin_skeleton("".join(pair)), " ".join(pair))

    def classify(self, word: str) -> tuple[str, str] | None:
        """('variant', entry) / ('translit', latin word) / None for an unknown Russian word."""
        entry = _root_of(word, self.glossary) or _near_stem(russian_stem(word), self.glossary_stems)
        if entry:
            return "variant", entry
        root = _root_of(word, self.corpus)
        return ("translit", root) if root else None


def _near_stem(stem: str, stems: dict[str, str]) -> str | None:
    """The entry of a glossary stem one edit away ('енкод' ~ 'энкод')."""
    for other, entry in stems.items():
        if len(stem) >= 4 and abs(len(other) - len(stem)) <= 1 and _one_edit(stem, other):
            return entry
    return None


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _russian_unknowns(line: str, roots: _Roots) -> list[tuple[str, str, int, int, str]]:
    found = []
    for match in _CYRILLIC_WORD.finditer(line):
        word = match.group(0).lower()
        if match.group(0)[0].isupper() and not _SENTENCE_START.search(line[: match.start()]):
            continue
        if word in _STOP or not _unknown(word):
            continue
        kind, root = roots.classify(word) or ("slang-ru", "")
        found.append((word, kind, match.start(), match.end(), root))
    return found


def _key(term: str, kind: str) -> str:
    if kind in ("variant", "translit", "slang-ru"):
        return russian_stem(term)
    return term if is_acronym(term) else term.lower()


def mine_candidates(texts: list[str], glossary: Glossary, top: int = 30) -> list[Candidate]:
    """The ``top`` candidate terms of ``texts`` (one per post) that are not glossary entries yet, best first."""
    roots = _Roots(glossary, texts)
    counts: Counter[tuple[str, str]] = Counter()
    posts: dict[tuple[str, str], set[int]] = {}
    forms: dict[tuple[str, str], Counter] = {}
    examples: dict[tuple[str, str], str] = {}
    for number, text in enumerate(texts):
        for line in _unprotected(text).splitlines():
            if _CODE_LINE.search(line):
                continue
            found = [(*c, "") for c in _candidates_in_line(line)] + _russian_unknowns(line, roots)
            for term, kind, start, end, root in found:
                key = (_key(term, kind), kind)
                counts[key] += 1
                posts.setdefault(key, set()).add(number)
                forms.setdefault(key, Counter())[term] += 1
                examples.setdefault(key, (f"{root} | " if root else "") + _context(line, start, end))
    return _ranked(counts, posts, forms, examples, glossary, top)


def _ranked(counts, posts, forms, examples, glossary: Glossary, top: int) -> list[Candidate]:
    candidates = [Candidate(forms[key].most_common(1)[0][0], key[1], count, examples[key], len(posts[key]))
                  for key, count in counts.items()]
    candidates.sort(key=lambda c: (-c.score, -c.count, c.term.casefold(), c.kind))
    out: list[Candidate] = []
    for candidate in candidates:
        if candidate.kind in ("multiword", "slang-ru") and candidate.count < 2:
            continue
        if any(c.term.lower() == candidate.term.lower() for c in out) or _covered(glossary, candidate.term):
            continue
        out.append(candidate)
        if len(out) >= top:
            break
    return out


def _covered(glossary: Glossary, term: str) -> bool:
    """True when glossary matches cover every word of ``term``."""
    from .fastfind import fast_find

    lang = "ru" if _cyrillic_share(term) >= 0.5 else "en"
    covered: set[int] = set()
    for match in fast_find(glossary, term, lang):
        covered.update(range(match.start, match.end))
    return all(i in covered for m in _WORD.finditer(term) for i in range(m.start(), m.end()))
