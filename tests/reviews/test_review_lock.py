"""The review row lock (reviews/services/locks.py) that status and team changes take: it holds the review's row
and nothing else, so that changes to one review queue up while the cycle and the school stay free."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from partnership.tenancy.scoping import partnership_scope
from reviews.models import Cycle, Review
from reviews.services.locks import lock_review
from schools.models import School
from tests.reviews.factories import review_scenario

pytestmark = pytest.mark.django_db(transaction=True)


def free(model, pk: int) -> bool:
    """Whether this connection could lock the row at once, without waiting."""
    try:
        with transaction.atomic():
            model.objects.select_for_update(nowait=True).filter(pk=pk).first()
    except OperationalError:
        return False
    return True


def test_the_lock_holds_the_review_row_only(partnership_a):
    with partnership_scope(partnership_a):
        s = review_scenario(partnership_a)
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with partnership_scope(partnership_a), transaction.atomic():
                lock_review(s.review)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        with partnership_scope(partnership_a):
            assert not free(Review, s.review.pk), "another change to the review waits for the lock"
            assert free(Cycle, s.review.cycle_id), "the cycle stays free"
            assert free(School, s.review.school_id), "the school stays free"
    finally:
        release.set()
        thread.join(10)
