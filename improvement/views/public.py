"""The annual reports a coordinator published, on the partnership's public pages (partnership/governance's, which
say whether the partnership has public pages at all): no sign-in, only the figures the small-group rule allows."""

from django.http import Http404
from django.shortcuts import render

from partnership.governance.selectors import public_pages_of
from partnership.tenancy.middleware import open_to_non_members

from ..selectors.annual_report import annual_report, published_years
from ..wording import academic_year_label


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
def public_annual_reports(request):
    pages = _pages(request)
    years = [(year, academic_year_label(year)) for year in published_years()]
    return _render(request, "improvement/public/annual_reports.html", pages, years=years)


@open_to_non_members
def public_annual_report(request, year: int):
    pages = _pages(request)
    if year not in published_years():
        raise Http404
    return _render(request, "improvement/public/annual_report.html", pages, report=annual_report(year))
