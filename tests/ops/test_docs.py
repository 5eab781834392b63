"""The documentation is in the repository and agrees with the code (issues 18 and 19).

- No file cites the design notes outside the repository (the shared folder, its DESIGN and JMA
  notes): a person who clones the project does not have them; docs/ holds those facts.
- Every link between the documents resolves, to a file and to a heading.
- A `docs/<file>.md ("Heading")` pointer in the code names a heading that exists.
- The environment variables listed in docs/operations.md are exactly those config/settings.py
  reads through config/env.py, so the list cannot drift.
- The README's promises about run.sh: the ports are named, the curl session uses the API's
  port, the mail files are described as Django's file backend writes them.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SOURCE_DIRS = (
    "application",
    "batch",
    "common",
    "config",
    "presentation",
    "repository",
    "scripts",
    "frontend",
    "locale",
    "tests",
    "docs",
)
TEXT_SUFFIXES = {".py", ".js", ".sh", ".md", ".html", ".css", ".conf", ".service", ".toml"}
# Spelled in pieces so that this file does not cite them itself.
OUTSIDE_NOTES = re.compile("|".join([r"\.\./" + "shared", "DESIGN" + r"\.md", "JMA" + r"\.md"]))


def text_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml"]
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                files.append(path)
    files += sorted((ROOT / "config" / "deploy").glob("*"))
    return [path for path in files if path.resolve() != Path(__file__).resolve()]


def test_nothing_cites_the_design_notes_outside_the_repository() -> None:
    citing = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in text_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE_NOTES.search(line)
    ]
    assert citing == []


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = []
    for char in text:
        if char in " -_":
            kept.append("-" if char == " " else char)
        elif unicodedata.category(char)[0] in "LN":
            kept.append(char)
    return "".join(kept)


def headings(path: Path) -> list[str]:
    lines, fenced = [], False
    for line in path.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"^#{1,6} ", line):
            lines.append(line.lstrip("#").strip())
    return lines


def anchors(path: Path) -> set[str]:
    return {slug(heading) for heading in headings(path)}


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def test_every_link_between_the_documents_resolves() -> None:
    broken = []
    for doc in documents():
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text()):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: not ours to check offline
            file_part, _, anchor = target.partition("#")
            linked = (doc.parent / file_part).resolve() if file_part else doc
            if not linked.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []


def test_docs_named_in_the_code_and_the_documents_exist() -> None:
    missing = []
    for path in [*text_files(), ROOT / "README.md"]:
        for name in set(re.findall(r"\bdocs/([\w.-]+\.(?:md|png))", path.read_text())):
            if not (DOCS / name).exists() and not (DOCS / "screenshots" / name).exists():
                missing.append(f"{path.relative_to(ROOT)}: docs/{name}")
    assert missing == []


def test_headings_named_beside_a_docs_pointer_exist() -> None:
    """`docs/jma-pages.md ("Value marks")` and `(docs/jma-pages.md, "Derived item")`."""
    pointer = re.compile(r"docs/([\w-]+\.md)(?:'s formula)?,?\s*\(?\"([^\"\n]+)\"")
    wrong = []
    for path in text_files():
        for name, heading in pointer.findall(path.read_text()):
            doc = DOCS / name
            if doc.exists() and not any(h.startswith(heading) for h in headings(doc)):
                wrong.append(f"{path.relative_to(ROOT)}: docs/{name} has no heading {heading!r}")
    assert wrong == []


def settings_variables() -> set[str]:
    """The variables config/settings.py reads, each through one of config/env.py's parsers."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
        ):
            first = node.args[0]
            assert isinstance(first, ast.Constant), ast.unparse(node)  # a literal name
            names.add(first.value)
    return names


def documented_variables() -> set[str]:
    text = (DOCS / "operations.md").read_text()
    table = text.split("<!-- env:begin", 1)[1].split("<!-- env:end -->", 1)[0]
    names = set()
    for row in table.splitlines():
        if row.startswith("| `"):
            first_column = row.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_column))
    return names


def test_the_operations_list_of_variables_is_the_settings_list() -> None:
    in_settings, in_docs = settings_variables(), documented_variables()
    assert len(in_settings) > 60
    assert sorted(in_settings - in_docs) == [], "read by config/settings.py, not documented"
    assert sorted(in_docs - in_settings) == [], "documented, not read by config/settings.py"


def test_only_the_settings_module_calls_the_environment_parsers() -> None:
    callers = []
    for path in text_files():
        if path.suffix != ".py" or path.parts[-2:] in {("config", "settings.py")}:
            continue
        if path.parts[-2:] == ("config", "env.py") or "tests" in path.relative_to(ROOT).parts:
            continue
        if re.search(r"from config\.env import|config\.env\.", path.read_text()):
            callers.append(str(path.relative_to(ROOT)))
    assert callers == []


def readme() -> str:
    return (ROOT / "README.md").read_text()


def test_the_quick_start_names_the_ports_run_sh_takes() -> None:
    quick_start = readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    for variable in ("PORT", "FRONTEND_PORT", "REPLAY_PORT"):
        assert re.search(rf"\b{variable}=\d+", quick_start), variable


def test_no_curl_session_in_the_readme_hard_codes_the_api_port() -> None:
    assignments = re.findall(r"^\s*B=(\S+)", readme(), flags=re.M)
    assert assignments, "the README's curl session sets B"
    assert all("${PORT:-8000}" in value for value in assignments), assignments


@pytest.mark.django_db(transaction=True)
def test_mail_files_are_one_per_sending_round_as_the_docs_say(tmp_path, settings) -> None:
    """The README said "one .log file per mail"; Django's file backend writes one file per
    connection, and the mail thread opens one per round of up to 20 mails."""
    from batch import mail
    from repository.models import MailOutbox

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    for n in range(3):
        MailOutbox.objects.create(
            to_email=f"reader{n}@example.jp",
            subject=f"mail {n}",
            body_text=f"body {n}",
            dedupe_key=f"docs-test-{n}",
        )
    assert mail.send_due_mails("docs-test") == (3, 0)
    (only,) = tmp_path.glob("*.log")
    assert only.read_text().count("-" * 79) == 3
    described = (DOCS / "operations.md").read_text()
    assert "one `.log` file per\nround of the daemon's mail thread" in described
    assert "one .log file per mail" not in readme().replace("`", "")
