"""Precision and recall of the glossary matcher (`notelingo glossary find`) on a labelled set.

The labelled set (tests/fixtures/glossary/labelled.jsonl) holds one sentence a line:
``{"source": ..., "lang": "ru"|"en", "text": ..., "terms": [[surface, entry], ...]}``, where
``terms`` are the glossary terms a careful translator would mark (rules in
tests/fixtures/glossary/LABELLING.md). A found term is correct when its surface and
entry match a labelled one not matched yet (a multiset comparison per sentence).

    python tools/glossary_eval.py                 # the shipped glossary
    python tools/glossary_eval.py --errors        # also every false and missed term
    python tools/glossary_eval.py --glossary my.yaml --labels other.jsonl
    python tools/glossary_eval.py --dev [SOURCE] [--errors]   # the inflection set's dev split per source only
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LABELS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "glossary" / "labelled.jsonl"


@dataclass
class Score:
    """Counts over a labelled set, and the errors behind them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    false: list[tuple[str, str, str]] = field(default_factory=list)  # (text, surface, entry) found, not labelled
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # labelled, not found

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_labels(path: Path | str = LABELS) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score(find, records: list[dict]) -> Score:
    """``find(text, lang) -> [(surface, entry)]`` scored against ``records``."""
    result = Score()
    for record in records:
        gold = Counter((surface, entry.casefold()) for surface, entry in record["terms"])
        found = Counter((surface, entry.casefold()) for surface, entry in find(record["text"], record["lang"]))
        hits = gold & found
        result.tp += sum(hits.values())
        for (surface, entry), n in (found - hits).items():
            result.fp += n
            result.false += [(record["text"], surface, entry)] * n
        for (surface, entry), n in (gold - hits).items():
            result.fn += n
            result.missed += [(record["text"], surface, entry)] * n
    return result


def glossary_finder(glossary):
    """The matcher as ``score`` calls it."""
    return lambda text, lang: [(m.surface, m.entry.en) for m in glossary.find(text, lang)]


INFLECTIONS = LABELS.parent / "inflection.jsonl"
HELD_OUT_TERMS = LABELS.parent / "heldout_terms.tsv"
DEV_TERMS = LABELS.parent / "dev_terms.tsv"
DEV_DL_TERMS = LABELS.parent / "dev_terms_dl.tsv"  # the deep-learning dev list (LABELLING.md, "dev_terms_dl.tsv")
DEV_RU2_TERMS = LABELS.parent / "dev_terms_ru2.tsv"  # two more DL glossaries (LABELLING.md, "dev_terms_ru2.tsv")


def load_terms(path: Path | str = HELD_OUT_TERMS) -> list[dict]:
    """A public term list (the held-out one by default, or DEV_TERMS): ``{"en", "ru", "file"}`` rows
    (comment lines start with '#')."""
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def prose_case(term: str) -> str:
    """A list item as prose writes it: 'Recurrent Neural Networks' -> 'recurrent neural networks'
    (a run of capitalised words reads as a title, never a term); 'ReLU', 'GloVe', 'R-CNN' stay, and so do
    capitals with digits ('F1 score', 'L2 regularization'), which prose never lowers either."""
    return " ".join(word if _kept_case(word) else word.lower() for word in term.split(" "))


def _kept_case(word: str) -> bool:
    """Acronyms and names keep their case: a capital after the first letter, or a capital with a digit."""
    return any(c.isupper() for c in word[1:]) or (word[:1].isupper() and any(c.isdigit() for c in word))


_ABBREVIATED = re.compile(r"(?P<name>[^()]+?) \((?P<short>[^()\s]+)\)")


