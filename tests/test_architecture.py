"""The code's shape: no import circles, short files, short functions, a short top folder, plain
public functions, one place for each shared rule (tools/import_cycles.py measures the graph)."""

from __future__ import annotations

import importlib.util
import inspect
import pickle
import re
import sys
import textwrap
from pathlib import Path

import pytest

import notelingo

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def _tool():
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "tools" / "import_cycles.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tool = _tool()


def test_no_import_cycle_in_the_package():
    cycles = tool.find_cycles(SRC)
    assert not cycles, "\n".join(tool.format_cycle(c, e) for c, e in cycles)


def test_no_file_over_500_lines():
    assert tool.long_files(SRC) == []


def test_no_function_over_50_lines():
    assert tool.long_functions(SRC) == []


def test_every_dynamic_import_is_followed():
    assert tool.unfollowed_imports(SRC) == []


def test_the_top_folder_is_short_and_holds_no_callable_module():
    top = tool.top_level_files(SRC)
    assert len(top) <= tool.MAX_TOP_LEVEL_FILES, top
    assert sorted(path.name for path in (SRC / "notelingo").rglob("_callable.py")) == []


PUBLIC_VERBS = ["ingest", "translate", "digest", "export", "read_notes", "write_notes"]


@pytest.mark.parametrize("name", PUBLIC_VERBS)
def test_public_verbs_are_plain_functions_that_pickle(name):
    verb = getattr(notelingo, name)
    assert inspect.isfunction(verb) and verb.__module__ == "notelingo.api"
    assert pickle.loads(pickle.dumps(verb)) is verb


# (what, the one module that may spell it, how it is spelt)
WRITTEN_ONCE = [
    ("the Cyrillic letter pattern", "alphabet.py", re.compile(r"\[а-яё\]\"")),
    ("the e-mail pattern", "protect/zones.py", re.compile(r"@\[A-Za-z0-9-\]|\\S\+@|@\[\\w-\]")),
    ("the xml:lang attribute", "fileio.py", re.compile(r"XML/1998/namespace\}lang")),
    ("a Span class", "protect/zones.py", re.compile(r"^class Span\b")),
    ("a reader dispatch", "readers/__init__.py", re.compile(r"^READERS\b")),
]


