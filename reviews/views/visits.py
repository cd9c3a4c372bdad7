from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from partnership.common import once
from partnership.common.forms import add_service_errors, service_errors, show_service_errors

from ..forms.visit import ActivityForm, EvidenceNoteForm
from ..models import Activity, EvidenceNote, Review
from ..permissions import can_plan_visit, can_record_evidence
from ..selectors.visits import cycle_focus_areas, evidence_by_activity, programme_by_day
from ..services.concurrency import EditConflict
from ..services.evidence import evidence_note_create, evidence_note_delete, evidence_note_update
from ..services.visits import activity_create, activity_delete, activity_update
from .lookups import review_or_404

# The programme -----------------------------------------------------------------------------------------------


@login_required
def programme(request, pk: int):
    review = review_or_404(pk, request.user)
    return render(
        request,
        "reviews/programme.html",
        {
            "review": review,
            "days": programme_by_day(review),
            "can_plan": can_plan_visit(request.user, review),
            "can_record": can_record_evidence(request.user, review),
        },
    )


def _activity_fields(form: ActivityForm) -> dict:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "title": data["title"],
        "date": data["date"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "participant_ids": data["participants"],
        "others_taking_part": data["others_taking_part"],
        "location": data["location"],
    }


def _activity_or_404(review: Review, activity_id: int) -> Activity:
    activity = Activity.objects.filter(review=review, pk=activity_id).first()
    if activity is None:
        raise Http404
    activity.review = review
    return activity


