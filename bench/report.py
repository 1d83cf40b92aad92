"""Targets (issues 6, 11 and 26) and the Markdown table printed at the end of a run."""

from __future__ import annotations

ENGINES = ("naive_hf_b1", "hf_batched", "ct2_direct", "notelingo", "notelingo_vmap", "notelingo_ray_local")
SETTINGS = ("greedy", "beam4")
#: A ratio target is judged only when the best-of-N figures of both engines are this steady:
#: past it, the machine's load moved between passes and the ratio says more about the load.
MAX_SPREAD = 0.15
#: Nor when, during any pass of either engine, other processes used more than this share of the
#: machine's CPU time: the ratio is then one of how the scheduler shared the cores.
MAX_OTHERS = 0.25


def _cell(results: dict, engine: str, setting: str) -> dict:
    return (results.get(engine) or {}).get(setting) or {}


def _rate(results: dict, engine: str, setting: str) -> float | None:
    return _cell(results, engine, setting).get("sent_per_s")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _ratio_check(results: dict, a: str, b: str, setting: str, bound: float) -> dict:
    """``a``/``b`` sentences per second at ``setting``: judged only when both spreads are within MAX_SPREAD,
    or when the bound lies outside the range the passes allow (best a / slowest b .. slowest a / best b)."""
    ca, cb = _cell(results, a, setting), _cell(results, b, setting)
    value = _ratio(ca.get("sent_per_s"), cb.get("sent_per_s"))
    if value is None:
        return {"value": None, "target": f">= {bound}", "holds": None}
    sa, sb = ca.get("spread", 0.0), cb.get("spread", 0.0)
    low, high = value / (1 + sa), value * (1 + sb)  # a at its slowest pass, b at its slowest pass
    passes = min(len(ca.get("times_s", ())), len(cb.get("times_s", ())))
    steady = passes >= 2 and sa <= MAX_SPREAD and sb <= MAX_SPREAD
    others = max((c.get("others") or 0 for c in (*ca.get("cpu", ()), *cb.get("cpu", ()))), default=0)
    if passes < 2 or others > MAX_OTHERS:
        holds = None  # one pass has no spread to judge by; a busy machine says little
    elif steady or not low <= bound <= high:
        holds = value >= bound if steady else low >= bound
    else:
        holds = None
    tokens = _ratio(ca.get("decoded_tok_per_s"), cb.get("decoded_tok_per_s"))
    note = (f"range {low:.2f}-{high:.2f}, spreads {sa:.2f}/{sb:.2f} over {passes} pass(es), "
            f"others' CPU share up to {others:.2f}; "
            f"decoded tok/s ratio {_fmt(tokens)}")
    return {"value": value, "target": f">= {bound}", "holds": holds, "note": note, "tokens_ratio": tokens}


def _inputs_per_sentence(results: dict) -> float | None:
    report = _cell(results, "notelingo", "greedy").get("engine_report") or {}
    return report.get("inputs_per_sentence")


def _best_notelingo(results: dict, setting: str) -> str:
    """The notelingo row a ct2_direct target is judged on: with the vocabulary map when it was measured."""
    return "notelingo_vmap" if _rate(results, "notelingo_vmap", setting) else "notelingo"


def check_targets(results: dict) -> dict:
    """Each target: measured value, bound, and whether it holds (None when not measured or the spread is too wide)."""
    rss_values = [_cell(results, e, s).get("peak_rss_mib") for e in ("notelingo", "notelingo_vmap") for s in SETTINGS]
    rss = max((v for v in rss_values if v is not None), default=None)  # the worse decoding setting
    targets = {
        "notelingo / naive_hf_b1, greedy": _ratio_check(results, "notelingo", "naive_hf_b1", "greedy", 20),
        "notelingo / hf_batched, greedy": _ratio_check(results, "notelingo", "hf_batched", "greedy", 3),
        "notelingo / hf_batched, beam 4": _ratio_check(results, "notelingo", "hf_batched", "beam4", 3),
    }
    for setting, label in (("greedy", "greedy"), ("beam4", "beam 4")):
        engine = _best_notelingo(results, setting)
        targets[f"{engine} / ct2_direct, {label}"] = _ratio_check(results, engine, "ct2_direct", setting, 1.3)
    bounds = {
        "notelingo model inputs per sentence (greedy)": (_inputs_per_sentence(results), "<=", 1.05),
        "overhead_fraction (model busy, lower bound)": (results.get("overhead_fraction"), "<=", 0.10),
        "overhead_strict (model's own compute by replay)": (results.get("overhead_strict"), "<=", 0.10),
        "overhead_strict, CLI on 2,000 sentences": (_get(results, "cli_large", "overhead_strict"), "<=", 0.10),
        "startup_ratio": (results.get("startup_ratio"), "<=", 5),
        "rerun_ratio": (results.get("rerun_ratio"), "<=", 0.05),
        "notelingo peak RSS (MiB), one direction, worst setting": (rss, "<=", 1024),
    }
    for name, (value, op, bound) in bounds.items():
        holds = None if value is None else (value >= bound if op == ">=" else value <= bound)
        targets[name] = {"value": value, "target": f"{op} {bound}", "holds": holds}
    for size, row in (results.get("memory") or {}).get("runs", {}).items():
        value = row.get("peak_rss_mib")
        targets[f"translate peak RSS (MiB), {size} notes"] = {
            "value": value, "target": "<= 1024", "holds": None if value is None else value <= 1024}
    return targets


