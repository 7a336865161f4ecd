import pytest

from plans.services import project_submit


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def submitted_project(ready_project, head_a):
    return project_submit(project=ready_project, user=head_a)
