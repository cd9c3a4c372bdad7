from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.common import once
from partnership.common.forms import add_service_errors, service_errors
from partnership.common.text import long_date

from ..forms.visit import FindingForm, ReportDraftForm, SendDraftForm
from ..models import Finding, FocusArea, ReportDraft, Review, ReviewStatus
from ..permissions import can_submit_draft, can_view_draft_report, can_view_final_report, can_write_findings
from ..reports.content import report_page_context
from ..selectors.findings import findings_overview, report_of
from ..selectors.reviews import review_for_page
from ..selectors.visits import chosen_focus_area_ids, evidence_by_activity
from ..services.concurrency import EditConflict
from ..services.findings import finding_save, report_draft_save
from ..services.workflow import review_submit_draft
from .lookups import review_for_step, review_or_404
from .workflow import confirm_page


def _overview_context(request, review: Review, send_form: SendDraftForm | None = None) -> dict:
    today = timezone.localdate()
    return {
        "review": review,
        "rows": findings_overview(review),
        "report": report_of(review),
        "can_write": can_write_findings(request.user, review),
        "can_submit": can_submit_draft(request.user, review),
        "form": send_form,
        "report_overdue": bool(
            review.report_due_on
            and review.report_due_on < today
            and review.status in (ReviewStatus.VISITED, ReviewStatus.DRAFT)
        ),
    }


@login_required
def findings_page(request, pk: int):
    review = review_or_404(pk, request.user)
    if not review.has_reached(ReviewStatus.VISITED):
        raise Http404
    return render(request, "reviews/findings.html", _overview_context(request, review))


@login_required
@require_http_methods(["GET", "POST"])
def send_draft(request, pk: int):
    review = review_for_step(
        request,
        pk,
        can_submit_draft,
        done_at=ReviewStatus.FACTUAL_ACCURACY,
        done="The draft was already sent to the school for its factual-accuracy check.",
    )
    if isinstance(review, HttpResponse):
        return review
    if request.method == "GET":
        return confirm_page(
            request,
            review,
            title="Send the draft to the school",
            explain=[
                f"The headteacher of {review.school.name} then has {review.cycle.factual_accuracy_working_days} "
                "working days to check the draft for factual accuracy and to reply.",
                "You can still correct the findings during the check.",
            ],
            warning="You cannot take the draft back once it is sent.",
            button="Yes, send the draft",
            action=reverse("review_send_draft", args=[review.pk]),
        )
    with service_errors() as refusal:
        review = review_submit_draft(review=review, actor=request.user)
    if refusal:
        form = SendDraftForm(data={})
        form.is_valid()
        add_service_errors(form, refusal.error)
        return render(request, "reviews/findings.html", _overview_context(request, review, form))
    messages.success(
        request,
        f"The draft is sent to the school for its factual-accuracy check. The school has until "
        f"{long_date(review.factual_accuracy_due_on)} to reply.",
    )
    return redirect("review_detail", pk=review.pk)


def _conflict_message(current, thing: str) -> str:
    who = getattr(current, "updated_by", None) or "Someone"
    return (
        f"{who} saved {thing} while you were editing it. Your text is kept below: compare it with theirs, "
        "merge the two if you need to, and save again."
    )


def _finding_as_saved(finding: Finding, review: Review) -> list[tuple[str, str]]:
    fields = [("Strengths", finding.strengths), ("Areas for development", finding.areas_for_development)]
    if review.cycle.uses_grades:
        fields.append(("Grade", finding.grade))
    return fields


