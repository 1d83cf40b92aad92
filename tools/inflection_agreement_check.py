"""Dev only: would sentence agreement change the labels pymorphy3's first parse gave («веса», «метки»)?

tools/inflection_set.py labels an occurrence with no preposition before it by pymorphy3's first
reading, which for «веса», «метки», «подслова» is the genitive singular even where the sentence has
a nominative/accusative plural. This check re-reads such a label as plural when the term's own
readings allow it and a word that must agree with it says plural: a finite verb or short participle
right after it (no punctuation between, and no noun right before the term, whose complement it would
be), or an adjective/participle/pronoun right before it with no singular reading. No preposition may
govern the term. It prints every changed occurrence for a hand check and the dev figure with the
changed labels; it never reads the held-out split and writes nothing.

    PYTHONPATH=src python tools/inflection_agreement_check.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from glossary_eval import INFLECTIONS, load_labels, score_inflection  # noqa: E402
from inflection_set import _WORD, _readings  # noqa: E402
from notelingo.glossary.agree import _AGREEING, RUSSIAN_CASE, _is_pos, _parses  # noqa: E402


def _plural_only(word: str, pos: set[str]) -> tuple[bool, list]:
    parses = [p for p in _parses(word) if p.tag.POS in pos]
    return bool(parses) and all(p.tag.number == "plur" for p in parses), parses


def _governed(text: str, start: int) -> bool:
    """A preposition before the term (adjectives and pronouns may stand between) settles its case."""
    for word in reversed([m.group() for m in _WORD.finditer(text[:start])][-4:]):
        if word.lower() in RUSSIAN_CASE:
            return True
        if not _is_pos(word, _AGREEING):
            return False
    return False


def _verb_after(record: dict, reads: set, after_noun: bool) -> str | None:
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


def relabel(record: dict) -> tuple[str, str, str] | None:
    """(case, number, why) by sentence agreement for a genitive singular label, or None to keep it."""
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
    if adjacent:
        plural, parses = _plural_only(before[0].group(), {"ADJF", "PRTF"})
        cases = {p.tag.case for p in parses} & {c for c, n in reads if n == "plur"} if plural else set()
        if cases:  # nominative and accusative plural share the form of an inanimate target
            return ("nomn" if "nomn" in cases else sorted(cases)[0]), "plur", f"adjective {before[0].group()}"
    return None


def main() -> int:
    records = [r for r in load_labels(INFLECTIONS) if r["split"] == "dev"]
    changed, relabelled = 0, []
    for record in records:
        new = relabel(record)
        if new:
            changed += 1
            text, start, end = record["text"], record["start"], record["end"]
            print(f"- [{new[2]}] {text[max(0, start - 60):start]}[[{record['surface']}]]{text[end:end + 40]}")
            record = {**record, "case": new[0], "number": new[1]}
        relabelled.append(record)
    surfaces = Counter(r["surface"].lower() for r, s in zip(records, relabelled) if r["number"] != s["number"])
    print(f"dev occurrences {len(records)}; labels changed {changed}: {surfaces.most_common(10)}")
    print(score_inflection(records)["dev"].line("dev, labels as built"))
    print(score_inflection(relabelled)["dev"].line("dev, sentence agreement"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
