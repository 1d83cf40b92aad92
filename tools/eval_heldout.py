"""Score note making on public sources of four shapes, by source: boundaries, titles, dates, chrome.

The sources are listed in ``tests/layouts/heldout_sources.json`` (repository, commit, shape, path,
dev or held-out split; see tests/layouts/HELDOUT.md). Nothing of them is in this repository: each is
read from a snapshot made by the ``fetch`` tool (``--mirror``, default /work/.mirror), at its commit.

Labels come from each source's own structure, never from notelingo's rules:

* ``messages``: a script's list of Telethon messages: one note per message with text, dated by
  ``date`` (the first 40 items of the list);
* ``feed``: one note per Atom/RSS entry with text, titled by its ``title``, dated by its ``published``,
  ``updated`` or ``pubDate``, found by its link;
* ``vault``: one note per Markdown file with text (outside hidden folders), titled by front matter
  ``title``, else the file's only ``#`` heading (a drawing's: its file name), else its file name;
  dated by front matter ``date`` when there is one;
* ``posts`` (Jekyll ``_posts``): one note per file, titled by front matter ``title`` (else the file
  name less its date), dated by front matter ``date`` or else the file name's ``YYYY-MM-DD``.

Scores: boundary F1 (a label is matched when exactly one note has its key), titles and dates over
matched labels that have one, chrome = share of note lines (outside code) whose words are not in the
source document's own text. Run: ``python tools/eval_heldout.py [--split dev|heldout|all] [--batch 1|2]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

import yaml

MANIFEST = Path(__file__).resolve().parents[1] / "tests" / "layouts" / "heldout_sources.json"
MESSAGES_PER_DUMP = 40
DOCS_PER_FOLDER = 25
_MARKDOWN = (".md", ".markdown", ".mdx")
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
_MARKUP = re.compile(r"\]\([^)\n]*\)|</?[A-Za-z!][^>\n]{0,400}>|https?://[!-~]+|\[\[[^\]|]*\||\{[%{].*?[%}]\}")
_WORDS = re.compile(r"[^\W_]+")  # "migration_slides" reads as "migration slides"


@dataclass
class Label:
    key: str
    title: str | None
    date: str | None
    text: str


# ---------------------------------------------------------------- reading the snapshots

def git_dir(mirror: Path, repo: str) -> Path:
    root = mirror / repo.replace("/", "+") / "repo"
    if (root / ".git").is_dir():
        return root / ".git"
    if not root.is_dir():
        raise SystemExit(f"no snapshot of {repo} under {mirror}: fetch github:{repo} first")
    return root


def git_show(gdir: Path, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(gdir), "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout


def extract_folder(gdir: Path, commit: str, path: str, dest: Path) -> Path:
    """The folder's Markdown files and .obsidian settings, as they were at the commit (a snapshot may
    lack its largest files: those are left out)."""
    listed = subprocess.run(["git", "--git-dir", str(gdir), "ls-tree", "-r", "--name-only", commit, "--", path or "."],
                            check=True, capture_output=True, text=True).stdout.splitlines()
    for name in listed:
        if name.lower().endswith(_MARKDOWN) or (f"/{name}".find("/.obsidian/") >= 0 and name.endswith(".json")):
            try:
                data = git_show(gdir, commit, name)
            except subprocess.CalledProcessError:
                continue
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes(data)
    return dest / path if path else dest


# ---------------------------------------------------------------- labels from each shape

def message_labels(raw: bytes, dest: Path) -> tuple[Path, list[Label]]:
    target = dest / "messages.json"
    try:
        items = json.loads(raw)[:MESSAGES_PER_DUMP]
    except ValueError:  # not JSON (a merge conflict left in it): no labels; notelingo must still not crash
        target.write_bytes(raw)
        return target, []
    target.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    labels = [Label(str(item["id"]), None, item.get("date"), item["message"]) for item in items
              if isinstance(item, dict) and isinstance(item.get("message"), str) and item["message"].strip()]
    return target, labels


def feed_labels(raw: bytes, dest: Path) -> tuple[Path, list[Label]]:
    target = dest / "feed.xml"
    target.write_bytes(raw)
    root = ElementTree.fromstring(raw)
    labels = []
    for entry in (node for node in root.iter() if _local(node.tag) in ("entry", "item")):
        fields = {_local(child.tag): child for child in reversed(entry)}  # the first of each tag
        links = [child for child in entry
                 if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate"]
        url = (links[0].get("href") or links[0].text or "").strip() if links else ""
        when = next((fields[k].text for k in ("published", "updated", "pubDate", "date") if k in fields), None)
        body = next((fields[k].text for k in ("content", "encoded", "description", "summary") if k in fields), "")
        title = (fields["title"].text or "").strip() if "title" in fields else None
        if not _html_text(body or "").strip():
            continue  # an entry with no text (a cut-off summary) is no note
        labels.append(Label(url, title, _iso(when), f"{title or ''}\n{_html_text(body or '')}"))
    return target, labels


def folder_labels(folder: Path, shape: str) -> list[Label]:
    # Files in hidden folders (.obsidian, .github, .agents) are not notes: Obsidian does not show them.
    files = [p for p in folder.rglob("*") if p.suffix.lower() in _MARKDOWN
             and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    files.sort(key=lambda p: hashlib.md5(str(p.relative_to(folder)).encode()).hexdigest())
    labels = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        meta, body = _front_matter(text)
        if not body.strip():
            continue
        labels.append(_file_label(path, meta, body, shape))
        if len(labels) == DOCS_PER_FOLDER:
            break
    return labels


def _file_label(path: Path, meta: dict, body: str, shape: str) -> Label:
    stem = re.sub(r"(\.excalidraw)?\.(md|markdown|mdx)$", "", path.name, flags=re.IGNORECASE)
    named = _FILE_DATE.match(stem)
    title = meta.get("title") if isinstance(meta.get("title"), str) and meta["title"].strip() else None
    when = _iso(meta.get("date")) or (named.group(1) if named and shape == "posts" else None)
    if title is None and shape == "vault" and path.name.lower().endswith(".excalidraw.md"):
        title = stem  # a drawing's headings are the plugin's ("Excalidraw Data"), not the author's
    if title is None and shape == "vault":
        h1 = [m.group(1) for m in map(_H1.match, _outside_code(body)) if m]
        title = h1[0] if len(h1) == 1 else stem
    if title is None:
        title = named.group(2).replace("-", " ") if named else stem
    return Label(str(path), title.strip(), when, body if shape == "posts" else f"{path.stem}\n{body}")


def _front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    try:
        meta = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        meta = None
    rest = text[end + 4:]
    return (meta if isinstance(meta, dict) else {}), rest[rest.find("\n") + 1:] if "\n" in rest else ""


def _outside_code(text: str) -> list[str]:
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _html_text(html: str) -> str:
    import lxml.html

    if not html.strip():
        return ""
    try:
        return " ".join(lxml.html.fromstring(html).itertext())  # spaces keep a URL from running into the text
    except Exception:  # noqa: BLE001 - a label's text only; an unparsable body compares as its raw HTML
        return html


def _iso(value) -> str | None:
    """An ISO 8601 form of a date label (datetime, date, ISO or RFC 822 string), else None."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return value[:10] if re.match(r"\d{4}-\d{2}-\d{2}", value) else None


