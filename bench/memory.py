"""Peak memory of ``notelingo translate`` by the size of the run: ``python bench/memory.py [--sizes 1000,5000,20000]``.

A channel of N notes is synthesised from the workload sentences (workload.py): three
one-sentence paragraphs per note, each sentence a workload sentence followed by the note's
number, so every sentence is distinct and nothing is served twice. The whole CLI translates
it (ru -> en, greedy, cache on, as users run it) in a child process; its peak RSS is the
child's ``VmHWM`` as ``/usr/bin/time -v`` reports it (``Maximum resident set size``), or
the child's ``ru_maxrss`` from ``wait4`` where that tool is missing (a fresh child: its
own peak, not the parent's). The model is a tiny random-weight Marian model
(tools/tiny_marian.py): memory, not speed, is measured here, and an opus-mt-sized model
adds its fixed size (about 80 MB int8) to every row alike.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent / "tools"))

SIZES = (1000, 5000, 20000)
PER_NOTE = 3


def synth_channel(path: Path, notes: int, pool_size: int = 2000) -> None:
    """``notes`` notes of PER_NOTE distinct one-sentence paragraphs, written as notes.jsonl."""
    from engines import _sentence_notes
    from workload import sample_sentences

    from notelingo.fileio import write_notes

    pool = sample_sentences("ru", pool_size, seed=11)
    sentences = [f"{pool[(n * PER_NOTE + k) % len(pool)]} ({n + 1})" for n in range(notes) for k in range(PER_NOTE)]
    write_notes(path, _sentence_notes(sentences, "ru", per_note=PER_NOTE))


def tiny_model(root: Path) -> str:
    from tiny_marian import build_tiny_marian

    return build_tiny_marian(root / "ru-en", "ru", "en", arch="tiny")["path"]


def peak_of(command: list[str], env: dict) -> tuple[float, float]:
    """(peak RSS MiB, wall seconds) of ``command`` run as a child."""
    started = time.perf_counter()
    if shutil.which("time") and Path("/usr/bin/time").exists():
        proc = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip()[-600:])
        for line in proc.stderr.splitlines():
            if "Maximum resident set size" in line:
                return int(line.split(":")[1]) / 1024, wall
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise RuntimeError(child.stderr.read().decode()[-600:])
    return usage.ru_maxrss / 1024, time.perf_counter() - started


def measure(sizes: tuple[int, ...] = SIZES) -> dict:
    work = Path(tempfile.mkdtemp(prefix="notelingo-bench-memory-"))
    try:
        model = tiny_model(work)
        runs = {}
        for size in sizes:
            notes, out = work / f"notes-{size}.jsonl", work / f"out-{size}.jsonl"
            synth_channel(notes, size)
            env = {**os.environ, "NOTELINGO_CACHE_DIR": str(work / "cache"), "HF_HUB_OFFLINE": "1"}
            command = [sys.executable, "-m", "notelingo", "-q", "translate", str(notes), "-o", str(out), "--to", "en",
                       "--model", f"ru-en={model}", "--beams", "1"]
            try:
                if not (work / "cache" / "ct2").is_dir():  # convert once: a first run's conversion is not the point
                    synth_channel(work / "warm.jsonl", 2)
                    peak_of([*command[:5], str(work / "warm.jsonl"), *command[6:]], env)
                for stale in (work / "cache").glob("translations.sqlite3*"):
                    stale.unlink()  # every size starts with an empty translation cache, as a first run does
                peak, wall = peak_of(command, env)
            except RuntimeError as exc:
                runs[size] = {"error": str(exc)}
                continue
            runs[size] = {"peak_rss_mib": peak, "wall_s": wall, "notes": size, "sentences": size * PER_NOTE,
                          "input_mib": notes.stat().st_size / 2**20, "output_mib": out.stat().st_size / 2**20}
            print(f"  {size:6d} notes: peak RSS {peak:7.0f} MiB, {wall:6.1f} s", flush=True)
        return {"model": "tiny random-weight Marian (tools/tiny_marian.py)", "runs": runs}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated note counts")
    args = parser.parse_args()
    print(json.dumps(measure(tuple(int(s) for s in args.sizes.split(","))), indent=2))


if __name__ == "__main__":
    main()
