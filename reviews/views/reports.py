"""Report pages: the Reports page, downloads (checked and audited), progress while a report is prepared, and
bulk preparation for a cycle. No view renders a PDF: a missing report is asked for and its progress shown."""

import csv
import io
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as render_page
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from partnership.accounts.adapters import client_ip
from partnership.audit.services import AuditAction, audit_record
from partnership.common.forms import service_errors
from partnership.common.http import safe_next
from partnership.common.spreadsheets import spreadsheet_safe

from ..models import Cycle, Review
from ..models.reports import ReportBatch, ReportRender
from ..permissions import can_view_a_report, can_view_review
from ..reports.archive import zip_stream
from ..reports.content import report_kind_for
from ..reports.permissions import (
    can_download_kind,
    can_download_render,
    can_prepare_cycle_reports,
    can_use_reports_page,
    can_view_report_downloads,
)
from ..selectors.reports import (
    batch_progress,
    cycle_report_counts,
    final_reports_of_cycle,
    final_reviews_of_cycle,
    latest_ready_final_version,
    recent_batches,
    reports_for_governor,
    reports_of_reviews_taken_part_in,
    review_downloads,
    with_latest_final,
)
from ..selectors.reviews import current_cycle
from ..services.reports import (
    report_batch_create,
    report_download_record,
    report_file_missing,
    report_request,
    report_retry,
    report_zip_downloads_record,
)
from .lookups import review_or_404

REVIEWS_PER_PAGE = 50
BROKER_DOWN_MESSAGE = (
    "The service that prepares reports cannot be reached at the moment. Your request is saved: the report "
    "will be prepared as soon as the service is back. You can leave this page and come back later."
)


def _render_or_404(request, review: Review, render_pk: int) -> ReportRender:
    """A version of the review's report that the person may have, or 404 (never a hint that it exists)."""
    render = ReportRender.objects.defer("content").filter(pk=render_pk, review=review).first()
    if render is None:
        raise Http404
    render.review = review
    latest_final = None if can_view_review(request.user, review) else latest_ready_final_version(review)
    if not can_download_render(request.user, render, latest_final_version=latest_final):
        raise Http404
    return render


def _progress_url(render: ReportRender) -> str:
    return reverse("report_progress", args=[render.review_id, render.pk])


def download_filename(review: Review, render: ReportRender) -> str:
    year = review.cycle.academic_year.replace("/", "-")
    kind = render.get_kind_display().lower()
    school = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", review.school.name).strip(" .-") or "School"
    return f"{school} - peer review report {year} ({kind}, v{render.version}).pdf"


