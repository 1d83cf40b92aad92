"""The default models online: the CLI against a local stand-in of the hub (tools/local_hub.py).

Each command runs in a subprocess with ``HF_ENDPOINT`` pointing at the server, the
hub online (this test process forces ``HF_HUB_OFFLINE=1``, which huggingface_hub
reads at import time) and fresh ``HF_HOME`` / ``NOTELINGO_CACHE_DIR`` folders. The
opus-mt repos are served in the layout of Helsinki-NLP/opus-mt-ru-en on the hub:
pickled ``pytorch_model.bin``, ``tf_model.h5``, ``rust_model.ot`` and no safetensors.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from local_hub import NEVER_FETCHED, Cut, LocalHub, booby_trapped, opus_layout

pytestmark = pytest.mark.slow

RU_EN, EN_RU = "Helsinki-NLP/opus-mt-ru-en", "Helsinki-NLP/opus-mt-en-ru"
SAFE_REPO, EVIL_REPO = "someone/opus-mt-ru-en-safetensors", "evil/opus-mt-ru-en"
NEEDED = {"config.json", "generation_config.json", "pytorch_model.bin", "source.spm", "target.spm",
          "tokenizer_config.json", "vocab.json"}


@pytest.fixture(scope="session")
def hub_repos(tiny_models, tmp_path_factory) -> dict:
    """Repo folders: the two opus-mt layouts, one with safetensors (and pickles beside), one booby-trapped."""
    root = tmp_path_factory.mktemp("hub")
    marker = root / "the-pickle-ran"
    safe = shutil.copytree(tiny_models["ru-en"], root / SAFE_REPO)
    opus_layout(tiny_models["ru-en"], root / "tmp-layout", SAFE_REPO)
    for name in ("pytorch_model.bin", "tf_model.h5", "rust_model.ot", "README.md"):
        shutil.copyfile(root / "tmp-layout" / name, safe / name)
    return {
        "repos": {RU_EN: opus_layout(tiny_models["ru-en"], root / RU_EN, RU_EN),
                  EN_RU: opus_layout(tiny_models["en-ru"], root / EN_RU, EN_RU),
                  SAFE_REPO: safe,
                  EVIL_REPO: booby_trapped(root / EVIL_REPO, tiny_models["ru-en"], marker)},
        "marker": marker,
    }


@pytest.fixture()
def hub(hub_repos):
    server = LocalHub(hub_repos["repos"]).start()
    yield server
    server.stop()


@pytest.fixture()
def homes(tmp_path) -> dict:
    return {"HF_HOME": str(tmp_path / "hf"), "NOTELINGO_CACHE_DIR": str(tmp_path / "notelingo")}


def notelingo(args: list[str], homes: dict, endpoint: str, offline: bool = False, cwd: Path | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(homes, HF_ENDPOINT=endpoint, PYTHONPATH=str(REPO / "src"), HF_HUB_DISABLE_PROGRESS_BARS="1")
    if offline:
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "notelingo", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=600, check=False)


def error_lines(result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.fixture()
def inputs(tmp_path) -> list[str]:
    ru, en = tmp_path / "ru.txt", tmp_path / "en.txt"
    ru.write_text("Градиентный спуск обновляет веса сети.\n\nМодель учится на больших данных.\n", encoding="utf-8")
    en.write_text("Gradient descent updates the weights.\n\nThe model learns from large data.\n", encoding="utf-8")
    return [str(ru), str(en)]


def translated(path: Path) -> dict[str, set[str]]:
    """{note language: languages its blocks were translated into}."""
    out: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        note = json.loads(line)
        for block in note["blocks"]:
            out.setdefault(note["lang"], set()).update(lang for lang, text in block["text"].items() if text.strip())
    return out


def test_translate_downloads_the_default_models_then_works_offline(hub, homes, inputs, tmp_path):
    out = tmp_path / "out.jsonl"
    result = notelingo(["translate", *inputs, "-o", str(out), "--beams", "1"], homes, hub.url)
    assert result.returncode == 0, result.stderr
    assert translated(out) == {"ru": {"ru", "en"}, "en": {"en", "ru"}}
    # Only the config, tokenizer and the pickled weights of each model; never tf/rust weights or the README.
    for repo in (RU_EN, EN_RU):
        fetched = hub.fetched(repo)
        assert set(fetched) == NEEDED and len(fetched) == len(NEEDED), fetched
    assert not [path for _, path, _ in hub.requests if path.endswith(NEVER_FETCHED)]
    assert "ru-en: downloading Helsinki-NLP/opus-mt-ru-en" in result.stderr
    assert "converted pytorch_model.bin to safetensors" in result.stderr
    converted = sorted(Path(homes["NOTELINGO_CACHE_DIR"], "models").glob("*/*/model.safetensors"))
    assert [p.parent.parent.name for p in converted] == ["Helsinki-NLP--opus-mt-en-ru", "Helsinki-NLP--opus-mt-ru-en"]

    # Offline, with the hub gone: the cached models translate and not one request reaches any endpoint.
    hub.stop()
    watcher = LocalHub({}).start()
    offline_out = tmp_path / "offline.jsonl"
    args = ["translate", *inputs, "-o", str(offline_out), "--beams", "1", "--backend", "transformers", "--no-cache"]
    result = notelingo(args, homes, watcher.url, offline=True)
    watcher_requests = list(watcher.requests)
    watcher.stop()
    assert result.returncode == 0, result.stderr
    assert translated(offline_out) == {"ru": {"ru", "en"}, "en": {"en", "ru"}}
    assert watcher_requests == []
    listing = notelingo(["models", "list"], homes, watcher.url, offline=True)
    rows = [line.split("\t") for line in listing.stdout.splitlines()]
    assert [row[:2] for row in rows] == [["ru-en", RU_EN], ["en-ru", EN_RU]]
    assert all(row[2].startswith(homes["NOTELINGO_CACHE_DIR"]) and row[3].endswith("KB") for row in rows), rows


def test_models_download_reports_sizes_place_and_conversion(hub, homes):
    result = notelingo(["models", "download", "ru-en", "en-ru"], homes, hub.url)
    assert result.returncode == 0, result.stderr
    for pair, repo in (("ru-en", RU_EN), ("en-ru", EN_RU)):
        assert f"{pair}: downloading {repo} (" in result.stderr and "in 7 file(s)" in result.stderr
        assert f"{repo}: converted pytorch_model.bin to safetensors in {homes['NOTELINGO_CACHE_DIR']}" in result.stderr
    assert f"into {homes['HF_HOME']}" in result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[:2] for row in rows] == [["ru-en", RU_EN], ["en-ru", EN_RU]]
    assert all(Path(row[2], "model.safetensors").is_file() for row in rows)


def test_a_repo_with_safetensors_fetches_no_pickle(hub, homes):
    result = notelingo(["models", "download", "ru-en", "--model", f"ru-en={SAFE_REPO}"], homes, hub.url)
    assert result.returncode == 0, result.stderr
    assert set(hub.fetched(SAFE_REPO)) == NEEDED - {"pytorch_model.bin"} | {"model.safetensors"}
    assert "converted" not in result.stderr
    assert result.stdout.split("\t")[2].startswith(homes["HF_HOME"])


def test_booby_trapped_pickle_is_refused_and_never_runs(hub, hub_repos, homes, inputs, tmp_path):
    args = ["translate", inputs[0], "-o", str(tmp_path / "out.jsonl"), "--model", f"ru-en={EVIL_REPO}"]
    result = notelingo(args, homes, hub.url)
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert EVIL_REPO in line and "pytorch_model.bin refused" in line and "nothing in it was run" in line
    assert not hub_repos["marker"].exists()
    assert not (tmp_path / "out.jsonl").exists() or "evil" not in (tmp_path / "out.jsonl").read_text()


def test_a_missing_repo_names_the_pair_and_the_option(hub, homes, inputs, tmp_path):
    result = notelingo(["translate", inputs[1], "-o", str(tmp_path / "out.jsonl"), "--to", "de"], homes, hub.url)
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert "en-de" in line and "Helsinki-NLP/opus-mt-en-de does not exist" in line and "--model en-de=" in line


def test_a_broken_connection_is_resumed_by_the_hub_client(hub_repos, homes, tmp_path):
    """The client resumes (``Range``) from the last whole 10 MiB chunk it received: the weights here are larger."""
    import torch

    big = shutil.copytree(hub_repos["repos"][RU_EN], tmp_path / "big")
    state = torch.load(big / "pytorch_model.bin", weights_only=True)
    torch.save({**state, "unused.padding": torch.zeros(3_000_000)}, big / "pytorch_model.bin")  # ~12 MB
    hub = LocalHub({RU_EN: big}).start()
    hub.cuts[(RU_EN, "pytorch_model.bin")] = Cut(after=11 * 2**20)
    try:
        result = notelingo(["models", "download", "ru-en"], homes, hub.url)
    finally:
        hub.stop()
    assert result.returncode == 0, result.stderr
    ranges = [rng for method, path, rng in hub.requests if method == "GET" and path.endswith("/pytorch_model.bin")]
    assert ranges == ["", f"bytes={10 * 2**20}-"]
    assert "converted pytorch_model.bin" in result.stderr


def test_server_stopped_mid_download_is_one_line_and_a_rerun_completes(hub, hub_repos, homes):
    size = Path(hub.repos[RU_EN].files["pytorch_model.bin"]).stat().st_size
    hub.cuts[(RU_EN, "pytorch_model.bin")] = Cut(after=size // 2, stop=True)
    result = notelingo(["models", "download", "ru-en"], homes, hub.url)
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert RU_EN in line and "ru-en" in line and "run the command again" in line
    # Nothing else on stderr but the notice that the download started (no retry chatter, no traceback).
    assert [text for text in result.stderr.splitlines() if text.strip()] == [result.stderr.splitlines()[0], line]
    assert result.stderr.startswith(f"ru-en: downloading {RU_EN}")
    assert not list(Path(homes["NOTELINGO_CACHE_DIR"]).rglob("model.safetensors"))
    hub.stop()
    again = LocalHub(hub_repos["repos"]).start(hub.port)
    try:
        result = notelingo(["models", "download", "ru-en"], homes, again.url)
    finally:
        again.stop()
    assert result.returncode == 0, result.stderr
    assert "converted pytorch_model.bin" in result.stderr
    assert "pytorch_model.bin" in again.fetched(RU_EN)
