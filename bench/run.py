"""notelingo's benchmark suite: ``python bench/run.py --quick|--full|--smoke``.

Times, side by side in one run, on an architecture-exact opus-mt model with
random weights (see build_model.py) and real sample sentences (workload.py):

* ``naive_hf_b1``, ``hf_batched``, ``ct2_direct`` (baselines.py), ``notelingo`` (full
  vocabulary), ``notelingo_vmap`` (with the vocabulary map ``notelingo models vmap`` builds,
  when its quality gate keeps it) and ``notelingo_ray_local`` (engines.py), greedy and beam 4.
  Each engine and setting is a warm worker process of its own (its peak RSS is its own);
  the engines run interleaved, one pass each per round, and the figures are the best
  pass with the spread of the others; every pass records the machine's idle and steal
  shares (/proc/stat) and the target positions the model really decoded;
* ``overhead_strict`` per notelingo row and for the CLI: wall time outside the model's own
  compute, the run's CTranslate2 calls replayed on the loaded model;
* the whole ``notelingo translate`` CLI on the same sentences: ``overhead_fraction``
  (end-to-end minus the time a model call was open, over end-to-end: a lower bound),
  ``overhead_strict`` and ``rerun_ratio`` (second identical run over the first, cache on);
* ``memory``: peak RSS of ``notelingo translate`` on synthesised channels of 1k/5k/20k notes
  (bench/memory.py); ``limits``: FLOPs per token and the machine's GEMM peak (bench/peak.py);
* ``startup_ratio``: ``notelingo --help`` over ``python -c "import typer"``.

Writes ``bench/results/<mode>.json`` (or ``--out``) and prints a Markdown table. Not a test.
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
ENGINES = ("naive_hf_b1", "hf_batched", "ct2_direct", "notelingo", "notelingo_vmap", "notelingo_ray_local")
SETTINGS = {"greedy": 1, "beam4": 4}
# sentences per engine and setting, repeats. The naive loop is ~10x slower, and beam 4
# ~3x slower than greedy: in the quick run they take a prefix of the same draw (the same
# sentences for every batched engine), which keeps it under 8 minutes; rates are per sentence.
MODES = {
    "smoke": dict(sentences=16, naive={"greedy": 4, "beam4": 2}, batched={}, repeats=1, startup_runs=2, en_ru=False,
                  memory=(200,)),
    "quick": dict(
        sentences=256, naive={"greedy": 48, "beam4": 16}, batched={"beam4": 128}, repeats=3, startup_runs=5,
        en_ru=False, memory=(1000, 5000), cli_large=2000,
    ),
    "full": dict(
        sentences=2000, naive={"greedy": 256, "beam4": 128}, batched={}, repeats=5, startup_runs=9, en_ru=True,
        memory=(1000, 5000, 20000),
    ),
}


# ---------------------------------------------------------------- worker side

def worker(spec: dict, commands, reply) -> None:
    """One engine at one setting, loaded once; each ``run`` line times one pass over the sentences.

    Replies (``reply(dict)``): after loading and a warm-up ``{"load_s"}``; per ``run``
    ``{"time_s", "decoded_tokens", "empty_outputs"}``; at ``end`` the peak RSS, the
    engine's report and, for notelingo's CTranslate2 path, ``model_s``: the recorded model
    calls of the last run replayed straight on the model (see engines.replay_seconds).
    """
    import engines
    from engines import make_runner

    if spec["engine"].startswith("notelingo"):
        engines.count_ct2_calls()
    ray_tally = tempfile.mkdtemp(prefix="notelingo-bench-tally-") if spec["engine"] == "notelingo_ray_local" else None
    if ray_tally:
        engines.count_in_ray_workers(ray_tally)
    # Sentences come from the parent: drawing them here would load spaCy into every engine's RSS.
    sentences, warm_up = spec["sentences"], spec["warm_up"]
    started = time.perf_counter()
    runner = make_runner(spec["engine"], spec["model_dir"], spec["beams"], spec["pair"])
    load_s = time.perf_counter() - started
    runner(warm_up)  # lazy inits, allocator, thread pools
    reply({"load_s": load_s})
    last_calls: list = []
    for line in commands:
        if line.strip() != "run":
            break
        for counted in engines.COUNTED:
            counted.reset()
        before = engines.tallied(ray_tally) if ray_tally else 0
        started = time.perf_counter()
        translations = runner(sentences)
        took = time.perf_counter() - started
        decoded = sum(c.decoded for c in engines.COUNTED) if engines.COUNTED else getattr(runner, "decoded", None)
        if ray_tally:  # the driver's own calls (loop retries) and the actors' batches
            decoded = (decoded or 0) + engines.tallied(ray_tally) - before
        # a Ray run's batches are decoded in the actors: the driver's calls alone are no replay of its work
        last_calls = engines.COUNTED[-1].calls if engines.COUNTED and not ray_tally else []
        reply({"time_s": took, "decoded_tokens": decoded,
               "empty_outputs": sum(1 for t in translations if not t.strip())})
    model_s = engines.replay_seconds(last_calls)
    reply({"peak_rss_mib": peak_rss_mib(), "engine_report": getattr(runner, "report", None), "model_s": model_s,
           "model_calls": len(last_calls)})


def peak_rss_mib(pid: int | str = "self") -> float:
    """A process's peak resident set (``VmHWM``); this process's ``ru_maxrss`` as a fallback off Linux."""
    import resource

    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Worker:
    """A worker process (``run.py --worker``) for one engine and setting, driven line by line."""

    def __init__(self, spec: dict, env: dict | None = None) -> None:
        self.name = f"{spec['engine']} {spec['setting']}"
        # The spec is the first line of stdin: 2,000 sentences exceed the 128 KiB limit of one argument.
        self.proc = subprocess.Popen([PYTHON, __file__, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.error: str | None = None
        self.send(json.dumps(spec))
        self.ready = self.receive()

    def send(self, line: str) -> None:
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def receive(self) -> dict:
        if self.error:
            return {"error": self.error}
        for line in self.proc.stdout:
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
        self.proc.wait()
        tail = "\n".join(self.proc.stderr.read().strip().splitlines()[-8:])
        self.error = f"exit {self.proc.returncode}: {tail}"
        return {"error": self.error}

    def run_once(self) -> dict:
        self.send("run")
        return self.receive()

    def finish(self) -> dict:
        self.send("end")
        out = self.receive()
        self.proc.stdin.close()
        self.proc.wait()
        return out


def cpu_times() -> list[int]:
    """The all-CPU line of /proc/stat: user nice system idle iowait irq softirq steal ..."""
    try:
        return [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return []


def process_ticks(pid: int) -> int:
    """CPU time (user + system, clock ticks) a process has used, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return 0