def _serve(request, review: Review, render: ReportRender):
    storage = render.file.storage
    try:
        handle = storage.open(render.file.name, "rb")
    except FileNotFoundError:
        render = report_file_missing(render=render)
        return redirect(_progress_url(render))
    report_download_record(
        render=render,
        user=request.user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    response = FileResponse(
        handle, as_attachment=True, filename=download_filename(review, render), content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_download(request, pk: int):
    """The review's current report: the file when it is ready, otherwise ask for it and show its progress."""
    review = review_or_404(pk, request.user, visible_to=can_view_a_report)
    kind = report_kind_for(review)
    if kind is None or not can_download_kind(request.user, review, kind):
        raise Http404
    render = report_request(review=review, requested_by=request.user)
    if render is None:
        raise Http404
    if render.is_ready:
        return _serve(request, review, render)
    render.refresh_from_db(fields=["status", "enqueued_at", "error"])
    if render.is_ready:  # rendered while we asked (eager Celery in development)
        return _serve(request, review, render)
    if render.waiting_for_broker:
        messages.warning(request, BROKER_DOWN_MESSAGE)
    return redirect(_progress_url(render))


@login_required
def report_downloads_csv(request, pk: int):
    """The record of every download of the review's report (the review's page lists each person once): for the
    school's headteacher and the coordinators, as the page shows it to them. The export is itself recorded."""
    review = review_or_404(pk, request.user, visible_to=can_view_a_report)
    if not can_view_report_downloads(request.user, review):
        raise Http404
    filename = f"{slugify(review.school.name)}-report-downloads-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["Person", "Email", "Downloaded at", "Version", "Address", "Browser"])
    for download in review_downloads(review).iterator(chunk_size=500):
        writer.writerow(
            spreadsheet_safe(value)
            for value in (
                download.user_name,
                download.user_email,
                timezone.localtime(download.downloaded_at).strftime("%Y-%m-%d %H:%M:%S"),
                f"{download.render.get_kind_display()} v{download.render.version}",
                download.ip_address or "",
                download.user_agent,
            )
        )
    audit_record(
        action=AuditAction.EXPORT,
        subject=f"Report downloads: {review.school.name} ({review.cycle.name})",
        detail={"file": filename},
    )
    return response


@login_required
@require_POST
def report_prepare(request, pk: int):
    """Ask for the current report without downloading it (from the review's page)."""
    review = review_or_404(pk, request.user, visible_to=can_view_a_report)
    kind = report_kind_for(review)
    if kind is None or not can_download_kind(request.user, review, kind):
        raise Http404
    render = report_request(review=review, requested_by=request.user)
    if render is None:
        raise Http404
    render.refresh_from_db(fields=["status", "enqueued_at", "error"])
    if render.waiting_for_broker:
        messages.warning(request, BROKER_DOWN_MESSAGE)
    return redirect(_progress_url(render))


@login_required
def report_version_download(request, pk: int, render_pk: int):
    review = review_or_404(pk, request.user, visible_to=can_view_a_report)
    render = _render_or_404(request, review, render_pk)
    if not render.is_ready:
        return redirect(_progress_url(render))
    return _serve(request, review, render)


def _progress_context(request, review: Review, render: ReportRender) -> dict:
    return {
        "review": review,
        "render": render,
        "status_url": reverse("report_status", args=[review.pk, render.pk]),
        "download_url": reverse("report_version_download", args=[review.pk, render.pk]),
        "retry_url": reverse("report_retry", args=[review.pk, render.pk]),
        "here": request.get_full_path(),
        "can_open_review": can_view_review(request.user, review),
    }


@login_required
def report_progress(request, pk: int, render_pk: int):
    review = review_or_404(pk, request.user, visible_to=can_view_a_report)
    render = _render_or_404(request, review, render_pk)
    return render_page(request, "reviews/reports/progress.html", _progress_context(request, review, render))


@login_required
def report_status(request, pk: int, render_pk: int):
    """The progress region alone, polled by static/js/report-progress.js."""
    review = review_or_404(pk, request.user, visible_to=can_view_a_report)
    render = _render_or_404(request, review, render_pk)
    context = _progress_context(request, review, render)
    context["here"] = _progress_url(render)
    response = render_page(request, "reviews/reports/includes/progress_status.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def report_retry_view(request, pk: int, render_pk: int):
    review = review_or_404(pk, request.user, visible_to=can_view_a_report)
    render = _render_or_404(request, review, render_pk)
    with service_errors(request=request) as refusal:
        render = report_retry(render=render, actor=request.user)
    if refusal:
        return redirect(safe_next(request, _progress_url(render)))
    render.refresh_from_db(fields=["status", "enqueued_at", "error"])
    if render.waiting_for_broker:
        messages.warning(request, BROKER_DOWN_MESSAGE)
    else:
        messages.success(request, f"The report for {review.school.name} will be prepared again.")
    return redirect(safe_next(request, _progress_url(render)))


@login_required
def reports_index(request):
    user, partnership = request.user, request.partnership
    if not can_use_reports_page(user, partnership):
        raise Http404
    context: dict = {
        "governed": reports_for_governor(user, partnership),
        "taking_part": [],
        "coordinator": can_prepare_cycle_reports(user, partnership),
    }
    if context["coordinator"]:
        cycles = list(Cycle.objects.all())
        cycle_id = request.GET.get("cycle", "")
        cycle = next((c for c in cycles if str(c.pk) == cycle_id), None) or current_cycle()
        context.update({"cycles": cycles, "cycle": cycle})
        if cycle is not None:
            page = Paginator(final_reviews_of_cycle(cycle), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
            with_latest_final(page)
            context.update(
                {
                    "page": page,
                    "counts": cycle_report_counts(cycle),
                    "batches": recent_batches(cycle),
                }
            )
    else:
        context["taking_part"] = reports_of_reviews_taken_part_in(user, partnership)
    return render_page(request, "reviews/reports/index.html", context)


@login_required
@require_POST
def report_batch_create_view(request, cycle_pk: int):
    if not can_prepare_cycle_reports(request.user, request.partnership):
        raise Http404
    cycle = Cycle.objects.filter(pk=cycle_pk).first()
    if cycle is None:
        raise Http404
    with service_errors(request=request) as refusal:
        batch = report_batch_create(cycle=cycle, actor=request.user)
    if refusal:
        return redirect(f"{reverse('reports_index')}?cycle={cycle.pk}")
    return redirect("report_batch", pk=batch.pk)


def _batch_or_404(request, pk: int) -> ReportBatch:
    if not can_prepare_cycle_reports(request.user, request.partnership):
        raise Http404
    batch = ReportBatch.objects.select_related("cycle", "requested_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def _batch_context(request, batch: ReportBatch) -> dict:
    progress = batch_progress(batch)
    return {
        "batch": batch,
        "progress": progress,
        "status_url": reverse("report_batch_status", args=[batch.pk]),
        "here": reverse("report_batch", args=[batch.pk]),
    }


@login_required
def report_batch(request, pk: int):
    batch = _batch_or_404(request, pk)
    context = _batch_context(request, batch)
    if context["progress"].waiting_for_broker:
        messages.warning(request, BROKER_DOWN_MESSAGE)
    return render_page(request, "reviews/reports/batch.html", context)


@login_required
def report_batch_status(request, pk: int):
    batch = _batch_or_404(request, pk)
    response = render_page(request, "reviews/reports/includes/batch_status.html", _batch_context(request, batch))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def report_cycle_zip(request, cycle_pk: int):
    """Every final report of a cycle in one ZIP, streamed as it is written. Each report in it is one the person may
    download on its own (checked one by one) and is recorded as downloaded; a file missing from storage is left out
    and named in a note inside the ZIP."""
    if not can_prepare_cycle_reports(request.user, request.partnership):
        raise Http404
    cycle = Cycle.objects.filter(pk=cycle_pk).first()
    if cycle is None:
        raise Http404
    included, missing = [], []
    for review, render in final_reports_of_cycle(cycle):
        if not can_download_render(request.user, render, latest_final_version=render.version):
            continue
        if render.file.storage.exists(render.file.name):
            included.append((review, render))
        else:
            missing.append(review.school.name)
    if not included:
        messages.error(
            request,
            f"No final report of {cycle.name} is ready to download yet. Prepare them first, then download the ZIP.",
        )
        return redirect(f"{reverse('reports_index')}?cycle={cycle.pk}")
    report_zip_downloads_record(
        cycle=cycle,
        renders=[render for _review, render in included],
        user=request.user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    files, seen = [], set()
    for review, render in included:
        name = download_filename(review, render)
        if name in seen:  # two schools of one name (there are many St Mary's): the URN tells them apart
            name = name.replace(" - peer review report", f" (URN {review.school.urn}) - peer review report", 1)
        seen.add(name)
        files.append((name, _opener(render)))
    if missing:
        note = "These final reports were not in storage and are not in this ZIP; prepare them again:\n"
        note += "".join(f"- {name}\n" for name in missing)
        files.append(("Reports not included.txt", _text_opener(note)))
    year = cycle.academic_year.replace("/", "-")
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", cycle.name).strip(" .-") or "Cycle"
    response = StreamingHttpResponse(zip_stream(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name} - final reports {year}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


def _opener(render: ReportRender):
    storage, name = render.file.storage, render.file.name
    return lambda: storage.open(name, "rb")


def _text_opener(text: str):
    return lambda: io.BytesIO(text.encode("utf-8"))
