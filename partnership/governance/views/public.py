"""The partnership's public pages: no sign-in, only what the coordinator chose, only public fields."""

from django.http import Http404
from django.shortcuts import render

from partnership.tenancy.middleware import open_to_non_members

from ..selectors import (
    public_areas,
    public_bodies,
    public_clusters,
    public_minutes,
    public_minutes_detail,
    public_pages_of,
    public_schools,
)


def _pages(request):
    if request.partnership is None:
        raise Http404
    pages = public_pages_of(request.partnership)
    if pages is None:
        raise Http404("The partnership has no public pages")
    return pages


def _render(request, template: str, pages, **context):
    response = render(request, template, {"pages": pages, "public": True, **context})
    response["Cache-Control"] = "public, max-age=300"
    return response


@open_to_non_members
def public_home(request):
    pages = _pages(request)
    return _render(request, "governance/public/home.html", pages)


@open_to_non_members
def public_bodies_page(request):
    pages = _pages(request)
    if not pages.show_bodies:
        raise Http404
    return _render(request, "governance/public/bodies.html", pages, bodies=public_bodies())


@open_to_non_members
def public_areas_page(request):
    pages = _pages(request)
    if not (pages.show_areas or pages.show_clusters):
        raise Http404
    return _render(
        request,
        "governance/public/areas.html",
        pages,
        areas=public_areas() if pages.show_areas else None,
        clusters=public_clusters() if pages.show_clusters else None,
    )


@open_to_non_members
def public_schools_page(request):
    pages = _pages(request)
    if not pages.show_schools:
        raise Http404
    return _render(request, "governance/public/schools.html", pages, schools=public_schools())


@open_to_non_members
def public_minutes_list(request):
    pages = _pages(request)
    return _render(request, "governance/public/minutes_list.html", pages, minutes=public_minutes())


@open_to_non_members
def public_minutes_page(request, pk: int):
    pages = _pages(request)
    minutes = public_minutes_detail(pk)
    if minutes is None:
        raise Http404
    return _render(request, "governance/public/minutes.html", pages, minutes=minutes)
