"""notelingo's benchmark suite: ``python bench/run.py --quick|--full|--smoke``.

Times, side by side in one run, on an architecture-exact opus-mt model with
random weights (see build_model.py) and real sample sentences (workload.py):

* ``naive_hf_b1``, ``hf_batched`` (baselines.py) and ``notelingo`` (engines.py),
  greedy and beam 4, each engine and setting in its own subprocess so its peak
  RSS is its own; medians of the repeats;
* the whole ``notelingo translate`` CLI on the same sentences: ``overhead_fraction``
  (end-to-end minus time inside the model, over end-to-end) and ``rerun_ratio``
  (second identical run over the first, translation cache on);
* ``startup_ratio``: ``notelingo --help`` over ``python -c "import typer"``.

Writes ``bench/results/<mode>.json`` and prints a Markdown table. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from engines import convert_for_notelingo  # noqa: E402
from report import check_targets, markdown_table  # noqa: E402

PYTHON = sys.executable
NOTELINGO = str(Path(PYTHON).with_name("notelingo"))
ENGINES = ("naive_hf_b1", "hf_batched", "notelingo", "notelingo_ray_local")
SETTINGS = {"greedy": 1, "beam4": 4}
# sentences per engine and setting, repeats. The naive loop is ~10x slower, and beam 4
# ~3x slower than greedy: in the quick run they take a prefix of the same draw (the same
# sentences for every batched engine), which keeps it under 8 minutes; rates are per sentence.
MODES = {
    "smoke": dict(sentences=16, naive={"greedy": 4, "beam4": 2}, batched={}, repeats=1, startup_runs=2, en_ru=False),
    "quick": dict(
        sentences=256, naive={"greedy": 48, "beam4": 16}, batched={"beam4": 128}, repeats=3, startup_runs=5, en_ru=False
    ),
    "full": dict(
        sentences=2000, naive={"greedy": 256, "beam4": 128}, batched={}, repeats=3, startup_runs=9, en_ru=True
    ),
}


# ---------------------------------------------------------------- worker side

def worker(spec: dict) -> dict:
    """Run one engine at one setting ``repeats`` times; return times and this process's peak RSS."""
    from engines import make_runner
    from workload import output_length

    # Sentences come from the parent: drawing them here would load spaCy into every engine's RSS.
    sentences, warm_up = spec["sentences"], spec["warm_up"]
    started = time.perf_counter()
    runner = make_runner(spec["engine"], spec["model_dir"], spec["beams"], spec["pair"])
    load_s = time.perf_counter() - started
    runner(warm_up)  # lazy inits, allocator, thread pools
    times = []
    for _ in range(spec["repeats"]):
        started = time.perf_counter()
        translations = runner(sentences)
        times.append(time.perf_counter() - started)
    peak_mib = peak_rss_mib()
    from transformers import MarianTokenizer  # after timing: counts only, same for every engine

    tokenizer = MarianTokenizer.from_pretrained(spec["model_dir"])
    target_tokens = sum(output_length(len(ids)) for ids in tokenizer(sentences)["input_ids"])
    empty = sum(1 for t in translations if not t.strip())
    return {
        "engine_report": getattr(runner, "report", None),
        "times_s": times,
        "load_s": load_s,
        "peak_rss_mib": peak_mib,
        "sentences": len(sentences),
        "target_tokens": target_tokens,
        "empty_outputs": empty,
    }


