"""Template filters for school improvement's pages."""

from django import template

from ..wording import academic_year_label

register = template.Library()


@register.filter
def academic_year(year: int) -> str:
    """2026 as 2026/27."""
    return academic_year_label(int(year))
