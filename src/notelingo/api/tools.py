"""The verbs of the tool commands, beside the pipeline's: ``notelingo eval`` (:func:`evaluate`), ``glossary
find/suggest/stats`` (:func:`find_terms`, :func:`suggest_terms`, :func:`term_stats`) and ``models
list/path/download/vmap`` (:func:`model_status`, :func:`model_path`, :func:`download_models`, :func:`build_vmap`).

Plain functions with plain keyword arguments, like :mod:`notelingo.api`'s; the CLI calls them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from . import PathLike, _glossary_option, _model_overrides, ingest

if TYPE_CHECKING:  # imported only for annotations: schema pulls in pydantic
    from ..glossary.model import Glossary
    from ..schema import Note


def evaluate(src: PathLike, ref: PathLike, pair: str = "ru-en", models: Mapping[str, PathLike] | None = None,
             backend: str = "auto", device: str = "auto", beams: int = 4, glossary: PathLike | None = None,
             use_glossary: bool = True, hyp: PathLike | None = None) -> dict:
    """Score a model and a glossary on line-aligned parallel text: BLEU and chrF (sacreBLEU, with their
    signatures), glossary term accuracy, span survival, repairs and speed (``notelingo eval``).

    ``src``, ``ref``: one segment per line; ``pair``: ``ru-en`` or ``en-ru``; ``use_glossary=False``
    translates without the glossary (term accuracy still uses ``glossary``); ``hyp``: score these lines
    instead of running the model. Returns the document ``notelingo eval --format json`` prints.

    Example::

        result = notelingo.api.tools.evaluate("chapter.ru.md", "chapter.en.md", pair="ru-en", beams=1)
        result["bleu"]["score"], result["term_accuracy"]["rate"]  # -> (31.2, 0.87)
    """
    from ..mt import check_device, choose_backend
    from ..mt.evaluate import EvalOptions
    from ..mt.evaluate import evaluate as score
    from ..mt.models import parse_pair

    src_lang, tgt_lang = parse_pair(pair, "pair")
    check_device(device)
    choose_backend(backend)
    options = EvalOptions(src=src_lang, tgt=tgt_lang, models=_model_overrides(models), backend=backend,
                          device=device, beams=beams, glossary=None if glossary is None else os.fspath(glossary),
                          use_glossary=use_glossary)
    return score(os.fspath(src), os.fspath(ref), options, None if hyp is None else os.fspath(hyp))


def _loaded_glossary(glossary: None | PathLike | Glossary) -> Glossary:
    from ..glossary import load_glossary

    option = _glossary_option(glossary)
    return option if hasattr(option, "entries") else load_glossary(option)


def find_terms(text: str, lang: str, glossary: None | PathLike | Glossary = None) -> list:
    """Glossary terms in ``text`` (``notelingo glossary find``): matches with ``start``, ``end``, ``surface``
    and ``entry``. spaCy is not imported once the glossary's match table is cached (the first call builds it)."""
    return _loaded_glossary(glossary).find(text, lang)


class Suggestions(list):
    """Candidate terms (:func:`suggest_terms`), plus ``failures``: the inputs that could not be read."""

    def __init__(self, candidates: Iterable[Any] = (), failures: Sequence[InputError] = ()) -> None:
        super().__init__(candidates)
        self.failures: list[InputError] = list(failures)


def suggest_terms(*paths: PathLike, top: int = 30, glossary: None | PathLike | Glossary = None) -> Suggestions:
    """Candidate terms of the inputs that the glossary lacks, best first (frequency × spread across posts):
    ``count``, ``posts``, ``kind``, ``term``, ``example`` each (``notelingo glossary suggest``).
    ``paths``: anything :func:`ingest` reads; the inputs it could not read are in ``failures``."""
    from ..glossary.suggest import mine_candidates
    from ..schema import UNTRANSLATED_KINDS

    terms = _loaded_glossary(glossary)
    notes = ingest(*paths)
    texts = ["\n".join(b.original(n.lang) for b in n.blocks if b.kind not in UNTRANSLATED_KINDS) for n in notes]
    return Suggestions(mine_candidates(texts, terms, top), notes.failures)


