"""The user guide: a page per role in Thai and English, public, and every
picture it shows exists (``make screenshots`` takes them from the demo)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from pso_site.views import GUIDE_ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("role", sorted(GUIDE_ROLES))
def test_every_guide_page_shows_and_its_pictures_exist(client, role, language):
    client.cookies["django_language"] = language
    response = client.get(reverse("guide", args=[role]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{language}"' in page
    pictures = re.findall(r'src="/static/(guide/[^"]+\.png)"', page)
    assert pictures, "a guide page without pictures"
    missing = [picture for picture in pictures if finders.find(picture) is None]
    assert not missing, f"run `make screenshots`: {missing}"


def test_the_guide_starts_with_the_agencies_and_refuses_unknown_roles(client):
    assert "สำนักงานจังหวัดลำปาง" in client.get(reverse("guide_home")).content.decode()
    assert client.get(reverse("guide", args=["nobody"])).status_code == 404
