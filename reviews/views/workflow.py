"""The workflow's buttons: mark as visited, the factual-accuracy reply, finalise and share with governors.

Each view checks that this person may make this step now (a 404 otherwise) and calls the step's service in
reviews/services/workflow.py, which records who made it and when.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from partnership.common import once
from partnership.common.forms import service_errors
from partnership.common.text import long_date

from ..forms.visit import FactualAccuracyForm
from ..models import ReviewStatus
from ..permissions import (
    can_finalise,
    can_mark_visited,
    can_respond_to_factual_accuracy,
    can_share_with_governors,
)
from ..reports.content import report_page_context
from ..selectors.findings import report_of
from ..services.workflow import (
    review_finalise,
    review_mark_visited,
    review_respond_to_factual_accuracy,
    review_share_with_governors,
)
from .lookups import review_for_step


@login_required
@require_POST
def mark_visited(request, pk: int):
    review = review_for_step(
        request, pk, can_mark_visited, done_at=ReviewStatus.VISITED, done="The visit is already marked as done."
    )
    if isinstance(review, HttpResponse):
        return review
    with service_errors(request=request) as refusal:
        review = review_mark_visited(review=review, actor=request.user)
    if not refusal:
        messages.success(
            request,
            f"The visit is marked as done. The draft report is due by {long_date(review.report_due_on)} "
            f"({review.cycle.report_due_working_days} working days after the visit).",
        )
    return redirect("review_detail", pk=review.pk)


@login_required
@require_http_methods(["GET", "POST"])
def factual_accuracy(request, pk: int):
    """The reviewed school's headteacher reads the draft and replies: corrections (or none) and a response."""
    review = review_for_step(
        request,
        pk,
        can_respond_to_factual_accuracy,
        done_at=ReviewStatus.FINAL,
        done="The factual-accuracy check is over: the report is final.",
    )
    if isinstance(review, HttpResponse):
        return review
    report = report_of(review)
    initial = {}
    if report is not None and report.factual_accuracy_responded_at:
        initial = {
            "corrections": "some" if report.factual_accuracy_comments else "none",
            "comments": report.factual_accuracy_comments,
            "school_response": report.school_response,
        }
    elif report is not None:
        initial = {"school_response": report.school_response}
    form = FactualAccuracyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "factual-accuracy")
        if claim.repeated:
            # The same reply sent again: the lead reviewer has it; a second would be a second entry in the history.
            messages.info(request, "Your reply was already sent from this form; it has not been sent again.")
            return redirect("review_detail", pk=review.pk)
        with service_errors(form) as refusal:
            review_respond_to_factual_accuracy(
                review=review,
                actor=request.user,
                comments=form.cleaned_data["comments"],
                school_response=form.cleaned_data["school_response"],
            )
        if refusal:
            claim.release()
        else:
            claim.done()
            messages.success(
                request,
                "Thank you: your reply is sent to the lead reviewer and the partnership's coordinator."
                if form.cleaned_data["comments"]
                else "Thank you: you have accepted the draft as factually accurate.",
            )
            return redirect("review_detail", pk=review.pk)
    return render(
        request,
        "reviews/factual_accuracy.html",
        {"review": review, **report_page_context(review), "form": form, "draft_report": report},
    )


def confirm_page(request, review, *, title: str, explain: list[str], warning: str, button: str, action: str):
    """The GOV.UK confirmation page in front of a step that cannot be undone: a GET shows it, its button posts."""
    return render(
        request,
        "reviews/confirm.html",
        {
            "review": review,
            "confirm": {"title": title, "explain": explain, "warning": warning, "button": button, "action": action},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finalise(request, pk: int):
    review = review_for_step(request, pk, can_finalise, done_at=ReviewStatus.FINAL, done="The report is already final.")
    if isinstance(review, HttpResponse):
        return review
    if request.method == "GET":
        return confirm_page(
            request,
            review,
            title="Finalise the report",
            explain=[
                "Finalising ends the factual-accuracy check and makes this the school's final report.",
                "The school's headteacher or you can then share it with the school's governors.",
            ],
            warning="You cannot undo this: the findings can no longer be changed.",
            button="Yes, finalise the report",
            action=reverse("review_finalise", args=[review.pk]),
        )
    with service_errors(request=request) as refusal:
        review_finalise(review=review, actor=request.user)
    if not refusal:
        messages.success(
            request, "The report is final. The school's headteacher or you can now share it with governors."
        )
    return redirect("review_detail", pk=review.pk)


@login_required
@require_http_methods(["GET", "POST"])
def share_with_governors(request, pk: int):
    review = review_for_step(
        request,
        pk,
        can_share_with_governors,
        done_at=ReviewStatus.SHARED,
        done="The final report is already shared with the school's governors.",
    )
    if isinstance(review, HttpResponse):
        return review
    if request.method == "GET":
        return confirm_page(
            request,
            review,
            title="Share the final report with governors",
            explain=[
                f"Every governor of {review.school.name} will be able to read and download the final report, "
                "and each is sent an email to say it is ready.",
            ],
            warning="You cannot undo this: once shared, the report stays with the governors.",
            button="Yes, share it with governors",
            action=reverse("review_share", args=[review.pk]),
        )
    with service_errors(request=request) as refusal:
        review_share_with_governors(review=review, actor=request.user)
    if not refusal:
        messages.success(request, "The final report is shared with the school's governors.")
    return redirect("review_detail", pk=review.pk)
