"""Term spans in a block's translation (render/terms.py): found once per rendering, however often the term recurs.

A real failure this guards: a single long message (a text dump or Telegram post of a few thousand sentences that
each use the same glossary term) made ``digest`` and ``export -f markdown`` search the whole translation again for
every term use, so spans grew as uses squared: 800 uses took 16 s and 1.6 GB, 3000 uses were killed for memory.
"""

from __future__ import annotations

import time

import pytest

from notelingo.render.terms import term_spans
from test_render_helpers import make_note

RU = "Трансформеры используют механизм внимания. "
EN = "Transformers use attention. "


def _note(repeat: int, renderings: list[str]):
    ru, en = RU * repeat, EN * repeat
    terms, at = [], 0
    for i in range(repeat):
        start = ru.index("механизм внимания", at)
        terms.append({"entry": "attention", "lang": "ru", "block": "b1", "start": start,
                      "end": start + len("механизм внимания"), "surface": "механизм внимания",
                      "policy": "translate", "rendering": {"en": renderings[i % len(renderings)]}})
        at = start + 1
    return make_note("n1", lang="ru", texts={"ru": ru, "en": en}, terms=terms)


@pytest.mark.parametrize(
    ("repeat", "renderings", "expected"),
    [
        (1, ["attention"], 1),
        (3, ["attention"], 3),
        # two renderings of the same entry: each occurrence of either form is marked once
        (4, ["attention", "Transformers"], 8),
        (5, ["absent form"], 0),
    ],
)
def test_every_occurrence_of_a_rendering_is_marked_once(repeat, renderings, expected):
    note = _note(repeat, renderings)
    spans = term_spans(note, note.blocks[0], "en")
    assert len(spans) == expected
    assert len({(s.start, s.end) for s in spans}) == expected
    assert all(note.blocks[0].text["en"][s.start:s.end] in renderings for s in spans)


@pytest.mark.parametrize("repeat", [3000])
def test_a_term_used_thousands_of_times_stays_linear(repeat):
    note = _note(repeat, ["attention"])
    started = time.perf_counter()
    spans = term_spans(note, note.blocks[0], "en")
    assert len(spans) == repeat
    assert time.perf_counter() - started < 5.0  # was minutes and tens of GB before rendering was searched once
