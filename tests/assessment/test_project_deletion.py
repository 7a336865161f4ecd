"""A project can be deleted whole (a superuser in the admin): its readable
history goes with it instead of recording the deletion of every row."""

import pytest
from django.db import connection

from assessment.history import projects_being_deleted
from assessment.models import ChangeEntry, Project

pytestmark = pytest.mark.django_db


def test_deleting_a_project_with_its_history_leaves_no_dangling_entry(planned_project):
    assert ChangeEntry.objects.filter(project=planned_project).exists()
    planned_project.delete()
    connection.check_constraints()  # what the commit would check
    assert not Project.objects.filter(pk=planned_project.pk).exists()
    assert not ChangeEntry.objects.filter(project_id=planned_project.pk).exists()
    assert projects_being_deleted.get() == frozenset()  # later projects record again
