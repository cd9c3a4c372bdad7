import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from partnership.audit.services import AuditAction, audit_record
from partnership.common.forms import service_errors, show_service_errors
from partnership.common.spreadsheets import spreadsheet_safe
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope

from .forms import SORT_CHOICES, AreaForm, AssignSchoolsForm, ClusterForm, DirectoryFilterForm, GiasUploadForm
from .gias import GiasFileError
from .models import Area, Cluster, ImportRun
from .permissions import can_import_schools, can_manage_areas, can_view_schools
from .profile import profile_sections
from .selectors import (
    areas_overview,
    clusters_overview,
    current_holder,
    filter_choices,
    import_run_not_applicable_reason,
    import_runs,
    last_applied_import,
    people_in_partnership,
    school_for_profile,
    schools_directory,
    unplaced_counts,
)
from .services import (
    ImportPreviewOutdatedError,
    area_create,
    area_update,
    cluster_create,
    cluster_update,
    gias_import_apply,
    gias_import_discard,
    gias_import_preview,
    schools_assign,
)
from .uploads import SizeLimitUploadHandler

SCHOOLS_PER_PAGE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


# The directory, its export and a school's profile


@login_required
def school_list(request):
    _require(can_view_schools(request.user, request.partnership))
    form = DirectoryFilterForm(request.GET, choices=filter_choices())
    filters = form.filters()
    page = Paginator(schools_directory(filters), SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/school_list.html",
        {
            "form": form,
            "page": page,
            "sort_label": dict(SORT_CHOICES).get(filters.sort, "name"),
            "may_import": can_import_schools(request.user, request.partnership),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


EXPORT_COLUMNS = [
    ("URN", lambda s: s.urn),
    ("Name", lambda s: s.name),
    ("Status", lambda s: s.get_status_display()),
    ("Phase", lambda s: s.get_phase_display()),
    ("Type", lambda s: s.establishment_type),
    ("Type group", lambda s: s.type_group),
    ("LA code", lambda s: s.la_code),
    ("Local authority", lambda s: s.la_name),
    ("DfE number", lambda s: s.dfe_number),
    ("Street", lambda s: s.street),
    ("Locality", lambda s: s.locality),
    ("Town", lambda s: s.town),
    ("Postcode", lambda s: s.postcode),
    ("District", lambda s: s.district),
    ("Area", lambda s: s.area.name if s.area else ""),
    ("Cluster", lambda s: s.cluster.name if s.cluster else ""),
    ("Trust", lambda s: s.trust.name if s.trust else ""),
    ("Federation", lambda s: s.federation.name if s.federation else ""),
    ("Pupils", lambda s: s.pupils),
    ("Free school meals (%)", lambda s: s.fsm_percentage),
    ("Lowest age", lambda s: s.statutory_low_age),
    ("Highest age", lambda s: s.statutory_high_age),
    ("Ofsted rating", lambda s: s.ofsted_rating),
    ("Ofsted inspection", lambda s: s.ofsted_inspected_on),
    ("Religious character", lambda s: s.religious_character),
    ("Diocese", lambda s: s.diocese),
    ("Headteacher (GIAS)", lambda s: s.gias_headteacher),
    ("Telephone", lambda s: s.telephone),
    ("Website", lambda s: s.website),
    ("Opened", lambda s: s.opened_on),
    ("Closed", lambda s: s.closed_on),
    ("Easting", lambda s: s.easting),
    ("Northing", lambda s: s.northing),
]


def _export_rows(schools, partnership):
    """Runs after the view has returned, outside the request's scope: the rows are read in the partnership's
    own scope (the database shows no tenant's rows without one)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([name for name, _ in EXPORT_COLUMNS])
    with partnership_scope(partnership):
        for school in schools.iterator(chunk_size=500):
            yield writer.writerow([spreadsheet_safe(value(school)) for _, value in EXPORT_COLUMNS])


@login_required
def school_export(request):
    """The directory's filtered list as CSV (UTF-8 with a BOM, so spreadsheets read names correctly), streamed."""
    _require(can_view_schools(request.user, request.partnership))
    form = DirectoryFilterForm(request.GET, choices=filter_choices())
    schools = schools_directory(form.filters())
    response = StreamingHttpResponse(_export_rows(schools, request.partnership), content_type="text/csv; charset=utf-8")
    filename = f"{request.partnership.slug}-schools-{timezone.localdate():%Y-%m-%d}.csv"
    audit_record(action=AuditAction.EXPORT, subject="Schools directory", detail={"file": filename})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def school_detail(request, urn: int):
    _require(can_view_schools(request.user, request.partnership))
    school = school_for_profile(urn)
    if school is None:
        raise Http404
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "sections": profile_sections(request.user, school),
            "may_manage_areas": can_manage_areas(request.user, request.partnership),
        },
    )