def cpu_share(before: list[int], after: list[int], own: int = 0) -> dict:
    """Idle, steal, the timed process's own and everything else's shares of all CPU time between two
    :func:`cpu_times` readings (``own``: the ticks the timed process used meanwhile)."""
    delta = [b - a for a, b in zip(before, after)]
    total = sum(delta[:8]) if len(delta) >= 8 else 0
    if total <= 0:
        return {"idle": None, "steal": None, "own": None, "others": None}
    idle, steal = (delta[3] + delta[4]) / total, delta[7] / total
    own_share = min(1.0, own / total)
    return {"idle": round(idle, 4), "steal": round(steal, 4), "own": round(own_share, 4),
            "others": round(max(0.0, 1 - idle - steal - own_share), 4)}


# ---------------------------------------------------------------- engines

def measure_engines(engines: tuple[str, ...], model_dir: Path, mode: dict, pair: str = "ru-en") -> dict:
    """Every engine at both settings, rounds interleaved (A B C A B C ...), best of the rounds.

    All engines of one setting are loaded side by side (each in its own process, idle
    while another runs), then each round times one pass of each engine in turn, so a
    change in the machine's load hits every engine alike. /proc/stat is read around each
    pass (``cpu``: the machine's idle and steal shares during it, the timed worker's own share,
    and ``others``: what every other process used). Rates are from the
    best pass; ``spread`` is (slowest - best) / best.
    """
    from workload import sample_sentences

    src = pair.split("-")[0]
    out: dict = {engine: {} for engine in engines}
    for setting, beams in SETTINGS.items():
        workers = {}
        for engine in engines:
            count = mode["naive"][setting] if engine == "naive_hf_b1" else mode["batched"].get(setting,
                                                                                                mode["sentences"])
            spec = dict(engine=engine, setting=setting, model_dir=str(model_dir), beams=beams, pair=pair,
                        sentences=sample_sentences(src, mode["sentences"])[:count],
                        warm_up=sample_sentences(src, 4, seed=99))
            env = {**os.environ, "NOTELINGO_VMAP": "1" if engine == "notelingo_vmap" else "0"}
            workers[engine] = Worker(spec, env)
        passes: dict = {engine: [] for engine in engines}
        for _ in range(mode["repeats"]):
            for engine, w in workers.items():
                before, own = cpu_times(), process_ticks(w.proc.pid)
                result = w.run_once()
                if "error" not in result:
                    result["cpu"] = cpu_share(before, cpu_times(), process_ticks(w.proc.pid) - own)
                passes[engine].append(result)
        for engine, w in workers.items():
            final = w.finish()
            out[engine][setting] = summarize(passes[engine], final, w.ready,
                                             len(sample_sentences(src, mode["sentences"])[:_count(engine, setting,
                                                                                                   mode)]))
            cell = out[engine][setting]
            if "error" not in cell:
                print(f"  {engine:19s} {setting:6s} {cell['sent_per_s']:7.2f} sent/s "
                      f"{cell['decoded_tok_per_s'] or 0:7.0f} tok/s  spread {cell['spread']:.2f}  "
                      f"{cell['peak_rss_mib']:6.0f} MiB", flush=True)
            else:
                print(f"  {engine:19s} {setting:6s} {cell['error'][:200]}", flush=True)
    for entry in out.values():
        greedy = entry.get("greedy", {})
        for key in ("sent_per_s", "decoded_tok_per_s", "peak_rss_mib"):
            entry[key] = greedy.get(key)
    return out


