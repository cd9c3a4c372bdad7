from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cpd.models import Network
from partnership.audit.services import AuditAction, audit_record
from partnership.common import once
from partnership.common.forms import service_errors
from partnership.tenancy.middleware import open_to_non_members

from ..forms import ResourceForm, ResourceSearchForm, ResourceVersionForm
from ..models import Resource
from ..permissions import can_manage_resources, can_see_resource, can_use_resources
from ..selectors import public_pages_of, resource_tags_for, resources_for
from ..services.resources import parse_tags, resource_create, resource_version_add
from .lookups import sent_before


def _search(request) -> tuple[ResourceSearchForm, str, str]:
    form = ResourceSearchForm(request.GET or None)
    if form.is_valid():
        return form, form.cleaned_data["q"], form.cleaned_data["tag"]
    return form, "", ""


@login_required
def resource_list(request):
    if not can_use_resources(request.user, request.partnership):
        raise Http404
    form, query, tag = _search(request)
    return render(
        request,
        "governance/resource_list.html",
        {
            "form": form,
            "query": query,
            "tag": tag,
            "resources": resources_for(request.user, request.partnership, query=query, tag=tag),
            "tags": resource_tags_for(request.user, request.partnership),
            "can_manage": can_manage_resources(request.user, request.partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request):
    if not can_manage_resources(request.user, request.partnership):
        raise Http404
    form = ResourceForm(request.POST or None, request.FILES or None, networks=Network.objects.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claim = once.claim(request, form, "resource")
        if claim.repeated:
            return sent_before(request, "governance_resources")
        with service_errors(form) as refusal:
            resource = resource_create(
                partnership=request.partnership,
                title=data["title"],
                summary=data["summary"],
                url=data["url"],
                audience=data["audience"],
                role=data["role"],
                network=data["network"],
                tags=parse_tags(data["tags"]),
                uploaded=data["file"],
                actor=request.user,
            )
        claim.release() if refusal else claim.done(resource.pk)
        if not refusal:
            messages.success(request, f"‘{resource.title}’ is in the library.")
            return redirect("governance_resources")
    return render(request, "governance/resource_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def resource_version_new(request, pk: int):
    if not can_manage_resources(request.user, request.partnership):
        raise Http404
    resource = Resource.objects.filter(pk=pk, url="").first()
    if resource is None:
        raise Http404
    form = ResourceVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "resource-version")
        if claim.repeated:
            return sent_before(request, "governance_resources")
        with service_errors(form) as refusal:
            version = resource_version_add(resource=resource, uploaded=form.cleaned_data["file"], actor=request.user)
        claim.release() if refusal else claim.done(version.pk)
        if not refusal:
            messages.success(request, f"Version {version.number} of ‘{resource.title}’ is uploaded.")
            return redirect("governance_resources")
    return render(request, "governance/resource_version_form.html", {"form": form, "resource": resource})


@open_to_non_members
@require_http_methods(["GET"])
def resource_download(request, pk: int, version: int):
    """Public resources download for anyone while the public pages are on; the rest after the permission check.
    Every download is recorded."""
    if request.partnership is None:
        raise Http404
    resource = Resource.objects.filter(pk=pk).first()
    if resource is None:
        raise Http404
    if not request.user.is_authenticated or not can_see_resource(request.user, resource):
        if resource.audience != Resource.Audience.PUBLIC or public_pages_of(request.partnership) is None:
            raise Http404
    elif resource.audience != Resource.Audience.PUBLIC and not can_see_resource(request.user, resource):
        raise Http404
    found = resource.versions.filter(number=version).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(
        action=AuditAction.DOCUMENT_DOWNLOADED,
        partnership=request.partnership,
        subject=f"Resource {resource.title} (version {found.number})"[:300],
        detail={"kind": "resource", "resource": resource.pk, "version": found.number},
    )
    response = FileResponse(handle, as_attachment=True, filename=found.original_name, content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@open_to_non_members
def public_resources(request):
    if request.partnership is None:
        raise Http404
    pages = public_pages_of(request.partnership)
    if pages is None:
        raise Http404
    form, query, tag = _search(request)
    return render(
        request,
        "governance/public/resources.html",
        {
            "pages": pages,
            "form": form,
            "query": query,
            "tag": tag,
            "resources": resources_for(None, request.partnership, query=query, tag=tag, public_only=True),
            "tags": resource_tags_for(None, request.partnership, public_only=True),
        },
    )