def _report_as_saved(report: ReportDraft) -> list[tuple[str, str]]:
    return [
        ("Context", report.context),
        ("Area of excellence", report.area_of_excellence),
        ("Recommendations", report.recommendations),
        ("Next steps", report.next_steps),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk: int, focus_area_id: int):
    review = review_or_404(pk, request.user, can_write_findings)
    focus_area = FocusArea.objects.filter(cycle_id=review.cycle_id, pk=focus_area_id).first()
    if focus_area is None:
        raise Http404
    finding = Finding.objects.filter(review=review, focus_area=focus_area).select_related("updated_by").first()
    initial = {"version": 0}
    if finding is not None:
        initial = {
            "version": finding.version,
            "strengths": finding.strengths,
            "areas_for_development": finding.areas_for_development,
            "grade": finding.grade,
        }
    form = FindingForm(request.POST or None, review=review, initial=initial)
    conflict = None
    claim = None
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "finding")
    if claim is not None and claim.repeated:
        # The same form sent again: the first saved these findings; saving again would only raise a false conflict
        # or, after someone else's change, undo it.
        messages.info(request, f"The findings for {focus_area.name.lower()} were already saved from this form.")
        return redirect("review_findings", pk=review.pk)
    if claim is not None:
        try:
            finding_save(
                review=review,
                focus_area=focus_area,
                actor=request.user,
                version=form.cleaned_data["version"],
                strengths=form.cleaned_data["strengths"],
                areas_for_development=form.cleaned_data["areas_for_development"],
                grade=form.cleaned_data.get("grade", ""),
            )
        except EditConflict as error:
            claim.release()
            conflict = error.current
            form.with_version(conflict.version if conflict else 0)
            form.add_error(None, _conflict_message(conflict, f"the findings for {focus_area.name.lower()}"))
        except ValidationError as error:
            add_service_errors(form, error)
            claim.release()
        else:
            claim.done()
            messages.success(request, f"The findings for {focus_area.name.lower()} are saved.")
            return redirect("review_findings", pk=review.pk)
    return render(
        request,
        "reviews/finding_form.html",
        {
            "review": review,
            "focus_area": focus_area,
            "chosen": focus_area.pk in chosen_focus_area_ids(review),
            "finding": finding,
            "form": form,
            "conflict": conflict,
            "conflict_fields": _finding_as_saved(conflict, review) if conflict else None,
            "evidence": evidence_by_activity(review, focus_area_id=focus_area.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    review = review_or_404(pk, request.user, can_write_findings)
    report = report_of(review)
    initial = {"version": 0}
    if report is not None:
        initial = {
            "version": report.version,
            "context": report.context,
            "area_of_excellence": report.area_of_excellence,
            "recommendations": report.recommendations,
            "next_steps": report.next_steps,
        }
    form = ReportDraftForm(request.POST or None, initial=initial)
    conflict = None
    claim = once.claim(request, form, "report") if request.method == "POST" and form.is_valid() else None
    if claim is not None and claim.repeated:
        messages.info(request, "The report was already saved from this form; it has not been saved again.")
        return redirect("review_findings", pk=review.pk)
    if claim is not None:
        data = form.cleaned_data
        try:
            report_draft_save(
                review=review,
                actor=request.user,
                version=data["version"],
                context=data["context"],
                area_of_excellence=data["area_of_excellence"],
                recommendations=data["recommendations"],
                next_steps=data["next_steps"],
            )
        except EditConflict as error:
            claim.release()
            conflict = error.current
            form.with_version(conflict.version if conflict else 0)
            form.add_error(None, _conflict_message(conflict, "the report"))
        except ValidationError as error:
            add_service_errors(form, error)
            claim.release()
        else:
            claim.done()
            messages.success(request, "The report's context, area of excellence and recommendations are saved.")
            return redirect("review_findings", pk=review.pk)
    return render(
        request,
        "reviews/report_form.html",
        {
            "review": review,
            "form": form,
            "conflict": conflict,
            "conflict_fields": _report_as_saved(conflict) if conflict else None,
            "report": report,
        },
    )


def may_read_report(user, review: Review) -> bool:
    return can_view_draft_report(user, review) or can_view_final_report(user, review)


@login_required
def report_read(request, pk: int):
    """The report as it will be printed: a draft for the school and the team, the final report for governors."""
    review = review_for_page(pk)
    if review is None or not may_read_report(request.user, review):
        raise Http404
    return render(request, "reviews/report_read.html", {"review": review, **report_page_context(review)})
