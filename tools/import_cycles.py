"""Import circles, long files and long functions in ``src/notelingo``.

Builds the package's import graph from its ``import`` / ``from ... import`` statements,
read with :mod:`ast` (nothing is imported). Every statement counts: module level, inside
functions (lazy imports) and under ``if TYPE_CHECKING:``, because a circle broken only by
importing late is still a circle in the design. An edge goes to the deepest module a
statement names: ``from .model import Glossary`` -> ``glossary.model``, ``from . import
html`` -> ``render.html``, ``from ..translate import cache_root`` -> the ``translate``
package. Parent packages that Python runs on the way are not edges (every module would
otherwise depend on its own ``__init__``).

Dynamic imports count too: ``importlib.import_module(...)`` and ``__import__(...)`` with a
string literal (relative ones with a literal, ``__name__`` or ``__package__`` anchor), or with
a name that comes, in the same function, from a module-level table of string literals
(``BACKENDS = {"ct2": "pkg.mt.ct2:Translator"}``; ``module:attribute`` values name the
module), give an edge to each module they can name. One the tool cannot follow (an f-string,
a computed name) is listed by :func:`unfollowed_imports`, so no import hides from the graph.

    python tools/import_cycles.py            # cycles, with the statements that close them
    python tools/import_cycles.py --sizes    # and files over 500 lines, functions over 50,
                                             # more than 12 modules beside __init__ at the top

Exit status 1 when a cycle is found. ``tests/test_architecture.py`` uses the functions.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "notelingo"
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 50
MAX_TOP_LEVEL_FILES = 12
#: Callables that import the module their first argument names.
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` at ``line``; ``where`` is module, function or type-checking."""

    source: str
    target: str
    line: int
    where: str


def module_files(src: Path = SRC, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file of the package (``__init__`` names the package)."""
    files = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` starts from."""
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - node.level + 1] if node.level > 1 else parts
    return ".".join(parts + ([node.module] if node.module else []))


def _deepest(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of ``name`` that is one of ``modules``."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _targets(module: str, is_package: bool, node: ast.AST, modules: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = _base(module, is_package, node)
        names = [f"{base}.{alias.name}" for alias in node.names]
    found = (_deepest(name, modules) for name in names)
    return sorted({target for target in found if target and target != module})


def _scopes(tree: ast.Module) -> dict[int, str]:
    """id(import node) -> 'function' or 'type-checking' for imports not at module level."""
    scopes: dict[int, str] = {}

    def mark(nodes, label):
        for node in nodes:
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    scopes.setdefault(id(inner), label)

    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            mark(node.body, "type-checking")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mark(node.body, "function")
    return scopes


def import_edges(modules: dict[str, Path]) -> list[Edge]:
    """Every import statement (and followed dynamic import) between two modules of the package."""
    edges = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        scopes = _scopes(tree)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                where = scopes.get(id(node), "module")
                for target in _targets(module, is_package, node, modules):
                    edges.append(Edge(module, target, node.lineno, where))
        for call, names in _dynamic_imports(module, is_package, tree):
            found = {_deepest(name, modules) for name in names or ()}
            for target in sorted(t for t in found if t and t != module):
                edges.append(Edge(module, target, call.lineno, "import_module"))
    return sorted(edges, key=lambda e: (e.source, e.line, e.target))


# ----- dynamic imports ---------------------------------------------------------------------


def _is_dynamic_import(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in DYNAMIC_IMPORTERS


def _anchor(call: ast.Call, module: str, is_package: bool) -> str | None:
    """The package a relative ``import_module(".x", package)`` starts from, when it can be read."""
    given = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "package"), None)
    if isinstance(given, ast.Constant) and isinstance(given.value, str):
        return given.value
    if isinstance(given, ast.Name) and given.id == "__name__":
        return module
    if isinstance(given, ast.Name) and given.id == "__package__":
        return module if is_package else module.rpartition(".")[0]
    return None


def _resolve(name: str, anchor: str | None) -> str | None:
    """``name`` made absolute the way importlib does (None: relative with no known anchor)."""
    level = len(name) - len(name.lstrip("."))
    if not level:
        return name
    if not anchor:
        return None
    base = anchor.rsplit(".", level - 1)[0]
    return f"{base}.{name[level:]}" if name[level:] else base


