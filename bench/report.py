"""Targets (issues 6 and 11) and the Markdown table printed at the end of a run."""

from __future__ import annotations

ENGINES = ("naive_hf_b1", "hf_batched", "notelingo", "notelingo_ray_local")
SETTINGS = ("greedy", "beam4")


def _rate(results: dict, engine: str, setting: str) -> float | None:
    return (results.get(engine) or {}).get(setting, {}).get("sent_per_s")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _inputs_per_sentence(results: dict) -> float | None:
    report = ((results.get("notelingo") or {}).get("greedy") or {}).get("engine_report") or {}
    return report.get("inputs_per_sentence")


def check_targets(results: dict) -> dict:
    """Each target: measured value, bound, and whether it holds (None when not measured)."""
    rss_values = [(results.get("notelingo") or {}).get(s, {}).get("peak_rss_mib") for s in SETTINGS]
    rss = max((v for v in rss_values if v is not None), default=None)  # the worse decoding setting
    measured = {
        "notelingo / naive_hf_b1, greedy": (
            _ratio(_rate(results, "notelingo", "greedy"), _rate(results, "naive_hf_b1", "greedy")),
            ">=",
            20,
        ),
        "notelingo / hf_batched, greedy": (
            _ratio(_rate(results, "notelingo", "greedy"), _rate(results, "hf_batched", "greedy")),
            ">=",
            3,
        ),
        "notelingo / hf_batched, beam 4": (
            _ratio(_rate(results, "notelingo", "beam4"), _rate(results, "hf_batched", "beam4")),
            ">=",
            3,
        ),
        "notelingo model inputs per sentence (greedy)": (_inputs_per_sentence(results), "<=", 1.05),
        "overhead_fraction": (results.get("overhead_fraction"), "<=", 0.10),
        "startup_ratio": (results.get("startup_ratio"), "<=", 5),
        "rerun_ratio": (results.get("rerun_ratio"), "<=", 0.05),
        "notelingo peak RSS (MiB), one direction, worst setting": (rss, "<=", 1024),
    }
    targets = {}
    for name, (value, op, bound) in measured.items():
        holds = None if value is None else (value >= bound if op == ">=" else value <= bound)
        targets[name] = {"value": value, "target": f"{op} {bound}", "holds": holds}
    return targets


def _fmt(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def engine_rows(results: dict, engines: dict | None = None) -> list[str]:
    engines = engines if engines is not None else results
    rows = []
    for engine in ENGINES:
        for setting in SETTINGS:
            cell = (engines.get(engine) or {}).get(setting)
            if not cell:
                continue
            if "error" in cell:
                rows.append(f"| {engine} | {setting} | error: {cell['error'][:80]} | | | | |")
                continue
            rate = cell["sent_per_s"]
            rows.append(
                f"| {engine} | {setting} | {_fmt(rate)} | {_fmt(cell['tgt_tok_per_s'], 0)} | "
                f"{_fmt(cell['peak_rss_mib'], 0)} | {_fmt(_ratio(rate, _rate(engines, 'naive_hf_b1', setting)), 1)} | "
                f"{_fmt(_ratio(rate, _rate(engines, 'hf_batched', setting)), 2)} |"
            )
    return rows


def repair_lines(results: dict) -> list[str]:
    """What notelingo's engine did per setting: model inputs and how the protected spans were kept."""
    lines = []
    for setting in SETTINGS:
        report = ((results.get("notelingo") or {}).get(setting) or {}).get("engine_report") or {}
        if report:
            repairs = report.get("repairs", {})
            lines.append(f"- notelingo {setting}: {report.get('backend_inputs')} model inputs for "
                         f"{report.get('segments')} sentences; spans kept by the model in {repairs.get('none', 0)}, "
                         f"aligned in {repairs.get('aligned', 0)}, spliced in {repairs.get('spliced', 0)}")
    return lines


def markdown_table(results: dict) -> str:
    env = results["env"]
    header = ["| engine | decoding | sent/s | target tok/s | peak RSS MiB | × naive_hf_b1 | × hf_batched |",
              "|---|---|---:|---:|---:|---:|---:|"]
    lines = [f"**{results['mode']}** — {results['workload']['sentences']} ru→en sentences "
             f"(naive loop: {results['workload']['naive_sentences']}), medians of {results['workload']['repeats']}; "
             f"{env['cpu']}, {env['cores']} cores; load avg at start {env['load_avg_at_start'][0]:.2f}, "
             f"at end {env['load_avg_at_end'][0]:.2f}; notelingo path: {env['notelingo_path']}", "",
             *header, *engine_rows(results)]
    if results.get("en_ru"):
        lines += ["", "en→ru:", "", *header, *engine_rows(results, results["en_ru"])]
    lines += ["", *repair_lines(results)]
    lines += ["", "| target | measured | bound | holds |", "|---|---:|---|---|"]
    for name, t in results["targets"].items():
        holds = {True: "yes", False: "**no**", None: "not measured"}[t["holds"]]
        lines.append(f"| {name} | {_fmt(t['value'], 3)} | {t['target']} | {holds} |")
    return "\n".join(lines)
