"""Where one note ends and the next begins inside a section document (part of normalize).

Blogs and paper-notes dumps: new notes start at headings, title-like lines, numbered
section lines, bulleted paper titles and "Forwarded from" lines; generic sub-headings
("Motivation", "Results:") never start one. Copies of chat pages (posts closed by
footers, repeated-body dumps) are cut in :mod:`notelingo.notes.chat_copies`.

Functions take and return lists of ``RawBlock``; nothing here builds notes.
"""

from __future__ import annotations

import re

from ..alphabet import CYRILLIC_RE
from ..schema import UNTRANSLATED_KINDS, RawBlock
from .dates import parse_date_line
from .refs import find_refs
from .textclean import fingerprint, forwarded_from, is_tags_only

# Generic names of the parts of one paper note or article: never a new note.
_SUBHEADINGS = {
    "abstract", "summary", "tl dr", "tldr", "motivation", "idea", "ideas", "main idea", "key idea", "key ideas",
    "comments", "comment", "remarks", "notes", "note", "results", "result", "details", "some details", "problem",
    "problem statement", "proposed solution", "solution", "method", "methods", "approach", "model",
    "architecture", "experiments", "experiment", "evaluation", "conclusion", "conclusions", "introduction",
    "background", "related work", "discussion", "limitations", "contributions", "takeaways", "takeaway", "pros",
    "cons", "pros and cons", "setup", "data", "dataset", "datasets", "ablations", "ablation", "training",
    "implementation", "code", "links", "references", "ref", "refs", "source", "sources", "paper", "papers",
    "thoughts", "my thoughts", "opinion", "questions", "software", "update", "upd", "edit", "p s", "ps", "quiz",
    "end of chapter quiz", "exercise", "exercises", "resources", "further reading", "next steps", "what s next",
    "faq", "acknowledgements", "acknowledgments", "appendix",
    "аннотация", "кратко", "мотивация", "идея", "идеи", "основная идея", "главная идея", "суть", "комментарии",
    "комментарий", "замечания", "заметки", "результаты", "результат", "детали", "подробности", "проблема",
    "постановка задачи", "задача", "решение", "метод", "методы", "подход", "модель", "архитектура",
    "эксперименты", "оценка", "выводы", "вывод", "итог", "итоги", "введение", "обсуждение", "ограничения",
    "вклад", "плюсы", "минусы", "данные", "датасет", "датасеты", "обучение", "реализация", "код", "ссылки",
    "ссылка", "источник", "источники", "статья", "мнение", "вопросы",
}
_CLOSER = re.compile(r"^(refs?|references?|sources?|links?|paper|code|ссылк[аи]|источники?|статья)\b\s*(:.*)?$",
                     re.IGNORECASE)
_TITLE_END_PUNCT = ".,;:!…"
_MAX_TITLE_WORDS = 12
_HEADER_MAX_CHARS = 200  # longer than any title (100), forwarded header (~140) or sub-heading line
_PAPER_NEAR_HEADING = 3  # the heading and the two blocks under it


def is_subheading(text: str) -> bool:
    """A generic part name ("Motivation", "Main idea:") or any short line ending with ':'."""
    stripped = text.strip()
    words = fingerprint(stripped)
    return words in _SUBHEADINGS or (stripped.endswith(":") and 0 < len(words.split()) <= 5)


def is_title_like(block: RawBlock) -> bool:
    """A short single line that reads as a title, not as a sentence or a sub-heading."""
    text = block.text.strip()
    if block.kind not in ("paragraph", "heading") or not text or "\n" in text or len(text) > 100:
        return False
    if text[-1] in _TITLE_END_PUNCT or _CLOSER.match(text) or is_subheading(text) or " | " in text:
        return False
    if parse_date_line(text):
        return False  # a dump's date line dates a post, it never names one
    words = text.split()
    first_letter = next((ch for ch in text if ch.isalpha()), "")
    if not first_letter or first_letter.islower() or len(words) > _MAX_TITLE_WORDS:
        return False
    return not _is_only_refs(text)


def _is_only_refs(text: str) -> bool:
    refs = find_refs(text)
    return bool(refs) and len(text.split()) <= len(refs)


# --------------------------------------------------------------------------
# Section documents
# --------------------------------------------------------------------------


def split_sections(blocks: list[RawBlock], strict: bool, titled: bool = False) -> list[list[RawBlock]]:
    """Cut a document into notes; ``strict`` (pages) and ``titled`` ones cut only between separate papers."""
    has_headings = any(b.kind == "heading" for b in blocks)
    strong = _heading_starts(blocks, strict or titled) if has_headings else set()
    strong |= _list_title_starts(blocks) if not strict else set()
    starts = strong | (set() if has_headings else _title_line_starts(blocks, strict))
    starts |= {i for i, block in enumerate(blocks) if forwarded_from(block.text)}
    sections: list[list[RawBlock]] = []
    current: list[RawBlock] = []
    for index, block in enumerate(blocks):
        if index in starts and _has_body(current):
            sections.append(current)
            current = []
        current.append(_as_section_title(block) if index in strong else block)
    if current:
        sections.append(current)
    return sections