def _tables(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to a dict, list, tuple or set of string literals -> the module names in it."""
    tables = {}
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        target, value = node.targets[0] if isinstance(node, ast.Assign) else node.target, node.value
        items = value.values if isinstance(value, ast.Dict) else getattr(value, "elts", None)
        if isinstance(target, ast.Name) and items and all(
                isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items):
            tables[target.id] = [item.value.partition(":")[0] for item in items]
    return tables


def _names_behind(expr: ast.AST, scope: ast.AST) -> set[str]:
    """Every name ``expr`` reads, followed back through the assignments of ``scope`` (its function)."""
    assigned: dict[str, list[ast.AST]] = {}
    for node in ast.walk(scope):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        assigned.setdefault(name.id, []).append(node.value)
    seen: set[str] = set()
    todo = [expr]
    while todo:
        for name in ast.walk(todo.pop()):
            if isinstance(name, ast.Name) and name.id not in seen:
                seen.add(name.id)
                todo.extend(assigned.get(name.id, []))
    return seen


def _dynamic_imports(module: str, is_package: bool, tree: ast.Module) -> list[tuple[ast.Call, list[str] | None]]:
    """Each dynamic import call with the absolute module names it may import (None: cannot be followed)."""
    tables = _tables(tree)
    scope_of: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for inner in ast.walk(node):
                scope_of[id(inner)] = node  # walk is outer first: the innermost function wins
    found = []
    for node in ast.walk(tree):
        if not _is_dynamic_import(node):
            continue
        arg, anchor = node.args[0], _anchor(node, module, is_package)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            names = [_resolve(arg.value, anchor)]
        else:
            behind = _names_behind(arg, scope_of.get(id(node), tree))
            names = [_resolve(name, anchor) for table in sorted(behind & set(tables)) for name in tables[table]]
        found.append((node, None if not names or None in names else names))
    return found


def unfollowed_imports(src: Path = SRC, package: str = PACKAGE) -> list[str]:
    """'path:line code' of every dynamic import whose module the tool cannot name (an f-string, a computed name)."""
    unfollowed = []
    for module, path in module_files(src, package).items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for call, names in _dynamic_imports(module, path.name == "__init__.py", tree):
            if names is None:
                unfollowed.append(f"{path.relative_to(src.parent)}:{call.lineno} {ast.unparse(call)}")
    return unfollowed


def strongly_connected(nodes: list[str], edges: list[Edge]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module, each sorted."""
    graph: dict[str, set[str]] = {node: set() for node in nodes}
    for edge in edges:
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(nodes) + 100))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def find_cycles(src: Path = SRC, package: str = PACKAGE) -> list[tuple[list[str], list[Edge]]]:
    """Each import circle: its modules and the import statements between them."""
    modules = module_files(src, package)
    edges = import_edges(modules)
    cycles = []
    for component in strongly_connected(list(modules), edges):
        members = set(component)
        inside = [edge for edge in edges if edge.source in members and edge.target in members]
        cycles.append((component, inside))
    return cycles


def long_files(src: Path = SRC, package: str = PACKAGE, limit: int = MAX_FILE_LINES) -> list[tuple[str, int]]:
    """(path, lines) for every file of the package over ``limit`` lines."""
    found = []
    for path in sorted((src / package).rglob("*.py")):
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > limit:
            found.append((str(path.relative_to(src.parent)), count))
    return found


def long_functions(src: Path = SRC, package: str = PACKAGE, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int]]:
    """('path:line name', lines) for every function over ``limit`` lines, ``def`` to last line."""
    found = []
    for path in sorted((src / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                count = node.end_lineno - node.lineno + 1
                if count > limit:
                    found.append((f"{path.relative_to(src.parent)}:{node.lineno} {node.name}", count))
    return sorted(found)


def top_level_files(src: Path = SRC, package: str = PACKAGE) -> list[str]:
    """The ``.py`` files directly in the package folder (a newcomer's first view of it)."""
    return sorted(path.name for path in (src / package).glob("*.py"))


def _short(module: str, package: str = PACKAGE) -> str:
    return module[len(package) + 1 :] if module.startswith(package + ".") else module


def format_cycle(component: list[str], edges: list[Edge]) -> str:
    lines = [" <-> ".join(_short(m) for m in component)]
    for edge in edges:
        lines.append(f"    {_short(edge.source)}:{edge.line} -> {_short(edge.target)} ({edge.where})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=SRC, help="the folder that holds the package (default: src)")
    parser.add_argument("--sizes", action="store_true", help="also list long files and long functions")
    args = parser.parse_args(argv)
    cycles = find_cycles(args.src)
    print(f"{len(cycles)} import cycle(s)")
    for component, edges in cycles:
        print(format_cycle(component, edges))
    unfollowed = unfollowed_imports(args.src)
    print(f"{len(unfollowed)} dynamic import(s) not followed")
    for where in unfollowed:
        print(f"    {where}")
    if args.sizes:
        files = long_files(args.src)
        print(f"{len(files)} file(s) over {MAX_FILE_LINES} lines")
        for path, count in files:
            print(f"    {path}: {count}")
        functions = long_functions(args.src)
        print(f"{len(functions)} function(s) over {MAX_FUNCTION_LINES} lines")
        for where, count in functions:
            print(f"    {where}: {count}")
        top = top_level_files(args.src)
        print(f"{len(top)} .py file(s) directly in {PACKAGE}/ (at most {MAX_TOP_LEVEL_FILES}): {', '.join(top)}")
    return 1 if cycles or unfollowed else 0


if __name__ == "__main__":
    sys.exit(main())
