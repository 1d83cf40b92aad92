"""Score notes vaults: one note per file, titled as Obsidian shows it, no Obsidian syntax left.

Labels come from the vault itself, not from notelingo's rules: every Markdown file with text
is one expected note, titled by its front matter ``title`` or else by its file name (what
Obsidian shows in its file list and tab). Scores:

* boundary F1 over (notes, files with text): a file cut into several notes, or merged, misses;
* titles: the note's title is the file's front matter title or file name;
* titles (heading allowed): ... or the text of one of the file's headings (a note titled by
  its single top heading, as notelingo does, is no error here);
* markup left: notes still holding ``%%``, a ``^block-id`` line end, ``[[`` or drawing data outside
  code blocks (code is copied as written).

Run: ``python tools/eval_vaults.py VAULT [VAULT ...]`` (real vaults are not in the repository:
see tests/layouts/HELDOUT.md for which were used and how they were split).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LEFT = re.compile(r"%%|(?:^|\s)\^[A-Za-z0-9-]{4,}$|\[\[|compressed-json|\"type\":\s*\"excalidraw\"", re.MULTILINE)


def _label(path: Path) -> tuple[str, set[str]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    title = path.name[: -len(".excalidraw.md")] if path.name.endswith(".excalidraw.md") else path.stem
    if text.startswith("---"):
        end = text.find("\n---", 3)
        try:
            meta = yaml.safe_load(text[3:end]) if end > 0 else None
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict) and isinstance(meta.get("title"), str) and meta["title"].strip():
            title = meta["title"].strip()
    headings = {re.sub(r"\[\[[^\]]*\]\]|[*_`]", "", h).strip() for h in _HEADING.findall(text)}
    return title, headings


def _key(text: str | None) -> str:
    from notelingo.notes.textclean import fingerprint

    return fingerprint((text or "").replace("_", " "))


def score_vault(root: Path) -> dict[str, float | int]:
    from notelingo.api import collect_notes

    notes, report = collect_notes([str(root)])
    by_file: dict[str, list] = {}
    for note in notes:
        by_file.setdefault(note.source.path, []).append(note)
    files = sorted(str(path) for path in root.rglob("*") if path.suffix.lower() in (".md", ".mdx"))
    expected = [path for path in files if path in by_file or path not in report.empty]
    expected = [path for path in expected if Path(path).read_text(encoding="utf-8", errors="replace").strip()]
    matched = sum(len(by_file.get(path, [])) == 1 for path in expected)
    titles = lenient = 0
    for path in expected:
        group = by_file.get(path, [])
        if len(group) != 1:
            continue
        title, headings = _label(Path(path))
        got = _key(group[0].title)
        titles += got == _key(title)
        lenient += got == _key(title) or got in {_key(h) for h in headings}
    left = sum(bool(_LEFT.search("\n".join(b.original() for b in note.blocks if b.kind != "code"))) for note in notes)
    precision = matched / len(notes) if notes else 1.0
    recall = matched / len(expected) if expected else 1.0
    return {
        "files": len(expected), "notes": len(notes), "failures": len(report.failures),
        "boundary_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "titles": titles / len(expected) if expected else 1.0,
        "titles_heading_ok": lenient / len(expected) if expected else 1.0,
        "markup_left": left / len(notes) if notes else 0.0,
    }


def main(argv: list[str]) -> int:
    rows = ["| vault | files | notes | failures | boundary F1 | titles | titles (heading ok) | markup left |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for root in argv:
        s = score_vault(Path(root))
        rows.append(f"| {root} | {s['files']} | {s['notes']} | {s['failures']} | {s['boundary_f1']:.3f} | "
                    f"{s['titles']:.3f} | {s['titles_heading_ok']:.3f} | {s['markup_left']:.1%} |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
