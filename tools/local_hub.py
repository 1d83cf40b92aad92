"""A stand-in for the Hugging Face Hub on 127.0.0.1, for tests and for trying notelingo by hand.

It answers the requests huggingface_hub 2.x makes for ``snapshot_download`` /
``hf_hub_download`` (read from its source, ``hf_api.py`` and ``file_download.py``):

* ``GET /api/models/{id}[/revision/{rev}]``: ``sha`` and ``siblings``;
* ``GET /api/models/{id}/tree/{rev}[/{path}]?recursive=&expand=``: one page of
  ``{type, path, size, oid[, lfs]}`` (no ``Link`` header, so the client stops);
* ``HEAD``/``GET /{id}/resolve/{rev}/{file}``: ``X-Repo-Commit``, ``ETag`` (the
  sha256 for binary "LFS" files, the git blob id otherwise), ``Content-Length``,
  ``Accept-Ranges`` and ``Range: bytes=N-`` answered with 206, which is how the
  client resumes a broken download.

An unknown repo is answered like the hub: an error status with
``X-Error-Code: RepoNotFound``, which the client raises as ``RepositoryNotFoundError``.

Repos are folders: ``LocalHub({"Helsinki-NLP/opus-mt-ru-en": folder})``. The
``opus_layout`` helper turns a tiny model folder (tools/tiny_marian.py) into the
file layout of Helsinki-NLP/opus-mt-ru-en on the hub's main branch: pickled
``pytorch_model.bin`` and no safetensors, plus ``tf_model.h5`` and ``rust_model.ot``
(dummy bytes here: a client that fetches them is wrong). Every request is logged
in ``hub.requests`` so tests can check what was fetched.

By hand (builds tiny ru-en and en-ru models, then serves them until Ctrl-C)::

    python tools/local_hub.py --port 8765
    HF_ENDPOINT=http://127.0.0.1:8765 make demo
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
OPUS_FILES = ("config.json", "generation_config.json", "pytorch_model.bin", "tf_model.h5", "rust_model.ot",
              "source.spm", "target.spm", "tokenizer_config.json", "vocab.json", "README.md")
NEVER_FETCHED = ("tf_model.h5", "rust_model.ot", "flax_model.msgpack")
_BINARY = (".bin", ".h5", ".ot", ".msgpack", ".safetensors", ".spm")


@dataclass
class Cut:
    """Break the next download of one file after ``after`` bytes; ``stop`` also takes the server down for good."""

    after: int
    stop: bool = False


class Repo:
    """A repo at one commit: its files' bytes, sizes and ids, computed once."""

    def __init__(self, repo_id: str, folder: Path) -> None:
        self.repo_id = repo_id
        self.files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
        self.meta: dict[str, dict] = {}
        commit = hashlib.sha1(repo_id.encode())
        for name, path in self.files.items():
            data = path.read_bytes()
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            entry = {"type": "file", "path": name, "size": len(data), "oid": blob}
            if name.endswith(_BINARY):
                entry["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
            self.meta[name] = entry
            commit.update(f"{name}\0{blob}\n".encode())
        self.sha = commit.hexdigest()

    def etag(self, name: str) -> str:
        entry = self.meta[name]
        return entry["lfs"]["oid"] if "lfs" in entry else entry["oid"]


class LocalHub:
    """A threaded HTTP server on 127.0.0.1 serving ``repos`` (repo id -> folder)."""

    def __init__(self, repos: dict[str, Path | str], verbose: bool = False) -> None:
        self.repos = {repo_id: Repo(repo_id, Path(folder)) for repo_id, folder in repos.items()}
        self.requests: list[tuple[str, str, str]] = []
        self.cuts: dict[tuple[str, str], Cut] = {}
        self.verbose = verbose
        self.down = False  # set when a Cut stops the server: from then on every connection is dropped
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, port: int = 0) -> LocalHub:
        hub = self

        class Handler(_Handler):
            pass

        Handler.hub = hub
        self.server = ThreadingHTTPServer((HOST, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self.server is not None:
                self.server.shutdown()
                self.server.server_close()
                self.server = None

    def fetched(self, repo_id: str | None = None) -> list[str]:
        """Files whose bytes were requested (GET on resolve), in order, optionally of one repo."""
        out = []
        for method, path, _ in self.requests:
            parts = path.split("/resolve/", 1)
            if method == "GET" and len(parts) == 2 and (repo_id is None or parts[0].strip("/") == repo_id):
                out.append(parts[1].split("/", 1)[1])
        return out


class _Handler(BaseHTTPRequestHandler):
    hub: LocalHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        if self.hub.verbose:
            sys.stderr.write(f"local_hub: {format % args}\n")

    def do_HEAD(self) -> None:
        self._route(body=False)

    def do_GET(self) -> None:
        self._route(body=True)

    def _route(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if self.hub.down:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.hub.requests.append((self.command, path, self.headers.get("Range", "")))
        if path.startswith("/api/models/"):
            return self._api(path.removeprefix("/api/models/"))
        if "/resolve/" in path:
            repo_id, rest = path.strip("/").split("/resolve/", 1)
            rev, _, name = rest.partition("/")
            return self._resolve(repo_id, rev, name, body)
        self._error(404, "EntryNotFound", "no such endpoint")

    def _repo(self, repo_id: str, rev: str) -> Repo | None:
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found")
        elif rev not in ("main", repo.sha):
            self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
            return None
        return repo

    def _api(self, rest: str) -> None:
        parts = rest.split("/")
        repo_id = "/".join(parts[:2])
        if len(parts) == 2 or (len(parts) == 4 and parts[2] == "revision"):
            repo = self._repo(repo_id, parts[3] if len(parts) == 4 else "main")
            if repo:
                siblings = [{"rfilename": name} for name in repo.files]
                self._json({"id": repo_id, "modelId": repo_id, "sha": repo.sha, "private": False, "siblings": siblings})
        elif len(parts) >= 4 and parts[2] == "tree":
            repo = self._repo(repo_id, parts[3])
            if repo:
                prefix = "/".join(parts[4:]).strip("/")
                self._json([m for name, m in repo.meta.items() if not prefix or name.startswith(prefix + "/")])
        else:
            self._error(404, "EntryNotFound", "no such endpoint")

    def _resolve(self, repo_id: str, rev: str, name: str, body: bool) -> None:
        repo = self._repo(repo_id, rev)
        if repo is None:
            return
        if name not in repo.files:
            return self._error(404, "EntryNotFound", f"{name} does not exist", commit=repo.sha)
        data = repo.files[name].read_bytes()
        start = _range_start(self.headers.get("Range", ""))
        start = start if start is not None and start < len(data) else 0
        self.send_response(206 if start else 200)
        self.send_header("X-Repo-Commit", repo.sha)
        self.send_header("ETag", f'"{repo.etag(name)}"')
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data) - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if body:
            self._send_body(repo_id, name, data[start:])

    def _send_body(self, repo_id: str, name: str, data: bytes) -> None:
        cut = self.hub.cuts.pop((repo_id, name), None)
        if cut is None:
            self.wfile.write(data)
            return
        self.wfile.write(data[:cut.after])
        self.wfile.flush()
        self.hub.down = cut.stop
        self.close_connection = True
        self.connection.shutdown(2)  # the client sees a body shorter than Content-Length
        if cut.stop:
            threading.Thread(target=self.hub.stop, daemon=True).start()

    def _json(self, payload) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, code: str, message: str, commit: str | None = None) -> None:
        data = json.dumps({"error": message}).encode()
        self.send_response(status)
        self.send_header("X-Error-Code", code)
        self.send_header("X-Error-Message", message)
        if commit:
            self.send_header("X-Repo-Commit", commit)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def _range_start(header: str) -> int | None:
    """The N of ``bytes=N-`` (the only form huggingface_hub sends when resuming)."""
    if not header.startswith("bytes="):
        return None
    first = header.removeprefix("bytes=").split(",")[0].split("-")[0]
    return int(first) if first.isdigit() else None


def pickled_state_dict(model_folder: Path, out: Path) -> None:
    """``pytorch_model.bin`` as opus-mt ships it: ``torch.save`` of the whole state dict
    (tied tensors share storage)."""
    import torch
    from transformers import MarianMTModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = MarianMTModel.from_pretrained(str(model_folder), use_safetensors=True)
    torch.save(model.state_dict(), out)


def opus_layout(model_folder: Path | str, out: Path | str, model_id: str) -> Path:
    """Copy a tiny model folder into opus-mt's file layout (pickled weights, no safetensors)."""
    src, out = Path(model_folder), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "generation_config.json", "source.spm", "target.spm", "tokenizer_config.json",
                 "vocab.json"):
        shutil.copyfile(src / name, out / name)
    pickled_state_dict(src, out / "pytorch_model.bin")
    for name in ("tf_model.h5", "rust_model.ot"):
        (out / name).write_bytes(f"{name}: dummy bytes; notelingo must never fetch this file\n".encode() * 64)
    (out / "README.md").write_text(f"---\ntags:\n- translation\nlicense: apache-2.0\n---\n# {model_id}\n\n"
                                   "Tiny random-weight stand-in built by tools/local_hub.py.\n", encoding="utf-8")
    return out