def _count(engine: str, setting: str, mode: dict) -> int:
    return mode["naive"][setting] if engine == "naive_hf_b1" else mode["batched"].get(setting, mode["sentences"])


def summarize(passes: list[dict], final: dict, ready: dict, sentences: int) -> dict:
    """Best-of-N figures of one engine and setting (see :func:`measure_engines`)."""
    for part in (ready, final, *passes):
        if "error" in part:
            return {"error": part["error"]}
    times = [p["time_s"] for p in passes]
    best_i = min(range(len(times)), key=times.__getitem__)
    best = times[best_i]
    decoded = passes[best_i]["decoded_tokens"]
    cell = {"sent_per_s": sentences / best, "decoded_tokens": decoded,
            "decoded_tok_per_s": decoded / best if decoded is not None else None,
            "best_s": best, "times_s": times, "spread": (max(times) - best) / best,
            "cpu": [p["cpu"] for p in passes], "sentences": sentences, "load_s": ready["load_s"],
            "empty_outputs": passes[best_i]["empty_outputs"], "peak_rss_mib": final["peak_rss_mib"],
            "engine_report": final.get("engine_report")}
    if final.get("model_s"):
        last = times[-1]
        cell["model_s"] = final["model_s"]
        cell["model_calls"] = final["model_calls"]
        # the replay is of the last pass's calls: compare with that pass's wall time. A replay
        # slower than the pass itself (the machine's load changed) measures nothing: None.
        strict = (last - final["model_s"]) / last
        cell["overhead_strict"] = strict if strict >= 0 else None
    return cell


# ---------------------------------------------------------------- CLI

def write_workload_notes(path: Path, sentences: list[str], lang: str) -> None:
    from engines import _sentence_notes

    from notelingo.fileio import write_notes

    write_notes(path, _sentence_notes(sentences, lang))


