"""The shell's one registry: the contribution each installed app declares in its `portal.py`.

An app plugs into the portal by adding `<app>/portal.py` with a module-level
`contribution = Contribution(...)` (types in partnership/tenancy/contributions.py). Nothing else registers it:
being in INSTALLED_APPS is enough. Items of each kind are shown in the order of their `order` numbers, whatever
the order of INSTALLED_APPS; docs/architecture.md lists the numbers in use.
"""

import functools
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from partnership.tenancy.contributions import Contribution, DemoStep, EmailTopic, HomeSection, NavItem

CONTRIBUTION_MODULE = "portal"


@functools.cache
def contributions() -> tuple[tuple[str, Contribution], ...]:
    """(app label, contribution) for every installed app that declares one."""
    found = []
    for config in apps.get_app_configs():
        if config.name == __package__ or not module_has_submodule(config.module, CONTRIBUTION_MODULE):
            continue
        module = import_module(f"{config.name}.{CONTRIBUTION_MODULE}")
        found.append((config.label, module.contribution))
    return tuple(found)


def nav_items() -> list[NavItem]:
    return sorted((item for _, c in contributions() for item in c.nav), key=lambda item: item.order)


def home_sections() -> list[HomeSection]:
    return sorted((section for _, c in contributions() for section in c.home), key=lambda section: section.order)


def demo_steps() -> list[DemoStep]:
    return sorted((step for _, c in contributions() for step in c.demo), key=lambda step: step.order)


def email_topics() -> list[EmailTopic]:
    return sorted((topic for _, c in contributions() for topic in c.email_topics), key=lambda topic: topic.order)
