"""Text cleanup that never changes words, and the line patterns of site chrome.

``normalize_text`` is NFC plus whitespace cleanup. It leaves alone, byte for
byte: fenced code, indented lines' inner spacing, inline code, URLs and LaTeX
(a line with a ``\\command`` keeps its spacing; ``$...$`` spans too).
It is idempotent: cleaning clean text changes nothing.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces that are only typography; zero-width joiners stay (emoji sequences need them).
_SPACE_LIKE = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"), None)
_FENCE_LINE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_PROTECTED_SPAN = re.compile(r"`[^`\n]*`|\$\$[^$]*\$\$|\$[^$\n]*\$|\\\(.*?\\\)|https?://\S+|www\.\S+")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_RUN_OF_SPACES = re.compile(r"[ \t]{2,}")


def normalize_text(text: str) -> str:
    """NFC, unified line ends, no invisible or exotic spaces, no trailing blanks.

    Runs of spaces inside a line become one space, except in code, URLs and
    LaTeX; at most one blank line in a row; no blank lines at either end.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[tuple[str, bool]] = []  # (line, inside a code fence)
    in_fence = None
    for line in text.split("\n"):
        fence = _FENCE_LINE.match(line)
        if in_fence:
            out.append((line, True))
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)
        out.append((_clean_line(line), False))
    return _squeeze_blank_lines(out)


def _clean_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE).translate(_SPACE_LIKE).rstrip()
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)]
    if indent.expandtabs(4).count(" ") >= 4 or _TEX_COMMAND.search(body):
        # Indented lines may be code and TeX spacing is the author's: keep inner spacing.
        return line
    return indent + _collapse_outside_protected(body)


def _collapse_outside_protected(body: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _PROTECTED_SPAN.finditer(body):
        pieces.append(_RUN_OF_SPACES.sub(" ", body[last:match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_RUN_OF_SPACES.sub(" ", body[last:]))
    return "".join(pieces)


def _squeeze_blank_lines(lines: list[tuple[str, bool]]) -> str:
    """At most one blank line in a row outside code; none at either end."""
    kept: list[tuple[str, bool]] = []
    for line, in_code in lines:
        if line == "" and not in_code and (not kept or kept[-1] == ("", False)):
            continue
        kept.append((line, in_code))
    while kept and kept[-1] == ("", False):
        kept.pop()
    return "\n".join(line for line, _ in kept)


def fingerprint(text: str) -> str:
    """Comparison key of a paragraph: case, spacing and edge punctuation ignored."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", folded))


# --------------------------------------------------------------------------
# Chrome and export artefacts: whole lines that are no part of anyone's notes.
# --------------------------------------------------------------------------

_ARTEFACT_LINES = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"(copyright\s*)?(©|\(c\)).{0,150}",
    r"copyright\b.{0,120}\b(19|20)\d{2}\b.{0,60}",
    r".{0,80}\b(theme|template|design|site|website)\s+(designed|developed|created|built|made)\s+by\b.{0,80}",
    r".{0,80}\b(theme|тема)\s+by\b.{0,60}",
    r"(proudly\s+)?powered\s+by\s+\S.{0,60}",
    r"(all\s+rights\s+reserved|все\s+права\s+защищены)\W{0,3}",
    r"(this\s+media\s+is\s+not\s+supported\s+in\s+your\s+browser|view\s+in\s+telegram|"
    r"please\s+open\s+telegram\s+to\s+view\s+this\s+post|open\s+in\s+(the\s+)?telegram( app)?)\W{0,3}",
    r"(subscribe|unsubscribe|подписаться|share|поделиться|tweet|retweet|reply|ответить|repost|"
    r"share\s+(this|on\s+\w+)|skip\s+to\s+(main\s+)?content|toggle\s+navigation|back\s+to\s+top|"
    r"read\s+more|читать\s+(далее|дальше)|leave\s+a\s+(comment|reply)|load\s+more|show\s+more)\W{0,3}",
    r"(👁|👀)?\s*\d[\d.,]*\s*[kmкм]?\s*(views?|просмотр(а|ов)?)?",
    r"(👁|👀)\s*\S{1,10}",
    r"edited\s+\d{1,2}:\d{2}(\s*[ap]m)?",
)]

_FORWARDED = re.compile(
    r"^\s*(forwarded\s+from|forwarded\s+message\s+from|переслано\s+(от|из)|пересланное\s+сообщение\s+от)\s*:?\s+(?P<name>\S.{0,120}?)\s*$",
    re.IGNORECASE,
)

# A lone identifier with an underscore, or a file name with an image extension:
# what is left of an <img> whose alt text was its file name.
_IMAGE_NAME = re.compile(r"[\w\-]+(_[\w\-]+)+|[\w\-. ]+\.(png|jpe?g|gif|webp|svg|bmp)", re.IGNORECASE)


def is_artefact_line(text: str) -> bool:
    """Whole-line site chrome or export artefacts (footers, buttons, counters)."""
    stripped = text.strip()
    if not stripped or "\n" in stripped or len(stripped) > 200:
        return False
    return any(pattern.fullmatch(stripped) for pattern in _ARTEFACT_LINES) or bool(_IMAGE_NAME.fullmatch(stripped))


def forwarded_from(text: str) -> str | None:
    """The channel name of a 'Forwarded from X' header line, or None."""
    match = _FORWARDED.match(text)
    return match.group("name") if match and "\n" not in text.strip() else None
