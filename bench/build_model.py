"""Build an architecture-exact opus-mt model (random weights) for benchmarking.

Real opus-mt weights cannot be downloaded here, so the benchmark runs on a model
with exactly opus-mt-ru-en's shapes: vocabulary 62,518, d_model 512, 6 + 6
layers, 8 heads, FFN 2048, swish, scaled and tied embeddings, sinusoidal
positions. Speed depends on shapes, not on weight values, so timings transfer.

The tokenizer is real sentencepiece (BPE, sized for opus-mt-like sentence
lengths: see SPM_VOCAB), trained on the sample corpus. A small
corpus cannot yield 62,518 pieces, so ``vocab.json`` holds the trained pieces
followed by filler tokens up to 62,518: the embedding and the 512 x 62,518
output projection keep their real size. Fillers are pieces sentencepiece does
not know; decoding them gives sentencepiece's unknown mark, never an error.

Usage: ``python bench/build_model.py [--direction ru-en|en-ru] [--ct2]``
(prints the model folder). Models are cached under ``bench/.cache/``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"
CORPUS_DIR = REPO_DIR / "tests" / "fixtures" / "corpus"

OPUS_MT_VOCAB = 62518  # Helsinki-NLP/opus-mt-ru-en's vocab_size
# Sentence length in tokens drives speed, so the pieces-per-word ratio should be
# near opus-mt's (its 32k unigram models: about 1.5 for Russian, 1.3 for English
# on this kind of text). A unigram model trained on 23 KB stops at ~1,400 pieces
# and cuts Russian words into 2.5 pieces (sentences ~1.7x too long); BPE of these
# sizes gives 1.48 (ru) and 1.34 (en) on the sample sentences.
SPM_VOCAB = {"ru": 3000, "en": 2000}
BUILD_VERSION = "2"  # bump when the recipe changes, so cached models are rebuilt

# Training text per language: the samples plus the line-aligned HF course chapter.
SPM_TEXTS = {
    "ru": ["text/004_579db69af2cfe4c6.txt", "parallel/hf-course-chapter6-5.ru.mdx"],
    "en": ["text/000_7a8b3d789364741e.txt", "text/001_41bcbe830a1a4b01.txt",
           "parallel/hf-course-chapter6-5.en.mdx"],
}


def train_sentencepiece(lang: str, out_prefix: Path) -> Path:
    """Train a unigram sentencepiece model on the sample text of ``lang``."""
    import sentencepiece as spm

    lines = []
    for name in SPM_TEXTS[lang]:
        text = (CORPUS_DIR / name).read_text(encoding="utf-8")
        lines.extend(line.strip() for line in text.splitlines() if line.strip())
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(out_prefix), vocab_size=SPM_VOCAB[lang],
        hard_vocab_limit=False, model_type="bpe", character_coverage=1.0, minloglevel=2,
        num_threads=1,  # deterministic pieces from run to run
    )
    return out_prefix.with_suffix(".model")


def spm_pieces(model_path: Path) -> list[str]:
    """The ordinary pieces of a sentencepiece model (control and unknown ids left out)."""
    import sentencepiece as spm

    proc = spm.SentencePieceProcessor(model_file=str(model_path))
    return [proc.id_to_piece(i) for i in range(proc.get_piece_size())
            if not (proc.is_control(i) or proc.is_unknown(i))]


def shared_vocab(source_spm: Path, target_spm: Path) -> dict[str, int]:
    """opus-mt's layout: ``</s>`` = 0, ``<unk>`` = 1, pieces, fillers, ``<pad>`` last."""
    tokens = ["</s>", "<unk>"]
    tokens += list(dict.fromkeys(spm_pieces(source_spm) + spm_pieces(target_spm)))
    fillers = OPUS_MT_VOCAB - 1 - len(tokens)
    if fillers < 0:
        raise ValueError(f"sentencepiece gave {len(tokens)} pieces, more than {OPUS_MT_VOCAB}")
    # "▁" prefix: fillers decode like word-initial pieces (as unknown words).
    tokens += [f"▁fill{i}" for i in range(fillers)] + ["<pad>"]
    return {token: index for index, token in enumerate(tokens)}


