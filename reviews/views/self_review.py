from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.accounts.adapters import client_ip
from partnership.common import once
from partnership.common.forms import add_service_errors, service_errors

from ..forms.visit import AttachmentForm, SelfReviewForm
from ..models import Attachment, Review
from ..permissions import can_edit_self_review, leads_reviewed_school
from ..selectors.visits import attachments_of, lines_of_enquiry, self_review_of
from ..services.concurrency import EditConflict
from ..services.self_review import attachment_add, attachment_delete, attachment_download_record, self_review_save
from .lookups import refuse_if_archived, review_or_404


def self_review_visible(user, review: Review) -> bool:
    """The school's leaders always; the team and coordinators once the school has shared it."""
    self_review = self_review_of(review)
    return leads_reviewed_school(user, review) or (self_review is not None and self_review.shared_at is not None)


def _page(request, review: Review, form: SelfReviewForm | None) -> dict:
    self_review = self_review_of(review)
    today = timezone.localdate()
    return {
        "review": review,
        "self_review": self_review,
        "visible": self_review_visible(request.user, review),
        "lines": lines_of_enquiry(self_review),
        "attachments": list(attachments_of(review)) if self_review_visible(request.user, review) else [],
        "can_edit": can_edit_self_review(request.user, review),
        "form": form,
        "overdue": bool(
            review.self_review_due_on
            and review.self_review_due_on < today
            and (self_review is None or self_review.shared_at is None)
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def self_review_page(request, pk: int):
    review = review_or_404(pk, request.user)
    can_edit = can_edit_self_review(request.user, review)
    if request.method == "POST" and not can_edit:
        refuse_if_archived(review)
        raise Http404
    form, conflict = None, None
    if can_edit:
        self_review = self_review_of(review)
        initial = {"version": 0}
        if self_review is not None:
            lines = lines_of_enquiry(self_review)
            initial = {
                "version": self_review.version,
                "focus_areas": [area.pk for area in self_review.focus_areas.all()],
                "line_of_enquiry_1": lines[0] if lines else "",
                "line_of_enquiry_2": lines[1] if len(lines) > 1 else "",
                "self_evaluation_summary": self_review.self_evaluation_summary,
                "improvement_plan_summary": self_review.improvement_plan_summary,
            }
        form = SelfReviewForm(request.POST or None, review=review, initial=initial)
        claim = once.claim(request, form, "self-review") if request.method == "POST" and form.is_valid() else None
        if claim is not None and claim.repeated:
            # The same form sent again (Back, a second press): saving it twice would report a conflict with oneself.
            messages.info(request, "Your self-review was already saved from this form; it has not been saved again.")
            return redirect("review_self_review", pk=review.pk)
        if claim is not None:
            share = request.POST.get("action") == "share"
            fields = {
                "review": review,
                "actor": request.user,
                "focus_area_ids": form.cleaned_data["focus_areas"],
                "lines_of_enquiry": [form.cleaned_data["line_of_enquiry_1"], form.cleaned_data["line_of_enquiry_2"]],
                "self_evaluation_summary": form.cleaned_data["self_evaluation_summary"],
                "improvement_plan_summary": form.cleaned_data["improvement_plan_summary"],
            }
            already_shared = self_review is not None and self_review.shared_at is not None
            try:
                if share and not already_shared:
                    # Sharing cannot be undone: check it could be shared, save it as a draft, then ask first.
                    self_review_save(**fields, share=True, check_only=True)
                saved = self_review_save(**fields, share=share and already_shared, version=form.cleaned_data["version"])
            except EditConflict as error:
                claim.release()
                conflict = error.current
                form.with_version(conflict.version)
                form.add_error(
                    None,
                    f"{conflict.updated_by or 'Someone'} saved the self-review while you were editing it. Your text "
                    "is kept below: compare it with theirs, merge the two if you need to, and save again.",
                )
            except ValidationError as error:
                add_service_errors(form, error)
                claim.release()
            else:
                claim.done()
                if share and not already_shared:
                    return redirect("review_self_review_share", pk=review.pk)
                if saved.shared_at:
                    messages.success(request, "Your changes are saved; the review team sees them.")
                else:
                    messages.success(request, "Saved as a draft. The review team sees it once you share it.")
                return redirect("review_self_review", pk=review.pk)
    context = _page(request, review, form)
    if conflict is not None:
        context["conflict"] = conflict
        context["conflict_fields"] = _self_review_as_saved(conflict)
    return render(request, "reviews/self_review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def self_review_share_page(request, pk: int):
    """Check your answers, then share (the GOV.UK confirmation pattern): sharing cannot be undone."""
    review = review_or_404(pk, request.user)
    if not can_edit_self_review(request.user, review):
        refuse_if_archived(review)
        raise Http404
    self_review = self_review_of(review)
    if self_review is None or self_review.shared_at is not None:
        if request.method == "POST" and self_review is not None:
            messages.info(request, "Your self-review is already shared with the review team.")
        return redirect("review_self_review", pk=review.pk)
    if request.method == "POST":
        try:
            self_review_save(
                review=review,
                actor=request.user,
                focus_area_ids=[area.pk for area in self_review.focus_areas.all()],
                lines_of_enquiry=lines_of_enquiry(self_review),
                self_evaluation_summary=self_review.self_evaluation_summary,
                improvement_plan_summary=self_review.improvement_plan_summary,
                share=True,
                version=self_review.version,
            )
        except (ValidationError, EditConflict):
            messages.error(request, "The self-review changed or is not ready to share: check it and try again.")
            return redirect("review_self_review", pk=review.pk)
        messages.success(request, "Your self-review is shared with the review team.")
        return redirect("review_self_review", pk=review.pk)
    return render(
        request,
        "reviews/self_review_share.html",
        {"review": review, "answers": _self_review_as_saved(self_review)},
    )


def _self_review_as_saved(self_review) -> list[tuple[str, str]]:
    return [
        ("Focus areas", ", ".join(area.name for area in self_review.focus_areas.all())),
        ("Lines of enquiry", "\n".join(lines_of_enquiry(self_review))),
        ("Summary of the self-evaluation", self_review.self_evaluation_summary),
        ("Summary of the improvement plan", self_review.improvement_plan_summary),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add_page(request, pk: int):
    review = review_or_404(pk, request.user, can_edit_self_review)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "document")
        if claim.repeated:
            messages.info(request, "This document was already uploaded from this form; it has not been uploaded twice.")
            return redirect(reverse("review_self_review", args=[review.pk]) + "#documents")
        with service_errors(form) as refusal:
            attachment = attachment_add(
                review=review,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        if not refusal:
            claim.done(attachment.pk)
            messages.success(request, f"‘{attachment.original_name}’ is uploaded.")
            return redirect(reverse("review_self_review", args=[review.pk]) + "#documents")
        claim.release()
    return render(request, "reviews/attachment_add.html", {"review": review, "form": form})


def _attachment_or_404(review: Review, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.filter(review=review, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


@login_required
@require_http_methods(["GET", "POST"])
def attachment_delete_page(request, pk: int, attachment_id: int):
    review = review_or_404(pk, request.user, can_edit_self_review)
    attachment = _attachment_or_404(review, attachment_id)
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            attachment_delete(attachment=attachment, actor=request.user)
        if not refusal:
            messages.success(request, f"‘{attachment.original_name}’ is deleted.")
        return redirect(reverse("review_self_review", args=[review.pk]) + "#documents")
    return render(request, "reviews/attachment_delete.html", {"review": review, "attachment": attachment})


@login_required
@require_http_methods(["GET"])
def attachment_download(request, pk: int, attachment_id: int):
    """The only way to a review document: permission checked, each download recorded, never shown inline."""
    review = review_or_404(pk, request.user, self_review_visible)
    attachment = _attachment_or_404(review, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    attachment_download_record(
        attachment=attachment,
        user=request.user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
