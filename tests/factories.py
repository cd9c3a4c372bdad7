import datetime

import factory
from factory.django import DjangoModelFactory

from partnership.accounts.models import Invitation, User
from partnership.accounts.tokens import token_hash
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import Area, Cluster, School, Trust

PASSWORD = "correct-horse-battery"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    slug = factory.Sequence(lambda n: f"partnership{n}")
    name = factory.Sequence(lambda n: f"Partnership {n}")
    colour = "#1d70b8"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password(PASSWORD)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class ClusterFactory(DjangoModelFactory):
    class Meta:
        model = Cluster

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Cluster {n}")


class TrustFactory(DjangoModelFactory):
    class Meta:
        model = Trust

    partnership = factory.SubFactory(PartnershipFactory)
    gias_code = factory.Sequence(lambda n: f"TR{n:05d}")
    name = factory.Sequence(lambda n: f"Learning Trust {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    partnership = factory.SubFactory(PartnershipFactory)
    urn = factory.Sequence(lambda n: 100000 + n)
    name = factory.Sequence(lambda n: f"School {n} Primary School")
    phase = School.Phase.PRIMARY
    status = School.Status.OPEN
    easting = factory.Sequence(lambda n: 400000 + (n * 731) % 20000)
    northing = factory.Sequence(lambda n: 300000 + (n * 457) % 20000)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR
    started_on = factory.LazyFunction(lambda: datetime.date(2026, 9, 1))


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation
        exclude = ["token"]

    partnership = factory.SubFactory(PartnershipFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Role.COORDINATOR
    token = factory.Sequence(lambda n: f"test-token-{n}")
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    sent_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


def member(partnership: Partnership, role: str = Role.COORDINATOR, user: User | None = None, **place) -> User:
    """A user holding one role in the partnership (creating a school for school roles when none is given)."""
    from partnership.tenancy.roles import SCHOOL_ROLES

    if role in SCHOOL_ROLES and "school" not in place:
        place["school"] = SchoolFactory(partnership=partnership)
    if role == Role.AREA_CHAIR and "area" not in place:
        place["area"] = AreaFactory(partnership=partnership)
    if role == Role.CLUSTER_LEAD and "cluster" not in place:
        place["cluster"] = ClusterFactory(partnership=partnership)
    membership = MembershipFactory(partnership=partnership, role=role, user=user or UserFactory(), **place)
    return membership.user
