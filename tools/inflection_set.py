"""Build the inflection test set: glossary targets as they stand in real Russian sentences.

Every occurrence of a translate/gloss entry's Russian target (any inflected form of its
words: the head noun and the adjectives before it; the words after the head as written)
in the sentences of four public sources becomes one record of
tests/fixtures/glossary/inflection.jsonl:

    {"source", "split", "text", "start", "end", "surface", "entry", "target", "case", "number"}

``case``/``number`` label the head word: among pymorphy3's readings of it as a form of the
target that its adjectives agree with (and, where the source pairs each line with its English
original, of the number the English term has there: ``en``), the one whose case the preposition
before it governs (``agree.RUSSIAN_CASE``), else pymorphy3's first; a sample was checked by hand
(LABELLING.md); then agreement in the sentence re-reads what pymorphy3's first reading got wrong
(:func:`relabel`, :func:`relabel_by_attribute`; ``--relabel`` applies only this step to the fixture). The set
scores the inflector (tools/glossary_eval.py): given the target, the number and the words
before the occurrence, it must write the surface.

Sources (the held-out one was chosen before any rule was tuned):
  dev      hf-course-ru  the Russian chapters of the Hugging Face course (huggingface/course,
                         chapters/ru, Apache-2.0), fetched into /work/.mirror
  dev      channel-004   the Russian ML channel dump /work/shared/corpus/text/004 (the user's sample)
  dev      cs221         the Russian CS 221 cheat sheets of the held-out source's repository (same style,
                         paired with their English the same way)
  heldout  cheatsheets   the Russian translations of the Stanford CS 229/230 cheat sheets
                         (shervinea/cheatsheet-translation, ru/, MIT)

    python tools/inflection_set.py  # rewrites the fixture (needs the two mirrors and the corpus)
    python tools/inflection_set.py --relabel  # only the agreement step, on the fixture as it is
    python tools/inflection_set.py --add cs221  # one source's rows rebuilt, every other row kept byte for byte

Labels read by hand and found wrong are listed in tests/fixtures/glossary/inflection_hand.tsv and applied
after the agreement step (:func:`hand_labelled`).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "fixtures" / "glossary" / "inflection.jsonl"
HAND = OUT.parent / "inflection_hand.tsv"
#: Blind hand labels of every held-out occurrence: they replace whatever label the rules gave (LABELLING.md).
BLIND = OUT.parent / "inflection_blind.tsv"
COURSE = Path("/work/.mirror/huggingface+course/repo")
CHEATS = Path("/work/.mirror/shervinea+cheatsheet-translation/repo")
CHANNEL = Path("/work/shared/corpus/text/004_579db69af2cfe4c6.txt")
CHEAT_FILES = ("cs-229-deep-learning cs-229-supervised-learning cs-229-unsupervised-learning "
               "cs-229-machine-learning-tips-and-tricks cs-230-convolutional-neural-networks "
               "cs-230-deep-learning-tips-and-tricks cs-230-recurrent-neural-networks").split()
#: A dev source in the held-out one's style: the CS 221 cheat sheets of the same repository.
CS221_FILES = "cs-221-reflex-models cs-221-states-models cs-221-variables-models cs-221-logic-models".split()
HELD_OUT = "cheatsheets"
_WORD = re.compile(r"[^\W\d_][\w-]*|\d+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True).stdout


def _prose(text: str) -> str:
    """MDX/Markdown without code blocks, tags, link targets and emphasis marks."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"<[^>\n]*>", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"`[^`\n]*`", " CODE ", text)
    return re.sub(r"[*_#>\[\]|]", " ", text)


def sentences(text: str) -> list[str]:
    """Lines cut at sentence ends; only those holding Cyrillic words."""
    out = []
    for line in _prose(text).splitlines():
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ«\"])", line.strip()):
            sentence = re.sub(r"\s+", " ", sentence).strip()
            if len(_CYRILLIC.findall(sentence)) > 10:
                out.append(sentence)
    return out


def source_texts() -> list[tuple[str, str, str | None]]:
    """(source, Russian text, its English original when the source pairs them) for every document, in order."""
    docs: list[tuple[str, str, str | None]] = []
    for path in sorted(_git(COURSE, "ls-tree", "-r", "--name-only", "HEAD", "chapters/ru").split()):
        if path.endswith(".mdx") and "ipynb" not in path and "/glossary/" not in path:
            docs.append(("hf-course-ru", _git(COURSE, "show", f"HEAD:{path}"), None))
    docs.append(("channel-004", CHANNEL.read_text(encoding="utf-8"), None))
    return docs + cheat_sheet_texts("cs221", CS221_FILES) + cheat_sheet_texts(HELD_OUT, CHEAT_FILES)


def cheat_sheet_texts(source: str, names: list[str]) -> list[tuple[str, str, str | None]]:
    """(source, Russian line, the English line before it) of the cheat sheets ``ru/<name>.md``, each at its
    last commit on any branch."""
    docs: list[tuple[str, str, str | None]] = []
    for name in names:
        path = f"ru/{name}.md"
        commit = _git(CHEATS, "log", "--all", "-1", "--format=%H", "--", path).strip()
        english = None
        for line in _git(CHEATS, "show", f"{commit}:{path}").splitlines():
            if line.startswith("**"):
                english = re.sub(r"^\*\*\d+\.\s*|\*\*$", "", line.strip())
            elif line.startswith("&#10230;"):
                docs.append((source, line.split(";", 1)[1], english))
    return docs


def english_term(entry, english: str | None) -> re.Match | None:
    """The entry's one occurrence in the English original (a form, maybe with a plural 's'), or None."""
    if not english:
        return None
    found = {}
    for form in entry.forms("en"):
        for m in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?:e?s)?(?![\w-])", english, re.IGNORECASE):
            found[m.start()] = m
    return next(iter(found.values())) if len(found) == 1 else None


def english_number(entry, term: re.Match | None) -> str | None:
    """'plur'/'sing' of the entry as the English original writes it, or None."""
    from notelingo.glossary.inflect import is_plural_english, is_uncountable

    if term is None or is_uncountable(entry):
        return None
    return "plur" if is_plural_english(term.group(), entry) else "sing"


def _lemmas(word: str) -> set[str]:
    from notelingo.glossary.agree import _parses

    return {p.normal_form for p in _parses(word.rsplit("-", 1)[-1])}


def _targets(glossary) -> list[tuple[list[str], int, object]]:
    """(target words, head index, entry) for each translate/gloss entry with a Russian target."""
    from notelingo.glossary.forms import _head

    out = []
    for entry in glossary.entries:
        target = entry.target("ru")
        if entry.policy == "keep" or not target or not _CYRILLIC.search(target):
            continue
        words = target.split(" ")
        out.append((words, _head(words), entry))
    return out


def _matches(words: list[str], head: int, tokens: list[re.Match], at: int) -> bool:
    if at + len(words) > len(tokens):
        return False
    for i, word in enumerate(words):
        found = tokens[at + i].group()
        if i > head:
            if found.lower() != word.lower():
                return False
        elif ("-" in word or "-" in found) and found.rsplit("-", 1)[0].lower() != word.rsplit("-", 1)[0].lower():
            return False  # «BPE-токенизацией» is a compound, not a form of «токенизация»
        elif not (_lemmas(found) & _lemmas(word)):
            return False
    return True


def _readings(word: str, target: str) -> list[tuple[str, str]]:
    """(case, number) of ``word`` read as a form of ``target``'s lemma, in pymorphy3's order (most likely first)."""
    from notelingo.glossary.forms import _base_parse, _is_plural_target, _parses

    lemmas = _lemmas(target)
    base = _base_parse(target.rsplit("-", 1)[-1], _is_plural_target(target))
    gender = base.tag.gender if base is not None and base.tag.POS == "NOUN" else None
    found = [(p.tag.case, p.tag.number) for p in _parses(word.rsplit("-", 1)[-1])
             if p.normal_form in lemmas and p.tag.case and p.tag.number
             and (gender is None or p.tag.POS != "NOUN" or p.tag.gender in (gender, None))]
    return list(dict.fromkeys(found))  # a noun's readings keep the target's gender: «трансформера» is no feminine


def label(found: list[str], words: list[str], head: int, text: str, start: int,
          number: str | None = None) -> tuple[str, str] | None:
    """(case, number) of an occurrence: among the readings its words agree on (an adjective settles
    «машинного обучения»), the first whose case the preposition right before it governs (adjectives
    and numerals may stand between), else pymorphy3's first."""
    from notelingo.glossary.agree import _AGREEING, RUSSIAN_CASE
    from notelingo.glossary.clause import _is_pos, _words_before

    readings = _readings(found[head], words[head])
    for i in range(head):
        agreeing = set(_readings(found[i], words[i]))
        if any(r in agreeing for r in readings):
            readings = [r for r in readings if r in agreeing]
    if not readings:
        return None
    if number and any(r[1] == number for r in readings):
        readings = [r for r in readings if r[1] == number]  # the English original settles «метки»
    preposition = None
    for word in reversed(_words_before(text, start)):
        if word.lower() in RUSSIAN_CASE:
            preposition = word.lower()
        if word.lower() in RUSSIAN_CASE or not (word.isdigit() or _is_pos(word, _AGREEING)):
            break
    for case in [RUSSIAN_CASE[preposition], "accs"] if preposition else []:
        for reading in readings:
            if reading[0] == case:
                return reading
    return readings[0]


def occurrences(glossary, docs) -> list[dict]:
    targets = _targets(glossary)
    rows = []
    for source, text, english in docs:
        for sentence in sentences(text):
            tokens = list(_WORD.finditer(sentence))
            taken: set[int] = set()
            for words, head, entry in sorted(targets, key=lambda t: -len(t[0])):
                for at in range(len(tokens)):
                    if at in taken or not _matches(words, head, tokens, at):
                        continue
                    start, end = tokens[at].start(), tokens[at + len(words) - 1].end()
                    term = english_term(entry, english)
                    found = label([t.group() for t in tokens[at:at + len(words)]], words, head, sentence, start,
                                  english_number(entry, term))
                    if found is None:
                        continue
                    taken.update(range(at, at + len(words)))
                    rows.append({"source": source, "split": "heldout" if source == HELD_OUT else "dev",
                                 "text": sentence, "start": start, "end": end, "surface": sentence[start:end],
                                 "entry": entry.en, "target": " ".join(words), "case": found[0],
                                 "number": found[1], **({"en": english} if english else {}),
                                 **({"en_start": term.start()} if term else {})})
                    rows[-1] = hand_labelled(relabelled(rows[-1]))
    return sorted(rows, key=lambda r: (r["split"], r["source"]))


_FEW = frozenset("два две три четыре оба обе полтора полторы".split())


def _plural_only(word: str, pos: set[str]) -> tuple[bool, list]:
    from notelingo.glossary.agree import _parses

    parses = [p for p in _parses(word) if p.tag.POS in pos]
    return bool(parses) and all(p.tag.number == "plur" for p in parses), parses


def _governed(text: str, start: int) -> bool:
    """A preposition or a numeral of two to four before the term (adjectives and pronouns may stand
    between) settles its form: «на эти веса», «две эквивалентные токенизации» (a genitive singular)."""
    from notelingo.glossary.agree import _AGREEING, RUSSIAN_CASE
    from notelingo.glossary.clause import _is_pos

    for word in reversed([m.group() for m in _WORD.finditer(text[:start])][-4:]):
        if word.lower() in RUSSIAN_CASE or word.lower() in _FEW or word.isdigit():
            return True
        if not _is_pos(word, _AGREEING):
            return False
    return False


def _verb_after(record: dict, reads: set, after_noun: bool) -> str | None:
    """A plural finite verb or short participle right after the term (no punctuation between)."""
    from notelingo.glossary.agree import _parses

    text, end = record["text"], record["end"]
    if after_noun or ("nomn", "plur") not in reads:
        return None
    for match in list(_WORD.finditer(text, end))[:2]:
        if text[end:match.start()].strip():
            return None  # punctuation between: another clause
        plural, parses = _plural_only(match.group(), {"VERB", "PRTS"})
        if plural and all(p.tag.person in (None, "3per") for p in parses):
            return match.group()
        if parses or any(p.tag.POS in {"NOUN", "ADJF", "PREP", "CONJ"} for p in _parses(match.group())):
            return None
        end = match.end()
    return None


def _transitive(text: str, word: re.Match) -> bool:
    """Is ``word`` an active transitive verb, infinitive or gerund, not negated nor of the genitive
    (:data:`GENITIVE_VERBS`)? Its object right after it is no genitive singular («получить метки», «загрузит
    веса»; not «не имеют меток», «избегать ...»)."""
    from notelingo.glossary.forms import _parses
    from notelingo.glossary.government import GENITIVE_VERBS

    parses = _parses(word.group())
    if not parses or parses[0].tag.POS not in ("VERB", "INFN", "GRND") or "tran" not in parses[0].tag:
        return False
    before = list(_WORD.finditer(text[:word.start()]))[-1:]
    negated = bool(before) and before[0].group().lower() == "не"
    return "pssv" not in parses[0].tag and parses[0].normal_form not in GENITIVE_VERBS and not negated


#: Words that may stand before a term that opens its clause («а веса - ...», «Вот метки», «Это метки ...»).
_OPENERS = frozenset("а вот это".split())


def _opens_clause(text: str, start: int) -> bool:
    """Does the term open its clause, at most «а», «вот», «это» before it? Nothing governs it there. Not after
    a comma without «а» (a list member: «по переводу, суммаризации») nor an opening parenthesis («избегать
    (переобучения)»)."""
    from notelingo.glossary.clause import _word_matches

    words = _word_matches(text, start)
    if not all(m.group().lower() in _OPENERS for m in words):
        return False
    mark = text[:words[0].start() if words else start].rstrip()[-1:]
    return mark != "(" and (mark != "," or bool(words) and words[0].group().lower() == "а")


def _plural_member(text: str, start: int, reads: set) -> tuple[str, str] | None:
    """(case, 'plur') where the term follows «и/или» after a noun whose every reading is a nominative or
    accusative plural (its case: «принимает прогнозы и метки»), else None."""
    from notelingo.glossary.forms import _parses

    words = list(_WORD.finditer(text[:start]))[-2:]
    if len(words) < 2 or words[1].group().lower() not in ("и", "или") or text[words[0].end():words[1].start()].strip():
        return None
    parses = _parses(words[0].group())
    cases = {p.tag.case for p in parses}
    if not parses or any(p.tag.POS != "NOUN" or p.tag.number != "plur" for p in parses):
        return None
    if not cases <= {"nomn", "accs"}:
        return None
    case = "accs" if cases == {"accs"} else "nomn"
    return (case, "plur") if (case, "plur") in reads else None


def relabel(record: dict) -> tuple[str, str, str] | None:
    """(case, number, why) by agreement in the sentence for a genitive singular label, or None to keep it.

    pymorphy3's first reading of «веса», «метки», «подслова» is the genitive singular; where no
    preposition or numeral governs the term and a word that must agree with it says plural (a finite
    verb or short participle right after it, with no noun right before the term whose complement it
    would be, or an adjective, participle or pronoun right before it with no singular reading), the
    label is the nominative (or accusative) plural: «некоторые веса не использовались», «наши метки»; right
    after an active transitive verb (:func:`_transitive`) it is the accusative plural («получить метки»), after a
    plural noun and «и» it is in that noun's case (:func:`_plural_member`), and where it opens its clause the
    nominative plural (:func:`_opens_clause`: «а веса - это ...»)."""
    from notelingo.glossary.agree import _parses

    if (record["case"], record["number"]) != ("gent", "sing") or " " in record["target"]:
        return None  # multi-word targets: their adjectives settle the number already
    reads = set(_readings(record["surface"], record["target"]))
    if not {("nomn", "plur"), ("accs", "plur")} & reads or _governed(record["text"], record["start"]):
        return None
    before = list(_WORD.finditer(record["text"][:record["start"]]))[-1:]
    adjacent = bool(before) and not record["text"][before[0].end():record["start"]].strip()
    after_noun = adjacent and any(p.tag.POS == "NOUN" for p in _parses(before[0].group()))
    verb = _verb_after(record, reads, after_noun)
    if verb:
        return "nomn", "plur", f"verb {verb}"
    if adjacent and ("accs", "plur") in reads and _transitive(record["text"], before[0]):
        return "accs", "plur", f"object of {before[0].group()}"
    if member := _plural_member(record["text"], record["start"], reads):
        return *member, "coordinated with a plural"
    if ("nomn", "plur") in reads and _opens_clause(record["text"], record["start"]):
        return "nomn", "plur", "opens its clause"
    if adjacent:
        plural, parses = _plural_only(before[0].group(), {"ADJF", "PRTF"})
        cases = {p.tag.case for p in parses} & {c for c, n in reads if n == "plur"} if plural else set()
        if cases:  # nominative and accusative plural share the form of an inanimate target
            return ("nomn" if "nomn" in cases else sorted(cases)[0]), "plur", f"adjective {before[0].group()}"
    return None


def relabel_by_attribute(record: dict) -> tuple[str, str, str] | None:
    """(case, number, why) for a label its attribute contradicts, or None to keep it.

    An adjective or participle right before a one-word term agrees with it in case and number (and, in the
    singular, gender): where the label is none of the term's readings the attribute allows and some are,
    the label is the first of those (pymorphy3's order; the case of a preposition before them first):
    «этой метрики» is singular, «все метки» plural. Not after a numeral of two to four («две
    эквивалентные токенизации»: the adjective is plural, the noun a genitive singular), nor with
    indeclinable possessives («его», «их»)."""
    from notelingo.glossary.agree import RUSSIAN_CASE
    from notelingo.glossary.forms import _base_parse, _parses

    text, start = record["text"], record["start"]
    before = list(_WORD.finditer(text[:start]))[-1:]
    if " " in record["target"] or not before or text[before[0].end():start].strip():
        return None
    if _governed(text, start) and not _preposition_before(text, start):
        return None  # a numeral governs the term
    parses = _parses(before[0].group())
    if not parses or parses[0].tag.POS == "NOUN":
        return None
    base = _base_parse(record["target"], False)
    gender = base.tag.gender if base is not None else None
    allowed = {(p.tag.case, p.tag.number) for p in parses if p.tag.POS in ("ADJF", "PRTF") and "Fixd" not in p.tag
               and p.tag.case and (p.tag.number == "plur" or p.tag.gender in (None, gender))}
    readings = [r for r in _readings(record["surface"], record["target"]) if r in allowed]
    if not readings or (record["case"], record["number"]) in readings:
        return None
    preposition = _preposition_before(text, start)
    preferred = [r for case in ((RUSSIAN_CASE[preposition], "accs") if preposition else ())
                 for r in readings if r[0] == case]
    return *(preferred or readings)[0], f"attribute {before[0].group()}"


def relabel_complement(record: dict) -> tuple[str, str, str] | None:
    """('gent', 'sing', why) for a nominative or accusative plural label right after a noun (no punctuation
    between; not an adverbial noun: «в этом случае») whose surface is also the genitive singular, with no
    plural verb after it that would make it a subject: the noun's complement («значение функции потерь»,
    «для вычисления метрики»); else None. Targets with an adjective before their head are left alone."""
    from notelingo.glossary.forms import _head, _parses
    from notelingo.glossary.government import ADVERBIAL_NOUNS

    words = record["target"].split(" ")
    if (record["case"], record["number"]) not in (("nomn", "plur"), ("accs", "plur")) or _head(words) != 0:
        return None
    reads = set(_readings(record["surface"].split(" ")[0], words[0]))
    text, start = record["text"], record["start"]
    before = list(_WORD.finditer(text[:start]))[-1:]
    if ("gent", "sing") not in reads or not before or text[before[0].end():start].strip():
        return None
    parses = _parses(before[0].group())
    if not parses or parses[0].tag.POS != "NOUN" or not _CYRILLIC.search(before[0].group()):
        return None
    if parses[0].normal_form in ADVERBIAL_NOUNS or _verb_after(record, reads | {("nomn", "plur")}, False):
        return None
    return "gent", "sing", f"complement of {before[0].group()}"


def _preposition_before(text: str, start: int) -> str | None:
    """The preposition before the term, adjectives and numerals between (as :func:`label` reads it)."""
    from notelingo.glossary.agree import _AGREEING, RUSSIAN_CASE
    from notelingo.glossary.clause import _is_pos, _words_before

    for word in reversed(_words_before(text, start)):
        if word.lower() in RUSSIAN_CASE:
            return word.lower()
        if not (word.isdigit() or _is_pos(word, _AGREEING)):
            return None
    return None


def relabelled(record: dict) -> dict:
    """``record`` with its label read again by :func:`relabel`, else :func:`relabel_by_attribute`, else
    :func:`relabel_complement` (``relabelled`` says why, ``was`` gives the label before), or as it is."""
    new = relabel(record) or relabel_by_attribute(record) or relabel_complement(record)
    if not new:
        return record
    return {**record, "case": new[0], "number": new[1], "relabelled": new[2], "was": [record["case"], record["number"]]}


def _tsv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]
    return lines[1:]


@lru_cache(maxsize=1)
def _hand_labels() -> dict[tuple[str, int, str, str], tuple[str, str, str]]:
    """(source, start, surface, sentence) -> (case, number, why) from the hand relabels (inflection_hand.tsv)
    and, over them, the blind held-out labels (inflection_blind.tsv)."""
    labels = {(source, int(start), surface, text): (case, number, why)
              for source, start, surface, case, number, why, text in _tsv_rows(HAND)}
    for source, start, surface, case, number, sure, text in _tsv_rows(BLIND):
        why = "blind hand label" + ("" if sure == "1" else " (the reader was unsure)")
        labels[(source, int(start), surface, text)] = (case, number, why)
    return labels


def hand_labelled(record: dict) -> dict:
    """``record`` with the label a reader gave it by hand (``relabelled`` says why, ``was`` the label before),
    where the hand relabels list it (dev: labels read while checking a source; held out: the blind labels), else as
    it is."""
    new = _hand_labels().get((record["source"], record["start"], record["surface"], record["text"]))
    if not new or (record["case"], record["number"]) == new[:2]:
        return record
    return {**record, "case": new[0], "number": new[1], "relabelled": new[2],
            "was": record.get("was", [record["case"], record["number"]])}


def _write(rows: list[dict]) -> None:
    with open(OUT, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _add_source(source: str) -> int:
    """Rebuild the rows of one source with today's glossary; the others stay as they are (a full rebuild
    would change the held-out split's membership along with the glossary)."""
    from notelingo.glossary import load_glossary

    with open(OUT, encoding="utf-8") as handle:
        kept = [json.loads(line) for line in handle if line.strip()]
    kept = [row for row in kept if row["source"] != source]
    new = occurrences(load_glossary(), [doc for doc in source_texts() if doc[0] == source])
    if not new:
        raise SystemExit(f"no occurrences in source {source!r}")
    rows = sorted(kept + new, key=lambda r: (r["split"], r["source"]))  # stable: the kept rows keep their order
    _write(rows)
    print(f"{source}: {len(new)} occurrences ({new[0]['split']}) -> {OUT.relative_to(REPO)}, {len(rows)} in all")
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relabel", action="store_true",
                        help="only apply the agreement relabelling (relabel) and the hand relabels to the fixture as "
                             "it is, in place")
    parser.add_argument("--add", metavar="SOURCE",
                        help="rebuild only SOURCE's rows (e.g. cs221) and put them in the fixture in place of its "
                             "old ones, every other row kept byte for byte")
    args = parser.parse_args(argv)
    if args.add:
        return _add_source(args.add)
    if args.relabel:
        with open(OUT, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        new = [hand_labelled(relabelled(row) if "relabelled" not in row else row) for row in rows]
        _write(new)
        changed: dict[str, int] = {}
        for old, row in zip(rows, new):
            if old is not row:
                changed[row["split"]] = changed.get(row["split"], 0) + 1
        print(f"labels changed by agreement or by hand: {changed}")
        return 0
    from notelingo.glossary import load_glossary

    rows = occurrences(load_glossary(), source_texts())
    _write(rows)
    by_split: dict[str, int] = {}
    for row in rows:
        by_split[f"{row['split']}/{row['source']}"] = by_split.get(f"{row['split']}/{row['source']}", 0) + 1
    print(f"{len(rows)} occurrences -> {OUT.relative_to(REPO)}: {by_split}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
