"""Dev only: which labels does the agreement relabelling of tools/inflection_set.py change («веса», «метки»)?

tools/inflection_set.py labels an occurrence with no preposition before it by pymorphy3's first
reading, which for «веса», «метки», «подслова» is the genitive singular even where the sentence has
a nominative/accusative plural; its ``relabel`` reads such a label again by agreement in the sentence
(the rule is in its docstring). This check recomputes the labels the fixture had before that step
(a changed record's ``was`` field holds the label before),
prints every dev occurrence the step changes for a hand check, and the dev figure before and after;
it never reads the held-out split and writes nothing.

    PYTHONPATH=src python tools/inflection_agreement_check.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from glossary_eval import INFLECTIONS, load_labels, score_inflection  # noqa: E402
from inflection_set import relabelled as relabel_record  # noqa: E402


def main() -> int:
    relabelled = [r for r in load_labels(INFLECTIONS) if r["split"] == "dev"]
    records = [{**r, "case": r["was"][0], "number": r["was"][1]} if "was" in r else r for r in relabelled]
    changed = 0
    for record in records:
        new = relabel_record(record)
        if new is not record:
            changed += 1
            text, start, end = record["text"], record["start"], record["end"]
            print(f"- [{new['relabelled']}] {'/'.join(new['was'])} -> {new['case']}/{new['number']}: "
                  f"{text[max(0, start - 60):start]}[[{record['surface']}]]{text[end:end + 40]}")
    surfaces = Counter(r["surface"].lower() for r in relabelled if "relabelled" in r)
    print(f"dev occurrences {len(records)}; labels changed {changed}: {surfaces.most_common(10)}")
    print(score_inflection(records)["dev"].line("dev, labels before agreement"))
    print(score_inflection(relabelled)["dev"].line("dev, labels after agreement"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