def _fmt(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _idle(cell: dict) -> str:
    """``idle / steal / others``: the least idle, the most steal, the most others' share over the passes."""
    cpu = [c for c in cell.get("cpu", []) if c.get("idle") is not None]
    if not cpu:
        return "—"
    return (f"{min(c['idle'] for c in cpu):.2f} / {max(c['steal'] for c in cpu):.2f} / "
            f"{max(c.get('others') or 0 for c in cpu):.2f}")


def engine_rows(results: dict, engines: dict | None = None) -> list[str]:
    engines = engines if engines is not None else results
    rows = []
    for engine in ENGINES:
        for setting in SETTINGS:
            cell = (engines.get(engine) or {}).get(setting)
            if not cell:
                continue
            if "error" in cell:
                rows.append(f"| {engine} | {setting} | error: {cell['error'][:80]} | | | | | | | |")
                continue
            rate = cell["sent_per_s"]
            rows.append(
                f"| {engine} | {setting} | {_fmt(rate)} | {_fmt(cell.get('decoded_tok_per_s'), 0)} | "
                f"{_fmt(cell.get('decoded_tokens'), 0)} | {_fmt(cell.get('spread'))} | {_idle(cell)} | "
                f"{_fmt(cell['peak_rss_mib'], 0)} | {_fmt(_ratio(rate, _rate(engines, 'hf_batched', setting)), 2)} | "
                f"{_fmt(_ratio(rate, _rate(engines, 'ct2_direct', setting)), 2)} |"
            )
    return rows


def repair_lines(results: dict) -> list[str]:
    """What notelingo's engine did per setting: model inputs and how the protected spans were kept."""
    lines = []
    for engine in ("notelingo", "notelingo_vmap"):
        for setting in SETTINGS:
            cell = _cell(results, engine, setting)
            report = cell.get("engine_report") or {}
            if report:
                repairs = report.get("repairs", {})
                strict = cell.get("overhead_strict")
                lines.append(f"- {engine} {setting}: {report.get('backend_inputs')} model inputs for "
                             f"{report.get('segments')} sentences; spans kept by the model in "
                             f"{repairs.get('none', 0)}, "
                             f"aligned in {repairs.get('aligned', 0)}, spliced in {repairs.get('spliced', 0)}; "
                             f"wall time outside the model's own compute (replay): {_fmt(strict, 3)}")
    return lines


def memory_lines(results: dict) -> list[str]:
    memory = results.get("memory") or {}
    if not memory.get("runs"):
        return []
    lines = ["", "| notes | peak RSS MiB | wall s | output MiB |", "|---:|---:|---:|---:|"]
    for size, row in memory["runs"].items():
        lines.append(f"| {size} | {_fmt(row.get('peak_rss_mib'), 0)} | {_fmt(row.get('wall_s'), 1)} | "
                     f"{_fmt(row.get('output_mib'), 1)} |")
    return lines


def markdown_table(results: dict) -> str:
    env = results["env"]
    header = ["| engine | decoding | sent/s | decoded tok/s | decoded tokens | spread | idle / steal / others "
              "| peak RSS MiB | × hf_batched | × ct2_direct |",
              "|---|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    lines = [f"**{results['mode']}** — {results['workload']['sentences']} ru→en sentences "
             f"(naive loop: {results['workload']['naive_sentences']}), best of {results['workload']['repeats']} "
             f"interleaved rounds; {env['cpu']}, {env['cores']} cores; load avg at start "
             f"{env['load_avg_at_start'][0]:.2f}, at end {env['load_avg_at_end'][0]:.2f}; "
             f"notelingo path: {env['notelingo_path']}", "",
             *header, *engine_rows(results)]
    if results.get("en_ru"):
        lines += ["", "en→ru:", "", *header, *engine_rows(results, results["en_ru"])]
    lines += ["", *repair_lines(results), *memory_lines(results)]
    lines += ["", "| target | measured | bound | holds |", "|---|---:|---|---|"]
    for name, t in results["targets"].items():
        holds = {True: "yes", False: "**no**", None: "not judged"}[t["holds"]]
        note = f" ({t['note']})" if t.get("note") else ""
        lines.append(f"| {name} | {_fmt(t['value'], 3)} | {t['target']} | {holds}{note} |")
    return "\n".join(lines)


def _get(results: dict, row: str, key: str):
    """``results[row][key]``, None when the row was not measured."""
    return (results.get(row) or {}).get(key)
