"""Scheduling a visit through the services: every refusal rule, acceptance, other dates, rescheduling, concurrency."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import (
    ClosureDay,
    Notification,
    NotificationKind,
    ReviewEvent,
    ReviewStatus,
    Term,
    VisitDay,
    VisitProposal,
)
from reviews.services import scheduling
from tests.factories import SchoolFactory, TrustFactory, member
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_scheduling import book, other_review

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 2)  # a Monday; the scenario's visit window runs from 1 October 2026 to 30 June 2027
TUE, WED, THU = D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)


@pytest.fixture
def s(partnership_a):
    return review_scenario(partnership_a)


def propose(s, days, actor=None, **kwargs):
    return scheduling.visit_dates_propose(review=s.review, actor=actor or s.head, days=days, today=TODAY, **kwargs)


def refused(s, days, actor=None) -> list[str]:
    with pytest.raises(scheduling.VisitDatesRefusedError) as error:
        propose(s, days, actor)
    return error.value.messages


def assert_nothing_changed(s):
    assert not VisitProposal.objects.exists()
    assert not Notification.objects.exists()
    s.review.refresh_from_db()
    assert s.review.status == ReviewStatus.GROUPED


# Proposing ---------------------------------------------------------------------------------------------------------


def test_the_head_proposes_up_to_three_days_and_the_team_is_told(s, scope_of, django_capture_on_commit_callbacks):
    with scope_of(s.partnership), django_capture_on_commit_callbacks(execute=True):
        proposal = propose(s, [D(2026, 11, 24), TUE], note="  Day two is the governors' meeting.  ")
    with scope_of(s.partnership):
        proposal.refresh_from_db()
        assert proposal.status == VisitProposal.Status.PROPOSED
        assert proposal.days == [TUE, D(2026, 11, 24)]  # kept in order; not consecutive is fine
        assert proposal.note == "Day two is the governors' meeting."
        assert proposal.proposed_by == s.head
        told = Notification.objects.filter(kind=NotificationKind.DATES_PROPOSED)
        assert set(told.values_list("user", flat=True)) == {s.lead_reviewer.pk, s.reviewer.pk}
        assert "Tuesday 17 November 2026 and Tuesday 24 November 2026" in told.first().message
        assert all(n.emailed_at is not None for n in told)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([s.lead_reviewer.email, s.reviewer.email])
    assert f"http://alpha.localhost/reviews/{s.review.pk}/#visit-dates" in mail.outbox[0].body
    assert "Kingsmead Primary School" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives and "text/html" in mail.outbox[0].alternatives[0][1]


def test_a_coordinator_may_propose_and_then_the_head_is_told_too(s, scope_of):
    with scope_of(s.partnership):
        propose(s, [TUE], actor=s.coordinator)
        told = set(Notification.objects.values_list("user", flat=True))
    assert told == {s.lead_reviewer.pk, s.reviewer.pk, s.head.pk}


def test_proposing_again_withdraws_the_open_proposal(s, scope_of):
    with scope_of(s.partnership):
        first = propose(s, [TUE])
        second = propose(s, [WED, THU])
        first.refresh_from_db()
        assert first.status == VisitProposal.Status.WITHDRAWN
        assert second.status == VisitProposal.Status.PROPOSED
        # The request for an answer to the withdrawn dates is done for everybody.
        assert not Notification.objects.filter(dedupe_key=f"proposal-{first.pk}:proposed", read_at__isnull=True)
        assert (
            Notification.objects.filter(dedupe_key=f"proposal-{second.pk}:proposed", read_at__isnull=True).count() == 2
        )


def test_the_database_allows_one_open_proposal_per_review(s, scope_of):
    with scope_of(s.partnership):
        propose(s, [TUE])
        with pytest.raises(IntegrityError, match="visit_proposal_one_open"), transaction.atomic():
            VisitProposal.objects.create(partnership=s.partnership, review=s.review, days=[WED])


# Each refusal rule, one at a time ----------------------------------------------------------------------------------


def test_refused_outside_the_visit_window(s, scope_of):
    with scope_of(s.partnership):
        assert refused(s, [D(2027, 7, 5)]) == [
            f"5 July 2027 is outside the visit window for {s.review.cycle.name} (1 October 2026 to 30 June 2027)."
        ]
        assert_nothing_changed(s)


def test_refused_at_the_weekend(s, scope_of):
    with scope_of(s.partnership):
        assert refused(s, [D(2026, 11, 21)]) == ["21 November 2026 is a Saturday."]
        assert_nothing_changed(s)


def test_refused_on_a_bank_holiday(s, scope_of):
    with scope_of(s.partnership):
        assert refused(s, [D(2027, 3, 26)]) == ["26 March 2027 is a bank holiday (Good Friday)."]
        assert_nothing_changed(s)


def test_refused_on_a_closure_day(s, scope_of):
    with scope_of(s.partnership):
        ClosureDay.objects.create(partnership=s.partnership, date=WED, reason="INSET day")
        assert refused(s, [WED]) == ["18 November 2026 is a closure day (INSET day)."]
        assert_nothing_changed(s)


def test_refused_outside_term(s, scope_of):
    with scope_of(s.partnership):
        Term.objects.create(
            partnership=s.partnership, name="Autumn 2026", starts_on=D(2026, 9, 2), ends_on=D(2026, 12, 18)
        )
        assert refused(s, [D(2026, 12, 22)]) == ["22 December 2026 is outside term time."]
        assert_nothing_changed(s)


def test_refused_in_the_past(s, scope_of):
    with scope_of(s.partnership):
        assert refused(s, [D(2026, 10, 30)]) == ["30 October 2026 is in the past."]
        assert_nothing_changed(s)


def test_refused_when_a_reviewer_is_on_another_visit_that_day_naming_the_school_only_to_those_who_may_see_it(
    s, scope_of
):
    with scope_of(s.partnership):
        elsewhere = other_review(s, team=[s.reviewer], status=ReviewStatus.SCHEDULED)
        visit_on(elsewhere, WED)
        name = s.reviewer.get_full_name()
        # The head of Kingsmead may not see the review of Marlpit Lane: it is not named to them.
        assert refused(s, [WED]) == [f"{name} is already booked on another visit on 18 November 2026."]
        # A coordinator may see every review.
        assert refused(s, [TUE, WED], actor=s.coordinator) == [
            f"{name} is already on the visit to Marlpit Lane Primary School on 18 November 2026."
        ]
        assert_nothing_changed(s)
        assert propose(s, [TUE])  # the other days are free


def test_refused_when_a_reviewer_hosts_their_own_schools_visit_that_day(s, scope_of):
    with scope_of(s.partnership):
        own = other_review(s, name="Otterbrook visit", status=ReviewStatus.SCHEDULED)
        own.school = s.reviewing_school
        own.save()
        visit_on(own, WED)
        messages = refused(s, [WED])
        lead, reviewer = s.lead_reviewer.get_full_name(), s.reviewer.get_full_name()
        assert sorted(messages) == sorted(
            [
                f"{lead} is already booked on another visit on 18 November 2026.",
                f"{reviewer} is already booked on another visit on 18 November 2026.",
            ]
        )
        assert (
            f"{lead} is needed at Otterbrook Primary School on 18 November 2026: its own review visit is that day."
            in (refused(s, [WED], actor=s.coordinator))
        )


def test_refused_when_a_reviewer_is_from_the_reviewed_school(s, scope_of):
    with scope_of(s.partnership):
        member(s.partnership, Role.SENIOR_LEADER, user=s.reviewer, school=s.reviewed_school)
        assert refused(s, [TUE]) == [
            f"{s.reviewer.get_full_name()} is from Kingsmead Primary School, the school being reviewed: "
            "a coordinator needs to change the review team before a visit can be booked."
        ]
        assert_nothing_changed(s)


def test_refused_when_a_reviewer_is_from_the_same_trust_while_the_cycle_keeps_trusts_apart(s, scope_of):
    with scope_of(s.partnership):
        trust = TrustFactory(partnership=s.partnership, name="Heron Learning Trust")
        s.reviewed_school.trust = trust
        s.reviewed_school.save()
        s.reviewing_school.trust = trust
        s.reviewing_school.save()
        messages = refused(s, [TUE])
        assert len(messages) == 2
        assert messages[0] == (
            f"{s.lead_reviewer.get_full_name()} is from Otterbrook Primary School, in the same trust as Kingsmead "
            "Primary School (Heron Learning Trust): this cycle keeps trusts and federations apart, so a coordinator "
            "needs to change the review team before a visit can be booked."
        )
        assert_nothing_changed(s)
        s.review.cycle.separate_trusts = False
        s.review.cycle.save()
        assert propose(s, [TUE]).status == VisitProposal.Status.PROPOSED


def test_refused_when_a_reviewer_is_from_the_same_federation(s, scope_of):
    with scope_of(s.partnership):
        federation = TrustFactory(partnership=s.partnership, name="Two Rivers Federation", kind="federation")
        s.reviewed_school.federation = federation
        s.reviewed_school.save()
        school = SchoolFactory(partnership=s.partnership, name="Weir Bank Primary School", federation=federation)
        member(s.partnership, Role.HEADTEACHER, user=s.reviewer, school=school)
        assert refused(s, [TUE]) == [
            f"{s.reviewer.get_full_name()} is from Weir Bank Primary School, in the same federation as Kingsmead "
            "Primary School (Two Rivers Federation): this cycle keeps trusts and federations apart, so a coordinator "
            "needs to change the review team before a visit can be booked."
        ]


def test_every_reason_at_once_and_nothing_changes(s, scope_of):
    with scope_of(s.partnership):
        ClosureDay.objects.create(partnership=s.partnership, date=WED, reason="INSET day")
        elsewhere = other_review(s, team=[s.lead_reviewer], status=ReviewStatus.SCHEDULED)
        visit_on(elsewhere, TUE)
        member(s.partnership, Role.STAFF, user=s.reviewer, school=s.reviewed_school)
        days = [D(2027, 7, 5), D(2026, 10, 30), D(2026, 11, 21), TUE, WED, D(2027, 3, 26)]
        messages = refused(s, days)
        assert_nothing_changed(s)
        cycle_name = s.review.cycle.name
    assert messages == [
        "Choose between 1 and 3 visit days.",
        "30 October 2026 is in the past.",
        "18 November 2026 is a closure day (INSET day).",
        "21 November 2026 is a Saturday.",
        "26 March 2027 is a bank holiday (Good Friday).",
        f"5 July 2027 is outside the visit window for {cycle_name} (1 October 2026 to 30 June 2027).",
        f"{s.lead_reviewer.get_full_name()} is already booked on another visit on 17 November 2026.",
        f"{s.reviewer.get_full_name()} is from Kingsmead Primary School, the school being reviewed: a coordinator "
        "needs to change the review team before a visit can be booked.",
    ]


def test_dates_cannot_be_proposed_once_the_review_is_visited(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a), pytest.raises(scheduling.ValidationError, match="can no longer be changed"):
        propose(s, [TUE])


# Answering ---------------------------------------------------------------------------------------------------------


def test_the_team_accepts_the_visit_is_booked_and_the_head_and_team_are_told(s, scope_of):
    with scope_of(s.partnership):
        proposal = propose(s, [TUE, WED])
        accepted = scheduling.visit_dates_accept(proposal=proposal, actor=s.reviewer, today=TODAY)
        assert accepted.status == VisitProposal.Status.ACCEPTED and accepted.responded_by == s.reviewer
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SCHEDULED
        assert list(VisitDay.objects.filter(review=s.review).values_list("date", flat=True)) == [TUE, WED]
        # 14 calendar days before the first visit day (the cycle's setting).
        assert s.review.self_review_due_on == D(2026, 11, 3)
        event = ReviewEvent.objects.get(review=s.review)
        assert (event.from_status, event.to_status, event.actor) == ("grouped", "scheduled", s.reviewer)
        told = Notification.objects.filter(kind=NotificationKind.DATES_ACCEPTED)
        assert set(told.values_list("user", flat=True)) == {s.head.pk, s.lead_reviewer.pk}
        assert "self-review is due on Tuesday 3 November 2026" in told.first().message
        # Nobody is still asked to answer.
        assert not Notification.objects.filter(kind=NotificationKind.DATES_PROPOSED, read_at__isnull=True).exists()


def test_a_coordinator_may_accept(s, scope_of):
    with scope_of(s.partnership):
        proposal = propose(s, [TUE])
        scheduling.visit_dates_accept(proposal=proposal, actor=s.coordinator, today=TODAY)
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SCHEDULED


def test_the_rules_are_checked_again_when_the_team_accepts(s, scope_of):
    with scope_of(s.partnership):
        proposal = propose(s, [TUE, WED])
        elsewhere = other_review(s, team=[s.lead_reviewer], status=ReviewStatus.SCHEDULED)
        visit_on(elsewhere, WED)
        ClosureDay.objects.create(partnership=s.partnership, date=TUE, reason="Polling station")
        with pytest.raises(scheduling.VisitDatesRefusedError) as error:
            scheduling.visit_dates_accept(proposal=proposal, actor=s.lead_reviewer, today=TODAY)
        assert error.value.messages == [
            "17 November 2026 is a closure day (Polling station).",
            # The lead reviewer may see the other review: they are on its team.
            f"{s.lead_reviewer.get_full_name()} is already on the visit to Marlpit Lane Primary School on "
            "18 November 2026.",
        ]
        proposal.refresh_from_db()
        s.review.refresh_from_db()
        assert proposal.status == VisitProposal.Status.PROPOSED
        assert s.review.status == ReviewStatus.GROUPED
        assert not VisitDay.objects.filter(review=s.review).exists()


def test_the_team_composition_rule_is_checked_again_when_the_team_accepts(s, scope_of):
    with scope_of(s.partnership):
        proposal = propose(s, [TUE])
        member(s.partnership, Role.GOVERNOR, user=s.lead_reviewer, school=s.reviewed_school)
        with pytest.raises(scheduling.VisitDatesRefusedError, match="the school being reviewed"):
            scheduling.visit_dates_accept(proposal=proposal, actor=s.reviewer, today=TODAY)


def test_days_that_have_passed_by_the_time_the_team_answers_are_refused(s, scope_of):
    with scope_of(s.partnership):
        proposal = propose(s, [TUE])
        with pytest.raises(scheduling.VisitDatesRefusedError, match="17 November 2026 is in the past"):
            scheduling.visit_dates_accept(proposal=proposal, actor=s.reviewer, today=D(2026, 11, 18))


def test_the_team_asks_for_other_dates_with_a_reason(s, scope_of):
    with scope_of(s.partnership):
        proposal = propose(s, [TUE])
        with pytest.raises(scheduling.ValidationError, match="Say why these dates do not work"):
            scheduling.visit_dates_ask_for_other(proposal=proposal, actor=s.lead_reviewer, reason="   ")
        scheduling.visit_dates_ask_for_other(
            proposal=proposal, actor=s.lead_reviewer, reason="We have a trust board that week; any day in December."
        )
        proposal.refresh_from_db()
        assert proposal.status == VisitProposal.Status.DECLINED
        assert proposal.response_note.startswith("We have a trust board")
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.GROUPED
        told = Notification.objects.get(kind=NotificationKind.OTHER_DATES_ASKED, user=s.head)
        assert "any day in December" in told.message
        assert set(
            Notification.objects.filter(kind=NotificationKind.OTHER_DATES_ASKED).values_list("user", flat=True)
        ) == {s.head.pk, s.reviewer.pk}
        # The school proposes again.
        assert propose(s, [D(2026, 12, 2)]).status == VisitProposal.Status.PROPOSED


def test_an_answered_proposal_cannot_be_answered_again(s, scope_of):
    with scope_of(s.partnership):
        proposal = propose(s, [TUE])
        scheduling.visit_dates_accept(proposal=proposal, actor=s.lead_reviewer, today=TODAY)
        with pytest.raises(scheduling.ProposalAlreadyAnsweredError, match="accepted these dates"):
            scheduling.visit_dates_ask_for_other(proposal=proposal, actor=s.reviewer, reason="Busy")
        withdrawn = propose(s, [WED])
        propose(s, [THU])
        with pytest.raises(scheduling.ProposalAlreadyAnsweredError, match="withdrawn these dates"):
            scheduling.visit_dates_accept(proposal=withdrawn, actor=s.reviewer, today=TODAY)


# Rescheduling ------------------------------------------------------------------------------------------------------


def test_rescheduling_cancels_the_agreed_days_until_the_team_accepts_new_ones(s, scope_of):
    with scope_of(s.partnership):
        first = book(s.review, [TUE, WED], s.head, s.lead_reviewer, today=TODAY)
        second = propose(s, [D(2026, 12, 1), D(2026, 12, 3)], note="Sorry: Ofsted are coming.")
        first.refresh_from_db()
        s.review.refresh_from_db()
        assert first.status == VisitProposal.Status.WITHDRAWN
        assert s.review.status == ReviewStatus.GROUPED
        assert s.review.self_review_due_on is None
        assert not VisitDay.objects.filter(review=s.review).exists()
        back = ReviewEvent.objects.filter(review=s.review).last()
        assert (back.from_status, back.to_status, back.actor) == ("scheduled", "grouped", s.head)
        assert "17 November 2026, 18 November 2026 cancelled" in back.note
        moved = Notification.objects.filter(kind=NotificationKind.VISIT_RESCHEDULED)
        assert set(moved.values_list("user", flat=True)) == {s.lead_reviewer.pk, s.reviewer.pk, s.senior_leader.pk}
        assert "from Tuesday 17 November 2026 and Wednesday 18 November 2026 to Tuesday 1 December 2026" in (
            moved.first().message
        )
        scheduling.visit_dates_accept(proposal=second, actor=s.reviewer, today=TODAY)
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.SCHEDULED
        assert list(VisitDay.objects.filter(review=s.review).values_list("date", flat=True)) == [
            D(2026, 12, 1),
            D(2026, 12, 3),
        ]
        assert s.review.self_review_due_on == D(2026, 11, 17)


# Two people answering at once --------------------------------------------------------------------------------------


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _accept_at_once(partnership, first_answer, second_answer) -> tuple[dict, bool]:
    """Two acceptances of (proposal, person) in two threads, the second sent while the first still holds its
    transaction open: what each met, and whether the second was still waiting a second later."""
    first_holds_lock, release = threading.Event(), threading.Event()
    results = {}

    def first():
        with partnership_scope(partnership), transaction.atomic():
            proposal, actor = first_answer
            answer = scheduling.visit_dates_accept(proposal=proposal, actor=actor, today=TODAY)
            first_holds_lock.set()
            release.wait(10)
            return answer

    def second():
        first_holds_lock.wait(10)
        with partnership_scope(partnership):
            proposal, actor = second_answer
            return scheduling.visit_dates_accept(proposal=proposal, actor=actor, today=TODAY)

    threads = [_in_thread(first, results, "first"), _in_thread(second, results, "second")]
    first_holds_lock.wait(10)
    threads[1].join(1.0)
    second_waited = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(20)
    return results, second_waited


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_at_once_the_first_wins_and_the_second_is_told(partnership_a):
    with partnership_scope(partnership_a):
        s = review_scenario(partnership_a)
        proposal = propose(s, [TUE, WED])
    results, second_waited = _accept_at_once(partnership_a, (proposal, s.lead_reviewer), (proposal, s.reviewer))
    assert second_waited, "the second answer waits for the first one's lock"
    assert isinstance(results["first"], VisitProposal)
    assert isinstance(results["second"], scheduling.ProposalAlreadyAnsweredError)
    assert results["second"].messages[0].startswith(f"{s.lead_reviewer.get_full_name()} accepted these dates at ")
    with partnership_scope(partnership_a):
        assert VisitDay.objects.filter(review=s.review).count() == 2
        assert ReviewEvent.objects.filter(review=s.review, to_status="scheduled").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_visits_sharing_a_reviewer_cannot_both_take_the_same_day(partnership_a):
    with partnership_scope(partnership_a):
        s = review_scenario(partnership_a)
        elsewhere = other_review(s, team=[s.reviewer])
        here = propose(s, [WED])
        there = scheduling.visit_dates_propose(review=elsewhere, actor=s.coordinator, days=[WED], today=TODAY)
    results, _ = _accept_at_once(partnership_a, (here, s.lead_reviewer), (there, s.coordinator))
    assert isinstance(results["first"], VisitProposal)
    assert isinstance(results["second"], scheduling.VisitDatesRefusedError)
    assert results["second"].messages == [
        f"{s.reviewer.get_full_name()} is already on the visit to Kingsmead Primary School on 18 November 2026."
    ]
