"""The health endpoints of the load balancer and of monitoring."""

import datetime
import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certification import tasks
from pso_site.lib.cache import DatabaseCache
from pso_site.lib.env import file_storage

pytestmark = pytest.mark.django_db


def test_live_answers_200_when_the_database_answers(client):
    response = client.get(reverse("health_live"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert list(response.json()) == ["Database(alias='default')"]
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)  # the checks run in threads, on their own connections
def test_the_public_health_pages_store_nothing(client, monkeypatch):
    """Anyone may ask, as often as they like: no file is saved, no cache
    entry written. The storage is the operator's deep check."""
    saved = []
    monkeypatch.setattr(FileSystemStorage, "save", lambda self, *args, **kwargs: saved.append(args))
    monkeypatch.setattr(DatabaseCache, "set", lambda self, *args, **kwargs: saved.append(args))
    for name in ("health_live", "health"):
        assert client.get(reverse(name), HTTP_ACCEPT="application/json").status_code == 200
    assert saved == []


@pytest.mark.django_db(transaction=True)
def test_the_operators_deep_check_covers_storage_and_the_shared_cache(monkeypatch):
    output = io.StringIO()
    call_command("health_deep", stdout=output)
    lines = output.getvalue().splitlines()
    assert [line.split("(")[0] for line in lines] == ["Database", "Cache", "Storage", "TaskQueue"]
    assert all(line.endswith(": OK") for line in lines)

    def full_disk(self, *args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(FileSystemStorage, "save", full_disk)
    with pytest.raises(CommandError, match=r"Failed: Storage\(alias='default'\)"):
        call_command("health_deep", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)  # the checks run in threads, on their own connections
def test_health_reports_a_queue_nobody_takes(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}
    }
    assert client.get(reverse("health"), HTTP_ACCEPT="application/json").status_code == 200
    tasks.mail_project_submitted.enqueue(0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    assert "is a worker running?" in str(response.json())
    # The load balancer's endpoint does not take the node out for it.
    assert client.get(reverse("health_live"), HTTP_ACCEPT="application/json").status_code == 200


def test_files_go_to_a_bucket_only_when_one_is_configured():
    assert file_storage({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = file_storage({"S3_BUCKET": "pso-files", "S3_ENDPOINT_URL": "https://s3.example.go.th"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "pso-files"
    assert s3["OPTIONS"]["default_acl"] == "private"
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**s3["OPTIONS"])  # configured without touching the network
    assert storage.bucket_name == "pso-files"
