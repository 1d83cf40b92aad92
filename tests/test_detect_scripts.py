"""Detection across scripts (issues 15 and 17): CJK is never English, Persian is not Arabic,
mojibake and emoji-only posts have no language, and --langs is checked against the detector."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.detect.core import DetectOptions, detect_notes, detect_text
from notelingo.detect.scripts import SUPPORTED_LANGS, check_langs, garbled_share
from notelingo.errors import UsageError
from notelingo.schema import Block, Note, Signature, Source

FIXTURES = Path(__file__).parent / "fixtures" / "detect"


def scripts_rows() -> list[tuple[str, str, str]]:
    rows = FIXTURES.joinpath("scripts.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(row.split("\t", 2)) for row in rows]


def test_labelled_script_lines_accuracy():
    """zh/ja/ko/fa/ar/uk/ru/en lines, emoji-only lines and mojibake (UTF-8 read as cp1251/cp1252)."""
    rows = scripts_rows()
    kinds = Counter(kind for _, kind, _ in rows)
    assert len(rows) >= 90 and kinds["mojibake"] >= 12 and kinds["emoji"] >= 8
    got = [(label, kind, detect_text(text)[0]) for label, kind, text in rows]
    accuracy = sum(want == lang for want, _, lang in got) / len(got)
    assert accuracy >= 0.97, [row for row in got if row[0] != row[2]]
    assert not [row for row in got if row[0] in ("zh", "ja", "ko") and row[2] == "en"]
    assert all(lang == "und" for _, kind, lang in got if kind != "text")  # never mk, bg, uk or zh


def test_no_real_line_of_the_corpus_looks_garbled():
    rows = FIXTURES.joinpath("lines.tsv").read_text(encoding="utf-8").splitlines()[1:]
    lines = [row.split("\t", 2)[2] for row in rows]
    lines += [text for _, kind, text in scripts_rows() if kind == "text"]
    assert [line for line in lines if garbled_share(line) >= 0.5] == []


@pytest.mark.parametrize(("text", "langs", "context", "expected"), [
    ("美国联邦贸易委员会(FTC)对OpenAI展开调查…", ("ru", "en"), "en", "zh"),
    ("OpenAI发布了GPT-4o模型", ("ru", "en"), "en", "zh"),
    ("The paper by 张伟 shows that scaling helps a lot", ("ru", "en"), "en", "en"),  # a name, not a phrase
    ("Hugging FaceでLlama 3の日本語版が公開", ("ru", "en"), "en", "ja"),
    ("بله", ("fa", "en"), None, "fa"),  # no letter tells: the Arabic-script language in play
    ("آره درسته", ("ru", "en"), "fa", "fa"),  # ... or the note's
    ("بله", ("ru", "en"), None, "ar"),
    ("مرحبا بكم في القناة", ("fa", "en"), None, "ar"),  # Arabic words win over the language in play
    ("Ð¡Ð¾Ð·Ð´Ð°Ð½Ð¸Ðµ Ð¼Ð¾Ð´ÐµÐ»Ð¸", ("ru", "en"), "ru", "und"),
])
def test_script_rules(text, langs, context, expected):
    assert detect_text(text, langs, context)[0] == expected


def _note(note_id: str, texts: list[str], channel: str) -> Note:
    blocks = [Block(id=f"b{i}", kind="paragraph", lang=None, text={"und": text}) for i, text in enumerate(texts)]
    return Note(id=note_id, lang="und", lang_confidence=0.0, title=texts[0], blocks=blocks,
                source=Source(kind="telegram-json", path="result.json", channel=channel),
                signature=Signature(notelingo="t"))


def test_emoji_only_and_garbled_posts_have_no_language_even_in_a_russian_channel():
    notes = [
        _note("a", ["Разбираем статью про LoRA и почему она работает так хорошо."], "ch"),
        _note("b", ["🔥🔥🔥"], "ch"),
        _note("c", ["РџСЂРёРІРµС‚ РІСЃРµРј! РЎРµРіРѕРґРЅСЏ СЂР°Р·Р±РёСЂР°РµРј СЃС‚Р°С‚СЊСЋ."], "ch"),
        _note("d", ["Ð¡Ð¾Ð·Ð´Ð°Ð½Ð¸Ðµ Ð¼Ð¾Ð´ÐµÐ»Ð¸ Ð¸ ÐµÑ‘ Ð¾Ð±ÑƒÑ‡ÐµÐ½Ð¸Ðµ"], "ch"),
        _note("e", ["Новая модель вышла.", "Ð¡Ð¾Ð·Ð´Ð°Ð½Ð¸Ðµ Ð¼Ð¾Ð´ÐµÐ»Ð¸ Ð¸ ÐµÑ‘ Ð¾Ð±ÑƒÑ‡ÐµÐ½Ð¸Ðµ"], "ch"),
    ]
    tagged = detect_notes(notes, DetectOptions())
    assert [n.lang for n in tagged] == ["ru", "und", "und", "und", "ru"]
    assert [b.lang for b in tagged[4].blocks] == ["ru", "und"]  # a garbled block keeps no language


def test_short_persian_reply_takes_the_persian_of_its_group_not_arabic():
    notes = [
        _note("a", ["سلام، کسی می‌دونه چطور میشه GPT رو روی سرور خودمون اجرا کرد؟"], "g"),
        _note("b", ["We fine-tuned Llama 3 on our own data and the results are surprisingly good."], "g"),
        _note("c", ["We fine-tuned it on our own data and the results are really good, thanks."], "g"),
        _note("d", ["بله"], "g"),
    ]
    assert [n.lang for n in detect_notes(notes, DetectOptions())] == ["fa", "en", "en", "fa"]


def test_langs_are_checked_against_the_detector():
    assert check_langs(("fa", "en", "zh")) == ("fa", "en", "zh")
    assert {"ru", "en", "fa", "ar", "zh", "ja", "ko", "uk"} <= SUPPORTED_LANGS
    with pytest.raises(UsageError, match="does not know xx"):
        check_langs(("ru", "xx"))
    with pytest.raises(UsageError):
        detect_notes([], DetectOptions(langs=("ru", "qq")))


@pytest.mark.parametrize("command", [["ingest"], ["translate"]])
def test_cli_rejects_unknown_langs_with_one_line_and_exit_2(tmp_path, command):
    source = tmp_path / "a.txt"
    source.write_text("Привет", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, command + [str(source), "-o", str(out), "--langs", "ru,xx"])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "--langs" in result.stderr and "xx" in result.stderr
    assert not out.exists()
