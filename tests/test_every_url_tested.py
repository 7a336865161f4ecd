"""Every named URL has a behaviour test of its own, not only the cross-cutting ones.

The tests at the root of ``tests/`` (the policy table, the query caps, the
fuzzing…) open every page, but only to check one property of all of them: a
page can pass every one of them and still show the wrong thing. So each URL
name must also be requested, by that name, from a test module in the folder of
the app that owns its view (``tests/<app>/test_*.py``; the root and
``tests/e2e/`` are not read, nor a module of ``CROSS_CUTTING`` wherever it is).

"Requested by that name" means the module calls ``reverse("<name>", …)`` (or
``reverse_lazy``) with the name written out, or one of the helpers of
``HELPERS``, which reverse the names listed beside them (checked below against
the helpers' own source); ``step_url(project, n)`` with ``n`` written out
counts for the one step's name.

Not checked: Django's admin (``SKIPPED_NAMESPACES``). A name Django's auth
URLs give again after the site's own (``login``, ``password_change``) is the
site's, the one a request reaches.
"""

import ast
import inspect
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests import utils

TESTS = Path(__file__).resolve().parent

# Namespaces whose pages are not the project's behaviour to test.
SKIPPED_NAMESPACES = {
    # Django's admin: its pages are Django's, generated from the ModelAdmins.
    "admin",
}

# The app that owns a view written outside the project's apps.
OWNER_OF_MODULE = {
    # Sign-out and password reset: Django's views, the project's templates
    # (templates/registration/) and sign-in rules (pso_site/middleware.py); people
    # and sign-in are the agencies app's.
    "django.contrib.auth": "agencies",
    # The health endpoints are django-health-check's view with the project's checks
    # (pso_site/health.py).
    "health_check": "pso_site",
}

PROJECT_APPS = {"agencies", "assessment", "plans", "certification", "pso_site"}

# Helpers of tests/utils.py that request pages by name: helper → names it reverses.
HELPERS = {
    "step_url": {"assessment:step", "plans:step", "certification:step9"},
    "review_form": {"certification:review"},
    "decide": {"certification:review"},
}

# Cross-cutting modules that check one property of every page: not a page's own test.
CROSS_CUTTING = {
    "test_policy.py",
    "test_policy_writes.py",
    "test_query_caps.py",
    "test_get_changes_nothing.py",
    "test_fuzz_forms.py",
    "test_every_export.py",
    "test_csrf.py",
    "test_cache_control.py",
    "test_bounded_input.py",
    "test_thai_only.py",
}


def _patterns(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _owner(pattern) -> str:
    view = getattr(pattern.callback, "view_class", pattern.callback)
    module = view.__module__
    for prefix, app in OWNER_OF_MODULE.items():
        if module == prefix or module.startswith(prefix + "."):
            return app
    app = module.split(".")[0]
    assert app in PROJECT_APPS, (
        f"{pattern.name}: a view of {module}, owned by no app; add it to OWNER_OF_MODULE"
    )
    return app


def url_names() -> dict[str, str]:
    """Every named URL of the site but the skipped ones → the app that owns its view.

    A name given twice (the site's sign-in before django.contrib.auth's) is the
    first one, the one a request reaches."""
    owners: dict[str, str] = {}
    for name, pattern in _patterns(get_resolver()):
        if name.split(":")[0] in SKIPPED_NAMESPACES or name in owners:
            continue
        owners[name] = _owner(pattern)
    return owners


def names_requested(source: str) -> set[str]:
    """The URL names a module requests by name: ``reverse("name", …)`` and the helpers."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if function in ("reverse", "reverse_lazy") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        elif function == "step_url" and len(node.args) == 2 and isinstance(_constant(node.args[1]), int):
            names.add(_step_name(node.args[1].value))
        elif function in HELPERS:
            names |= HELPERS[function]
    return names


def _constant(node):
    return node.value if isinstance(node, ast.Constant) else None


def _step_name(number: int) -> str:
    """The name ``step_url`` reverses for a step written out (as tests/utils.py does)."""
    return "assessment:step" if number <= 6 else "plans:step" if number <= 8 else "certification:step9"


def own_tests() -> dict[str, set[str]]:
    """App → the URL names its test folder requests by name."""
    requested: dict[str, set[str]] = {}
    for app in PROJECT_APPS:
        requested[app] = set()
        for module in (TESTS / app).rglob("test_*.py"):
            if module.name not in CROSS_CUTTING:
                requested[app] |= names_requested(module.read_text(encoding="utf-8"))
    return requested


def test_the_helpers_reverse_what_they_are_said_to(project):
    for helper, names in HELPERS.items():
        source = inspect.getsource(getattr(utils, helper))
        written = {node.args[0].value for node in ast.walk(ast.parse(source)) if _is_reverse(node)}
        assert written == names, helper
    for number in range(1, 10):
        assert resolve(utils.step_url(project, number)).view_name == _step_name(number), number


def _is_reverse(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "reverse"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
    )


def test_the_lists_name_modules_and_folders_that_exist():
    for name in CROSS_CUTTING:
        assert (TESTS / name).exists(), name
    for app in PROJECT_APPS:
        assert (TESTS / app).is_dir(), app


def test_the_scan_sees_the_project_urls():
    names = url_names()
    assert names["assessment:step"] == "assessment"
    assert names["plans:activity_edit"] == "plans"
    assert names["verify"] == "certification"
    assert names["login"] == "agencies"
    assert names["password_reset"] == "agencies"
    assert names["health"] == "pso_site"
    assert not any(name.startswith("admin:") for name in names)


def test_a_module_requests_what_it_reverses_and_nothing_it_only_mentions():
    source = (
        'reverse("a:b", args=[1])\n'
        "reverse('c')\n"
        "django.urls.reverse(\n    'd', kwargs={})\n"
        'step_url(project, 9)\nreverse(name)\nx = "e"\n'
    )
    assert names_requested(source) == {"a:b", "c", "d", "certification:step9"}
    assert names_requested("step_url(project, number)") == HELPERS["step_url"]


def test_every_url_name_has_a_behaviour_test_of_its_own():
    requested = own_tests()
    missing = sorted(
        f"{name} (in tests/{app}/)" for name, app in url_names().items() if name not in requested[app]
    )
    assert not missing, "URL names without a test of their own:\n" + "\n".join(missing)
