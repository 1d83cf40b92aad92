"""The model's alignment of one translation, as protect repairs lost spans from it.

Backends build it from the cross-attention of the last decoder layer, head 0
(opus-mt's guided-alignment head); the translation cache keeps it beside the
translation (:meth:`Alignment.dumps`), so a rerun repairs exactly as the first run.
"""

from __future__ import annotations

import base64
import json
from array import array
from dataclasses import dataclass
from itertools import repeat
from operator import mul


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
        flat = [w for row in weights for w in row]
        if len(flat) != len(target) * len(source):
            raise ValueError(f"{len(flat)} weights for {len(target)} x {len(source)} tokens")
        levels = _levels(flat, clip=True)
        values = [_STEPS[level] for level in levels]
        columns = len(source)
        made = cls([tuple(r) for r in source], [tuple(r) for r in target],
                   [values[i * columns:(i + 1) * columns] for i in range(len(target))])
        object.__setattr__(made, "_bytes", bytes(levels))  # what dumps() would work out again
        return made

    def dumps(self) -> str:
        """JSON text: the token ranges and the weights as base64 bytes (one per weight)."""
        levels = self.__dict__.get("_bytes") or bytes(_levels([w for row in self.weights for w in row]))
        if len(levels) != len(self.target) * len(self.source):
            raise ValueError(f"{len(levels)} weights for {len(self.target)} x {len(self.source)} tokens")
        return json.dumps({"source": self.source, "target": self.target,
                           "weights": base64.b64encode(levels).decode("ascii")})

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


#: float32(level / 255) for each level, as a Python float: an alignment's weights (float32 arithmetic,
#: the way numpy rounded them before; a double rounded once more to float32 is the float32 result).
_STEPS = array("f", [level / 255 for level in range(256)]).tolist()


def _levels(weights: list, clip: bool = False) -> list[int]:
    """round(float32(float32(w) x 255)) per weight, ties to even (numpy's ``rint`` in float32): the
    product of a float32 and 255 is exact in a double, so rounding it to float32 once is float32's product.
    ``clip``: the weights clipped to [0, 1] first."""
    single = array("f", weights)
    if clip and single and (min(single) < 0 or max(single) > 1):
        single = array("f", [0.0 if w < 0 else 1.0 if w > 1 else w for w in single])
    return list(map(round, array("f", map(mul, single, repeat(255.0)))))


#: Attention sums are compared in steps of 1/PLACEMENT_LEVELS, a tie going to the first token: last-bit
#: noise (float16, int8, thread counts) moves a span only where it crosses a step. The backends also
#: give a segment's attention the same shapes in every run (CTranslate2: chunks padded to their length
#: bucket's top, beam search aligned by a forced greedy pass; transformers: decoded alone).
PLACEMENT_LEVELS = 64


def strongest(values) -> int:
    """The first index of the largest value, values quantized (see :data:`PLACEMENT_LEVELS`)."""
    levels = [round(value * PLACEMENT_LEVELS) for value in values]
    return max(range(len(levels)), key=levels.__getitem__)
