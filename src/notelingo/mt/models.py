"""Which Marian model translates a language pair, and where its files are.

* ``--model SRC-TGT=HUB_ID_OR_PATH`` overrides; otherwise ``Helsinki-NLP/opus-mt-{src}-{tgt}``.
* A local folder works offline. A hub id is downloaded once into the Hugging Face
  cache (``HF_HOME`` conventions; the hub client resumes broken downloads) with a
  progress bar: ``model.safetensors`` when the repo has it at that revision, else
  ``pytorch_model.bin`` only (never TensorFlow, Flax or Rust weights), plus the
  config and tokenizer files.
* Pickled weights (from the hub or in a local folder) are read by the restricted
  unpickler and kept as a safetensors copy in notelingo's cache, keyed by repo id
  and commit (:mod:`.weights`); both backends load that copy.
* Offline with no local copy: :class:`ModelNotFoundError`, one line saying how to
  supply the model.
* A pair with no direct model on the hub pivots through English (two models).
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import ModelError, ModelNotFoundError, UsageError
from .weights import META_PATTERNS, PICKLED, SAFE, convert_folder, converted_path, human_size, is_converted

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-{src}-{tgt}"
PIVOT_LANG = "en"
_PAIR = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_WEIGHTS = (*SAFE, PICKLED)
log = logging.getLogger(__name__)

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


def parse_pair(pair: str, option: str | None = None) -> tuple[str, str]:
    """(src, tgt) of ``"ru-en"``; ``option``: the option it came from (none: a ``pair`` argument)."""
    match = _PAIR.match(pair.strip().lower())
    if not match or match.group(1) == match.group(2):
        what = "" if option else "pair "
        raise UsageError(f"{what}{pair!r}: name the pair as SRC-TGT with two different ISO 639-1 codes, e.g. ru-en",
                         option=option)
    return match.group(1), match.group(2)


class ModelChoice(dict):
    """``{"ru-en": HUB_ID_OR_FOLDER, ...}`` with every pair and model checked (folders made absolute):
    what ``--model`` options or a ``models=`` mapping become, once; :func:`check_models` takes it as it is."""


def parse_model_options(values: Iterable[str]) -> ModelChoice:
    """``["ru-en=PATH", ...]`` (the ``--model`` options) -> ``{"ru-en": "PATH"}``, each value checked
    to be a folder or a hub id."""
    items = []
    for value in values:
        pair, sep, spec = value.partition("=")
        if not sep or not spec.strip():
            raise UsageError(f"{value!r}: write SRC-TGT=HUB_ID_OR_PATH, e.g. {{option:models}} "
                             "ru-en=Helsinki-NLP/opus-mt-ru-en", option="models")
        items.append((pair, spec, value))
    return _checked(items)


def check_models(models: Mapping[str, str | os.PathLike] | None) -> ModelChoice:
    """A ``{pair: hub id or folder}`` mapping checked as ``--model`` options are (a :class:`ModelChoice`,
    already checked, is taken as it is)."""
    if isinstance(models, ModelChoice):
        return models
    items = []
    for pair, spec in (models or {}).items():
        value = f"{pair}={os.fspath(spec)}"
        if not os.fspath(spec).strip():
            raise UsageError(f"{value!r}: write SRC-TGT=HUB_ID_OR_PATH, e.g. {{option:models}} "
                             "ru-en=Helsinki-NLP/opus-mt-ru-en", option="models")
        items.append((pair, os.fspath(spec), value))
    return _checked(items)


def _checked(items: list[tuple[str, str, str]]) -> ModelChoice:
    """(pair, spec, as given) -> the checked choice; a pair given twice (in any case) is refused."""
    models = ModelChoice()
    for pair, spec, value in items:
        src, tgt = parse_pair(pair, "models")
        key = f"{src}-{tgt}"
        if key in models:
            raise UsageError(f"{value!r}: pair {key} given twice", option="models")
        models[key] = check_model_spec(spec.strip(), key)
    return models


def check_model_spec(spec: str, pair: str) -> str:
    """A folder (made absolute) or a hub id; anything else is a usage error naming the fix."""
    path = Path(spec).expanduser()
    if path.exists():
        check_model_folder(path)
        return str(path.resolve())
    if spec.startswith((".", "/", "~")) or spec.count("/") != 1 or not _HUB_ID.match(spec) or ".." in spec:
        raise UsageError(f"{pair}={spec}: no such folder, and not a hub id like Helsinki-NLP/opus-mt-{pair}",
                         option="models")
    return spec


def check_model_folder(path: Path) -> None:
    """A folder must hold a Marian model (safetensors or pickled weights) and its tokenizer."""
    if not path.is_dir():
        raise ModelError(f"{path}: is not a folder; give the folder that holds config.json and model.safetensors")
    missing = [
        name for name in ("config.json", "source.spm", "target.spm", "vocab.json") if not (path / name).is_file()
    ]
    if not any((path / name).is_file() for name in _WEIGHTS):
        missing.append("model.safetensors (or pytorch_model.bin)")
    if missing:
        raise ModelError(f"{path}: not a Marian model folder, missing {', '.join(missing)}")


def usable_folder(path: Path, model_id: str, revision: str) -> Path:
    """``path`` itself when it has safetensors weights, else its safetensors copy in notelingo's cache."""
    check_model_folder(path)
    if any((path / name).is_file() for name in SAFE):
        return path
    target = converted_path(model_id, revision)
    if not is_converted(target):
        target = convert_folder(path, target, model_id)
        log.info("%s: converted %s to safetensors in %s", model_id, PICKLED, target)
    return target