def term_stats(notes: Sequence[Note], glossary: None | PathLike | Glossary = None) -> list:
    """Per glossary term of ``notes``: how often it occurred and how it was rendered, most frequent first
    (``notelingo glossary stats``; ``consistent`` is False for a term rendered more than one way)."""
    from ..glossary.stats import term_stats as stats

    return stats(list(notes), _loaded_glossary(glossary))


def model_status(pair: str, models: Mapping[str, PathLike] | None = None) -> tuple[str, str | None]:
    """(model id, local folder or None when not downloaded) of the model that translates ``pair`` directly;
    nothing is downloaded (``notelingo models list``)."""
    from ..mt.models import model_status as status

    return status(pair, _model_overrides(models))


def model_path(pair: str, models: Mapping[str, PathLike] | None = None) -> str:
    """The local folder of the model for ``pair``; ``ModelNotFoundError`` when it is not downloaded."""
    from ..mt.models import model_not_found, parse_pair

    src, tgt = parse_pair(pair)
    model_id, path = model_status(f"{src}-{tgt}", models)
    if path is None:
        raise model_not_found(f"{src}-{tgt}", model_id)
    return path


def download_models(pair: str, models: Mapping[str, PathLike] | None = None) -> list:
    """Fetch the model(s) that translate ``pair`` into the Hugging Face cache, or find them there: one, or
    two pivoting through English. Returns them resolved (``pair``, ``model_id``, ``path``)."""
    from ..mt.models import parse_pair, resolve_pair

    src, tgt = parse_pair(pair)
    return resolve_pair(src, tgt, _model_overrides(models))


def build_vmap(pair: str, corpus: PathLike, ref: PathLike | None = None, models: Mapping[str, PathLike] | None = None,
               beams: int = 4, glossary: PathLike | None = None, use_glossary: bool = True, fixed: bool = True,
               cache_dir: PathLike | None = None) -> dict:
    """Build a vocabulary map for the CTranslate2 model of ``pair`` from ``corpus`` (one segment per line; every
    fifth held out) and keep it beside the converted model only when the held-out lines score within 0.3 BLEU
    and chrF of the full vocabulary with every protected span and glossary term kept (``notelingo models vmap``).
    ``fixed``: one candidate list for every batch, so an output never depends on its batch mates.
    Returns the report: ``pair``, ``kept``, ``summary`` and the scores."""
    from ..errors import UsageError
    from ..mt.models import parse_pair
    from ..mt.vmap import VmapOptions
    from ..mt.vmap import build_vmap as build

    if glossary is not None and not use_glossary:
        raise UsageError("glossary and use_glossary=False: give one of them", option="glossary")
    src, tgt = parse_pair(pair)
    options = VmapOptions(src=src, tgt=tgt, models=_model_overrides(models), beams=beams, fixed=fixed,
                          cache_dir=None if cache_dir is None else os.fspath(cache_dir),
                          glossary=None if glossary is None else os.fspath(glossary), use_glossary=use_glossary,
                          ref=None if ref is None else os.fspath(ref))
    return build(os.fspath(corpus), options)


# ----- the glossary: viewing, editing, importing and exporting (``notelingo glossary ...``) -----

POLICIES = ("keep", "translate", "gloss")


def load_terms(glossary: PathLike | None = None, check: bool = True) -> Glossary:
    """The glossary at ``glossary`` (``None``: the shipped one with the user glossary over it); ``check=False``
    also reads one with duplicate terms (for linting)."""
    from ..glossary import load_glossary

    return load_glossary(None if glossary is None else os.fspath(glossary), check=check)


def _save(edited: Glossary, glossary: PathLike | None) -> str:
    """Write an edited glossary: to ``glossary`` when given, else to the user glossary (never the shipped file)."""
    from ..glossary import save_glossary
    from ..glossary.model import save_user_glossary

    return save_glossary(edited) if glossary is not None else save_user_glossary(edited)


def add_term(term: str, ru: Sequence[str] = (), variants: Sequence[str] = (), policy: str = "translate",
             note: str | None = None, domain: str | None = None, generic: Sequence[str] = (),
             glossary: PathLike | None = None) -> str:
    """Add an entry (duplicates and conflicts are refused); returns the file written."""
    from ..glossary.edit import add_entry, make_entry

    loaded = load_terms(glossary)
    _check_policy(policy)
    return _save(add_entry(loaded, make_entry(term, list(ru), list(variants), policy, note, domain, list(generic))),
                 glossary)


