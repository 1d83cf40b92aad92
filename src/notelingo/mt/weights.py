"""Pickled Marian weights (``pytorch_model.bin``) -> a safetensors copy in notelingo's cache.

Many Helsinki-NLP/opus-mt repos ship only pickled weights. They are read with
``torch.load(weights_only=True)``: the restricted unpickler accepts tensors and
plain containers and refuses anything else before it can run, so a booby-trapped
file is refused with one line and nothing in it is executed. The tensors are
loaded into a ``MarianMTModel`` (which ties the shared embeddings, the output
projection and ``final_logits_bias`` the way the original did) and saved once
with ``save_pretrained`` as safetensors, next to copies of the config and
tokenizer files, in ``<cache>/models/<name>/<revision>``. The folder is written
under a temporary name and renamed when complete, so a conversion that was
interrupted is never found by a later run. Both backends load that folder.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..errors import ModelError

PICKLED = "pytorch_model.bin"
SAFE = ("model.safetensors", "model.safetensors.index.json")
#: Files besides the weights that a Marian folder needs (config, tokenizer); copied into the converted folder.
META_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt"]
#: Written last into a converted folder: where it came from.
RECORD = "notelingo-converted.json"


def converted_path(model_id: str, revision: str, cache_dir: str | None = None) -> Path:
    """Where the safetensors copy of ``model_id`` at ``revision`` lives (hub id or absolute folder)."""
    from ..fileio import cache_root

    if os.path.isabs(model_id):
        digest = hashlib.sha256(model_id.encode()).hexdigest()[:10]
        name = f"local--{Path(model_id).name}-{digest}"
    else:
        name = model_id.replace("/", "--")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    return Path(cache_root(cache_dir)) / "models" / safe / re.sub(r"[^A-Za-z0-9._-]+", "_", revision)


def is_converted(folder: Path) -> bool:
    """A finished conversion: only complete folders ever get their final name, and the record is written last."""
    return (folder / RECORD).is_file() and (folder / "model.safetensors").is_file()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _refusal_reason(exc: BaseException) -> str:
    """The line of torch's weights-only error that names what was refused (e.g. ``GLOBAL posix.system``)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    named = [line for line in lines if "GLOBAL" in line or "Unsupported" in line or "unsupported" in line]
    return (named or lines or [type(exc).__name__])[0][:200].rstrip(".")


def load_pickled_state(path: Path, label: str) -> dict:
    """The tensors of a pickled state dict, read by the restricted unpickler only."""
    import pickle

    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise ModelError(f"{label}: {PICKLED} refused: the restricted unpickler, which loads tensors and nothing else, "
                         f"rejected it ({_refusal_reason(exc)}); nothing in it was run") from None
    except (RuntimeError, EOFError, OSError, ValueError) as exc:
        raise ModelError(f"{label}: {PICKLED} cannot be read ({_first_line(exc)}); download the model again") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and torch.is_tensor(v) for k, v in state.items()):
        raise ModelError(f"{label}: {PICKLED} is not a state dict of tensors; it cannot be a Marian model")
    return state


def marian_from_state(folder: Path, state: dict, label: str):
    """A MarianMTModel built from ``folder``'s config and ``state``; every weight the config needs must be there."""
    from transformers import MarianConfig, MarianMTModel
    from transformers.utils import logging as hf_logging

    from .marian import quiet_transformers

    quiet_transformers()  # notelingo reports the conversion itself
    try:
        config = MarianConfig.from_pretrained(str(folder))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{label}: config.json cannot be read ({_first_line(exc)})") from None
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # its load report would list keys we check below
    try:
        model, info = MarianMTModel.from_pretrained(None, config=config, state_dict=state, output_loading_info=True)
    except (RuntimeError, ValueError, KeyError) as exc:
        raise ModelError(f"{label}: {PICKLED} does not fit config.json ({_first_line(exc)})") from None
    finally:
        hf_logging.set_verbosity(verbosity)
    missing = sorted(set(info["missing_keys"]) | {str(k) for k in info["mismatched_keys"]})
    if missing:
        raise ModelError(f"{label}: {PICKLED} lacks or misshapes {len(missing)} weight(s) config.json needs, "
                         f"e.g. {missing[0]}; it is not this Marian model")
    return model


def convert_folder(source: Path, target: Path, label: str) -> Path:
    """Write ``target`` (safetensors + config + tokenizer) from ``source``'s pickled weights, once."""
    if is_converted(target):
        return target
    state = load_pickled_state(source / PICKLED, label)
    model = marian_from_state(source, state, label)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for item in sorted(source.iterdir()):
            if item.is_file() and any(fnmatch.fnmatch(item.name, p) for p in META_PATTERNS) and item.name not in SAFE:
                shutil.copyfile(item, staging / item.name)
        model.save_pretrained(str(staging / "weights"))
        os.replace(staging / "weights" / "model.safetensors", staging / "model.safetensors")
        shutil.rmtree(staging / "weights")
        record = {"source": label, "from": PICKLED, "size": (source / PICKLED).stat().st_size}
        (staging / RECORD).write_text(json.dumps(record, indent=1), encoding="utf-8")
        if target.exists() and not is_converted(target):
            shutil.rmtree(target)  # not written by a finished conversion: never trusted
        try:
            os.replace(staging, target)
        except OSError:
            if not is_converted(target):  # another run did not finish it first: a real failure
                raise
    except OSError as exc:
        raise ModelError(f"{label}: the safetensors copy cannot be written to {target.parent} ({exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _remove_stale_staging(target: Path, age_s: float = 3600) -> None:
    """Temporary folders of conversions killed long ago (a live one finishes within minutes)."""
    import time

    for item in target.parent.glob(f".{target.name}.*"):
        try:
            if item.is_dir() and time.time() - item.stat().st_mtime > age_s:
                shutil.rmtree(item, ignore_errors=True)
        except OSError:
            continue


def folder_size(folder: Path) -> int:
    """Bytes of the files in ``folder`` (links followed: the hub cache links into its blobs)."""
    return sum(item.stat().st_size for item in folder.iterdir() if item.is_file())


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
