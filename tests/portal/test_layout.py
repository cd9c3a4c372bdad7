"""The layout every page shares (issue 12): a favicon that is never a 404, and pages that print without the
navigation."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from partnership.tenancy.roles import Role
from tests.factories import member

pytestmark = pytest.mark.django_db
CSS = Path(settings.BASE_DIR) / "static" / "css" / "portal.css"


def test_the_favicon_is_never_a_404(client_at, partnership_a):
    response = client_at(partnership_a).get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert (Path(settings.BASE_DIR) / "static" / "favicon.svg").exists()
    page = client_at(partnership_a, member(partnership_a, Role.COORDINATOR)).get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_a_printed_page_leaves_out_the_navigation():
    printed = re.search(r"@media print \{(.*?)\n\}", CSS.read_text(), re.S).group(1)
    hidden = printed.split("{ display: none")[0]
    for selector in (".portal-service-nav", ".portal-header__account", ".govuk-footer", ".govuk-skip-link"):
        assert selector in hidden, selector
