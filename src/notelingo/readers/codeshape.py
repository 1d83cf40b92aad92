"""Is this run of lines code? Decided by shape, for code pasted as plain text.

Telegram messages often carry Python, shell commands or JSON without a code
entity, and text dumps lose their fences. Readers ask this module where such code
runs are, so they become ``code`` blocks and are never translated.

Each line is judged on its own first:

* **code**: a line only code has: an interpreter or shell prompt (``>>>``, ``$ ``,
  ``In [3]:``), a Python statement (``def``/``class``/``import``/``from … import``,
  ``return``, a lower-case ``if``/``for``/``while``/``with``/``try``/``except`` …
  ending in ``:``), an assignment to a name (``batch_size = 32``, ``x = f(y)``), a
  call statement (``model.fit(X, y)``), a shell command (``pip install …``; English
  words such as ``cat``/``make`` only with option or path arguments), a JSON member
  (``"lr": 0.001,``) or a C-like line ending in ``;`` or ``{``;
* **prose**: natural text: Cyrillic outside strings and comments, list items, or
  two or more words that match no code shape ("Вот пример:", "Note: run it first.",
  "y = Wx + b" and other formulas with one-letter names);
* **neutral**: lines that go either way: comments, brackets, indented or blank
  lines, decorators (also a Telegram @mention), one-word lines.

A run of code and neutral lines is code when it holds at least one code line;
neutral lines at its edges stay with the prose around it. So a lone ``#tag``, a
formula or a list is never code, and a sentence ending with a colon stays prose.
"""

from __future__ import annotations

import re

from ..alphabet import CYRILLIC_RE

CODE, NEUTRAL, PROSE = "code", "neutral", "prose"

_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_COMMENT = re.compile(r"(?:^|\s)(?:#|//).*$")
_WORD = re.compile(r"[^\W\d_]{2,}")
_WORD_RUN = re.compile(r"(?<![\w.(])(?:[^\W\d_]+ ){3}[^\W\d_]+(?![\w(])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•◦▪–●]|\d{1,3}[.)])\s+\S")

_PROMPT = re.compile(r"^\s*(?:>>>|\.\.\.)(?:\s|$)|^\s*\$\s+[\w./~-]|^\s*In \[\d*\]:")
_PY_BLOCK = re.compile(
    r"^\s*(?:async\s+)?def\s+\w+\s*\(.*|^\s*class\s+[A-Za-z_]\w*\s*(?:\(.*\))?\s*:\s*$"
    r"|^\s*(?:else|try|finally)\s*:\s*$|^\s*except\b[^:]*:\s*$"
)
_PY_IMPORT = re.compile(
    r"^\s*import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*\s*;?\s*$"
    r"|^\s*from\s+\.*[\w.]*\s+import\s+(?:\*|\(?[\w, ]+\)?(?:\s+as\s+\w+)?)\s*$"
)
_PY_COMPOUND = re.compile(r"^\s*(?:if|elif|while|for|with)\s+(?P<head>.+):\s*(?:#.*)?$")
_PY_SIMPLE = re.compile(
    r"^\s*(?:return|yield|raise|assert|del|pass|break|continue|global|nonlocal|await)\b(?P<rest>.*)$"
)
_ASSIGN = re.compile(
    r"^\s*(?P<lhs>[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*(?:[-+*/%&|^@]|//|\*\*)?=(?!=)\s*(?P<rhs>\S.*)$"
)
_CALL = re.compile(r"^\s*(?:await\s+)?(?P<name>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\(.*\)(?:\.\w+\(.*\))*\s*[;,]?\s*$")
_CODE_RHS = re.compile(r"[A-Za-z_]\w+\(|[\"'\[{]|[A-Za-z_]\w*\.[A-Za-z_]|\b(?:True|False|None|null|true|false)\b|^-?\d")
_JSON_MEMBER = re.compile(
    r"^\s*\"[^\"\n]+\"\s*:\s*(?:\".*\"|-?[\d.]+(?:[eE][-+]?\d+)?|true|false|null|[\[{].*)\s*,?\s*$"
)
_JSON_LINE = re.compile(r"^\s*[\[{].*\"\s*:.*[\]}]\s*,?\s*$")
_C_LIKE = re.compile(r"^\s*\S.*(?:[)\]\w\"']\s*;|\)\s*\{|=>\s*\{|\{)\s*$")
_CODE_CHARS = re.compile(r"[(){}\[\]=;]")
_BRACKETS = re.compile(r"^\s*[\[\]{}()]+[,;]?\s*$")
_SHELL_TOOLS = frozenset({
    "pip", "pip3", "python", "python3", "git", "conda", "docker", "npm", "npx", "yarn", "apt", "apt-get", "brew",
    "sudo", "wget", "curl", "nvidia-smi", "huggingface-cli", "torchrun", "accelerate", "export", "chmod", "chown",
    "mkdir", "ssh", "scp", "rsync", "kubectl", "uv", "poetry", "pytest", "ruff", "tar", "unzip",
})
#: Commands that are English words too: code only with an option, a path or shell syntax after them.
_SHELL_WORDS = frozenset({"cat", "make", "echo", "cd", "ls", "rm", "cp", "mv", "head", "tail", "source", "touch",
                          "find", "grep", "less", "tree"})
