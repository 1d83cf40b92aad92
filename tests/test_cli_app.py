"""The CLI shell: light start-up, help for every command, version, usage errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from notelingo import __version__
from notelingo.cli import app

runner = CliRunner()
HEAVY = ("torch", "transformers", "spacy", "ctranslate2", "trafilatura", "lingua")


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from notelingo.cli import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("command", [[], ["ingest"], ["translate"], ["digest"], ["export"], ["glossary"], ["models"]])
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"notelingo {__version__}"


def test_unknown_command_is_a_usage_error():
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2
