"""Bad inputs through the CLI: each has one decided outcome (docs/failure-behaviour.md).

Every case runs ``notelingo ingest BAD good.txt -o out.jsonl`` and checks the exit
code, that stderr has exactly one ``error:`` line per failing input naming it,
that the good input was still processed, that nothing is half-written (no temp
files, valid JSONL or no file at all) and that no traceback leaks out.
Binary, legacy-encoded, huge and deeply nested inputs are generated here, once
per session; the text ones live in tests/bad_inputs/.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, make_note
from notelingo.cli import app

CORPUS = Path(__file__).parent / "bad_inputs"
GOOD = CORPUS / "good.txt"
GOOD_SNIPPET = "A good note next to the bad ones"
RUSSIAN = "Привет! Это заметка про трансформеры, внимание и обучение нейросетей. Ёлки, ёжики и \"кавычки\" тоже."
RTL = (
    "مرحبا بالعالم، هذه ملاحظة عن الشبكات العصبية والتعلم العميق.\n\n"
    "שלום עולם, זו הערה על רשתות עצביות ולמידה עמוקה.\n\n"
    "Spoofed name: \u202egnp.exe\u202c, forced \u202dleft-to-right\u202c and \u2067isolated\u2069 text about attention."
)
runner = CliRunner()


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """Binary and non-UTF-8 inputs, made once per session (never committed)."""
    root = tmp_path_factory.mktemp("bad-inputs")
    rng = random.Random(20231122)
    for suffix in ("txt", "json", "html"):
        (root / f"random.{suffix}").write_bytes(rng.randbytes(4096))
    (root / "high_bytes.txt").write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(4096)))
    import gzip

    (root / "gzipped.json").write_bytes(gzip.compress((CORPUS / "telegram_odd_entities.json").read_bytes()))
    (root / "cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (root / "koi8r.txt").write_bytes(RUSSIAN.encode("koi8-r"))
    (root / "utf16.txt").write_bytes("\ufeff".encode("utf-16-le") + RUSSIAN.encode("utf-16-le"))
    cut = (RUSSIAN + " ё").encode("utf-8")
    (root / "cut_utf8.txt").write_bytes(cut[: len(cut) - 1])  # a download cut inside the last "ё"
    (root / "rtl.txt").write_text(RTL, encoding="utf-8")
    depth = 10_000
    (root / "deep_entities.json").write_text(
        '{"name": "c", "messages": [{"id": 1, "type": "message", "text": ' + "[" * depth + '"x"' + "]" * depth + "}]}",
        encoding="utf-8",
    )
    (root / "deep.html").write_text(
        "<html><body><p>Intro paragraph about attention in transformers and how it scales with length.</p>"
        + "<div><b>" * depth + "deep text" + "</b></div>" * depth + "</body></html>",
        encoding="utf-8",
    )
    note = make_note("n1", "en", [("paragraph", "A note written by notelingo.")]).to_json()
    (root / "deep_notes.jsonl").write_text(
        note[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}\n", encoding="utf-8"
    )
    (root / "truncated_notes.jsonl").write_text(note + "\n" + note[: len(note) // 2], encoding="utf-8")
    (root / "deep_quotes.md").write_text(
        "> " * depth + "a quote nested very deeply\n\n# Title\n\nBody text about models.\n", encoding="utf-8"
    )
    return root


@dataclass(frozen=True)
class Case:
    """One bad input: its file, the exit code, the error fragment (None: read fine) and notes it gives."""

    name: str
    exit_code: int
    error: str | None
    notes: int | None  # notes from the bad file itself; None: not checked (reader-dependent)


CASES = [
    Case("empty.txt", 0, None, 0),
    Case("random.txt", 1, "looks like a binary file", 0),
    Case("random.json", 1, "looks like a binary file", 0),
    Case("random.html", 1, "looks like a binary file", 0),
    Case("high_bytes.txt", 1, "is not text in any known encoding; re-save it as UTF-8", 0),
    Case("gzipped.json", 1, "looks like a binary file", 0),
    Case(
        "truncated.json",
        1,
        "invalid JSON (Unterminated string starting at); the file may be truncated, export it again",
        0,
    ),
    Case("wrong_shape_list.json", 1, "is JSON but not a Telegram Desktop export", 0),
    Case("wrong_shape_messages.json", 1, "is JSON but not a Telegram Desktop export", 0),
    Case("wrong_shape_other.json", 1, "is JSON but not a Telegram Desktop export", 0),
    Case("telegram_odd_entities.json", 0, None, 7),
    Case("telegram_broken.html", 0, None, 3),
    Case("html_no_body.html", 0, None, 0),
    Case("html_unclosed.html", 0, None, 1),
    Case("cp1251.txt", 0, None, 1),
    Case("koi8r.txt", 0, None, 1),
    Case("utf16.txt", 0, None, 1),
    Case("cut_utf8.txt", 0, None, 1),
    Case("emoji_zwj.txt", 0, None, None),
    Case("rtl.txt", 0, None, None),
    Case("deep_entities.json", 1, "JSON is nested too deeply to read", 0),
    Case("deep.html", 0, None, None),
    Case("deep_notes.jsonl", 1, "line 1: not a valid note (Invalid JSON", 0),
    Case("truncated_notes.jsonl", 1, "line 2: not a valid note (Invalid JSON", 0),
    Case("deep_quotes.md", 0, None, None),
]


def case_path(case: Case, generated: Path) -> Path:
    committed = CORPUS / case.name
    return committed if committed.exists() else generated / case.name


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def notes_from(notes: list[dict], path: Path) -> list[dict]:
    return [note for note in notes if note["source"]["path"] == str(path)]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def assert_nothing_half_written(folder: Path) -> None:
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def ingest(*args: str):
    result = runner.invoke(app, ["ingest", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_beside_a_good_one(case, generated, tmp_path):
    bad = case_path(case, generated)
    out = tmp_path / "out.jsonl"
    result = ingest(str(bad), str(GOOD), "-o", str(out))
    assert result.exit_code == case.exit_code, result.output
    errors = error_lines(result.stderr)
    if case.error is None:
        assert errors == []
    else:
        assert errors == [f"error: {bad}: {errors[0].split(': ', 2)[2]}"] and case.error in errors[0]
    notes = read_jsonl(out)  # the good input is always processed and written
    assert any(GOOD_SNIPPET in json.dumps(note, ensure_ascii=False) for note in notes_from(notes, GOOD))
    if case.notes is not None:
        assert len(notes_from(notes, bad)) == case.notes
    if case.notes == 0 and case.error is None:
        assert f"warning: {bad}: no notes found" in result.stderr
    assert_nothing_half_written(tmp_path)


def block_texts(note: dict) -> list[str]:
    return [text for block in note["blocks"] for text in block["text"].values()]


@pytest.mark.parametrize("name", ["cp1251.txt", "koi8r.txt", "utf16.txt"])
def test_legacy_and_utf16_russian_is_decoded_exactly(name, generated, tmp_path):
    out = tmp_path / "out.jsonl"
    assert ingest(str(generated / name), "-o", str(out)).exit_code == 0
    (note,) = read_jsonl(out)
    assert note["lang"] == "ru"
    assert " ".join(block_texts(note)) == RUSSIAN


def test_utf8_cut_mid_character_keeps_everything_before_the_cut(generated, tmp_path):
    out = tmp_path / "out.jsonl"
    assert ingest(str(generated / "cut_utf8.txt"), "-o", str(out)).exit_code == 0
    (note,) = read_jsonl(out)
    assert " ".join(block_texts(note)) == RUSSIAN  # only the half "ё" is gone


def test_emoji_and_zwj_sequences_survive_byte_for_byte(tmp_path):
    out = tmp_path / "out.jsonl"
    assert ingest(str(CORPUS / "emoji_zwj.txt"), "-o", str(out)).exit_code == 0
    text = "\n".join(t for note in read_jsonl(out) for t in block_texts(note))
    for sequence in ("👩\u200d💻", "👨\u200d👩\u200d👧\u200d👦", "🇷🇺", "👍🏽", "#️⃣", "🏳️\u200d🌈", "🤖🧠✨"):
        assert sequence in text


def test_right_to_left_text_keeps_its_languages_and_bidi_controls(generated, tmp_path):
    out = tmp_path / "out.jsonl"
    assert ingest(str(generated / "rtl.txt"), "-o", str(out)).exit_code == 0
    blocks = [block for note in read_jsonl(out) for block in note["blocks"]]
    assert [block["lang"] for block in blocks] == ["ar", "he", "en"]
    # Data is never rewritten: escaping or isolating bidi controls is the renderers' job.
    assert "\n\n".join(next(iter(block["text"].values())) for block in blocks) == RTL


def test_symlink_loop_in_a_folder_finishes_and_reads_each_file_once(tmp_path):
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "note.txt").write_text(
        "A note inside a folder with a symlink loop, about optimisers.\n", encoding="utf-8"
    )
    os.symlink(folder, folder / "sub" / "loop")
    os.symlink(folder / "sub" / "note.txt", folder / "again.txt")
    out = tmp_path / "out.jsonl"
    result = ingest(str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)) == 1


def test_unreadable_file_is_one_error_line_and_others_go_on(tmp_path, monkeypatch):
    """chmod 000 does not stop root, so the refusal is simulated at the read itself."""
    locked = tmp_path / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    out = tmp_path / "out.jsonl"
    result = ingest(str(locked), str(GOOD), "-o", str(out))
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [f"error: {locked}: permission denied; make the file readable (chmod +r)"]
    assert notes_from(read_jsonl(out), GOOD)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_with_real_permissions(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    locked.chmod(0)
    result = ingest(str(locked), str(GOOD), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [f"error: {locked}: permission denied; make the file readable (chmod +r)"]


def test_missing_path_is_one_error_line_and_others_go_on(tmp_path):
    missing = tmp_path / "no-such-file.json"
    out = tmp_path / "out.jsonl"
    result = ingest(str(missing), str(GOOD), "-o", str(out))
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [f"error: {missing}: no such file or folder; check the path"]
    assert notes_from(read_jsonl(out), GOOD)


def test_when_every_input_fails_no_output_is_written_and_an_old_one_is_kept(generated, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    bad = [generated / "random.txt", CORPUS / "truncated.json", tmp_path / "missing.txt"]
    result = ingest(*map(str, bad), "-o", str(out))
    assert result.exit_code == 1
    assert len(error_lines(result.stderr)) == 3
    assert sorted(line.split(": ")[1] for line in error_lines(result.stderr)) == sorted(str(p) for p in bad)
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert_nothing_half_written(tmp_path)


@pytest.mark.parametrize("output, message", [
    ("missing/out.jsonl", "folder {tmp}/missing does not exist; create it first (mkdir -p {tmp}/missing)"),
    ("a_file/out.jsonl", "{tmp}/a_file is a file, not a folder; choose an output path inside a folder"),
    (".", "is a folder; give a file name"),
])
def test_unwritable_output_fails_before_reading_anything(output, message, tmp_path, monkeypatch):
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    target = tmp_path / output

    def no_reading(*args, **kwargs):
        raise AssertionError("inputs were read before the output path was checked")

    monkeypatch.setattr("notelingo.api.collect_notes", no_reading)
    result = ingest(str(GOOD), "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {target}: {message.format(tmp=tmp_path)}"]
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--langs", "r!"], "--langs 'r!': give ISO 639-1 codes"),
    (["--engine", "nope"], "--engine 'nope': choose one of"),
    (["--bogus-option"], "No such option"),
])
def test_usage_errors_exit_2(args, fragment, tmp_path):
    result = ingest(str(GOOD), "-o", str(tmp_path / "out.jsonl"), *args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_argument_exits_2():
    result = runner.invoke(app, ["ingest", "-o", "out.jsonl"])
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = runner.invoke(app, ["--debug", "ingest", str(GOOD), "-o", str(tmp_path / "missing" / "out.jsonl")])
    from notelingo.errors import OutputError

    assert isinstance(result.exception, OutputError)


# Real processes: what a user sees on a terminal, traceback or not.

def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "notelingo", *args], capture_output=True, text=True, timeout=timeout)


def test_subprocess_folder_of_every_bad_input(generated, tmp_path):
    """One folder with every bad input, a symlink loop and a good file: one error line per failing file."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    fast = [case for case in CASES if not case.name.startswith("deep")]
    for case in fast:
        (folder / case.name).write_bytes(case_path(case, generated).read_bytes())
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    os.symlink(folder, folder / "loop")
    out = tmp_path / "out.jsonl"
    proc = run_cli("ingest", str(folder), "-o", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    failing = sorted(str(folder / case.name) for case in fast if case.error)
    assert sorted(line.split(": ")[1] for line in error_lines(proc.stderr)) == failing
    paths = {note["source"]["path"] for note in read_jsonl(out)}
    assert str(folder / "good.txt") in paths and str(folder / "telegram_odd_entities.json") in paths
    assert_nothing_half_written(tmp_path)


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (
            ["ingest", "{tmp}/missing.txt", "-o", "{tmp}/out.jsonl"],
            1,
            "error: {tmp}/missing.txt: no such file or folder; check the path",
        ),
        (["ingest", "{good}", "-o", "{good}/out.jsonl"], 1, "error: {good}/out.jsonl: {good} is a file, not a folder"),
        (["ingest", "{good}", "-o", "{tmp}/out.jsonl", "--langs", "1"], 2, "error: --langs '1'"),
    ],
)
def test_subprocess_errors_are_one_line_without_traceback(args, code, fragment, tmp_path):
    fill = {"tmp": tmp_path, "good": GOOD}
    proc = run_cli(*(arg.format(**fill) for arg in args))
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr
    assert fragment.format(**fill) in proc.stderr.splitlines()[0]