def _as_section_title(block: RawBlock) -> RawBlock:
    """Mark a heading or list line that opens a section (``_start`` is dropped on output)."""
    attrs = dict(block.attrs, _start="1")
    if block.kind == "list_item":
        return RawBlock("heading", block.text, dict(attrs, level="2"))
    return RawBlock(block.kind, block.text, attrs)


def section_title_block(section: list[RawBlock]) -> RawBlock | None:
    """The block naming a section: the last section-opening line, else its top heading."""
    opened = [b for b in section if b.attrs.get("_start")]
    if opened:
        return opened[-1]
    headings = [b for b in section if b.kind == "heading"]
    return min(headings, key=lambda b: int(b.attrs.get("level", "2") or 2)) if headings else None


def _has_body(section: list[RawBlock]) -> bool:
    """A section that is only headers (title, authors, 'Forwarded from', an intro line
    ending with ':') runs on into the next."""
    return any(_is_body(b) for b in section)


def _is_body(block: RawBlock) -> bool:
    if block.kind != "heading" and len(block.text) > _HEADER_MAX_CHARS:
        return True  # no title, header or sub-heading line is this long: spare the checks
    return not (block.kind == "heading" or is_title_like(block) or forwarded_from(block.text)
                or is_subheading(block.text))


def _heading_starts(blocks: list[RawBlock], strict: bool) -> set[int]:
    headings = [(i, int(b.attrs.get("level", "2") or 2)) for i, b in enumerate(blocks)
                if b.kind == "heading" and not is_subheading(b.text)]
    levels = sorted({level for _, level in headings})
    split_level = next((lv for lv in levels if sum(1 for _, level in headings if level == lv) >= 2), None)
    if split_level is None:
        return set()
    starts = {i for i, level in headings if level <= split_level}
    # A first heading above all others is the title of one article, whatever it says ("# Введение");
    # closing parts at its level ("# Conclusion", "# Quiz", "# Resources") do not make it two.
    tops = [(int(b.attrs.get("level", "2") or 2), b.text) for b in blocks if b.kind == "heading"]
    top = min(level for level, _ in tops)
    single_top = tops[0][0] == top and all(level > top or is_subheading(text) for level, text in tops[1:])
    if (strict or single_top) and not _sections_cite_own_papers(blocks, sorted(starts)):
        return set()
    return starts


def _sections_cite_own_papers(blocks: list[RawBlock], starts: list[int]) -> bool:
    """Each section (most of them, at least two) cites a paper no other section cites,
    under its heading (in its first blocks), as paper notes do: a paper mentioned deep
    inside a section of an article is a citation, not the section's subject."""
    bounds = list(zip(starts, starts[1:] + [len(blocks)]))
    papers = [
        {(r.kind, r.id) for b in blocks[a:min(z, a + _PAPER_NEAR_HEADING)]
         for r in find_refs(b.text) if r.kind in ("arxiv", "doi")}
        for a, z in bounds
    ]
    own = [p - set().union(*(q for j, q in enumerate(papers) if j != i)) for i, p in enumerate(papers)]
    with_own = sum(1 for p in own if p)
    return with_own >= 2 and with_own * 2 >= len(bounds)


def _title_line_starts(blocks: list[RawBlock], strict: bool = False) -> set[int]:
    """Title lines open notes when the sections they make are separate works (papers, posts):
    most name a paper, cite one, or close with a 'Ref:' line; "Keynotes" or "Главное, что я понял"
    are parts of one article. On a web page (``strict``) they must cite their own papers, as
    headings must ("Read more: …" lines, photo credits, German sub-titles name no work)."""
    starts = _works_only(blocks, {i for i, block in enumerate(blocks) if i + 1 < len(blocks) and is_title_like(block)})
    if strict and starts and not _sections_cite_own_papers(blocks, sorted(starts)):
        return set()
    return starts


def _works_only(blocks: list[RawBlock], starts: set[int]) -> set[int]:
    """``starts`` when the sections they make are mostly separate works, else none."""
    sections: list[list[int]] = [[]]
    bodied = False
    for index, block in enumerate(blocks):
        if index in starts and bodied:
            sections.append([])
            bodied = False
        sections[-1].append(index)
        bodied = bodied or _is_body(block)
    sections = [section for section in sections if section]
    if len(sections) < 2:
        return starts
    works = sum(1 for section in sections if _is_work([blocks[i] for i in section],
                                                      [blocks[i] for i in section if i in starts]))
    return starts if 3 * works >= 2 * len(sections) else set()


