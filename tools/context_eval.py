"""How well a term translated in context is read back, on the real sentences of the inflection set.

``notelingo.glossary.context.read_in_context`` gets the words a model wrote for a term and must give
the glossary target in the form the sentence needs. Each record of
tests/fixtures/glossary/inflection.jsonl is a glossary target as it stands in a real Russian sentence
(its case and number labelled), which gives two checks:

- **kept**: the real words themselves (the model wrote a form of the target) must come back as they
  are, read as ``kept``;
- **re-inflected**: the words are swapped for another noun in the same case and number, as a model
  choosing another word would write it (:data:`OTHERS`: one noun of each common declension, so the
  ambiguous forms real text has are there: «модели» is genitive, dative or prepositional singular or
  nominative/accusative plural), and the target must come back in the real sentence's form;
- **from another rendering**: the words are swapped for another Russian form of the same entry (a
  variant, often slang pymorphy3 only guesses at: «файнтюнинг», «эмбединг», «набор данных») in the
  same case and number, as the glossary hands it to ``read_in_context``; the target must come back
  in the real sentence's form.

    python tools/context_eval.py        # both splits
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "glossary" / "inflection.jsonl"
#: Stand-ins for the model's other word: masculine, feminine -а, neuter -ие, feminine -ь.
OTHERS = ("набор", "настройка", "представление", "модель")


def score(records: list[dict]) -> dict[str, Counter]:
    """Per split: kept / kept_total / reinflected / reinflected_total / rendering / rendering_total."""
    from glossary_eval import _same
    from notelingo.glossary import load_glossary
    from notelingo.glossary.context import KEPT, read_in_context
    from notelingo.glossary.forms import inflect_phrase, is_noun_phrase

    glossary = load_glossary(None)
    entries = {entry.en: entry for entry in glossary.entries}
    out: dict[str, Counter] = {}
    for r in records:
        counts = out.setdefault(r["split"], Counter())
        text, start, end, plural = r["text"], r["start"], r["end"], r["number"] == "plur"
        en, en_start = r.get("en", ""), r.get("en_start", 0)
        found = read_in_context(r["target"], r["surface"].split(" "), text, start, en, en_start)
        counts["kept_total"] += 1
        counts["kept"] += bool(found and found.choice == KEPT and _same(found.rendering, r["surface"]))
        for other in OTHERS:
            if other in r["target"]:
                continue
            word = inflect_phrase(other, r["case"], plural)
            sentence = text[:start] + word + text[end:]
            found = read_in_context(r["target"], [word], sentence, start, en, en_start)
            counts["reinflected_total"] += 1
            counts["reinflected"] += bool(found and _same(found.rendering, r["surface"]))
        entry = entries.get(r["entry"])
        others = tuple(f for f in entry.forms("ru") if f.casefold() != r["target"].casefold()) if entry else ()
        for other in others:
            if not is_noun_phrase(other):
                continue
            words = inflect_phrase(other, r["case"], plural)
            sentence = text[:start] + words + text[end:]
            found = read_in_context(r["target"], words.split(" "), sentence, start, en, en_start, others)
            counts["rendering_total"] += 1
            counts["rendering"] += bool(found and _same(found.rendering, r["surface"]))
    return out


def lines(path: Path | str = SET) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    out = []
    for split, c in sorted(score(records).items(), reverse=True):
        out.append(f"in context, {split}: kept {c['kept'] / c['kept_total']:.3f} ({c['kept']}/{c['kept_total']}), "
                   f"re-inflected from another noun {c['reinflected'] / c['reinflected_total']:.3f} "
                   f"({c['reinflected']}/{c['reinflected_total']}), from another rendering of the entry "
                   f"{c['rendering'] / max(1, c['rendering_total']):.3f} ({c['rendering']}/{c['rendering_total']})")
    return out


if __name__ == "__main__":
    print("\n".join(lines(sys.argv[1] if len(sys.argv) > 1 else SET)))
