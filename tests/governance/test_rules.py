"""The rules of board governance: constraints in the database, the lock on approved minutes, the quorum
arithmetic, and the services' refusals (each with a clear message, changing nothing)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.governance.models import (
    Attendance,
    Body,
    BodyMembership,
    Decision,
    InterestDeclaration,
    Meeting,
    Minutes,
    MinutesSection,
    Paper,
)
from partnership.governance.quorum import quorum_required, quorum_status
from partnership.governance.services.bodies import body_create, body_membership_add, interest_declare
from partnership.governance.services.meetings import (
    apologies_send,
    attendance_record,
    item_interest_declare,
    meeting_publish,
    meeting_schedule,
    paper_upload,
)
from partnership.governance.services.minutes import (
    action_add,
    action_reminders_send,
    decision_record,
    minutes_amend,
    minutes_approve,
    minutes_section_save,
)
from partnership.governance.tasks import send_action_reminders
from partnership.tenancy.scoping import partnership_scope

from .factories import hold, make_board, pdf_upload, scheduled_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(partnership_a, media_root):
    return make_board(partnership_a)


def _present(board, meeting, users):
    statuses = {seat.pk: Attendance.Status.ABSENT for seat in board.seats.values()}
    statuses.update({board.seats[u.pk].pk: Attendance.Status.PRESENT for u in users})
    attendance_record(meeting=meeting, statuses=statuses)


# Quorum arithmetic


def test_a_fraction_quorum_counts_voting_members_in_post_rounded_up(board):
    body = board.body
    assert quorum_required(body, 5) == 3  # 1/2 of 5 = 2.5, rounded up
    assert quorum_required(body, 4) == 2
    body.quorum_numerator, body.quorum_denominator = 2, 3
    assert quorum_required(body, 5) == 4


def test_vacancies_and_observers_do_not_raise_the_quorum(board):
    with partnership_scope(board.partnership):
        seats = list(BodyMembership.objects.filter(body=board.body))
        # The observer (the clerk) has no vote; a member whose term ended last month is a vacancy now.
        leaver = board.seats[board.members[-1].pk]
        leaver.term_end = timezone.localdate() - datetime.timedelta(days=30)
        leaver.save()
        seats = list(BodyMembership.objects.filter(body=board.body))
    status = quorum_status(board.body, seats, timezone.localdate(), set())
    assert status.in_post == 4 and status.required == 2


def test_a_member_who_declared_an_interest_does_not_count_towards_the_item(board):
    with partnership_scope(board.partnership):
        seats = list(BodyMembership.objects.filter(body=board.body))
    present = {board.seats[u.pk].pk for u in board.members[:3]} | {board.seats[board.clerk.pk].pk}
    assert quorum_status(board.body, seats, timezone.localdate(), present).quorate  # 3 of 3 needed
    declared = frozenset({board.seats[board.members[0].pk].pk})
    item_status = quorum_status(board.body, seats, timezone.localdate(), present, declared)
    assert (item_status.present, item_status.required, item_status.quorate) == (2, 3, False)


# Database constraints


def test_a_term_cannot_end_before_it_starts_in_the_database(board):
    with partnership_scope(board.partnership), pytest.raises(IntegrityError), transaction.atomic():
        BodyMembership.objects.create(
            partnership=board.partnership,
            body=board.body,
            user=board.head,
            term_start=datetime.date(2026, 9, 1),
            term_end=datetime.date(2026, 8, 1),
        )


def test_a_body_has_a_number_or_a_fraction_for_its_quorum(board):
    with partnership_scope(board.partnership), pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.create(partnership=board.partnership, name="Neither")


def test_decision_counts_are_checked_by_the_database(board):
    meeting = hold(scheduled_meeting(board))
    with partnership_scope(board.partnership):
        item = meeting.items.get(title="Budget")
        base = {"partnership": board.partnership, "item": item, "motion": "M", "quorum_required": 3}
        with pytest.raises(IntegrityError), transaction.atomic():  # more votes than present
            Decision.objects.create(**base, votes_for=3, votes_against=2, abstentions=0, carried=True, voting_present=4)
        with pytest.raises(IntegrityError), transaction.atomic():  # carried although lost
            Decision.objects.create(**base, votes_for=1, votes_against=2, abstentions=0, carried=True, voting_present=4)
        with pytest.raises(IntegrityError), transaction.atomic():  # a casting vote without a tie
            Decision.objects.create(
                **base, votes_for=2, votes_against=1, abstentions=0, carried=True, casting_vote="for", voting_present=4
            )


def test_the_declaration_year_runs_from_the_first_of_september(board):
    with partnership_scope(board.partnership), pytest.raises(IntegrityError), transaction.atomic():
        InterestDeclaration.objects.create(
            partnership=board.partnership,
            user=board.chair,
            year_start=datetime.date(2026, 8, 1),
            nothing_to_declare=True,
            declared_at=timezone.now(),
        )


# Services


def test_a_body_refuses_a_duplicate_name_and_a_disguised_terms_of_reference(board):
    with partnership_scope(board.partnership):
        with pytest.raises(ValidationError, match="already a body"):
            body_create(partnership=board.partnership, name="partnership board", quorum_number=3)
        fake = SimpleUploadedFile("terms.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
        with pytest.raises(ValidationError):
            body_create(partnership=board.partnership, name="New", quorum_number=3, terms_of_reference=fake)
        assert not Body.objects.filter(name="New").exists()
        with pytest.raises(ValidationError, match="fraction"):
            body_create(partnership=board.partnership, name="New", quorum_fraction=(3, 2))


def test_a_member_whose_term_ends_before_it_starts_is_refused(board):
    with partnership_scope(board.partnership):
        with pytest.raises(ValidationError, match="cannot end before it starts"):
            body_membership_add(
                body=board.other_body,
                user=board.head,
                position="member",
                term_start=datetime.date(2026, 9, 1),
                term_end=datetime.date(2026, 1, 1),
            )
        assert not BodyMembership.objects.filter(user=board.head).exists()


def test_interests_are_declared_or_nothing_is_confirmed_once_a_year(board):
    with partnership_scope(board.partnership):
        with pytest.raises(ValidationError, match="nothing to declare"):
            interest_declare(partnership=board.partnership, user=board.chair, nothing_to_declare=False)
        first = interest_declare(
            partnership=board.partnership, user=board.chair, nothing_to_declare=True, today=datetime.date(2026, 10, 1)
        )
        again = interest_declare(
            partnership=board.partnership,
            user=board.chair,
            nothing_to_declare=False,
            family_interests="Spouse is a governor at School 1.",
            today=datetime.date(2027, 3, 1),
        )
        assert first.pk == again.pk and first.year_start == datetime.date(2026, 9, 1)
        later = interest_declare(
            partnership=board.partnership, user=board.chair, nothing_to_declare=True, today=datetime.date(2027, 9, 1)
        )
        assert later.year_start == datetime.date(2027, 9, 1)


def test_a_meeting_in_the_past_is_refused(board):
    with partnership_scope(board.partnership):
        with pytest.raises(ValidationError, match="future"):
            meeting_schedule(body=board.body, starts_at=timezone.now() - datetime.timedelta(hours=1), place="Room 1")
        assert not Meeting.objects.exists()


def test_a_new_agenda_carries_the_open_actions_as_matters_arising(board):
    earlier = hold(scheduled_meeting(board))
    with partnership_scope(board.partnership):
        action = action_add(
            meeting=earlier, description="Write the plan", owner=board.chair, due_on=timezone.localdate()
        )
        later = meeting_schedule(body=board.body, starts_at=timezone.now() + datetime.timedelta(days=30), place="R")
        arising = later.items.get(is_matters_arising=True)
        assert list(arising.carried_actions.all()) == [action]


def test_a_paper_that_is_not_what_its_extension_claims_is_refused(board):
    meeting = scheduled_meeting(board, papers=0)
    with partnership_scope(board.partnership):
        item = meeting.items.get(title="Budget")
        disguised = SimpleUploadedFile("budget.pdf", b"PK\x03\x04not really office", content_type="application/pdf")
        with pytest.raises(ValidationError):
            paper_upload(item=item, title="Budget", uploaded=disguised, actor=board.clerk)
        image = SimpleUploadedFile("budget.docx", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
        with pytest.raises(ValidationError):
            paper_upload(item=item, title="Budget", uploaded=image, actor=board.clerk)
        assert not Paper.objects.exists()
        paper_upload(item=item, title="Budget", uploaded=pdf_upload(), actor=board.clerk)
        with pytest.raises(ValidationError, match="already a paper"):
            paper_upload(item=item, title="Budget again", uploaded=pdf_upload(), actor=board.clerk)
        assert Paper.objects.count() == 1


def test_publishing_warns_when_fewer_than_seven_clear_days_remain(board):
    soon = scheduled_meeting(board, days_ahead=3)
    with partnership_scope(board.partnership):
        result = meeting_publish(meeting=soon)
        assert result.short_notice and result.meeting.status == Meeting.Status.PUBLISHED
        assert not meeting_publish(meeting=scheduled_meeting(board, days_ahead=20)).short_notice


def test_apologies_and_attendance_and_a_vote_count_above_those_present_is_refused(board):
    meeting = scheduled_meeting(board)
    with partnership_scope(board.partnership):
        meeting = meeting_publish(meeting=meeting).meeting
        apologies_send(meeting=meeting, user=board.members[4], note="Away")
        with pytest.raises(ValidationError, match="not a member"):
            apologies_send(meeting=meeting, user=board.outsider)
    meeting = hold(meeting)
    with partnership_scope(board.partnership):
        _present(board, meeting, board.members[:3])
        item = meeting.items.get(title="Budget")
        with pytest.raises(ValidationError, match="only 3 voting members are present"):
            decision_record(item=item, motion="Approve", votes_for=3, votes_against=1, abstentions=0)
        decision = decision_record(
            item=item, motion="Approve", votes_for=1, votes_against=1, abstentions=1, casting_vote="for"
        )
        assert decision.carried and (decision.voting_present, decision.quorum_required) == (3, 3)
        item_interest_declare(item=item, membership=board.seats[board.members[0].pk], note="Treasurer's spouse")
        with pytest.raises(ValidationError, match="Not quorate"):
            decision_record(item=item, motion="Again", votes_for=2, votes_against=0, abstentions=0)
        assert Decision.objects.count() == 1


def test_approving_minutes_of_a_meeting_not_yet_held_is_refused(board):
    earlier = hold(scheduled_meeting(board), hours_ago=24 * 30)
    later = scheduled_meeting(board, days_ahead=5)
    with partnership_scope(board.partnership):
        minutes_section_save(item=earlier.items.first(), text="Welcome.")
        minutes = Minutes.objects.get(meeting=earlier)
        with pytest.raises(ValidationError, match="has not started"):
            minutes_approve(minutes=minutes, at_meeting=later, by=board.clerk)
        with pytest.raises(ValidationError, match="later meeting"):
            minutes_approve(minutes=minutes, at_meeting=earlier, by=board.clerk)
        upcoming = scheduled_meeting(board, days_ahead=40)
        with pytest.raises(ValidationError, match="held"):
            minutes_section_save(item=upcoming.items.first(), text="Too early")
        minutes.refresh_from_db()
        assert not minutes.is_approved


def test_approved_minutes_are_locked_by_the_database_and_corrected_by_amendment(board):
    earlier = hold(scheduled_meeting(board), hours_ago=24 * 30)
    later = hold(scheduled_meeting(board, days_ahead=20))
    with partnership_scope(board.partnership):
        section = minutes_section_save(item=earlier.items.first(), text="Welcome.")
        minutes = minutes_approve(minutes=Minutes.objects.get(meeting=earlier), at_meeting=later, by=board.chair)
        assert minutes.approved_at_meeting == later
        with pytest.raises(ValidationError, match="locked"):
            minutes_section_save(item=earlier.items.first(), text="Rewritten")
        # Straight to the database, past the services: the trigger refuses.
        with pytest.raises(IntegrityError, match="locked"), transaction.atomic():
            MinutesSection.objects.filter(pk=section.pk).update(text="Rewritten quietly")
        with pytest.raises(IntegrityError, match="locked"), transaction.atomic():
            Minutes.objects.filter(pk=minutes.pk).update(approved_by=board.clerk)
        with pytest.raises(IntegrityError, match="locked"), transaction.atomic():
            MinutesSection.objects.create(partnership=board.partnership, minutes=minutes, item=earlier.items.last())
        amendment = minutes_amend(minutes=minutes, text="Item 1: the chair welcomed two guests.", by=board.clerk)
        assert amendment.pk and MinutesSection.objects.get(pk=section.pk).text == "Welcome."


def test_publishing_the_pack_emails_the_members_once(board, django_capture_on_commit_callbacks, mailoutbox):
    meeting = scheduled_meeting(board, days_ahead=10)
    with partnership_scope(board.partnership):
        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish(meeting=meeting)
        with django_capture_on_commit_callbacks(execute=True):
            meeting_publish(meeting=meeting)  # already published: nobody is emailed again
    assert sorted(m.to[0] for m in mailoutbox) == sorted(seat.user.email for seat in board.seats.values())
    assert f"/meetings/{meeting.pk}/" in mailoutbox[0].body and "Partnership Board" in mailoutbox[0].subject


def test_action_owners_are_reminded_once_before_the_due_date(board, mailoutbox):
    meeting = hold(scheduled_meeting(board))
    today = timezone.localdate()
    with partnership_scope(board.partnership):
        soon = action_add(
            meeting=meeting, description="Send the budget", owner=board.chair, due_on=today + datetime.timedelta(days=2)
        )
        action_add(
            meeting=meeting,
            description="Plan the conference",
            owner=board.chair,
            due_on=today + datetime.timedelta(days=30),
        )
        assert action_reminders_send(today=today) == 1
        assert action_reminders_send(today=today) == 0  # once only
    assert mailoutbox[0].to == [board.chair.email] and "Send the budget" in mailoutbox[0].body
    with partnership_scope(board.partnership):
        soon.refresh_from_db()
        assert soon.reminded_at is not None


def test_the_daily_beat_task_reminds_in_every_partnership(board, mailoutbox):
    meeting = hold(scheduled_meeting(board))
    with partnership_scope(board.partnership):
        action_add(meeting=meeting, description="Overdue", owner=board.chair, due_on=timezone.localdate())
    assert send_action_reminders() >= 1 and len(mailoutbox) == 1