# ---------------------------------------------------------------- scoring

def same_date(label: str, got: str | None) -> bool:
    """Same instant when both carry a time zone, else the same day."""
    if not got:
        return False
    try:
        want, have = datetime.fromisoformat(label), datetime.fromisoformat(got.replace("Z", "+00:00"))
    except ValueError:
        return label[:10] == got[:10]
    if want.tzinfo and have.tzinfo and ("T" in label or " " in label):
        return abs((want.astimezone(timezone.utc) - have.astimezone(timezone.utc)).total_seconds()) < 60
    return want.date() == have.date()


def _words(text: str) -> str:
    from notelingo.notes.textclean import fingerprint

    return "".join(_WORDS.findall(fingerprint(_MARKUP.sub(" ", text))))


def chrome_lines(note, source_text: str) -> tuple[int, int]:
    """(lines outside code, lines whose words are not in the source document)."""
    source = _words(source_text)
    total = alien = 0
    for block in note.blocks:
        if block.kind in ("code", "formula", "markup"):
            continue
        for line in block.original().splitlines():
            words = _words(line)
            if words:
                total += 1
                alien += words not in source
    return total, alien


def score(labels: list[Label], notes: list, key_of, sampled: bool) -> dict[str, int]:
    """Counts for one source; ``sampled``: only notes of the labelled documents count (a folder's sample)."""
    wanted = {label.key for label in labels}
    groups: dict[str, list] = {}
    in_scope = 0
    for note in notes:
        key = key_of(note)
        if key in wanted or not sampled:
            in_scope += 1
            groups.setdefault(key, []).append(note)
    counts = dict.fromkeys(("labels", "notes", "matched", "titled", "titles", "dated", "dates",
                            "lines", "chrome"), 0)
    counts["labels"], counts["notes"] = len(labels), in_scope
    for label in labels:
        group = groups.get(label.key, [])
        for note in group:
            lines, alien = chrome_lines(note, label.text)
            counts["lines"] += lines
            counts["chrome"] += alien
        if len(group) != 1:
            continue
        counts["matched"] += 1
        note = group[0]
        if label.title:
            counts["titled"] += 1
            counts["titles"] += _words(label.title) == _words(note.title or "")
        if label.date:
            counts["dated"] += 1
            counts["dates"] += same_date(label.date, note.date)
    return counts


