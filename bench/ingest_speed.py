"""Time ``notelingo ingest`` on two big generated inputs (not a test).

    .venv/bin/python bench/ingest_speed.py

* a 5 MB text file that is one single line of words (Russian and English);
* a Telegram JSON export of 10,000 tiny posts.

These were wall-clock bounds in tests/test_bad_inputs.py (under 120 s and under 60 s;
measured about 25 s and 10 s on the shared 2-core machine); the tests still ingest the
same inputs (:func:`write_big_inputs`) and check what comes out, and the seconds are
measured here.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = "attention transformer модель обучение gradient descent нейросеть loss embedding токенизатор".split()


def write_big_inputs(root: Path) -> dict[str, Path]:
    """The 5 MB single line ("line") and the 10,000-post export ("posts"), written under ``root``."""
    rng = random.Random(5)
    parts, size = [], 0
    while size < 5_000_000:
        word = rng.choice(WORDS)
        parts.append(word)
        size += len(word.encode("utf-8")) + 1
    (root / "one_line.txt").write_text(" ".join(parts), encoding="utf-8")
    messages = [{"id": i, "type": "message", "date": f"2021-01-{1 + i % 28:02d}T10:00:00",
                 "text": f"Пост {i}: заметка номер {i} про модель {i % 97}"} for i in range(10_000)]
    (root / "result.json").write_text(
        json.dumps({"name": "Big", "type": "public_channel", "messages": messages}, ensure_ascii=False),
        encoding="utf-8",
    )
    return {"line": root / "one_line.txt", "posts": root / "result.json"}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        inputs = write_big_inputs(Path(folder))
        for label, key, bound in (("5 MB single line", "line", 120), ("10,000 tiny posts", "posts", 60)):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "notelingo", "ingest", str(inputs[key]), "-o",
                            str(Path(folder) / f"{key}.jsonl")], check=True, cwd=REPO, capture_output=True)
            print(f"{label:<20} {time.perf_counter() - started:6.1f} s  (the old test's bound: {bound} s)")


if __name__ == "__main__":
    main()
