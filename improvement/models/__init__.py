"""School improvement after the review: action plans and impact visits, the partnership's categories of support,
system leaders and the school-to-school support brokered from them."""

from .after_review import Action, ActionPlan, ActionProgress, ActionStatus, ImpactVisit, Progress
from .categories import Category, SchoolCategory

__all__ = [
    "Action",
    "ActionPlan",
    "ActionProgress",
    "ActionStatus",
    "Category",
    "ImpactVisit",
    "Progress",
    "SchoolCategory",
]
