"""Protected zones: what a URL, an e-mail, a mention, a hashtag, inline code, LaTeX,
an arXiv id, a DOI or an inline tag is, written in one place.

The URL grammar is one set of fragments (:data:`SCHEME`, :data:`WWW`, :data:`LABEL`,
:data:`TLD`, the one TLD list :data:`COMMON_TLDS`, :func:`url_char`, :data:`HOST_START`)
and one definition, :func:`url_pattern`. Inline math is one rule, :data:`LATEX_INLINE`
(pandoc's: "$20 and $30" is money). The stages ask different questions of the same zones,
so they use views composed from those, each with its restriction written beside it:

* :mod:`notelingo.protect.mask` masks every zone (:data:`ZONE_DETECTORS`: every URL) and keeps one
  of any overlapping candidates (:func:`resolve_overlaps`, with glossary terms and acronyms);
* :mod:`notelingo.notes.refs` reads references: :data:`REF_URL_RE` (a URL with a scheme, www. or
  a path) and the arXiv / DOI fragments;
* :mod:`notelingo.mt.segment` never cuts a sentence inside :data:`NO_CUT_RE` (code,
  LaTeX, URLs: what protect masks whole);
* :mod:`notelingo.notes.textclean` leaves the spacing inside :data:`SPACING_ZONE_RE` alone;
* the glossary looks for no term inside :data:`TERMLESS_ZONE_RE`, language detection counts
  nothing in :data:`NOT_WORDS_ZONES` as words;
* readers and normalize ask :data:`SCHEME_RE`, :data:`HOST_TARGET_RE`, :data:`STARTS_WITH_LINK_RE`,
  :data:`MARKDOWN_LINK_RE`, :data:`TITLE_LINK_RE`; render.terms resolves term overlaps
  leftmost first (:func:`leftmost_first`).

A zone candidate is a tuple ``(start, end, kind, payload)``; kinds are the keys of
:data:`ZONE_PRIORITY`. A zone chosen is a :class:`Span`: protect masks and verifies it, render
marks a glossary term with it. Nothing here imports another notelingo module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of a text, ``text``, of one ``kind``, that must read ``rendering``.

    Protect: a piece of the source that must appear in the output exactly as ``rendering``.
    Render: a glossary term in a digest's text (``rendering`` is ``text``), ``hint`` its
    form(s) in the other language(s), shown on hover.
    """

    start: int
    end: int
    text: str
    kind: str  # url|email|mention|hashtag|code|latex|arxiv|doi|markup|term|acronym
    rendering: str
    entry: Optional[str] = None  # canonical English of the glossary entry (kind == "term")
    policy: Optional[str] = None  # keep|translate|gloss (kind == "term")
    hint: str = ""  # render: the term's form(s) in the other language(s)
    choice: Optional[str] = None  # protect: how a Russian term's form was chosen (glossary.agree: governed|nominative)

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

# ----- URLs: the grammar, written once ---------------------------------------------

#: The schemes of web links: whatever follows one and "://" up to a stop is a URL.
SCHEMES = ("https?", "ftp")
SCHEME = rf"(?:{'|'.join(SCHEMES)})://"
#: "www." at a word's start begins a host name without a scheme. (Each form starts with a
#: literal and looks back after it: the regex engine then skips ahead fast.)
WWW = r"www\.(?<!\wwww\.)"
#: A host label (RFC 1035: letters, digits and inner hyphens, at most 63).
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: A top-level domain is letters only: "X.T" in a formula or "v1.2" is no host.
TLD = r"[A-Za-z]{2,24}"
#: The one TLD list: a host written with nothing around it (no scheme, www. or path) is a URL
#: only with one of these. File extensions (.md, .py, .sh, .js) are not in it: "README.md" is
#: no URL, while "DeepLearning.ai" in prose is one.
COMMON_TLDS = ("com|org|net|io|ai|co|edu|gov|ru|uk|de|fr|me|dev|app|info|xyz|tech|cc|eu|us|ca|ch|nl|jp|cn|su|ly|"
               "gl|gg|tv|to|news|blog|science")