def timed_cli(args: list[str], env: dict) -> tuple[float, float, float, int]:
    """(end-to-end wall seconds, seconds the model was busy, seconds of the model's own compute by
    replay, decoded positions) of one CLI run (see cli_timed.py)."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt", delete=False) as handle:
        time_file = handle.name
    started = time.time()
    proc = subprocess.run([PYTHON, str(BENCH_DIR / "cli_timed.py"), time_file, *args],
                          capture_output=True, text=True, env=env)
    # the replay runs after the command's own work, so the wall time ends where cli_timed says the work did
    lines = (Path(time_file).read_text().split() + ["0"] * 4)[:4]
    os.unlink(time_file)
    if proc.returncode != 0:
        raise RuntimeError(f"notelingo {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-3000:]}")
    wall = (float(lines[3]) or time.time()) - started
    return wall, float(lines[0]), float(lines[1]), int(lines[2])


def measure_cli(model_dir: Path, mode: dict) -> dict:
    """overhead_fraction, overhead_strict and rerun_ratio of the CLI (greedy) on the workload sentences.

    The model is converted once beforehand (a first-ever run's conversion is not
    what either ratio is about). Each cold run starts with an empty translation
    cache (notelingo's ``translations.sqlite3``) and no cached word facts (the glossary's word keys
    and parse facts: its words are new), but the cache on, as users run it;
    the rerun repeats the last cold run. ``overhead_fraction`` counts the time any model
    call was open as model time (a lower bound); ``overhead_strict`` counts only the
    model's own compute: the run's CTranslate2 calls replayed on the loaded model.
    """
    from workload import sample_sentences

    work = Path(tempfile.mkdtemp(prefix="notelingo-bench-cli-"))
    cache = work / "cache"
    env = {**os.environ, "NOTELINGO_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1", "NOTELINGO_VMAP": "0"}
    try:
        notes, warm = work / "notes.jsonl", work / "warm.jsonl"
        write_workload_notes(notes, sample_sentences("ru", mode["sentences"]), "ru")
        write_workload_notes(warm, sample_sentences("ru", 2, seed=99), "ru")
        base = ["-q", "translate", "--to", "en", "--model", f"ru-en={model_dir}", "--beams", "1"]
        timed_cli([*base, str(warm), "-o", str(work / "w.jsonl")], env)  # converts the model once
        cold = []
        for _ in range(mode["repeats"]):
            # new text: no translations and no word facts of its words (glossary-find keys and parse facts)
            for stale in [*cache.glob("translations.sqlite3*"), *cache.glob("glossary-find/keys-*.json"),
                          *cache.glob("glossary-find/parse-facts-*.json")]:
                stale.unlink()
            cold.append(timed_cli([*base, str(notes), "-o", str(work / "cold.jsonl")], env))
        rerun = timed_cli([*base, str(notes), "-o", str(work / "rerun.jsonl")], env)[0]
        wall, busy, _, decoded = min(cold)
        # every cold run makes the same model calls: the fastest replay is the best estimate of their compute
        own = min((run[2] for run in cold if run[2]), default=0.0)
        strict = (wall - own) / wall if own else None
        return {"overhead_fraction": (wall - busy) / wall,
                "overhead_strict": strict if strict is not None and strict >= 0 else None,
                "end_to_end_s": wall, "model_busy_s": busy, "model_own_s": own, "decoded_tokens": decoded,
                "cold_runs": cold, "cli_sent_per_s": mode["sentences"] / wall,
                "rerun_ratio": rerun / wall, "rerun_s": rerun}
    except (RuntimeError, OSError) as exc:
        return {"overhead_fraction": None, "rerun_ratio": None, "error": str(exc)[-3000:]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_cli_rows(results: dict, model_dir: Path, mode: dict) -> None:
    """``cli`` on the workload's sentences and, in the quick mode, ``cli_large`` on 2,000: a run of a
    week's notes, where the CLI's fixed start (interpreter, imports, the first batch's masking) weighs less."""
    print("notelingo translate CLI", flush=True)
    results["cli"] = measure_cli(model_dir, mode)
    results["overhead_fraction"] = results["cli"].get("overhead_fraction")
    results["overhead_strict"] = results["cli"].get("overhead_strict")
    results["rerun_ratio"] = results["cli"].get("rerun_ratio")
    if mode.get("cli_large"):
        print(f"notelingo translate CLI, {mode['cli_large']} sentences", flush=True)
        results["cli_large"] = measure_cli(model_dir, dict(sentences=mode["cli_large"], repeats=2))


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


# ---------------------------------------------------------------- vocabulary map

def build_bench_vmap(model_dir: Path, pair: str) -> dict:
    """The vocabulary map of the bench model (``notelingo models vmap``'s library call), in the bench's cache.

    Built from a draw of the sample's sentences other than the timed ones' seed, and scored
    on a held-out fifth of it; with random weights the quality gate is mechanical. A map
    the gate refuses is not written, and the notelingo_vmap row then runs the full vocabulary.
    """
    from engines import NOTELINGO_CACHE
    from workload import sample_sentences

    from notelingo.mt.vmap import VmapOptions, build_vmap

    src, tgt = pair.split("-")
    work = Path(tempfile.mkdtemp(prefix="notelingo-bench-vmap-"))
    try:
        corpus = work / "corpus.txt"
        corpus.write_text("\n".join(sample_sentences(src, 600, seed=7)) + "\n", encoding="utf-8")
        options = VmapOptions(src=src, tgt=tgt, models={pair: str(model_dir)}, cache_dir=str(NOTELINGO_CACHE),
                              beams=1, length_ratio=1.1, length_extra=0)
        report = build_vmap(str(corpus), options)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"  vmap {pair}: {report['summary']}", flush=True)
    return report