# GIAS import


@csrf_exempt
@login_required
def gias_import(request):
    """Upload an extract. The size limit is enforced while the file streams in, so the upload handlers are set
    before anything reads the request body; CSRF is then checked by the inner view."""
    _require(can_import_schools(request.user, request.partnership))
    limit = SizeLimitUploadHandler(request, limit=settings.GIAS_UPLOAD_MAX_BYTES)
    if request.method == "POST":
        request.upload_handlers.insert(0, limit)
    return _gias_import(request, limit)


@csrf_protect
def _gias_import(request, limit: SizeLimitUploadHandler):
    last = last_applied_import()
    initial = {"la_codes": ", ".join(last.la_codes), "urns": "\n".join(map(str, last.urns))} if last else {}
    context = {"runs": import_runs(), "problems": [], "problem_total": 0}
    if request.method != "POST":
        context["form"] = GiasUploadForm(initial=initial)
        return render(request, "schools/gias_import.html", context)
    form = GiasUploadForm(request.POST, request.FILES, too_large=limit.exceeded)
    context["form"] = form
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = gias_import_preview(
                partnership=request.partnership,
                user=request.user,
                uploaded_file=upload,
                la_codes=form.cleaned_data["la_codes"],
                urns=form.cleaned_data["urns"],
            )
        except GiasFileError as rejected:
            problems = rejected.problems
            if len(problems) == 1 and problems[0].row in (None, 1):
                form.add_error("file", problems[0].message)
            else:
                form.add_error(
                    "file",
                    f"{upload.name} has {rejected.total} problem{pluralize(rejected.total)}, listed below. "
                    "Nothing was imported: correct the file, or download it again, and upload it.",
                )
                context.update(problems=problems, problem_total=rejected.total)
        else:
            return redirect("gias_import_detail", pk=run.pk)
    return render(request, "schools/gias_import.html", context)


def _import_run(request, pk: int) -> ImportRun:
    _require(can_import_schools(request.user, request.partnership))
    return get_object_or_404(ImportRun.objects.select_related("created_by", "applied_by"), pk=pk)


@login_required
def gias_import_detail(request, pk: int):
    """The preview of an upload (and, once applied, the record of what it did)."""
    run = _import_run(request, pk)
    return render(
        request,
        "schools/gias_import_detail.html",
        {"run": run, "plan": run.plan, "reason": import_run_not_applicable_reason(run)},
    )


@login_required
@require_POST
def gias_import_apply_view(request, pk: int):
    run = _import_run(request, pk)
    try:
        run = gias_import_apply(run=run, user=request.user, seen_digest=request.POST.get("digest", ""))
    except ImportPreviewOutdatedError:
        messages.error(
            request,
            "The partnership's schools changed after this preview was made, perhaps by another import. Nothing "
            "was applied. Check the updated changes below and apply again.",
        )
    except ValidationError as error:
        show_service_errors(request, error)
    else:
        messages.success(
            request,
            f"Import applied: {run.created_count} new school{pluralize(run.created_count)}, "
            f"{run.updated_count} updated, {run.closed_count} closed.",
        )
    return redirect("gias_import_detail", pk=run.pk)