#: A host name.
HOST = rf"(?:{LABEL}\.)+{TLD}"
#: The TLD of a host written with a path but no scheme or www.: lower case, or a common one, so
#: "St.Petersburg/Moscow" is prose and "youtu.be/abc", "EXAMPLE.COM/x" are URLs.
PATH_TLD = rf"(?:[a-z]{{2,24}}|(?i:{COMMON_TLDS}))"
#: A host written bare starts a word: not inside a path, an e-mail or a dotted name ("docs/README.md").
HOST_START = r"(?<![\w@./-])"


def url_char(stops: str = "") -> str:
    """A URL character: not a space, quote, angle bracket or backtick, nor one of ``stops``.
    "](" never is one: "[https://a.b/c](https://a.b/c)" is a Markdown link whose text is its own
    URL, two URLs and not one."""
    plain = rf"[^\s<>\"'`\]{re.escape(stops)}]"
    return plain if "]" in stops else rf"(?:{plain}|\](?!\())"  # the lookahead only at a "]": fast


URL_CHAR = url_char()


def url_pattern(char: str = URL_CHAR, host_paths: bool = True, bare_hosts: bool = True,
                any_case: bool = True) -> str:
    """The URL: a scheme or www. and what follows; with ``host_paths``, a host whose TLD is a
    :data:`PATH_TLD` and a path; with ``bare_hosts``, a host alone whose TLD is a common one.
    ``char`` is what the URL runs on (see :func:`url_char`); ``any_case``: "HTTPS://", "WWW.", ".COM"
    too. Trailing punctuation is the caller's to trim (:func:`notelingo.protect.shapes.trim_trailing`)."""
    # Each form starts with a literal, so a pattern made of such forms (no-cut, spacing) is
    # searched fast; any case costs that, so a cheap look at the first letter stands in.
    starts = [f"{scheme}://" for scheme in SCHEMES] + [WWW]
    explicit = "|".join(f"{start}{char}+" for start in starts)
    if any_case:
        explicit = rf"(?=[hHfFwW])(?i:{'|'.join(starts)}){char}+"
    tails = [rf"{PATH_TLD}/{char}*"] if host_paths else []
    tails += [rf"(?i:{COMMON_TLDS})(?![\w-])(?:[/?#]{char}*)?"] if bare_hosts else []
    if not tails:
        return explicit  # no group: a caller's alternation keeps its literal starts
    # The host forms share their labels: one scan of them, then the TLD decides.
    return rf"(?:{explicit}|{HOST_START}(?:{LABEL}\.)+(?:{'|'.join(tails)}))"


URL = url_pattern()
#: A URL its writer announced with a scheme or www. in lower case, as typed (the fast form: it
#: starts with a literal): a host written bare holds no space and no sentence end, so segment and
#: textclean need no more.
EXPLICIT_URL = url_pattern(host_paths=False, bare_hosts=False, any_case=False)
#: A URL to keep whole in prose: protect masks it, the glossary looks for no term in it.
URL_RE = re.compile(URL)
#: A URL cited as a reference: a URL with a scheme, www. or a path, so that "DeepLearning.ai"
#: in prose is no link.
REF_URL_RE = re.compile(url_pattern(bare_hosts=False))
#: A link's scheme, where readers decide whether an href is a web link.
SCHEME_RE = re.compile("^" + SCHEME, re.IGNORECASE)
#: A line that opens with a link: a scheme, www., or a host followed by a path or by nothing.
STARTS_WITH_LINK_RE = re.compile(rf"^(?:{SCHEME}|{WWW}|{HOST}(?:/|$))", re.IGNORECASE)
#: A link target without a scheme that is still a web link: a host, maybe after www. and before a path.
HOST_TARGET_RE = re.compile(rf"^(?:{WWW})?{HOST}(?:[/?#:].*)?$", re.IGNORECASE)
_TARGET_CHAR = url_char("()")
# A Markdown link target runs on to the closing parenthesis, over one level of inner ones.
_TARGET = url_pattern(rf"(?:{_TARGET_CHAR}|\({_TARGET_CHAR}*\))", bare_hosts=False)
#: A Markdown link (not an image) to a URL with a scheme, www. or a path; the target may hold one
#: level of parentheses (Wikipedia's "Transformer_(machine_learning_model)").
MARKDOWN_LINK_RE = re.compile(rf"(?<!!)\[(?P<text>[^\[\]\n]+)\]\((?P<url>{_TARGET})\)")


