"""The fast backend: CTranslate2 (extra ``notelingo[fast]``).

The Marian model is converted once (int8 on CPU, float16 on CUDA) into
``<cache>/ct2/<model>-<revision>-<quantization>`` and reused by later runs. The
converter writes ``add_source_eos=false``, so ``</s>`` is appended here: the
Marian tokenizer's ``encode`` already adds it. Tokenising goes through
:class:`.spm.MarianSpm` (sentencepiece + vocab.json), so this path never imports
transformers or torch once the model is converted.

Threads: on this kind of CPU one more intra-op thread gains nothing while a
second worker doubles throughput (measured: inter 2 x intra 1 ≈ 59 sent/s, one
worker with 2 threads ≈ 30), so workers get one thread each up to 4 cores.

A vocabulary map (``vmap.txt`` beside the converted model, built by ``notelingo models
vmap``: :mod:`.vmap`) is used when present, and shows in the compute type (``int8+vmap-<hash>``).
"""

from __future__ import annotations

import atexit
import hashlib
import math
import os
import re
import shutil
import tempfile
import threading
import weakref
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Callable, NamedTuple

from ..errors import ModelError
from .checks import RETRY_BEAMS, RETRY_NO_REPEAT_NGRAM, RETRY_REPETITION_PENALTY, loops_so_far
from .marian import MarianTokens, quiet_transformers, source_ranges
from .options import DecodingOptions, cpu_count, length_bucket
from .spm import MarianSpm

#: The vocabulary map CTranslate2 loads from a model folder (built by :mod:`.vmap`).
VMAP_FILE = "vmap.txt"


