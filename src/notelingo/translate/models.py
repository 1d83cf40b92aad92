"""Which Marian model translates a language pair, and where its files are.

* ``--model SRC-TGT=HUB_ID_OR_PATH`` overrides; otherwise ``Helsinki-NLP/opus-mt-{src}-{tgt}``.
* A local folder works offline. A hub id is downloaded once into the Hugging Face
  cache (``HF_HOME`` conventions) with huggingface_hub's progress bar; only
  safetensors weights, configs and tokenizer files are fetched, never pickles.
* Offline with no local copy: :class:`ModelNotFoundError`, one line saying how to
  supply the model.
* A pair with no direct model on the hub pivots through English (two models).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError, ModelNotFoundError, UsageError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-{src}-{tgt}"
PIVOT_LANG = "en"
_PAIR = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
#: Files a Marian model needs; pickled weights (*.bin, *.pt, *.h5, *.msgpack) are never fetched.
ALLOW_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt", "*.safetensors"]
_WEIGHTS = ("model.safetensors", "model.safetensors.index.json")


@dataclass(frozen=True)
class ResolvedModel:
    """A model folder on disk for one pair; ``model_id`` is the hub id or the folder as given."""

    pair: str
    model_id: str
    revision: str
    path: str

    @property
    def src(self) -> str:
        return self.pair.split("-")[0]

    @property
    def tgt(self) -> str:
        return self.pair.split("-")[1]

    @property
    def label(self) -> str:
        return f"{self.model_id}@{self.revision}"


def parse_pair(pair: str, option: str = "--model") -> tuple[str, str]:
    match = _PAIR.match(pair.strip().lower())
    if not match or match.group(1) == match.group(2):
        raise UsageError(f"{option} {pair!r}: name the pair as SRC-TGT with two different ISO 639-1 codes, e.g. ru-en")
    return match.group(1), match.group(2)


def parse_model_options(values: list[str]) -> dict[str, str]:
    """``["ru-en=PATH", ...]`` -> ``{"ru-en": "PATH"}``, each value checked to be a folder or a hub id."""
    models: dict[str, str] = {}
    for value in values:
        pair, sep, spec = value.partition("=")
        if not sep or not spec.strip():
            raise UsageError(f"--model {value!r}: write SRC-TGT=HUB_ID_OR_PATH, e.g. --model ru-en=Helsinki-NLP/opus-mt-ru-en")
        src, tgt = parse_pair(pair)
        key = f"{src}-{tgt}"
        if key in models:
            raise UsageError(f"--model {value!r}: pair {key} given twice")
        models[key] = check_model_spec(spec.strip(), key)
    return models


def check_model_spec(spec: str, pair: str) -> str:
    """A folder (made absolute) or a hub id; anything else is a usage error naming the fix."""
    path = Path(spec).expanduser()
    if path.exists():
        check_model_folder(path)
        return str(path.resolve())
    if spec.startswith((".", "/", "~")) or spec.count("/") != 1 or not _HUB_ID.match(spec) or ".." in spec:
        raise UsageError(f"--model {pair}={spec}: no such folder, and not a hub id like Helsinki-NLP/opus-mt-{pair}")
    return spec


def check_model_folder(path: Path) -> None:
    """A folder must hold a Marian model with safetensors weights and its tokenizer."""
    if not path.is_dir():
        raise ModelError(f"{path}: is not a folder; give the folder that holds config.json and model.safetensors")
    missing = [name for name in ("config.json", "source.spm", "target.spm", "vocab.json") if not (path / name).is_file()]
    if not any((path / name).is_file() for name in _WEIGHTS):
        pickled = [name for name in ("pytorch_model.bin", "tf_model.h5") if (path / name).exists()]
        hint = " (it has only pickled weights, which notelingo never loads; convert them to safetensors)" if pickled else ""
        missing.append("model.safetensors" + hint)
    if missing:
        raise ModelError(f"{path}: not a Marian model folder, missing {', '.join(missing)}")


def folder_revision(path: Path) -> str:
    """A stable revision for a local folder: the hash of its weight and tokenizer files' names, sizes and mtimes."""
    digest = hashlib.sha256()
    for item in sorted(path.iterdir()):
        if item.is_file() and item.suffix in (".safetensors", ".json", ".spm"):
            stat = item.stat()
            digest.update(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return "local-" + digest.hexdigest()[:12]


def hub_offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE) or os.environ.get("TRANSFORMERS_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def not_found_message(pair: str, model_id: str) -> str:
    return (f"model {model_id} for {pair} is not available offline; supply a local copy with --model {pair}=PATH "
            f"or download it with 'notelingo models download {pair}' while online")


def fetch_hub_model(pair: str, model_id: str, local_only: bool | None = None) -> ResolvedModel | None:
    """Download (or find in the HF cache) ``model_id``; ``None`` when the hub has no such repository."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError, RepositoryNotFoundError

    offline = hub_offline() if local_only is None else local_only
    try:
        folder = snapshot_download(model_id, allow_patterns=ALLOW_PATTERNS, local_files_only=offline)
    except RepositoryNotFoundError:
        return None
    except LocalEntryNotFoundError:
        raise ModelNotFoundError(not_found_message(pair, model_id)) from None
    except OSError as exc:  # network failures, disk full
        raise ModelError(f"model {model_id} for {pair} could not be downloaded ({exc}); pass --model {pair}=PATH to use a local copy") from None
    path = Path(folder)
    check_model_folder(path)
    return ResolvedModel(pair, model_id, path.name, str(path))


def resolve_direct(src: str, tgt: str, overrides: dict[str, str], local_only: bool | None = None) -> ResolvedModel | None:
    """The model for exactly ``src-tgt`` (an override, or the default hub id); ``None`` when none exists."""
    pair = f"{src}-{tgt}"
    spec = overrides.get(pair) or DEFAULT_MODEL.format(src=src, tgt=tgt)
    path = Path(spec).expanduser()
    if path.exists():
        check_model_folder(path)
        return ResolvedModel(pair, str(path.resolve()), folder_revision(path), str(path.resolve()))
    return fetch_hub_model(pair, spec, local_only)


def resolve_pair(src: str, tgt: str, overrides: dict[str, str] | None = None, local_only: bool | None = None) -> list[ResolvedModel]:
    """Models that translate ``src`` -> ``tgt``: one direct model, or two that pivot through English."""
    overrides = overrides or {}
    try:
        direct = resolve_direct(src, tgt, overrides, local_only)
    except ModelNotFoundError as missing:
        chain = _pivot_if_available(src, tgt, overrides)
        if chain:
            return chain
        raise missing
    if direct:
        return [direct]
    if PIVOT_LANG in (src, tgt):
        raise ModelNotFoundError(f"no model translates {src}-{tgt} ({DEFAULT_MODEL.format(src=src, tgt=tgt)} does not exist); pass --model {src}-{tgt}=HUB_ID_OR_PATH")
    first = resolve_pair(src, PIVOT_LANG, overrides, local_only)
    return first + resolve_pair(PIVOT_LANG, tgt, overrides, local_only)


def _pivot_if_available(src: str, tgt: str, overrides: dict[str, str]) -> list[ResolvedModel] | None:
    """When the direct model is missing offline, use a pivot through English if both halves are at hand."""
    if PIVOT_LANG in (src, tgt) or f"{src}-{tgt}" in overrides:
        return None
    try:
        return resolve_pair(src, PIVOT_LANG, overrides, True) + resolve_pair(PIVOT_LANG, tgt, overrides, True)
    except ModelNotFoundError:
        return None


def model_status(pair: str, overrides: dict[str, str] | None = None) -> tuple[str, str | None]:
    """(model id, local path or None) for ``notelingo models list|path``; never downloads."""
    src, tgt = parse_pair(pair, "pair")
    spec = (overrides or {}).get(pair) or DEFAULT_MODEL.format(src=src, tgt=tgt)
    try:
        found = resolve_direct(src, tgt, overrides or {}, local_only=True)
    except ModelNotFoundError:
        return spec, None
    return spec, found.path if found else None
