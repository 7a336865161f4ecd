"""Fixtures shared by the certification tests."""

import pytest

from certification import services


@pytest.fixture
def certified(submitted_project, committee_member, django_capture_on_commit_callbacks):
    """Submitted, then certified by the committee; its documents are built."""
    with django_capture_on_commit_callbacks(execute=True):
        services.project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    submitted_project.refresh_from_db()
    return submitted_project