def folder_revision(path: Path) -> str:
    """A stable revision for a local folder: the hash of its weight and tokenizer files' names, sizes and mtimes."""
    digest = hashlib.sha256()
    for item in sorted(path.iterdir()):
        if item.is_file() and (item.suffix in (".safetensors", ".json", ".spm") or item.name == PICKLED):
            stat = item.stat()
            digest.update(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return "local-" + digest.hexdigest()[:12]


def hub_offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE) or os.environ.get("TRANSFORMERS_OFFLINE", "").lower() in (
        "1",
        "true",
        "yes",
        "on",
    )


def not_found_message(pair: str, model_id: str) -> str:
    """The message of :func:`model_not_found` (``{option}``: where the models option is named)."""
    return (f"model {model_id} for {pair} is not available offline; supply a local copy with {{option}} {pair}=PATH "
            f"or download it with 'notelingo models download {pair}' while online")


def model_not_found(pair: str, model_id: str) -> ModelNotFoundError:
    return ModelNotFoundError(not_found_message(pair, model_id), option="models")


def fetch_hub_model(pair: str, model_id: str, local_only: bool | None = None) -> ResolvedModel | None:
    """The model folder for hub id ``model_id``, downloaded when missing; ``None`` when the hub has no such repository.

    Online, the revision is resolved to a commit, the file list read, and only the
    config, tokenizer and one set of weights fetched (``model.safetensors``, else
    ``pytorch_model.bin``, converted once to a safetensors copy). Offline, the same
    comes from the Hugging Face cache and notelingo's cache.
    """
    offline = hub_offline() if local_only is None else local_only
    commit = _resolve_commit(pair, model_id, offline)
    if commit is None:
        return None
    converted = converted_path(model_id, commit)
    if is_converted(converted):
        return ResolvedModel(pair, model_id, commit, str(converted))
    files = _repo_files(pair, model_id, commit, offline)
    meta = sorted(name for name in files if any(fnmatch.fnmatch(name, p) for p in META_PATTERNS))
    wanted = meta + _weights_of(files, pair, model_id)
    folder = _download(pair, model_id, commit, {name: files[name] for name in wanted}, offline)
    return ResolvedModel(pair, model_id, commit, str(usable_folder(folder, model_id, commit)))


def _weights_of(files: dict[str, int], pair: str, model_id: str) -> list[str]:
    """The one set of weights to fetch: safetensors when the repo has them, else the PyTorch pickle.

    TensorFlow, Flax and Rust weights are never fetched.
    """
    if "model.safetensors" in files:
        return ["model.safetensors"]
    shards = sorted(name for name in files if fnmatch.fnmatch(name, "model-*-of-*.safetensors"))
    if shards and "model.safetensors.index.json" in files:
        return shards
    if PICKLED in files:
        return [PICKLED]
    raise ModelError(f"model {model_id} for {pair} has neither model.safetensors nor {PICKLED}; "
                     f"pass {{option}} {pair}=HUB_ID_OR_PATH with a Marian model", option="models")


def _hub_failure(pair: str, model_id: str, exc: BaseException) -> ModelError:
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
    return ModelError(f"model {model_id} for {pair} could not be downloaded ({reason}); run the command again to "
                      f"resume, or pass {{option}} {pair}=PATH to use a local copy", option="models")


def _resolve_commit(pair: str, model_id: str, offline: bool) -> str | None:
    """The commit the default branch points to (cached in HF_HOME's refs for offline runs); ``None``: no such repo."""
    import httpx2
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionResolutionError

    try:
        return HfApi().resolve_revision(model_id, local_files_only=offline).resolved
    except RepositoryNotFoundError:
        return None
    except RevisionResolutionError:
        if offline:
            raise model_not_found(pair, model_id) from None
        raise ModelNotFoundError(f"model {model_id} for {pair} is not downloaded and the hub cannot be reached; "
                                 f"check the connection (HF_ENDPOINT), or pass {{option}} {pair}=PATH to use a local "
                                 "copy", option="models") from None
    except (HfHubHTTPError, httpx2.HTTPError) as exc:
        raise _hub_failure(pair, model_id, exc) from None


