"""TMX 1.4 export: aligned sentence pairs as a translation memory for CAT tools.

One ``tu`` per aligned sentence pair; a block that was not split into sentences
but has text in two or more languages gives one ``tu`` for the whole block.
Code and formula blocks are never translated and give none. Each ``tu`` carries
its note's metadata as ``prop`` elements (user-defined types start with ``x-``
as TMX 1.4 asks), before its ``tuv``s, as the DTD orders them. The XML writer
escapes the text; characters XML 1.0 cannot carry are dropped.

A unit whose translation the self-checks flagged (:mod:`notelingo.mt.checks`) carries
``<prop type="x-state">needs-review</prop>`` and one ``x-notelingo-check`` prop per
flag ("check:loop en"), and the flagged ``tuv`` its own ``x-notelingo-check`` props,
so a CAT tool that shows properties or filters on them lists it for review.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Iterator, Sequence

from .._version import __version__
from ..fileio import XML_LANG
from ..render.safety import xml_safe
from ..schema import UNTRANSLATED_KINDS, Note


@dataclass(frozen=True)
class Unit:
    """One translation unit: language -> segment, and where it came from."""

    note: Note
    block_id: str
    index: int  # sentence number in the block, 0 for whole-block units
    segments: dict[str, str]
    srclang: str
    checks: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, its check: flags) of flagged segments


def translation_units(notes: Sequence[Note]) -> Iterator[Unit]:
    """Every aligned pair (2+ non-empty languages) of every note, in order."""
    for note in notes:
        for block in note.blocks:
            if block.kind in UNTRANSLATED_KINDS:
                continue
            srclang = block.lang or note.lang
            pairs = block.sentences or [block.text]
            for index, pair in enumerate(pairs, start=1 if block.sentences else 0):
                segments = {lang: text.strip() for lang, text in pair.items() if text and text.strip()}
                if len(segments) >= 2:
                    checks = tuple((check.lang, tuple(check.flags)) for check in block.checks
                                   if check.lang in segments and (not index or check.sentence == index - 1))
                    yield Unit(note, block.id, index, segments, srclang, checks)


def header_srclang(notes: Sequence[Note]) -> str:
    """The notes' common origin language, or '*all*' when they differ."""
    langs = {note.lang for note in notes}
    return langs.pop() if len(langs) == 1 else "*all*"


def _props(unit: Unit) -> list[tuple[str, str]]:
    note, source = unit.note, unit.note.source
    props = [("x-note-id", note.id), ("x-block-id", unit.block_id), ("x-source-kind", source.kind)]
    if unit.index:
        props.append(("x-sentence", str(unit.index)))
    optional = [("x-channel", source.channel), ("x-url", source.url), ("x-date", note.date), ("x-title", note.title)]
    props += [(name, value) for name, value in optional if value]
    if unit.checks:
        props.append(("x-state", "needs-review"))
        props += [("x-notelingo-check", f"{flag} {lang}") for lang, flags in unit.checks for flag in flags]
    return props


def _tu(unit: Unit, tuid: int) -> ET.Element:
    srclang = unit.srclang if unit.srclang in unit.segments else next(iter(unit.segments))
    tu = ET.Element("tu", {"tuid": str(tuid), "srclang": xml_safe(srclang)})
    for name, value in _props(unit):
        ET.SubElement(tu, "prop", {"type": name}).text = xml_safe(value)
    order = [srclang] + sorted(lang for lang in unit.segments if lang != srclang)
    for lang in order:
        tuv = ET.SubElement(tu, "tuv", {XML_LANG: xml_safe(lang)})
        for flag in dict.fromkeys(flag for flagged, flags in unit.checks if flagged == lang for flag in flags):
            ET.SubElement(tuv, "prop", {"type": "x-notelingo-check"}).text = xml_safe(flag)
        ET.SubElement(tuv, "seg").text = xml_safe(unit.segments[lang])
    return tu


def build_tmx(notes: Sequence[Note], adminlang: str = "en") -> tuple[ET.ElementTree, int]:
    """The TMX document for ``notes`` and the number of translation units in it."""
    root = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(root, "header", {
        "creationtool": "notelingo", "creationtoolversion": __version__, "datatype": "plaintext",
        "segtype": "sentence", "adminlang": adminlang, "srclang": xml_safe(header_srclang(notes)),
        "o-tmf": "notelingo-jsonl",
    })
    body = ET.SubElement(root, "body")
    count = 0
    for count, unit in enumerate(translation_units(notes), start=1):
        body.append(_tu(unit, count))
    ET.indent(root)
    return ET.ElementTree(root), count


def write_tmx(notes: Sequence[Note], path: str | os.PathLike) -> int:
    """Write ``notes`` as TMX 1.4 to ``path`` atomically; returns the number of units."""
    from ..fileio import atomic_write

    tree, count = build_tmx(notes)
    with atomic_write(path, mode="wb", encoding=None) as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
        tree.write(fh, encoding="utf-8", xml_declaration=False)
        fh.write(b"\n")
    return count