def _is_work(section: list[RawBlock], openers: list[RawBlock]) -> bool:
    """A section names a paper (a line opening it, or its title over an outline), cites
    one under its title, or closes with a 'Ref:' line."""
    lines = [b.text.strip() for b in section if len(b.text) <= _SHORT_LINE and "\n" not in b.text.strip()]
    # A 'Ref:' line, or "Motivation", "Main idea:", "Proposed solution:": the parts of a paper note.
    if any(_CLOSER.match(line) or fingerprint(line) in _PAPER_PARTS for line in lines):
        return True
    if any(r.kind in ("arxiv", "doi") for b in section[:_PAPER_NEAR_HEADING] for r in find_refs(b.text)):
        return True
    if any(names_a_work(b.text) for b in openers):
        return True
    named = _title_over_outline(section)
    return named is not None and names_a_work(named.text)


_SHORT_LINE = 80
#: "Self-Rewarding Language Models (paper)", "… [статья]": the writer says the line names a work.
WORK_MARK = re.compile(r"\s*[(\[]\s*(?:paper|preprint|arxiv|статья|препринт)\s*[)\]]\s*$", re.IGNORECASE)
_PAPER_PARTS = {
    "motivation", "idea", "main idea", "key idea", "key ideas", "problem statement", "proposed solution", "method",
    "approach", "contributions", "limitations", "experiments", "мотивация", "идея", "основная идея", "главная идея",
    "суть", "постановка задачи", "метод", "подход", "эксперименты",
}
_SMALL_WORDS = {
    "with", "from", "into", "over", "under", "without", "through", "about", "using", "toward", "towards",
    "between", "beyond", "than", "that", "this", "your", "when", "what", "more",
}


def names_a_work(text: str) -> bool:
    """A line that reads as the name of a paper or system: 'GPT3', 'BYOL', 'LoRA: Low-Rank
    Adaptation…', 'Distilling the Knowledge in a Neural Network' (English title case)."""
    line = text.strip()
    if find_refs(line) or WORK_MARK.search(line):
        return True
    words = re.findall(r"[^\W_][\w'’\-]*", line)
    if len(words) == 1:
        return bool(re.search(r"[A-ZА-ЯЁ0-9]", words[0][1:]))
    if CYRILLIC_RE.search(line) or len(words) < 2:
        return False
    head, colon, tail = line.partition(":")
    if colon and 1 <= len(head.split()) <= 4 and tail.strip():
        return True
    significant = [w for w in words if len(w) >= 4 and not w.isdigit() and w.casefold() not in _SMALL_WORDS]
    return bool(significant) and all(w[0].isupper() or not w[0].isalpha() for w in significant)


def _list_title_starts(blocks: list[RawBlock]) -> set[int]:
    """Numbered section lines and bulleted paper titles, when a document has two or more."""
    items = [(i, b) for i, b in enumerate(blocks) if b.kind == "list_item"]
    if not items:
        return set()
    top = min(_depth(b) for _, b in items)
    starts = set()
    for i, block in items:
        if _depth(block) != top or i + 1 >= len(blocks):
            continue
        numbered = block.attrs.get("marker", "")[:1].isdigit()
        cites = any(r.kind in ("arxiv", "doi") for r in find_refs(block.text))
        short = "\n" not in block.text and len(block.text.split()) <= 20 and block.text.strip()[-1:] not in ".;:"
        previous = blocks[i - 1] if i else None
        # A bullet with children inside an outline is a list item: only numbered or citing items open notes.
        if _has_children(block, blocks[i + 1], numbered) and short and (cites or numbered) \
                and (previous is None or _has_children(block, previous, numbered)):
            starts.add(i)
    return _works_only(blocks, starts) if len(starts) >= 2 else set()


def _has_children(item: RawBlock, other: RawBlock, numbered: bool) -> bool:
    """``other`` (next to ``item``) is no sibling of it: not a list item, a deeper one, or,
    under a numbered item, a plain bullet at the same depth ("1) Title" over "- point")."""
    if other.kind != "list_item" or _depth(other) > _depth(item):
        return True
    return numbered and _depth(other) == _depth(item) and not other.attrs.get("marker", "")[:1].isdigit()


