"""``notelingo glossary ...`` through typer's CliRunner: exact output and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.fileio import write_notes
from notelingo.schema import Note, Signature, Source, TermUse

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "glossary" / "small.yaml"
CORPUS_TEXT = sorted((FIXTURES / "corpus" / "text").glob("*.txt"))


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def small(tmp_path):
    target = tmp_path / "small.yaml"
    shutil.copyfile(SMALL, target)
    return target


def run(runner, *args):
    return runner.invoke(app, ["glossary", *map(str, args)])


def test_list_table(runner, small):
    result = run(runner, "list", "--glossary", small)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "term                             policy    domain          russian",
        "BPE                              keep      nlp             -",
        "fine-tuning                      translate training        дообучение / файнтюнинг",
        "dataset                          translate data            датасет / набор данных",
    ]


def test_list_json_and_show(runner, small):
    listed = json.loads(run(runner, "list", "--format", "json", "--glossary", small).stdout)
    assert listed[1] == {
        "en": "fine-tuning",
        "ru": ["дообучение", "файнтюнинг"],
        "variants": {"en": ["fine-tune"], "ru": ["зафайнтюнить"]},
        "policy": "translate",
        "domain": "training",
    }
    result = run(runner, "show", "зафайнтюнить", "--glossary", small)
    assert result.stdout.splitlines() == [
        "en: fine-tuning", "ru: дообучение / файнтюнинг", "variants.en: fine-tune", "variants.ru: зафайнтюнить",
        "policy: translate", "domain: training", "line: 12",
    ]


def test_add_edit_remove_roundtrip(runner, small):
    before = small.read_text(encoding="utf-8")
    result = run(
        runner, "add", "prompt", "--ru", "промпт", "--variant", "промт", "--variant", "prompting", "--glossary", small
    )
    assert (result.exit_code, result.stdout) == (0, f"added 'prompt' to {small}\n")
    assert (
        "- en: prompt\n  ru: [промпт]\n  variants:\n    en: [prompting]\n    ru: [промт]\n  policy: translate\n"
        in small.read_text(encoding="utf-8")
    )
    result = run(runner, "edit", "prompt", "--policy", "gloss", "--note", "LLM input", "--glossary", small)
    assert (result.exit_code, result.stdout) == (0, f"edited 'prompt' in {small}\n")
    assert "  policy: gloss\n  note: LLM input\n" in small.read_text(encoding="utf-8")
    result = run(runner, "remove", "prompt", "--glossary", small)
    assert (result.exit_code, result.stdout) == (0, f"removed 'prompt' from {small}\n")
    assert small.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["add", "dataset", "--ru", "датасет"],
            "error: {path}: term 'dataset' already exists (line 19); change it with 'notelingo glossary edit'",
        ),
        (
            ["add", "corpus", "--ru", "дообучение"],
            "error: {path}: refused to change 'corpus': 'corpus': Russian rendering 'дообучение' is also the "
            "rendering of 'fine-tuning' (line 12); choose a distinct rendering",
        ),
        (
            ["add", "corpus", "--ru", "корпус", "--policy", "sometimes"],
            "error: --policy 'sometimes': use one of keep, translate, gloss; see 'notelingo glossary add --help'",
        ),
        (
            ["remove", "prompt"],
            "error: {path}: no entry 'prompt'; see 'notelingo glossary list' (terms are canonical English)",
        ),
        (
            ["edit", "dataset"],
            "error: nothing to change; give --en, --ru, --variant, --remove-variant, --generic, --policy, --note or "
            "--domain;"
            " see 'notelingo glossary edit --help'",
        ),
    ],
)
def test_refused_edits_give_one_line_and_leave_the_file(runner, small, args, message):
    before = small.read_text(encoding="utf-8")
    result = run(runner, *args, "--glossary", small)
    assert result.exit_code in (1, 2)
    assert result.stderr.splitlines() == [message.format(path=small)]
    assert small.read_text(encoding="utf-8") == before


def test_lint_ok_and_problems(runner, small):
    result = run(runner, "lint", "--glossary", small)
    assert (result.exit_code, result.stdout) == (0, "ok: 3 entries, no problems\n")
    bad = FIXTURES / "glossary" / "bad.yaml"
    result = run(runner, "lint", "--glossary", bad)
    assert result.exit_code == 1
    assert (
        result.stdout.splitlines()[0] == f"{bad}:6: 'Dataset': duplicate term (also on line 3); merge the two entries"
    )
    assert result.stderr == "6 problems in 4 entries\n"


def test_lint_passes_on_shipped_glossary(runner):
    result = run(runner, "lint")
    assert result.exit_code == 0 and result.stdout.startswith("ok: ")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
def test_export_then_import_into_new_file(runner, small, tmp_path, fmt):
    exported = tmp_path / f"out.{fmt}"
    assert (
        run(runner, "export", "--format", fmt, "-o", exported, "--glossary", small).stdout
        == f"exported to {exported}\n"
    )
    back = tmp_path / "back.yaml"
    result = run(runner, "import", exported, "-o", back)
    assert result.stdout == f"imported 3 entries from {exported} into {back}\n"
    assert back.read_text(encoding="utf-8") == small.read_text(encoding="utf-8")


def test_import_merges_new_terms_only(runner, small):
    table = FIXTURES / "corpus" / "parallel" / "hf-course-ru-glossary.mdx"
    result = run(runner, "import", table, "--glossary", small)
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout == f"imported 106 entries from {table} into {small}; kept 1 existing; skipped 2 that conflict\n"
    )
    assert (
        result.stderr.splitlines()[0]
        == "skipped 'fine-tune': 'fine-tune': form 'fine-tune' matches the same text as 'fine-tune' of 'fine-tuning' "
           "(line 12); remove or change one of them"
    )


def test_writing_over_a_device_is_refused(runner, small):
    result = run(runner, "export", "--format", "csv", "-o", "/dev/null", "--glossary", small)
    assert (result.exit_code, result.stderr) == (
        1,
        "error: /dev/null: is not a regular file; give a file path to write to\n",
    )


def test_find_text_and_json(runner):
    result = run(runner, "find", "Мы зафайнтюнили модель на трёх датасетах", "--lang", "ru")
    assert result.stdout.splitlines() == [
        "3-15\tзафайнтюнили\tfine-tuning\tдообучение / файнтюнинг",
        "31-40\tдатасетах\tdataset\tдатасет / набор данных",
    ]
    rows = json.loads(run(runner, "find", "BPE-токенизации", "--lang", "ru", "--format", "json").stdout)
    assert [(r["start"], r["end"], r["surface"], r["en"]) for r in rows] == [
        (0, 3, "BPE", "BPE"),
        (4, 15, "токенизации", "tokenization"),
    ]


def test_find_bad_lang_is_a_usage_error(runner):
    result = run(runner, "find", "text", "--lang", "de")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --lang 'de': use one of ru, en; see 'notelingo glossary find --help'\n",
    )


def test_suggest_lists_real_candidates_not_in_glossary(runner):
    result = run(runner, "suggest", *CORPUS_TEXT, "--top", "40")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    terms = {row[3] for row in rows}  # count, posts, kind, term, example
    assert {"negative samples", "T0pp", "BigScience", "arXiv DOOM"} <= terms
    assert not terms & {"BPE", "PMI", "MLM", "WWM", "GPT-3", "LSH", "BYOL"}
    first = rows[0]
    # 6, not 9: inputs go through ingest, so 001's copies of 000's notes count once.
    assert first[:4] == ["6", "2", "multiword", "negative samples"] and "negative samples" in first[4]


def _note(note_id: str, uses: list[tuple[str, str, str]]) -> Note:
    terms = [
        TermUse(
            entry=en,
            lang="en",
            block="b1",
            start=0,
            end=len(surface),
            surface=surface,
            policy="translate",
            rendering={"en": surface, "ru": ru},
        )
        for en, surface, ru in uses
    ]
    return Note(
        id=note_id,
        lang="en",
        lang_confidence=1.0,
        title="t",
        source=Source(kind="text", path="x.txt"),
        terms=terms,
        signature=Signature(notelingo="0.1.0"),
    )


def test_stats_reports_renderings_and_consistency(runner, small, tmp_path):
    notes = tmp_path / "notes.jsonl"
    write_notes(notes, [
        _note("n1", [("fine-tuning", "fine-tuned", "дообучили"), ("dataset", "datasets", "датасет")]),
        _note("n2", [("fine-tuning", "fine-tuning", "дообучение"), ("dataset", "dataset", "датасет")]),
    ])
    result = run(runner, "stats", notes, "--glossary", small)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "dataset: 2 uses; ru: датасет ×2; consistent",
        "fine-tuning: 2 uses; ru: дообучили ×1, дообучение ×1; inconsistent (glossary ru: дообучение)",
        "2 terms, 1 inconsistent",
    ]
