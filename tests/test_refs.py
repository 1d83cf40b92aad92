"""find_refs / classify_url: every arXiv spelling, DOIs, scheme-less URLs, trailing punctuation."""

import pytest

from notelingo.notes.refs import classify_url, find_refs


@pytest.mark.parametrize("text, expected", [
    ("see arxiv.org/abs/2010.01825.", [("arxiv", "2010.01825")]),
    ("https://arxiv.org/pdf/2010.01825v2.pdf", [("arxiv", "2010.01825")]),
    ("(arXiv:2110.08207v3)", [("arxiv", "2110.08207")]),
    ("arXiv: 2110.08207, then hep-th/9901001", [("arxiv", "2110.08207"), ("arxiv", "hep-th/9901001")]),
    ("http://export.arxiv.org/abs/math.GT/0309136v1", [("arxiv", "math.GT/0309136")]),
    ("doi:10.18653/v1/N19-1423.", [("doi", "10.18653/v1/N19-1423")]),
    ("https://doi.org/10.48550/arXiv.2110.08207", [("arxiv", "2110.08207")]),
    ("по этой ссылке: https://huggingface.co/spaces/akhaliq/T0pp", [("url", "https://huggingface.co/spaces/akhaliq/T0pp")]),
    ("huggingface.co/spaces/akhaliq/T0pp!", [("url", "https://huggingface.co/spaces/akhaliq/T0pp")]),
    ("[code](https://github.com/a/b), and www.example.org.", [("url", "https://github.com/a/b"), ("url", "https://www.example.org")]),
    ("(https://en.wikipedia.org/wiki/Foo_(bar))", [("url", "https://en.wikipedia.org/wiki/Foo_(bar)")]),
    ("«https://t.me/channel/12»", [("url", "https://t.me/channel/12")]),
    ("same paper twice: arxiv.org/abs/2010.01825 and arXiv:2010.01825v2", [("arxiv", "2010.01825")]),
])
def test_find_refs(text, expected):
    assert [(ref.kind, ref.id) for ref in find_refs(text)] == expected


@pytest.mark.parametrize("text", [
    "X.T @ dL/d(out) — это downstream gradient",
    "DeepLearning.ai выпустили курс; cs. CV",
    "PMI = p(ab) / (p(a) p(b))",
    "version 2010.01825 of nothing",
    "e.g. this, i.e. that",
])
def test_no_refs_in_prose(text):
    assert find_refs(text) == []


@pytest.mark.parametrize("url, kind, ref_id, resolved", [
    ("https://arxiv.org/abs/2010.01825v4", "arxiv", "2010.01825", "https://arxiv.org/abs/2010.01825"),
    ("arxiv.org/pdf/hep-th/9901001v1.pdf", "arxiv", "hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001"),
    ("https://dx.doi.org/10.1038/nature14539", "doi", "10.1038/nature14539", "https://doi.org/10.1038/nature14539"),
    ("arXiv:2203.15556", "arxiv", "2203.15556", "https://arxiv.org/abs/2203.15556"),
    ("github.com/google-research/bert", "url", "https://github.com/google-research/bert", "https://github.com/google-research/bert"),
    ("https://example.org/a?b=1.", "url", "https://example.org/a?b=1", "https://example.org/a?b=1"),
])
def test_classify_url(url, kind, ref_id, resolved):
    ref = classify_url(url)
    assert (ref.kind, ref.id, ref.url) == (kind, ref_id, resolved)


def test_long_text_citing_the_same_links_many_times():
    text = ("see https://arxiv.org/abs/2106.09685 and arXiv:2305.18290, doi:10.1000/xyz1 " * 5000)
    assert [(r.kind, r.id) for r in find_refs(text)] == [
        ("arxiv", "2106.09685"),
        ("arxiv", "2305.18290"),
        ("doi", "10.1000/xyz1"),
    ]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        # a label inside a URL is part of the URL; one after it is its own ref
        (
            "https://example.org/arXiv:2101.00001 then arXiv:2101.00002",
            ["https://example.org/arXiv:2101.00001", "2101.00002"],
        ),
        ("arXiv:hep-th/9901001 and hep-th/9901002", ["hep-th/9901001", "hep-th/9901002"]),
        ("no refs here, just 10.5 and a/b", []),
    ],
)
def test_labels_outside_urls(text, ids):
    assert [r.id for r in find_refs(text)] == ids
