"""Measure a learned back-off for the inflector's nominative fallback (where no rule finds a governor).

``agree.choose_form`` writes a glossary term in the nominative when no word governs it (``Form.choice ==
'nominative'``). This tool tries a learned back-off for those places, counted from real Russian text on the
DEV side only, and scores it on the inflection set's dev split per source:

1. Counting: every noun whose form shows its case unambiguously (pymorphy3: every reading is a noun and all
   agree on the case; readings of exactly the nominative and accusative count as ``na``), with the adjectives
   and participles right before it in its span as a term's are, is passed to the rules
   (``choose_form(.., target=its lemma)``); where they find no governor, its case is counted under its context
   keys (:func:`context_keys`, most specific first: the word before and what follows, the word before, its part
   of speech with whether a verb precedes in the clause and what follows, the same without what follows).
2. Deciding: the most specific key seen ``MIN_COUNT`` times gives an oblique case holding ``MIN_SHARE`` of its
   counts (and at least ``--min-case``), or the accusative where the forms that tell it from the nominative show
   it ``--accs-ratio`` times as often; else the nominative stays (:func:`decide`).
3. Scoring: each dev occurrence the rules leave in the nominative gets the back-off's case; the figure is
   compared with the rules' alone.

Texts: ``tf-docs-ru``, tensorflow/docs-l10n ``site/ru`` at b08813f (the last commit before the Russian
translation left the main branch; Apache-2.0): its Markdown files and notebooks' Markdown cells; with
``--course`` also the Russian chapters of huggingface/course, a dev source itself (its score is then in-sample,
an upper bound). Never the CS 229/230 cheat sheets (the held-out source).

    python tools/backoff_eval.py [--course] [--out table.tsv]

Result (LABELLING.md, sixth round): no dev gain, so the back-off is not part of the inflector.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from glossary_eval import INFLECTIONS, _same, load_labels  # noqa: E402
from inflection_set import COURSE, _git, sentences  # noqa: E402
from notelingo.glossary.agree import NOMINATIVE, choose_form  # noqa: E402
from notelingo.glossary.clause import _WORD, _word_matches  # noqa: E402
from notelingo.glossary.forms import _parses, inflect_phrase  # noqa: E402

TF_DOCS = Path("/work/.mirror/tensorflow+docs-l10n/repo")
TF_COMMIT = "b08813f"
COLUMNS = ("nomn", "gent", "datv", "accs", "ablt", "loct", "na")
_OBLIQUE = ("gent", "datv", "ablt", "loct")
MIN_COUNT, MIN_SHARE = 8, 0.6
#: Defaults of --min-case and --accs-ratio (a loose variant: --min-case 0 --accs-ratio 2).
LIMITS = {"min_case": 5, "accs_ratio": 3}
_VERBS = frozenset({"VERB", "INFN"})
_MARKS = ",.;:!?()[]-—–―\"«»"
_CASE = {"gen2": "gent", "loc2": "loct", "acc2": "accs"}
_ATTRIBUTES = frozenset({"ADJF", "PRTF"})


def _pos(word: str) -> str:
    if word.isdigit():
        return "NUMB"
    if not re.search(r"[а-яё]", word, re.IGNORECASE):
        return "LATN"
    parses = _parses(word)
    return str(parses[0].tag.POS) if parses and parses[0].tag.POS else "UNKN"


def context_keys(text: str, position: int, end: int) -> tuple[str, ...]:
    """The keys of a term at ``text[position:end]``, most specific first (see the module's text)."""
    words = _word_matches(text, position)
    after = text[end:].strip()
    following = list(_WORD.finditer(text[end:]))[:1]
    if not after:
        next_tag = "$"
    elif after[0] in _MARKS:
        next_tag = after[0]
    else:
        next_tag = _pos(following[0].group()) if following else "$"
    if words:
        prev = words[-1].group().lower()
        prev_tag = _pos(prev)
    else:
        before = text[:position].rstrip()
        prev = prev_tag = before[-1] if before and before[-1] in _MARKS else "^"
    verb = "v" if any(_pos(m.group()) in _VERBS for m in words) else "-"
    return f"w|{prev}|{next_tag}", f"w|{prev}", f"p|{prev_tag}|{verb}|{next_tag}", f"p|{prev_tag}|{verb}"


def decide(counts: Counter) -> str | None:
    """The case a key's counts call for, or None for the nominative."""
    total = sum(counts.values())
    best = max(_OBLIQUE, key=lambda case: counts[case])
    if counts[best] >= max(MIN_SHARE * total, LIMITS["min_case"]):
        return best
    if counts["accs"] >= max(LIMITS["accs_ratio"] * max(counts["nomn"], 1), LIMITS["min_case"]) and (
            counts["accs"] + counts["nomn"] + counts["na"] >= MIN_SHARE * total):
        return "accs"
    return None


def learned_case(table: dict[str, Counter], text: str, position: int, end: int) -> str | None:
    for key in context_keys(text, position, end):
        if sum(table.get(key, Counter()).values()) >= MIN_COUNT:
            return decide(table[key])
    return None


def tf_docs() -> list[str]:
    texts = []
    for path in _git(TF_DOCS, "ls-tree", "-r", "--name-only", TF_COMMIT, "site/ru").split():
        raw = _git(TF_DOCS, "show", f"{TF_COMMIT}:{path}")
        if path.endswith(".md"):
            texts.append(raw)
        elif path.endswith(".ipynb"):
            cells = json.loads(raw).get("cells", [])
            texts += ["".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown"]
    return texts


def course() -> list[str]:
    return [_git(COURSE, "show", f"HEAD:{path}")
            for path in sorted(_git(COURSE, "ls-tree", "-r", "--name-only", "HEAD", "chapters/ru").split())
            if path.endswith(".mdx") and "/glossary/" not in path]


def label(word: str) -> tuple[str, str, bool] | None:
    """(case or 'na', lemma, plural) of a noun whose readings agree on its case, else None."""
    parses = _parses(word)
    if not parses or any(p.tag.POS != "NOUN" for p in parses):
        return None
    cases = {_CASE.get(str(p.tag.case), str(p.tag.case)) for p in parses}
    if cases == {"nomn", "accs"}:
        return "na", parses[0].normal_form, parses[0].tag.number == "plur"
    if len(cases) == 1 and cases <= set(COLUMNS):
        return cases.pop(), parses[0].normal_form, parses[0].tag.number == "plur"
    return None


def _span_start(sentence: str, tokens: list[re.Match], index: int) -> int:
    start = tokens[index].start()
    while index > 0:
        previous = tokens[index - 1]
        parses = _parses(previous.group())
        if not parses or parses[0].tag.POS not in _ATTRIBUTES or sentence[previous.end():start].strip():
            break
        start, index = previous.start(), index - 1
    return start


def count(texts: list[str]) -> tuple[dict[str, Counter], int]:
    """Counts per key over the ungoverned unambiguous nouns of ``texts``, and how many nouns were counted."""
    table: dict[str, Counter] = defaultdict(Counter)
    counted = 0
    for text in texts:
        for sentence in sentences(text):
            tokens = list(_WORD.finditer(sentence))
            for index, token in enumerate(tokens):
                if (found := label(token.group())) is None:
                    continue
                start = _span_start(sentence, tokens, index)
                if choose_form("", 0, sentence, start, found[2], found[1], token.end()).choice != NOMINATIVE:
                    continue
                counted += 1
                for key in context_keys(sentence, start, token.end()):
                    table[key][found[0]] += 1
    return table, counted


def score(table: dict[str, Counter], records: list[dict]) -> dict[str, list[int]]:
    """Per source: [occurrences, right by the rules, right with the back-off, places it chose a case]."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in records:
        plural = r["number"] == "plur"
        source, start = (r["en"], r["en_start"]) if "en_start" in r else ("", 0)
        form = choose_form(source, start, r["text"], r["start"], plural, r["target"], r["end"])
        number = plural if form.plural is None else form.plural
        right = _same(inflect_phrase(r["target"], form.case, number), r["surface"])
        learned = learned_case(table, r["text"], r["start"], r["end"]) if form.choice == NOMINATIVE else None
        after = _same(inflect_phrase(r["target"], learned, number), r["surface"]) if learned else right
        row = out[r["source"]]
        row[0], row[1], row[2], row[3] = row[0] + 1, row[1] + right, row[2] + after, row[3] + bool(learned)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", action="store_true", help="also count the HF course (in-sample for it)")
    parser.add_argument("--out", help="write the table (keys seen MIN_COUNT times) to this TSV")
    parser.add_argument("--min-case", type=int, default=LIMITS["min_case"])
    parser.add_argument("--accs-ratio", type=float, default=LIMITS["accs_ratio"])
    args = parser.parse_args(argv)
    LIMITS.update(min_case=args.min_case, accs_ratio=args.accs_ratio)
    table, counted = count(tf_docs() + (course() if args.course else []))
    kept = {key: c for key, c in table.items() if sum(c.values()) >= MIN_COUNT}
    print(f"{counted} ungoverned nouns counted, {len(kept)} keys seen >= {MIN_COUNT} times")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write("key\t" + "\t".join(COLUMNS) + "\n")
            for key, counts in sorted(kept.items()):
                handle.write(f"{key}\t" + "\t".join(str(counts[col]) for col in COLUMNS) + "\n")
    records = [r for r in load_labels(INFLECTIONS) if r["split"] == "dev"]
    for source, (total, rules, learned, chosen) in sorted(score(kept, records).items()):
        print(f"dev/{source}: rules {rules / total:.3f} ({rules}/{total}), with the back-off "
              f"{learned / total:.3f} ({learned}/{total}; it chose a case {chosen} times)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
