"""The SQLite translation cache: keys, round trips, concurrent use, plain text storage."""

from __future__ import annotations

import sqlite3

import pytest

from notelingo.translate.cache import TranslationCache, cache_key

SIGNATURE = {
    "models": {"ru-en": "m@1"},
    "backend": "ctranslate2",
    "compute_type": "int8_float32",
    "decoding": {"beams": 4},
}


@pytest.mark.parametrize(
    "change",
    [
        {"models": {"ru-en": "m@2"}},
        {"backend": "transformers"},
        {"compute_type": "float32"},
        {"decoding": {"beams": 1}},
    ],
)
def test_every_signature_part_changes_the_key(change):
    assert cache_key("Привет.", SIGNATURE) != cache_key("Привет.", {**SIGNATURE, **change})


def test_key_ignores_unrelated_signature_fields_and_depends_on_text():
    assert cache_key("a", SIGNATURE) == cache_key("a", {**SIGNATURE, "device": "cpu"})
    assert cache_key("a", SIGNATURE) != cache_key("a ", SIGNATURE)


def test_round_trip_stores_text(tmp_path):
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as cache:
        cache.put_many([("k1", "Привет", "Hello"), ("k2", "Мир", "World 🌍")], "m@1")
        assert cache.get_many(["k1", "k2", "k3"]) == {"k1": "Hello", "k2": "World 🌍"}
        assert len(cache) == 2
    rows = sqlite3.connect(path).execute("SELECT typeof(target), typeof(source) FROM translations").fetchall()
    assert set(rows) == {("text", "text")}


def test_wal_mode_and_two_writers(tmp_path):
    path = tmp_path / "c.sqlite3"
    first, second = TranslationCache(path), TranslationCache(path)
    assert first.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    first.put_many([("a", "a", "A")], "m")
    second.put_many([("b", "b", "B")], "m")
    assert first.get_many(["a", "b"]) == second.get_many(["a", "b"]) == {"a": "A", "b": "B"}
    first.close()
    second.close()


def test_many_keys_are_read_in_chunks(tmp_path):
    with TranslationCache(tmp_path / "c.sqlite3") as cache:
        rows = [(f"k{i}", str(i), str(i)) for i in range(1200)]
        cache.put_many(rows, "m")
        assert len(cache.get_many([k for k, _, _ in rows])) == 1200


def test_unwritable_folder_names_the_fix(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from notelingo.errors import OutputError

    with pytest.raises(OutputError, match="NOTELINGO_CACHE_DIR"):
        TranslationCache(blocker / "sub" / "c.sqlite3")