# ----- the zones protect masks --------------------------------------------------

#: An e-mail address, written once: protect masks it, the glossary looks for no term in it,
#: language detection counts no word in it.
EMAIL = r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
EMAIL_RE = re.compile(EMAIL)
MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{1,31}\b")
HASHTAG_RE = re.compile(r"(?<![\w#&/])#[^\W\d_]\w*")
CODE_RE = re.compile(r"```[\s\S]*?```|``[^`\n]+?``|`[^`\n]+`")
#: Inline math by pandoc's rule: no space inside either $, no digit right after the closing
#: one, so "$20 and $30" is money, not math, for every stage. (The look back for an escaping
#: backslash or a second $ stands after the $, so every LaTeX form starts with a literal: fast.)
LATEX_INLINE = r"\$(?<![\\$]\$)(?=[^\s$])(?:[^$\n\\]|\\.)+?(?<=\S)\$(?![\d$])"
LATEX = rf"\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|{LATEX_INLINE}"
LATEX_DELIMITED_RE = re.compile(LATEX)
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


def leftmost_first(cand: tuple) -> tuple:
    """The rank of a leftmost-longest scan: the earliest start, then the longest."""
    return cand[0], cand[0] - cand[1]


def resolve_overlaps(candidates: Iterable[tuple], size: int,
                     rank: Callable[[tuple], tuple] = _zone_rank, longest_first: bool = True) -> list[tuple]:
    """Candidates taken longest first (unless ``longest_first`` is False), then by ``rank``
    (default: the most specific kind, then the earliest; :func:`leftmost_first` for a
    left-to-right scan); a candidate overlapping a chosen one is dropped, and so is an empty one.
    Sorted by start.

    ``candidates`` are tuples that begin ``(start, end, ...)`` in a text of ``size`` characters.
    """
    def order(cand: tuple) -> tuple:
        return (cand[0] - cand[1], *rank(cand)) if longest_first else rank(cand)

    taken = bytearray(size)
    chosen = []
    for cand in sorted(candidates, key=order):
        start, end = cand[0], cand[1]
        if start < end and not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c[0])


# ----- the other stages' views, composed from the zones above ----------------------------

#: Where a sentence is never cut: formulas (across lines too), code, announced URLs: zones
#: protect masks whole, so a cut cannot split one. Money ("$20. The next") is prose and may be cut.
NO_CUT_RE = re.compile(rf"{LATEX}|{CODE_RE.pattern}|{EXPLICIT_URL}")
#: Where runs of spaces are the author's (normalize collapses them elsewhere): code, formulas,
#: announced URLs.
SPACING_ZONE_RE = re.compile(rf"{CODE_RE.pattern}|{LATEX}|{EXPLICIT_URL}")
#: Where glossary terms are never looked for: code, formulas, e-mails, URLs, and web page
#: names ("attention.html") too.
TERMLESS_ZONE_RE = re.compile(
    rf"{CODE_RE.pattern}|{LATEX}|{EMAIL}|{URL}|\b{LABEL}(?:\.{LABEL})*\.(?i:html?)\b"
)
#: What language detection does not count as words: announced URLs, e-mails, mentions, hashtags,
#: and any dotted name with a letter TLD, a host or a file name ("arxiv.org/abs/...", "README.md").
NOT_WORDS_ZONES = rf"{EXPLICIT_URL}|{EMAIL}|[@#]\w+|\b(?:[\w-]+\.)+{TLD}(?:/{URL_CHAR}*)?"
#: A link in a title line, gone from the title (it is in the refs): a reference URL, or an
#: "arXiv:" / "doi:" label and its id, ending before a closing bracket.
TITLE_LINK_RE = re.compile(
    rf"\b(?i:arxiv|doi)\s*:\s*[^\s)\]]+|{url_pattern(url_char(')]'), bare_hosts=False)}"
)
