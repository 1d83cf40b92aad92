"""The translation cache: SQLite (stdlib, no server), one row per translated model input.

The key is the sha256 of everything that decides the output: the exact string the
model was given (after masking, so a glossary edit only invalidates the segments
it changes), the model id and revision, the backend, the compute type and the
decoding options. Values are plain text: nothing is pickled.

A second table keeps finished *blocks* (their aligned sentences, flags and terms),
keyed by the block text, the note, the models, backend, decoding options, glossary
hash and notelingo version: a rerun of the same input is served from it without
loading spaCy, the glossary matcher or any model.

WAL mode and a busy timeout let two runs share the file; every ``put_many`` is
its own transaction, so work finished before Ctrl-C or a kill stays cached.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

from .._version import __version__
from ..errors import OutputError
from ..schema import Note
from .signature import ModelSignature

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    model TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS blocks (
    key TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    created REAL NOT NULL
)
"""
BUSY_TIMEOUT_MS = 30_000
_CHUNK = 500  # SQLite limits the number of bound parameters per statement


def cache_key(text: str, signature: ModelSignature) -> str:
    """The translation cache's key of ``text`` under ``signature``: :meth:`ModelSignature.cache_key`."""
    return signature.cache_key(text)


#: Bump when what a block record holds, or how protect/segment build it, changes.
#: 2: number agreement, sentence case, Latin keep-terms; 3: verb forms; 4: keyed by the note prefix;
#: 5: Russian term forms governed by the sentence, self-check flags (the plan's decoding fields key the
#: batching: bucket-top chunks since issue 25's second design); 6: English→Russian terms translated in
#: context and kept or re-inflected from the alignment (protect.incontext).
BLOCK_RECORD_VERSION = 6


def block_key(note: Note, index: int, src: str, tgt: str, plan: dict) -> str:
    """sha256 of everything that decides a block's translation: its text and the note's
    blocks before it (a gloss term is glossed on its first use in the note), models, options
    (``plan``: :meth:`.signature.ChainSignature.plan_fields` and the glossary's settings)."""
    texts = [block.original(note.lang) for block in note.blocks[:index + 1]]
    blob = json.dumps([BLOCK_RECORD_VERSION, __version__, note.id, texts, src, tgt, plan],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()

class TranslationCache:
    """A key -> translation store in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(
                f"{self.path}: the translation cache cannot be opened ({exc}); set NOTELINGO_CACHE_DIR to a writable "
                "folder or turn the cache off with {option}", path=self.path, option="cache"
            ) from None

    def get_many(self, keys: list[str]) -> dict[str, str]:
        return self._select("SELECT key, target FROM translations WHERE key IN ({marks})", keys)

    def get_blocks(self, keys: list[str]) -> dict[str, str]:
        """Finished block records (JSON text) by key; see :mod:`notelingo.mt.engine`."""
        return self._select("SELECT key, record FROM blocks WHERE key IN ({marks})", keys)

    def put_blocks(self, rows: list[tuple[str, str]]) -> None:
        """Store (key, JSON record) rows in one transaction."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO blocks (key, record, created) VALUES (?, ?, ?)", [(k, r, now) for k, r in rows]
            )

    def _select(self, query: str, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start:start + _CHUNK]
            rows = self.db.execute(query.format(marks=",".join("?" * len(chunk))), chunk)
            found.update(rows.fetchall())
        return found

    def put_many(self, rows: list[tuple[str, str, str]], model: str) -> None:
        """Store (key, source, target) rows in one transaction."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO translations (key, source, target, model, created) VALUES (?, ?, ?, ?, ?)",
                [(key, source, target, model, now) for key, source, target in rows],
            )

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "TranslationCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
