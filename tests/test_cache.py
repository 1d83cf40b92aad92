"""The SQLite translation cache: keys, round trips, concurrent use, plain text storage."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from notelingo.mt import DecodingOptions, ModelSignature
from notelingo.mt.cache import TranslationCache, cache_key
from notelingo.mt.engine import alignment_key

SIGNATURE = ModelSignature("ru-en", "m@1", "ctranslate2", "int8_float32", "cuda", DecodingOptions(beams=4))


@pytest.mark.parametrize(
    "change",
    [
        {"model": "m@2"},
        {"pair": "ru-uk"},
        {"backend": "transformers"},
        {"compute_type": "float32"},
        {"decoding": DecodingOptions(beams=1)},
        {"decoding": DecodingOptions(length_ratio=1.5)},
        {"decoding": DecodingOptions(length_extra=4)},
    ],
)
def test_every_signature_part_changes_the_key(change):
    assert cache_key("Привет.", SIGNATURE) != cache_key("Привет.", replace(SIGNATURE, **change))


def test_key_ignores_unrelated_signature_fields_and_depends_on_text():
    assert cache_key("a", SIGNATURE) == cache_key("a", replace(SIGNATURE, device="cpu"))
    assert cache_key("a", SIGNATURE) == cache_key("a", replace(SIGNATURE, decoding=DecodingOptions(batch_size=1)))
    assert cache_key("a", SIGNATURE) != cache_key("a ", SIGNATURE)


# Computed before the signature became a dataclass (from the dict {"models": {pair: model}, "backend",
# "compute_type", "device", "decoding": DecodingOptions.as_dict()}): a cache written then must still be read.
# Greedy keys changed on purpose when greedy decoding moved from bucket caps to each sentence's own cap
# (an output that reached the cap is shorter now); see test_greedy_keys_left_the_bucket_caps. Beam keys changed
# on purpose when beam batches came to hold sources of one token length, and all keys when chunks came to be
# padded to their bucket's top with greedy loops cut, and beam keys when a looping beam output came to be decoded
# again greedily; see test_keys_of_earlier_batching_are_not_read_back.
@pytest.mark.parametrize("signature, text, key, alignment", [
    (ModelSignature("ru-en", "Helsinki-NLP/opus-mt-ru-en@0123456789abcdef", "ctranslate2", "int8_float32", "cpu",
                    DecodingOptions()), "Привет, мир. ⟦0⟧ GPT-3",
     "1abcdd46dea947d849024904f99ee9a2d46706f56b01e1235bb2a202adddd722",
     "205bf10f06dc555b46e76fdf9ee0f46ff8c65434564172c839c69db884e082f7"),
    (ModelSignature("en-ru", "/models/opus-mt-en-ru@local-5f3a", "transformers", "float32", "cuda",
                    DecodingOptions(beams=2, length_ratio=1.5, length_extra=4)), 'Hello "world"\n',
     "c8d0d1ea2a8bc9f6b901707642c46f387485360d6c4f40d2b5bca435c6b0a40f",
     "21c498dcc9d9eb13bd629acb84be6abdb6cedb51323dec4dd71f7825f6ecd3af"),
])
def test_keys_of_a_fixed_signature_are_pinned(signature, text, key, alignment):
    assert cache_key(text, signature) == key
    assert alignment_key(text, signature) == alignment


def test_block_key_of_a_fixed_note_is_pinned(monkeypatch):
    from notelingo.mt import cache
    from notelingo.schema import Block, Note, Signature, Source

    monkeypatch.setattr(cache, "__version__", "0.0.0")
    note = Note(id="n1", lang="ru", lang_confidence=1.0, title="t", source=Source(kind="text", path="a.txt"),
                signature=Signature(notelingo="0.0.0"),
                blocks=[Block(id="b1", kind="heading", lang="ru", text={"ru": "Заголовок"}),
                        Block(id="b2", kind="paragraph", lang=None, text={"ru": "Привет, мир."})])
    plan = {"models": ["Helsinki-NLP/opus-mt-ru-en@0123456789abcdef"], "backend": "ctranslate2", "device": "auto",
            "decoding": DecodingOptions().as_dict(), "glossary": "abc", "keep_acronyms": True}
    assert cache.block_key(note, 1, "ru", "en", plan) == (
        "534d3cfcf81c4c38098581b02fbc5f051956e803c15603c131e73b36cad0129b")  # record v6, greedy retry


@pytest.mark.parametrize("signature, era_key", [
    # beam search in one-length chunks (issue 25's first design)
    (ModelSignature("en-ru", "/models/opus-mt-en-ru@local-5f3a", "transformers", "float32", "cuda",
                    DecodingOptions(beams=2, length_ratio=1.5, length_extra=4)),
     "987d6da41330d478d105b0f6063c7f41e390cad5cdebd7435c3d3b8b4e9d9410"),
    # beam search whose looping outputs were decoded again with beams (before checks.RETRY_BEAMS)
    (ModelSignature("en-ru", "/models/opus-mt-en-ru@local-5f3a", "transformers", "float32", "cuda",
                    DecodingOptions(beams=2, length_ratio=1.5, length_extra=4)),
     "e29a1a39deb9f9b33da1ad5ccfeeec70e4d4be3a69995824559f5c0c0f02f403"),
    # greedy in mixed-length chunks, loops decoded to the cap
    (ModelSignature("en-ru", "/models/opus-mt-en-ru@local-5f3a", "ctranslate2", "int8_float32", "cpu",
                    DecodingOptions(beams=1)),
     "bccdb606e7ff781d53e6eb44dbe6776808498408afec2deab2d8d07b9dd8d727"),
])
def test_keys_of_earlier_batching_are_not_read_back(signature, era_key):
    """Outputs decoded before chunks were padded to their bucket's top (and greedy loops cut) depended on
    their batch mates: their keys must not be read back."""
    assert cache_key('Hello "world"\n', signature) != era_key
    assert signature.decoding.as_dict()["batch"] == "bucket-top"


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


def test_greedy_keys_left_the_bucket_caps():
    """Greedy outputs that reach the cap changed when caps became each sentence's own: their old keys
    (bucket caps) must not be read back."""
    signature = ModelSignature("en-ru", "/models/opus-mt-en-ru@local-5f3a", "transformers", "float32", "cuda",
                               DecodingOptions(beams=1, length_ratio=1.5, length_extra=4))
    bucket_era = "b68690ec892c853f8a7d467e3537bbb5b9c0b533a0466ce0b25781f519a597ac"
    assert cache_key('Hello "world"\n', signature) != bucket_era
    assert signature.decoding.as_dict()["max_new_tokens"] == "1.5*src+4"


# ----- the chain signature: block keys, block records and the note's signature come from one object -----

PIVOT = (ModelSignature("ru-en", "a@1", "ctranslate2", "int8_float32", "cpu", DecodingOptions(beams=2)),
         ModelSignature("en-de", "b@2", "ctranslate2", "int8_float32", "cpu", DecodingOptions(beams=2)))


def test_chain_signature_record_and_plan_fields_keep_their_old_keys():
    from notelingo.mt import ChainSignature
    from notelingo.mt.models import ResolvedModel

    assert ChainSignature(PIVOT).record() == {"model": "a@1 -> b@2", "backend": "ctranslate2",
                                              "compute_type": "int8_float32",
                                              "decoding": {"beams": 2, "max_new_tokens": "2*bucket(src)+10",
                                                           "batch": "bucket-top", "retry": "greedy"}}
    models = [ResolvedModel("ru-en", "a", "1", "/a"), ResolvedModel("en-de", "b", "2", "/b")]
    planned = ChainSignature.planned(models, "transformers", "auto", DecodingOptions(beams=1))
    assert planned.plan_fields() == {"models": ["a@1", "b@2"], "backend": "transformers", "device": "auto",
                                     "decoding": {"beams": 1, "max_new_tokens": "2*src+10",
                                                "batch": "bucket-top"}}
    with pytest.raises(ValueError, match="planned signature"):
        planned.hops[0].cache_key("x")  # no compute type before loading: no translation cache key


def test_sign_note_fills_the_schema_signature_from_pair_records():
    from notelingo.mt import ChainSignature
    from notelingo.mt.signature import sign_note
    from notelingo.schema import Signature

    direct = ChainSignature((replace(SIGNATURE, pair="en-ru", model="c@3", decoding=DecodingOptions(beams=1)),))
    signature = Signature(notelingo="0.0.0", detector={"engine": "auto"})
    sign_note(signature, {("ru", "de"): ChainSignature(PIVOT).record(), ("en", "ru"): direct.record()}, "gh", "9.9")
    assert signature.model_dump() == {
        "notelingo": "9.9", "detector": {"engine": "auto"}, "models": {"en-ru": "c@3", "ru-de": "a@1 -> b@2"},
        "backend": "ctranslate2", "compute_type": "int8_float32", "glossary_hash": "gh",
        # the last pair in sorted order: ru-de
        "decoding": {"beams": 2, "max_new_tokens": "2*bucket(src)+10", "batch": "bucket-top", "retry": "greedy"},
    }
