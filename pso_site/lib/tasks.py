"""Django's tasks API: built into Django 6 (``django.tasks``), the
``django-tasks`` backport on Django 5.2 — the same code runs on both. Tasks
are stored by ``django-tasks-db`` in the site's own database and run by
``manage.py task_worker``; tests run them at once (``ImmediateBackend``)."""

try:  # Django 6
    from django.tasks import default_task_backend, task
except ImportError:  # Django 5.2
    from django_tasks import default_task_backend, task

__all__ = ["default_task_backend", "task"]