def opus_mt_config():
    """MarianConfig with Helsinki-NLP/opus-mt-ru-en's exact hyper-parameters."""
    from transformers import MarianConfig

    return MarianConfig(
        vocab_size=OPUS_MT_VOCAB, decoder_vocab_size=OPUS_MT_VOCAB, d_model=512,
        encoder_layers=6, decoder_layers=6, encoder_attention_heads=8, decoder_attention_heads=8,
        encoder_ffn_dim=2048, decoder_ffn_dim=2048, activation_function="swish",
        scale_embedding=True, share_encoder_decoder_embeddings=True, tie_word_embeddings=True,
        max_position_embeddings=512, pad_token_id=OPUS_MT_VOCAB - 1,
        decoder_start_token_id=OPUS_MT_VOCAB - 1, eos_token_id=0, forced_eos_token_id=0,
        dropout=0.1, attention_dropout=0.0, activation_dropout=0.0,
        architectures=["MarianMTModel"],
    )


def write_tokenizer_files(folder: Path, source: str, target: str, tmp: Path) -> None:
    """source.spm, target.spm, vocab.json and tokenizer_config.json, as opus-mt ships them."""
    source_spm = train_sentencepiece(source, tmp / f"spm_{source}")
    target_spm = train_sentencepiece(target, tmp / f"spm_{target}")
    shutil.copy(source_spm, folder / "source.spm")
    shutil.copy(target_spm, folder / "target.spm")
    vocab = shared_vocab(source_spm, target_spm)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    config = {"source_lang": source, "target_lang": target, "model_max_length": 512,
              "separate_vocabs": False, "tokenizer_class": "MarianTokenizer",
              "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
    (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")


def build_model(direction: str = "ru-en", cache_dir: Path = CACHE_DIR) -> Path:
    """Build (once) the random-weight opus-mt model for ``direction``; return its folder."""
    folder = cache_dir / f"opus-mt-{direction}-random-v{BUILD_VERSION}"
    if (folder / "model.safetensors").exists():
        return folder
    import torch
    from transformers import GenerationConfig, MarianMTModel

    source, target = direction.split("-")
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=cache_dir))
    write_tokenizer_files(staging, source, target, staging)
    torch.manual_seed(0)
    model = MarianMTModel(opus_mt_config()).eval()
    # opus-mt's own generation defaults (beam 4, max 512): callers must override them.
    model.generation_config = GenerationConfig(
        num_beams=4, max_length=512, bad_words_ids=[[OPUS_MT_VOCAB - 1]], pad_token_id=OPUS_MT_VOCAB - 1,
        decoder_start_token_id=OPUS_MT_VOCAB - 1, eos_token_id=0, forced_eos_token_id=0)
    model.save_pretrained(staging, safe_serialization=True)
    for leftover in staging.glob("spm_*"):
        leftover.unlink()
    staging.rename(folder)  # atomic: a half-built model is never picked up
    return folder


def convert_ct2(model_dir: Path, quantization: str = "int8") -> Path:
    """Convert the model with CTranslate2 (once); return the converted folder."""
    out = model_dir.parent / f"{model_dir.name}-ct2-{quantization}"
    if (out / "model.bin").exists():
        return out
    import ctranslate2

    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    ctranslate2.converters.TransformersConverter(str(model_dir)).convert(
        str(staging), quantization=quantization, force=True)
    staging.rename(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--direction", default="ru-en", choices=["ru-en", "en-ru"])
    parser.add_argument("--ct2", action="store_true", help="also convert with CTranslate2 (int8)")
    args = parser.parse_args()
    folder = build_model(args.direction)
    print(folder)
    if args.ct2:
        print(convert_ct2(folder))


if __name__ == "__main__":
    main()
