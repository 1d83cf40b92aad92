"""Time digest rendering and exports on N synthetic bilingual notes (not a test).

    .venv/bin/python bench/render_speed.py [--notes 3000]

The notes are the fixture notes (tests/fixtures/notes/bilingual.jsonl) copied
with fresh ids, dates, sources and arXiv ids: one paper in three is cited by
several notes, so grouping by paper has real joins to make.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from notelingo.fileio import read_notes  # noqa: E402
from notelingo.render import DigestOptions, build_digest, group_notes, render_digest  # noqa: E402


def synthetic_notes(count: int) -> list:
    templates = read_notes(REPO / "tests" / "fixtures" / "notes" / "bilingual.jsonl")
    notes = []
    for index in range(count):
        template = templates[index % len(templates)]
        paper = f"2101.{index // 3:05d}"
        refs = [ref.model_copy(update={"id": paper}) if ref.kind == "arxiv" else ref for ref in template.refs]
        source = template.source.model_copy(update={"channel": f"channel {index % 40}"})
        notes.append(template.model_copy(update={
            "id": f"{template.id}-{index}", "title": f"{template.title} #{index // 3}", "refs": refs, "source": source,
            "date": f"2021-{1 + index % 12:02d}-{1 + index % 28:02d}",
        }))
    return notes


def timed(label: str, func):
    started = time.perf_counter()
    result = func()
    print(f"{label:<28} {time.perf_counter() - started:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=3000)
    args = parser.parse_args()
    notes = synthetic_notes(args.notes)
    print(f"{len(notes)} notes")
    # Was a wall-clock bound in tests/test_render.py (3,000 notes under 2 s); the test now counts steps.
    timed("group by paper", lambda: group_notes(notes, "paper"))
    for group_by in ("paper", "source", "date"):
        digest = timed(f"build (group by {group_by})",
                       lambda g=group_by: build_digest(notes, DigestOptions(group_by=g)))
    digest = build_digest(notes, DigestOptions(group_by="paper"))
    html = timed("render HTML", lambda: render_digest(digest, "html"))
    markdown = timed("render Markdown", lambda: render_digest(digest, "markdown"))
    print(f"HTML {len(html) / 1e6:.1f} MB, Markdown {len(markdown) / 1e6:.1f} MB, {len(digest.groups)} paper groups")
    from notelingo.writers import export_notes

    with tempfile.TemporaryDirectory() as folder:
        timed("export TMX", lambda: export_notes(notes, "tmx", Path(folder) / "out.tmx"))
        timed("export Markdown vault", lambda: export_notes(notes, "markdown", Path(folder) / "vault"))
        timed("export JSONL (validated)", lambda: export_notes(notes, "jsonl", Path(folder) / "out.jsonl"))


if __name__ == "__main__":
    main()