_SUBCOMMANDS = frozenset({
    "install", "uninstall", "clone", "pull", "push", "run", "build", "exec", "activate", "create", "login", "commit",
    "checkout", "download", "upload", "list", "show", "freeze", "add", "env", "init", "lock", "sync", "status",
})
_SHELL_ARG = re.compile(r"(?:^|\s)-{1,2}\w|[/~*|>]|&&|\.\w+\b|=")


def _without_strings_and_comments(line: str) -> str:
    return _COMMENT.sub("", _STRING.sub('""', line))


def _python_line(line: str) -> bool:
    if _PY_BLOCK.match(line) or _PY_IMPORT.match(line):
        return True
    compound = _PY_COMPOUND.match(line)
    if compound:
        head = compound.group("head")
        return bool(
            _CODE_CHARS.search(head) or re.search(r"[\w)\]]\.\w|\bin\b|\bnot\b|\bas\b", head) or len(head.split()) <= 2
        )
    simple = _PY_SIMPLE.match(line)
    if simple:
        rest = simple.group("rest").strip()
        return not rest or bool(_CODE_CHARS.search(rest) or re.search(r"[\w)\]]\.\w", rest) or len(rest.split()) == 1)
    return False


def _assignment(line: str) -> bool:
    match = _ASSIGN.match(line)
    if not match:
        return False
    # Formulas name things with one letter or an acronym ("y = Wx + b", "PMI = p(ab) / ...");
    # code with lower-case words, snake_case, attributes or items ("lr = 3e-4", "cfg.lr = x").
    lhs = match.group("lhs")
    lhs_named = bool(re.search(r"[_.\[]|[a-z]{2}", lhs))
    return lhs_named or bool(_CODE_RHS.search(match.group("rhs")))


def _call(line: str) -> bool:
    match = _CALL.match(line)
    outside = re.sub(r"\([^()]*\)", "", re.sub(r"\([^()]*\)", "", line))  # two levels of nesting
    return bool(match) and len(match.group("name")) > 1 and "=" not in outside and not re.search(r"\)\s+\w", line)


def _shell(line: str) -> bool:
    words = line.strip().split()
    if words and words[0] == "sudo":
        words = words[1:]
    if not words:
        return False
    if len(words) == 1:
        return words[0] in ("nvidia-smi", "ls", "pwd")
    args = " ".join(words[1:])
    if words[0] in _SHELL_TOOLS:
        return words[1] in _SUBCOMMANDS or bool(_SHELL_ARG.search(args))
    return words[0] in _SHELL_WORDS and bool(_SHELL_ARG.search(args))


def _c_like(line: str, bare: str) -> bool:
    """A C/JS/Java statement: ends in ';' or '{' with code characters, and no run of four plain
    words (prose ends a clause with ';' too)."""
    return bool(_C_LIKE.match(line) and _CODE_CHARS.search(bare)) and "`" not in bare and not _WORD_RUN.search(bare)


def classify_line(line: str) -> str:
    """``code``, ``prose`` or ``neutral`` for one line (see the module docstring)."""
    stripped = line.strip()
    if not stripped or _BRACKETS.match(stripped) or stripped in ("...", "…"):
        return NEUTRAL
    if _PROMPT.match(line):
        return CODE
    if stripped.startswith(("#", "//", "/*", "*/", "@")):
        return NEUTRAL
    bare = _without_strings_and_comments(line)
    if CYRILLIC_RE.search(bare) or _LIST_ITEM.match(line):
        return PROSE
    if (_python_line(line) or _assignment(line) or _call(line) or _shell(line) or _JSON_MEMBER.match(line)
            or _JSON_LINE.match(line) or _c_like(line, bare)):
        return CODE
    return PROSE if len(_WORD.findall(bare)) >= 2 else NEUTRAL


def code_runs(lines: list[str]) -> list[tuple[int, int]]:
    """``(start, end)`` line ranges of ``lines`` that are code, in order, non-overlapping."""
    kinds = [classify_line(line) for line in lines]
    runs, index = [], 0
    while index < len(lines):
        if kinds[index] == PROSE:
            index += 1
            continue
        end = index
        while end < len(lines) and kinds[end] != PROSE:
            end += 1
        codes = [i for i in range(index, end) if kinds[i] == CODE]
        if codes:
            runs.append(_widen(lines, kinds, codes[0], codes[-1] + 1, index, end))
        index = end
    return runs


def _widen(lines: list[str], kinds: list[str], start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """Take in the neutral lines that belong to the code: comments and brackets just
    before it (not blank-separated), and indented or closing lines after it."""
    while start > low and lines[start - 1].strip() and kinds[start - 1] == NEUTRAL:
        start -= 1
    while end < high and lines[end].strip() and kinds[end] == NEUTRAL:
        end += 1
    return start, end


def split_code(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into ``(is_code, part)`` pieces in order; prose parts keep their lines as they were."""
    lines = text.split("\n")
    pieces: list[tuple[bool, str]] = []
    position = 0
    for start, end in code_runs(lines):
        if start > position:
            pieces.append((False, "\n".join(lines[position:start])))
        pieces.append((True, "\n".join(lines[start:end])))
        position = end
    if position < len(lines):
        pieces.append((False, "\n".join(lines[position:])))
    return [(is_code, part) for is_code, part in pieces if part.strip()]


def is_code(text: str) -> bool:
    """Every non-blank line of ``text`` is part of one code run."""
    lines = text.strip("\n").split("\n")
    return code_runs(lines) == [(0, len(lines))] if text.strip() else False
