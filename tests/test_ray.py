"""``translate --ray``: the model runs on Ray Data actors, the notes are those of a local run.

One simulated two-node cluster (``ray.cluster_utils.Cluster``, both nodes on this
machine) serves every test of the module: Ray takes seconds to start. Each run is
a real ``notelingo`` process (the driver) joining it by address, except the
fault test, which drives the engine in this process so it can kill an actor.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import make_note, write_notes
from test_interrupt import cached_rows, finish, leftovers, start, translate_args, wait_for_cached_rows

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow
BACKENDS = ["transformers", "ctranslate2"]


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    made = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    made.add_node(num_cpus=2)
    made.wait_for_nodes()
    yield made
    if ray.is_initialized():
        ray.shutdown()
    made.shutdown()


@pytest.fixture(scope="module")
def notes_file(tmp_path_factory) -> Path:
    """Both languages, several sentences each, acronyms and a URL: several batches and repairs."""
    path = tmp_path_factory.mktemp("ray") / "notes.jsonl"
    notes = []
    for i in range(8):
        if i % 2:
            text = f"Model {i} learns fast with MLM. Layer {i} attends to https://arxiv.org/abs/2010.0182{i}. It works."
            notes.append(make_note(f"en{i}", "en", [("paragraph", text)]))
        else:
            text = f"Модель {i} учится на датасете. Слой {i} использует BPE. Это работает."
            notes.append(make_note(f"ru{i}", "ru", [("paragraph", text)]))
    return write_notes(path, notes)


def run(command: list[str], cache: Path) -> tuple[int, str]:
    return finish(start(command, cache), timeout=300)


@pytest.fixture(scope="module")
def local_runs(notes_file, tiny_models, tmp_path_factory) -> dict[str, str]:
    """The notes a plain local run gives, per backend."""
    outputs = {}
    for backend in BACKENDS:
        folder = tmp_path_factory.mktemp(f"local-{backend}")
        code, stderr = run(translate_args(notes_file, folder / "out.jsonl", tiny_models, backend), folder / "cache")
        assert code == 0, stderr
        assert "ray:" not in stderr
        outputs[backend] = (folder / "out.jsonl").read_text(encoding="utf-8")
    return outputs


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_node_cluster_gives_the_local_notes(cluster, backend, notes_file, tiny_models, local_runs, tmp_path):
    command = translate_args(notes_file, tmp_path / "out.jsonl", tiny_models, backend, "--ray", cluster.address)
    code, stderr = run(command, tmp_path / "c")
    assert code == 0, stderr
    assert "on 2 node(s)" in stderr.splitlines()[-1], stderr
    assert "Traceback" not in stderr
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == local_runs[backend]


def test_local_runtime_gives_the_local_notes(notes_file, tiny_models, local_runs, tmp_path):
    """``--ray local`` starts a runtime of its own in the driver (2 CPUs here) and stops it at exit."""
    code, stderr = run(
        translate_args(notes_file, tmp_path / "out.jsonl", tiny_models, "ctranslate2", "--ray", "local"), tmp_path / "c"
    )
    assert code == 0, stderr
    summary = stderr.splitlines()[-1]
    assert "ray: 2 actor(s) on 1 node(s)" in summary, stderr
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == local_runs["ctranslate2"]


def _map_workers() -> list[int]:
    """PIDs of this machine's Ray Data actors running notelingo's batch translator."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"BatchTranslator" in command:
                pids.append(int(proc.name))
    return pids


def test_an_actor_killed_during_the_run_is_replaced_and_the_notes_are_the_same(
    cluster, notes_file, tiny_models, local_runs, tmp_path
):
    from notelingo.fileio import read_notes, write_notes
    from notelingo.mt import DecodingOptions, TranslateOptions
    from notelingo.mt.engine import translate_notes

    killed: list[int] = []

    def kill_first_actor() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            pids = _map_workers()
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
            time.sleep(0.02)

    killer = threading.Thread(target=kill_first_actor, daemon=True)
    killer.start()
    options = TranslateOptions(
        to=("en", "ru"),
        models=dict(tiny_models),
        backend="transformers",
        ray=cluster.address,
        decoding=DecodingOptions(beams=1, batch_size=2),
        cache_dir=str(tmp_path / "cache"),
    )
    notes, report = translate_notes(read_notes(notes_file), options)
    killer.join(timeout=5)
    assert killed, "no actor was seen, so none could be killed"
    assert report.where.endswith("on 2 node(s)")
    write_notes(tmp_path / "out.jsonl", notes)
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == local_runs["transformers"]


def test_ctrl_c_keeps_finished_batches_and_a_rerun_resumes(cluster, notes_file, tiny_models, local_runs, tmp_path):
    out, cache = tmp_path / "out.jsonl", tmp_path / "cache"
    command = translate_args(notes_file, out, tiny_models, "transformers", "--ray", cluster.address)
    process = start(command, cache)
    wait_for_cached_rows(process, cache, timeout=240)
    process.send_signal(signal.SIGINT)
    code, stderr = finish(process, timeout=120)
    assert code == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted: ")
    assert not out.exists() and leftovers(tmp_path) == []
    kept = cached_rows(cache)
    assert kept > 0
    code, stderr = run(command, cache)
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8") == local_runs["transformers"]


def test_without_ray_installed_the_error_names_the_extra(monkeypatch):
    from notelingo.errors import BackendError
    from notelingo.mt import ray_exec

    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without the package gives
    with pytest.raises(BackendError, match=r"pip install 'notelingo\[ray\]'"):
        ray_exec.connect("local")


def test_a_bad_cluster_address_is_one_line(tmp_path, notes_file, tiny_models):
    env = dict(os.environ, NOTELINGO_CACHE_DIR=str(tmp_path / "c"), RAY_ADDRESS="")
    command = translate_args(notes_file, tmp_path / "out.jsonl", tiny_models, "ctranslate2", "--ray", "127.0.0.1:1")
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error: --ray 127.0.0.1:1: could not join the Ray cluster"), result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def local_beam_runs(notes_file, tiny_models, tmp_path_factory) -> dict[str, str]:
    """The notes a plain local run gives with beam 4 (the default), per backend."""
    outputs = {}
    for backend in BACKENDS:
        folder = tmp_path_factory.mktemp(f"local-beam-{backend}")
        command = translate_args(notes_file, folder / "out.jsonl", tiny_models, backend, "--beams", "4")
        code, stderr = run(command, folder / "cache")
        assert code == 0, stderr
        outputs[backend] = (folder / "out.jsonl").read_text(encoding="utf-8")
    return outputs


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("where", ["local", "cluster"])
def test_beam_4_on_ray_gives_the_local_notes_byte_for_byte(cluster, where, backend, notes_file, tiny_models,
                                                           local_beam_runs, tmp_path):
    """Issue 25: with beam 4 too, ``--ray local`` and a two-node cluster give the local run's notes,
    repaired spans included (each text decodes as it would alone, whatever the actors' threads)."""
    address = "local" if where == "local" else cluster.address
    command = translate_args(notes_file, tmp_path / "out.jsonl", tiny_models, backend, "--beams", "4", "--ray", address)
    code, stderr = run(command, tmp_path / "c")
    assert code == 0, stderr
    assert "aligned" in stderr.splitlines()[-1], stderr  # spans were placed from the alignment
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == local_beam_runs[backend]