# ---------------------------------------------------------------- main

def measure_memory(sizes: tuple[int, ...]) -> dict:
    import memory

    return memory.measure(sizes)


def add_model_gflops(results: dict, model_dir: Path, mode: dict) -> None:
    """Each ru-en row's model work per second (bench/peak.py's FLOPs per token; beam search counts
    its ``beams`` rows per decoded position), to set beside the machine's measured GEMM peak."""
    import peak
    from workload import sample_sentences

    from notelingo.mt.spm import MarianSpm

    spm = MarianSpm(str(model_dir))
    lengths = [len(p) for p in spm.encode_pieces(sample_sentences("ru", mode["sentences"]))]
    pieces = (results.get("vmap") or {}).get("target_pieces") if (results.get("vmap") or {}).get("kept") else None
    for engine in ENGINES:
        for setting, beams in SETTINGS.items():
            cell = (results.get(engine) or {}).get(setting) or {}
            if "best_s" not in cell or not cell.get("decoded_tokens"):
                continue
            vocab = pieces if engine == "notelingo_vmap" else None
            work = (sum(lengths[:cell["sentences"]]) * peak.encoder_flops()
                    + cell["decoded_tokens"] * beams * peak.decoder_flops(vocab=vocab))
            cell["model_gflops"] = work / cell["best_s"] / 1e9


def run(mode_name: str, engines: tuple[str, ...], skip_memory: bool = False) -> dict:
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
    if "notelingo_vmap" in engines:
        results["vmap"] = build_bench_vmap(model_dir, "ru-en")
    print(f"engines (ru-en), {mode['repeats']} interleaved rounds: {', '.join(engines)}", flush=True)
    results.update(measure_engines(engines, model_dir, mode))
    if mode["en_ru"]:
        en_model = build_model("en-ru")
        convert_for_notelingo(str(en_model), "en-ru")
        if "notelingo_vmap" in engines:
            results["vmap_en_ru"] = build_bench_vmap(en_model, "en-ru")
        results["en_ru"] = measure_engines(tuple(e for e in engines if e != "naive_hf_b1"), en_model, mode, "en-ru")
    measure_cli_rows(results, model_dir, mode)
    if not skip_memory:
        print(f"notelingo translate peak RSS by run size: {mode['memory']} notes", flush=True)
        results["memory"] = measure_memory(mode["memory"])
    import peak

    results["limits"] = peak.limits((results.get("vmap") or {}).get("target_pieces"))
    add_model_gflops(results, model_dir, mode)
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
        "--quick", action="store_const", dest="mode", const="quick",
        help="256 sentences, 3 interleaved rounds, memory at 1k/5k notes"
    )
    group.add_argument("--full", action="store_const", dest="mode", const="full", help="2,000 sentences, and en->ru")
    group.add_argument("--smoke", action="store_const", dest="mode", const="smoke",
                       help="tiny workload: checks the code paths")
    group.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ", ".join(ENGINES))
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-RSS-by-run-size rows")
    parser.add_argument("--out", help="results file (default: bench/results/<mode>.json)")
    args = parser.parse_args()
    if args.worker:
        def reply(message: dict) -> None:
            print("RESULT " + json.dumps(message), flush=True)

        worker(json.loads(sys.stdin.readline()), sys.stdin, reply)
        return
    results = run(args.mode, tuple(args.engines.split(",")), args.no_memory)
    out = Path(args.out).resolve() if args.out else BENCH_DIR / "results" / f"{args.mode}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out} ({results['wall_s']:.0f} s)\n")
    print(markdown_table(results))


if __name__ == "__main__":
    main()
