"""The health endpoints of the load balancer and of monitoring."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certification import tasks
from pso_site.lib.env import file_storage

pytestmark = pytest.mark.django_db


def test_live_answers_200_with_database_and_storage(client):
    response = client.get(reverse("health_live"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert any("Database" in name for name in body) and any("Storage" in name for name in body)
    assert "no-cache" in response["Cache-Control"]


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
