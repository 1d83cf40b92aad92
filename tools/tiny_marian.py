"""Build a small Marian translation model with random weights, for tests and benchmarks.

Real opus-mt weights cannot be downloaded here, so tests load a model built the
same way a real one is laid out: ``source.spm`` / ``target.spm`` trained with
sentencepiece on the fixture text, ``vocab.json`` (the joint vocabulary Marian's
tokenizer expects: ``</s>`` = 0, ``<unk>`` = 1, ``<pad>`` = last), a
``MarianConfig``, random weights saved as safetensors, the tokenizer files and a
generation config shaped like opus-mt's (beams 4, max_length 512).

``--arch tiny`` (2 layers, d_model 32) is for tests; ``--arch opus-mt`` has
opus-mt's shapes (6+6 layers, d_model 512) but a vocabulary only as large as
sentencepiece can learn from the fixture text (opus-mt's 62518 is impossible on
a corpus this small); the size is printed and returned.

    python tools/tiny_marian.py OUT_DIR --src ru --tgt en [--arch tiny|opus-mt]
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "fixtures" / "corpus"
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")

ARCHS = {
    "tiny": dict(d_model=32, layers=2, heads=2, ffn=64, vocab=1200),
    "opus-mt": dict(d_model=512, layers=6, heads=8, ffn=2048, vocab=62518),
}


def corpus_lines(lang: str, corpus: Path = CORPUS) -> list[str]:
    """Lines of the fixture text (parallel chapters and text dumps) written mostly in ``lang``."""
    files = sorted(corpus.glob("parallel/*.mdx")) + sorted(corpus.glob("text/*.txt"))
    lines = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) < 3:
                continue
            cyr, lat = len(_CYRILLIC.findall(line)), len(_LATIN.findall(line))
            if (lang == "ru" and cyr > lat) or (lang != "ru" and lat >= cyr and lat > 0):
                lines.append(line)
    return lines


def train_spm(lines: list[str], prefix: Path, vocab_size: int) -> Path:
    """Train a unigram sentencepiece model; the vocab size is a soft limit for small corpora."""
    import sentencepiece as spm

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(lines))
        text_path = fh.name
    spm.SentencePieceTrainer.train(
        input=text_path, model_prefix=str(prefix), vocab_size=vocab_size, hard_vocab_limit=False,
        model_type="unigram", character_coverage=1.0, unk_id=1, eos_id=0, bos_id=-1, pad_id=-1,
        minloglevel=2,
    )
    Path(text_path).unlink()
    return prefix.with_suffix(".model")


def joint_vocab(spm_paths: list[Path]) -> dict[str, int]:
    """Marian's vocab.json: ``</s>`` 0, ``<unk>`` 1, every piece of both models, ``<pad>`` last."""
    import sentencepiece as spm

    vocab = {"</s>": 0, "<unk>": 1}
    for path in spm_paths:
        processor = spm.SentencePieceProcessor(model_file=str(path))
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    return vocab


def marian_config(vocab_size: int, arch: str):
    from transformers import MarianConfig

    shape = ARCHS[arch]
    pad = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size, decoder_vocab_size=vocab_size, d_model=shape["d_model"],
        encoder_layers=shape["layers"], decoder_layers=shape["layers"],
        encoder_attention_heads=shape["heads"], decoder_attention_heads=shape["heads"],
        encoder_ffn_dim=shape["ffn"], decoder_ffn_dim=shape["ffn"], max_position_embeddings=512,
        pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
        scale_embedding=True, share_encoder_decoder_embeddings=True, activation_function="swish",
    )


def build_tiny_marian(out_dir: str | Path, src: str = "ru", tgt: str = "en", arch: str = "tiny", seed: int = 0) -> dict:
    """Write a complete Marian model folder to ``out_dir``; returns a summary (vocab size, parameters)."""
    import torch
    from transformers import GenerationConfig, MarianMTModel, MarianTokenizer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    want = ARCHS[arch]["vocab"]
    with tempfile.TemporaryDirectory() as tmp:
        spms = [
            train_spm(corpus_lines(lang), Path(tmp) / name, want // 2)
            for lang, name in ((src, "source"), (tgt, "target"))
        ]
        for path, name in zip(spms, ("source.spm", "target.spm")):
            (out / name).write_bytes(path.read_bytes())
    vocab = joint_vocab([out / "source.spm", out / "target.spm"])
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(out / "source.spm"), target_spm=str(out / "target.spm"),
                                vocab=str(out / "vocab.json"), source_lang=src, target_lang=tgt)
    tokenizer.save_pretrained(out)
    torch.manual_seed(seed)
    config = marian_config(len(vocab), arch)
    model = MarianMTModel(config)
    model.save_pretrained(out, safe_serialization=True)
    generation = GenerationConfig(num_beams=4, max_length=512, pad_token_id=config.pad_token_id,
                                  eos_token_id=0, decoder_start_token_id=config.pad_token_id,
                                  bad_words_ids=[[config.pad_token_id]])
    generation.save_pretrained(out)
    params = sum(p.numel() for p in model.parameters())
    return {"path": str(out), "src": src, "tgt": tgt, "arch": arch, "vocab_size": len(vocab), "parameters": params}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--src", default="ru")
    parser.add_argument("--tgt", default="en")
    parser.add_argument("--arch", choices=sorted(ARCHS), default="tiny")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    summary = build_tiny_marian(args.out_dir, args.src, args.tgt, args.arch, args.seed)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
