"""Small CLI promises: one-line usage errors, no traceback for any output path, digest to stdout, ingest phases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.errors import OutputError
from notelingo.fileio import atomic_write

FIXTURES = Path(__file__).parent / "fixtures"
NOTES = FIXTURES / "notes" / "bilingual.jsonl"
runner = CliRunner()


@pytest.mark.parametrize(
    "args, line",
    [
        (["translate"], "error: Missing argument 'inputs'; see 'notelingo translate --help'"),
        (["digest", str(NOTES), "--bogus"], "error: No such option: --bogus; see 'notelingo digest --help'"),
        (
            ["glossary", "suggest", "x", "--top", "many"],
            (
                "error: Invalid value for '--top' / '-n': Input should be a valid integer, "
                "unable to parse string as an integer; see 'notelingo glossary suggest --help'"
            ),
        ),
        (["frobnicate"], "error: No such command 'frobnicate'; see 'notelingo --help'"),
        (
            ["digest", str(NOTES), "-o", "x.html", "--group-by", "colour"],
            "error: --group-by 'colour': choose one of paper, source, date, none; see 'notelingo digest --help'",
        ),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args, line):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [line] and result.stdout == ""
    assert "╭" not in result.output and "Traceback" not in result.output


def test_usage_error_in_a_real_process_is_one_line():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "notelingo", "translate"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "error: Missing argument 'inputs'; see 'notelingo translate --help'\n",
    )


def test_help_and_bare_groups_still_work():
    assert runner.invoke(app, ["digest", "--help"]).exit_code == 0
    bare = runner.invoke(app, ["glossary"])
    assert "Usage" in bare.output and "find" in bare.output


SPECIAL_DIRS = [d for d in ("/proc", "/sys", "/proc/self", "/sys/kernel") if os.path.isdir(d)]


@pytest.mark.skipif(not SPECIAL_DIRS, reason="no /proc or /sys on this system")
@pytest.mark.parametrize(
    "command",
    [
        ["digest", str(NOTES), "-o", "{dir}/digest.html"],
        ["ingest", str(FIXTURES / "text" / "markdown_notes.md"), "-o", "{dir}/notes.jsonl"],
        ["export", str(NOTES), "--format", "tmx", "-o", "{dir}/x.tmx"],
        ["export", str(NOTES), "--format", "jsonl", "-o", "{dir}/x.jsonl"],
        ["export", str(NOTES), "--format", "markdown", "-o", "{dir}/vault"],
        ["glossary", "export", "--format", "deepl", "-o", "{dir}/g.csv"],
    ],
)
def test_no_traceback_for_output_under_proc_or_sys(command):
    for folder in SPECIAL_DIRS:
        result = runner.invoke(app, ["-q", *[part.replace("{dir}", folder) for part in command]])
        assert result.exit_code == 1, (folder, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        [line] = result.stderr.splitlines()
        assert line.startswith(f"error: {folder}/") and "Traceback" not in result.output


def test_atomic_write_turns_os_errors_into_one_line(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    expected = r"x\.md: cannot be written \(Read-only file system\); choose another output path"
    with pytest.raises(OutputError, match=expected), atomic_write(tmp_path / "x.md") as fh:
        fh.write("never")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, starts",
    [([], "# notelingo digest"), (["--format", "html"], "<!DOCTYPE html>"), (["-f", "markdown"], "# notelingo digest")],
)
def test_digest_to_stdout(args, starts):
    result = runner.invoke(app, ["-q", "digest", str(NOTES), "-o", "-", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(starts) and "Notes on PMI-Masking" in result.stdout and result.stderr == ""


def test_ingest_reports_each_stage():
    from notelingo.api import collect_notes as ingest
    from notelingo.cli._options import _Progress

    phases, counts = [], []
    notes, _ = ingest(
        [str(FIXTURES / "unseen" / "ml_channel.json"), str(FIXTURES / "text" / "markdown_notes.md")],
        progress=lambda done, total: counts.append((done, total)),
        phase=phases.append,
    )
    assert counts == [(1, 2), (2, 2)]
    assert [p.split(" ")[0] for p in phases] == ["Cleaning", "Detecting"] and phases[1].endswith(
        f"{len(notes)} note(s)"
    )

    class Recorder:
        def __init__(self):
            self.updates = []

        def update(self, task, **fields):
            self.updates.append(fields)

    recorder = Recorder()
    bar = _Progress(recorder, 0, "files")
    bar(2, 2)
    bar.phase("Detecting languages of 3 note(s)")
    assert recorder.updates == [
        {"completed": 2, "total": 2, "count": "2/2 files"},
        {"description": "Detecting languages of 3 note(s)", "completed": 0, "total": None, "count": ""},
    ]