@login_required
@require_POST
def gias_import_discard_view(request, pk: int):
    run = gias_import_discard(run=_import_run(request, pk))
    if run.status == ImportRun.Status.DISCARDED:
        messages.success(request, f"{run.file_name} was discarded; nothing was imported from it.")
    return redirect("gias_import")


# Areas and clusters


@login_required
def area_list(request):
    _require(can_manage_areas(request.user, request.partnership))
    return render(
        request,
        "schools/area_list.html",
        {"areas": areas_overview(), "clusters": clusters_overview(), "unplaced": unplaced_counts()},
    )


@login_required
def area_edit(request, pk: int | None = None):
    _require(can_manage_areas(request.user, request.partnership))
    area = get_object_or_404(Area, pk=pk) if pk else None
    chair = current_holder(role=Role.AREA_CHAIR, area=area) if area else None
    people = people_in_partnership(request.partnership)
    initial = (
        {"name": area.name, "description": area.description, "chair": chair.user if chair else None} if area else {}
    )
    form = AreaForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as refusal:
            if area is None:
                area = area_create(
                    partnership=request.partnership,
                    name=data["name"],
                    description=data["description"],
                    chair=data["chair"],
                )
            else:
                area_update(area=area, name=data["name"], description=data["description"], chair=data["chair"])
        if not refusal:
            messages.success(request, f"{'Saved' if pk else 'Added'} the area {area.name}.")
            return redirect("area_list")
    return render(request, "schools/place_form.html", {"form": form, "place": area, "kind_with_article": "an area"})


@login_required
def cluster_edit(request, pk: int | None = None):
    _require(can_manage_areas(request.user, request.partnership))
    cluster = get_object_or_404(Cluster, pk=pk) if pk else None
    lead = current_holder(role=Role.CLUSTER_LEAD, cluster=cluster) if cluster else None
    people = people_in_partnership(request.partnership)
    initial = {"name": cluster.name, "area": cluster.area, "lead": lead.user if lead else None} if cluster else {}
    form = ClusterForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as refusal:
            if cluster is None:
                cluster = cluster_create(
                    partnership=request.partnership, name=data["name"], area=data["area"], lead=data["lead"]
                )
            else:
                cluster_update(cluster=cluster, name=data["name"], area=data["area"], lead=data["lead"])
        if not refusal:
            messages.success(request, f"{'Saved' if pk else 'Added'} the cluster {cluster.name}.")
            return redirect("area_list")
    return render(
        request, "schools/place_form.html", {"form": form, "place": cluster, "kind_with_article": "a cluster"}
    )


def _assignment_message(result, data: dict) -> str:
    target = {"area": data["area"], "cluster": data["cluster"]}.get(data["action"])
    where = f"to {target.name}" if target else "out of their cluster"
    message = f"Moved {result.changed} school{pluralize(result.changed)} {where}."
    if result.unchanged:
        message += f" {result.unchanged} {pluralize(result.unchanged, 'was,were')} already there."
    if result.left_cluster:
        message += f" {result.left_cluster} left a cluster of another area."
    return message


@login_required
def schools_assign_view(request):
    """Tick schools (found by local authority, area, cluster, phase or name) and move them in one go."""
    _require(can_manage_areas(request.user, request.partnership))
    filters_form = DirectoryFilterForm(request.GET, choices=filter_choices(), auto_id="filter_%s")
    for name in ("status", "sort", "trust"):
        del filters_form.fields[name]
    filters = filters_form.filters()
    schools = list(schools_directory(filters))
    form = AssignSchoolsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as refusal:
            result = schools_assign(
                partnership=request.partnership,
                schools=data["schools"],
                area=data["area"] if data["action"] == "area" else None,
                cluster=data["cluster"] if data["action"] == "cluster" else None,
                remove_from_cluster=data["action"] == "remove",
            )
        if not refusal:
            messages.success(request, _assignment_message(result, data))
            return redirect(request.get_full_path())
    selected = {str(pk) for pk in request.POST.getlist("schools")} if request.method == "POST" else set()
    return render(
        request,
        "schools/schools_assign.html",
        {"filters_form": filters_form, "form": form, "schools": schools, "selected": selected},
    )
