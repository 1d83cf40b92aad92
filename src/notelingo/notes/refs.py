"""References in note text: arXiv ids, DOIs and URLs.

``find_refs(text)`` finds them in prose (with or without a URL scheme, in any of
the usual arXiv spellings); ``classify_url(url)`` turns one link into a ``Ref``
whose id is normalised (arXiv ids without version, DOIs without resolver), so the
same paper cited two ways is one reference.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..protect.zones import ARXIV_ID, ARXIV_VERSION, DOI_BODY, OLD_ARXIV_ID, REF_URL_RE, SCHEME, WWW
from ..schema import Ref

_ARXIV_URL = re.compile(
    rf"^(?:{SCHEME})?(?:{WWW}|export\.)?arxiv\.org/(?:abs|pdf|html|format|ps)/(?P<id>{ARXIV_ID}){ARXIV_VERSION}(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.(?P<id>{ARXIV_ID}){ARXIV_VERSION}$", re.IGNORECASE)
_DOI_URL = re.compile(rf"^(?:{SCHEME})?(?:dx\.)?doi\.org/(?P<doi>10\.\d{{4,9}}/\S+)$", re.IGNORECASE)

_ARXIV_LABEL = re.compile(rf"\barxiv\s*:\s*(?P<id>{ARXIV_ID}){ARXIV_VERSION}(?![\w/])", re.IGNORECASE)
_OLD_BARE = re.compile(rf"(?<![\w/.\-])(?P<id>{OLD_ARXIV_ID}){ARXIV_VERSION}(?![\w/])")
_DOI_TEXT = re.compile(rf"(?<![\w/.])(?:doi\s*:\s*)?(?P<doi>{DOI_BODY})", re.IGNORECASE)

_TRAILING = ".,;:!?'\"»«“”’…*_"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def trim_url(candidate: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, not to the URL.

    A closing bracket stays when the URL itself opened it (Wikipedia's ``Foo_(bar)``).
    """
    url = candidate
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(_PAIRS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url


def classify_url(url: str) -> Ref:
    """A link (or an 'arXiv:ID' / 'doi:DOI' label) as a ``Ref`` with a normalised id."""
    text = trim_url(url.strip())
    label = _ARXIV_LABEL.fullmatch(text)
    if label:
        return _arxiv_ref(label.group("id"))
    match = _ARXIV_URL.match(text)
    if match:
        return _arxiv_ref(match.group("id"))
    doi = _doi_of(text)
    if doi:
        arxiv = _ARXIV_DOI.match(doi)
        return _arxiv_ref(arxiv.group("id")) if arxiv else Ref(kind="doi", id=doi, url=f"https://doi.org/{doi}")
    if not re.match(r"^[a-z][a-z0-9+.\-]*:", text, re.IGNORECASE):
        text = "https://" + text
    return Ref(kind="url", id=text, url=text)


def _doi_of(text: str) -> str | None:
    match = _DOI_URL.match(text)
    if match:
        return match.group("doi")
    bare = re.fullmatch(rf"(?:doi\s*:\s*)?({DOI_BODY})", text, re.IGNORECASE)
    return bare.group(1) if bare else None


def _arxiv_ref(arxiv_id: str) -> Ref:
    return Ref(kind="arxiv", id=arxiv_id, url=f"https://arxiv.org/abs/{arxiv_id}")


def find_refs(text: str) -> list[Ref]:
    """Every arXiv id, DOI and URL in ``text``, deduplicated, in order of appearance."""
    found: list[tuple[int, Ref]] = []
    taken = _Spans()
    classified: dict[str, Ref] = {}  # a long text cites the same link many times
    for match in REF_URL_RE.finditer(text):
        url = trim_url(match.group(0))
        if url:
            taken.add(match.start(), match.start() + len(url))
            if url not in classified:
                classified[url] = classify_url(url)
                found.append((match.start(), classified[url]))
    for pattern, group in _labelled_patterns(text):
        for match in pattern.finditer(text):
            if taken.covers(match.start()):
                continue
            taken.add(*match.span())
            value = trim_url(match.group(group))
            if value not in classified:
                classified[value] = _arxiv_ref(value) if group == "id" else classify_url(value)
                found.append((match.start(), classified[value]))
    found.sort(key=lambda item: item[0])
    return dedupe_refs(ref for _, ref in found)


class _Spans:
    """Character spans already claimed by a reference, looked up in log time."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        index = bisect_right(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)

    def covers(self, position: int) -> bool:
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


def _labelled_patterns(text: str) -> list[tuple[re.Pattern, str]]:
    """The label patterns worth running: each needs a substring that is cheap to look for first."""
    patterns = []
    if "arxiv" in text.lower():
        patterns.append((_ARXIV_LABEL, "id"))
    if "/" in text:
        patterns.append((_OLD_BARE, "id"))
    if "10." in text:
        patterns.append((_DOI_TEXT, "doi"))
    return patterns


def dedupe_refs(refs) -> list[Ref]:
    """Refs in their first order, one per (kind, id)."""
    seen: set[tuple[str, str]] = set()
    unique: list[Ref] = []
    for ref in refs:
        key = (ref.kind, ref.id.lower() if ref.kind != "url" else ref.id)
        if key not in seen:
            seen.add(key)
            unique.append(ref)
    return unique
