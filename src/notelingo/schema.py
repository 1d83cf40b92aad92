"""The note schema (schema_version 1): the spine every stage reads and writes.

A *note* is one post or one paper section. It is stored as one JSON object per
line (JSON Lines). Bilingual is symmetric: nothing here assumes a direction.

Invariants
----------
* ``Note.id`` is stable: the same input gives the same id (a hash of the source
  identity and the note's original text, never of a clock or a counter). A Telegram
  message's id is a hash of its channel and message id alone, so the JSON and the
  HTML export of one channel give the same ids.
* ``Block.text[Block.lang]`` is the original text of the block; other keys are
  translations. Code, formula and markup blocks (MDX template lines, JSX
  components, raw HTML) have ``lang = None`` and are never translated: their
  original sits under the key of the note's language.
* A ``table`` block's text is its non-empty cells one per line, row by row, in
  every language; ``attrs["cells"]`` and ``attrs["align"]`` keep its shape
  (see :mod:`notelingo.notes.tables`).
* ``Block.sentences`` is the list of aligned sentence pairs, each a mapping
  language -> sentence; ``text[target]`` is the join of the target sides.
* ``Note.lang`` is the origin language (ISO 639-1) and ``lang_confidence`` in [0, 1].

Reader output (``RawBlock``, ``Post``) is plain dataclasses: it exists only between
``ingest`` and ``normalize`` and is never written out.

``python -m notelingo.schema`` prints the JSON Schema (kept in ``schemas/note.schema.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_serializer

SCHEMA_VERSION = 1

SourceKind = Literal["telegram-json", "telegram-html", "html", "text", "markdown"]
BlockKind = Literal["paragraph", "heading", "list_item", "quote", "code", "formula", "link_preview", "table", "markup"]
RefKind = Literal["arxiv", "doi", "url"]

#: Block kinds whose content is copied, never translated.
UNTRANSLATED_KINDS = frozenset({"code", "formula", "markup"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Source(_Model):
    """Where a note came from."""

    kind: SourceKind
    path: str = Field(description="Input path as given (or '-' for stdin).")
    channel: Optional[str] = Field(None, description="Telegram channel / chat name, or the blog's site name.")
    message_id: Optional[Union[int, str]] = None
    url: Optional[str] = Field(None, description="Link to the post or page, when known.")
    author: Optional[str] = None
    forwarded_from: Optional[str] = Field(None, description="Original channel or author of a forwarded post.")
    reply_to: Optional[Union[int, str]] = Field(None, description="Message id this message replies to.")


class Ref(_Model):
    """A reference found in a note: an arXiv id, a DOI or a URL."""

    kind: RefKind
    id: str = Field(description="arXiv id without version ('2010.01825'), DOI ('10.1000/xyz'), or the URL itself.")
    url: str = Field(description="A resolvable link (arXiv abstract page, doi.org link, or the URL).")


class SentenceCheck(_Model):
    """A translated sentence the self-checks flagged for review (see :mod:`notelingo.mt.checks`)."""

    sentence: int = Field(ge=0, description="Index of the sentence pair in Block.sentences.")
    lang: str = Field(description="Language of the flagged translation.")
    flags: list[str] = Field(description="The failed checks, e.g. 'check:loop', 'check:too-short'.")


class Block(_Model):
    """One paragraph, heading, list item, quote, code block, formula, link preview, table or markup."""

    id: str = Field(description="Unique inside its note, e.g. 'b3'.")
    kind: BlockKind
    lang: Optional[str] = Field(
        description="Detected language of this block (may differ from the note's); None for code and formulas."
    )
    text: dict[str, str] = Field(description="Language -> text. text[lang] is the original.")
    sentences: list[dict[str, str]] = Field(
        default_factory=list, description="Aligned sentence pairs: language -> sentence."
    )
    flags: list[str] = Field(
        default_factory=list, description="What happened to the block (e.g. fallbacks that ran in translation)."
    )
    checks: list[SentenceCheck] = Field(default_factory=list, description=(
        "Translated sentences flagged for review (their check: flags are also in flags); "
        "left out of the JSON when empty."))
    attrs: dict[str, str] = Field(default_factory=dict, description=(
        "Kind-specific details: code 'language', link_preview 'url', heading 'level', "
        "table 'cells' and 'align', markup 'markup' (template, component, html)."))
    lang_confidence: Optional[float] = Field(None, ge=0.0, le=1.0)

    @model_serializer(mode="wrap")
    def _leave_out_empty_checks(self, handler):
        # notes.jsonl written before the checks existed stay byte-identical when nothing is flagged
        data = handler(self)
        if not data.get("checks"):
            data.pop("checks", None)
        return data

    def sentence_flags(self, lang: str) -> dict[int, list[str]]:
        """Sentence index -> its check: flags, for the translations into ``lang``."""
        return {check.sentence: check.flags for check in self.checks if check.lang == lang}

    def original(self, note_lang: str | None = None) -> str:
        """The block's original text (for code/formula/markup blocks: the only text)."""
        if self.lang and self.lang in self.text:
            return self.text[self.lang]
        if note_lang and note_lang in self.text:
            return self.text[note_lang]
        return next(iter(self.text.values()), "")