def test_subprocess_debug_shows_a_traceback(tmp_path):
    proc = run_cli("--debug", "ingest", str(GOOD), "-o", str(tmp_path / "missing" / "out.jsonl"))
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "OutputError" in proc.stderr


# Big inputs: generated once per session (bench/ingest_speed.py writes the same ones and times them).

def _bench_ingest():
    spec = importlib.util.spec_from_file_location("ingest_speed", REPO / "bench" / "ingest_speed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def big_inputs(tmp_path_factory) -> dict[str, Path]:
    return _bench_ingest().write_big_inputs(tmp_path_factory.mktemp("big-inputs"))


@pytest.mark.slow
def test_5mb_single_line_is_read_whole(big_inputs, tmp_path):
    out = tmp_path / "out.jsonl"
    result = ingest(str(big_inputs["line"]), "-o", str(out))
    assert result.exit_code == 0, result.output
    (note,) = read_jsonl(out)
    assert sum(len(text) for text in block_texts(note)) == len(big_inputs["line"].read_text(encoding="utf-8"))


@pytest.mark.slow
def test_10000_tiny_posts(big_inputs, tmp_path):
    out = tmp_path / "out.jsonl"
    result = ingest(str(big_inputs["posts"]), "-o", str(out))
    assert result.exit_code == 0, result.output
    notes = read_jsonl(out)
    assert len(notes) == 10_000 and len({note["id"] for note in notes}) == 10_000
    assert {note["lang"] for note in notes} == {"ru"}


def test_translate_checks_the_output_path_before_translating(tmp_path, monkeypatch):
    def no_translating(*args, **kwargs):
        raise AssertionError("translated before the output path was checked")

    monkeypatch.setattr("notelingo.api.ingest", no_translating)
    monkeypatch.setattr("notelingo.api.translate", no_translating)
    target = tmp_path / "missing" / "out.jsonl"
    result = runner.invoke(app, ["translate", str(GOOD), "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {target}: folder {tmp_path}/missing does not exist")
