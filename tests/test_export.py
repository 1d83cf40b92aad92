"""Exports: TMX 1.4 (parsed back, loaded by translate-toolkit), Markdown vault (safe names), JSONL (re-validated)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest
import yaml
from typer.testing import CliRunner

from notelingo.cli import app
from notelingo.errors import FormatError, OutputError
from notelingo.schema import UNTRANSLATED_KINDS, Note
from notelingo.writers import export_notes
from notelingo.writers import jsonl as jsonl_export
from notelingo.writers.tmx import build_tmx, write_tmx
from notelingo.writers.vault import MAX_STEM_BYTES, existing_note_id, safe_stem, write_vault
from test_render_helpers import BILINGUAL, check_golden, load_fixture_notes, make_note

runner = CliRunner()
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def notes():
    return load_fixture_notes()


def expected_pairs(notes: list[Note]) -> list[dict[str, str]]:
    """Aligned pairs counted straight from the schema: sentences, else whole multilingual blocks."""
    pairs = []
    for note in notes:
        for block in note.blocks:
            if block.kind not in UNTRANSLATED_KINDS:
                pairs += [
                    p for p in (block.sentences or [block.text]) if len([t for t in p.values() if t.strip()]) >= 2
                ]
    return pairs


# --- TMX ------------------------------------------------------------------------------


def test_tmx_parses_back_with_one_unit_per_pair(tmp_path, notes):
    path = tmp_path / "out.tmx"
    count = write_tmx(notes, path)
    root = ET.parse(path).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr, value in {
        "creationtool": "notelingo",
        "segtype": "sentence",
        "datatype": "plaintext",
        "srclang": "*all*",
        "adminlang": "en",
    }.items():
        assert header.get(attr) == value
    assert header.get("creationtoolversion") and header.get("o-tmf")
    units = root.findall("body/tu")
    pairs = expected_pairs(notes)
    assert count == len(units) == len(pairs) > 0
    for tu, pair in zip(units, pairs):
        children = [child.tag for child in tu]
        assert children.index("tuv") > max(
            i for i, tag in enumerate(children) if tag == "prop"
        )  # props first (DTD order)
        segs = {tuv.get(XML_LANG): tuv.findtext("seg") for tu_child in [tu] for tuv in tu_child.findall("tuv")}
        assert segs == {lang: text.strip() for lang, text in pair.items()}
        props = {prop.get("type"): prop.text for prop in tu.findall("prop")}
        assert {"x-note-id", "x-block-id", "x-source-kind"} <= set(props)


def test_tmx_props_carry_source_metadata(notes):
    tree, _ = build_tmx(notes)
    blog = [tu for tu in tree.getroot().iter("tu") if tu.findtext("prop[@type='x-note-id']") == "n-en-pmi"]
    props = {prop.get("type"): prop.text for prop in blog[0].findall("prop")}
    assert props["x-url"] == "https://ml-notes.example.com/posts/pmi-masking"
    assert (
        props["x-channel"] == "ml-notes.example.com"
        and props["x-date"] == "2021-11-02"
        and props["x-source-kind"] == "html"
    )
    assert blog[0].get("srclang") == "en" and blog[0].find("tuv").get(XML_LANG) == "en"


def test_tmx_loads_in_translate_toolkit(tmp_path, notes):
    tmx = pytest.importorskip("translate.storage.tmx")
    path = tmp_path / "out.tmx"
    count = write_tmx(notes, path)
    store = tmx.tmxfile.parsefile(str(path))
    assert len(store.units) == count
    ru_first = [u for u in store.units if u.source.startswith("Обычно в MLM")][0]
    assert ru_first.target == "Usually in MLM we mask all tokens with the same probability."


def test_tmx_marks_flagged_sentences_for_review(tmp_path):
    """Issue 25: the unit of a sentence the self-checks flagged says needs-review and names the
    check, on the unit and on the flagged tuv; the other sentence's unit says nothing; the file
    still loads in translate-toolkit."""
    from conftest import make_note as note_of_blocks
    from notelingo.schema import SentenceCheck

    note = note_of_blocks("n-flag", "ru", [("paragraph", "Модель учится. Это работает.")])
    block = note.blocks[0]
    block.text["en"] = "The model learns. willwillwillwill"
    block.sentences = [{"ru": "Модель учится.", "en": "The model learns."},
                       {"ru": "Это работает.", "en": "willwillwillwill"}]
    block.checks = [SentenceCheck(sentence=1, lang="en", flags=["check:loop"])]
    path = tmp_path / "flag.tmx"
    assert write_tmx([note], path) == 2
    clean, flagged = ET.parse(path).getroot().find("body").findall("tu")
    props = lambda element: [(p.get("type"), p.text) for p in element.findall("prop")]  # noqa: E731
    assert not any(kind in ("x-state", "x-notelingo-check") for kind, _ in props(clean))
    assert ("x-state", "needs-review") in props(flagged)
    assert ("x-notelingo-check", "check:loop en") in props(flagged)
    en = [tuv for tuv in flagged.findall("tuv") if tuv.get(XML_LANG) == "en"][0]
    assert props(en) == [("x-notelingo-check", "check:loop")] and en.find("seg").text == "willwillwillwill"
    tmx = pytest.importorskip("translate.storage.tmx")
    assert [u.target for u in tmx.tmxfile.parsefile(str(path)).units] == ["The model learns.", "willwillwillwill"]


@pytest.mark.parametrize(
    "text", ["<seg>&amp; </tuv>", "a\x00b\x1fc\ufffe", "]]> <!-- -->", "\"quotes\" & 'apostrophes'"]
)
def test_tmx_escapes_and_drops_invalid_xml_characters(tmp_path, text):
    note = make_note("x", texts={"en": text, "ru": text})
    path = tmp_path / "x.tmx"
    write_tmx([note], path)
    segs = [seg.text for seg in ET.parse(path).getroot().iter("seg")]
    cleaned = "".join(ch for ch in text if ch not in "\x00\x1f\ufffe").strip()
    assert segs == [cleaned, cleaned]


def test_tmx_skips_monolingual_and_code_blocks(notes):
    _, count = build_tmx([n for n in notes if n.id == "n-ru-ads"])
    assert count == 0
    _, count = build_tmx([n for n in notes if n.id == "n-en-pmi"])
    assert count == 3  # heading + two sentences; the code block gives none


def test_tmx_golden(tmp_path, notes):
    write_tmx(notes, tmp_path / "out.tmx")
    check_golden("export.tmx", (tmp_path / "out.tmx").read_text(encoding="utf-8"))


# --- Markdown vault -------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, expected",
    [
        ("../../etc/passwd", "etc passwd"),
        ("/absolute/path", "absolute path"),
        ("..", "note-x"),
        ("", "note-x"),
        ("a\x00b\nc", "a b c"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ('a/b\\c:d*e?f"g<h>i|j', "a b c d e f g h i j"),
        ("#tag [[link]] ^block", "tag link block"),
        ("  .hidden  ", "hidden"),
        ("Обзор: PMI-Masking", "Обзор PMI-Masking"),
    ],
)
def test_safe_stem(title, expected):
    assert safe_stem(title, "note-x") == expected


def test_safe_stem_trims_long_titles_on_a_character_boundary():
    stem = safe_stem("Очень длинный заголовок " * 40, "x")
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES and stem == stem.strip()
    stem.encode("utf-8").decode("utf-8")


def test_vault_writes_one_file_per_note_with_front_matter(tmp_path, notes):
    folder = tmp_path / "vault"
    paths = write_vault(notes, folder)
    assert len(paths) == len(notes) == len(set(paths))
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)
    text = (folder / "Notes on PMI-Masking.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["id"] == "n-en-pmi" and meta["refs"][0]["id"] == "2010.01825" and meta["source"]["kind"] == "html"
    assert meta["signature"]["glossary_hash"] == "sha256:3f1a9c0d" and meta["languages"] == ["en", "ru"]
    assert "# Notes on PMI-Masking" in text and "Случайное маскирование" in text


def test_vault_hostile_titles_stay_inside_the_folder(tmp_path):
    titles = [
        "../escape",
        "/etc/passwd",
        "..",
        "a/../../b",
        "C:\\Windows\\evil",
        "x" * 400,
        "",
        "CON",
        "---\nid: other\n---",
    ]
    made = [make_note(f"n{i}", title) for i, title in enumerate(titles)]
    folder = tmp_path / "vault"
    paths = write_vault(made, folder)
    assert len(set(paths)) == len(made)
    for path in paths:
        assert path.resolve().parent == folder.resolve()
        assert existing_note_id(path) == f"n{paths.index(path)}"
    assert sorted(os.listdir(tmp_path)) == ["vault"]


def test_vault_rerun_overwrites_its_own_files_but_never_other_notes(tmp_path):
    folder = tmp_path / "vault"
    folder.mkdir()
    stranger = folder / "Same title.md"
    stranger.write_text("my own note, no front matter\n", encoding="utf-8")
    first = write_vault([make_note("a", "Same title"), make_note("b", "Same title")], folder)
    assert stranger.read_text(encoding="utf-8") == "my own note, no front matter\n"
    assert [p.name for p in first] == ["Same title (a).md", "Same title (b).md"]
    again = write_vault([make_note("b", "Same title", texts={"en": "changed"})], folder)
    assert again == [folder / "Same title (b).md"] and "changed" in again[0].read_text(encoding="utf-8")
    assert len(list(folder.iterdir())) == 3


def test_vault_never_writes_through_a_symlink(tmp_path):
    folder = tmp_path / "vault"
    folder.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text("keep\n", encoding="utf-8")
    (folder / "Linked.md").symlink_to(outside)
    [path] = write_vault([make_note("a", "Linked")], folder)
    assert path.name == "Linked (a).md" and outside.read_text(encoding="utf-8") == "keep\n"


def test_vault_folder_errors(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_vault([make_note("a")], tmp_path / "missing" / "vault")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        write_vault([make_note("a")], tmp_path / "file")


# --- JSONL ------------------------------------------------------------------------------


def test_jsonl_round_trip(tmp_path, notes):
    path = tmp_path / "out.jsonl"
    assert export_notes(notes, "jsonl", path) == len(notes)
    again = [Note.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert again == notes


def test_jsonl_rejects_a_note_the_schema_refuses(tmp_path):
    bad = make_note("bad").model_copy(update={"lang_confidence": 3.0})  # model_copy skips validation
    with pytest.raises(FormatError, match=r"note 2 \(bad\): lang_confidence"):
        export_notes([make_note("ok"), bad], "jsonl", tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


def test_jsonl_falls_back_to_the_generated_schema(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonl_export, "schema_candidates", lambda: [tmp_path / "nope.json"])
    assert jsonl_export.load_note_schema()["$schema"].endswith("2020-12/schema")
    assert export_notes([make_note("ok")], "jsonl", tmp_path / "out.jsonl") == 1


def test_shipped_schema_file_is_found():
    assert any(path.is_file() for path in jsonl_export.schema_candidates())


# --- CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, name, summary",
    [
        ("tmx", "out.tmx", "16 translation units"),
        ("markdown", "vault", "6 note files"),
        ("jsonl", "out.jsonl", "6 notes"),
    ],
)
def test_cli_export(tmp_path, fmt, name, summary):
    result = runner.invoke(app, ["export", str(BILINGUAL), "--format", fmt, "-o", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    assert summary in result.output and (tmp_path / name).exists()
    implied = tmp_path / "implied" / name  # the same format from the output's name alone
    implied.parent.mkdir()
    result = runner.invoke(app, ["export", str(BILINGUAL), "-o", str(implied)])
    assert result.exit_code == 0 and summary in result.output and implied.exists(), result.output


@pytest.mark.parametrize("output, expected", [
    ("x.tmx", "tmx"), ("X.TMX", "tmx"), ("notes.jsonl", "jsonl"), ("vault", "markdown"), ("out/vault/", "markdown"),
    ("x.txt", None), ("digest.html", None),
])
def test_export_format_from_the_output_name(output, expected):
    from notelingo.cli.export_cmd import format_of
    from notelingo.errors import UsageError

    if expected is None:
        with pytest.raises(UsageError, match="cannot tell the format"):
            format_of(output)
    else:
        assert format_of(output) == expected


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--format", "docx", "-o", "{tmp}/x"], 2, "choose one of tmx, markdown, jsonl"),
        (["--format", "tmx", "-o", "{tmp}/missing/x.tmx"], 1, "does not exist"),
        (["--format", "markdown", "-o", "{tmp}/missing/vault"], 1, "does not exist"),
        (["-o", "{tmp}/x.txt"], 2, "--format: cannot tell the format from"),
    ],
)
def test_cli_export_errors(tmp_path, args, code, message):
    result = runner.invoke(app, ["export", str(BILINGUAL), *[a.replace("{tmp}", str(tmp_path)) for a in args]])
    assert result.exit_code == code and message in result.output and "Traceback" not in result.output


def test_cli_export_invalid_notes_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["export", str(bad), "--format", "tmx", "-o", str(tmp_path / "x.tmx")])
    assert result.exit_code == 1 and "line 1" in result.output and not (tmp_path / "x.tmx").exists()


def test_vault_title_repeated_by_the_first_block_is_written_once_with_its_translation(tmp_path):
    note = make_note(
        "t1",
        "Обзор PMI-маскирования",
        lang="ru",
        texts={"ru": "Обзор PMI-маскирования", "en": "A review of PMI masking"},
    )
    body = note.blocks[0].model_copy(update={"id": "b2", "text": {"ru": "Тело.", "en": "Body."}})
    note = note.model_copy(update={"blocks": [note.blocks[0], body]})
    [path] = write_vault([note], tmp_path / "vault")
    text = path.read_text(encoding="utf-8")
    assert "# Обзор PMI-маскирования\n\n> `en` A review of PMI masking\n\n" in text
    assert text.count("Обзор PMI-маскирования") == 2  # front matter title and the heading
    assert text.count("A review of PMI masking") == 1
