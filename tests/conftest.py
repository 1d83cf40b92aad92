"""Shared test fixtures: tiny Marian models (built once per session), notes built by hand.

Tests never reach the model hub: HF_HUB_OFFLINE is set here, before anything can
import huggingface_hub (which reads it at import time), and HF_HOME points at an
empty folder so "no local copy" is true on every machine.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from notelingo.schema import Note

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="notelingo-test-hf-"))
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Never read the developer's own user glossary (~/.config/notelingo/glossary.yaml) or caches.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="notelingo-test-config-")
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="notelingo-test-cache-")

# CI runs the property tests on a fixed seed: a red CI run must be reproducible, and a new
# counterexample found locally goes into a regression test (as in test_protect).
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
sys.path.insert(0, str(REPO / "tools"))


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, str]:
    """{"ru-en": folder, "en-ru": folder}: random-weight Marian models with real sentencepiece vocabularies."""
    from tiny_marian import build_tiny_marian

    root = tmp_path_factory.mktemp("tiny-marian")
    return {pair: build_tiny_marian(root / pair, *pair.split("-"), arch="tiny")["path"] for pair in ("ru-en", "en-ru")}


@pytest.fixture(scope="session")
def session_cache_dir(tmp_path_factory) -> str:
    """One notelingo cache for the session, so each tiny model is converted to CTranslate2 once."""
    return str(tmp_path_factory.mktemp("notelingo-cache"))


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch) -> str:
    """A fresh, empty notelingo cache for one test (also used by the CLI through the environment)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("NOTELINGO_CACHE_DIR", str(folder))
    return str(folder)


#: Headless Chromium for the rendering tests (None: those tests are skipped), and the flags both use.
CHROMIUM = next((found for found in map(shutil.which, ("chromium", "chromium-browser")) if found), None)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
]


def write_notes(path: Path, notes) -> Path:
    """``notes`` written to ``path`` as notes.jsonl; returns ``path``."""
    path.write_text("".join(note.to_json() + "\n" for note in notes), encoding="utf-8")
    return path


def make_note(note_id: str, lang: str, blocks: list[tuple[str, str]]) -> "Note":
    """A note with blocks [(kind, text), ...] in ``lang`` (code/formula blocks get lang None)."""
    from notelingo.schema import UNTRANSLATED_KINDS, Block, Note, Signature, Source

    made = [
        Block(id=f"b{i}", kind=kind, lang=None if kind in UNTRANSLATED_KINDS else lang, text={lang: text})
        for i, (kind, text) in enumerate(blocks)
    ]
    return Note(
        id=note_id,
        lang=lang,
        lang_confidence=1.0,
        title=blocks[0][1][:40],
        source=Source(kind="text", path=f"{note_id}.txt"),
        blocks=made,
        signature=Signature(notelingo="test"),
    )