def edit_term(term: str, glossary: PathLike | None = None, **changes: Any) -> str:
    """Change fields of an entry (``en``, ``ru``, ``add_variants``, ``remove_variants``, ``generic``, ``policy``,
    ``note``, ``domain``); returns the file written."""
    from ..glossary.edit import edit_entry

    if changes.get("policy") is not None:
        _check_policy(changes["policy"])
    return _save(edit_entry(load_terms(glossary), term, **changes), glossary)


def remove_term(term: str, glossary: PathLike | None = None) -> str:
    """Remove an entry; returns the file written."""
    from ..glossary.edit import remove_entry

    return _save(remove_entry(load_terms(glossary), term), glossary)


def lint_terms(glossary: PathLike | None = None) -> tuple[Glossary, list]:
    """(the glossary, its problems): duplicates, conflicting renderings, shadowing variants, empty fields."""
    from ..glossary.lint import lint_glossary

    loaded = load_terms(glossary, check=False)
    return loaded, lint_glossary(loaded)


def import_terms(file: PathLike, glossary: PathLike | None = None, output: PathLike | None = None) -> dict:
    """Import a CSV/TSV/TBX/Markdown/YAML glossary: into ``glossary`` (new terms only), or as a new glossary
    at ``output``. Returns ``path``, ``added``, ``existing`` (kept) and ``refused`` (conflicting lines)."""
    from ..errors import FormatError
    from ..glossary import Glossary, save_glossary
    from ..glossary.edit import merge_entries
    from ..glossary.formats import import_glossary

    imported = import_glossary(os.fspath(file))
    if not imported.entries:
        raise FormatError(os.fspath(file), "no glossary entries found; give a CSV/TSV (DeepL style), TBX, "
                                           "notelingo YAML or a Markdown table of term pairs")
    if output is not None:
        path = save_glossary(Glossary(imported.entries, os.fspath(output)))
        return {"path": path, "added": len(imported.entries), "existing": [], "refused": []}
    merged, existing, refused = merge_entries(load_terms(glossary), imported.entries)
    path = _save(merged, glossary)
    return {"path": path, "added": len(imported.entries) - len(existing) - len(refused), "existing": existing,
            "refused": refused}


def export_terms(fmt: str, output: PathLike | None = None, pair: str = "en-ru",
                 glossary: None | PathLike | Glossary = None) -> str:
    """The glossary as ``deepl`` (DeepL's two-column CSV for ``pair``), ``csv``/``tsv`` (every field) or ``tbx``;
    written atomically to ``output`` when given (``None`` or ``"-"``: nothing written). Returns the text."""
    from ..errors import UsageError
    from ..fileio import write_text_atomic
    from ..glossary.formats import DEEPL_PAIRS, FORMATS, export_glossary
    from ..glossary.yamlio import refuse_special_file

    if pair not in DEEPL_PAIRS:
        raise UsageError(f"{pair!r}: use one of {', '.join(DEEPL_PAIRS)}", option="pair")
    if fmt not in FORMATS:
        raise UsageError(f"{fmt!r}: use one of {', '.join(FORMATS)}", option="format")
    loaded = _loaded_glossary(glossary)
    text = export_glossary(loaded, fmt, pair)
    if output is not None and os.fspath(output) != "-":
        refuse_special_file(os.fspath(output))
        write_text_atomic(os.fspath(output), text)
    return text


def glossary_files(glossary: PathLike | None = None) -> list[tuple[str, str, Glossary | None]]:
    """(role, path, the glossary read there or None when the file does not exist) of each glossary in use."""
    from ..glossary.user import glossary_files as files

    return [(role, path, load_terms(path, check=False) if os.path.exists(path) else None)
            for role, path in files(None if glossary is None else os.fspath(glossary))]


def _check_policy(policy: str) -> None:
    from ..errors import UsageError

    if policy not in POLICIES:
        raise UsageError(f"{policy!r}: use one of {', '.join(POLICIES)}", option="policy")