def mark_structure(section: list[RawBlock], first_is_title: bool) -> list[RawBlock]:
    """In plain text, the note's title line becomes a heading and sub-heading lines too."""
    out = []
    for index, block in enumerate(section):
        if block.kind == "paragraph" and index == 0 and first_is_title and is_title_like(block):
            block = RawBlock("heading", block.text, {"level": "2", "_made": "1"})
        elif (block.kind == "paragraph" and "\n" not in block.text.strip() and is_subheading(block.text)
              and index + 1 < len(section)):
            block = RawBlock("heading", block.text, {"level": "3", "_made": "1"})
        out.append(block)
    return out


# --------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------

# Openers of a list or quote inside a post ("Например", "TL;DR такой", "For example").
_INTRO_WORDS = ("например", "for example", "for instance", "e g", "tl dr", "tldr", "кратко", "коротко", "вот",
                "итак", "короче", "итого", "пример", "in short", "briefly", "summary", "список", "смотрите")
_AUTHOR_LINE = re.compile(r"\bet\s+al\b|\bи\s+др\b", re.IGNORECASE)
_SALUTATION = re.compile(r"^(hi|hello|hey|dear|привет|здравствуйте|добрый\s+\w+)\b.{0,40}[,!]$", re.IGNORECASE)


def title_block(section: list[RawBlock], several: bool) -> RawBlock:
    """The block a note's title comes from.

    A section-opening line or a heading names the note. Otherwise, in a document
    of several notes, the last title line over the body (a document's own title
    line may stand above the first paper's), or an outline's first bullet when
    it is a title with sub-bullets under that line. Otherwise the first line of
    prose: list-intro lines ("For example:", "TL;DR такой") and the list or
    quote they introduce, and salutations, are skipped.
    """
    opened = section_title_block(section)
    if opened is not None and not opened.attrs.get("_made") and not is_subheading(opened.text):
        return opened
    if several:
        named = _paper_under_document_title(section) or _title_over_outline(section)
        if named is not None:
            return named
    return _first_prose(section) or next((b for b in section if b.kind not in UNTRANSLATED_KINDS), section[0])


def _paper_under_document_title(section: list[RawBlock]) -> RawBlock | None:
    """In the first note of several, the last of the title lines over the body when it names a work:
    "Deep learning papers/notes 02: …" over "Efficient Streaming Language Models…" is the post's
    title standing over its first paper's."""
    lines: list[RawBlock] = []
    for block in section:
        one_line = "\n" not in block.text.strip()
        if not one_line or block.kind not in ("heading", "paragraph") or _is_body(block):
            break
        if block.kind == "paragraph" and not is_title_like(block):
            break
        if not _AUTHOR_LINE.search(block.text):  # "Mitchell et al., [Stanford]" names the authors
            lines.append(block)
    if len(lines) >= 2 and names_a_work(lines[-1].text):
        return lines[-1]
    return None


def _title_over_outline(section: list[RawBlock]) -> RawBlock | None:
    """Among the title lines over a note's body, the one naming a work; else the first.
    When none names a work, a titled first bullet with sub-bullets under them does."""
    run = 0
    while run < len(section) and _plain_line(section[run]) and is_title_like(section[run]):
        run += 1
    lines = [b for b in section[:run] if not _AUTHOR_LINE.search(b.text)] or section[:run]
    if not lines:
        return None
    named = next((b for b in lines if names_a_work(b.text)), None)
    if named is not None:
        return named
    rest = section[run:run + 2]
    if len(rest) == 2 and all(b.kind == "list_item" for b in rest) and _depth(rest[1]) > _depth(rest[0]) \
            and is_title_like(RawBlock("paragraph", rest[0].text)) and names_a_work(rest[0].text):
        return rest[0]
    return lines[0]


def _first_prose(section: list[RawBlock]) -> RawBlock | None:
    introduced = False
    for index, block in enumerate(section):
        if block.kind in UNTRANSLATED_KINDS or block.kind == "link_preview" or is_tags_only(block.text):
            continue
        if introduced and block.kind in ("list_item", "quote"):
            continue
        follower = section[index + 1] if index + 1 < len(section) else None
        if block.kind in ("paragraph", "heading") and _is_intro(block.text, follower):
            introduced = True
            continue
        return block
    return None


def _is_intro(text: str, follower: RawBlock | None) -> bool:
    """'For example:' / 'Например' / 'TL;DR такой' over a list or quote; 'Hi friends,'."""
    line = text.strip()
    if "\n" in line:
        return False
    if _SALUTATION.match(line):
        return True
    introduces = follower is not None and follower.kind in ("list_item", "quote")
    words = fingerprint(line)
    return introduces and (is_subheading(line) or (len(line.split()) <= 3 and words.startswith(_INTRO_WORDS)))


def _plain_line(block: RawBlock) -> bool:
    return block.kind == "paragraph" or bool(block.attrs.get("_made"))


def _depth(block: RawBlock) -> int:
    return int(block.attrs.get("depth", "0") or 0)
