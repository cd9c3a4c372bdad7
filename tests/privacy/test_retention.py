"""The retention schedule: who sets it (role x action, across partnerships), what a run removes with its files,
that a run killed at any point leaves no half-deleted review, and the record of what was removed."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from partnership.audit.models import AuditAction
from partnership.audit.services import audit_record
from partnership.celery import app as celery_app
from partnership.privacy.models import RetentionPeriod, StoredFileDeletion
from partnership.privacy.services import retention_apply
from partnership.privacy.tasks import apply_every_retention_schedule
from partnership.tenancy.roles import Role
from reviews.models import Attachment, Cycle, Review
from tests.audit.helpers import backdate, event, events
from tests.factories import member
from tests.reviews.factories import review_scenario

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 6)


def old_review(partnership, year: int, scope_of):
    """A review in the cycle that started in September of `year`, with a stored document."""
    s = review_scenario(partnership)
    with scope_of(partnership):
        Cycle.objects.filter(pk=s.review.cycle_id).update(academic_year_start=year)
        name = default_storage.save(f"reviews/attachments/{year}/sef-{s.review.pk}.pdf", ContentFile(b"%PDF-1.4"))
        Attachment.objects.create(
            partnership=partnership,
            review=s.review,
            file=name,
            original_name="SEF.pdf",
            size=8,
            sha256="0" * 64,
            content_type="application/pdf",
            kind="sef",
        )
    return s, name


def test_reviews_past_the_schedule_go_with_their_files_and_the_run_is_recorded(
    partnership_a, scope_of, media_root, django_capture_on_commit_callbacks
):
    expired, expired_file = old_review(partnership_a, 2019, scope_of)  # 2019/20 ended August 2020: over 6 years
    kept, kept_file = old_review(partnership_a, 2020, scope_of)  # 2020/21 ended August 2021: not yet
    with scope_of(partnership_a), django_capture_on_commit_callbacks(execute=True):
        removed = retention_apply(partnership=partnership_a, today=TODAY)
    assert removed["reviews"] == {"cycles": 1, "reviews": 1, "files": 1}
    with scope_of(partnership_a):
        assert not Review.objects.filter(pk=expired.review.pk).exists()
        assert Review.objects.filter(pk=kept.review.pk).exists()
        assert not StoredFileDeletion.objects.exists()
    assert not default_storage.exists(expired_file) and default_storage.exists(kept_file)
    run = event(action=AuditAction.RETENTION_RUN, partnership=partnership_a)
    assert run.detail == {"reviews": 1, "files": 1} and run.actor is None
    assert run.subject.startswith("Peer review cycles") and expired.review.cycle.name in run.subject
    assert run.subject.endswith("older than 06 December 2020")


def test_a_partnership_keeps_reviews_for_the_years_it_chose(partnership_a, scope_of, media_root):
    s, _ = old_review(partnership_a, 2019, scope_of)
    with scope_of(partnership_a):
        RetentionPeriod.objects.create(partnership=partnership_a, rule="reviews", years=10)
        assert retention_apply(partnership=partnership_a, today=TODAY) == {}
        assert Review.objects.filter(pk=s.review.pk).exists()


def test_a_run_killed_halfway_leaves_every_review_whole(
    partnership_a, scope_of, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    first, first_file = old_review(partnership_a, 2017, scope_of)
    second, second_file = old_review(partnership_a, 2018, scope_of)
    real_delete = Cycle.delete

    def dies_at_the_second_cycle(cycle, *args, **kwargs):
        if cycle.academic_year_start == 2018:
            raise SystemExit("the worker was killed")
        return real_delete(cycle, *args, **kwargs)

    monkeypatch.setattr(Cycle, "delete", dies_at_the_second_cycle)
    with scope_of(partnership_a), django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        retention_apply(partnership=partnership_a, today=TODAY)
    with scope_of(partnership_a):
        # The first cycle was committed before the run died: it is gone, recorded, and its file noted for deletion.
        assert not Review.objects.filter(pk=first.review.pk).exists()
        noted = StoredFileDeletion.objects.filter(name=first_file).exists()
        assert len(events(action=AuditAction.RETENTION_RUN)) == 1
        # The second review's rows were half-way through deletion when the run died: all of them are back.
        review = Review.objects.get(pk=second.review.pk)
        assert Attachment.objects.filter(review=review).count() == 1
        assert review.team.count() == 2
        assert not StoredFileDeletion.objects.exclude(name=first_file).exists()
    assert default_storage.exists(second_file)  # and its file was never touched
    assert noted or not default_storage.exists(first_file)  # the first one's went, or waits for the next run


def test_files_whose_records_went_just_before_a_crash_are_deleted_by_the_next_run(
    partnership_a, scope_of, media_root, django_capture_on_commit_callbacks
):
    s, stored = old_review(partnership_a, 2018, scope_of)
    with scope_of(partnership_a):
        retention_apply(partnership=partnership_a, today=TODAY)  # on-commit work never runs: the process "died"
        assert not Review.objects.filter(pk=s.review.pk).exists()
        assert StoredFileDeletion.objects.filter(name=stored).exists()
    assert default_storage.exists(stored)
    with scope_of(partnership_a), django_capture_on_commit_callbacks(execute=True):
        retention_apply(partnership=partnership_a, today=TODAY)
        assert not StoredFileDeletion.objects.exists()
    assert not default_storage.exists(stored)


def test_old_audit_log_entries_are_removed_on_the_schedule(partnership_a, partnership_b, scope_of):
    old = audit_record(action=AuditAction.SIGN_IN, partnership=partnership_a, subject="old")
    recent = audit_record(action=AuditAction.SIGN_IN, partnership=partnership_a, subject="recent")
    other = audit_record(action=AuditAction.SIGN_IN, partnership=partnership_b, subject="another partnership's")
    long_ago = timezone.now() - datetime.timedelta(days=3 * 365)
    backdate([old, other], long_ago)
    with scope_of(partnership_a):
        retention_apply(partnership=partnership_a)
    assert not events(pk=old.pk)
    assert len(events(pk__in=[recent.pk, other.pk])) == 2


def test_beat_runs_every_partnerships_schedule_nightly_each_in_its_own_scope(
    partnership_a, partnership_b, scope_of, media_root
):
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert "partnership.privacy.tasks.apply_every_retention_schedule" in schedule
    a, _ = old_review(partnership_a, 2010, scope_of)
    b, _ = old_review(partnership_b, 2010, scope_of)
    assert apply_every_retention_schedule.delay().get() == 2
    with scope_of(partnership_a):
        assert not Review.objects.filter(pk=a.review.pk).exists()
    with scope_of(partnership_b):
        assert not Review.objects.filter(pk=b.review.pk).exists()


@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_set_the_schedule(partnership_a, client_at, scope_of, role):
    person = member(partnership_a, role)
    client = client_at(partnership_a, person)
    allowed = role == Role.COORDINATOR
    assert client.get("/settings/retention/").status_code == (200 if allowed else 404)
    response = client.post("/settings/retention/", {"reviews": "7", "audit_log": "3"})
    assert response.status_code == (302 if allowed else 404)
    with scope_of(partnership_a):
        saved = dict(RetentionPeriod.objects.values_list("rule", "years"))
    assert saved == ({"reviews": 7, "audit_log": 3} if allowed else {})
    assert bool(events(action=AuditAction.SETTINGS_CHANGED)) is allowed


def test_another_partnerships_coordinator_cannot_see_or_set_the_schedule(
    partnership_a, partnership_b, client_at, scope_of
):
    outsider = member(partnership_b, Role.COORDINATOR)
    client = client_at(partnership_a, outsider)
    assert client.get("/settings/retention/").status_code == 404
    assert client.post("/settings/retention/", {"reviews": "1", "audit_log": "1"}).status_code == 404
    with scope_of(partnership_a):
        assert not RetentionPeriod.objects.exists()


@pytest.mark.parametrize("years", ["0", "51", "six", "", "-1", "\x00", "9" * 30])
def test_bad_periods_get_a_message_and_change_nothing(partnership_a, client_at, scope_of, years):
    coordinator = member(partnership_a, Role.COORDINATOR)
    response = client_at(partnership_a, coordinator).post("/settings/retention/", {"reviews": years, "audit_log": "2"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    with scope_of(partnership_a):
        assert not RetentionPeriod.objects.exists()
