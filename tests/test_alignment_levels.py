"""Alignment weights are rounded without numpy (issue 26: importing it took a tenth of a second of every
run with protected spans) exactly as numpy's float32 arithmetic rounded them: the cache's bytes are unchanged."""

from __future__ import annotations

import base64
import json
import random

import numpy as np
import pytest

from notelingo.protect.alignment import Alignment


def numpy_of(source, target, weights):
    """Alignment.of and dumps as they were written with numpy."""
    levels = np.rint(np.clip(np.asarray(weights, dtype=np.float32).reshape(len(target), len(source)), 0, 1) * 255)
    rounded = (levels / 255).tolist()
    again = np.rint(np.asarray(rounded, dtype=np.float32).reshape(len(target), len(source)) * 255)
    return rounded, base64.b64encode(again.astype(np.uint8).tobytes()).decode("ascii")


def ties() -> list[float]:
    """float32 weights lying exactly halfway between two levels, and their float32 neighbours."""
    out = []
    for level in range(255):
        half = float(np.float32((level + 0.5) / 255))
        out += [half, float(np.nextafter(np.float32(half), np.float32(0))),
                float(np.nextafter(np.float32(half), np.float32(1)))]
    return out


@pytest.mark.parametrize("values", [
    [random.Random(seed).random() for _ in range(600)] for seed in range(3)
] + [
    [random.Random(7).uniform(-0.5, 1.5) for _ in range(600)],  # outside [0, 1]: clipped
    ties()[:600],
    [0.0, 1.0, 1e-9, 0.999999, 0.5, 0.25] * 100,
])
def test_levels_are_numpys_float32_rounding(values):
    rows, columns = 600 // 20, 20
    weights = [values[r * columns:(r + 1) * columns] for r in range(rows)]
    source, target = [(i, i + 1) for i in range(columns)], [(i, i + 1) for i in range(rows)]
    alignment = Alignment.of(source, target, weights)
    expected_weights, expected_bytes = numpy_of(source, target, weights)
    assert alignment.weights == expected_weights
    assert json.loads(alignment.dumps())["weights"] == expected_bytes
    assert Alignment.loads(alignment.dumps()).dumps() == alignment.dumps()


@pytest.mark.parametrize("source, target", [([], [(0, 1)]), ([(0, 1)], []), ([], [])])
def test_empty_sides_keep_their_shape(source, target):
    assert Alignment.of(source, target, [[] for _ in target] if not source else []).weights == \
        numpy_of(source, target, np.zeros((len(target), len(source))).tolist())[0]