def _message_key(note) -> str:
    return str(note.source.message_id)


def _url_key(note) -> str:
    return note.source.url or ""


def _path_key(note) -> str:
    return note.source.path


def run_source(source: dict, mirror: Path, work: Path) -> dict[str, int]:
    from notelingo.api import collect_notes

    gdir = git_dir(mirror, source["repo"])
    dest = work / source["repo"].replace("/", "+")
    dest.mkdir(parents=True)
    shape = source["shape"]
    if shape == "messages":
        target, labels = message_labels(git_show(gdir, source["commit"], source["path"]), dest)
        key_of = _message_key
    elif shape == "feed":
        target, labels = feed_labels(git_show(gdir, source["commit"], source["path"]), dest)
        key_of = _url_key
    else:
        target = extract_folder(gdir, source["commit"], source["path"], dest)
        labels, key_of = folder_labels(target, shape), _path_key
    notes, report = collect_notes([str(target)])
    counts = score(labels, notes, key_of, sampled=key_of is _path_key)
    counts["failures"] = len(report.failures)
    return counts


# ---------------------------------------------------------------- report

def _ratio(num: int, den: int, empty: float = 1.0) -> float:
    return num / den if den else empty


def row(name: str, c: dict[str, int]) -> str:
    precision, recall = _ratio(c["matched"], c["notes"]), _ratio(c["matched"], c["labels"])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (f"| {name} | {c['labels']} | {c['notes']} | {c['failures']} | {f1:.3f} | "
            f"{_ratio(c['titles'], c['titled']):.3f} ({c['titled']}) | {_ratio(c['dates'], c['dated']):.3f} "
            f"({c['dated']}) | {_ratio(c['chrome'], c['lines'], 0.0):.1%} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="heldout")
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--batch", type=int, help="only the sources of this batch (1: the first 38, 2: the next 14)")
    args = parser.parse_args(argv)
    sources = [s for s in json.loads(MANIFEST.read_text()) if args.split in ("all", s["split"])
               and args.batch in (None, s.get("batch", 1))]
    lines = ["| source | labels | notes | reader failures | boundary F1 | titles (n) | dates (n) | chrome lines |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    totals: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources:
            counts = run_source(source, args.mirror, Path(tmp))
            lines.append(row(f"{source['shape']}: {source['repo']}@{source['commit'][:7]}", counts))
            for name in (source["shape"], "all"):
                total = totals.setdefault(name, {})
                for key, value in counts.items():
                    total[key] = total.get(key, 0) + value
    lines.extend(row(f"**{name}** ({sum(name in (s['shape'], 'all') for s in sources)} sources)", totals[name])
                 for name in sorted(totals, key=lambda name: name == "all"))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
