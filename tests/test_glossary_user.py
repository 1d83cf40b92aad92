"""The user glossary overlay, variant edits and the DeepL export, through the CLI and the library."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.glossary import Glossary, load_glossary
from notelingo.glossary.formats import deepl_pairs, export_glossary
from notelingo.glossary.model import Entry
from notelingo.glossary.user import difference, overlay, user_glossary_path
from notelingo.glossary.yamlio import default_glossary_path

SMALL = Path(__file__).parent / "fixtures" / "glossary" / "small.yaml"


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


@pytest.fixture
def small(tmp_path):
    target = tmp_path / "small.yaml"
    shutil.copyfile(SMALL, target)
    return target


def run(*args):
    return CliRunner().invoke(app, ["glossary", *map(str, args)])


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_user_glossary_path_respects_xdg(config_home, monkeypatch):
    assert user_glossary_path() == str(config_home / "notelingo" / "glossary.yaml")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", "/home/someone")
    assert user_glossary_path() == "/home/someone/.config/notelingo/glossary.yaml"


def test_edits_without_glossary_go_to_the_user_glossary(config_home):
    shipped = default_glossary_path()
    before = _sha(shipped)
    user = config_home / "notelingo" / "glossary.yaml"
    result = run("add", "vibe coding", "--ru", "вайбкодинг", "--variant", "вайбкод")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"added 'vibe coding' to {user}"
    assert run("edit", "fine-tuning", "--variant", "файнтюн-модель").exit_code == 0
    assert run("remove", "dataset").exit_code == 0
    assert _sha(shipped) == before  # the installed file is never written
    g = load_glossary()
    assert g.get("vibe coding").ru == ["вайбкодинг"] and g.get("dataset") is None
    assert "файнтюн-модель" in g.get("fine-tuning").variants["ru"]
    saved = load_glossary(str(user))
    assert [e.en for e in saved.entries] == ["fine-tuning", "vibe coding"] and saved.removed == ["dataset"]
    # everywhere the glossary is loaded without a path, the overlay applies
    assert [m.entry.en for m in g.find("Мы попробовали вайбкод", "ru")] == ["vibe coding"]
    shown = run("path").stdout.splitlines()
    assert shown == [
        f"shipped: {shipped} ({len(load_glossary(shipped).entries)} entries)",
        f"user: {user} (2 entries, 1 removed)",
    ]


def test_glossary_path_before_any_edit_and_with_explicit_file(config_home, small):
    assert (
        run("path")
        .stdout.splitlines()[1]
        .endswith("(not created yet; 'glossary add/edit/remove' without --glossary write it)")
    )
    assert run("path", "--glossary", small).stdout.strip() == f"glossary: {small} (3 entries)"


def test_overlay_replaces_in_place_and_difference_inverts_it():
    shipped = Glossary([Entry("a", ["а"]), Entry("b", ["б"]), Entry("c", ["ц"])], "shipped.yaml")
    user = Glossary([Entry("b", ["бэ"]), Entry("d", ["д"])], "user.yaml", removed=["c"])
    merged = overlay(shipped, user)
    assert [(e.en, e.ru) for e in merged.entries] == [("a", ["а"]), ("b", ["бэ"]), ("d", ["д"])]
    assert merged.sources == ("shipped.yaml", "user.yaml")
    back = difference(shipped, merged, "user.yaml")
    assert back.entries == user.entries and back.removed == ["c"]


@pytest.mark.parametrize(
    "args, variants",
    [
        (["--variant", "finetune"], {"en": ["fine-tune", "finetune"], "ru": ["зафайнтюнить"]}),
        (
            ["--variant", "дотюнить", "--variant", "fine-tune"],
            {"en": ["fine-tune"], "ru": ["зафайнтюнить", "дотюнить"]},
        ),
        (["--remove-variant", "fine-tune"], {"ru": ["зафайнтюнить"]}),
        (["--remove-variant", "зафайнтюнить", "--variant", "файнтюн"], {"en": ["fine-tune"], "ru": ["файнтюн"]}),
    ],
)
def test_edit_variant_adds_and_remove_variant_removes(small, args, variants):
    result = run("edit", "fine-tuning", *args, "--glossary", small)
    assert result.exit_code == 0, result.output
    assert load_glossary(str(small)).get("fine-tuning").variants == variants


def test_removing_a_missing_variant_is_one_line(small):
    result = run("edit", "fine-tuning", "--remove-variant", "finetune", "--glossary", small)
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "error: 'fine-tuning': no variant 'finetune' to remove (its variants: fine-tune, зафайнтюнить)"
    )


def test_deepl_export_is_two_columns_for_one_pair(small, tmp_path):
    g = load_glossary(str(small))
    assert deepl_pairs(g, "en-ru") == [
        ("BPE", "BPE"),
        ("fine-tuning", "дообучение"),
        ("fine-tune", "дообучение"),
        ("dataset", "датасет"),
    ]
    assert deepl_pairs(g, "ru-en") == [
        ("дообучение", "fine-tuning"),
        ("файнтюнинг", "fine-tuning"),
        ("зафайнтюнить", "fine-tuning"),
        ("датасет", "dataset"),
        ("набор данных", "dataset"),
    ]
    out = tmp_path / "deepl.csv"
    result = run("export", "--format", "deepl", "--pair", "en-ru", "-o", out, "--glossary", small)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["BPE", "BPE"] and all(len(row) == 2 for row in rows)


def test_deepl_export_of_the_shipped_glossary_has_unique_sources():
    for pair in ("en-ru", "ru-en"):
        rows = list(csv.reader(io.StringIO(export_glossary(load_glossary(), "deepl", pair))))
        sources = [row[0] for row in rows]
        assert len(rows) > 150 and all(len(row) == 2 and row[0] and row[1] for row in rows)
        assert len(sources) == len(set(sources))


def test_rich_csv_keeps_its_header_and_a_bad_pair_is_a_usage_error(small):
    assert run("export", "--format", "csv", "-o", "-", "--glossary", small).stdout.startswith("en,ru,variants_en,")
    result = run("export", "--format", "deepl", "--pair", "en-de", "-o", "-", "--glossary", small)
    assert result.exit_code == 2 and "--pair 'en-de'" in result.stderr
