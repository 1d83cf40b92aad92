"""A run translated in chunks of notes (mt/chunks.py, api.translate_chunked, the translate CLI) gives the
notes one call gives: same text, sentences, terms, flags and signatures, in the same order."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import make_note, write_notes
from notelingo import api
from notelingo.cli import app
from notelingo.mt.chunks import add_report, chunked
from notelingo.mt.runner import TranslateReport
from test_translate import EN_TEXT, RU_TEXT


def channel() -> list:
    """Notes that share sentences and glossary terms across what become chunk edges, code and
    formula blocks, an English note, and a note in a language no model at hand translates."""
    repeated = "Обычно в MLM мы маскируем все токены с одинаковой вероятностью."
    return [
        make_note("ru1", "ru", [("heading", "PMI-маскирование"), ("paragraph", RU_TEXT), ("code", "print('hi')")]),
        make_note("ru2", "ru", [("paragraph", repeated), ("formula", "$$p(ab)$$")]),
        make_note("en1", "en", [("paragraph", EN_TEXT), ("list_item", "BPE and MLM, again.")]),
        make_note("fa1", "fa", [("paragraph", "این یک یادداشت است.")]),
        make_note("ru3", "ru", [("paragraph", repeated + " Модель T0pp на 11B параметров."), ("paragraph", repeated)]),
        make_note("ru4", "ru", [("list_item", "BPE-токенизация, снова."),
                                ("paragraph", "Статья: arxiv.org/abs/2010.01825.")]),
    ]


def _kwargs(tiny_models, cache_dir, **extra) -> dict:
    return dict(to=("en", "ru"), models=tiny_models, beams=1, cache_dir=cache_dir, **extra)


@pytest.mark.parametrize("chunk_notes", [1, 2, 4, 100])
@pytest.mark.parametrize("cache", [False, True])
def test_chunked_notes_equal_one_call(tiny_models, tmp_path, chunk_notes, cache):
    whole = api.translate(channel(), cache=cache, **_kwargs(tiny_models, str(tmp_path / "one")))
    run = api.translate_chunked(channel(), cache=cache, chunk_notes=chunk_notes,
                                **_kwargs(tiny_models, str(tmp_path / "chunked")))
    assert [note.to_json() for note in run] == [note.to_json() for note in whole]
    for name in ("notes", "blocks_translated", "segments", "missing"):
        assert getattr(run.report, name) == getattr(whole.report, name), name
    assert run.report.repairs == whole.report.repairs and run.report.flags == whole.report.flags


def test_cli_translate_writes_what_one_call_gives(tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(tmp_path / "cli-cache"))
    monkeypatch.setattr("notelingo.mt.chunks.CHUNK_NOTES", 2)
    source = write_notes(tmp_path / "notes.jsonl", channel())
    out = tmp_path / "out.jsonl"
    args = ["-q", "translate", str(source), "-o", str(out), "--beams", "1", "--no-cache"]
    for pair, path in tiny_models.items():
        args += ["--model", f"{pair}={path}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    whole = api.translate(api.read_notes(source), cache=False, **_kwargs(tiny_models, str(tmp_path / "one")))
    assert out.read_text(encoding="utf-8").splitlines() == [note.to_json() for note in whole]


@pytest.mark.parametrize("items, size, expected", [
    ([], 3, []),
    ([1, 2, 3], 3, [[1, 2, 3]]),
    ([1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]),
])
def test_chunked(items, size, expected):
    assert list(chunked(iter(items), size)) == expected


def test_add_report_sums_counts_and_lists():
    total = TranslateReport(notes=2, segments=5, missing={"fa-en": ["a"]})
    total.flags.update({"protect:aligned": 1})
    part = TranslateReport(notes=3, segments=7, seconds=1.5, missing={"fa-en": ["b"], "zh-en": ["c"]}, where="ray")
    part.flags.update({"protect:aligned": 2})
    add_report(total, part)
    assert (total.notes, total.segments, total.seconds, total.where) == (5, 12, 1.5, "ray")
    assert total.missing == {"fa-en": ["a", "b"], "zh-en": ["c"]} and total.flags["protect:aligned"] == 3


def test_cli_translate_streams_notes_files_and_fails_a_bad_one_alone(tiny_models, tmp_path, monkeypatch):
    """notes.jsonl inputs are checked whole, then read as the chunks take them: a bad line fails its file
    (named, exit 1) and the other file is translated as one call translates it, U+2028 in a note included."""
    from notelingo.api.stream import StreamedNotes, stream_notes
    from notelingo.fileio import text_lines

    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(tmp_path / "cli-cache"))
    monkeypatch.setattr("notelingo.mt.chunks.CHUNK_NOTES", 2)
    notes = channel() + [make_note("sep", "ru", [("paragraph", "Первая строка\u2028вторая строка про датасеты.")])]
    good = write_notes(tmp_path / "good.jsonl", notes)
    bad = write_notes(tmp_path / "bad.jsonl", channel()[:2])
    bad.write_text(bad.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    (tmp_path / "post.md").write_text("# A post\n\nText.\n", encoding="utf-8")
    assert stream_notes([str(tmp_path / "post.md"), str(good)]) is None  # the readers' path: ingest
    streamed = stream_notes([str(good), str(bad)])
    assert isinstance(streamed, StreamedNotes) and len(streamed) == len(notes)
    assert [str(f.path) for f in streamed.failures] == [str(bad)]
    out = tmp_path / "out.jsonl"
    args = ["translate", str(good), str(bad), "-o", str(out), "--beams", "1", "--no-cache"]
    for pair, path in tiny_models.items():
        args += ["--model", f"{pair}={path}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "bad.jsonl: line 3: not a valid note" in result.output
    whole = api.translate(notes, cache=False, **_kwargs(tiny_models, str(tmp_path / "one")))
    assert text_lines(out.read_text(encoding="utf-8")) == [note.to_json() for note in whole]