class _RunsCommand:
    """Unpickling this runs ``touch MARKER``: what a malicious pytorch_model.bin can do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {shlex.quote(self.marker)}",)


def booby_trapped(out: Path | str, model_folder: Path | str, marker: Path | str) -> Path:
    """An opus-mt layout whose pytorch_model.bin runs a command when a full unpickler reads it."""
    import torch

    out = opus_layout(model_folder, out, "evil/opus-mt-ru-en")
    trap = {"model.shared.weight": torch.zeros(2, 2), "payload": _RunsCommand(str(marker))}
    torch.save(trap, out / "pytorch_model.bin")
    return out


def build_demo_repos(root: Path) -> dict[str, Path]:
    """Tiny opus-mt-ru-en and opus-mt-en-ru repos in the hub's layout, built under ``root`` (reused when present)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from transformers.utils import logging as hf_logging

    from tiny_marian import build_tiny_marian

    hf_logging.disable_progress_bar()

    repos = {}
    for pair in ("ru-en", "en-ru"):
        repo_id = f"Helsinki-NLP/opus-mt-{pair}"
        folder = root / "repos" / repo_id
        if not (folder / "pytorch_model.bin").is_file():
            model = build_tiny_marian(root / "models" / pair, *pair.split("-"), arch="tiny")["path"]
            opus_layout(model, folder, repo_id)
        repos[repo_id] = folder
    return repos


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--root", default=os.path.join(tempfile.gettempdir(), "notelingo-local-hub"),
                        help="where the tiny repos are built (reused by later runs)")
    args = parser.parse_args(argv)
    repos = build_demo_repos(Path(args.root))
    hub = LocalHub(repos, verbose=True).start(args.port)
    print(f"local hub serving {', '.join(repos)} on {hub.url}\n  try: HF_ENDPOINT={hub.url} make demo", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        hub.stop()


if __name__ == "__main__":
    main()
