"""Glossary exchange formats: DeepL glossary CSV, notelingo CSV/TSV, TBX-Basic (ISO 30042), Markdown tables.

DeepL (``export --format deepl --pair en-ru``): exactly what DeepL's glossary
upload takes, two columns (source, target), no header, one language pair.

CSV/TSV: the first two columns are source (English) and target (Russian), as
DeepL and most MT services expect. notelingo's own export adds a header row and
the remaining fields (variants, policy, domain, note), so export -> import is
lossless; a header-less two-column (or DeepL four-column ``en,ru,EN,RU``) file
imports as plain pairs. Several forms in one cell are separated by ``|``.

TBX: one ``termEntry`` per entry; English and Russian ``langSet``s whose terms
carry ``administrativeStatus``: preferred (``en``, ``ru[0]``), admitted (other
renderings), deprecated (variants: recognised, never produced). Policy goes in
``<admin type="projectSubset">policy:keep</admin>``, domain in
``subjectField``, the note in ``<note>``; a generic form (an everyday word too)
carries ``<note>notelingo:generic</note>`` in its ``tig``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import GlossaryError
from ..fileio import XML_LANG
from .edit import check_entry_text
from .entry import POLICIES, Entry
from .model import Glossary, parse_glossary
from .yamlio import LIST_SEPARATOR

HEADER = ["en", "ru", "variants_en", "variants_ru", "policy", "domain", "note", "generic"]
#: The header of exports written before the ``generic`` column existed; still read.
HEADER_V1 = HEADER[:7]
FORMATS = ("csv", "tsv", "tbx", "deepl")
#: Language pairs a DeepL glossary can be written for (source-target).
DEEPL_PAIRS = ("en-ru", "ru-en")


def _join(values: list[str]) -> str:
    return LIST_SEPARATOR.join(values)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def _row(entry: Entry) -> list[str]:
    return [entry.en, _join(entry.ru), _join(entry.variants.get("en", [])), _join(entry.variants.get("ru", [])),
            entry.policy, entry.domain or "", entry.note or "", _join(entry.generic)]


def export_delimited(glossary: Glossary, delimiter: str) -> str:
    """CSV (``,``) or TSV (``\\t``) text with a header row; lossless."""
    rows = [HEADER] + [_row(e) for e in glossary.entries]
    if delimiter == "\t":  # DeepL's TSV has no quoting; values never hold tabs or line breaks
        return "".join("\t".join(row) + "\n" for row in rows)
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def import_delimited(text: str, delimiter: str, path: str) -> Glossary:
    """Entries from CSV/TSV: notelingo's own header format or DeepL pairs."""
    if delimiter == "\t":
        rows = [line.split("\t") for line in text.lstrip("\ufeff").splitlines()]
    else:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    if rows and [c.strip().lower() for c in rows[0]] in (HEADER, HEADER_V1):
        width = len(rows[0])
        entries = [_entry_from_row(row, path, n, width) for n, row in enumerate(rows[1:], start=2) if any(row)]
    else:
        entries = [_pair_from_row(row, path, n) for n, row in enumerate(rows, start=1) if any(row)]
    return _validated(entries, path)


def _entry_from_row(row: list[str], path: str, lineno: int, width: int = len(HEADER)) -> Entry:
    if len(row) != width:
        raise GlossaryError(f"{path}:{lineno}: expected {width} columns ({', '.join(HEADER[:width])}), found "
                            f"{len(row)}")
    en, ru, var_en, var_ru, policy, domain, note, generic = (row + [""])[:len(HEADER)]
    if policy not in POLICIES:
        raise GlossaryError(f"{path}:{lineno}: policy {policy!r} is unknown; use keep, translate or gloss")
    variants = {lang: _split(cell) for lang, cell in (("en", var_en), ("ru", var_ru)) if _split(cell)}
    return Entry(en=en, ru=_split(ru), variants=variants, policy=policy, domain=domain or None, note=note or None,
                 generic=_split(generic), line=lineno)


def _pair_from_row(row: list[str], path: str, lineno: int) -> Entry:
    """A DeepL row: source, target[, source_lang, target_lang]."""
    if len(row) not in (2, 4) or not row[0].strip() or not row[1].strip():
        raise GlossaryError(f"{path}:{lineno}: a DeepL glossary row is 'source,target' (or with language codes); "
                            f"found {len(row)} columns")
    en, ru = row[0].strip(), row[1].strip()
    keep = en == ru
    return Entry(en=en, ru=[] if keep else [ru], policy="keep" if keep else "translate", line=lineno)


def _validated(entries: list[Entry], path: str) -> Glossary:
    seen: dict[str, Entry] = {}
    for entry in entries:
        try:
            check_entry_text(entry)
        except GlossaryError as exc:
            raise GlossaryError(f"{path}:{entry.line}: {exc}") from None
        first = seen.setdefault(entry.en.casefold(), entry)
        if first is not entry:
            raise GlossaryError(f"{path}:{entry.line}: duplicate term {entry.en!r} (also on line {first.line}); merge "
                                "the two rows")
    return Glossary(entries, path)