@pytest.mark.parametrize("what, home, spelt", WRITTEN_ONCE, ids=[row[0] for row in WRITTEN_ONCE])
def test_shared_rules_are_written_once(what, home, spelt):
    package = SRC / "notelingo"
    places = [f"{path.relative_to(package)}:{number}" for path in sorted(package.rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if spelt.search(line)]
    assert [place.split(":")[0] for place in places] == [home], f"{what}: {places}"


def _write(root: Path, name: str, text: str) -> None:
    path = root / "pkg" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.mark.parametrize("files, cycles", [
    # module level, both ways
    ({"__init__.py": "", "a.py": "from .b import x\n", "b.py": "from .a import y\n"}, [["pkg.a", "pkg.b"]]),
    # one side imports late, inside a function: still a circle
    ({"__init__.py": "", "a.py": "from .b import x\n", "b.py": "def f():\n    from .a import y\n"},
     [["pkg.a", "pkg.b"]]),
    # under TYPE_CHECKING, through a subpackage and ``from . import``: still a circle
    ({"__init__.py": "", "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub import c\n",
      "sub/__init__.py": "", "sub/c.py": "from .. import a\n"}, [["pkg.a", "pkg.sub.c"]]),
    # a chain, no circle; an absolute import of the package's own module counts like a relative one
    ({"__init__.py": "", "a.py": "import pkg.b\n", "b.py": "from .c import z\n", "c.py": "import os\n"}, []),
    ({"__init__.py": "", "a.py": "import pkg.b\n", "b.py": "from .c import z\n", "c.py": "import pkg.a\n"},
     [["pkg.a", "pkg.b", "pkg.c"]]),
])
def test_cycles_are_found_wherever_the_import_stands(tmp_path, files, cycles):
    for name, text in files.items():
        _write(tmp_path, name, text)
    assert [component for component, _ in tool.find_cycles(tmp_path, "pkg")] == cycles


_B_IMPORTS_A = "from .a import y\n"


@pytest.mark.parametrize("a_text, edges, unfollowed", [
    # a string literal, absolute or relative to a literal / __name__ / __package__ anchor
    ("import importlib\ndef f():\n    return importlib.import_module('pkg.b')\n", ["pkg.b"], []),
    ("from importlib import import_module\nimport_module('.b', 'pkg')\n", ["pkg.b"], []),
    ("from importlib import import_module\nimport_module('.b', package=__package__)\n", ["pkg.b"], []),
    ("__import__('pkg.b')\n", ["pkg.b"], []),
    # a name read from a module-level table of literals, through the function's assignments
    ("import importlib\nTABLE = {'x': 'pkg.b:Cls', 'y': 'pkg.c'}\n"
     "def load(name):\n    module, _, cls = TABLE[name].partition(':')\n"
     "    return getattr(importlib.import_module(module), cls)\n", ["pkg.b", "pkg.c"], []),
    ("import importlib\nLAZY = ['pkg.c']\ndef get(i):\n    return importlib.import_module(LAZY[i])\n", ["pkg.c"], []),
    # what cannot be named is reported, never silently dropped
    ("import importlib\ndef f(x):\n    return importlib.import_module(f'pkg.{x}')\n", [], ["pkg/a.py:3"]),
    ("import importlib\ndef f(x):\n    return importlib.import_module('pkg.' + x)\n", [], ["pkg/a.py:3"]),
    ("from importlib import import_module\nimport_module('.b', package=PKG)\n", [], ["pkg/a.py:2"]),
    # other calls are no imports
    ("import importlib.util\nimportlib.util.find_spec('pkg.b')\n", [], []),
])
def test_dynamic_imports_are_followed_or_reported(tmp_path, a_text, edges, unfollowed):
    files = {"__init__.py": "", "a.py": a_text, "b.py": _B_IMPORTS_A, "c.py": ""}
    for name, text in files.items():
        _write(tmp_path, name, text)
    found = tool.import_edges(tool.module_files(tmp_path, "pkg"))
    assert sorted(e.target for e in found if e.source == "pkg.a") == edges
    assert [where.split(" ")[0] for where in tool.unfollowed_imports(tmp_path, "pkg")] == [
        f"{tmp_path.name}/{place}" for place in unfollowed]
    expected_cycles = [["pkg.a", "pkg.b"]] if "pkg.b" in edges else []
    assert [component for component, _ in tool.find_cycles(tmp_path, "pkg")] == expected_cycles


def test_long_files_and_functions_are_reported(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(50))
    _write(tmp_path, "__init__.py", "")
    _write(tmp_path, "long.py", "def short():\n    return 1\n\n\ndef long():\n" + body + "\n" * 460)
    assert tool.long_functions(tmp_path, "pkg") == [(f"{tmp_path.name}/pkg/long.py:5 long", 51)]
    assert [count for _, count in tool.long_files(tmp_path, "pkg")] == [5 + 50 + 460]


def test_top_level_files_are_listed(tmp_path):
    for name in ("__init__.py", "a.py", "sub/b.py", "notes.txt"):
        _write(tmp_path, name, "")
    assert tool.top_level_files(tmp_path, "pkg") == ["__init__.py", "a.py"]


def _code_map() -> set[str]:
    """The ``src/notelingo/`` paths README.md's code map names: top-level entries at two spaces,
    a package's modules indented under it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```\nsrc/notelingo/\n", 1)[1].split("```", 1)[0]
    paths, package = set(), ""
    for line in block.splitlines():
        if not line.startswith("  ") or not line.strip():
            break  # the lines after the package (glossaries/ml.yaml, tools/...) are outside it
        name = line.split()[0]
        if line.startswith("    "):
            paths.add(package + name)
        else:
            package = name if name.endswith("/") else ""
            paths.add(name)
    return paths


def test_readme_code_map_is_drawn_from_the_tree():
    package = SRC / "notelingo"
    tree = {str(path.relative_to(package)) for path in package.rglob("*.py")}
    tree |= {f"{path.name}/" for path in package.iterdir() if path.is_dir() and path.name != "__pycache__"}
    drawn = _code_map()
    # every folder and module of the tree is on the map and nothing else is; a package's
    # __init__.py may go unnamed when it only marks the folder (its line would say nothing)
    unnamed_inits = {f"{p}__init__.py" for p in drawn if p.endswith("/")} - drawn
    assert drawn - tree == set()
    assert tree - drawn - unnamed_inits == set()


@pytest.mark.parametrize("lower, upper", [
    ("notelingo.protect", "notelingo.glossary"),  # protect asks the glossary it is given to render a term
    ("notelingo.glossary", "notelingo.mt"),  # the cache folder is fileio's
    ("notelingo.mt", "notelingo.api"),  # api.tools.evaluate is the verb; mt.evaluate translates through mt
])
def test_no_stage_imports_one_above_it(lower, upper):
    def within(module: str, package: str) -> bool:
        return module == package or module.startswith(package + ".")

    edges = tool.import_edges(tool.module_files(SRC))
    assert any(within(edge.source, lower) for edge in edges)
    up = [f"{e.source}:{e.line} -> {e.target}" for e in edges if within(e.source, lower) and within(e.target, upper)]
    assert up == []
