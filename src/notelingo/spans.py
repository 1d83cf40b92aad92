"""Protected zones: what a URL, an e-mail, a mention, a hashtag, inline code, LaTeX,
an arXiv id, a DOI or an inline tag is, written in one place.

The stages ask different questions of the same zones, so they use different views:

* :mod:`notelingo.protect` masks every zone (:data:`ZONE_DETECTORS`) and keeps one of
  any overlapping candidates (:func:`resolve_overlaps`, with glossary terms and acronyms);
* :mod:`notelingo.translate.segment` never cuts a sentence inside :data:`NO_CUT_RE`;
* :mod:`notelingo.textclean` leaves the spacing inside :data:`SPACING_ZONE_RE` alone;
* :mod:`notelingo.refs` reads references: :data:`REF_URL_RE` and the arXiv / DOI fragments.

A zone candidate is a tuple ``(start, end, kind, payload)``; kinds are the keys of
:data:`ZONE_PRIORITY`. Nothing here imports another notelingo module.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

# ----- arXiv ids and DOIs ----------------------------------------------------

# Old-style arXiv archives (before 2007): "hep-th/9901001", "math.GT/0309136".
OLD_ARCHIVES = (
    "acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas|"
    "cond-mat|cs|dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|mtrl-th|nlin|"
    "nucl-ex|nucl-th|patt-sol|physics|plasm-ph|q-alg|q-bio|quant-ph|solv-int|supr-con"
)
NEW_ARXIV_ID = r"\d{4}\.\d{4,5}"
OLD_ARXIV_ID = rf"(?:{OLD_ARCHIVES})(?:\.[A-Za-z]{{2}})?/\d{{7}}"
ARXIV_ID = rf"(?:{NEW_ARXIV_ID}|{OLD_ARXIV_ID})"
ARXIV_VERSION = r"(?:v\d+)?"
DOI_BODY = r"10\.\d{4,9}/[^\s\"<>]+"

# ----- URLs --------------------------------------------------------------------

# Common TLDs only: file extensions such as .md, .py, .sh, .js must not turn
# "README.md" into a URL when a host is written without a scheme or a path.
TLDS = ("com|org|net|io|ai|co|edu|gov|ru|uk|de|fr|me|dev|app|info|xyz|tech|cc|eu|us|ca|ch|nl|jp|cn|su|ly|gl|gg|tv|to|"
        "news|blog|science")
_URL_STOP = r"[^\s<>\"'`]"
#: A URL to keep whole in prose: with a scheme, www., or a bare host with a common TLD.
URL_RE = re.compile(
    rf"\b(?:https?|ftp)://{_URL_STOP}+|\bwww\.{_URL_STOP}+"
    r"|(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + TLDS + rf")(?![\w-])(?:[/?#]{_URL_STOP}*)?",
    re.I,
)

# A URL cited as a reference: top-level domains are letters only; at least two labels;
# a scheme-less URL needs a path so that "DeepLearning.ai" in prose or "X.T" in a
# formula is not a link.
HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
# A URL character; "](" never is one: "[https://a.b/c](https://a.b/c)" is a Markdown link
# whose text is its own URL, two URLs and not one.
_URL_CHAR = r"(?:(?!\]\()[^\s<>\"'`])"
_URL_WITH_SCHEME = rf"https?://{_URL_CHAR}+"
_URL_WWW = rf"www\.{HOST}(?:[/?#:]{_URL_CHAR}*)?"
_URL_BARE = rf"{HOST}/{_URL_CHAR}*"
REF_URL_RE = re.compile(rf"(?<![\w@/.\-])(?:{_URL_WITH_SCHEME}|{_URL_WWW}|{_URL_BARE})")

# ----- the zones protect masks --------------------------------------------------

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{1,31}\b")
HASHTAG_RE = re.compile(r"(?<![\w#&/])#[^\W\d_]\w*")
CODE_RE = re.compile(r"```[\s\S]*?```|``[^`\n]+?``|`[^`\n]+`")
LATEX_DELIMITED_RE = re.compile(
    r"\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)"
    # Pandoc's rule for inline $...$: no space inside either $, no digit right after
    # the closing one, so "$20 and $30" is money, not math.
    r"|(?<![\\$])\$(?=[^\s$])(?:[^$\n\\]|\\.)+?(?<=\S)\$(?![\d$])"
)
ARXIV_RE = re.compile(
    rf"\barXiv:\s?(?:{NEW_ARXIV_ID}|[a-z-]+(?:\.[A-Z]{{2}})?/\d{{7}}){ARXIV_VERSION}\b"
    rf"|(?<![\w.])\d{{2}}(?:0[1-9]|1[0-2])\.\d{{4,5}}{ARXIV_VERSION}(?![\w]|\.\d)",
    re.I,
)
DOI_RE = re.compile(rf"\b(?:doi:\s?)?{DOI_BODY}", re.I)
# An inline HTML/JSX tag inside prose (a whole markup line is a block of its own): kept
# verbatim, so its attributes are neither translated nor matched by the glossary.
TAG_RE = re.compile(
    r"</?[A-Za-z][\w.:-]*(?:\s+[\w:.-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|\{[^{}]*\}|[^\s\"'=<>`]+))?)*\s*/?>"
)

#: (pattern, kind, trim trailing punctuation); overlaps are settled by :func:`resolve_overlaps`.
ZONE_DETECTORS = [
    (URL_RE, "url", True), (EMAIL_RE, "email", True), (MENTION_RE, "mention", False),
    (HASHTAG_RE, "hashtag", False), (CODE_RE, "code", False), (LATEX_DELIMITED_RE, "latex", False),
    (ARXIV_RE, "arxiv", False), (DOI_RE, "doi", True), (TAG_RE, "markup", False),
]

#: Equal length: the more specific kind wins (a glossary term over a bare acronym).
ZONE_PRIORITY = {k: i for i, k in enumerate(
    ["url", "email", "code", "latex", "doi", "arxiv", "mention", "hashtag", "markup", "term", "acronym"])}


def _zone_rank(cand: tuple) -> tuple:
    return ZONE_PRIORITY[cand[2]], cand[0]


def resolve_overlaps(candidates: Iterable[tuple], size: int,
                     rank: Callable[[tuple], tuple] = _zone_rank) -> list[tuple]:
    """Longest first, then by ``rank`` (default: the most specific kind, then the earliest);
    a candidate overlapping a chosen one is dropped, and so is an empty one. Sorted by start.

    ``candidates`` are tuples that begin ``(start, end, ...)`` in a text of ``size`` characters.
    """
    taken = bytearray(size)
    chosen = []
    for cand in sorted(candidates, key=lambda c: (c[0] - c[1], *rank(c))):
        start, end = cand[0], cand[1]
        if start < end and not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])


# ----- looser views for cutting and spacing ----------------------------------------

#: Where a sentence is never cut: formulas (across lines too), inline code, URLs with a
#: scheme or www. Looser than the masked zones on purpose: a cut inside "$20 and $30"
#: costs a worse translation, a mask around it would hide prose from the model.
NO_CUT_RE = re.compile(
    r"\$\$.+?\$\$|\$[^$\n]+\$|\\\(.+?\\\)|\\\[.+?\\\]|`[^`\n]+`|\b(?:https?|ftp)://\S+|\bwww\.\S+", re.S
)
#: Where runs of spaces are the author's (normalize collapses them elsewhere): code
#: spans, formulas and URLs on one line.
SPACING_ZONE_RE = re.compile(r"`[^`\n]*`|\$\$[^$]*\$\$|\$[^$\n]*\$|\\\(.*?\\\)|https?://\S+|www\.\S+")
#: Where glossary terms are never looked for: URLs (with or without scheme, TLDs of
#: their own: ``.html`` pages too), e-mails, inline and fenced code, LaTeX ($...$ with
#: the pandoc rule that keeps prices out).
TERMLESS_ZONE_RE = re.compile(
    r"```.*?```|`[^`\n]+`"
    r"|\$\$.+?\$\$|\$(?=\S)[^$\n]*(?<=\S)\$(?!\d)|\\\(.+?\\\)"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:https?://|ftp://|www\.)\S+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|ai|ru|dev|edu|gov|co|me|info|uk|de|html?)\b(?:/\S*)?",
    re.DOTALL | re.IGNORECASE,
)
#: What language detection does not count as words: URLs, e-mails, mentions, hashtags,
#: bare domains and paths (arxiv.org/abs/...).
NOT_WORDS_ZONES = (
    r"(?:https?://|www\.)\S+"  # URLs
    r"|\S+@\S+\.\w+"  # e-mails
    r"|[@#]\w+"  # mentions, hashtags
    r"|\b(?:[\w-]+\.)+[a-zA-Z]{2,}(?:/\S*)?"  # bare domains and paths: arxiv.org/abs/...
)
#: A link's scheme, where readers decide whether an href is a web link.
SCHEME_RE = re.compile(r"^(https?|ftp)://", re.IGNORECASE)
#: A line that opens with a link (with a scheme, www. or a host and a path or nothing after).
STARTS_WITH_LINK_RE = re.compile(r"^(https?://|www\.|[\w\-]+(\.[\w\-]+)*\.[a-z]{2,24}(/|$))", re.IGNORECASE)