# ---------------------------------------------------------------- DeepL

def deepl_pairs(glossary: Glossary, pair: str = "en-ru") -> list[tuple[str, str]]:
    """(source, target) rows of a DeepL glossary for ``pair``: one row per distinct source form.

    Every form recognised in the source language (renderings and variants; not the
    generic everyday-word forms, which DeepL would force everywhere) maps to the
    entry's preferred target. DeepL refuses a source given twice: the first entry wins.
    """
    if pair not in DEEPL_PAIRS:
        raise GlossaryError(f"{pair!r}: use one of {', '.join(DEEPL_PAIRS)}", option="pair")
    src, tgt = pair.split("-")
    rows: dict[str, tuple[str, str]] = {}
    for entry in glossary.entries:
        target = entry.target(tgt)
        for form in entry.matched_forms(src):
            rows.setdefault(form, (form, target))
    return list(rows.values())


def export_deepl(glossary: Glossary, pair: str = "en-ru") -> str:
    """DeepL's glossary CSV: two columns, source and target, no header (RFC 4180 quoting)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(deepl_pairs(glossary, pair))
    return out.getvalue()


# ---------------------------------------------------------------- TBX

_GENERIC_NOTE = "notelingo:generic"
_STATUS = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "variant": "deprecatedTerm-admn-sts",
}


def export_tbx(glossary: Glossary) -> str:
    """TBX-Basic (martif, ISO 30042) text."""
    import xml.etree.ElementTree as ET

    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    desc = ET.SubElement(ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc"), "sourceDesc")
    ET.SubElement(desc, "p").text = "notelingo ML glossary"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for index, entry in enumerate(glossary.entries, start=1):
        node = ET.SubElement(body, "termEntry", {"id": f"e{index}"})
        if entry.domain is not None:
            ET.SubElement(node, "descrip", {"type": "subjectField"}).text = entry.domain
        ET.SubElement(node, "admin", {"type": "projectSubset"}).text = f"policy:{entry.policy}"
        if entry.note is not None:
            ET.SubElement(node, "note").text = entry.note
        generic = {g.casefold() for g in entry.generic}
        en_terms = [(entry.en, "preferred")] + [(v, "variant") for v in entry.variants.get("en", [])]
        _lang_set(node, "en", en_terms, generic)
        ru_terms = [(r, "preferred" if i == 0 else "admitted") for i, r in enumerate(entry.ru)]
        _lang_set(node, "ru", ru_terms + [(v, "variant") for v in entry.variants.get("ru", [])], generic)
    ET.indent(root)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
    return head + ET.tostring(root, encoding="unicode") + "\n"


def _lang_set(parent, lang: str, terms: list[tuple[str, str]], generic: set[str]) -> None:
    import xml.etree.ElementTree as ET

    if not terms:
        return
    lang_set = ET.SubElement(parent, "langSet", {XML_LANG: lang})
    for term, status in terms:
        tig = ET.SubElement(lang_set, "tig")
        ET.SubElement(tig, "term").text = term
        ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = _STATUS[status]
        if term.casefold() in generic:
            ET.SubElement(tig, "note").text = _GENERIC_NOTE


def import_tbx(text: str, path: str) -> Glossary:
    """Entries from TBX (martif) text; terms without a status: first preferred, rest variants."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text.lstrip("\ufeff").encode("utf-8"))
    except ET.ParseError as exc:
        raise GlossaryError(f"{path}:{exc.position[0]}: not well-formed TBX/XML ({exc}); fix the XML") from None
    entries = [_tbx_entry(node, path, n) for n, node in enumerate(root.iter("termEntry"), start=1)]
    return _validated(entries, path)


def _tbx_terms(node, lang: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"preferred": [], "admitted": [], "variant": [], "generic": []}
    status_of = {v: k for k, v in _STATUS.items()}
    for lang_set in node.iter("langSet"):
        if (lang_set.get(XML_LANG) or lang_set.get("lang") or "").lower().split("-")[0] != lang:
            continue
        for tig in list(lang_set.iter("tig")) + list(lang_set.iter("ntig")):
            term = "".join(tig.find(".//term").itertext()) if tig.find(".//term") is not None else ""
            note = tig.find(".//termNote[@type='administrativeStatus']")
            status = status_of.get(note.text.strip() if note is not None and note.text else "", "")
            implied = "preferred" if not found["preferred"] else "admitted" if lang == "ru" else "variant"
            found[status or implied].append(term)
            if any((n.text or "").strip() == _GENERIC_NOTE for n in tig.iter("note")):
                found["generic"].append(term)
    return found


