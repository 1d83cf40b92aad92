"""Interrupting ``notelingo translate`` (real processes, tiny random Marian models).

Ctrl-C and SIGTERM stop the run promptly with exit code 130, leave no output file
and no temp file, keep the finished translations in the SQLite cache, and a rerun
gives exactly the notes of a fresh run. Two runs sharing one cache at the same
time both finish and leave it intact (WAL, busy timeout).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_note, write_notes

pytestmark = pytest.mark.slow
CACHE_FILE = "translations.sqlite3"


@pytest.fixture(scope="module")
def notes_file(tmp_path_factory) -> Path:
    """Short unique sentences in both languages, free of glossary terms (a segment with spans also caches its
    alignment, a second row per input): enough batches to interrupt, quick to finish."""
    path = tmp_path_factory.mktemp("interrupt") / "notes.jsonl"
    notes = []
    for i in range(12):
        if i % 2:
            notes.append(make_note(f"en{i}", "en", [("paragraph", f"Model {i} learns fast. Block {i} attends.")]))
        else:
            notes.append(make_note(f"ru{i}", "ru", [("paragraph", f"Модель {i} учится. Блок {i} работает.")]))
    return write_notes(path, notes)


def translate_args(notes: Path, out: Path, models: dict[str, str], backend: str = "transformers",
                   *extra: str) -> list[str]:
    """``python -m notelingo translate`` on ``notes``, greedy, batches of 2, both tiny models (test_ray uses it too)."""
    return [sys.executable, "-m", "notelingo", "translate", str(notes), "-o", str(out), "--backend", backend,
            "--beams", "1", "--batch-size", "2", "--model", f"ru-en={models['ru-en']}",
            "--model", f"en-ru={models['en-ru']}", *extra]


def start(args: list[str], cache: Path) -> subprocess.Popen:
    env = dict(os.environ, NOTELINGO_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr


def cached_rows(cache: Path) -> int:
    db = cache / CACHE_FILE
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    except sqlite3.Error:  # the table is not created yet
        return 0


def wait_for_cached_rows(process: subprocess.Popen, cache: Path, timeout: float = 90) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "translate finished before it could be interrupted: " + process.stderr.read()
        rows = cached_rows(cache)
        if rows:
            return rows
        time.sleep(0.05)
    process.kill()
    raise AssertionError("no translation reached the cache in time")


def wait_for_cpu_seconds(process: subprocess.Popen, seconds: float, timeout: float = 60) -> None:
    """Wait until the process has used ``seconds`` of CPU: a load-independent "it is working now"."""
    stat = Path(f"/proc/{process.pid}/stat")
    if not stat.exists():
        time.sleep(3)
        return
    ticks = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / ticks >= seconds:  # utime + stime
            return
        time.sleep(0.05)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".out"))


@pytest.fixture(scope="module")
def fresh_run(notes_file, tiny_models, tmp_path_factory) -> dict:
    """The notes a run from an empty cache gives (in-process: the CLI calls the same functions)."""
    from notelingo.fileio import read_notes, write_notes
    from notelingo.mt import DecodingOptions, TranslateOptions
    from notelingo.mt.engine import translate_notes

    folder = tmp_path_factory.mktemp("fresh")
    options = TranslateOptions(to=("en", "ru"), models=dict(tiny_models), backend="transformers",
                               decoding=DecodingOptions(beams=1, batch_size=2), cache_dir=str(folder / "cache"))
    notes, _ = translate_notes(read_notes(notes_file), options)
    write_notes(folder / "out.jsonl", notes)
    return {"notes": (folder / "out.jsonl").read_text(encoding="utf-8"), "rows": cached_rows(folder / "cache")}


def interrupt(signum: int, notes_file: Path, models: dict[str, str], folder: Path) -> int:
    """Start translate, send ``signum`` once some batches are cached; check the clean stop; return rows kept."""
    out, cache = folder / "out.jsonl", folder / "cache"
    process = start(translate_args(notes_file, out, models), cache)
    wait_for_cached_rows(process, cache)
    sent = time.monotonic()
    process.send_signal(signum)
    code, stderr = finish(process, timeout=60)
    stopped_after = time.monotonic() - sent
    assert code == 130, stderr
    assert stopped_after < 15, f"took {stopped_after:.1f} s to stop"
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted: ")
    assert not out.exists() and leftovers(folder) == []
    return cached_rows(cache)


def test_ctrl_c_stops_cleanly_and_keeps_finished_work(notes_file, tiny_models, fresh_run, tmp_path):
    kept = interrupt(signal.SIGINT, notes_file, tiny_models, tmp_path)
    assert 0 < kept < fresh_run["rows"], "finished translations are kept, unfinished ones are not"


def test_sigterm_then_two_reruns_sharing_the_cache_give_the_fresh_notes(notes_file, tiny_models, fresh_run, tmp_path):
    """The reruns resume from the kept work at the same time, on one cache: both finish, the cache stays intact."""
    kept = interrupt(signal.SIGTERM, notes_file, tiny_models, tmp_path)
    assert 0 < kept < fresh_run["rows"]
    cache = tmp_path / "cache"
    outs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    processes = [start(translate_args(notes_file, out, tiny_models), cache) for out in outs]
    results = [finish(process) for process in processes]
    for (code, stderr), out in zip(results, outs):
        assert code == 0, stderr
        # The closing summary says how many model inputs came from the cache.
        hits = [int(n) for n in re.findall(r"(\d+) (?:model input\(s\) )?from the cache", stderr)]
        assert hits and max(hits) >= kept, stderr  # resumed: the kept work was not translated again
        assert out.read_text(encoding="utf-8") == fresh_run["notes"]
    assert leftovers(tmp_path) == []
    with sqlite3.connect(cache / CACHE_FILE) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0] == fresh_run["rows"]


def test_ctrl_c_during_ingest_writes_nothing(tmp_path):
    """ingest has no cache: an interrupted run leaves no output and no temp file behind."""
    import json

    messages = [{"id": i, "type": "message", "text": f"Пост {i}: заметка про модель {i}"} for i in range(40_000)]
    source = tmp_path / "result.json"
    source.write_text(json.dumps({"name": "Big", "messages": messages}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    process = start([sys.executable, "-m", "notelingo", "ingest", str(source), "-o", str(out)], tmp_path / "cache")
    wait_for_cpu_seconds(process, 2.0)  # past start-up (~0.5 s), inside normalizing (~8 s of work for 40,000 posts)
    assert process.poll() is None, "ingest finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    code, stderr = finish(process, timeout=30)
    assert code == 130 and "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted: ")
    assert not out.exists() and leftovers(tmp_path) == []
