"""Batch translation on a Ray cluster (extra ``notelingo[ray]``): ``translate --ray local|ADDRESS``.

The driver does everything it does for a local run — ingest, plan segments, mask
spans, look up the cache — and only the model calls move. :class:`BatchRunner`
hands each hop's cache misses, already cut into length-sorted batches, to an
executor: :func:`local_batches` runs them in this process; :class:`RayExecutor`
sends them out as a Ray Dataset through ``map_batches`` with a callable class on
an actor pool (``ActorPoolStrategy``). One row is one whole batch, so every actor
sees exactly the batches a local run would form, and a sentence's translation
does not depend on where it ran. Results stream back in completion order; the
driver verifies and repairs spans, writes the SQLite cache batch by batch and the
notes as today, so interruption and resume behave as in a local run.

Model shipping: workers get the resolved model (hub id, revision, folder). A
worker that can read the folder (the same machine, or shared storage mounted at
the same path) loads it from there; otherwise it resolves the hub id itself into
its own Hugging Face cache. CTranslate2 conversions are cached per worker machine.

Faults: Ray Data restarts an actor that dies (its pools default to
``max_restarts=-1`` and ``max_task_retries=-1``) and retries the batch it held; a
batch is a pure function of its texts, so a retried batch gives the same output.
An exception raised by the model itself is not retried: the run fails with it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import deque
from typing import Iterable, Iterator, Optional

from ..errors import BackendError, UsageError

#: Threads each actor's model uses on a CPU node (CTranslate2 inter-op workers).
DEFAULT_ACTOR_THREADS = 1

Batch = list[str]
#: A batch and, when some of its texts hold protected spans, which texts want their alignment.
Job = tuple[Batch, "list[bool] | None"]


def run_job(translator, batch: Batch, wanted: list[bool] | None) -> list:
    """Translations of ``batch``; with ``wanted``, (translation, Alignment or None) pairs."""
    return translator.translate_batch(batch) if wanted is None else translator.translate_aligned(batch, wanted)


def local_batches(jobs: Iterable[Job], translator,
                  started: Iterable = ()) -> Iterator[tuple[Batch, list[bool] | None, list]]:
    """Run each job on the loaded local translator, in order. A backend that can queue work
    (``submit``, CTranslate2) gets the next job before this one is collected, so its workers
    decode while the engine checks, caches and reports the last batch, and never sit idle
    between batches; one job waits in the queue at most (an interrupt leaves little behind).
    A job that cannot be queued (its error is raised) still lets the one before it finish and
    be yielded first, so its translations reach the cache. ``started``: (batch, wanted,
    collect) of jobs the caller already queued with ``submit``, delivered first."""
    submit = getattr(translator, "submit", None)
    queued: deque = deque(started)
    if submit is None:
        for batch, wanted, collect in queued:
            yield batch, wanted, collect()
        for batch, wanted in jobs:
            yield batch, wanted, run_job(translator, batch, wanted)
        return
    failure: Exception | None = None
    for batch, wanted in jobs:
        try:
            queued.append((batch, wanted, submit(batch, wanted)))
        except Exception as exc:  # raised again once the queued job is delivered
            failure = exc
            break
        if len(queued) > 1:
            done_batch, done_wanted, collect = queued.popleft()
            yield done_batch, done_wanted, collect()
    while queued:
        done_batch, done_wanted, collect = queued.popleft()
        yield done_batch, done_wanted, collect()
    if failure is not None:
        raise failure


def _dumps_result(result: list, wanted: list[bool] | None) -> str:
    if wanted is None:
        return json.dumps(result, ensure_ascii=False)
    return json.dumps([[out, alignment.dumps() if alignment is not None else None] for out, alignment in result],
                      ensure_ascii=False)


def _loads_result(text: str, wanted: list[bool] | None) -> list:
    if wanted is None:
        return json.loads(text)
    from ..protect.alignment import Alignment

    return [(out, Alignment.loads(alignment) if alignment else None) for out, alignment in json.loads(text)]


def import_ray():
    try:
        import ray
    except ImportError:
        raise BackendError(
            "needs the ray package, which is not installed; run: pip install 'notelingo[ray]'", option="ray"
        ) from None
    return ray


def connect(address: str):
    """Join (or start, for ``local``) a Ray runtime; an already initialised one is reused."""
    ray = import_ray()
    # Ray's C++ core logs harmless notices (e.g. about actor constructor arguments) to stderr.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    if ray.is_initialized():
        return ray
    if address == "local":
        # address="local": a runtime of our own, even when another cluster runs on this machine
        ray.init(address="local", num_cpus=_local_cpus(), include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR")
        return ray
    if not address or address.startswith("-"):
        raise UsageError(f"{address!r}: give 'local', HOST:PORT of a running cluster or ray://HOST:PORT", option="ray")
    _probe(address)
    try:
        ray.init(address=address, log_to_driver=False, logging_level="ERROR")
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackendError(
            f"{address}: could not join the Ray cluster ({first}); start one with 'ray start --head' "
            "and pass the address it prints", option="ray"
        ) from None
    return ray


def _probe(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds when nothing listens at HOST:PORT (Ray itself retries for minutes)."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" and other forms Ray resolves itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise BackendError(
            f"{address}: could not join the Ray cluster (nothing answers there: {exc.strerror or exc}); "
            "start one with 'ray start --head' and pass the address it prints", option="ray"
        ) from None


def quiet_ray_data() -> None:
    """Ray Data logs every execution's progress to stderr; notelingo draws its own bar."""
    import logging

    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.verbose_stats_logs = False
    for name in ("ray.data", "ray"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _local_cpus() -> int:
    from .options import cpu_count

    return cpu_count()


def _writable(folder: Optional[str]) -> Optional[str]:
    """The driver's cache folder when this node can write it, else None (the node's own cache)."""
    if not folder:
        return None
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


class BatchTranslator:
    """The callable class each Ray actor holds: loads the model once, translates whole batches."""

    def __init__(
        self, model: dict, backend: str, device: str, decoding: dict, cache_dir: Optional[str], threads: int
    ) -> None:
        from .backends import load_translator
        from .models import ResolvedModel
        from .options import DecodingOptions

        os.environ["NOTELINGO_THREADS"] = str(threads)
        resolved = ResolvedModel(**model)
        if not os.path.isdir(resolved.path):  # not on this node: fetch it by hub id into this node's cache
            from .models import resolve_pair

            resolved = next(m for m in resolve_pair(resolved.src, resolved.tgt, {resolved.pair: resolved.model_id}))
        self.translator = load_translator(backend, resolved, device, DecodingOptions(**decoding), _writable(cache_dir))

    def __call__(self, rows: dict) -> dict:
        outputs = []
        for texts, wanted in zip(rows["texts"], rows["wanted"]):
            mask = json.loads(wanted)
            outputs.append(_dumps_result(run_job(self.translator, json.loads(texts), mask), mask))
        return {"index": rows["index"], "outputs": outputs}


@dataclasses.dataclass
class RayExecutor:
    """Sends batches to an actor pool on a Ray cluster and streams the results back."""

    address: str
    actors: Optional[int] = None
    threads: int = DEFAULT_ACTOR_THREADS
    pools: list = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        self.ray = connect(self.address)
        quiet_ray_data()

    def nodes(self) -> int:
        return sum(1 for node in self.ray.nodes() if node.get("Alive"))

    def pool_size(self, batches: int, gpus: bool) -> int:
        resources = self.ray.cluster_resources()
        if self.actors:
            size = self.actors
        elif gpus:
            size = int(resources.get("GPU", 0))
        else:
            size = int(resources.get("CPU", 1) // max(1, self.threads))
        return max(1, min(size, batches))

    def describe(self) -> str:
        size = max(self.pools, default=0)
        return f"ray: {size} actor(s) on {self.nodes()} node(s)"

    def run(self, jobs: list[Job], translator, options) -> Iterator[tuple[Batch, list[bool] | None, list]]:
        """Yield (batch, wanted, result) as actors finish them; order is the cluster's, not the input's.

        Alignments travel as :meth:`notelingo.protect.alignment.Alignment.dumps` text, which loses
        nothing: an alignment is rounded when it is made, as the translation cache keeps it.
        """
        if not jobs:
            return
        from ray.data import ActorPoolStrategy

        from ..fileio import cache_root

        gpus = options.device == "cuda" or (options.device == "auto" and self.ray.cluster_resources().get("GPU", 0) > 0)
        size = self.pool_size(len(jobs), gpus)
        self.pools.append(size)
        data = self.ray.data.from_items(
            [{"index": i, "texts": json.dumps(batch, ensure_ascii=False), "wanted": json.dumps(wanted)}
             for i, (batch, wanted) in enumerate(jobs)],
            override_num_blocks=len(jobs),
        )
        kwargs = {
            "model": dataclasses.asdict(translator.resolved),
            "backend": translator.backend,
            "device": "cuda" if gpus else "cpu",
            "decoding": dataclasses.asdict(options.decoding),
            "cache_dir": cache_root(options.cache_dir),
            "threads": self.threads,
        }
        resources = {"num_gpus": 1} if gpus else {"num_cpus": self.threads}
        results = data.map_batches(
            BatchTranslator,
            fn_constructor_kwargs=kwargs,
            compute=ActorPoolStrategy(size=size),
            batch_size=1,
            batch_format="numpy",
            **resources,
        )
        for row in results.iter_rows():
            batch, wanted = jobs[int(row["index"])]
            yield batch, wanted, _loads_result(row["outputs"], wanted)
