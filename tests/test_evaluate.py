"""notelingo eval: line selection, sacreBLEU scores, term accuracy, span survival, the CLI table and JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from notelingo.cli import app
from notelingo.glossary import load_glossary
from notelingo.mt.evaluate import RESULT_KEYS, EvalOptions, LinePair, evaluate, select_lines, term_accuracy

runner = CliRunner()
EVAL = FIXTURES / "eval"
PARALLEL = FIXTURES / "corpus" / "parallel"  # SOURCES.md: huggingface/course, Apache-2.0
CHAPTER_RU, CHAPTER_EN = PARALLEL / "hf-course-chapter6-5.ru.mdx", PARALLEL / "hf-course-chapter6-5.en.mdx"


@pytest.mark.parametrize(
    "src, ref, expected",
    [
        ("", "", "blank"),
        ("Текст", "   ", "blank"),
        ("> [!TIP]", "> [!TIP]", "identical"),
        ("GPT-2", "GPT-2", "identical"),
        ('<Youtube id="HEikzVL-lZU"/>', '<Youtube id="HEikzVL-lZU"/>', "markup"),
        ("<Tip warning={true}>", "<Tip warning={true}>", "markup"),
        ("</Tip>", "</Tip>", "markup"),
        ("{#if fw === 'pt'}", "{#if fw === 'pt'}", "markup"),
        ("{:else}", "{:else}", "markup"),
        ("<!-- comment -->", "<!-- comment -->", "markup"),
        ("<div><img src='a.png'/></div>", "<div><img src='a.png'/></div>", "markup"),
        ("```python", "```python", "code"),
        (
            "## Алгоритм обучения[[training-algorithm]]",
            "## Training algorithm[[training-algorithm]]",
            ("Алгоритм обучения", "Training algorithm"),
        ),
        ("1. Нормализация", "1. Normalization", ("Нормализация", "Normalization")),
        ("> 💡 Совет: `x`", "> 💡 Tip: `x`", ("💡 Совет: `x`", "💡 Tip: `x`")),
        ("- Пункт", "- Item", ("Пункт", "Item")),
        ("<b>Жирный</b> текст", "<b>Bold</b> text", ("<b>Жирный</b> текст", "<b>Bold</b> text")),
    ],
)
def test_one_line_is_scored_or_excluded_for_one_reason(src, ref, expected):
    pairs, excluded = select_lines([src], [ref])
    if isinstance(expected, tuple):
        assert [(p.src, p.ref) for p in pairs] == [expected] and sum(excluded.values()) == 0
    else:
        assert pairs == [] and excluded[expected] == 1 and sum(excluded.values()) == 1


def test_code_fences_and_multiline_components_are_excluded_with_their_contents():
    src = [
        "<Banner chapter={6}",
        '  notebooks={[{label: "Colab"}]}',
        "]} />",
        "Текст",
        "```",
        "код = 1",
        "```",
        "Ещё текст",
    ]
    ref = [
        "<Banner chapter={6}",
        '  notebooks={[{label: "Colab"}]}',
        "]} />",
        "Text",
        "```",
        "code = 1",
        "```",
        "More text",
    ]
    pairs, excluded = select_lines(src, ref)
    assert [(p.number, p.src, p.ref) for p in pairs] == [(4, "Текст", "Text"), (8, "Ещё текст", "More text")]
    assert excluded == {"blank": 0, "identical": 0, "markup": 3, "code": 3}


def test_the_chapter_is_cut_into_prose_lines():
    pairs, excluded = select_lines(CHAPTER_RU.read_text().splitlines(), CHAPTER_EN.read_text().splitlines())
    assert len(pairs) + sum(excluded.values()) == len(CHAPTER_RU.read_text().splitlines())
    assert excluded["code"] > 150 and excluded["markup"] == 7 and len(pairs) == 48
    assert not any(p.src.startswith(("#", "<", "```", "{")) or "[[" in p.src for p in pairs)


def test_the_reference_scored_against_itself_gives_100():
    result = evaluate(str(CHAPTER_RU), str(CHAPTER_EN), EvalOptions(src="ru", tgt="en"), hyp_path=str(CHAPTER_EN))
    assert result["bleu"]["score"] == 100.0 and result["chrf"]["score"] == 100.0
    assert result["bleu"]["signature"].startswith("nrefs:1|case:mixed|eff:no|tok:13a")
    assert result["chrf"]["signature"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0")
    assert result["term_accuracy"]["rate"] == 1.0 and result["repairs"] == {}


def shuffled_reference(tmp_path):
    """REF with each scored line replaced by the next scored line's reference."""
    lines = CHAPTER_EN.read_text().splitlines()
    pairs, _ = select_lines(CHAPTER_RU.read_text().splitlines(), lines)
    for pair, other in zip(pairs, pairs[1:] + pairs[:1]):
        lines[pair.number - 1] = other.ref
    path = tmp_path / "shuffled.en"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_shuffled_reference_scores_low(tmp_path):
    result = evaluate(
        str(CHAPTER_RU), str(CHAPTER_EN), EvalOptions(src="ru", tgt="en"), hyp_path=str(shuffled_reference(tmp_path))
    )
    assert result["bleu"]["score"] < 10 and result["chrf"]["score"] < 30  # measured 6.8 and ~22: shared words only
    assert result["lines"]["scored"] == 48