def covered(glossary, term: str, lang: str) -> bool:
    """Does ``glossary find`` read the whole of ``term`` (in prose case) as one entry? A name with its
    abbreviation in brackets ("hidden Markov model (HMM)") counts when the name and the abbreviation are each
    read whole as the same entry (the matcher finds them apart, as a translation keeps the bracket), or as the
    name's entry and a kept abbreviation whose note names it ("recurrent neural network (RNN)": RNN is kept in
    English, its note says "recurrent neural network")."""
    text = prose_case(term)
    found = glossary.find(text, lang)
    if any(m.surface.casefold() == text.casefold() for m in found):
        return True
    parts = _ABBREVIATED.fullmatch(text)
    if parts is None:
        return False
    name, short = ({m.entry for m in found if m.surface.casefold() == part.casefold()} for part in parts.groups())
    return any(a.en == b.en or _expansion(b) == a.en.casefold() for a in name for b in short)


def _expansion(entry) -> str:
    """What a kept abbreviation stands for, as its note names it: RNN -> 'recurrent neural network' (the note's
    text before any ';' or bracket); '' for an entry that is no kept abbreviation."""
    if entry.policy != "keep" or not entry.note:
        return ""
    return entry.note.split(";")[0].split(" (")[0].strip().casefold()


def term_recall(glossary, rows: list[dict], lang: str) -> tuple[int, list[str]]:
    """(terms covered, terms missed) of the list in ``lang``."""
    missed = [row[lang] for row in rows if not covered(glossary, row[lang], lang)]
    return len(rows) - len(missed), missed


def term_list_line(glossary, rows: list[dict], name: str, errors: bool = False) -> str:
    """'<name> term list: recall en 0.865 (90/104), ru 0.654 (68/104)', and with ``errors`` a line of misses
    per language (only ever asked for the dev list: the held-out misses stay unread)."""
    recall = {lang: term_recall(glossary, rows, lang) for lang in ("en", "ru")}
    out = [f"{name} term list: recall " + ", ".join(
        f"{lang} {found / len(rows):.3f} ({found}/{len(rows)})" for lang, (found, _) in recall.items())]
    if errors:
        out += [f"  missed ({lang}): " + "; ".join(missed) for lang, (_, missed) in recall.items()]
    return "\n".join(out)


@dataclass
class Inflection:
    """How often the inflector wrote the form a real Russian sentence has (tools/inflection_set.py)."""

    total: int = 0
    labelled: int = 0  # right given the labelled case and number (the morphology alone)
    governed: int = 0  # right given the number and the words before it, and the English preposition where known
    case_only: int = 0  # the form of the chosen case in either number (how often the case alone is right)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (text, surface, written)
    fallback: int = 0  # occurrences where no rule found a governor (the nominative fallback)
    fallback_wrong: int = 0  # of those, written wrong

    def share(self, count: int) -> float:
        return count / self.total if self.total else 1.0

    def line(self, name: str) -> str:
        return (f"{name}: {self.total} occurrences: form from the context {self.share(self.governed):.3f} "
                f"({self.governed}/{self.total}; the case alone {self.share(self.case_only):.3f}), "
                f"from the labelled case {self.share(self.labelled):.3f}")


def _same(a: str, b: str) -> bool:
    return a.casefold().replace("ё", "е") == b.casefold().replace("ё", "е")


