"""The physical limit: work per decoded token for the opus-mt architecture, and the machine's GEMM peak.

``python bench/peak.py`` prints both. FLOPs count 2 per multiply-add; only matrix products
are counted (layer norms, softmax and activations are a few per cent).

* encoder, per source token: 6 layers x (4 d^2 attention projections + 2 d ffn), plus the
  cross-attention keys and values every decoder layer computes once per source token (2 d^2 each);
* decoder, per decoded position and beam: 6 layers x (4 d^2 self-attention + 2 d^2 cross-attention
  query and output + 2 d ffn) + the output projection d x V (V = the vocabulary, or the pieces a
  vocabulary map leaves), plus attention over the positions so far and over the source (2 d each).

The machine's peak is measured, not looked up: the best of a few square GEMMs with torch on
the cores this process may use, in fp32, bf16 (AMX or AVX-512 BF16 where the CPU has them, through
oneDNN) and int8 (``torch._int_mm`` where this torch build has a CPU kernel). CTranslate2 runs int8
through its own kernels (oneDNN or MKL); which instructions they use is not visible from here.
"""

from __future__ import annotations

import json
import os
import time

ARCH = {"layers": 6, "d_model": 512, "ffn": 2048, "vocab": 62518}


def encoder_flops(arch: dict = ARCH) -> int:
    d, f, n = arch["d_model"], arch["ffn"], arch["layers"]
    return 2 * n * (4 * d * d + 2 * d * f + 2 * d * d)


def decoder_flops(arch: dict = ARCH, vocab: int | None = None, positions: int = 25, source: int = 25) -> int:
    d, f, n = arch["d_model"], arch["ffn"], arch["layers"]
    per_layer = 4 * d * d + 2 * d * d + 2 * d * f + 2 * d * (positions + source)
    return 2 * (n * per_layer + d * (vocab or arch["vocab"]))


def gemm_peak(size: int = 1024, repeats: int = 8) -> dict:
    """Best GFLOP/s (GOP/s for int8) of ``size``-cubed matrix products, per type."""
    import torch

    threads = len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    flops = 2 * size ** 3
    out = {"threads": threads, "size": size}
    kinds = {
        "fp32": lambda: (torch.randn(size, size), torch.randn(size, size), torch.mm),
        "bf16": lambda: (torch.randn(size, size).bfloat16(), torch.randn(size, size).bfloat16(), torch.mm),
        "int8": lambda: (torch.randint(-127, 127, (size, size), dtype=torch.int8),
                         torch.randint(-127, 127, (size, size), dtype=torch.int8), torch._int_mm),
    }
    for name, make in kinds.items():
        try:
            a, b, product = make()
            product(a, b)
            best = min(_timed(product, a, b) for _ in range(repeats))
            out[name] = flops / best / 1e9
        except (RuntimeError, AttributeError, NotImplementedError) as exc:
            out[name] = None
            out[f"{name}_error"] = str(exc).splitlines()[0][:120]
    return out


def _timed(product, a, b) -> float:
    started = time.perf_counter()
    product(a, b)
    return time.perf_counter() - started


def limits(vmap_pieces: int | None = None) -> dict:
    """The architecture's work per token and the machine's measured peak, as the benchmark records them."""
    return {"arch": ARCH, "encoder_flops_per_source_token": encoder_flops(),
            "decoder_flops_per_position": decoder_flops(),
            "decoder_flops_per_position_vmap": decoder_flops(vocab=vmap_pieces) if vmap_pieces else None,
            "vmap_pieces": vmap_pieces, "gemm_peak_gflops": gemm_peak(),
            "load_avg": os.getloadavg()}


if __name__ == "__main__":
    print(json.dumps(limits(), indent=2))
