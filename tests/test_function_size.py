"""No function of the product is longer than a reader can hold (issue 27):
every function and method of the apps and of ``pso_site``, migrations
aside, is at most ``LIMIT`` lines long, from its ``def`` to its last line.

A longer one is split into well-named helpers beside it. ``ALLOWED`` names
the few that wait for their turn, each with the reason; it only shrinks:
an entry whose function is split (or gone) fails the test until it is
removed."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agencies", "assessment", "plans", "certification", "pso_site")
LIMIT = 80

ALLOWED: dict[str, str] = {}


def product_files() -> list[Path]:
    """The product's Python files: migrations and tests are not product."""
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if not {"migrations", "tests"} & set(path.relative_to(ROOT).parts)
    )


def function_sizes(source: str) -> dict[str, int]:
    """The length in lines of every function and method, nested ones too,
    by qualified name (``Class.method``, ``outer.inner``)."""
    sizes = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    sizes[name] = child.end_lineno - child.lineno + 1
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return sizes


def product_function_sizes() -> dict[str, int]:
    return {
        f"{path.relative_to(ROOT).as_posix()}::{name}": size
        for path in product_files()
        for name, size in function_sizes(path.read_text(encoding="utf-8")).items()
    }


def test_no_function_of_the_product_is_over_the_limit():
    too_long = {
        name: size for name, size in product_function_sizes().items() if size > LIMIT and name not in ALLOWED
    }
    assert not too_long, f"split these functions into helpers of at most {LIMIT} lines: " + ", ".join(
        f"{name} ({size} lines)" for name, size in sorted(too_long.items())
    )


def test_every_allowed_function_is_still_over_the_limit():
    sizes = product_function_sizes()
    stale = sorted(name for name in ALLOWED if sizes.get(name, 0) <= LIMIT)
    assert not stale, "no longer over the limit (or gone): remove from ALLOWED: " + ", ".join(stale)


def test_the_walk_sees_the_product_and_measures_from_def_to_last_line():
    files = {path.relative_to(ROOT).as_posix() for path in product_files()}
    assert {"assessment/exchange.py", "pso_site/lib/charts.py", "certification/views/__init__.py"} <= files
    assert not any("/migrations/" in name for name in files)
    source = (
        "class A:\n    @property\n    def b(self):\n        def c():\n            pass\n\n        return c\n"
    )
    assert function_sizes(source) == {"A.b": 5, "A.b.c": 2}
