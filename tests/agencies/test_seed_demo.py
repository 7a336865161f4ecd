import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agencies.models import Agency, Cohort, InstituteRole, Membership, Standard

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_demo_and_can_run_twice(settings):
    call_command("seed_demo", password="demo-pw", without_cohort=True)
    assert Cohort.objects.get().agencies.count() == 2
    call_command("seed_demo", password="demo-pw", without_cohort=True)
    assert Standard.objects.count() == 11
    cohort = Cohort.objects.get(name="ลำปาง 2543")
    assert cohort.signed_on == datetime.date(2000, 9, 22)
    lampang = Agency.objects.get(name_th="สำนักงานจังหวัดลำปาง")
    assert lampang.name_en == "Lampang Provincial Office"
    assert lampang.parent.name_th == "กระทรวงมหาดไทย"
    assert set(cohort.agencies.all()) == {
        lampang,
        Agency.objects.get(code="lampang-treasury"),
    }  # no cohort asked
    roles = dict(Membership.objects.filter(agency=lampang).values_list("user__username", "role"))
    assert roles == {"lampang_head": "head", "lampang_editor": "editor", "lampang_viewer": "viewer"}
    assert Membership.objects.get(user__username="treasury_editor").agency.code == "lampang-treasury"
    institute = set(InstituteRole.objects.values_list("user__username", "role"))
    assert institute == {
        ("committee", "committee"),
        ("auditor", "auditor"),
        ("stdadmin", "standards_admin"),
        ("stdadmin2", "standards_admin"),
    }
    assert get_user_model().objects.get(username="lampang_editor").check_password("demo-pw")
    assert get_user_model().objects.get(username="stdadmin").is_staff


def test_seed_demo_refuses_the_public_password_when_debug_is_off(settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", password="")
