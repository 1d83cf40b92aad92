"""What formulas and model names look like, for :mod:`notelingo.protect.mask`.

Bare LaTeX / plain formulas ("PMI = p(ab) / (p(a) p(b))", "x_i^2") are runs of
math-looking tokens holding a LaTeX command, a sub/superscript or a relation;
acronyms and model names ("GPT-3", "T5-XXL", "175B") are name runs holding a part
with two capitals or letters and digits. Both are returned as ``(start, end, kind,
None)`` candidates; protect settles overlaps with the other detectors.
"""

from __future__ import annotations

import itertools
import re

_CLOSERS = {")": "(", "]": "[", "}": "{"}


def trim_trailing(s: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from a match's end."""
    s = s.rstrip()
    while s and s[-1] in ".,;:!?'\"»)]}":
        ch = s[-1]
        if ch in _CLOSERS and s.count(_CLOSERS[ch]) >= s.count(ch):
            break
        s = s[:-1].rstrip()
    return s


# ----- bare LaTeX and plain formulas ---------------------------------------

_TOKEN_RE = re.compile(r"\S+")
_STRONG_MATH_RE = re.compile(r"\\[A-Za-z]+|[_^]\{|(?:(?<![A-Za-z])[A-Za-z]|[})])[_^][A-Za-z0-9{]")
_MATH_CHARS = set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()[]{}+-*/=<>|.,'!~^_\\"
    "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ≈≤≥≠±×·∑∏∫√∞∈∀∃→←⇒∂∇"
)
_OPERATORS = set("=+*/<>|~≈≤≥≠±×·∑∏∫√∈→←⇒")
_RELATIONS = set("=<>≈≤≥≠∈→⇒")
_FUNC_CALL_RE = re.compile(r"[A-Za-z0-9]\(")
_LETTER_RUN_RE = re.compile(r"[A-Za-z]+")
_EDGE_WORDS = {"a", "A", "I"}  # English words that are also one-letter math names


def _is_math_token(tok: str) -> bool:
    if _STRONG_MATH_RE.search(tok):
        return True
    core = tok.rstrip(".,;:!?") or tok
    if not set(core) <= _MATH_CHARS:
        return False
    if any(len(run) > 3 for run in _LETTER_RUN_RE.findall(core)):
        return False  # a prose word, not a variable or a function name
    if set(core) & _OPERATORS or _FUNC_CALL_RE.search(core):
        return True
    # Short names ("PMI", "x", "ab") and numbers; prose words at a run's edges are trimmed.
    return len(core) <= 3 or core.replace(".", "").isdigit()


def _is_prose_edge(tok: str) -> bool:
    core = tok.strip(".,;:!?")
    return core in _EDGE_WORDS or (core.isalpha() and core.islower() and len(core) >= 2)


def _is_formula(tokens: list[str]) -> bool:
    if any(_STRONG_MATH_RE.search(t) for t in tokens):
        return True
    has_relation = any(set(t) & _RELATIONS for t in tokens)
    single_inline = len(tokens) == 1 and re.search(r"\w[=<>]+\w", tokens[0])
    return bool(has_relation and (len(tokens) >= 3 or single_inline))


_RELATION_RE = re.compile("[" + re.escape("".join(sorted(_RELATIONS))) + "]")


def latex_run_candidates(text: str) -> list[tuple]:
    """Runs of math-looking tokens that contain a LaTeX command, a sub/superscript or a relation."""
    if not _STRONG_MATH_RE.search(text) and not _RELATION_RE.search(text):
        return []  # no run could pass _is_formula: most prose sentences, read without a token loop
    found, run = [], []
    for m in itertools.chain(_TOKEN_RE.finditer(text), [None]):
        joined = m is not None and _is_math_token(m.group())
        if joined and run and "\n" in text[run[-1].end():m.start()]:
            joined = False  # a formula does not run across lines
        if joined:
            run.append(m)
            continue
        found.extend(_formula_span(text, run))
        run = [m] if m is not None and _is_math_token(m.group()) else []
    return found


def blank_out(text: str, candidates: list[tuple]) -> str:
    chars = list(text)
    for start, end, *_ in candidates:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _formula_span(text: str, run: list) -> list[tuple]:
    while run and _is_prose_edge(run[0].group()):
        run = run[1:]
    while run and _is_prose_edge(run[-1].group()):
        run = run[:-1]
    if not run or not _is_formula([m.group() for m in run]):
        return []
    start = run[0].start()
    body = trim_trailing(text[start:run[-1].end()])
    return [(start, start + len(body), "latex", None)] if body.strip() else []


# ----- acronyms and model names --------------------------------------------

NAME_RUN_RE = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*(?![A-Za-z0-9_])")
PART_RE = re.compile(r"[^-.]+(?:\.\d[^-.]*)*")  # "1.3B" stays one part
_ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th)", re.I)
# Lower-case words that name a model variant and belong to the name ("BERT-base").
_VARIANT_WORDS = {
    "base", "large", "small", "tiny", "mini", "medium", "xl", "xxl", "huge",
    "cased", "uncased", "instruct", "chat", "distilled",
}


def is_acronym_part(part: str) -> bool:
    if _ORDINAL_RE.fullmatch(part):
        return False
    has_letter = any(c.isalpha() for c in part)
    has_digit = any(c.isdigit() for c in part)
    return sum(c.isupper() for c in part) >= 2 or (has_letter and has_digit)


def _is_name_part(part: str) -> bool:
    return is_acronym_part(part) or part.isdigit() or part[:1].isupper() or part.lower() in _VARIANT_WORDS


def _is_shouting(text: str) -> bool:
    """Mostly upper-case text ("VIEW IN TELEGRAM"): its caps words are words, not acronyms."""
    words = re.findall(r"[^\W\d_]{2,}", text)
    # Acronyms are short; a long all-caps word means the line is shouted.
    return len(words) >= 2 and max(map(len, words)) >= 6 and not any(c.islower() for c in text)


def acronym_candidates(text: str) -> list[tuple]:
    found = []
    for line in re.finditer(r"[^\n]+", text):
        found.extend(_line_acronyms(line.group(), line.start()))
    return found


def _line_acronyms(line: str, base: int) -> list[tuple]:
    shouting = _is_shouting(line)
    found = []
    for m in NAME_RUN_RE.finditer(line):
        offset, parts = base + m.start(), []
        for part_m in PART_RE.finditer(m.group()):
            parts.append((offset + part_m.start(), offset + part_m.end(), part_m.group()))
        found.extend(_name_groups(parts, shouting))
    return found


def _name_groups(parts: list[tuple], shouting: bool) -> list[tuple]:
    """Contiguous name-like parts that hold at least one acronym-like part."""
    found, group = [], []
    for part in parts + [None]:
        if part is not None and _is_name_part(part[2]):
            group.append(part)
            continue
        while group and group[0][2].lower() in _VARIANT_WORDS:
            group = group[1:]
        qualifies = [p for p in group if is_acronym_part(p[2])]
        if shouting and not any(c.isdigit() for p in group for c in p[2]):
            qualifies = []
        if qualifies:
            found.append((group[0][0], group[-1][1], "acronym", None))
        group = []
    return found
