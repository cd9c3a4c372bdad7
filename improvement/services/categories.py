"""Writes for categories: the partnership's framework, a school's category proposed with its evidence, and its
confirmation. A school's categories are history: a new one is a new row, and the database refuses to change or
delete an old one (see the migration's trigger)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.governance.selectors import decision_citation, decision_of
from partnership.tenancy.models import Partnership
from schools.models import School

from ..models import Category, SchoolCategory
from ..selectors.categories import latest_review_evidence


def category_create(
    *, partnership: Partnership, name: str, position: int, support: str, visits_a_term: int = 0
) -> Category:
    name, support = name.strip(), support.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the category's name."
    elif Category.objects.filter(name__iexact=name).exists():
        errors["name"] = f"There is already a category called {name}."
    if position < 1:
        errors["position"] = "The position is a whole number from 1."
    elif Category.objects.filter(position=position).exists():
        errors["position"] = f"Another category is already at position {position}: choose a free one."
    if not support:
        errors["support"] = "Describe the support and monitoring this category brings."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Category.objects.create(
                partnership=partnership, name=name, position=position, support=support, visits_a_term=visits_a_term
            )
    except IntegrityError as error:  # the same category submitted twice at once
        raise ValidationError("That category was just added: reload the framework to see it.") from error


def school_category_propose(*, school: School, category: Category, notes: str, actor: User | None) -> SchoolCategory:
    """Propose a category with its evidence: the school's Ofsted outcome and date, its latest peer review's grades
    and areas for development (copied now, so the history shows what was decided on) and the coordinator's notes,
    without which a category is refused."""
    notes = notes.strip()
    if not notes:
        raise ValidationError(
            {"notes": "Enter the evidence for this category: a category without evidence is refused."}
        )
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()
        if SchoolCategory.objects.filter(school=school, confirmed_at__isnull=True).exists():
            raise ValidationError("A category for this school is already waiting for confirmation.")
        current = SchoolCategory.objects.filter(school=school, is_current=True).first()
        if current is not None and current.category_id == category.pk:
            raise ValidationError({"category": f"{school.name} is already in {category.name}."})
        return SchoolCategory.objects.create(
            partnership=school.partnership,
            school=school,
            category=category,
            ofsted_rating=school.ofsted_rating,
            ofsted_inspected_on=school.ofsted_inspected_on,
            review_evidence=latest_review_evidence(school),
            notes=notes,
            proposed_by=actor,
        )


NOT_A_DECISION = "That is not a decision of this partnership's boards: choose one from the list."
NOT_CARRIED = "That motion was not carried, so it does not confirm a category: choose a decision the board carried."
MINUTES_NOT_APPROVED = (
    "The minutes recording that decision are not approved yet: choose a decision from approved minutes, "
    "or record who confirmed the category and where."
)
NOTHING_RECORDED = "Choose the board's decision, or record who confirmed the category and where."


def school_category_confirm(
    *, proposal: SchoolCategory, confirmation: str = "", decision_id: int | None = None, actor: User | None
) -> SchoolCategory:
    """Confirm a proposed category: by a decision the board carried, recorded in approved minutes (issue 16: "a
    decision of the governance issue where it exists"), or by a recorded confirmation in words. It becomes the
    school's current one; the decision is cited in the history and linked to its minutes."""
    confirmation = confirmation.strip()
    decision = None
    if decision_id is not None:
        decision = decision_of(decision_id)
        if decision is None:
            raise ValidationError({"decision": NOT_A_DECISION})
        if not decision.carried:
            raise ValidationError({"decision": NOT_CARRIED})
        if not decision.minutes_approved:
            raise ValidationError({"decision": MINUTES_NOT_APPROVED})
        confirmation = confirmation or decision_citation(decision)
    if not confirmation:
        raise ValidationError({"confirmation": NOTHING_RECORDED})
    with transaction.atomic():
        proposal = SchoolCategory.objects.select_for_update().get(pk=proposal.pk)
        if proposal.confirmed_at is not None:
            raise ValidationError("This category is already confirmed.")
        SchoolCategory.objects.filter(school_id=proposal.school_id, is_current=True).update(is_current=False)
        SchoolCategory.objects.filter(pk=proposal.pk).update(
            confirmed_at=timezone.now(),
            confirmed_by=actor,
            confirmation=confirmation,
            decision=decision,
            is_current=True,
        )
        proposal.refresh_from_db()
        return proposal
