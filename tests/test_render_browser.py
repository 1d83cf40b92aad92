"""A mixed ru/en/fa/zh digest laid out by headless Chromium at desktop and phone widths.

The digest (unchanged, CSP included) is shown in an iframe of the tested width; a
script in the outer page (tests/browser_measure.js) measures it and writes JSON
into the DOM, which ``chromium --dump-dom`` prints. Checked: no horizontal
overflow, every cell under its own language's column head (origin first), the
right-to-left text right-aligned and the left-to-right text left-aligned.
Screenshots of both widths are written too (kept in NOTELINGO_SCREENSHOTS when
that names a folder, for a person to look at).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_FLAGS
from notelingo.render import build_digest, render_digest
from test_render_helpers import FIXTURES, load_fixture_notes

MIXED = FIXTURES / "mixed_langs.jsonl"
MEASURE_JS = Path(__file__).with_name("browser_measure.js")
#: Each note's columns in the fixture: its origin, then its translations.
EXPECTED_COLUMNS = {
    "g1": ["ru", "en"],
    "g2": ["fa", "en"],
    "g3": ["zh", "en"],
    "g4": ["en", "ru"],
    "g5": ["ru", "en"],
    "g6": [],
}
RTL = {"fa"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def digest_html() -> str:
    return render_digest(build_digest(load_fixture_notes(MIXED)), "html")


def _measure(tmp_path: Path, page: str, width: int) -> dict:
    outer = tmp_path / f"measure{width}.html"
    outer.write_text(
        f"<!DOCTYPE html><html><body style='margin:0'><iframe id='d' style='border:0;width:{width}px;height:3000px'"
        f' srcdoc="{html.escape(page, quote=True)}"></iframe><script>{MEASURE_JS.read_text(encoding="utf-8")}'
        "\ndocument.getElementById('d').addEventListener('load', (e) => measureDigest(e.target));"
        "</script></body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, "--dump-dom", "--window-size=1600,1200", outer.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="measure">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, f"no measurements from Chromium: {done.stderr[-500:]}"
    return json.loads(html.unescape(found.group(1)))


def _screenshot(tmp_path: Path, page: str, width: int) -> bytes:
    source = tmp_path / "digest.html"
    source.write_text(page, encoding="utf-8")
    shot = tmp_path / f"digest-{width}.png"
    subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--screenshot={shot}", f"--window-size={width},2400", source.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    keep = os.environ.get("NOTELINGO_SCREENSHOTS")
    if keep and shot.exists():
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    return shot.read_bytes() if shot.exists() else b""


def _check_alignment(cell: dict) -> None:
    """RTL text hugs the cell's right edge, LTR text its left edge (within the inline-start padding)."""
    text = cell["text"]
    assert text is not None
    if cell["lang"] in RTL:
        assert cell["direction"] == "rtl"
        assert cell["right"] - cell["padStart"] - 2 <= text["right"] <= cell["right"] + 1, cell
    else:
        assert cell["direction"] == "ltr"
        assert cell["left"] - 1 <= text["left"] <= cell["left"] + cell["padStart"] + 2, cell


@pytest.mark.parametrize("width", [1400, 400])
def test_mixed_language_digest_layout(tmp_path, digest_html, width):
    shot = _screenshot(tmp_path, digest_html, width)
    assert shot.startswith(b"\x89PNG") and struct.unpack(">I", shot[16:20])[0] == width
    page = _measure(tmp_path, digest_html, width)
    assert page["clientWidth"] == width
    assert page["scrollWidth"] <= page["clientWidth"], "the page scrolls sideways"
    notes = {note["id"]: note for note in page["notes"]}
    assert set(notes) == set(EXPECTED_COLUMNS)
    for note_id, columns in EXPECTED_COLUMNS.items():
        note = notes[note_id]
        assert [head["lang"] for head in note["heads"]] == columns
        assert all(cell["right"] <= note["article"]["left"] + note["article"]["width"] + 0.5 for cell in note["cells"])
        heads = {head["lang"]: head for head in note["heads"]}
        for cell in note["cells"]:
            _check_alignment(cell)
            if width >= 1000 and columns:  # side by side: each cell exactly under its language's head
                head = heads[cell["lang"]]
                assert abs(cell["left"] - head["left"]) < 1 and abs(cell["right"] - head["right"]) < 1, (note_id, cell)
            elif columns:  # stacked on a phone: heads hidden, every cell full width
                assert all(head["width"] == 0 for head in note["heads"])
                assert abs(cell["left"] - note["cells"][0]["left"]) < 1, (note_id, cell)
    if width >= 1000:  # two columns share the note's width: no half of it left empty
        ru_note = notes["g1"]
        used = sum(head["width"] for head in ru_note["heads"])
        assert used > 0.9 * ru_note["article"]["width"]
    # short right-to-left lines really are pushed to the right
    fa_cells = [cell for cell in notes["g2"]["cells"] if cell["lang"] == "fa"]
    assert any(cell["text"]["left"] - cell["left"] > 40 for cell in fa_cells)


