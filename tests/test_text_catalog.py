"""The text catalog: every msgid our code passes to gettext has Japanese, and nothing else does.

Texts the server says are English msgids in the code (`gettext`/`gettext_lazy`) with their
Japanese in locale/ja_messages.py. Read from the source with `ast`, so a text added without its
Japanese, a Japanese entry nobody uses any more, or a placeholder lost in translation fails the
suite. The same scan counts what the catalog replaced: `if lang == "en"` branches and literals
holding both languages. Run `python -m tests.test_text_catalog [ROOT]` for the numbers.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SOURCE_FOLDERS = ("application", "batch", "common", "config", "presentation", "repository")
MSGID_FUNCTIONS = {"gettext", "gettext_lazy"}
# Plural and context forms need a .po shape ja_messages.py does not write; Japanese has no
# plural forms anyway. A msgid that is not a literal cannot be checked.
REFUSED_FUNCTIONS = {
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
JAPANESE_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]{4,}")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[ ,.:;]+[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]")
LANGUAGE_CODES = {"ja", "en"}
# Japanese that names more than the English msgid, with the call giving every value.
EXTRA_PLACEHOLDERS = {
    # batch/jobs.py download_name: the English file name stays ASCII (no station, no season).
    "jma-weather-%(id)s-%(start)s-%(end)s.xlsx": {"where", "season"},
}
# JMA's own markup, generated for the replay server: data in JMA's language, not our texts.
NOT_TEXTS_PREFIX = "batch/jma/replay"


@dataclass(frozen=True)
class Found:
    path: str
    line: int
    text: str


def source_files(root: Path = ROOT) -> Iterator[Path]:
    for folder in SOURCE_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _translation_names(tree: ast.AST) -> tuple[dict[str, str], set[str]]:
    """Local name -> gettext function, and the names the module `translation` is bound to."""
    functions: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                functions[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules |= {a.asname or a.name for a in node.names if a.name == "translation"}
    return functions, modules


def msgids(root: Path = ROOT) -> tuple[list[Found], list[Found]]:
    """(every literal msgid with where it is used, every call the catalog cannot check)."""
    found: list[Found] = []
    problems: list[Found] = []
    for path in source_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions, modules = _translation_names(tree)
        where = str(path.relative_to(root))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in functions:
                name = functions[func.id]
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in modules
            ):
                name = func.attr
            else:
                continue
            if name in REFUSED_FUNCTIONS:
                problems.append(Found(where, node.lineno, f"{name}() is not supported"))
            elif name in MSGID_FUNCTIONS:
                arg = node.args[0] if node.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append(Found(where, node.lineno, arg.value))
                else:
                    problems.append(Found(where, node.lineno, f"{name}() of a non-literal"))
    return found, problems


def django_japanese() -> set[str]:
    """msgids Django's own Japanese already translates (core, admin, auth): an admin label
    such as "Permissions" reads as in the rest of the admin without an entry of ours."""
    import django

    base = Path(django.__file__).parent
    found: set[str] = set()
    for folder in ("conf", "contrib/admin", "contrib/auth"):
        with (base / folder / "locale/ja/LC_MESSAGES/django.mo").open("rb") as handle:
            found |= {k for k in gnu_gettext.GNUTranslations(handle)._catalog if isinstance(k, str)}
    return found


def load_catalog(root: Path = ROOT) -> ModuleType:
    spec = importlib.util.spec_from_file_location("ja_messages", root / "locale/ja_messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _is_language_code(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in LANGUAGE_CODES
    # FileRequest.Language.EN / .JA
    return (
        isinstance(node, ast.Attribute)
        and node.attr in {"EN", "JA"}
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "Language"
    )


def language_branches(root: Path = ROOT) -> list[Found]:
    """Comparisons with a language code (`lang == "en"`, `language != "ja"`, ...)."""
    found = []
    for path in source_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops) and any(
                    _is_language_code(side) for side in sides
                ):
                    found.append(Found(str(path.relative_to(root)), node.lineno, ast.unparse(node)))
    return found


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def _pair(first: str | None, second: str | None) -> bool:
    """A Japanese text beside its English one: ("データ", "Data")."""
    return (
        first is not None
        and second is not None
        and bool(JAPANESE.search(first))
        and not JAPANESE.search(second)
        and bool(re.search(r"[A-Za-z]{2,}", second))
    )


def bilingual_literals(root: Path = ROOT) -> list[Found]:
    """Literals that carry both languages: a Japanese text and its English side by side (in a
    tuple or a call's arguments) or one string with both ("Verify ... / メールアドレスの確認")."""
    found = []
    for path in source_files(root):
        where = str(path.relative_to(root))
        if where.startswith(NOT_TEXTS_PREFIX):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {  # docstrings, and the pieces of an f-string (the whole is looked at)
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        } | {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple | ast.List):
                sequence = node.elts
            elif isinstance(node, ast.Call):
                sequence = node.args
            else:
                sequence = []
            texts = [_text(element) for element in sequence]
            for index in range(len(texts) - 1):
                if _pair(texts[index], texts[index + 1]):
                    found.append(Found(where, sequence[index].lineno, texts[index] or ""))
            if id(node) in skipped:
                continue
            text = _text(node)
            if text and JAPANESE_WORDS.search(text) and ENGLISH_WORDS.search(text):
                found.append(Found(where, node.lineno, text))
    return found


# --- The tests ---------------------------------------------------------------------------------


def test_every_msgid_is_a_literal_of_a_supported_function():
    _, problems = msgids()
    assert problems == []


def test_every_msgid_has_japanese():
    found, _ = msgids()
    catalog = load_catalog()
    table = {**catalog.JA, **catalog.THIRD_PARTY_JA}.keys() | django_japanese()
    missing = sorted({f"{f.path}:{f.line}: {f.text!r}" for f in found if f.text not in table})
    assert len(found) > 100
    assert missing == []


def test_no_japanese_entry_is_stale():
    """Every entry of JA is used by our code (third-party msgids are kept apart)."""
    used = {f.text for f in msgids()[0]}
    assert sorted(set(load_catalog().JA) - used) == []


def test_third_party_msgids_still_exist_in_their_packages():
    """simplejwt's messages we translate: a package upgrade that rewords one shows here."""
    import rest_framework_simplejwt

    package = Path(rest_framework_simplejwt.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    for msgid in load_catalog().THIRD_PARTY_JA:
        assert f'"{msgid}"' in source or f"'{msgid}'" in source, msgid


def test_japanese_keeps_the_placeholders_and_is_not_empty():
    catalog = load_catalog()
    for msgid, ja in {**catalog.JA, **catalog.THIRD_PARTY_JA}.items():
        assert ja.strip() or not msgid.strip(), msgid
        # A translation may leave a value out (the romaji of a station name), never add one.
        allowed = set(PLACEHOLDER.findall(msgid)) | EXTRA_PLACEHOLDERS.get(msgid, set())
        assert set(PLACEHOLDER.findall(ja)) <= allowed, msgid
        assert ja.count("%(") == len(PLACEHOLDER.findall(ja)), msgid  # no broken one


def test_the_compiled_catalog_matches_the_table():
    """django.mo is regenerated (`python locale/ja_messages.py`) whenever the table changes."""
    catalog = load_catalog()
    with (ROOT / "locale/ja/LC_MESSAGES/django.mo").open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    table = {**catalog.JA, **catalog.THIRD_PARTY_JA}
    assert {k: v for k, v in compiled._catalog.items() if k} == table  # type: ignore[attr-defined]


def test_no_language_branches_in_source():
    """Texts choose their language through the catalog, not `if lang == "en"`."""
    assert [f"{f.path}:{f.line}: {f.text}" for f in language_branches()] == []


def test_no_bilingual_literals_in_source():
    assert [f"{f.path}:{f.line}: {f.text[:60]}" for f in bilingual_literals()] == []


def main(root: Path) -> None:
    found, problems = msgids(root)
    catalog = load_catalog(root)
    table = set(catalog.JA) | set(getattr(catalog, "THIRD_PARTY_JA", {}))
    used = {f.text for f in found}
    branches, literals = language_branches(root), bilingual_literals(root)
    print(f"msgids used in source:          {len(used)} ({len(found)} calls)")
    print(f"catalog entries (ja):           {len(table)}")
    print(f"msgids without Japanese:        {len(used - table - django_japanese())}")
    print(f"entries of ours no code uses:   {len(set(catalog.JA) - used)}")
    print(f"unsupported/non-literal calls:  {len(problems)}")
    print(f"language branches:              {len(branches)}")
    for f in branches:
        print(f"    {f.path}:{f.line}: {f.text}")
    print(f"bilingual literals:             {len(literals)}")
    for path in sorted({f.path for f in literals}):
        print(f"    {path}: {sum(f.path == path for f in literals)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT)
