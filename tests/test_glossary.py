"""Glossary model, YAML file, exchange formats, lint and edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notelingo.errors import GlossaryError
from notelingo.glossary import Entry, Glossary, default_glossary_path, dump_glossary, load_glossary, parse_glossary
from notelingo.glossary.edit import add_entry, make_entry, remove_entry
from notelingo.glossary.formats import FORMATS, export_glossary, import_glossary
from notelingo.glossary.lint import lint_glossary

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "glossary" / "small.yaml"
HF_TABLE = FIXTURES / "corpus" / "parallel" / "hf-course-ru-glossary.mdx"


@pytest.fixture
def shipped_copy(tmp_path):
    target = tmp_path / "ml.yaml"
    shutil.copyfile(default_glossary_path(), target)
    return target


def test_shipped_glossary_is_large_canonical_and_lint_clean():
    g = load_glossary()
    assert len(g.entries) >= 150
    assert Path(g.path).read_text(encoding="utf-8") == dump_glossary(g)
    assert lint_glossary(g) == []
    assert len(g.hash) == 12 and g.hash == load_glossary(g.path).hash


def test_entry_target():
    g = load_glossary(str(SMALL))
    assert g.get("fine-tuning").target("ru") == "дообучение"
    assert g.get("fine-tuning").target("en") == "fine-tuning"
    assert g.get("BPE").target("ru") == "BPE"


@pytest.mark.parametrize(
    "body, message",
    [
        ("- en: x\n  policy: translate\n  ru: [y]\n  ru: [z]\n", "2:1: nothing"),
        ("- en: x\n  policy: nope\n", ":4: policy 'nope' is unknown"),
        ("- en: x\n", ":3: entry has no 'policy'"),
        ("- en: 12\n  policy: keep\n", ":3: 'en' must be a text"),
        ("- en: x\n  policy: keep\n  colour: red\n", ":5: unknown key 'colour'"),
        ("- en: 'x '\n  policy: keep\n", "leading or trailing spaces"),
        ("- en: a|b\n  policy: keep\n", "contains '|'"),
        ("- en: x\n  ru: y\n  policy: translate\n", ":4: 'ru' must be a list"),
        ("- en: x\n  policy: keep\n- en: X\n  policy: keep\n", ":5: duplicate term 'X' (also on line 3)"),
    ],
)
def test_invalid_files_name_the_line(tmp_path, body, message):
    path = tmp_path / "g.yaml"
    path.write_text("version: 1\nentries:\n" + body, encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        load_glossary(str(path))
    if message == "2:1: nothing":
        assert "key 'ru' given twice" in str(info.value)
    else:
        assert message in str(info.value)
    assert str(path) in str(info.value)


def test_lint_reports_each_problem_with_its_line():
    g = load_glossary(str(FIXTURES / "glossary" / "bad.yaml"), check=False)
    lines = [p.format("bad.yaml") for p in lint_glossary(g)]
    assert lines == [
        "bad.yaml:6: 'Dataset': duplicate term (also on line 3); merge the two entries",
        "bad.yaml:6: 'Dataset': form 'Dataset' matches the same text as 'dataset' of 'dataset' (line 3); remove or "
        "change one of them",
        "bad.yaml:9: 'corpus': Russian rendering 'датасет' is also the rendering of 'dataset' (line 3); choose a "
        "distinct rendering",
        "bad.yaml:9: 'corpus': form 'датасет' matches the same text as 'датасет' of 'dataset' (line 3); remove or "
        "change one of them",
        "bad.yaml:9: 'corpus': form 'набор данных' matches the same text as 'набор данных' of 'Dataset' (line 6); "
        "remove or change one of them",
        "bad.yaml:14: 'loss': policy 'translate' but no Russian form; add 'ru: [...]' or set 'policy: keep'",
    ]


def test_add_then_remove_restores_the_file(shipped_copy):
    before = shipped_copy.read_text(encoding="utf-8")
    g = load_glossary(str(shipped_copy))
    entry = make_entry("grokking curve", ["кривая грокинга"], ["кривой грокинга"], "translate", domain="research")
    added = add_entry(g, entry)
    assert added.get("grokking curve") == entry
    restored = remove_entry(added, "grokking curve")
    assert restored.entries == g.entries and dump_glossary(restored) == before


@pytest.mark.parametrize(
    "entry, message",
    [
        (Entry("dataset", ["датасет"]), "term 'dataset' already exists"),
        (Entry("data collection", ["набор данных"]), "matches the same text as"),
        (Entry("corpus", ["дообучение"]), "is also the rendering of 'fine-tuning'"),
        (Entry("token budget"), "no Russian form"),
    ],
)
def test_add_refuses_duplicates_and_conflicts(entry, message):
    with pytest.raises(GlossaryError, match=message):
        add_entry(load_glossary(str(SMALL)), entry)


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt != "deepl"])  # DeepL's CSV is two columns by design
def test_export_import_is_lossless(tmp_path, fmt):
    g = load_glossary()
    path = tmp_path / f"ml.{fmt}"
    path.write_text(export_glossary(g, fmt), encoding="utf-8")
    back = import_glossary(str(path))
    assert back.entries == g.entries and back.hash == g.hash


def test_tbx_export_reads_in_translate_toolkit():
    from translate.storage import tbx

    g = load_glossary(str(SMALL))
    store = tbx.tbxfile.parsestring(export_glossary(g, "tbx").encode("utf-8"))
    assert [unit.source for unit in store.units] == ["BPE", "fine-tuning", "dataset"]


def test_deepl_pairs_import(tmp_path):
    path = tmp_path / "deepl.csv"
    path.write_text("fine-tuning,дообучение,EN,RU\nBPE,BPE,EN,RU\n", encoding="utf-8")
    g = import_glossary(str(path))
    assert [e.to_dict() for e in g.entries] == [
        {"en": "fine-tuning", "ru": ["дообучение"], "policy": "translate"},
        {"en": "BPE", "policy": "keep"},
    ]


def test_hf_course_markdown_table_imports():
    g = import_glossary(str(HF_TABLE))
    assert len(g.entries) > 100
    assert g.get("fine-tuning").ru == ["дообучение"]
    assert g.get("encoder").ru == ["кодировщик", "энкодер"]
    assert g.get("pretrained model").ru == ["предварительно обученная модель", "предобученная модель"]
    assert g.get("GPU").policy == "keep" and g.get("Hugging Face").policy == "keep"
    assert g.get("attention mask").note == "layer; слой"


# --- property: the parser never accepts a file that its own writers would change

_text = st.text(alphabet=st.sampled_from(list("abzАБя -|:#'\"\t,[]{}é1")), max_size=8)
_value = st.one_of(_text, st.integers(), st.booleans(), st.none(), st.lists(_text, max_size=3))
_entry = st.dictionaries(
    st.sampled_from(["en", "ru", "variants", "policy", "note", "domain", "x"]),
    st.one_of(
        _value,
        st.sampled_from(["keep", "translate", "gloss"]),
        st.dictionaries(st.sampled_from(["en", "ru", "de"]), st.lists(_text, max_size=2), max_size=2),
    ),
    max_size=6,
)


def _normalized(raw: dict) -> dict:
    out = {k: v for k, v in raw.items() if not (k in ("ru", "variants") and not v)}
    if "variants" in out:
        out["variants"] = {k: v for k, v in out["variants"].items() if v} or None
        if out["variants"] is None:
            del out["variants"]
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_entry, max_size=4))
def test_parser_never_accepts_what_reexport_would_change(entries):
    text = yaml.safe_dump({"version": 1, "entries": entries}, allow_unicode=True)
    try:
        g = parse_glossary(text, "prop.yaml")
    except GlossaryError:
        return
    assert [e.to_dict() for e in g.entries] == [_normalized(raw) for raw in entries]
    assert parse_glossary(dump_glossary(g)).entries == g.entries
    from notelingo.glossary.formats import import_delimited, import_tbx

    assert import_delimited(export_glossary(g, "csv"), ",", "x").entries == g.entries
    assert import_delimited(export_glossary(g, "tsv"), "\t", "x").entries == g.entries
    assert import_tbx(export_glossary(g, "tbx"), "x").entries == g.entries


def test_generic_forms_roundtrip_and_lint(tmp_path):
    entry = Entry("attention", ["внимание"], {"ru": ["механизм внимания"]}, generic=["внимание"])
    g = Glossary([entry, Entry("paper", ["статья"], generic=["статейка"])])
    text = dump_glossary(g)
    assert "  generic: [внимание]\n" in text
    assert parse_glossary(text).entries == g.entries
    assert [p.message for p in lint_glossary(g, shadowing=False)] == [
        "generic form 'статейка' is none of the entry's forms; add it to 'ru' or 'variants', or remove it from "
        "'generic'"
    ]


def test_csv_export_without_the_generic_column_still_imports(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(
        "en,ru,variants_en,variants_ru,policy,domain,note\ndataset,датасет,,дата-сет,translate,data,\n",
        encoding="utf-8",
    )
    [entry] = import_glossary(str(path)).entries
    assert (entry.en, entry.ru, entry.variants, entry.generic) == ("dataset", ["датасет"], {"ru": ["дата-сет"]}, [])
