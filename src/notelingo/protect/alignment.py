"""The model's alignment of one translation, as protect repairs lost spans from it.

Backends build it from the cross-attention of the last decoder layer, head 0
(opus-mt's guided-alignment head); the translation cache keeps it beside the
translation (:meth:`Alignment.dumps`), so a rerun repairs exactly as the first run.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Alignment:
    """What the model attended to while writing one translation.

    ``source[s]`` is the character range of source token ``s`` in the model input
    (``</s>`` gets an empty range at the end), ``target[t]`` that of target token
    ``t`` in the output text, and ``weights[t][s]`` the attention of target token
    ``t`` on source token ``s``.
    """

    source: list[tuple[int, int]]
    target: list[tuple[int, int]]
    weights: list[list[float]]

    @classmethod
    def of(cls, source: list, target: list, weights) -> Alignment:
        """An alignment with the weights rounded to steps of 1/255: what the translation cache
        keeps (:meth:`dumps`), so a rerun served from it repairs exactly as the first run did."""
        import numpy as np

        levels = np.rint(np.clip(np.asarray(weights, dtype=np.float32).reshape(len(target), len(source)), 0, 1) * 255)
        return cls([tuple(r) for r in source], [tuple(r) for r in target], (levels / 255).tolist())

    def dumps(self) -> str:
        """JSON text: the token ranges and the weights as base64 bytes (one per weight)."""
        import numpy as np

        levels = np.rint(np.asarray(self.weights, dtype=np.float32).reshape(len(self.target), len(self.source)) * 255)
        return json.dumps({"source": self.source, "target": self.target,
                           "weights": base64.b64encode(levels.astype(np.uint8).tobytes()).decode("ascii")})

    @classmethod
    def loads(cls, text: str) -> Alignment | None:
        """The alignment :meth:`dumps` wrote; None for anything else."""
        try:
            data = json.loads(text)
            source, target = data["source"], data["target"]
            levels = base64.b64decode(data["weights"])
        except (ValueError, KeyError, TypeError):
            return None
        if len(levels) != len(source) * len(target):
            return None
        columns = max(1, len(source))
        return cls([tuple(r) for r in source], [tuple(r) for r in target],
                   [[v / 255 for v in levels[i:i + columns]] for i in range(0, len(levels), columns)])


#: Attention sums are compared in steps of 1/PLACEMENT_LEVELS, a tie going to the first token: last-bit
#: noise (float16, int8, thread counts) moves a span only where it crosses a step. The backends also
#: give a segment's attention the same shapes in every run (CTranslate2: chunks padded to their length
#: bucket's top, beam search aligned by a forced greedy pass; transformers: decoded alone).
PLACEMENT_LEVELS = 64


def strongest(values) -> int:
    """The first index of the largest value, values quantized (see :data:`PLACEMENT_LEVELS`)."""
    levels = [round(value * PLACEMENT_LEVELS) for value in values]
    return max(range(len(levels)), key=levels.__getitem__)