def peak_rss_mib() -> float:
    """This process's peak resident set (``VmHWM``); ``ru_maxrss`` as a fallback off Linux."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(spec: dict) -> dict:
    """``worker(spec)`` in a fresh interpreter, so RSS and thread pools are its own."""
    # The spec goes through stdin: 2,000 sentences exceed the 128 KiB limit of one argument.
    proc = subprocess.run([PYTHON, __file__, "--worker"], input=json.dumps(spec), capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        return {"error": f"exit {proc.returncode}: {tail}"}
    return json.loads(lines[-1][len("RESULT "):])


# ---------------------------------------------------------------- engines

def measure_engine(engine: str, model_dir: Path, mode: dict, pair: str = "ru-en") -> dict:
    """One engine, both decoding settings; top-level figures are the greedy ones."""
    from workload import sample_sentences

    src = pair.split("-")[0]
    entry: dict = {}
    for setting, beams in SETTINGS.items():
        count = mode["naive"][setting] if engine == "naive_hf_b1" else mode["batched"].get(setting, mode["sentences"])
        spec = dict(engine=engine, model_dir=str(model_dir), beams=beams, pair=pair, repeats=mode["repeats"],
                    sentences=sample_sentences(src, mode["sentences"])[:count],
                    warm_up=sample_sentences(src, 4, seed=99))
        raw = run_worker(spec)
        if "error" in raw:
            entry[setting] = raw
            continue
        median = statistics.median(raw["times_s"])
        entry[setting] = {"sent_per_s": raw["sentences"] / median, "tgt_tok_per_s": raw["target_tokens"] / median,
                          "peak_rss_mib": raw["peak_rss_mib"], "median_s": median, **raw}
        print(f"  {engine:12s} {setting:6s} {entry[setting]['sent_per_s']:7.2f} sent/s  "
              f"{raw['peak_rss_mib']:6.0f} MiB  ({raw['sentences']} sentences, times {raw['times_s']})", flush=True)
    greedy = entry.get("greedy", {})
    for key in ("sent_per_s", "tgt_tok_per_s", "peak_rss_mib"):
        entry[key] = greedy.get(key)
    return entry


# ---------------------------------------------------------------- CLI

def write_workload_notes(path: Path, sentences: list[str], lang: str) -> None:
    from engines import _sentence_notes

    from notelingo.fileio import write_notes

    write_notes(path, _sentence_notes(sentences, lang))


def timed_cli(args: list[str], env: dict) -> tuple[float, float]:
    """(end-to-end wall seconds, seconds inside the model) of one CLI run."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt", delete=False) as handle:
        time_file = handle.name
    started = time.perf_counter()
    proc = subprocess.run([PYTHON, str(BENCH_DIR / "cli_timed.py"), time_file, *args],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    model_s = float(Path(time_file).read_text() or 0)
    os.unlink(time_file)
    if proc.returncode != 0:
        raise RuntimeError(f"notelingo {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return wall, model_s


def measure_cli(model_dir: Path, mode: dict) -> dict:
    """overhead_fraction and rerun_ratio of the CLI (greedy) on the workload sentences.

    The model is converted once beforehand (a first-ever run's conversion is not
    what either ratio is about). Each cold run starts with an empty translation
    cache (notelingo's ``translations.sqlite3``) but the cache on, as users run it;
    the rerun repeats the last cold run.
    """
    from workload import sample_sentences

    work = Path(tempfile.mkdtemp(prefix="notelingo-bench-cli-"))
    cache = work / "cache"
    env = {**os.environ, "NOTELINGO_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
    try:
        notes, warm = work / "notes.jsonl", work / "warm.jsonl"
        write_workload_notes(notes, sample_sentences("ru", mode["sentences"]), "ru")
        write_workload_notes(warm, sample_sentences("ru", 2, seed=99), "ru")
        base = ["-q", "translate", "--to", "en", "--model", f"ru-en={model_dir}", "--beams", "1"]
        timed_cli([*base, str(warm), "-o", str(work / "w.jsonl")], env)  # converts the model once
        cold = []
        for _ in range(mode["repeats"]):
            for stale in cache.glob("translations.sqlite3*"):
                stale.unlink()
            cold.append(timed_cli([*base, str(notes), "-o", str(work / "cold.jsonl")], env))
        rerun = timed_cli([*base, str(notes), "-o", str(work / "rerun.jsonl")], env)[0]
        wall, model_s = sorted(cold)[len(cold) // 2]
        return {"overhead_fraction": (wall - model_s) / wall, "end_to_end_s": wall, "model_s": model_s,
                "cold_runs": cold, "cli_sent_per_s": mode["sentences"] / wall,
                "rerun_ratio": rerun / cold[-1][0], "rerun_s": rerun}
    except (RuntimeError, OSError) as exc:
        return {"overhead_fraction": None, "rerun_ratio": None, "error": str(exc)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def median_wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_startup(runs: int) -> dict:
    typer_s = median_wall([PYTHON, "-c", "import typer"], runs)
    help_s = median_wall([NOTELINGO, "--help"], runs)
    return {"startup_ratio": help_s / typer_s, "help_s": help_s, "import_typer_s": typer_s}


# ---------------------------------------------------------------- environment

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def env_info() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("notelingo", "torch", "transformers", "ctranslate2", "sentencepiece"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    import torch

    threads = {
        "torch_intra_op": torch.get_num_threads(),
        **{k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")},
    }
    try:
        from notelingo.mt import cpu_count
        from notelingo.mt.ct2 import plan_threads

        threads["notelingo_ct2_inter_intra"] = plan_threads(cpu_count(), "cpu")
    except ImportError:
        pass
    return {"python": platform.python_version(), "cpu": cpu_model(), "cores": len(os.sched_getaffinity(0)),
            "threads": threads,
            "load_avg_at_start": os.getloadavg(), "versions": versions, "platform": platform.platform()}


# ---------------------------------------------------------------- main

def run(mode_name: str, engines: tuple[str, ...]) -> dict:
    from build_model import build_model

    mode = MODES[mode_name]
    results: dict = {
        "mode": mode_name,
        "env": env_info(),
        "workload": {
            "sentences": mode["sentences"],
            "naive_sentences": mode["naive"],
            "batched_sentences": mode["batched"],
            "repeats": mode["repeats"],
            "source": "tests/fixtures/corpus/text/004_579db69af2cfe4c6.txt",
            "output_length": "int(1.1 x source tokens)",
        },
    }
    started = time.perf_counter()
    model_dir = build_model("ru-en")
    convert_for_notelingo(str(model_dir), "ru-en")
    for engine in engines:
        print(f"{engine} (ru-en)", flush=True)
        results[engine] = measure_engine(engine, model_dir, mode)
    if mode["en_ru"]:
        en_model = build_model("en-ru")
        convert_for_notelingo(str(en_model), "en-ru")
        results["en_ru"] = {e: measure_engine(e, en_model, mode, "en-ru") for e in engines if e != "naive_hf_b1"}
    print("notelingo translate CLI", flush=True)
    results["cli"] = measure_cli(model_dir, mode)
    results["overhead_fraction"] = results["cli"].get("overhead_fraction")
    results["rerun_ratio"] = results["cli"].get("rerun_ratio")
    results["startup"] = measure_startup(mode["startup_runs"])
    results["startup_ratio"] = results["startup"]["startup_ratio"]
    results["env"]["load_avg_at_end"] = os.getloadavg()
    results["env"]["notelingo_path"] = (
        "engine.translate_notes" if _engine_exists() else "backend translate_batch (engine missing)"
    )
    results["wall_s"] = time.perf_counter() - started
    results["targets"] = check_targets(results)
    return results


def _engine_exists() -> bool:
    from engines import engine_available

    return engine_available()


def main() -> None:
    parser = argparse.ArgumentParser(description="notelingo benchmark suite")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "--quick", action="store_const", dest="mode", const="quick", help="256 sentences, under 8 minutes on 2 cores"
    )
    group.add_argument("--full", action="store_const", dest="mode", const="full", help="2,000 sentences, and en->ru")
    group.add_argument("--smoke", action="store_const", dest="mode", const="smoke",
                       help="tiny workload: checks the code paths")
    group.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ", ".join(ENGINES))
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(json.loads(sys.stdin.read()))), flush=True)
        return
    results = run(args.mode, tuple(args.engines.split(",")))
    out = BENCH_DIR / "results" / f"{args.mode}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(BENCH_DIR.parent)} ({results['wall_s']:.0f} s)\n")
    print(markdown_table(results))


if __name__ == "__main__":
    main()
