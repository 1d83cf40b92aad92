"""Reading and writing the glossary's YAML file, with validation at the edge.

The reader returns entries (:func:`parse_entries`); :mod:`.model` builds the glossary of them.

The file is a mapping ``{version: 1, entries: [...]}``; each entry a mapping
with the keys of :class:`Entry`. Parsing is strict on purpose: a value the
writer could not reproduce (a number, a duplicate key, an unknown field, a
stray space) is refused with its line and the fix, never silently coerced.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from ..errors import GlossaryError
from .entry import LANGS, POLICIES, Entry, GlossaryLike

FORMAT_VERSION = 1
ENTRY_KEYS = ("en", "ru", "variants", "generic", "policy", "domain", "note")
#: Separator of several forms in one CSV/TSV cell, so it may not occur inside a form.
LIST_SEPARATOR = "|"

_HEADER = """\
# notelingo ML glossary (format version 1). One entry per term:
#   en: canonical English; ru: Russian renderings (first = preferred);
#   variants: surface forms recognised in text but never produced; generic: everyday-word forms, matched only in compounds;
#   policy: keep (never translated) | translate | gloss (target form + original in parentheses on first use);
#   domain, note: optional. Check edits with `notelingo glossary lint`.
"""  # noqa: E501 (the header every glossary file starts with)


def default_glossary_path() -> str:
    """The glossary shipped inside the package (``notelingo/glossaries/ml.yaml``)."""
    from importlib.resources import files

    return str(files("notelingo") / "glossaries" / "ml.yaml")


def parse_entries(text: str, path: str = "<text>") -> tuple[list[Entry], list[str]]:
    """The entries and the ``removed`` terms of YAML glossary text; errors name ``path:line`` and the fix.

    :func:`.model.parse_glossary` makes the :class:`.model.Glossary` of them. A text parsed before is read
    back from the cache (:func:`_parsed_file`: importing PyYAML and parsing the shipped glossary took
    ~0.14 s of every run); only a text that parses is kept.
    """
    from ..nlp.tokenrules import load, store

    cached = _parsed_file(text)
    found = load(cached)
    if isinstance(found, dict) and isinstance(found.get("entries"), list):
        try:
            return [Entry(**fields) for fields in found["entries"]], list(found.get("removed", []))
        except TypeError:  # written by other code: parse again
            pass
    entries, removed = _parse_yaml(text, path)
    store(cached, {"entries": [dataclasses.asdict(entry) for entry in entries], "removed": removed})
    return entries, removed


def _parsed_file(text: str) -> Path:
    """Where the parse of glossary ``text`` is kept: keyed by the text and the code that parses it."""
    import hashlib

    from ..fileio import cache_root
    from ..nlp.tokenrules import fingerprint

    here = Path(__file__).parent
    code = fingerprint([here / "yamlio.py", here / "entry.py"], ("PyYAML",))
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    return Path(cache_root()) / "glossary-parsed" / f"{key}-{code}.json"


def _parse_yaml(text: str, path: str) -> tuple[list[Entry], list[str]]:
    import yaml

    # libyaml's parser when PyYAML was built with it: the shipped glossary parses in 30 ms instead of 600.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise GlossaryError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax") from None
    finally:
        loader.dispose()
    if root is None:
        raise GlossaryError(f"{path}: empty file; a glossary needs 'version: 1' and 'entries:'")
    top = _mapping(root, path, ("version", "entries", "removed"), "the top level")
    version = _scalar(loader, top.get("version"), path, "version", int) if "version" in top else None
    if version != FORMAT_VERSION:
        raise GlossaryError(f"{path}:{root.start_mark.line + 1}: 'version' must be {FORMAT_VERSION}; add 'version: "
                            f"{FORMAT_VERSION}' at the top")
    items = top.get("entries")
    if items is None or items.tag != "tag:yaml.org,2002:seq":
        raise GlossaryError(f"{path}:{root.start_mark.line + 1}: 'entries' must be a list of entries ('- en: ...')")
    removed = _string_list(loader, top["removed"], path, "removed") if "removed" in top else []
    return [_entry(loader, node, path) for node in items.value], removed


def _mapping(node: Any, path: str, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    line = node.start_mark.line + 1
    if node.tag != "tag:yaml.org,2002:map":
        raise GlossaryError(f"{path}:{line}: {what} must be a mapping of keys to values")
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in allowed:
            raise GlossaryError(f"{path}:{key_node.start_mark.line + 1}: unknown key {key!r} in {what}; use one of: "
                                f"{', '.join(allowed)}")
        if key in out:
            raise GlossaryError(f"{path}:{key_node.start_mark.line + 1}: key {key!r} given twice in {what}; keep one")
        out[key] = value_node
    return out


def _scalar(loader: Any, node: Any, path: str, key: str, kind: type = str) -> Any:
    line = node.start_mark.line + 1
    scalar = node.tag.endswith(("str", "int", "null", "bool", "float"))
    value = loader.construct_object(node, deep=True) if scalar else None
    if type(value) is not kind:
        raise GlossaryError(f"{path}:{line}: {key!r} must be a {'text' if kind is str else kind.__name__}; quote it "
                            "or fix the value")
    if kind is str:
        _check_text(value, path, line, key)
    return value


def _check_text(value: str, path: str, line: int, key: str) -> None:
    problem = text_problem(value, key)
    if problem:
        raise GlossaryError(f"{path}:{line}: {key!r} {problem}")


def text_problem(value: str, key: str) -> str | None:
    """Why ``value`` cannot be stored in field ``key`` (None when it can)."""
    if not value:
        return "is empty; give a value or remove the key"
    if value != value.strip():
        return f"value {value!r} has leading or trailing spaces; remove them"
    if re.search(r"[\x00-\x1f\x7f\u2028\u2029\x85]", value):
        return f"value {value!r} contains a line break or control character; keep it on one line"
    if key not in ("note", "domain") and LIST_SEPARATOR in value:
        return f"value {value!r} contains '{LIST_SEPARATOR}', which separates forms in CSV/TSV; split it into two forms"
    return None


def _string_list(loader: Any, node: Any, path: str, key: str) -> list[str]:
    if node.tag != "tag:yaml.org,2002:seq":
        raise GlossaryError(f"{path}:{node.start_mark.line + 1}: {key!r} must be a list, e.g. {key}: [first, second]")
    return [_scalar(loader, item, path, key) for item in node.value]


def _entry(loader: Any, node: Any, path: str) -> Entry:
    line = node.start_mark.line + 1
    fields = _mapping(node, path, ENTRY_KEYS, f"the entry on line {line}")
    if "en" not in fields:
        raise GlossaryError(f"{path}:{line}: entry has no 'en'; give its canonical English form")
    if "policy" not in fields:
        raise GlossaryError(f"{path}:{line}: entry has no 'policy'; add 'policy: keep', 'translate' or 'gloss'")
    policy = _scalar(loader, fields["policy"], path, "policy")
    if policy not in POLICIES:
        raise GlossaryError(f"{path}:{fields['policy'].start_mark.line + 1}: policy {policy!r} is unknown; use keep, "
                            "translate or gloss")
    variants: dict[str, list[str]] = {}
    if "variants" in fields:
        for lang, lang_node in _mapping(fields["variants"], path, LANGS, "'variants'").items():
            variants[lang] = _string_list(loader, lang_node, path, f"variants.{lang}")
    optional = {k: _scalar(loader, fields[k], path, k) for k in ("note", "domain") if k in fields}
    return Entry(
        en=_scalar(loader, fields["en"], path, "en"),
        ru=_string_list(loader, fields["ru"], path, "ru") if "ru" in fields else [],
        generic=_string_list(loader, fields["generic"], path, "generic") if "generic" in fields else [],
        variants={lang: forms for lang, forms in variants.items() if forms},
        policy=policy,
        line=line,
        **optional,
    )


# ---------------------------------------------------------------- writing

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`.][^,\[\]{}#:\"]*$")


def _yaml_str(value: str) -> str:
    """A scalar that reads back as exactly ``value``: plain when safe, else double-quoted."""
    import yaml

    if _PLAIN.match(value) and not value.endswith(" ") and yaml.safe_load(f"[{value}]") == [value]:
        return value
    return json.dumps(value, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(_yaml_str(v) for v in values) + "]"


def dump_glossary(glossary: GlossaryLike) -> str:
    """Canonical YAML text: fixed key order, one flow list per field, a header comment."""
    lines = [_HEADER.rstrip("\n"), f"version: {FORMAT_VERSION}"]
    if glossary.removed:  # a user glossary: shipped terms it takes away
        lines.append(f"removed: {_yaml_list(glossary.removed)}")
    lines.append("entries:" if glossary.entries else "entries: []")
    for entry in glossary.entries:
        data = entry.to_dict()
        lines.append(f"- en: {_yaml_str(data['en'])}")
        if "ru" in data:
            lines.append(f"  ru: {_yaml_list(data['ru'])}")
        if "variants" in data:
            lines.append("  variants:")
            lines.extend(f"    {lang}: {_yaml_list(forms)}" for lang, forms in data["variants"].items())
        if "generic" in data:
            lines.append(f"  generic: {_yaml_list(data['generic'])}")
        lines.append(f"  policy: {data['policy']}")
        lines.extend(f"  {key}: {_yaml_str(data[key])}" for key in ("domain", "note") if key in data)
    return "\n".join(lines) + "\n"


def save_glossary(glossary: GlossaryLike, path: str | None = None) -> str:
    """Write ``glossary`` atomically to ``path`` (default: where it was read from)."""
    from ..fileio import atomic_write

    target = path or glossary.path
    if target.startswith("<"):
        raise GlossaryError("glossary has no file; give it one to write to ({option:glossary} FILE or "
                            "{option:output} FILE)")
    refuse_special_file(target)
    with atomic_write(Path(target)) as fh:
        fh.write(dump_glossary(glossary))
    return target


def refuse_special_file(target: str) -> None:
    """An atomic write renames over its target: never do that to a device or a folder (-o /dev/null)."""
    path = Path(target)
    if path.exists() and not path.is_file():
        raise GlossaryError(f"{target}: is not a regular file; give a file path to write to")
