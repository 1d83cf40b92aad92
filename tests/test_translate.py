"""Translation with tiny random Marian models (noise output: the hostile case for protection).

Everything goes through the same ``--model PATH`` resolution as a real model, on both backends.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import make_note, write_notes
from notelingo.cli import app
from notelingo.glossary import load_glossary
from notelingo.mt import DecodingOptions, TranslateOptions
from notelingo.mt.engine import translate_notes
from notelingo.protect.mask import find_protected_spans

BACKENDS = ["ctranslate2", "transformers"]
RU_TEXT = (
    "Обычно в MLM мы маскируем все токены с одинаковой вероятностью. Это, вместе с BPE-токенизацией, "
    "может приводить к простым примерам. Статья: arxiv.org/abs/2010.01825, код на https://github.com/org/repo.\n"
    "Авторы предлагают маскировать токены по их взаимной информации — PMI = $p(ab) / (p(a) p(b))$. "
    "Модель T0pp на 11B параметров обучали дольше, чем GPT-3."
)
EN_TEXT = (
    "OpenAI released GPT-3 with 175B parameters; see arXiv:2005.14165 and @openai. "
    "Call `model.generate()` with fine-tuning enabled. The FAQ at www.example.com/faq explains the API."
)


def options(models: dict, backend: str, cache_dir: str, **extra) -> TranslateOptions:
    return TranslateOptions(
        models=models, backend=backend, decoding=DecodingOptions(beams=1, batch_size=16), cache_dir=cache_dir, **extra
    )


def sample_notes():
    return [
        make_note(
            "ru1",
            "ru",
            [
                ("heading", "PMI-маскирование"),
                ("paragraph", RU_TEXT),
                ("formula", "$$p(ab)$$"),
                ("code", "print('hi')"),
            ],
        ),
        make_note("en1", "en", [("paragraph", EN_TEXT), ("list_item", "BPE and MLM, again.")]),
    ]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def test_every_protected_span_survives_and_every_block_is_translated(tiny_models, backend, cache_dir):
    notes, report = translate_notes(sample_notes(), options(tiny_models, backend, cache_dir))
    glossary = load_glossary(None)
    checked = 0
    for note in notes:
        tgt = "en" if note.lang == "ru" else "ru"
        for block in note.blocks:
            assert block.text[tgt].strip(), (note.id, block.id)
            for pair in block.sentences:
                for span in find_protected_spans(pair[note.lang], note.lang, tgt, glossary, True):
                    if span.kind != "term" or span.policy == "keep":
                        assert span.rendering in pair[tgt], (span, pair[tgt])
                        checked += 1
    assert checked >= 15
    assert notes[0].blocks[2].text == {"ru": "$$p(ab)$$", "en": "$$p(ab)$$"}  # formula copied
    assert notes[0].blocks[0].kind == "heading"
    assert notes[0].signature.models["ru-en"].startswith(tiny_models["ru-en"] + "@local-")
    assert notes[0].signature.backend == backend and notes[0].signature.glossary_hash == glossary.hash
    assert notes[0].signature.decoding["beams"] == 1
    assert any(t.entry and t.block == "b1" for t in notes[0].terms)
    for term in notes[0].terms:
        block = notes[0].blocks[int(term.block[1:])]
        assert block.text["ru"][term.start:term.end] == term.surface


def test_line_breaks_of_a_block_are_kept(tiny_models, backend, cache_dir):
    notes, _ = translate_notes(sample_notes()[:1], options(tiny_models, backend, cache_dir))
    block = notes[0].blocks[1]
    assert block.text["en"].count("\n") == RU_TEXT.count("\n")
    assert [pair["ru"] for pair in block.sentences][:1] == [
        "Обычно в MLM мы маскируем все токены с одинаковой вероятностью."
    ]


def test_150_sentence_paragraph_gives_150_aligned_pairs(tiny_models, backend, cache_dir):
    sentences = [f"Предложение номер {i} про модель." for i in range(150)]
    note = make_note("long", "ru", [("paragraph", " ".join(sentences))])
    (out,), report = translate_notes([note], options(tiny_models, backend, cache_dir))
    pairs = out.blocks[0].sentences
    assert len(pairs) == 150
    assert [p["ru"] for p in pairs] == sentences
    assert all(p["en"].strip() for p in pairs)
    assert report.backend_batches >= 150 // 32


def test_second_run_is_served_from_the_cache_and_no_cache_bypasses_it(tiny_models, backend, cache_dir):
    first_notes, first = translate_notes(sample_notes(), options(tiny_models, backend, cache_dir))
    assert first.backend_inputs > 0 and first.cache_hits == 0
    again_notes, again = translate_notes(sample_notes(), options(tiny_models, backend, cache_dir))
    assert again.backend_inputs == 0 and again.backend_batches == 0
    assert again.block_hits == first.blocks_translated > 0  # whole blocks served: no model, spaCy or matcher
    assert [n.to_json() for n in again_notes] == [n.to_json() for n in first_notes]
    _, bypass = translate_notes(sample_notes(), options(tiny_models, backend, cache_dir, use_cache=False))
    assert bypass.backend_inputs == first.backend_inputs and bypass.cache_hits == 0


def test_identical_segments_are_translated_once(tiny_models, cache_dir):
    note = make_note("dup", "ru", [("paragraph", "Одно и то же. Одно и то же."), ("paragraph", "Одно и то же.")])
    (out,), report = translate_notes([note], options(tiny_models, "ctranslate2", cache_dir, use_cache=False))
    assert report.segments == 3  # one request per sentence (gloss first use is per position) ...
    assert report.backend_inputs == 1  # ... but the model sees the sentence once
    assert len(out.blocks[0].sentences) == 2 and out.blocks[1].text["en"]


def test_ctranslate2_conversion_happens_once(tiny_models, tmp_path, monkeypatch):
    from ctranslate2.converters import TransformersConverter

    from notelingo.mt import load_translator
    from notelingo.mt.models import resolve_pair

    calls = []
    original = TransformersConverter.convert
    monkeypatch.setattr(
        TransformersConverter, "convert", lambda self, *a, **k: calls.append(1) or original(self, *a, **k)
    )
    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    first = load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=1), str(tmp_path))
    second = load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=1), str(tmp_path))
    assert len(calls) == 1
    assert first.compute_type.startswith("int8") and len(list((tmp_path / "ct2").iterdir())) == 1
    assert second.translate_batch(["Привет."])[0] == first.translate_batch(["Привет."])[0]


def test_a_broken_conversion_is_a_model_error_naming_the_folder(tiny_models, tmp_path):
    """The model loads on a thread while the engine splits and masks; its failure still reaches the
    caller as one ModelError (at first use), with the folder to delete."""
    from notelingo.errors import ModelError
    from notelingo.mt import load_translator
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=1), str(tmp_path)).translate_batch(["Привет."])
    (folder,) = (tmp_path / "ct2").iterdir()
    (folder / "model.bin").write_bytes(b"not a model")
    translator = load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=1), str(tmp_path))
    assert translator.token_lengths(["Привет."])  # the tokenizer is there at once
    with pytest.raises(ModelError, match="could not load the converted model") as caught:
        translator.translate_batch(["Привет."])
    assert str(folder) in str(caught.value)


def test_a_model_that_failed_to_load_is_loaded_again_once_fixed(tiny_models, tmp_path, monkeypatch):
    import shutil

    from notelingo.errors import ModelError
    from notelingo.mt import TranslateOptions, runner
    from notelingo.mt.models import resolve_pair

    monkeypatch.setattr(runner, "_LOADED", {})
    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    options = TranslateOptions(to=("en",), backend="ctranslate2", device="cpu", decoding=DecodingOptions(beams=1),
                               cache_dir=str(tmp_path))
    first = runner.loaded_translator(model, options)
    first.translate_batch(["Привет."])
    (folder,) = (tmp_path / "ct2").iterdir()
    (folder / "model.bin").write_bytes(b"not a model")
    runner._LOADED.clear()
    broken = runner.loaded_translator(model, options)
    with pytest.raises(ModelError):
        broken.translate_batch(["Привет."])
    shutil.rmtree(folder)  # what the message says to do
    fixed = runner.loaded_translator(model, options)
    assert fixed is not broken and fixed.translate_batch(["Привет."]) == first.translate_batch(["Привет."])


runner = CliRunner()


def test_cli_translates_a_notes_file(tiny_models, backend, cache_dir, tmp_path):
    source = tmp_path / "notes.jsonl"
    write_notes(source, sample_notes())
    out = tmp_path / "out.jsonl"
    args = ["-q", "translate", str(source), "-o", str(out), "--backend", backend, "--beams", "1",
            "--model", f"ru-en={tiny_models['ru-en']}", "--model", f"en-ru={tiny_models['en-ru']}"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    notes = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(notes) == 2
    for note in notes:
        assert all({"ru", "en"} <= set(block["text"]) for block in note["blocks"])


def test_cli_missing_model_offline_is_one_line_and_exit_1(tmp_path, cache_dir):
    source = tmp_path / "notes.jsonl"
    write_notes(source, sample_notes()[:1])
    result = runner.invoke(app, ["translate", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "Helsinki-NLP/opus-mt-ru-en" in result.stderr and "--model ru-en=PATH" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_cli_bad_backend_is_a_usage_error(tmp_path):
    source = tmp_path / "notes.jsonl"
    write_notes(source, sample_notes()[:1])
    result = runner.invoke(app, ["translate", str(source), "-o", str(tmp_path / "o.jsonl"), "--backend", "nope"])
    assert result.exit_code == 2 and "--backend 'nope'" in result.stderr


def test_glossary_edit_retranslates_only_the_segments_it_affects(tiny_models, cache_dir, tmp_path):
    import dataclasses

    from notelingo.glossary import load_glossary, save_glossary

    glossary = load_glossary(None)
    path = str(tmp_path / "ml.yaml")
    save_glossary(glossary, path)
    base = options(tiny_models, "ctranslate2", cache_dir, glossary=path)
    _, first = translate_notes(sample_notes(), base)
    glossary.entries = [
        dataclasses.replace(e, policy="translate", ru=["БПЕ-кодирование"]) if e.en == "BPE" else e
        for e in glossary.entries
    ]
    save_glossary(glossary, path)
    edited_notes, again = translate_notes(sample_notes(), base)
    assert again.block_hits < first.blocks_translated  # blocks mentioning BPE are redone ...
    assert 0 < again.backend_inputs < first.backend_inputs  # ... but unchanged segments come from the cache
    assert "БПЕ-кодирование" in edited_notes[1].blocks[1].text["ru"]


def test_enforced_terms_agree_in_number_and_are_highlighted_in_the_digest(tiny_models, cache_dir):
    import lxml.html

    from notelingo.render import DigestOptions, build_digest, render_digest

    notes, _ = translate_notes(sample_notes()[:1], options(tiny_models, "ctranslate2", cache_dir))
    note = notes[0]
    tokens = [t for t in note.terms if t.entry == "token"]
    assert tokens and {t.surface for t in tokens} == {"токены"}
    assert all(t.rendering == {"en": "tokens"} for t in tokens)
    assert "tokens" in note.blocks[1].text["en"]
    digest = build_digest(notes, DigestOptions(langs=("ru", "en")))
    tree = lxml.html.fromstring(render_digest(digest, "html"))
    marks = {
        (m.getparent().get("lang"), m.text_content(), m.get("title")) for m in tree.xpath("//main//mark[@class='term']")
    }
    assert ("ru", "токены", "tokens") in marks and ("en", "tokens", "токены") in marks
    row = next(r for r in digest.glossary if r.entry == "token")
    assert row.shown_forms("ru") == "токены" and row.shown_forms("en") == "tokens"


# --- regressions found in review: gloss first use, pivots, blank blocks ----------------

GLOSS_GLOSSARY = """version: 1
entries:
- en: attention
  ru: [внимание]
  policy: gloss
  domain: nlp
