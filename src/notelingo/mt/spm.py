"""MarianTokenizer's encoding and decoding with sentencepiece and ``vocab.json`` only.

The CTranslate2 backend needs pieces, not tensors: importing transformers (and
through it torch) only to tokenise costs seconds and hundreds of MiB. This
mirrors ``transformers.MarianTokenizer`` for the calls notelingo makes:

* encode: a leading ``>>xx<<`` language code is kept as one token, the rest is
  cut by ``source.spm``; pieces missing from ``vocab.json`` become ``<unk>``;
  ``</s>`` is appended;
* decode: special tokens (``</s>``, ``<pad>``, ``<unk>``) are dropped, the rest
  is joined by sentencepiece (the source model unless the vocabularies are
  separate, as MarianTokenizer does) and ``▁`` becomes a space.

One difference on purpose: a literal ``</s>`` or ``<unk>`` typed in the text is
cut as text here, where MarianTokenizer would turn it into the special token.
``tests/test_translate_speed.py`` checks both give the same ids and text.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ModelError

SPIECE_UNDERLINE = "▁"


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot be read as JSON ({exc}); the model folder needs vocab.json") from None


class MarianSpm:
    """Source pieces for the model and text from its target pieces."""

    def __init__(self, folder: str) -> None:
        import sentencepiece

        root = Path(folder)
        config_file = root / "tokenizer_config.json"
        config = _read_json(config_file) if config_file.is_file() else {}
        self.unk_token = str(config.get("unk_token") or "<unk>")
        self.eos_token = str(config.get("eos_token") or "</s>")
        self.pad_token = str(config.get("pad_token") or "<pad>")
        self.separate_vocabs = bool(config.get("separate_vocabs", False))
        limit = config.get("model_max_length")
        self.model_max_length = limit if isinstance(limit, int) and limit > 0 else None
        self.vocab = _read_json(root / "vocab.json")
        if self.unk_token not in self.vocab:
            raise ModelError(f"{root / 'vocab.json'}: has no {self.unk_token} token; the folder is not a Marian model")
        try:
            self.source = sentencepiece.SentencePieceProcessor(model_file=str(root / "source.spm"))
            self.target = sentencepiece.SentencePieceProcessor(model_file=str(root / "target.spm"))
        except (OSError, RuntimeError) as exc:
            raise ModelError(
                f"{root}: the sentencepiece models cannot be loaded ({exc}); the folder needs source.spm and target.spm"
            ) from None
        self.special = {self.unk_token, self.eos_token, self.pad_token}

    def encode_pieces(self, texts: list[str]) -> list[list[str]]:
        """Model input pieces of each text, ``</s>`` included."""
        codes, bodies = zip(*(self._split_code(text) for text in texts)) if texts else ((), ())
        out = []
        for code, pieces in zip(codes, self._encode(list(bodies))):
            known = [piece if piece in self.vocab else self.unk_token for piece in pieces]
            out.append(code + known + [self.eos_token])
        return out

    #: Below this many texts, one call per text: sentencepiece encodes a list on a pool of threads
    #: it starts each call (measured: one text 14 us alone, 165 us as a list; 64 texts 0.9 ms
    #: one by one, 0.64 ms as a list). Segmenting counts the tokens of one sentence at a time.
    BATCH_FROM = 16

    def _encode(self, bodies: list[str]) -> list[list[str]]:
        if len(bodies) < self.BATCH_FROM:
            return [self.source.encode(body, out_type=str) for body in bodies]
        return self.source.encode(bodies, out_type=str)

    def _split_code(self, text: str) -> tuple[list[str], str]:
        """A leading ``>>xx<<`` target-language code stays one token (multilingual models)."""
        end = text.find("<<") if text.startswith(">>") else -1
        if end == -1:
            return [], text
        code = text[: end + 2]
        return ([code] if code in self.vocab else [self.unk_token]), text[end + 2:]

    def decode_pieces(self, pieces: list[str]) -> str:
        """Text of the model's output pieces, special tokens left out."""
        model = self.target if self.separate_vocabs else self.source
        kept = [piece for piece in pieces if piece not in self.special]
        return model.decode_pieces(kept).replace(SPIECE_UNDERLINE, " ").strip()
