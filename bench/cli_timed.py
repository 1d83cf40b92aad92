"""Run the ``notelingo`` CLI while timing the model: ``python bench/cli_timed.py TIME_FILE ARGS...``.

Every translator ``notelingo.translate.load_translator`` hands out gets its
``translate_batch`` and ``translate_aligned`` wrapped by a timer; the seconds spent inside the model are
written to TIME_FILE when the command ends. The benchmark subtracts them from
the end-to-end wall time to get ``overhead_fraction``.
"""

from __future__ import annotations

import sys
import time


def _timed(translator, total: list[float]) -> None:
    """Time the translator's model calls: ``translate_batch`` and ``translate_aligned``
    (the same decoding, also returning the attention protect repairs spans from)."""
    depth = [0]  # one may call the other: count the outer call only

    def timer(inner):
        def timed(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    total[0] += time.perf_counter() - start
        return timed

    for name in ("translate_batch", "translate_aligned"):
        if hasattr(translator, name):
            try:
                setattr(translator, name, timer(getattr(translator, name)))
            except AttributeError:  # __slots__ classes: leave untimed
                pass


def main() -> None:
    time_file, args = sys.argv[1], sys.argv[2:]
    import notelingo.translate as translate_pkg

    original = translate_pkg.load_translator
    total = [0.0]

    def load_translator(*a, **kw):
        translator = original(*a, **kw)
        _timed(translator, total)
        return translator

    translate_pkg.load_translator = load_translator
    from notelingo.cli import main as cli_main

    sys.argv = ["notelingo", *args]
    try:
        cli_main()
    finally:
        with open(time_file, "w", encoding="utf-8") as out:
            out.write(f"{total[0]:.6f}\n")


if __name__ == "__main__":
    main()
