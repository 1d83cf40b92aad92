"""``notelingo eval``: BLEU, chrF, term accuracy and span survival on line-aligned parallel text."""

from __future__ import annotations

import json
from typing import List, Optional, Tuple

import typer

from ._app import app, error_boundary
from ._options import parse_models


@app.command("eval")
def eval_command(
    src: Optional[str] = typer.Argument(None, help="Source text, one segment per line (text, Markdown or MDX)."),
    ref: Optional[str] = typer.Argument(None, help="Reference translation, line-aligned with SRC."),
    pair: str = typer.Option("ru-en", "--pair", help="Direction SRC-TGT: ru-en or en-ru."),
    model: List[str] = typer.Option([], "--model", help="SRC-TGT=HUB_ID_OR_PATH (repeatable); default opus-mt."),
    backend: str = typer.Option("auto", "--backend", help="auto, ctranslate2 or transformers."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    beams: int = typer.Option(4, "--beams", min=1, max=16, help="Beam size (1 = greedy)."),
    glossary: Optional[str] = typer.Option(
        None, "--glossary", help="Glossary YAML for translation and term accuracy (default: the shipped one)."),
    no_glossary: bool = typer.Option(False, "--no-glossary", help="Translate with no glossary."),
    hyp: Optional[str] = typer.Option(None, "--hyp", help="Score this line-aligned translation; no model runs."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    compare: Optional[Tuple[str, str]] = typer.Option(
        None, "--compare", help="Print two 'eval --format json' results side by side."),
) -> None:
    """Score a model and a glossary on parallel text: BLEU, chrF, term accuracy, span survival, repairs, speed."""
    with error_boundary():
        from ..api import tools as api_tools
        from ..errors import UsageError
        from ..mt.evaluate import format_compare, format_table, load_result

        if fmt not in ("table", "json"):
            raise UsageError(f"--format {fmt!r}: use table or json")
        if compare:
            typer.echo(format_compare(load_result(compare[0]), load_result(compare[1]), compare))
            return
        if src is None or ref is None:
            raise UsageError("give SRC and REF (or --compare A.json B.json)")
        if glossary and no_glossary:
            raise UsageError("--glossary and --no-glossary: give one of them")
        _check_options(pair, device, backend)  # before --model's errors, as ever
        result = api_tools.evaluate(src, ref, pair=pair, models=parse_models(model), backend=backend, device=device,
                              beams=beams, glossary=glossary, use_glossary=not no_glossary, hyp=hyp)
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if fmt == "json" else format_table(result))


def _check_options(pair: str, device: str, backend: str) -> None:
    """Usage errors of --pair, --device and --backend (api.evaluate checks them too, for library callers)."""
    from ..mt import check_device, choose_backend
    from ..mt.models import parse_pair

    parse_pair(pair, "pair")
    check_device(device)
    choose_backend(backend)