def _repo_files(pair: str, model_id: str, commit: str, offline: bool) -> dict[str, int]:
    """{file name: size} of the repo at ``commit``: from the hub, or from the listing the hub client cached."""
    import httpx2
    from huggingface_hub import HfApi, get_cached_repo_tree
    from huggingface_hub.errors import CachedRepoTreeNotFoundError, HfHubHTTPError

    try:
        if offline:
            entries = get_cached_repo_tree(model_id, revision=commit)
        else:
            listing = HfApi().list_repo_tree(model_id, revision=commit, recursive=True)
            entries = [entry for entry in listing if hasattr(entry, "size")]
    except CachedRepoTreeNotFoundError:
        raise model_not_found(pair, model_id) from None
    except (HfHubHTTPError, httpx2.HTTPError) as exc:
        raise _hub_failure(pair, model_id, exc) from None
    return {entry.path: entry.size for entry in entries}


def _download(pair: str, model_id: str, commit: str, files: dict[str, int], offline: bool) -> Path:
    """``files`` of ``model_id`` at ``commit`` in the Hugging Face cache; what is missing is fetched with a bar."""
    import httpx2
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    from huggingface_hub.utils import logging as hub_logging

    snapshot = Path(constants.HF_HUB_CACHE) / f"models--{model_id.replace('/', '--')}" / "snapshots" / commit
    missing = {name: size for name, size in files.items() if not (snapshot / name).is_file()}
    if missing and not offline:
        log.info("%s: downloading %s (%s in %d file(s): %s) into %s", pair, model_id, human_size(sum(missing.values())),
                 len(missing), ", ".join(sorted(missing, key=missing.get, reverse=True)[:3]), snapshot.parent.parent)
    # The client's per-retry warnings would bury the one line a failure ends with; it still retries and resumes.
    verbosity = hub_logging.get_verbosity()
    hub_logging.set_verbosity_error()
    try:
        folder = snapshot_download(model_id, revision=commit, allow_patterns=sorted(files), local_files_only=offline,
                                   tqdm_class=_pair_bar(pair))
    except LocalEntryNotFoundError:
        raise model_not_found(pair, model_id) from None
    except (HfHubHTTPError, httpx2.HTTPError, OSError) as exc:
        raise _hub_failure(pair, model_id, exc) from None
    finally:
        hub_logging.set_verbosity(verbosity)
    return Path(folder)


def _pair_bar(pair: str):
    """The hub client's progress bar (silenced by HF_HUB_DISABLE_PROGRESS_BARS), labelled with the pair."""
    from huggingface_hub.utils import tqdm as hub_tqdm

    class PairBar(hub_tqdm):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["desc"] = f"{pair}: {kwargs.get('desc') or 'downloading'}"
            super().__init__(*args, **kwargs)

    return PairBar


def resolve_direct(
    src: str, tgt: str, overrides: dict[str, str], local_only: bool | None = None
) -> ResolvedModel | None:
    """The model for exactly ``src-tgt`` (an override, or the default hub id); ``None`` when none exists."""
    pair = f"{src}-{tgt}"
    spec = overrides.get(pair) or DEFAULT_MODEL.format(src=src, tgt=tgt)
    path = Path(spec).expanduser()
    if path.exists():
        check_model_folder(path)
        revision = folder_revision(path)
        folder = usable_folder(path.resolve(), str(path.resolve()), revision)
        return ResolvedModel(pair, str(path.resolve()), revision, str(folder))
    return fetch_hub_model(pair, spec, local_only)


def resolve_pair(
    src: str, tgt: str, overrides: dict[str, str] | None = None, local_only: bool | None = None
) -> list[ResolvedModel]:
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
        model_id = overrides.get(f"{src}-{tgt}") or DEFAULT_MODEL.format(src=src, tgt=tgt)
        raise ModelNotFoundError(f"no model translates {src}-{tgt} ({model_id} does not exist on the hub); "
                                 f"pass {{option}} {src}-{tgt}=HUB_ID_OR_PATH", option="models")
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
    src, tgt = parse_pair(pair)
    spec = (overrides or {}).get(pair) or DEFAULT_MODEL.format(src=src, tgt=tgt)
    try:
        found = resolve_direct(src, tgt, overrides or {}, local_only=True)
    except ModelNotFoundError:
        return spec, None
    return spec, found.path if found else None
