"""The vocabulary map (mt/vmap.py, ``notelingo models vmap``): its file, its use by the CTranslate2
backend, and the quality gate that keeps or refuses it. Mechanism only: the tiny models' weights are
random, so these tests say nothing about speed or about the quality of a real model's map."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from notelingo.cli import app
from notelingo.mt import vmap as vm

pytest.importorskip("ctranslate2")

CORPUS_SAMPLE = FIXTURES / "corpus" / "text" / "004_579db69af2cfe4c6.txt"


@pytest.fixture()
def corpus(tmp_path):
    """Forty lines of the real Russian sample: 32 build the map, every fifth (8) is held out."""
    lines = [line for line in CORPUS_SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()][:40]
    path = tmp_path / "corpus.ru.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_write_vmap_format(tmp_path):
    path = tmp_path / vm.VMAP_FILE
    count = vm.write_vmap(path, {"▁при": {"▁at", "▁with"}, "мер": {"▁example"}}, {"</s>", "."}, fixed=False)
    assert path.read_text(encoding="utf-8").splitlines() == ["\t. </s>", "мер\t▁example", "▁при\t▁at ▁with"]
    assert count == 5


def test_write_vmap_fixed_puts_every_piece_on_the_always_line(tmp_path):
    path = tmp_path / vm.VMAP_FILE
    vm.write_vmap(path, {"▁при": {"▁at"}, "мер": {"▁example"}}, {"."}, fixed=True)
    assert path.read_text(encoding="utf-8").splitlines() == ["\t. ▁at ▁example"]


@pytest.mark.parametrize("lines, build, held", [
    (["a", "b", "c", "d", "e", "f"], [0, 1, 2, 3, 5], [4]),
    (["a", "", "b", "c", "d", "e"], [0, 2, 3, 4], [5]),
    (["a", "b"], [0, 1], []),
])
def test_split_held_out(lines, build, held):
    assert vm.split_held_out(lines) == (build, held)


def _scores(bleu=(30.0, 30.0), chrf=(50.0, 50.0), spans=(9, 9), terms=(4, 4)) -> dict:
    side = [{"bleu": b, "chrf": c, "spans_intact": s, "terms_correct": t}
            for b, c, s, t in zip(bleu, chrf, spans, terms)]
    return {"without": side[0], "with": side[1]}


@pytest.mark.parametrize("scores, reason", [
    (_scores(), None),
    (_scores(bleu=(30.0, 29.75)), None),
    (_scores(bleu=(30.0, 31.0), chrf=(50.0, 50.5)), None),
    (_scores(bleu=(30.0, 29.6)), "BLEU fell by 0.40"),
    (_scores(chrf=(50.0, 49.5)), "chrF fell by 0.50"),
    (_scores(spans=(9, 8)), "protected spans intact fell from 9 to 8"),
    (_scores(terms=(4, 3)), "glossary terms right fell from 4 to 3"),
])
def test_verdict(scores, reason):
    verdict = vm._verdict(scores, vm.MAX_DROP)
    assert (verdict is None) if reason is None else verdict.startswith(reason)


def test_placeholders_cover_what_mask_writes():
    from notelingo.protect.mask import Span, mask

    spans = [Span(i * 4, i * 4 + 3, "url", "url", "url") for i in range(12)]
    masked, table = mask(" ".join(["url"] * 12), spans)
    assert {table.placeholder(i) for i in range(12)} <= set(vm.placeholder_texts())


@pytest.mark.parametrize("value, enabled", [(None, True), ("1", True), ("0", False), ("off", False), ("no", False)])
def test_vmap_switch(monkeypatch, tmp_path, value, enabled):
    if value is None:
        monkeypatch.delenv("NOTELINGO_VMAP", raising=False)
    else:
        monkeypatch.setenv("NOTELINGO_VMAP", value)
    assert vm.vmap_in_use(tmp_path) is None  # no map: never used
    (tmp_path / vm.VMAP_FILE).write_text("\t.\n", encoding="utf-8")
    assert (vm.vmap_in_use(tmp_path) is not None) == enabled


def _options(tiny_models, cache, **kw) -> vm.VmapOptions:
    return vm.VmapOptions(src="ru", tgt="en", models={"ru-en": tiny_models["ru-en"]}, cache_dir=cache, beams=1, **kw)


def test_build_keeps_a_map_that_reproduces_the_full_vocabulary(tiny_models, tmp_path, corpus, monkeypatch):
    """Each held-out line also stands among the build lines, so the map holds every piece the model
    writes for it (a random model's pieces for unseen lines are not predictable: whether such a map
    is kept there is chance, and it changed with the glossary's masking)."""
    monkeypatch.delenv("NOTELINGO_VMAP", raising=False)
    lines = corpus.read_text(encoding="utf-8").splitlines()[:8]
    corpus.write_text("\n".join(line for line in lines for _ in range(5)) + "\n", encoding="utf-8")
    report = vm.build_vmap(str(corpus), _options(tiny_models, str(tmp_path / "cache")))
    folder = tmp_path / "cache" / "ct2"
    (converted,) = folder.iterdir()
    lines = (converted / vm.VMAP_FILE).read_text(encoding="utf-8").splitlines()
    assert report["kept"] and report["refused"] is None
    assert lines[0].startswith("\t") and "</s>" in lines[0].split("\t")[1].split()
    assert all(line.count("\t") == 1 for line in lines)
    assert (report["build_lines"], report["held_out_lines"]) == (32, 8)
    assert report["with"]["compute_type"].endswith("+vmap-" + vm.vmap_in_use(converted))
    assert "+vmap-" not in report["without"]["compute_type"]
    assert report["with"]["bleu"] >= report["without"]["bleu"] - vm.MAX_DROP
    assert report["with"]["spans_intact"] == report["without"]["spans_intact"]


def test_build_refuses_a_map_that_changes_the_output(tiny_models, tmp_path, corpus, monkeypatch):
    """A map that leaves out the pieces the model writes changes every translation: refused, no vmap.txt."""
    monkeypatch.delenv("NOTELINGO_VMAP", raising=False)
    monkeypatch.setattr(vm, "collect_map", lambda *a, **k: {})
    monkeypatch.setattr(vm, "always_pieces", lambda spm, *a: {"</s>", "."})
    report = vm.build_vmap(str(corpus), _options(tiny_models, str(tmp_path / "cache")))
    (converted,) = (tmp_path / "cache" / "ct2").iterdir()
    assert not report["kept"]
    assert report["refused"].startswith(("BLEU fell", "chrF fell"))
    assert not (converted / vm.VMAP_FILE).exists() and not (converted / "vmap.candidate.txt").exists()


def test_translation_uses_the_map_and_signs_it(tiny_models, tmp_path, monkeypatch):
    """A map present beside the converted model restricts the output and changes the compute type
    (so the translation cache keeps the two apart); NOTELINGO_VMAP=0 turns it off."""
    from notelingo.mt import DecodingOptions
    from notelingo.mt.ct2 import CT2Translator, convert_once
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    cache = str(tmp_path / "cache")
    folder = convert_once(model, "int8", cache)
    decoding = DecodingOptions(beams=1)
    monkeypatch.setenv("NOTELINGO_VMAP", "1")
    plain = CT2Translator(model, "cpu", decoding, cache)
    texts = ["Модель обучена на данных.", "Привет, как дела?"]
    full = plain.translate_batch(texts)
    allowed = {"▁the", "▁a"}
    (folder / vm.VMAP_FILE).write_text("\t" + " ".join(sorted(allowed)) + "\n", encoding="utf-8")
    mapped = CT2Translator(model, "cpu", decoding, cache)
    restricted = mapped.translate_batch(texts)
    assert "+vmap-" in mapped.compute_type and "+vmap-" not in plain.compute_type
    assert plain.signature.cache_key(texts[0]) != mapped.signature.cache_key(texts[0])
    assert all(set(out.split()) <= {"the", "a"} for out in restricted) and restricted != full
    monkeypatch.setenv("NOTELINGO_VMAP", "0")
    off = CT2Translator(model, "cpu", decoding, cache)
    assert off.translate_batch(texts) == full and "+vmap-" not in off.compute_type


def test_cli_vmap_refusal_warns_in_one_line(tiny_models, tmp_path, corpus, monkeypatch):
    monkeypatch.delenv("NOTELINGO_VMAP", raising=False)
    monkeypatch.setattr(vm, "collect_map", lambda *a, **k: {})
    monkeypatch.setattr(vm, "always_pieces", lambda spm, *a: {"</s>"})
    result = CliRunner().invoke(app, ["models", "vmap", "ru-en", str(corpus), "--model",
                                      f"ru-en={tiny_models['ru-en']}", "--beams", "1", "--cache-dir",
                                      str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("warning: ru-en vocabulary map refused (") and "keeping the full vocabulary" in line


def test_cli_vmap_unaligned_reference(tiny_models, tmp_path, corpus):
    ref = tmp_path / "ref.txt"
    ref.write_text("one line\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["models", "vmap", "ru-en", str(corpus), "--ref", str(ref), "--model",
                                      f"ru-en={tiny_models['ru-en']}", "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code != 0
    assert "give line-aligned files" in result.output
