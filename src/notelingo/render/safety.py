"""Which links from notes may become clickable, and text that is safe to embed.

Bidi controls in note text are data (Arabic, Hebrew) and stay in the notes; a renderer closes
what a piece of text leaves open (:func:`close_bidi`), so a stray U+202E cannot reverse the
digest's own text after it.

Note text comes from strangers (Telegram ``text_link`` entities carry any href).
Only ``http``/``https`` URLs with a host are ever linked. The scheme is checked
the way a browser would read it: after HTML entities are decoded and after
whitespace and control characters (which browsers silently drop inside a URL,
so ``java\\tscript:`` still runs) are removed.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from ..schema import Ref

_SAFE_SCHEMES = frozenset({"http", "https"})
#: C0/C1 controls, whitespace and invisible format characters browsers ignore in URLs.
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
#: Characters XML 1.0 forbids (an XML writer would emit them and break the file).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Characters kept as they are when a URL is re-quoted for Markdown / HTML output.
_URL_SAFE_CHARS = "/:?#[]@!$&*+,;=%~-._"


def safe_href(url: str | None) -> str | None:
    """``url`` cleaned and percent-quoted when it is an http(s) link with a host, else None."""
    if not url:
        return None
    cleaned = _URL_JUNK.sub("", html.unescape(url))
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # e.g. an unbalanced '[' in the host
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.hostname:
        return None
    # Quoting leaves no space, quote, angle bracket or parenthesis that could end
    # an HTML attribute or a Markdown link early.
    return quote(cleaned, safe=_URL_SAFE_CHARS)


def ref_href(ref: Ref) -> str | None:
    """The link for a ref: arXiv abstract page, doi.org, or the ref's own URL when safe."""
    if ref.kind == "arxiv" and ref.id.strip():
        return "https://arxiv.org/abs/" + quote(ref.id.strip(), safe="./")
    if ref.kind == "doi" and ref.id.strip():
        return "https://doi.org/" + quote(ref.id.strip(), safe="/.-_;:")
    return safe_href(ref.url)


def ref_label(ref: Ref) -> str:
    """How a ref is shown: 'arXiv:2010.01825', 'doi:10.1000/xyz', or the URL."""
    if ref.kind == "arxiv":
        return f"arXiv:{ref.id}"
    if ref.kind == "doi":
        return f"doi:{ref.id}"
    return ref.url or ref.id


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (controls, lone surrogates)."""
    return _XML_INVALID.sub("", text)


#: Bidi embeddings and overrides (closed by U+202C PDF) and isolates (closed by U+2069 PDI).
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_ISOLATES = frozenset("\u2066\u2067\u2068")
_PDF, _PDI = "\u202c", "\u2069"
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def close_bidi(text: str) -> str:
    """``text`` with each bidi embedding, override or isolate it leaves open closed at the end of
    each of its lines (Unicode UAX #9: a PDF closes the last embedding unless an isolate opened
    after it; a PDI closes the last isolate and what opened inside it). Text without them is
    returned as it is; nothing is removed."""
    if not _BIDI_RE.search(text):
        return text
    return "\n".join(_close_line(line) for line in text.split("\n"))


def _close_line(line: str) -> str:
    stack: list[str] = []
    for char in line:
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(char)
        elif char == _PDF and stack and stack[-1] in _EMBEDDINGS:
            stack.pop()
        elif char == _PDI and any(opened in _ISOLATES for opened in stack):
            while stack.pop() not in _ISOLATES:
                pass
    return line + "".join(_PDI if opened in _ISOLATES else _PDF for opened in reversed(stack))

