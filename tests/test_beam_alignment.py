"""Beam outputs are aligned once the runner has chosen between an output and its retry (issue 26):
the same alignments as aligning at once, and no forced pass for an output that is dropped."""

from __future__ import annotations

import pytest


class RetryingFake:
    """A model whose outputs are given per text; ``translate_again`` gives the retry's; alignments wait."""

    def __init__(self, first: dict, again: dict) -> None:
        self.first, self.again, self.finished = first, again, []

    def translate_again(self, texts, want=None):
        return [(self.again[text], ("later", self.again[text])) for text in texts]

    def finish_alignments(self, texts, result):
        self.finished.append([out for out, _ in result])
        return [(out, ("aligned", out)) for out, _ in result]


LOOP = "the the the the the the"


@pytest.mark.parametrize("first, again, kept", [
    ({"a": "fine"}, {}, ["fine"]),  # nothing loops: no retry, aligned as it is
    ({"a": LOOP}, {"a": "no loop"}, ["no loop"]),  # the retry loops less: it is kept and aligned
    ({"a": LOOP}, {"a": LOOP + " the the"}, [LOOP]),  # the retry loops more: the first output is kept
    ({"a": LOOP, "b": "fine"}, {"a": "better"}, ["better", "fine"]),
])
def test_only_the_outputs_kept_are_aligned(first, again, kept):
    from notelingo.mt.options import TranslateOptions
    from notelingo.mt.runner import BatchRunner, TranslateReport

    runner = BatchRunner(TranslateOptions(to=("en",), use_cache=False), TranslateReport())
    fake = RetryingFake(first, again)
    batch = list(first)
    result = runner.without_loops(batch, [True] * len(batch), [(first[t], ("later", first[t])) for t in batch], fake)
    assert fake.finished == [kept]
    assert result == [(out, ("aligned", out)) for out in kept]
    runner.close()


def test_deferred_beam_alignments_are_those_made_at_once_and_batch_invariant(tiny_models, tmp_path):
    from notelingo.mt import DecodingOptions, load_translator
    from notelingo.mt.ct2 import Unaligned
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    translator = load_translator("ctranslate2", model, "cpu", DecodingOptions(beams=4), str(tmp_path))
    texts = [" ".join(["слово"] * n) + " XQ0." for n in (2, 5, 9, 17, 30)]
    want = [True, False, True, True, True]
    queued = translator.submit(texts, want)()
    assert [isinstance(found, Unaligned) for _, found in queued] == want
    at_once = translator.translate_aligned(texts, want)
    dumps = [None if found is None else found.dumps() for _, found in at_once]
    assert [found is not None for found in dumps] == want
    finished = translator.finish_alignments(texts, queued)
    assert [(out, None if a is None else a.dumps()) for out, a in finished] == list(zip([o for o, _ in at_once], dumps))
    alone = [translator.translate_aligned([text], [True])[0] for text, w in zip(texts, want) if w]
    assert [(out, a.dumps()) for out, a in alone] == [(o, d) for (o, _), d, w in zip(at_once, dumps, want) if w]


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_a_beam_runs_retry_decodes_greedily_and_aligns_at_once(tiny_models, tmp_path, backend):
    """checks.RETRY_BEAMS: a looping output is decoded again greedily whatever the run's beams (the same
    retry as a greedy run's), and a greedy retry's alignment comes with it, with no forced pass."""
    from notelingo.mt import DecodingOptions, load_translator
    from notelingo.mt.ct2 import Unaligned
    from notelingo.mt.models import resolve_pair

    (model,) = resolve_pair("ru", "en", {"ru-en": tiny_models["ru-en"]})
    texts = [" ".join(["слово"] * n) + " XQ0." for n in (2, 9, 30)]
    want = [True, False, True]
    beam = load_translator(backend, model, "cpu", DecodingOptions(beams=4), str(tmp_path / "beam"))
    greedy = load_translator(backend, model, "cpu", DecodingOptions(beams=1), str(tmp_path / "greedy"))
    again = beam.translate_again(texts, want)
    assert not any(isinstance(found, Unaligned) for _, found in again)
    assert [found is not None for _, found in again] == want
    expected = greedy.translate_again(texts, want)
    assert [(out, None if a is None else a.dumps()) for out, a in again] == \
        [(out, None if a is None else a.dumps()) for out, a in expected]
    assert beam.translate_again(texts) == greedy.translate_again(texts)


class QueuingFake(RetryingFake):
    """A backend that queues retries (``submit_again``) and records when each is queued and collected."""

    def __init__(self, first: dict, again: dict) -> None:
        super().__init__(first, again)
        self.events: list[str] = []

    def submit_again(self, texts, want=None):
        self.events.append("queued " + ",".join(texts))

        def collect():
            self.events.append("collected " + ",".join(texts))
            return self.translate_again(texts, want)
        return collect


def test_retries_of_the_next_job_are_queued_before_the_last_jobs_are_collected():
    """with_retries gives what without_loops gives, job by job, in order, but a backend that queues work
    has job k+1's retries queued before job k's are collected (its workers never wait for the driver)."""
    from notelingo.mt.options import TranslateOptions
    from notelingo.mt.runner import BatchRunner, TranslateReport

    first = {"a": LOOP, "b": "fine", "c": LOOP, "d": LOOP}
    again = {"a": "no loop a", "c": LOOP + " the the", "d": "no loop d"}
    jobs = [["a", "b"], ["c"], ["d"]]
    finished = [(batch, [True] * len(batch), [(first[t], ("later", first[t])) for t in batch]) for batch in jobs]
    runner = BatchRunner(TranslateOptions(to=("en",), use_cache=False), TranslateReport())
    expected = [runner.without_loops(batch, wanted, result, RetryingFake(first, again))
                for batch, wanted, result in finished]
    fake = QueuingFake(first, again)
    got = list(runner.with_retries(iter(finished), fake))
    assert [batch for batch, _, _ in got] == jobs and [result for _, _, result in got] == expected
    assert fake.events == ["queued a", "queued c", "collected a", "queued d", "collected c", "collected d"]
    assert runner.report.loop_retries == 2 * 3  # counted once per retried text (both runs above)
    runner.close()
