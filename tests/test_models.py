"""Model resolution: --model options, local folders, offline errors, pivots, `notelingo models`."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.cli._app import error_text
from notelingo.errors import ModelError, ModelNotFoundError, UsageError
from notelingo.mt.models import parse_model_options, resolve_pair

runner = CliRunner()


@pytest.mark.parametrize(
    "values, expected",
    [
        (["ru-en=Helsinki-NLP/opus-mt-ru-en"], {"ru-en": "Helsinki-NLP/opus-mt-ru-en"}),
        (["EN-RU=org/model.v2"], {"en-ru": "org/model.v2"}),
        ([], {}),
    ],
)
def test_parse_model_options(values, expected):
    assert parse_model_options(values) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("ru-en", "SRC-TGT=HUB_ID_OR_PATH"),
        ("ru-ru=org/m", "two different"),
        ("russian-en=org/m", "SRC-TGT"),
        ("ru-en=./no/such/folder", "no such folder"),
        ("ru-en=org/../m", "no such folder"),
        ("ru-en=just-a-name", "not a hub id"),
    ],
)
def test_bad_model_options_are_usage_errors(value, message):
    with pytest.raises(UsageError, match=message) as info:
        parse_model_options([value])
    assert info.value.option == "models" and str(info.value).startswith("models ")
    assert error_text(info.value).startswith("--model ")


def test_local_folder_resolves_offline(tiny_models):
    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    assert model.path == tiny_models["ru-en"] and model.revision.startswith("local-")


def test_missing_model_offline_is_one_line():
    with pytest.raises(ModelNotFoundError) as info:
        resolve_pair("ru", "en", {})
    message = str(info.value)
    assert "\n" not in message and "--" not in message
    assert (
        "Helsinki-NLP/opus-mt-ru-en" in message
        and "with the models option ru-en=PATH" in message
        and "notelingo models download ru-en" in message
    )
    assert error_text(info.value) == message.replace("the models option", "--model")


def test_pair_without_model_pivots_through_english(tiny_models):
    # ru-de has no local model; ru-en and en-de (here: the en-ru folder standing in) do.
    chain = resolve_pair("ru", "de", {"ru-en": tiny_models["ru-en"], "en-de": tiny_models["en-ru"]})
    assert [m.pair for m in chain] == ["ru-en", "en-de"]


# Without safetensors the folder's pickle is read by the restricted unpickler: b"pickle" is refused.
@pytest.mark.parametrize(
    "drop, message", [("model.safetensors", "pytorch_model.bin refused"), ("source.spm", "source.spm")]
)
def test_incomplete_folder_is_refused(tiny_models, tmp_path, drop, message):
    folder = tmp_path / "m"
    shutil.copytree(tiny_models["ru-en"], folder)
    (folder / drop).unlink()
    if drop == "model.safetensors":
        (folder / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(ModelError, match=message):
        resolve_pair("ru", "en", {"ru-en": str(folder)})


def test_models_path_and_list_cli(tiny_models):
    result = runner.invoke(app, ["models", "path", "ru-en", "--model", f"ru-en={tiny_models['ru-en']}"])
    assert result.exit_code == 0 and result.stdout.strip() == tiny_models["ru-en"]
    result = runner.invoke(app, ["models", "list", "--model", f"ru-en={tiny_models['ru-en']}"])
    assert result.exit_code == 0
    # Each row: pair, model, where it is (or "not downloaded"), its size on disk.
    rows = result.stdout.splitlines()
    assert rows[0].startswith(f"ru-en\t{tiny_models['ru-en']}\t{tiny_models['ru-en']}\t") and rows[0].endswith(" KB")
    assert rows[1:] == ["en-ru\tHelsinki-NLP/opus-mt-en-ru\tnot downloaded"]


@pytest.mark.parametrize("args", [["models", "path", "en-ru"], ["models", "download", "en-ru"]])
def test_models_cli_offline_missing_is_one_line_exit_1(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("error: model Helsinki-NLP/opus-mt-en-ru for en-ru is not available offline")


def test_model_option_is_parsed_once_on_its_way_to_translate(tiny_models, tmp_path, monkeypatch):
    """--model is parsed and checked in the CLI; api.translate takes the checked choice as it is."""
    from conftest import make_note, write_notes
    from notelingo.mt import models

    checked = []
    real = models.check_model_spec
    monkeypatch.setattr(models, "check_model_spec", lambda spec, pair: checked.append(pair) or real(spec, pair))
    notes = write_notes(tmp_path / "notes.jsonl", [make_note("n1", "en", [("paragraph", "Hello, world.")])])
    result = runner.invoke(app, ["translate", str(notes), "-o", str(tmp_path / "out.jsonl"), "--to", "en",
                                 "--model", f"ru-en={tiny_models['ru-en']}"])
    assert result.exit_code == 0, result.output
    assert checked == ["ru-en"]


def test_a_models_mapping_is_checked_like_the_option(tiny_models):
    from notelingo.mt.models import ModelChoice, check_models

    choice = check_models({"RU-EN": tiny_models["ru-en"]})
    assert isinstance(choice, ModelChoice) and choice == {"ru-en": tiny_models["ru-en"]}
    assert check_models(choice) is choice
    with pytest.raises(UsageError, match="given twice"):
        check_models({"ru-en": tiny_models["ru-en"], "RU-EN": tiny_models["ru-en"]})
    with pytest.raises(UsageError, match="SRC-TGT=HUB_ID_OR_PATH"):
        check_models({"ru-en": " "})
