"""Pickled Marian weights: the restricted unpickler, the safetensors copy (tied weights kept), local folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from local_hub import booby_trapped, pickled_state_dict
from notelingo.errors import ModelError
from notelingo.mt.models import resolve_pair
from notelingo.mt.weights import PICKLED, RECORD, convert_folder, converted_path, is_converted

SENTENCES = ["Привет, мир. Это тест модели.", "Градиентный спуск обновляет веса сети.", "Hello world."]
#: Keys a pickle may leave out because the model ties or computes them (older exports drop some of them).
TIED_OR_COMPUTED = ["lm_head.weight", "model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight",
                    "model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"]


def pickled_folder(model: str, folder: Path, drop: tuple[str, ...] = ()) -> Path:
    """A copy of ``model`` with only ``pytorch_model.bin`` (``drop``: state-dict keys left out of it)."""
    import torch

    shutil.copytree(model, folder, ignore=shutil.ignore_patterns("*.safetensors"))
    pickled_state_dict(Path(model), folder / PICKLED)
    if drop:
        state = torch.load(folder / PICKLED, weights_only=True)
        torch.save({k: v for k, v in state.items() if k not in drop}, folder / PICKLED)
    return folder


def outputs(folder: str):
    """Logits on a batch and greedy ids: what must not change when the weights are converted."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(folder)
    model = MarianMTModel.from_pretrained(folder, use_safetensors=True).eval()
    batch = tokenizer(SENTENCES, return_tensors="pt", padding=True)
    with torch.inference_mode():
        logits = model(**batch, decoder_input_ids=batch["input_ids"][:, :5]).logits
        ids = model.generate(**batch, num_beams=1, do_sample=False, max_new_tokens=12, bad_words_ids=None)
    return model, logits, ids


@pytest.mark.parametrize("drop", [(), tuple(TIED_OR_COMPUTED)], ids=["full-state-dict", "tied-keys-left-out"])
def test_converted_copy_gives_the_original_outputs(tiny_models, tmp_path, drop):
    import torch

    source = pickled_folder(tiny_models["ru-en"], tmp_path / "bin", drop)
    target = convert_folder(source, tmp_path / "converted", "test/ru-en")
    assert is_converted(target) and not (target / PICKLED).exists()
    original, logits, ids = outputs(tiny_models["ru-en"])
    converted, logits2, ids2 = outputs(str(target))
    assert torch.equal(logits, logits2) and torch.equal(ids, ids2)
    # The output projection still is the shared embedding, and the bias came along.
    assert converted.lm_head.weight.data_ptr() == converted.model.shared.weight.data_ptr()
    assert torch.equal(converted.final_logits_bias, original.final_logits_bias)


def test_local_folder_with_only_pickled_weights_is_converted_once(tiny_models, tmp_path, cache_dir):
    folder = pickled_folder(tiny_models["en-ru"], tmp_path / "opus-mt-en-ru")
    (model,) = resolve_pair("en", "ru", {"en-ru": str(folder)})
    assert model.model_id == str(folder) and model.revision.startswith("local-")
    assert Path(model.path) == converted_path(str(folder), model.revision)
    assert Path(model.path).is_relative_to(cache_dir)
    stamp = (Path(model.path) / "model.safetensors").stat().st_mtime_ns
    (again,) = resolve_pair("en", "ru", {"en-ru": str(folder)})
    assert again == model and (Path(model.path) / "model.safetensors").stat().st_mtime_ns == stamp


def test_booby_trapped_pickle_is_refused_and_never_runs(tiny_models, tmp_path, cache_dir):
    marker = tmp_path / "pwned"
    folder = booby_trapped(tmp_path / "evil", tiny_models["ru-en"], marker)
    with pytest.raises(ModelError) as info:
        resolve_pair("ru", "en", {"ru-en": str(folder)})
    message = str(info.value)
    assert "\n" not in message and str(folder) in message and "refused" in message and "posix.system" in message
    assert not marker.exists()
    assert not list((Path(cache_dir) / "models").rglob("*.safetensors"))


@pytest.mark.parametrize("damage, reason", [("garbage", "refused: the restricted unpickler"),
                                            ("truncated", "cannot be read"),
                                            ("list", "not a state dict of tensors")])
def test_unreadable_pickles_are_one_line(tiny_models, tmp_path, cache_dir, damage, reason):
    import torch

    folder = pickled_folder(tiny_models["ru-en"], tmp_path / "m")
    weights = folder / PICKLED
    if damage == "list":
        torch.save([torch.zeros(2)], weights)
    elif damage == "truncated":
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    else:
        weights.write_bytes(b"not a pickle at all")
    with pytest.raises(ModelError, match=reason) as info:
        resolve_pair("ru", "en", {"ru-en": str(folder)})
    assert "\n" not in str(info.value)


def test_a_pickle_that_misses_weights_is_refused(tiny_models, tmp_path, cache_dir):
    folder = pickled_folder(tiny_models["ru-en"], tmp_path / "m", drop=("model.encoder.layers.0.fc1.weight",))
    with pytest.raises(ModelError, match=r"lacks or misshapes 1 weight.*fc1"):
        resolve_pair("ru", "en", {"ru-en": str(folder)})


def test_interrupted_conversion_is_never_trusted(tiny_models, tmp_path, monkeypatch):
    from transformers import MarianMTModel

    source = pickled_folder(tiny_models["ru-en"], tmp_path / "bin")
    target = tmp_path / "cache" / "converted"

    def crash(self, *args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(MarianMTModel, "save_pretrained", crash)
        with pytest.raises(KeyboardInterrupt):
            convert_folder(source, target, "test/ru-en")
    assert not target.exists() and list(target.parent.iterdir()) == []
    # A folder at the final name that no finished conversion wrote (no record) is replaced, not loaded.
    target.mkdir()
    (target / "model.safetensors").write_bytes(b"half")
    convert_folder(source, target, "test/ru-en")
    assert (target / RECORD).is_file() and (target / "model.safetensors").stat().st_size > 1000
