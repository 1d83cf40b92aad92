"""Notes vaults: a Markdown file in a folder of notes is one note, Obsidian syntax is no text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notelingo.api import collect_notes
from notelingo.readers.vault import has_obsidian_syntax, is_vault_note, without_obsidian_markup

FIXTURES = Path(__file__).parent / "fixtures"
EXCALIDRAW = FIXTURES / "vault" / "excalidraw" / "Attention sketch.excalidraw.md"
RLHF = FIXTURES / "unseen" / "obsidian_rlhf.md"

# Notes in the shapes vaults hold: sections under "##" without a top heading, a one-heading note,
# front matter, a daily note, a note opening with a formula.
NOTES = {
    "Attention.md": "## Overview\n\nAttention lets a model weigh the tokens of its input.\n\n"
                    "## Self-attention\n\nEvery token attends to every other token of the sequence.\n\n"
                    "## Multi-head\n\nSeveral heads look at different subspaces.\n",
    "Probability/Bayes' Rule.md": "# Bayes' Rule\n\nThe posterior is the likelihood times the prior, normalised.\n\n"
                                  "## Example\n\nA test with 99% sensitivity on a rare disease.\n",
    "Probability/Chain Rule.md": "---\ntitle: The chain rule of probability\ntags: [probability]\n---\n\n"
                                 "P(a, b) = P(a | b) P(b), and so on for more variables.\n\n"
                                 "## Proof\n\nBy definition.\n",
    "Daily/2025-11-25.md": "- tried temperature 4 for distillation\n- loss curve smoother\n",
    "RL/RLHF.md": "$$\n\\nabla_\\theta J(\\theta)\n$$\n\nThe policy gradient used by PPO in RLHF.\n",
}


def make_vault(root: Path, notes: dict[str, str], settings: bool = False) -> Path:
    for name, text in notes.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if settings:
        (root / ".obsidian").mkdir()
        (root / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    return root


def by_file(notes) -> dict[str, list]:
    found: dict[str, list] = {}
    for note in notes:
        found.setdefault(Path(note.source.path).name, []).append(note)
    return found


@pytest.mark.parametrize("settings", [False, True])
def test_a_vault_folder_gives_one_note_per_file_titled_by_front_matter_heading_or_file_name(tmp_path, settings):
    notes, report = collect_notes([str(make_vault(tmp_path / "vault", NOTES, settings))])
    found = by_file(notes)
    assert report.failures == [] and all(len(group) == 1 for group in found.values())
    titles = {name: group[0].title for name, group in found.items()}
    assert titles == {
        "Attention.md": "Attention",  # "## Overview" beside other "##" names a section, not the note
        "Bayes' Rule.md": "Bayes' Rule",
        "Chain Rule.md": "The chain rule of probability",
        # a daily note: its name is its date, and a date is never a title: its first line names it
        "2025-11-25.md": "tried temperature 4 for distillation",
        "RLHF.md": "RLHF",
    }
    assert found["2025-11-25.md"][0].date == "2025-11-25"


def test_a_folder_of_documents_of_all_kinds_is_no_vault(tmp_path):
    """Markdown beside pages and text dumps (a folder of inputs, not of notes): sections still cut papers."""
    folder = make_vault(tmp_path / "docs", {"papers.md": (FIXTURES.parent / "layouts" / "paper-headings" /
                                                          "h3_papers.md").read_text(encoding="utf-8")})
    (folder / "dump.txt").write_text("some text dump\n", encoding="utf-8")
    notes, _ = collect_notes([str(folder / "papers.md")])
    assert len(notes) > 1


def test_a_dated_dump_in_a_vault_is_still_cut_at_its_dates(tmp_path):
    dump = "# Channel log\n\n2024-03-01\n\nFirst post about LoRA.\n\n2024-03-05\n\nSecond post about DPO.\n"
    notes, _ = collect_notes([str(make_vault(tmp_path / "v", {"log.md": dump, "other.md": "# Other\n\nText.\n"}))])
    dated = [(n.date, n.blocks[0].original()) for n in notes if n.source.path.endswith("log.md")]
    assert dated == [("2024-03-01", "First post about LoRA."), ("2024-03-05", "Second post about DPO.")]


def test_obsidian_comments_and_block_ids_go_and_code_stays():
    lines = ["Text with a block id ^ef7d57", "%% a private comment %% kept words", "%%", "hidden", "%%",
             "```", "x = 1 ^notanid", "%% in code %%", "```", "Cost: $5 ^ 2"]
    assert without_obsidian_markup(lines) == [
        "Text with a block id", " kept words", "```", "x = 1 ^notanid", "%% in code %%", "```", "Cost: $5 ^ 2"]


@pytest.mark.parametrize("text, marked", [
    ("See [[PPO]] and ![[plot.png]].", True),
    ("Text ^ab12cd", True),
    ("%% todo %%", True),
    ("---\nexcalidraw-plugin: parsed\n---\n", True),
    ("# Byte-Pair Encoding tokenization[[byte-pair-encoding-tokenization]]\n\nBPE.", False),  # HF doc anchors
    ("Matrix [[1, 2], [3, 4]] and `[[anchor]]` in code", False),
    ("```\n[[x]]\n```", False),
])
def test_obsidian_syntax_is_recognised(text, marked):
    assert has_obsidian_syntax(text) is marked


def test_excalidraw_keeps_its_text_elements_only(tmp_path):
    notes, _ = collect_notes([str(EXCALIDRAW)])
    (note,) = notes
    texts = [b.original() for b in note.blocks]
    assert texts == ["Query, key and value are projections of the same token embeddings",
                     "Scaled dot-product attention divides the scores by the square root of the key size",
                     "Multi-head attention runs several heads in parallel"]
    assert note.title == "Attention sketch"


def test_a_single_obsidian_note_with_sections_is_one_note(tmp_path):
    copy = tmp_path / "notes" / RLHF.name
    copy.parent.mkdir()
    shutil.copy(RLHF, copy)
    (note,), _ = collect_notes([str(copy)])
    assert (note.title, note.date) == ("RLHF reading notes", "2024-03-02")
    assert is_vault_note(copy.read_text(encoding="utf-8"), str(copy))


def test_a_drawing_without_its_front_matter_is_still_no_text(tmp_path):
    """A drawing copied without front matter: its data section still never becomes text."""
    text = EXCALIDRAW.read_text(encoding="utf-8")
    body = text[text.index("==⚠"):]
    path = tmp_path / "sketch.md"
    path.write_text(body, encoding="utf-8")
    (note,), _ = collect_notes([str(path)])
    texts = [b.original() for b in note.blocks]
    assert texts[0].startswith("Query, key and value") and len(texts) == 3


# Jekyll names posts "YYYY-MM-DD-slug.md" and reads their date (and, with no front matter title, their
# title) from the name: a _posts folder's files are dated notes even when their front matter is silent.
@pytest.mark.parametrize("name, text, title, day", [
    ("2021-02-18-Linux-Commands.md", "---\ntitle: Linux useful commands\nlayout: post\n---\n\nls, grep and ps.\n",
     "Linux useful commands", "2021-02-18"),
    ("2018-11-23-Todo-List.md", "Things to do this week.\n\nMore things.\n", "Todo List", "2018-11-23"),
    ("2020-01-02-notes.md", "---\ntitle: Notes\ndate: 2020-01-05 10:00:00 +0800\n---\n\nText.\n",
     "Notes", "2020-01-05"),
])
def test_a_post_named_by_its_date_is_dated_and_titled_by_its_name(tmp_path, name, text, title, day):
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / name).write_text(text, encoding="utf-8")
    notes, _ = collect_notes([str(tmp_path / "_posts")])
    assert [(n.title, (n.date or "")[:10]) for n in notes] == [(title, day)]
