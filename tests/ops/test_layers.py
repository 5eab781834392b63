"""The import rules of the source tree, read from the source (no module is imported).

Layers: presentation (HTTP) -> application (use cases) -> repository (models); the batch
daemon -> repository and common; common depends on nothing of ours. And no import cycles
among our modules, counting imports inside functions and under TYPE_CHECKING too: a cycle
hidden from the interpreter is still one for the reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("application", "batch", "common", "config", "presentation", "repository")

# package -> packages of ours it must never import
FORBIDDEN = {
    "application": {"batch", "presentation"},
    "repository": {"application", "batch", "presentation"},
    "common": {"application", "batch", "config", "presentation", "repository"},
    "batch": {"application", "presentation"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imported_names(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in the file, wherever it stands."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours a dotted name lands in (`from a.b import c`: a.b.c or a.b)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported module of ours: line}, package __init__ files left out."""
    modules = source_modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges = graph.setdefault(name, {})
        for line, imported in imported_names(path):
            target = resolve(imported, modules)
            if target and target != name and modules[target].name != "__init__.py":
                edges.setdefault(target, line)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_layer_imports_a_layer_above_it() -> None:
    graph = import_graph()
    modules = source_modules()
    wrong = [
        f"{modules[name].relative_to(ROOT)}:{line} imports {target}"
        for name, edges in graph.items()
        for target, line in edges.items()
        if target.split(".")[0] in FORBIDDEN.get(name.split(".")[0], set())
    ]
    assert wrong == []


def test_no_import_cycles_among_our_modules() -> None:
    assert cycles(import_graph()) == []


def test_the_rule_sees_what_it_checks() -> None:
    """The graph is read right: known edges are there, so an empty answer means something."""
    graph = import_graph()
    assert "common.period" in graph["common.request_size"]
    assert "application.estimates" in graph["application.requests"]
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


MAX_MODULE_LINES = 600


def test_no_source_module_is_over_600_lines() -> None:
    """A module a reader takes in whole: past 600 lines it holds more than one concern."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in source_modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


MAX_FUNCTION_LINES = 60
LONG_REASON = "Long on purpose:"


def test_a_function_over_60_lines_says_why_in_its_docstring() -> None:
    """Past 60 lines a function is split, or its docstring gives the reason ("Long on purpose:")."""
    long = []
    for path in source_modules().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                reason = LONG_REASON in (ast.get_docstring(node) or "")
                if lines > MAX_FUNCTION_LINES and not reason:
                    long.append(f"{path.relative_to(ROOT)}:{node.name} ({lines} lines)")
    assert long == []
