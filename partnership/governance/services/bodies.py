"""Setting up bodies and their members, and the register of interests."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership

from ..files import checked_document, store_file
from ..models import Body, BodyMembership, InterestDeclaration, Position


def declaration_year_start(day: datetime.date) -> datetime.date:
    """The register's year runs from 1 September."""
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _quorum_fields(quorum_number: int | None, quorum_fraction: tuple[int, int] | None) -> dict:
    if (quorum_number is None) == (quorum_fraction is None):
        raise ValidationError({"quorum_number": "Give the quorum as a number of members or as a fraction, not both."})
    if quorum_number is not None:
        if quorum_number < 1:
            raise ValidationError({"quorum_number": "The quorum must be at least one member."})
        return {"quorum_number": quorum_number, "quorum_numerator": None, "quorum_denominator": None}
    numerator, denominator = quorum_fraction
    if numerator < 1 or denominator < numerator:
        raise ValidationError({"quorum_fraction": "Give a fraction between 0 and 1, such as 1/2 or 2/3."})
    return {"quorum_number": None, "quorum_numerator": numerator, "quorum_denominator": denominator}


@transaction.atomic
def body_create(
    *,
    partnership: Partnership,
    name: str,
    purpose: str = "",
    quorum_number: int | None = None,
    quorum_fraction: tuple[int, int] | None = None,
    is_public: bool = False,
    terms_of_reference: UploadedFile | None = None,
) -> Body:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the body's name."})
    if Body.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a body called {name}."})
    body = Body(partnership=partnership, name=name, purpose=purpose, is_public=is_public)
    for field, value in _quorum_fields(quorum_number, quorum_fraction).items():
        setattr(body, field, value)
    if terms_of_reference is not None:
        document_type = checked_document(terms_of_reference, field="terms_of_reference")
        body.terms_of_reference_name = terms_of_reference.name[:255]
        store_file(body.terms_of_reference, terms_of_reference, document_type)
    body.save()
    return body


@transaction.atomic
def body_update(
    *,
    body: Body,
    name: str,
    purpose: str,
    quorum_number: int | None,
    quorum_fraction: tuple[int, int] | None,
    is_public: bool,
    terms_of_reference: UploadedFile | None = None,
) -> Body:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the body's name."})
    if Body.objects.filter(name__iexact=name).exclude(pk=body.pk).exists():
        raise ValidationError({"name": f"There is already a body called {name}."})
    body.name, body.purpose, body.is_public = name, purpose, is_public
    for field, value in _quorum_fields(quorum_number, quorum_fraction).items():
        setattr(body, field, value)
    if terms_of_reference is not None:
        document_type = checked_document(terms_of_reference, field="terms_of_reference")
        body.terms_of_reference_name = terms_of_reference.name[:255]
        store_file(body.terms_of_reference, terms_of_reference, document_type)
    body.save()
    return body


def body_membership_add(
    *,
    body: Body,
    user: User,
    position: str,
    term_start: datetime.date,
    term_end: datetime.date | None = None,
    represents: str = "",
    is_clerk: bool = False,
) -> BodyMembership:
    if position not in Position.values:
        raise ValidationError({"position": "Choose a position from the list."})
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": "The term cannot end before it starts."})
    if not Membership.objects.filter(user=user, ended_on__isnull=True).exists():
        raise ValidationError({"user": "Choose a person who holds a role in the partnership."})
    overlapping = BodyMembership.objects.filter(body=body, user=user, term_start__lte=term_end or datetime.date.max)
    if any(m.term_end is None or m.term_end >= term_start for m in overlapping):
        raise ValidationError({"user": f"{user} already has a term on {body} over those dates."})
    try:
        with transaction.atomic():
            return BodyMembership.objects.create(
                partnership_id=body.partnership_id,
                body=body,
                user=user,
                position=position,
                represents=represents.strip(),
                is_clerk=is_clerk,
                term_start=term_start,
                term_end=term_end,
            )
    except IntegrityError:
        raise ValidationError({"user": f"{user} already has a term on {body} starting then."}) from None


@transaction.atomic
def body_membership_end(*, membership: BodyMembership, on: datetime.date) -> BodyMembership:
    if on < membership.term_start:
        raise ValidationError({"term_end": "The term cannot end before it starts."})
    membership.term_end = on
    membership.save(update_fields=["term_end"])
    return membership


@transaction.atomic
def interest_declare(
    *,
    partnership: Partnership,
    user: User,
    nothing_to_declare: bool,
    business_interests: str = "",
    governance_interests: str = "",
    family_interests: str = "",
    today: datetime.date | None = None,
) -> InterestDeclaration:
    """This year's declaration, made or replaced (a change in the year is declared again)."""
    interests = [text.strip() for text in (business_interests, governance_interests, family_interests)]
    if nothing_to_declare and any(interests):
        raise ValidationError({"nothing_to_declare": "Either list your interests or confirm nothing to declare."})
    if not nothing_to_declare and not any(interests):
        raise ValidationError(
            {"nothing_to_declare": "List at least one interest, or confirm you have nothing to declare."}
        )
    year_start = declaration_year_start(today or timezone.localdate())
    declaration, _ = InterestDeclaration.objects.select_for_update().update_or_create(
        partnership=partnership,
        user=user,
        year_start=year_start,
        defaults={
            "nothing_to_declare": nothing_to_declare,
            "business_interests": interests[0],
            "governance_interests": interests[1],
            "family_interests": interests[2],
            "declared_at": timezone.now(),
        },
    )
    return declaration