"""


def _gloss_count(note) -> list[int]:
    return [block.text["ru"].count("(attention)") + block.text["ru"].count("(Attention)") for block in note.blocks]


@pytest.fixture
def gloss_glossary(tmp_path):
    path = tmp_path / "gloss.yaml"
    path.write_text(GLOSS_GLOSSARY, encoding="utf-8")
    return str(path)


def test_repeated_sentence_is_glossed_on_first_use_only(tiny_models, cache_dir, gloss_glossary):
    note = make_note("g1", "en", [("paragraph", "Attention is key."), ("paragraph", "Attention is key.")])
    out, _ = translate_notes(
        [note], options(tiny_models, "ctranslate2", cache_dir, glossary=gloss_glossary, use_cache=False)
    )
    assert _gloss_count(out[0]) == [1, 0]


@pytest.mark.parametrize(
    "first, edited",
    [
        (
            ["We study attention today.", "The attention layer is big."],
            ["We study models today.", "The attention layer is big."],
        ),
        (
            ["We study attention today.", "The attention layer is big."],
            ["We study attention today.", "The attention layer is small."],
        ),
    ],
)
def test_editing_a_note_keeps_exactly_one_gloss(tiny_models, cache_dir, gloss_glossary, first, edited):
    opts = options(tiny_models, "ctranslate2", cache_dir, glossary=gloss_glossary)
    translate_notes([make_note("g2", "en", [("paragraph", text) for text in first])], opts)
    out, _ = translate_notes([make_note("g2", "en", [("paragraph", text) for text in edited])], opts)
    assert sum(_gloss_count(out[0])) == 1


def test_blank_block_does_not_make_the_note_untranslated(tiny_models, cache_dir):
    note = make_note(
        "w1", "ru", [("paragraph", "Модель учится."), ("paragraph", "   "), ("paragraph", "Слой работает.")]
    )
    out, _ = translate_notes([note], options(tiny_models, "ctranslate2", cache_dir))
    assert out[0].languages() == {"ru", "en"}


def test_pivot_output_longer_than_the_second_model_limit_is_split_not_rejected(tiny_models, cache_dir):
    from notelingo.mt.engine import BatchRunner, TranslateReport

    runner = BatchRunner(options(tiny_models, "ctranslate2", cache_dir, use_cache=False), TranslateReport())
    second = runner.chain("en", "ru")[0]
    limit = second.max_source_tokens
    long_english = " ".join(["The model learns fast and the layer attends well."] * (limit // 4))
    assert second.token_lengths([long_english])[0] > limit
    out = runner.pivot_hop([long_english, " "], second)
    assert out[0].strip() and out[1] == ""