class TermUse(_Model):
    """A glossary term found in a note, and how it was rendered."""

    entry: str = Field(description="Canonical English form of the glossary entry.")
    lang: str = Field(description="Language of the surface form.")
    block: str = Field(description="Id of the block it was found in.")
    start: int
    end: int
    surface: str = Field(description="The text as it stands in the block.")
    policy: Literal["keep", "translate", "gloss"]
    rendering: Optional[dict[str, str]] = Field(None, description="Language -> form used in the translation.")
    choice: Optional[dict[str, str]] = Field(
        None, description="Language -> how the rendering's case and number were chosen: 'kept' (the model "
        "wrote a form of the target itself), 're-inflected' (the model chose another word; the target took "
        "its case and number), 'governed' (from the preposition, numeral or noun before it in the "
        "translation, else the English preposition before it in the source) or 'nominative' (nothing "
        "governs it). Absent for keep terms and Russian-to-English.")


class Signature(_Model):
    """Reproducibility signature: what produced a note."""

    notelingo: str
    detector: dict[str, Union[str, float, int, bool, list[str], None]] = Field(default_factory=dict)
    models: dict[str, str] = Field(default_factory=dict, description="Pair 'ru-en' -> model id and revision.")
    backend: Optional[str] = None
    compute_type: Optional[str] = None
    glossary_hash: Optional[str] = None
    decoding: dict[str, Union[str, int, float, bool, None]] = Field(default_factory=dict)

    def describe(self) -> list[tuple[str, str]]:
        """(label, text) pairs a digest shows for this signature, in order; renderers escape the text."""
        models = ", ".join(f"{pair}: {model}" for pair, model in sorted(self.models.items())) or "none (not translated)"
        detector = ", ".join(f"{key}={value}" for key, value in sorted(self.detector.items())) or "-"
        return [("notelingo", self.notelingo), ("models", models), ("backend", self.backend or "-"),
                ("glossary", self.glossary_hash or "-"), ("detector", detector)]


class Note(_Model):
    """One post or paper section, in every language it has (one line of notes.jsonl).

    Example::

        note = notelingo.read_notes("bilingual.jsonl")[0]
        note.lang, note.title, [b.kind for b in note.blocks]
        # -> ('ru', 'PMI-Masking Principled Masking of Correlated Spans', ['heading', 'paragraph'])
        note.blocks[1].text["en"], [t.entry for t in note.terms]
        # -> ('Usually in MLM we mask ...', ['MLM', 'BPE'])
        Note.from_dict(note.to_dict()) == note  # -> True
    """

    # The JSON Schema keeps the one-line description, not the example above.
    model_config = ConfigDict(extra="forbid", validate_assignment=False,
                              json_schema_extra={"description": "One post or paper section, in every language it has."})

    id: str
    schema_version: Literal[1] = SCHEMA_VERSION
    lang: str = Field(description="Origin language, ISO 639-1 ('und' when unknown).")
    lang_confidence: float = Field(ge=0.0, le=1.0)
    title: str
    date: Optional[str] = Field(None, description="ISO 8601 date or datetime, when known.")
    source: Source
    refs: list[Ref] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    terms: list[TermUse] = Field(default_factory=list)
    also_in: list[Source] = Field(default_factory=list, description="Other sources where the same note was found.")
    signature: Signature

    def languages(self) -> set[str]:
        """Languages present in every translatable block."""
        langs: set[str] | None = None
        for block in self.blocks:
            if block.kind in UNTRANSLATED_KINDS:
                continue
            have = set(block.text)
            langs = have if langs is None else langs & have
        return langs or {self.lang}

    def flagged(self) -> list[dict]:
        """The translated sentences the self-checks flagged for review, in block order::

            [{"block": "b1", "sentence": 0, "lang": "en", "source": "Это работает.",
              "translation": "willwillwillwill", "flags": ["check:loop"]}]
        """
        found = []
        for block in self.blocks:
            origin = block.lang or self.lang
            for check in block.checks:
                pair = block.sentences[check.sentence] if check.sentence < len(block.sentences) else {}
                found.append({"block": block.id, "sentence": check.sentence, "lang": check.lang,
                              "source": pair.get(origin, ""), "translation": pair.get(check.lang, ""),
                              "flags": list(check.flags)})
        return found

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=False)

    def to_dict(self) -> dict:
        """The note as plain JSON data: exactly one line of notes.jsonl, parsed (``json.loads(note.to_json())``)."""
        return self.model_dump(mode="json", exclude_none=False)

    @classmethod
    def from_dict(cls, data: dict) -> "Note":
        """A note from plain JSON data (one parsed notes.jsonl line), validated against the schema.

        Example: ``Note.from_dict(note.to_dict()) == note``; invalid data raises ``FormatError`` naming the field.
        """
        from pydantic import ValidationError

        from .errors import FormatError

        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise FormatError(
                "<dict>", f"not a valid note ({where + ': ' if where else ''}{first.get('msg')})"
            ) from None

    @classmethod
    def from_json(cls, line: str) -> "Note":
        return cls.model_validate_json(line)


def note_json_schema() -> dict:
    """JSON Schema of one line of a notes.jsonl file."""
    schema = Note.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://notelingo.invalid/schemas/note.schema.json"
    schema["title"] = "notelingo note (schema_version 1)"
    return schema


# --------------------------------------------------------------------------
# Reader output: what ingest hands to normalize. Never serialised.
# --------------------------------------------------------------------------


@dataclass
class RawBlock:
    """A piece of a post as a reader found it, before cleanup."""

    kind: str  # one of BlockKind
    text: str
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Post:
    """One unit a reader found: a Telegram message, a blog page, a text dump.

    ``splittable`` posts (pages, dumps) may hold several papers/posts; normalize
    splits them into notes. Telegram messages are one note each.
    """

    source: Source
    blocks: list[RawBlock]
    title: Optional[str] = None
    date: Optional[str] = None
    refs: list[Ref] = field(default_factory=list)
    splittable: bool = False


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(note_json_schema(), indent=2, ensure_ascii=False))