@login_required
@require_http_methods(["GET", "POST"])
def activity_add(request, pk: int):
    review = review_or_404(pk, request.user, can_plan_visit)
    form = ActivityForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "activity")
        if claim.repeated:
            # The same form sent again (Back, a second press): the first added the session; add no other.
            messages.info(request, "This activity was already added to the programme; it has not been added twice.")
            anchor = f"#activity-{claim.previous}" if claim.previous.isdigit() else ""
            return redirect(reverse("review_programme", args=[review.pk]) + anchor)
        with service_errors(form) as refusal:
            activity = activity_create(review=review, actor=request.user, **_activity_fields(form))
        if not refusal:
            claim.done(activity.pk)
            messages.success(request, f"‘{activity}’ is added to the programme.")
            return redirect(reverse("review_programme", args=[review.pk]) + f"#activity-{activity.pk}")
        claim.release()
    return render(request, "reviews/activity_form.html", {"review": review, "form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int, activity_id: int):
    review = review_or_404(pk, request.user, can_plan_visit)
    activity = _activity_or_404(review, activity_id)
    initial = {
        "kind": activity.kind,
        "title": activity.title,
        "date": activity.date.isoformat(),
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "participants": [p.pk for p in activity.participants.all()],
        "others_taking_part": activity.others_taking_part,
        "location": activity.location,
    }
    form = ActivityForm(request.POST or None, review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            activity_update(activity=activity, actor=request.user, **_activity_fields(form))
        if not refusal:
            messages.success(request, f"‘{activity}’ is updated.")
            return redirect("review_programme", pk=review.pk)
    return render(request, "reviews/activity_form.html", {"review": review, "form": form, "activity": activity})


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete_page(request, pk: int, activity_id: int):
    review = review_or_404(pk, request.user, can_plan_visit)
    activity = _activity_or_404(review, activity_id)
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            kept = activity_delete(activity=activity, actor=request.user)
        if not refusal:
            extra = f" Its {kept} evidence note{'s are' if kept != 1 else ' is'} kept as general notes." if kept else ""
            messages.success(request, f"‘{activity}’ is removed from the programme.{extra}")
        return redirect("review_programme", pk=review.pk)
    return render(
        request,
        "reviews/activity_delete.html",
        {"review": review, "activity": activity, "note_count": activity.notes.count()},
    )


# Evidence notes ----------------------------------------------------------------------------------------------


def _activities(review: Review) -> list[Activity]:
    return list(Activity.objects.filter(review=review).order_by("date", "starts_at", "pk"))


@login_required
def evidence_list(request, pk: int):
    review = review_or_404(pk, request.user)
    focus_areas = cycle_focus_areas(review)
    selected = request.GET.get("focus_area", "")
    focus_area = next((area for area in focus_areas if str(area.pk) == selected), None)
    groups = evidence_by_activity(review, focus_area_id=focus_area.pk if focus_area else None)
    return render(
        request,
        "reviews/evidence_list.html",
        {
            "review": review,
            "groups": groups,
            "note_count": sum(len(group.notes) for group in groups),
            "focus_areas": focus_areas,
            "focus_area": focus_area,
            "can_record": can_record_evidence(request.user, review),
        },
    )


def _note_fields(form: EvidenceNoteForm) -> dict:
    return {
        "text": form.cleaned_data["text"],
        "activity_id": form.cleaned_data["activity"],
        "focus_area_ids": form.cleaned_data["focus_areas"],
    }


def _back_to_evidence(review: Review, note: EvidenceNote) -> str:
    return reverse("review_evidence", args=[review.pk]) + f"#note-{note.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, pk: int):
    review = review_or_404(pk, request.user, can_record_evidence)
    activities = _activities(review)
    activity = request.GET.get("activity", "")
    initial = {"activity": int(activity)} if activity.isdigit() and int(activity) in {a.pk for a in activities} else {}
    form = EvidenceNoteForm(request.POST or None, review=review, activities=activities, initial=initial)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "evidence")
        if claim.repeated:
            # The same form sent again (Back, or a second press): the first made the note; make no other.
            messages.info(request, "This evidence note was already saved; it has not been saved a second time.")
            url = reverse("review_evidence", args=[review.pk])
            return redirect(url + (f"#note-{claim.previous}" if claim.previous.isdigit() else ""))
        with service_errors(form) as refusal:
            note = evidence_note_create(review=review, actor=request.user, **_note_fields(form))
        if not refusal:
            claim.done(note.pk)
            messages.success(request, "Your evidence note is saved.")
            return redirect(_back_to_evidence(review, note))
        claim.release()
    return render(request, "reviews/evidence_form.html", {"review": review, "form": form, "note": None})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request, pk: int, note_id: int):
    review = review_or_404(pk, request.user, can_record_evidence)
    note = EvidenceNote.objects.filter(review=review, pk=note_id).select_related("updated_by").first()
    if note is None:
        raise Http404
    note.review = review
    activities = _activities(review)
    initial = {
        "version": note.version,
        "activity": note.activity_id,
        "text": note.text,
        "focus_areas": [area.pk for area in note.focus_areas.all()],
    }
    form = EvidenceNoteForm(request.POST or None, review=review, activities=activities, initial=initial)
    conflict = None
    claim = once.claim(request, form, "evidence-edit") if request.method == "POST" and form.is_valid() else None
    if claim is not None and claim.repeated:
        # The same change sent again: saving it twice would only report a conflict with oneself.
        messages.info(request, "These changes to the note were already saved; they have not been saved again.")
        return redirect(_back_to_evidence(review, note))
    if claim is not None:
        try:
            evidence_note_update(
                note=note, actor=request.user, version=form.cleaned_data["version"], **_note_fields(form)
            )
        except EditConflict as error:
            claim.release()
            conflict = error.current
            if conflict is None:
                return _note_deleted_meanwhile(request, review, activities)
            form.with_version(conflict.version)
            form.add_error(
                None,
                f"{conflict.updated_by or 'Someone'} saved this note while you were editing it. Your text is "
                "kept below: compare it with theirs, merge the two if you need to, and save again.",
            )
        except ValidationError as error:
            add_service_errors(form, error)
            claim.release()
        else:
            claim.done(note.pk)
            messages.success(request, "Your changes to the note are saved.")
            return redirect(_back_to_evidence(review, note))
    return render(
        request,
        "reviews/evidence_form.html",
        {
            "review": review,
            "form": form,
            "note": note,
            "conflict": conflict,
            "conflict_fields": _note_fields_as_saved(conflict) if conflict else None,
        },
    )


def _note_fields_as_saved(note: EvidenceNote) -> list[tuple[str, str]]:
    return [
        ("Evidence", note.text),
        ("Activity", str(note.activity) if note.activity_id else "General (not one activity)"),
        ("Focus areas", ", ".join(area.name for area in note.focus_areas.all())),
    ]


def _note_deleted_meanwhile(request, review: Review, activities: list[Activity]):
    """The note was deleted while this person edited it: offer their text as a new note."""
    form = EvidenceNoteForm(
        initial={
            "text": request.POST.get("text", ""),
            "activity": request.POST.get("activity") or None,
            "focus_areas": request.POST.getlist("focus_areas"),
        },
        review=review,
        activities=activities,
    )
    messages.error(
        request,
        "Someone deleted this note while you were editing it. Your text is kept below: save it as a new note.",
    )
    return render(request, "reviews/evidence_form.html", {"review": review, "form": form, "note": None})


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request, pk: int, note_id: int):
    review = review_or_404(pk, request.user, can_record_evidence)
    note = EvidenceNote.objects.filter(review=review, pk=note_id).select_related("activity", "author").first()
    if note is None:
        raise Http404
    note.review = review
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            evidence_note_delete(note=note, actor=request.user, version=int(version) if version.isdigit() else -1)
        except EditConflict as error:
            if error.current is None:
                messages.success(request, "The note was already deleted.")
                return redirect("review_evidence", pk=review.pk)
            messages.error(
                request,
                f"{error.current.updated_by or 'Someone'} changed this note after you opened it. "
                "Read it again before you delete it.",
            )
            note = error.current
        except ValidationError as error:
            show_service_errors(request, error)
            return redirect("review_evidence", pk=review.pk)
        else:
            messages.success(request, "The note is deleted.")
            return redirect("review_evidence", pk=review.pk)
    return render(request, "reviews/evidence_delete.html", {"review": review, "note": note})
