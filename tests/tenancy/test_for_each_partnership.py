"""Beat tasks cover every partnership through one helper (partnership/tenancy/tasks.py for_each_partnership)."""

import pytest

from partnership.tenancy.scoping import active_partnership_id
from partnership.tenancy.tasks import for_each_partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_work_runs_once_per_partnership_inside_its_scope_in_id_order():
    partnerships = [PartnershipFactory() for _ in range(3)]
    seen = for_each_partnership(lambda partnership_id: (partnership_id, active_partnership_id()))
    ids = sorted(p.pk for p in partnerships)
    assert seen == [(pk, pk) for pk in ids]
    assert active_partnership_id() is None