def plan_threads(cores: int, device: str) -> tuple[int, int]:
    """(inter_threads, intra_threads) for ``cores`` CPU cores."""
    if device == "cuda":
        return 1, min(4, cores)
    intra = 1 if cores <= 4 else 2
    return max(1, cores // intra), intra


def vmap_enabled() -> bool:
    """False when ``NOTELINGO_VMAP`` is 0, false, no or off."""
    return os.environ.get("NOTELINGO_VMAP", "1").strip().lower() not in ("0", "false", "no", "off")


def vmap_in_use(folder: Path) -> str | None:
    """A short hash of ``folder/vmap.txt`` when the map is there and enabled; None otherwise."""
    path = Path(folder) / VMAP_FILE
    if not vmap_enabled() or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def converted_folder(cache_dir: str, model, quantization: str) -> Path:
    """Where the converted model lives: keyed by model id, revision and quantization."""
    name = re.sub(
        r"[^A-Za-z0-9._-]+", "_", Path(model.model_id).name if os.path.isabs(model.model_id) else model.model_id
    )
    key = hashlib.sha256(f"{model.model_id}\n{model.revision}\n{quantization}".encode()).hexdigest()[:10]
    return Path(cache_dir) / "ct2" / f"{name}-{model.revision[:12]}-{quantization}-{key}"


def convert_once(model, quantization: str, cache_dir: str) -> Path:
    """Convert the Marian folder unless a finished conversion exists; safe when two runs race."""
    target = converted_folder(cache_dir, model, quantization)
    if (target / "model.bin").is_file():
        return target
    from ctranslate2.converters import TransformersConverter

    quiet_transformers()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        TransformersConverter(model.path, trust_remote_code=False).convert(
            str(staging / "model"), quantization=quantization, force=True
        )
        os.replace(staging / "model", target)
    except OSError:
        if not (target / "model.bin").is_file():  # the other run did not win the race: a real failure
            raise
    except (ValueError, RuntimeError, KeyError) as exc:
        raise ModelError(
            f"{model.path}: CTranslate2 could not convert the model ({exc}); use {{option}} transformers",
            path=model.path, option="backend"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


#: The least padded source tokens (members x longest) a chunk is given, whatever the batch.
#: Larger matrices use the cores better; with the next batch queued (see ``submit``) the
#: workers stay fed even when a batch makes only two chunks. Measured on 2 cores, the
#: benchmark's 256 sentences: greedy 68 -> 88 sent/s against no floor, beam 4 21.6 -> 25.2
#: (512: 23.1); the whole CLI run 10.7 -> 8.2 s; 1,280 and 1,536 were slower again (too few
#: chunks to share between the workers).
CHUNK_TOKENS = 1024


def length_chunks(lengths: list[int], workers: int, beams: int) -> list[list[int]]:
    """Indices of ``lengths`` in length-sorted chunks that never cross a length bucket, longest first.

    Batch invariance by construction (issue 25): every chunk is padded to the top of its length
    bucket (:func:`padded_rows` adds a filler row of that length when no member has it), so a
    source's encoder and decoder always see the same padded shape, whoever shares its chunk.
    Measured on the opus-mt-sized model (CTranslate2 int8, 256 sentences, random partitions):
    padded this way, greedy outputs and their attention are bit for bit the same in every
    partition, and beam-4 outputs too; chunks mixing lengths changed 106 of 256 greedy outputs.
    The number of rows does not move greedy decoding at all; it does move the attention beam
    search returns, which is why beam search takes its alignments from a greedy pass forced
    along its output (:meth:`CT2Translator._forced_attention`).

    A chunk's size (members x bucket top) stays within a token budget: half a worker's share
    of the batch, shrunk by sqrt(beams) for beam search (its decoder has ``beams`` rows per
    sentence), but never under :data:`CHUNK_TOKENS`.
    """
    share = math.ceil(sum(lengths) / (2 * max(1, workers)) / math.sqrt(max(1, beams)))
    budget = max(CHUNK_TOKENS, share)
    groups: dict[int, list[int]] = {}
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        groups.setdefault(length_bucket(lengths[index]), []).append(index)
    chunks: list[list[int]] = []
    for top, group in groups.items():
        size = max(1, budget // top)
        chunks.extend(group[start:start + size] for start in range(0, len(group), size))
    return sorted(chunks, key=lambda chunk: lengths[chunk[-1]], reverse=True)


def padded_rows(rows: list[list[str]]) -> list[list[str]]:
    """``rows`` (one length bucket) plus, when none reaches the bucket's top, a filler row that does:
    CTranslate2 pads a batch to its longest row, so every row is padded to the top whatever its
    mates. A filler's tokens do not matter (rows never see each other); its output is dropped."""
    longest = max(rows, key=len)
    top = length_bucket(len(longest))
    if len(longest) == top:
        return rows
    body = longest[:-1] or longest
    return rows + [(body * top)[:top - 1] + longest[-1:]]


class StreamStop:
    """The greedy ``callback`` that stops a row early (CTranslate2 calls it for each token, ``beam_size`` 1):

    - a filler row (:func:`padded_rows`) at its first token;
    - a row at its own cap (:meth:`DecodingOptions.max_new_tokens`), so no row decodes to its
      longest mate's;
    - a row whose output already loops (:func:`.checks.loops`): a degenerate output is cut where
      the loop is certain instead of running to the cap (opus-mt loops: Opus-MT #49, #89, CTranslate2
      #836); it is flagged, and decoded once more against repetition, as a full loop would be.

    Each decision depends on the row's own tokens only, so a row stops at the same token in any batch.
    ``detokenize`` must not hold the translator (pass the tokenizer's method): CTranslate2 lets go of
    the callback on its worker thread, and a model freed there joins its own thread and aborts the process.
    """

    def __init__(self, sources: list[str], caps: list[int], detokenize: Callable[[list[str]], str],
                 prefix: list[int] | None = None) -> None:
        self.sources, self.caps, self.detokenize, self.prefix = sources, caps, detokenize, prefix
        self.tokens: dict[int, list[str]] = {}

    def __call__(self, step) -> bool:
        row = step.batch_id
        if row >= len(self.sources):
            return True
        if self.prefix is not None:  # a forced pass: stop once past the row's prefix
            return step.step + 1 >= self.prefix[row]
        tokens = self.tokens.setdefault(row, [])
        tokens.append(step.token)
        if len(tokens) >= self.caps[row]:
            return True
        if tokens.count(step.token) < 3:  # no unit has come round three times yet
            return False
        return loops_so_far(self.sources[row], self.detokenize(tokens))


def _in_background(load: Callable[[], object]) -> Future:
    """``load()`` on a thread of its own; the future gives its result or raises its error."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(load())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the model
            future.set_exception(exc)

    threading.Thread(target=run, name="notelingo-ct2-load").start()  # not daemon: exit waits for the load
    return future


def _open(folder: Path, device: str, quantization: str, inter_threads: int, intra_threads: int):
    import ctranslate2

    try:
        return ctranslate2.Translator(str(folder), device=device, compute_type=quantization,
                                      inter_threads=inter_threads, intra_threads=intra_threads, max_queued_batches=-1)
    except (RuntimeError, ValueError) as exc:
        raise ModelError(
            f"{folder}: CTranslate2 could not load the converted model ({exc}); delete that folder to convert "
            "the model again, or use {option} transformers", path=str(folder), option="backend"
        ) from None


#: The CTranslate2 models this process opened, freed by :func:`close_all` at exit.
_OPEN: "weakref.WeakSet[CT2Translator]" = weakref.WeakSet()


def close_all() -> None:
    """Free every CTranslate2 model this process opened while Python is still whole (run at exit).

    CTranslate2's workers let go of a job's per-token callback (:class:`StreamStop`) when the job
    ends; one that does so after the interpreter began to shut down takes the GIL too late and the
    process aborts ("terminate called without an active exception": 7 of 20 runs of a short script
    that translated once and exited; 0 of 20 once the model is freed here)."""
    for translator in list(_OPEN):
        translator.close()


class Unaligned(NamedTuple):
    """A beam output whose alignment is still to be made (:meth:`CT2Translator.finish_alignments`)."""

    pieces: list[str]


_DEFERRED = object()  # collect's mark for a beam output to align later


class CT2Translator(MarianTokens):
    """Translate with a CTranslate2 conversion of a Marian model."""

    backend = "ctranslate2"

    def __init__(
        self, model, device: str = "auto", decoding: DecodingOptions | None = None, cache_dir: str | None = None
    ) -> None:
        import ctranslate2

        super().__init__(model, decoding)
        self.device = (
            "cuda" if device == "cuda" or (device == "auto" and ctranslate2.get_cuda_device_count() > 0) else "cpu"
        )
        quantization = "float16" if self.device == "cuda" else "int8"
        folder = convert_once(model, quantization, cache_dir or tempfile.gettempdir())
        self.vmap = vmap_in_use(folder)  # read now: the model loads the map it finds at load time
        self.inter_threads, self.intra_threads = plan_threads(cpu_count(), self.device)
        self._loading = _in_background(lambda: _open(folder, self.device, quantization, self.inter_threads,
                                                     self.intra_threads))
        if not _OPEN:
            atexit.register(close_all)
        _OPEN.add(self)

    def close(self) -> None:
        """Free the model (its worker threads end); a later call raises :class:`ModelError`."""
        loading, self._loading = self._loading, Future()
        self._loading.set_exception(ModelError(f"{self.resolved.path}: the CTranslate2 model was closed"))
        _OPEN.discard(self)
        del loading  # the last reference to the model: it is freed here, on this thread

    @property
    def translator(self):
        """The CTranslate2 model. It loads on a thread of its own (CTranslate2 lets go of the GIL
        meanwhile), so the engine splits sentences and masks spans instead of waiting for it."""
        return self._loading.result()

    @property
    def compute_type(self) -> str:
        """CTranslate2's compute type, ``+vmap-<hash>`` with a vocabulary map (it changes the output)."""
        compute = self.translator.compute_type
        return f"{compute}+vmap-{self.vmap}" if self.vmap else compute

    @property
    def load_failed(self) -> bool:
        """True once the model's load has ended in an error (then it is raised at every use)."""
        return self._loading.done() and self._loading.exception() is not None

    def translate_batch(self, texts: list[str]) -> list[str]:
        return self.submit(texts)()

    def translate_aligned(self, texts: list[str], want: list[bool]) -> list[tuple[str, object]]:
        """(translation, Alignment or None) per text; alignments only for the texts in ``want``.

        A chunk holding a wanted text asks CTranslate2 for its attention
        (``return_attention``: the converter keeps the last layer's head 0, opus-mt's
        alignment head); the other chunks decode as usual.
        """
        return self.finish_alignments(texts, self.submit(texts, want)())

    def translate_again(self, texts: list[str], want: list[bool] | None = None) -> list:
        """What :meth:`submit` gives, decoded against repetition (for outputs that looped: see
        :mod:`.checks`), greedily (:data:`.checks.RETRY_BEAMS`), so with its alignments."""
        return self.submit_again(texts, want)()

    def submit_again(self, texts: list[str], want: list[bool] | None = None) -> Callable[[], list]:
        """:meth:`translate_again` queued on the workers, as :meth:`submit` queues (the runner queues a
        job's retries before it collects the last job's)."""
        decoded = self._submit(texts, want, again=True)
        if want is None:
            return lambda: [self._detokenize(pieces) for pieces, _ in decoded()]
        return lambda: self._aligned(texts, decoded())

    def finish_alignments(self, texts: list[str], result: list[tuple[str, object]]) -> list[tuple[str, object]]:
        """``result`` (from :meth:`submit` or :meth:`translate_again`) with every :class:`Unaligned` beam
        output aligned, all in one forced greedy pass (:meth:`_forced_attention`). The runner calls it
        once it has chosen between an output and its retry against repetition, so only the output kept
        is aligned (each alignment depends on its own source and output only: the same either way)."""
        pending = [i for i, (_, found) in enumerate(result) if isinstance(found, Unaligned)]
        if not pending:
            return result
        pieces = [result[i][1].pieces for i in pending]
        attention = self._forced_attention(self.cached_tokens([texts[i] for i in pending]), pieces)
        out = list(result)
        for i, entry in zip(pending, self._aligned([texts[i] for i in pending], list(zip(pieces, attention)))):
            out[i] = entry
        return out

    def submit(self, texts: list[str], want: list[bool] | None = None) -> Callable[[], list]:
        """Queue ``texts`` on the workers and return at once; calling the result waits for them and
        gives what :meth:`translate_batch` (``want`` None) or :meth:`translate_aligned` gives, except
        that a beam output's alignment is :class:`Unaligned` until :meth:`finish_alignments`.

        The engine queues its next batch before it collects this one, so the workers never
        wait for the driver between batches (measured: 256 sentences in four calls took 1.5 x
        the time of one call when each call waited for the last)."""
        decoded = self._submit(texts, want)
        if want is None:
            return lambda: [self._detokenize(pieces) for pieces, _ in decoded()]
        return lambda: self._aligned(texts, decoded())

    def _aligned(self, texts: list[str], decoded: list[tuple[list[str], list | None]]) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        tokens = self.cached_tokens(texts) if texts else []
        wanted = [i for i, (_, attention) in enumerate(decoded) if attention is not None and attention is not _DEFERRED]
        ranges = dict(zip(wanted, source_ranges(self.source_processor(), [texts[i] for i in wanted])))
        for i, (pieces, attention) in enumerate(decoded):
            text_out = self._detokenize(pieces)
            if attention is _DEFERRED:
                out.append((text_out, Unaligned(pieces)))
                continue
            source = ranges.get(i)
            usable = source is not None and attention is not None and len(source) == len(tokens[i])
            out.append((text_out, self.alignment(source, pieces, text_out, attention) if usable else None))
        return out

    def _submit(self, texts: list[str], want: list[bool] | None = None, again: bool = False) -> Callable[[], list]:
        """Queue the chunks of ``texts``; the result waits for (output pieces, attention or None) per text.
        Only the texts in ``want`` keep their attention. ``again``: decode against repetition."""
        if not texts:
            return list
        retry = {"no_repeat_ngram_size": RETRY_NO_REPEAT_NGRAM,
                 "repetition_penalty": RETRY_REPETITION_PENALTY} if again else {}
        decoding = replace(self.decoding, beams=RETRY_BEAMS) if again else self.decoding
        tokens = self.cached_tokens(texts)
        lengths = [len(t) for t in tokens]
        self.check_lengths(lengths, texts)
        caps = [decoding.max_new_tokens(n, self.limit) for n in lengths]
        greedy = decoding.beams == 1
        pending = []
        # Each chunk is padded to its bucket's top and decodes only to its own longest cap; greedy
        # rows stop at their own cap or loop (StreamStop); the chunks queue on the workers
        # asynchronously so every worker stays busy.
        for chunk in length_chunks(lengths, self.inter_threads, decoding.beams):
            attention = greedy and want is not None and any(want[i] for i in chunk)
            stop = StreamStop([texts[i] for i in chunk], [caps[i] for i in chunk], self.tokenizer.decode_pieces) \
                if greedy else None
            futures = self.translator.translate_batch(
                padded_rows([tokens[i] for i in chunk]), beam_size=decoding.beams, asynchronous=True,
                max_decoding_length=max(caps[i] for i in chunk), return_attention=attention, callback=stop,
                use_vmap=self.vmap is not None, **retry,
            )
            pending.append((chunk, futures[:len(chunk)]))

        def collect() -> list[tuple[list[str], list | None]]:
            out: list[tuple[list[str], list | None]] = [([], None)] * len(texts)
            for chunk, futures in pending:
                for i, future in zip(chunk, futures):
                    result = future.result()
                    keep = result.attention and want is not None and want[i]
                    out[i] = (result.hypotheses[0][:caps[i]], result.attention[0][:caps[i]] if keep else None)
            if not greedy and want is not None:  # aligned by finish_alignments, once the runner has chosen
                out = [(pieces, _DEFERRED if want[i] and pieces else None) for i, (pieces, _) in enumerate(out)]
            return out

        return collect

    def _forced_attention(self, sources: list[list[str]], outputs: list[list[str]]) -> list[list | None]:
        """The model's attention while it reads each output as its own (greedy, the output forced as
        ``target_prefix``), in the same padded chunks as any greedy pass: the same in every batch.
        Beam search's own attention moves with the number of rows in its chunk (measured: up to
        0.09 on the opus-mt-sized model, outputs unchanged); this pass costs about a quarter of the
        beam pass it follows, for the texts holding spans only."""
        if not sources:
            return []
        lengths = [len(t) for t in sources]
        pending = []
        for chunk in length_chunks(lengths, self.inter_threads, 1):
            rows = padded_rows([sources[i] for i in chunk])
            prefixes = [outputs[i] for i in chunk] + [[]] * (len(rows) - len(chunk))
            stop = StreamStop([""] * len(chunk), [0] * len(chunk), self.tokenizer.decode_pieces,
                              prefix=[len(outputs[i]) for i in chunk])
            futures = self.translator.translate_batch(
                rows, target_prefix=prefixes, beam_size=1, asynchronous=True, return_attention=True,
                max_decoding_length=max(len(outputs[i]) for i in chunk) + 1, callback=stop,
                use_vmap=self.vmap is not None,
            )
            pending.append((chunk, futures[:len(chunk)]))
        found: list[list | None] = [None] * len(sources)
        for chunk, futures in pending:
            for i, future in zip(chunk, futures):
                result = future.result()
                forced = result.hypotheses[0][:len(outputs[i])] == outputs[i] and result.attention
                found[i] = result.attention[0][:len(outputs[i])] if forced else None
        return found

    def load_tokenizer(self, path: str) -> MarianSpm:
        return MarianSpm(path)

    def source_processor(self):
        return self.tokenizer.source

    def target_processor(self):
        return self.tokenizer.target if self.tokenizer.separate_vocabs else self.tokenizer.source

    def special_pieces(self) -> set[str]:
        return self.tokenizer.special

    def encode(self, texts: list[str]) -> list[list[str]]:
        return self.tokenizer.encode_pieces(list(texts))

    def _detokenize(self, pieces: list[str]) -> str:
        return self.tokenizer.decode_pieces(pieces)
