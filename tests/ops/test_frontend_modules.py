"""Issue 22: the front end asks for its modules a whole graph at a time (modulepreload), not
one import level per round trip. The lists that say which modules are hand-written (index.html
for the app's static imports, FORM_MODULES in app.js for the form's); held here against the
real `import` lines, so a new module cannot fall out of them unnoticed; FORM_MODULES is in
warm.js, which asks for them before the app's modules arrive."""

from __future__ import annotations

import re
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
STATIC_IMPORT = re.compile(r'^import\s[^;]*?from\s+"(\.{1,2}/[^"]+)";', re.MULTILINE | re.DOTALL)


def static_imports(module: Path) -> set[Path]:
    """The modules `module` imports statically, transitively, itself included."""
    seen: set[Path] = set()
    todo = [module.resolve()]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for target in STATIC_IMPORT.findall(current.read_text(encoding="utf-8")):
            todo.append((current.parent / target).resolve())
    return seen


def test_index_preloads_exactly_the_apps_static_imports():
    html = (FRONTEND / "index.html").read_text(encoding="utf-8")
    preloaded = {
        (FRONTEND / href).resolve()
        for href in re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    }
    assert preloaded == static_imports(FRONTEND / "js" / "app.js")


def test_form_modules_are_the_forms_whole_graph_beyond_the_app():
    warm = (FRONTEND / "js" / "warm.js").read_text(encoding="utf-8")
    listed = re.search(r"const FORM_MODULES = \[(.*?)\];", warm, re.DOTALL)
    assert listed, "FORM_MODULES not found in warm.js"
    names = re.findall(r'"([^"]+)"', listed.group(1))
    assert len(names) == len(set(names))
    form_graph = static_imports(FRONTEND / "js" / "form.js")
    beyond_app = form_graph - static_imports(FRONTEND / "js" / "app.js")
    assert {(FRONTEND / "js" / name).resolve() for name in names} == beyond_app
    assert names[0] == "form.js"