def _tbx_entry(node, path: str, number: int) -> Entry:
    en, ru = _tbx_terms(node, "en"), _tbx_terms(node, "ru")
    if len(en["preferred"]) != 1:
        raise GlossaryError(f"{path}: termEntry {number} ({node.get('id')}) needs exactly one preferred English term, "
                            f"found {len(en['preferred'])}")
    admin = node.find("admin[@type='projectSubset']")
    default_policy = "translate" if ru["preferred"] else "keep"
    policy = (admin.text or "").removeprefix("policy:") if admin is not None else default_policy
    if policy not in POLICIES:
        raise GlossaryError(f"{path}: termEntry {number}: policy {policy!r} is unknown; use keep, translate or gloss")
    domain, note = node.find("descrip[@type='subjectField']"), node.find("note")
    variants = {lang: forms for lang, forms in (("en", en["admitted"] + en["variant"]), ("ru", ru["variant"])) if forms}
    return Entry(en=en["preferred"][0], ru=ru["preferred"] + ru["admitted"], variants=variants, policy=policy,
                 domain=domain.text if domain is not None else None, note=note.text if note is not None else None,
                 generic=en["generic"] + ru["generic"], line=number)


# ---------------------------------------------------------------- Markdown tables

_MD_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_PAREN = re.compile(r"\s*\(([^)]*)\)")


def import_markdown(text: str, path: str) -> Glossary:
    """Entries from two-column Markdown tables ("| English | Russian |"), as in the HF course glossary.

    Parenthesised qualifiers go to the note; "a / b" gives several Russian forms;
    rows for the same English term are merged; a term rendered as itself is kept.
    """
    merged: dict[str, Entry] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        cells = _md_cells(line)
        if cells is None:
            continue
        en, en_notes = _strip_qualifiers(cells[0])
        ru_forms, ru_notes = [], []
        for part in cells[1].split(" / "):
            form, notes = _strip_qualifiers(part)
            ru_forms += [form] if form else []
            ru_notes += notes
        if not en or not ru_forms:
            continue
        merged[en.casefold()] = _merge_md(merged.get(en.casefold()), en, ru_forms, en_notes + ru_notes, lineno)
    return _validated(list(merged.values()), path)


def _md_cells(line: str) -> list[str] | None:
    match = _MD_ROW.match(line)
    if not match:
        return None
    cells = [c.strip().replace("\\*", "").replace("\\", "").strip() for c in match.group(1).split("|")]
    header = cells[0].lower() in ("оригинал", "original", "english", "term") if cells else False
    if len(cells) != 2 or set(cells[0]) <= set("-: ") or header:
        return None
    return cells


def _strip_qualifiers(cell: str) -> tuple[str, list[str]]:
    notes = [n.strip() for n in _PAREN.findall(cell) if n.strip() and n.strip() != "s"]
    return " ".join(_PAREN.sub("", cell).split()), notes


def _merge_md(old: Entry | None, en: str, ru: list[str], notes: list[str], lineno: int) -> Entry:
    keep = all(form.casefold() == en.casefold() for form in ru)
    canonical = en if keep or _is_name(en) else en.lower()
    if old is not None:
        ru = list(dict.fromkeys(old.ru + [r for r in ru if r.casefold() != en.casefold()]))
        notes = ([old.note] if old.note else []) + notes
        keep = keep and old.policy == "keep"
        canonical, lineno = old.en, old.line or lineno
    ru = [] if keep else [r for r in ru if r.casefold() != canonical.casefold()] or ru
    return Entry(en=canonical, ru=ru, policy="keep" if keep else "translate",
                 note="; ".join(dict.fromkeys(notes)) or None, line=lineno)


def _is_name(term: str) -> bool:
    """Product and library names keep their capitals (PyTorch, macOS); plain words are lower-cased."""
    return any(ch.isupper() for word in term.split() for ch in word[1:]) or term.isupper()


# ---------------------------------------------------------------- dispatch

_BY_SUFFIX = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".tbx": "tbx", ".xml": "tbx",
              ".md": "markdown", ".mdx": "markdown", ".markdown": "markdown", ".yaml": "yaml", ".yml": "yaml"}


def import_glossary(path: str) -> Glossary:
    """Read a glossary in any supported format, chosen by the file's extension."""
    from ..errors import InputError
    from ..fileio import read_text

    kind = _BY_SUFFIX.get(Path(path).suffix.lower())
    if kind is None:
        raise GlossaryError(f"{path}: unknown glossary format; use .csv, .tsv, .tbx, .md/.mdx or .yaml")
    try:
        text = read_text(path)
    except InputError as exc:
        raise GlossaryError(f"{path}: {exc.message}") from None
    if kind == "yaml":
        return parse_glossary(text, path)
    if kind == "tbx":
        return import_tbx(text, path)
    if kind == "markdown":
        return import_markdown(text, path)
    return import_delimited(text, "," if kind == "csv" else "\t", path)


def export_glossary(glossary: Glossary, fmt: str, pair: str = "en-ru") -> str:
    """The glossary as ``csv``/``tsv`` (every field, header row), ``tbx``, or ``deepl`` (two columns for ``pair``)."""
    if fmt == "deepl":
        return export_deepl(glossary, pair)
    if fmt == "csv":
        return export_delimited(glossary, ",")
    if fmt == "tsv":
        return export_delimited(glossary, "\t")
    if fmt == "tbx":
        return export_tbx(glossary)
    raise GlossaryError(f"export format {fmt!r} is unknown; use csv, tsv, tbx or deepl")
