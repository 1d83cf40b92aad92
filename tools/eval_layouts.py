"""Score note splitting, titles, dates, authors and chrome removal on tests/layouts/.

Each layout is a folder of documents; each document ``name.ext`` has a label file
``name.yaml``::

    channel: "@mlchannel"          # optional: expected source.channel
    notes:                         # in order, one entry per expected note
      - start: "First words of the note's first block"
        title: "Expected title"
        date: "2025-11-24T09:46:32+00:00"   # optional; compared as an instant with its offset
        author: "Jane Doe"                  # optional
    chrome:                        # lines that must not survive anywhere in the notes
      - "Viewing all articles"

A predicted note matches an expected one when the fingerprint of its first block
starts with the fingerprint of ``start`` (notes are aligned in order). Scores:

* boundary F1 over (predicted notes, expected notes);
* title accuracy over expected notes (an unmatched note counts as wrong);
* date accuracy over expected notes that have a date;
* author accuracy over expected notes that have an author;
* chrome left: chrome lines found in the notes / chrome lines listed.

Run: ``python tools/eval_layouts.py [LAYOUTS_DIR]`` (``make eval-layouts``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

FLOORS = {"boundary_f1": 0.95, "titles": 0.9, "dates": 0.95, "chrome_left": 0.01}
LAYOUTS = Path(__file__).resolve().parent.parent / "tests" / "layouts"


@dataclass
class Tally:
    """Counts for one document, one layout or the whole set."""

    docs: int = 0
    predicted: int = 0
    expected: int = 0
    matched: int = 0
    titles_ok: int = 0
    dates: int = 0
    dates_ok: int = 0
    authors: int = 0
    authors_ok: int = 0
    channels: int = 0
    channels_ok: int = 0
    chrome: int = 0
    chrome_left: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            if name == "misses":
                self.misses.extend(other.misses)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def scores(self) -> dict[str, float | None]:
        precision = self.matched / self.predicted if self.predicted else 1.0
        recall = self.matched / self.expected if self.expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "boundary_f1": f1,
            "titles": self.titles_ok / self.expected if self.expected else None,
            "dates": self.dates_ok / self.dates if self.dates else None,
            "authors": self.authors_ok / self.authors if self.authors else None,
            "channels": self.channels_ok / self.channels if self.channels else None,
            "chrome_left": self.chrome_left / self.chrome if self.chrome else 0.0,
        }


def _key(text: str | None) -> str:
    from notelingo.notes.textclean import fingerprint

    return fingerprint(text or "")


def _same_instant(got: str | None, want: str) -> bool:
    if not got:
        return False
    try:
        a, b = datetime.fromisoformat(got), datetime.fromisoformat(str(want))
    except ValueError:
        return got == str(want)
    return a == b and a.utcoffset() == b.utcoffset()


def notes_of(path: Path):
    """The notes normalize makes of one document (no language detection needed)."""
    from notelingo.notes.build import normalize_posts
    from notelingo.readers import read_decoded

    result = read_decoded(path.read_text(encoding="utf-8"), str(path))
    return normalize_posts(result.posts).notes


def score_document(path: Path, label: dict) -> Tally:
    notes = notes_of(path)
    expected = label.get("notes") or []
    tally = Tally(docs=1, predicted=len(notes), expected=len(expected))
    firsts = [_key(note.blocks[0].original() if note.blocks else "") for note in notes]
    cursor = 0
    for want in expected:
        start = _key(want["start"])
        hit = next((i for i in range(cursor, len(notes)) if firsts[i].startswith(start)), None)
        if want.get("date"):
            tally.dates += 1
        if want.get("author"):
            tally.authors += 1
        if hit is None:
            tally.misses.append(f"{path.name}: no note starts with {want['start']!r}")
            continue
        cursor = hit + 1
        note = notes[hit]
        tally.matched += 1
        if _key(note.title) == _key(want.get("title")):
            tally.titles_ok += 1
        else:
            tally.misses.append(f"{path.name}: title {note.title!r} != {want.get('title')!r}")
        if want.get("date"):
            ok = _same_instant(note.date, want["date"])
            tally.dates_ok += ok
            if not ok:
                tally.misses.append(f"{path.name}: date {note.date!r} != {want['date']!r}")
        if want.get("author"):
            ok = _key(note.source.author) == _key(want["author"])
            tally.authors_ok += ok
            if not ok:
                tally.misses.append(f"{path.name}: author {note.source.author!r} != {want['author']!r}")
    extra = tally.predicted - tally.matched
    if extra:
        unmatched = [n.title for i, n in enumerate(notes) if firsts[i] not in {_key(w["start"]) for w in expected}]
        tally.misses.append(f"{path.name}: {extra} extra note(s), e.g. {unmatched[:3]}")
    if "channel" in label:
        tally.channels = 1
        got = notes[0].source.channel if notes else None
        tally.channels_ok = int(_key(got) == _key(label["channel"]))
        if not tally.channels_ok:
            tally.misses.append(f"{path.name}: channel {got!r} != {label['channel']!r}")
    _score_chrome(path, notes, label.get("chrome") or [], tally)
    return tally


def _score_chrome(path: Path, notes, chrome: list[str], tally: Tally) -> None:
    lines = {_key(note.title) for note in notes}
    for note in notes:
        for block in note.blocks:
            lines.update(_key(line) for line in block.original().split("\n"))
    for line in chrome:
        tally.chrome += 1
        if _key(line) in lines:
            tally.chrome_left += 1
            tally.misses.append(f"{path.name}: chrome line survived: {line!r}")


def evaluate(root: Path = LAYOUTS) -> dict[str, Tally]:
    """Tallies per layout (folder name), plus ``"all"``."""
    layouts: dict[str, Tally] = {}
    total = Tally()
    for label_path in sorted(root.glob("*/*.yaml")):
        docs = [p for p in label_path.parent.glob(label_path.stem + ".*") if p.suffix != ".yaml"]
        if len(docs) != 1:
            raise SystemExit(f"{label_path}: expected one document beside it, found {len(docs)}")
        label = yaml.safe_load(label_path.read_text(encoding="utf-8")) or {}
        tally = score_document(docs[0], label)
        layouts.setdefault(label_path.parent.name, Tally()).add(tally)
        total.add(tally)
    layouts["all"] = total
    return layouts


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def table(layouts: dict[str, Tally]) -> str:
    """A Markdown table: one row per layout, the totals last."""
    head = "| layout | docs | notes (exp/got) | boundary F1 | titles | dates | authors | channel | chrome left |"
    rows = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, tally in layouts.items():
        s = tally.scores()
        label = f"**{name}**" if name == "all" else name
        rows.append(f"| {label} | {tally.docs} | {tally.expected}/{tally.predicted} | {_cell(s['boundary_f1'])} | "
                    f"{_cell(s['titles'])} | {_cell(s['dates'])} | {_cell(s['authors'])} | {_cell(s['channels'])} | "
                    f"{s['chrome_left']:.1%} |")
    return "\n".join(rows)


def failed_floors(total: Tally) -> list[str]:
    scores = total.scores()
    failed = [f"{name} {scores[name]:.3f} < {floor}" for name, floor in FLOORS.items()
              if name != "chrome_left" and scores[name] is not None and scores[name] < floor]
    if scores["chrome_left"] > FLOORS["chrome_left"]:
        failed.append(f"chrome_left {scores['chrome_left']:.3f} > {FLOORS['chrome_left']}")
    return failed


def main(argv: list[str]) -> int:
    paths = [a for a in argv if a != "-v"]
    root = Path(paths[0]) if paths else LAYOUTS
    layouts = evaluate(root)
    print(table(layouts))
    verbose = "-v" in argv
    misses = layouts["all"].misses
    if misses:
        print(f"\n{len(misses)} miss(es)" + (":" if verbose else " (-v lists them)"))
        for miss in misses if verbose else []:
            print("  " + miss)
    failed = failed_floors(layouts["all"])
    for line in failed:
        print(f"below floor: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