def score_inflection(records: list[dict], by_source: bool = False) -> dict[str, Inflection]:
    """Per split (or per ``split/source``): does the inflector reproduce each occurrence's form?"""
    from notelingo.glossary.agree import NOMINATIVE, choose_form, inflect_phrase

    out: dict[str, Inflection] = {}
    for record in records:
        key = f"{record['split']}/{record['source']}" if by_source else record["split"]
        result = out.setdefault(key, Inflection())
        plural = record["number"] == "plur"
        result.total += 1
        result.labelled += _same(inflect_phrase(record["target"], record["case"], plural), record["surface"])
        source, start = (record["en"], record["en_start"]) if "en_start" in record else ("", 0)
        # the renderer's own choice, knowing the target and the number, as the renderer knows them from the
        # glossary and the English surface (an adjective before the term must agree with both)
        form = choose_form(source, start, record["text"], record["start"], plural, record["target"], record["end"])
        case, number = form.case, form.plural
        written = inflect_phrase(record["target"], case, plural if number is None else number)
        numbers = (False, True) if number in (None, plural) else (number,)  # a numeral may force the number
        result.case_only += any(_same(inflect_phrase(record["target"], case, n), record["surface"]) for n in numbers)
        right = _same(written, record["surface"])
        result.governed += right
        if not right:
            result.wrong.append((record["text"], record["surface"], written))
        if form.choice == NOMINATIVE:
            result.fallback += 1
            result.fallback_wrong += not right
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--glossary", help="glossary file (default: the shipped one)")
    parser.add_argument("--labels", default=str(LABELS), help="labelled JSONL file")
    parser.add_argument("--inflections", default=str(INFLECTIONS), help="inflection set (JSONL)")
    parser.add_argument("--terms", default=str(HELD_OUT_TERMS), help="held-out term list (TSV)")
    parser.add_argument("--dev-terms", default=str(DEV_TERMS), help="dev term list (TSV)")
    parser.add_argument("--dev-dl-terms", default=str(DEV_DL_TERMS), help="deep-learning dev term list (TSV)")
    parser.add_argument("--dev-ru2-terms", default=str(DEV_RU2_TERMS), help="third dev term list (TSV)")
    parser.add_argument("--errors", action="store_true",
                        help="list false and missed terms, the dev term lists' misses and dev inflection errors "
                             "(never the held-out ones)")
    parser.add_argument("--dev", metavar="SOURCE", nargs="?", const="",
                        help="only the inflection set's dev split, per source (with --errors: the errors of SOURCE, "
                             "or of every dev source); nothing held out is scored")
    args = parser.parse_args(argv)
    if args.dev is not None:
        return _dev_only(args.inflections, args.dev, args.errors)
    from notelingo.glossary import load_glossary

    inflections = score_inflection(load_labels(args.inflections))
    records = load_labels(args.labels)
    glossary = load_glossary(args.glossary)
    result = score(glossary_finder(glossary), records)
    lists = {"dev": load_terms(args.dev_terms), "dev-dl": load_terms(args.dev_dl_terms),
             "dev-ru2": load_terms(args.dev_ru2_terms), "held-out": load_terms(args.terms)}
    if args.errors:
        for kind, rows in (("false", result.false), ("missed", result.missed)):
            for text, surface, entry in rows:
                print(f"{kind}\t{surface}\t{entry}\t{text}")
        for text, surface, written in inflections["dev"].wrong if "dev" in inflections else ():
            print(f"inflection\t{surface}\t{written}\t{text}")  # the held-out errors stay unread
    gold = result.tp + result.fn
    print(f"{len(records)} sentences, {gold} labelled terms: precision {result.precision:.3f} "
          f"({result.tp}/{result.tp + result.fp}), recall {result.recall:.3f} ({result.tp}/{gold})")
    for name, rows in lists.items():
        print(term_list_line(glossary, rows, name, errors=args.errors and name.startswith("dev")))
    for split in ("heldout", "dev"):
        if split in inflections:
            print(inflections[split].line(f"inflection, {split}"))
    from context_eval import lines

    print("\n".join(lines(args.inflections)))
    return 0


def _dev_only(path: str, source: str, errors: bool) -> int:
    """The dev split per source, and with ``errors`` its errors (of ``source`` when given)."""
    records = [r for r in load_labels(path) if r["split"] == "dev"]
    result = score_inflection(records, by_source=True)
    if errors:
        for key, inflection in result.items():
            for text, surface, written in inflection.wrong if key.endswith("/" + source) or not source else ():
                print(f"inflection\t{key}\t{surface}\t{written}\t{text}")
    for key, inflection in sorted(result.items()):
        print(inflection.line(f"inflection, {key}"))
        print(f"  no governor found (nominative fallback): {inflection.fallback} occurrences, "
              f"{inflection.fallback_wrong} of them wrong")
    print(score_inflection(records)["dev"].line("inflection, dev"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
