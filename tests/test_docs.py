"""The documentation names files that exist: every repository path cited in
backticks in README.md, CONTRIBUTING.md, tests/README.md and docs/*.md.

A cited token is checked when it looks like a path of this repository: its
first component is a top-level entry of the repository (``assessment/…``,
``docs/…``, ``Makefile``, ``.importlinter``) and it contains a ``/`` or ends
in a known extension. A ``:12`` (line) or ``::name`` (or ``:name``) suffix
is stripped; for a Python file, the name must also be defined in it (a function, class or
assignment, at any depth). Addresses (``/projects/<pk>/``), commands
(``make test``), globs (``locale/*.po``), placeholders and generated folders
(``var/``, ``node_modules/``, ``media/``) are not paths of the repository
and are left alone."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

DOCUMENTS = sorted(
    {
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        ROOT / "tests" / "README.md",
        *(ROOT / "docs").glob("*.md"),
    }
)

# Made by running or installing the project, never committed (.gitignore):
# a citation of them names something a fresh clone does not have yet.
GENERATED = {
    ".git",
    ".venv",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    "__pycache__",
    "node_modules",
    "media",
    "var",
    "staticfiles",
    "test-artifacts",
    "db.sqlite3",
    "dist",
    "build",
}
EXTENSIONS = {
    ".py",
    ".md",
    ".html",
    ".json",
    ".txt",
    ".css",
    ".js",
    ".svg",
    ".toml",
    ".ini",
    ".cfg",
    ".sh",
    ".po",
    ".mo",
    ".yml",
    ".yaml",
    ".csv",
    ".xlsx",
}
# Characters of placeholders, globs, commands and addresses, never of a path here.
NOT_A_PATH = re.compile(r"[\s*<>{}$?…|=,;()\[\]\"'@]")
FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1", re.MULTILINE | re.DOTALL)
# A code span may wrap onto the next line, never across a paragraph.
INLINE = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n\s*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
SUFFIX = re.compile(r"(?:::?(?P<name>[A-Za-z_][\w.]*)|:(?P<line>\d+)(?:-\d+)?)$")


@cache
def top_level() -> frozenset[str]:
    return frozenset(entry.name for entry in ROOT.iterdir()) - GENERATED


def citations(text: str) -> list[tuple[int, str]]:
    """(line number, token) of every inline code span outside fenced blocks."""
    # Fenced blocks are commands and examples: blank them, keeping line numbers.
    text = FENCE.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    return [
        (text.count("\n", 0, match.start()) + 1, match.group(2).strip()) for match in INLINE.finditer(text)
    ]


def repository_path(token: str) -> tuple[str, str | None, int | None] | None:
    """(path, name, line) when the token cites a path of the repository, else None."""
    suffix = SUFFIX.search(token)
    path = token[: suffix.start()] if suffix else token
    if not path or NOT_A_PATH.search(path) or path.startswith(("/", "./", "~")) or "://" in path:
        return None
    first = path.split("/", 1)[0]
    if first not in top_level():
        return None
    if "/" not in path and Path(path).suffix not in EXTENSIONS and path not in top_level():
        return None
    name = suffix.group("name") if suffix else None
    line = int(suffix.group("line")) if suffix and suffix.group("line") else None
    return path, name, line


@cache
def defined_names(path: Path) -> frozenset[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def problem(path: str, name: str | None, line: int | None) -> str | None:
    target = ROOT / path
    if not target.exists():
        return "no such file or folder"
    if path.endswith("/") and not target.is_dir():
        return "not a folder"
    if name is not None and target.suffix == ".py":
        missing = [part for part in name.split(".") if part not in defined_names(target)]
        if missing:
            return f"{path} defines no {', '.join(missing)}"
    if line is not None and target.is_file():
        lines = target.read_text(encoding="utf-8").count("\n") + 1
        if line > lines:
            return f"{path} has {lines} lines"
    return None


def broken(document: Path) -> list[str]:
    found = []
    for number, token in citations(document.read_text(encoding="utf-8")):
        cited = repository_path(token)
        if cited is None:
            continue
        why = problem(*cited)
        if why:
            found.append(f"{document.relative_to(ROOT)}:{number}: `{token}`: {why}")
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_cited_path_exists(document):
    assert document.exists(), f"{document.relative_to(ROOT)} is missing"
    problems = broken(document)
    assert not problems, "cited paths that do not exist:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("token", "cited"),
    [
        ("assessment/writes.py", ("assessment/writes.py", None, None)),
        ("plans/services.py::activity_update", ("plans/services.py", "activity_update", None)),
        ("pso_site/settings.py:65", ("pso_site/settings.py", None, 65)),
        ("pso_site/lib/env.py:file_storage", ("pso_site/lib/env.py", "file_storage", None)),
        ("tests/e2e/", ("tests/e2e/", None, None)),
        ("Makefile", ("Makefile", None, None)),
        (".importlinter", (".importlinter", None, None)),
        ("README.md", ("README.md", None, None)),
        ("/projects/<pk>/", None),
        ("/admin/outbox/", None),
        ("make test", None),
        ("locale/*.po", None),
        ("var/outbox/", None),
        ("node_modules/axe-core", None),
        ("https://example.go.th/a.py", None),
        ("hc/front/views.py", None),
        ("frame.py", None),
        ("assessment.writes.project_for_write", None),
        ("manage.py archive_schema > docs/project-archive.schema.json", None),
    ],
)
def test_what_counts_as_a_cited_path(token, cited):
    assert repository_path(token) == cited


def test_a_wrong_citation_is_found(tmp_path):
    document = tmp_path / "wrong.md"
    document.write_text(
        "Real: `plans/services.py::activity_update`, `tests/conftest.py`.\n"
        "```sh\ncat plans/nothing_here.py\n```\n"
        "Wrong: `plans/nothing_here.py`, `plans/services.py::no_such_function`,\n"
        "`templates/plans/nowhere/`, `Makefile:100000`.\n",
        encoding="utf-8",
    )
    found = [(number, token) for number, token in citations(document.read_text()) if repository_path(token)]
    assert [(number, token) for number, token in found if problem(*repository_path(token))] == [
        (5, "plans/nothing_here.py"),
        (5, "plans/services.py::no_such_function"),
        (6, "templates/plans/nowhere/"),
        (6, "Makefile:100000"),
    ]
