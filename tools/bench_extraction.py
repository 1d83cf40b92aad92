"""Main-text extraction of web pages: notelingo's HTML reader against trafilatura's default, in one run,
on a public benchmark with ground truth, scored with the benchmark's own metric.

Benchmarks (each checkout's own scoring code is imported, never rewritten here):

* ``aeb``: the article-extraction benchmark of Scrapinghub/Zyte
  (github.com/scrapinghub/article-extraction-benchmark: ``html/<id>.html.gz``, ``ground-truth.json``,
  ``evaluate.py`` with its 4-gram shingle precision/recall/F1); predictions are also written to
  ``DIR/output/{notelingo,trafilatura_default}.json`` in its format;
* ``trafilatura``: trafilatura's own evaluation set (github.com/adbar/trafilatura ``tests/``:
  ``evaldata.json`` with "with"/"without" segments per page, ``eval_common.py`` counting them).

Both extractors see the same bytes; notelingo's text is its notes' blocks joined by newlines (the body:
the page title, h1 included, goes to ``note.title``, as trafilatura keeps the title in its metadata;
``--with-title`` counts the title as text too), trafilatura's is ``trafilatura.extract(html)`` with
default options.

Run: ``python tools/bench_extraction.py {aeb,trafilatura} DIR [--limit N]``; prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from pathlib import Path


def _metric_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WITH_TITLE = False  # --with-title: the note's title (the page's h1 moves there) counts as text too


def notelingo_text(html: str, key: str) -> tuple[str, str | None]:
    """(text, error): a reader failure is recorded, never raised (an empty prediction scores 0)."""
    from notelingo.errors import InputError
    from notelingo.readers import read_decoded

    try:
        posts = read_decoded(html, f"{key}.html").posts
    except InputError as exc:
        return "", str(exc)
    lines = []
    for post in posts:
        if WITH_TITLE and post.title and not (post.blocks and post.blocks[0].text.strip() == post.title.strip()):
            lines.append(post.title)
        lines.extend(block.text for block in post.blocks)
    return "\n".join(lines), None


def _extract(name: str, data: bytes, filename: str) -> tuple[str, str | None]:
    """The page's text by ``name``; notelingo decodes the bytes as it does any input (charset
    detection), trafilatura is given the bytes, as its own evaluation does."""
    if name == "trafilatura_default":
        return trafilatura_text(data), None
    from notelingo.errors import InputError
    from notelingo.fileio import decode_bytes

    try:
        html = decode_bytes(data, filename)
    except InputError as exc:
        return "", str(exc)
    return notelingo_text(html, filename)


def trafilatura_text(html: str | bytes) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def run_aeb(root: Path, limit: int | None) -> dict:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    outputs: dict[str, dict[str, dict]] = {"notelingo": {}, "trafilatura_default": {}}
    errors, seconds = [], {"notelingo": 0.0, "trafilatura_default": 0.0}
    for key in keys:
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", errors="replace")
        start = time.perf_counter()
        text, error = notelingo_text(html, key)
        seconds["notelingo"] += time.perf_counter() - start
        if error:
            errors.append(error)
        outputs["notelingo"][key] = {"articleBody": text}
        start = time.perf_counter()
        outputs["trafilatura_default"][key] = {"articleBody": trafilatura_text(html)}
        seconds["trafilatura_default"] += time.perf_counter() - start
    metric = _metric_module(root / "evaluate.py", "aeb_evaluate")
    subset = {key: truth[key] for key in keys}
    results = {}
    for name, prediction in outputs.items():
        (root / "output").mkdir(exist_ok=True)
        (root / "output" / f"{name}.json").write_text(json.dumps(prediction, ensure_ascii=False), encoding="utf-8")
        results[name] = metric.evaluate(subset, prediction, n_bootstrap=200)
        results[name]["seconds"] = seconds[name]
    return {"pages": len(keys), "errors": errors, "results": results}


def run_trafilatura_eval(root: Path, limit: int | None) -> dict:
    """trafilatura's evaluation set, scored by its own ``eval_common`` (segments found / wrongly kept)."""
    tests = root / "tests" if (root / "tests" / "evaldata.json").exists() else root
    common = _metric_module(tests / "eval_common.py", "trafilatura_eval_common")
    evaldata = common.load_evaldata(str(tests / "evaldata.json"))
    urls = sorted(evaldata)[:limit] if limit else sorted(evaldata)
    corpus = common.read_corpus(str(tests), {url: evaldata[url] for url in urls})
    matrices = {"notelingo": common.ConfusionMatrix(), "trafilatura_default": common.ConfusionMatrix()}
    seconds = {name: 0.0 for name in matrices}
    errors = []
    for url in urls:
        _, data = corpus[url]
        for name in matrices:
            start = time.perf_counter()
            text, error = _extract(name, data, evaldata[url]["file"])
            seconds[name] += time.perf_counter() - start
            if error:
                errors.append(error)
            matrices[name].add(common.count_item(evaldata[url], text))
    results = {}
    for name, matrix in matrices.items():
        precision, recall, accuracy, f1 = matrix.scores()
        results[name] = {"f1": f1, "f1_std": 0.0, "precision": precision, "recall": recall, "accuracy": accuracy,
                         "seconds": seconds[name]}
    return {"pages": len(urls), "errors": errors, "results": results}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", choices=["aeb", "trafilatura"])
    parser.add_argument("root", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--with-title", action="store_true")
    args = parser.parse_args(argv)
    global WITH_TITLE
    WITH_TITLE = args.with_title
    run = run_aeb if args.benchmark == "aeb" else run_trafilatura_eval
    report = run(args.root, args.limit)
    print(f"{args.benchmark}: {report['pages']} pages, {len(report['errors'])} reader error(s)")
    for error in report["errors"]:
        print("  " + error)
    print("| extractor | F1 | precision | recall | accuracy | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, m in report["results"].items():
        print(f"| {name} | {m['f1']:.4f} ± {m['f1_std']:.3f} | {m['precision']:.4f} | {m['recall']:.4f} | "
              f"{m['accuracy']:.3f} | {m['seconds']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
