"""The code's shape: no import circles, short files, short functions (tools/import_cycles.py measures)."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
#: Packages whose modules may take part in no import circle (the lead widens this to the whole package).
ACYCLIC = ("notelingo.render", "notelingo.glossary", "notelingo.export", "notelingo.cli")


def _tool():
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "tools" / "import_cycles.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


tool = _tool()


def _in_acyclic(module: str) -> bool:
    return any(module == package or module.startswith(package + ".") for package in ACYCLIC)


def test_no_import_cycle_touches_the_checked_packages():
    offending = [(component, edges) for component, edges in tool.find_cycles(SRC)
                 if any(_in_acyclic(module) for module in component)]
    assert not offending, "\n".join(tool.format_cycle(c, e) for c, e in offending)


#: Files over the limit when this test was written, owned by other work in progress (issue 14: protect.py -> spans.py).
#: No other file may join them; empty the set once they are short.
KNOWN_LONG_FILES = {"src/notelingo/protect.py", "src/notelingo/sections.py"}


def test_no_file_over_500_lines():
    offenders = dict(tool.long_files(SRC))
    new = {path: count for path, count in offenders.items() if path not in KNOWN_LONG_FILES}
    assert not new, new


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
