"""A person's CPD record (/cpd/record/): booked, attended, certified and spend, as a page and a PDF rendered on the
pdf queue and stored under its content's hash; their school's CPD leader and coordinators see it, nobody else."""

import pytest
from django.core.files.storage import default_storage

from cpd.services.certificates import certificates_release
from cpd.services.records import record_document
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory

from .factories import NOW, coordinator, person
from .test_certificates import run_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(partnership_a, scope_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with scope_of(partnership_a):
        event, people, boss = run_course(partnership_a, n=2, absent=1)
        certificates_release(event=event, by=boss, now=NOW)
        holder = people[0]  # a headteacher: their own school's CPD leader
        school_id = next(iter(holder.memberships.values_list("school_id", flat=True)))
        colleague = person(partnership_a, SchoolFactory._meta.model.objects.get(pk=school_id), Role.STAFF)
    return {
        "holder": holder,
        "leader": holder,
        "colleague": colleague,
        "other_head": people[1],
        "coordinator": coordinator(partnership_a),
        "board_member": MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user,
    }, event


def test_my_record_shows_what_i_booked_attended_and_was_certified_for(records, partnership_a, client_at):
    people, _ = records
    page = client_at(partnership_a, people["holder"]).get("/cpd/record/")
    assert page.status_code == 200 and "My CPD record" in page.text
    record = page.context["record"]
    assert len(record.lines) == 2 and record.attended == 2 and len(record.certificates) == 1
    assert "Phonics refresher" in page.text and record.certificates[0].code in page.text
    absent = client_at(partnership_a, people["other_head"]).get("/cpd/record/").context["record"]
    assert absent.attended == 1 and not absent.certificates and any(line.no_show for line in absent.lines)


def test_who_may_open_a_persons_record(records, partnership_a, partnership_b, client_at):
    people, _ = records
    colleague = people["colleague"]
    url = f"/cpd/record/{colleague.pk}/"
    may = {"colleague", "leader", "holder", "coordinator"}  # the holder is the colleague's headteacher and leader
    for role, user in people.items():
        assert client_at(partnership_a, user).get(url).status_code == (200 if role in may else 404), role
    # Another school's leader does not see the holder's colleagues; nobody but coordinators sees across schools.
    assert client_at(partnership_a, people["other_head"]).get(f"/cpd/record/{people['holder'].pk}/").status_code == 404
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    assert client_at(partnership_a, outsider).get(url).status_code == 404
    assert client_at(partnership_a, outsider).get(f"/cpd/record/{colleague.pk}/record.pdf").status_code == 404
    # Someone who was never a member of this partnership is not found, even by its coordinator.
    assert client_at(partnership_a, people["coordinator"]).get(f"/cpd/record/{outsider.pk}/").status_code == 404


def test_the_staff_records_list(
    records, partnership_a, partnership_b, client_at, scope_of, django_assert_max_num_queries
):
    people, _ = records
    for role in ("colleague", "board_member"):
        assert client_at(partnership_a, people[role]).get("/cpd/record/staff/").status_code == 404
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    assert client_at(partnership_a, outsider).get("/cpd/record/staff/").status_code == 404
    leader = client_at(partnership_a, people["leader"])
    rows = {row.user_id: row for row in leader.get("/cpd/record/staff/").context["page"]}
    assert set(rows) == {people["holder"].pk, people["colleague"].pk}  # their own school only
    assert rows[people["holder"].pk].booked == 2 and rows[people["holder"].pk].attended == 2
    assert rows[people["holder"].pk].certified == 1 and rows[people["holder"].pk].spend == 160  # 2 x 80
    everyone = client_at(partnership_a, people["coordinator"])
    assert everyone.get("/cpd/record/staff/").context["page"].paginator.count == 3
    assert everyone.get("/cpd/record/staff/?q=zzzz").context["page"].paginator.count == 0
    with scope_of(partnership_a):
        for _ in range(15):
            person(partnership_a, role=Role.STAFF)
    with django_assert_max_num_queries(10):
        assert everyone.get("/cpd/record/staff/").status_code == 200
    with django_assert_max_num_queries(12):
        assert everyone.get(f"/cpd/record/{people['holder'].pk}/").status_code == 200


def test_the_record_pdf_is_queued_stored_by_hash_and_served(records, partnership_a, client_at, scope_of, monkeypatch):
    people, _ = records
    client = client_at(partnership_a, people["holder"])
    url = f"/cpd/record/{people['holder'].pk}/record.pdf"
    queued = []
    monkeypatch.setattr("cpd.views.record_enqueue", lambda **kwargs: queued.append(kwargs) or True)
    waiting = client.get(url)
    assert waiting.status_code == 200 and "being prepared" in waiting.text
    assert queued == [{"user_id": people["holder"].pk, "partnership_id": partnership_a.pk}]
    assert 'data-finished="false"' in client.get(url + "?fragment=1").text
    # The worker's turn (the task itself, run here).
    from cpd.tasks import render_record

    name = render_record(partnership_id=partnership_a.pk, user_id=people["holder"].pk)
    assert default_storage.exists(name) and name.startswith(f"cpd-records/{partnership_a.pk}/")
    assert 'data-finished="true"' in client.get(url + "?fragment=1").text
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # Unchanged: the same file. Changed record: a new name.
    assert render_record(partnership_id=partnership_a.pk, user_id=people["holder"].pk) == name
    with scope_of(partnership_a):
        _, before = record_document(person=people["holder"], partnership=partnership_a, today=NOW.date())
        people["holder"].first_name = "Renamed"
        people["holder"].save(update_fields=["first_name"])
        _, after = record_document(person=people["holder"], partnership=partnership_a, today=NOW.date())
    assert before != after


def test_the_record_lists_the_evaluations_answered_but_never_the_answers(records, partnership_a, client_at, scope_of):
    from cpd.models import EvaluationCompletion, EvaluationPoint, EvaluationResponse

    people, event = records
    with scope_of(partnership_a):
        EvaluationCompletion.objects.create(
            partnership=partnership_a, event=event, point=EvaluationPoint.ON_THE_DAY, user=people["holder"]
        )
        EvaluationResponse.objects.create(
            partnership=partnership_a,
            event=event,
            point=EvaluationPoint.ON_THE_DAY,
            anonymous=True,
            answers={"1": "The afternoon dragged badly"},
        )
        html, _ = record_document(person=people["holder"], partnership=partnership_a, today=NOW.date())
    page = client_at(partnership_a, people["holder"]).get("/cpd/record/")
    assert [(e.event_id, e.point) for e in page.context["record"].evaluations] == [(event.pk, "on_the_day")]
    for text in (page.text, html):
        assert "Evaluations answered" in text and "On the day" in text
        assert "afternoon dragged" not in text
    other = client_at(partnership_a, people["other_head"]).get("/cpd/record/").context["record"]
    assert other.evaluations == []