# Hand-labelled: glossary entries of the source line that the reference uses, and how many the hypothesis has.
HAND_LABELS = [
    (1, 2, 1),  # fine-tuning, dataset; the hypothesis says "trained"
    (2, 2, 2),  # tokenizer, BPE
    (3, 2, 1),  # attention, transformer; "focus mechanism"
    (4, 1, 0),  # embedding; "word vectors" (vocabulary is only in the reference)
    (5, 0, 0),  # "обратите внимание" is no term; "attention" in the hypothesis does not count
    (6, 3, 2),  # LoRA, fine-tuning, GPT-3; "LoRa" is not LoRA ("paper" is only in the reference)
    (7, 1, 0),  # batch; "package"
    (8, 0, 0),  # dataset, but the reference says "corpus"
]


@pytest.mark.parametrize("number, terms, correct", HAND_LABELS)
def test_term_accuracy_matches_the_hand_count_per_line(number, terms, correct):
    read = [
        (EVAL / name).read_text().splitlines()[number - 1]
        for name in ("terms.ru.txt", "terms.en.txt", "terms.hyp.en.txt")
    ]
    result = term_accuracy([LinePair(number, *read)], load_glossary(None), "ru", "en")
    assert (result["terms"], result["correct"]) == (terms, correct)


def test_term_accuracy_of_the_fixture_through_the_cli():
    args = [
        "eval",
        str(EVAL / "terms.ru.txt"),
        str(EVAL / "terms.en.txt"),
        "--pair",
        "ru-en",
        "--hyp",
        str(EVAL / "terms.hyp.en.txt"),
    ]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert tuple(data) == RESULT_KEYS
    assert data["term_accuracy"] == {"terms": 11, "correct": 6, "rate": round(6 / 11, 4)}


@pytest.mark.parametrize("args, message", [
    (["--pair", "ru-de"], "--pair ru-de: eval scores ru-en or en-ru"),
    (["--glossary", "x.yaml", "--no-glossary"], "--glossary and --no-glossary: give one of them"),
    (["--format", "xml"], "--format 'xml': use table or json"),
    (["--backend", "marian"], "--backend 'marian'"),
])
def test_usage_errors_name_the_option(args, message):
    result = runner.invoke(app, ["eval", str(CHAPTER_RU), str(CHAPTER_EN), "--hyp", str(CHAPTER_EN), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_files_that_are_not_line_aligned_are_refused(tmp_path):
    short = tmp_path / "short.en"
    short.write_text("one line\n")
    result = runner.invoke(app, ["eval", str(CHAPTER_RU), str(short)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: {short}: has 1 lines and {CHAPTER_RU} has 342; SRC, REF and HYP must be line-aligned"
    )


def test_compare_prints_two_runs_side_by_side(tmp_path):
    paths = []
    for name, hyp in (("self", CHAPTER_EN), ("shuffled", shuffled_reference(tmp_path))):
        result = runner.invoke(app, ["eval", str(CHAPTER_RU), str(CHAPTER_EN), "--hyp", str(hyp), "--format", "json"])
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(result.stdout)
    result = runner.invoke(app, ["eval", "--compare", *map(str, paths)])
    assert result.exit_code == 0, result.output
    bleu = next(line for line in result.stdout.splitlines() if line.startswith("BLEU "))
    shuffled = json.loads(paths[1].read_text())["bleu"]["score"]
    assert bleu.split()[1:3] == ["100.00", f"{shuffled:.2f}"] and bleu.endswith(f"({shuffled - 100:+.2f})")
    bad = runner.invoke(app, ["eval", "--compare", str(paths[0]), str(CHAPTER_EN)])
    assert bad.exit_code == 1 and "invalid JSON" in bad.stderr


TABLE_LABELS = [
    "pair",
    "lines",
    "BLEU",
    "chrF",
    "term accuracy",
    "span survival",
    "repairs",
    "speed",
    "model",
    "backend",
    "decoding",
    "glossary",
    "scoring glossary",
    "BLEU signature",
    "chrF signature",
]


@pytest.mark.slow
def test_the_tiny_model_on_the_chapter_keeps_every_span(tiny_models, session_cache_dir, monkeypatch):
    monkeypatch.setenv("NOTELINGO_CACHE_DIR", session_cache_dir)
    args = [
        "eval",
        str(CHAPTER_RU),
        str(CHAPTER_EN),
        "--pair",
        "ru-en",
        "--model",
        f"ru-en={tiny_models['ru-en']}",
        "--beams",
        "1",
    ]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["span_survival"]["rate"] == 1.0 and data["span_survival"]["spans"] > 50
    assert (
        data["lines"]["scored"] == 48 and data["lines"]["sentences"] >= 48 and data["lines"]["sentences_per_second"] > 0
    )
    assert (
        data["signature"]["models"]["ru-en"].startswith(tiny_models["ru-en"])
        and data["signature"]["decoding"]["beams"] == 1
    )
    assert data["signature"]["glossary_hash"] == load_glossary(None).hash
    assert 0 <= data["bleu"]["score"] < 100 and data["term_accuracy"]["terms"] > 20
    table = runner.invoke(app, args)  # from the cache of converted models; the translation cache is not used
    assert table.exit_code == 0, table.output
    assert [line.split("  ")[0] for line in table.stdout.splitlines()] == TABLE_LABELS