FLAGGED_JS = """
function measureFlagged(frame) {
  const doc = frame.contentDocument;
  const out = {cells: [], items: []};
  for (const cell of doc.querySelectorAll('.cell.flagged')) {
    const style = frame.contentWindow.getComputedStyle(cell);
    out.cells.push({lang: cell.getAttribute('lang'), border: style.borderInlineStartWidth,
                    borderColor: style.borderInlineStartColor});
  }
  for (const item of doc.querySelectorAll('ul.check li')) {
    const box = item.getBoundingClientRect();
    const style = frame.contentWindow.getComputedStyle(item.parentElement);
    out.items.push({text: item.textContent, check: item.dataset.check, width: box.width, height: box.height,
                    background: style.backgroundColor, display: style.display, visibility: style.visibility});
  }
  const pre = document.createElement('pre'); pre.id = 'measure'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}
"""


def test_flagged_sentences_are_marked_visibly(tmp_path):
    """Issue 25: a sentence the self-checks flagged is shown under its cell, with its reason, on a
    tinted background, and the cell gets a coloured edge; an unflagged note shows nothing of it."""
    from conftest import make_note
    from notelingo.schema import SentenceCheck

    note = make_note("loop", "ru", [("heading", "Заметка"), ("paragraph", "Модель учится. Это работает.")])
    note.blocks[0].text["en"] = "A note"
    block = note.blocks[1]
    block.text["en"] = "The model learns. willwillwillwillwill"
    block.sentences = [{"ru": "Модель учится.", "en": "The model learns."},
                       {"ru": "Это работает.", "en": "willwillwillwillwill"}]
    block.flags.append("check:loop")
    block.checks = [SentenceCheck(sentence=1, lang="en", flags=["check:loop"])]
    clean = make_note("clean", "ru", [("heading", "Другая"), ("paragraph", "Всё хорошо.")])
    clean.blocks[0].text["en"], clean.blocks[1].text["en"] = "Another", "All is well."
    page = render_digest(build_digest([note, clean]), "html")
    outer = tmp_path / "flagged.html"
    outer.write_text(
        "<!DOCTYPE html><html><body style='margin:0'><iframe id='d' style='border:0;width:1200px;height:2000px'"
        f' srcdoc="{html.escape(page, quote=True)}"></iframe><script>{FLAGGED_JS}'
        "\ndocument.getElementById('d').addEventListener('load', (e) => measureFlagged(e.target));"
        "</script></body></html>", encoding="utf-8")
    done = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, "--dump-dom", "--window-size=1400,1200", outer.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="measure">(.*?)</pre>', done.stdout, re.DOTALL)
    assert found, f"no measurements from Chromium: {done.stderr[-500:]}"
    measured = json.loads(html.unescape(found.group(1)))
    assert [cell["lang"] for cell in measured["cells"]] == ["en"]
    assert measured["cells"][0]["border"] == "3px" and measured["cells"][0]["borderColor"] != "rgba(0, 0, 0, 0)"
    (item,) = measured["items"]
    assert item["text"] == "review: loops willwillwillwillwill" and item["check"] == "check:loop"
    assert item["width"] > 0 and item["height"] > 0 and item["visibility"] == "visible"
    assert item["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
