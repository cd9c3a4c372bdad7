from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from ..models import Cycle, ReviewStatus
from ..permissions import can_view_review
from ..sections import sections_for
from ..selectors.reviews import current_cycle, review_for_page, reviews_visible_to, with_list_details
from ..workflow_display import history_for, steps_for

REVIEWS_PER_PAGE = 50


@login_required
def review_list(request):
    partnership = request.partnership
    cycles = list(Cycle.objects.all())
    cycle_id = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == cycle_id), None) or current_cycle()
    status = request.GET.get("status", "")
    reviews = reviews_visible_to(request.user, partnership)
    if cycle is not None:
        reviews = reviews.filter(cycle=cycle)
    if status in ReviewStatus.values:
        reviews = reviews.filter(status=status)
    page = Paginator(with_list_details(reviews).order_by("school__name"), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/review_list.html",
        {
            "page": page,
            "cycles": cycles,
            "cycle": cycle,
            "statuses": ReviewStatus.choices,
            "selected_status": status,
        },
    )


@login_required
def review_detail(request, pk: int):
    review = review_for_page(pk)
    if review is None or not can_view_review(request.user, review):
        raise Http404
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "steps": steps_for(review),
            "sections": sections_for(request, review),
            "events": history_for(review),
        },
    )
