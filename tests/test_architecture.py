"""The code's shape: no import circles, short files, short functions (tools/import_cycles.py measures)."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

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


def test_long_files_and_functions_are_reported(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(50))
    _write(tmp_path, "__init__.py", "")
    _write(tmp_path, "long.py", "def short():\n    return 1\n\n\ndef long():\n" + body + "\n" * 460)
    assert tool.long_functions(tmp_path, "pkg") == [(f"{tmp_path.name}/pkg/long.py:5 long", 51)]
    assert [count for _, count in tool.long_files(tmp_path, "pkg")] == [5 + 50 + 460]


@pytest.mark.parametrize("lower, upper", [
    ("notelingo.protect", "notelingo.glossary"),  # protect asks the glossary it is given to render a term
    ("notelingo.glossary", "notelingo.mt"),  # the cache folder is fileio's
    ("notelingo.evaluate", "notelingo.api"),  # api.evaluate is the verb; evaluate translates through mt
])
def test_no_stage_imports_one_above_it(lower, upper):
    def within(module: str, package: str) -> bool:
        return module == package or module.startswith(package + ".")

    edges = tool.import_edges(tool.module_files(SRC))
    assert any(within(edge.source, lower) for edge in edges)
    up = [f"{e.source}:{e.line} -> {e.target}" for e in edges if within(e.source, lower) and within(e.target, upper)]
    assert up == []
