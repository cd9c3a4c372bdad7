"""A coordinator sets the partnership's name, description, colour and logo."""

import io

import pytest
from PIL import Image

from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def png(width=64, height=64) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#005a5b").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    return buffer


def form(**changes):
    data = {
        "name": "Alpha Schools Partnership",
        "short_description": "Twelve schools.",
        "colour": "#005a5b",
        "contact_email": "hello@alpha.example",
    }
    data.update(changes)
    return data


def test_coordinator_changes_the_branding_and_everyone_sees_it(partnership_a, client_at, media_root):
    coordinator = member(partnership_a, Role.COORDINATOR)
    response = client_at(partnership_a, coordinator).post("/settings/", form(logo=png()))
    assert response.status_code == 302
    partnership = Partnership.objects.get(pk=partnership_a.pk)
    assert partnership.name == "Alpha Schools Partnership"
    assert partnership.colour == "#005a5b"
    assert partnership.logo.name.endswith(".png")

    governor = member(partnership_a, Role.GOVERNOR)
    page = client_at(partnership_a, governor).get("/")
    assert b"--brand: #005a5b" in page.content
    assert b"Alpha Schools Partnership" in page.content
    logo = client_at(partnership_a).get("/branding/logo")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "#ffdd00"}, b"choose a darker colour"),
        ({"colour": "teal"}, b"Enter a colour as #RRGGBB"),
        ({"name": ""}, b"Enter the partnership&#x27;s name"),
        ({"logo": io.BytesIO(b"%PDF-1.7 not an image")}, b"must be a PNG, JPEG or WebP image"),
    ],
)
def test_bad_branding_gets_a_specific_message_and_changes_nothing(
    partnership_a, client_at, media_root, changes, message
):
    coordinator = member(partnership_a, Role.COORDINATOR)
    if "logo" in changes:
        changes["logo"].name = "logo.png"
    response = client_at(partnership_a, coordinator).post("/settings/", form(**changes))
    assert response.status_code == 200
    assert message in response.content
    partnership = Partnership.objects.get(pk=partnership_a.pk)
    assert partnership.name == "Alpha Partnership" and partnership.colour == "#1d70b8" and not partnership.logo


def test_removing_the_logo(partnership_a, client_at, media_root):
    coordinator = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a, coordinator)
    client.post("/settings/", form(logo=png()))
    client.post("/settings/", form(remove_logo="on"))
    assert not Partnership.objects.get(pk=partnership_a.pk).logo
    assert client.get("/branding/logo").status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_only_coordinators_reach_the_settings(partnership_a, client_at, role):
    user = member(partnership_a, role)
    assert client_at(partnership_a, user).get("/settings/").status_code == 404
