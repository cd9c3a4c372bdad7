"""The shell's one registry: the contribution each installed app declares in its `portal.py`.

An app plugs into the portal by adding `<app>/portal.py` with a module-level
`contribution = Contribution(...)` (types in partnership/tenancy/contributions.py). Nothing else registers it:
being in INSTALLED_APPS is enough. Items of each kind are shown in the order of their `order` numbers, whatever
the order of INSTALLED_APPS; docs/architecture.md lists the numbers in use.
"""

from partnership.tenancy.contributions import (
    Contribution,
    DemoStep,
    EmailTopic,
    HomeSection,
    NavItem,
    installed_contributions,
)


def contributions() -> tuple[tuple[str, Contribution], ...]:
    """(app label, contribution) for every installed app that declares one (found by the core, so that a feature
    low in the layers, like the calendar feed, can read them too)."""
    return installed_contributions()


def nav_items() -> list[NavItem]:
    return sorted((item for _, c in contributions() for item in c.nav), key=lambda item: item.order)


def home_sections() -> list[HomeSection]:
    return sorted((section for _, c in contributions() for section in c.home), key=lambda section: section.order)


def demo_steps() -> list[DemoStep]:
    return sorted((step for _, c in contributions() for step in c.demo), key=lambda step: step.order)


def email_topics() -> list[EmailTopic]:
    return sorted((topic for _, c in contributions() for topic in c.email_topics), key=lambda topic: topic.order)
