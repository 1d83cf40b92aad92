"""Run the ``notelingo`` CLI while timing the model: ``python bench/cli_timed.py TIME_FILE ARGS...``.

Every translator ``notelingo.mt.load_translator`` hands out gets its model calls
wrapped by a timer: ``translate_batch`` and ``translate_aligned`` from call to return, and
``submit`` and ``submit_again`` (work queued on the backend's workers while the engine goes on) from the call to
the moment its result is collected. The model counts as busy while any of these is open
(the union of the intervals): time the engine spends while the model works is not overhead.
The seconds are written to TIME_FILE when the command ends; the benchmark subtracts them from
the end-to-end wall time to get ``overhead_fraction``.

That busy time also counts waiting for the model's background load and batches queued
behind others as model time, so it is a lower bound on the overhead. The strict measure:
every CTranslate2 call the run made is recorded (bench/engines.py ``CountingCT2``) and,
once the command has ended, replayed straight on the loaded model; TIME_FILE's second line
holds that replay's seconds (the model's own compute for exactly this run's work) and its
third the decoded positions, its fourth the epoch time the command's work ended.
"""

from __future__ import annotations

import sys
import time


class BusyClock:
    """The union of the intervals during which at least one model call is open."""

    def __init__(self) -> None:
        self.open = 0
        self.since = 0.0
        self.total = 0.0

    def start(self) -> None:
        if self.open == 0:
            self.since = time.perf_counter()
        self.open += 1

    def stop(self) -> None:
        self.open -= 1
        if self.open == 0:
            self.total += time.perf_counter() - self.since

    def close(self) -> float:
        """The total, counting a call still open (a queued batch never collected: the run failed)."""
        return self.total + (time.perf_counter() - self.since if self.open > 0 else 0.0)


def _timed(translator, clock: BusyClock) -> None:
    """Time the translator's model calls (see the module's docstring)."""

    def timer(inner):
        def timed(*args, **kwargs):
            clock.start()
            try:
                return inner(*args, **kwargs)
            finally:
                clock.stop()
        return timed

    def queued(inner):
        def submit(*args, **kwargs):
            clock.start()
            try:
                collect = inner(*args, **kwargs)
            except BaseException:
                clock.stop()
                raise

            def collected():
                try:
                    return collect()
                finally:
                    clock.stop()
            return collected
        return submit

    for name, wrap in (("translate_batch", timer), ("translate_aligned", timer), ("submit", queued),
                       ("submit_again", queued)):
        if hasattr(translator, name):
            try:
                setattr(translator, name, wrap(getattr(translator, name)))
            except AttributeError:  # __slots__ classes: leave untimed
                pass


def main() -> None:
    time_file, args = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
    import engines

    import notelingo.mt as translate_pkg
    import notelingo.mt.backends as backends

    original = backends.load_translator
    clock = BusyClock()

    def load_translator(*a, **kw):
        translator = original(*a, **kw)
        _timed(translator, clock)
        return translator

    # before the engine imports it (``from .backends import load_translator``)
    translate_pkg.load_translator = backends.load_translator = load_translator
    from notelingo.cli import main as cli_main

    engines.count_ct2_calls()
    sys.argv = ["notelingo", *args]
    try:
        cli_main()
    finally:
        done = time.time()  # the command's work ends here; the replay below is not part of it
        busy = clock.close()
        calls = [call for counted in engines.COUNTED for call in counted.calls]
        decoded = sum(counted.decoded for counted in engines.COUNTED)
        replay = engines.replay_seconds(calls, repeats=1)
        with open(time_file, "w", encoding="utf-8") as out:
            out.write(f"{busy:.6f}\n{replay or 0:.6f}\n{decoded}\n{done:.6f}\n")


if __name__ == "__main__":
    main()
