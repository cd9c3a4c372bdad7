import factory.random
import pytest
from celery._state import _set_task_join_will_block
from django.test import Client
from factory.django import DjangoModelFactory

from partnership.celery import app as celery_app
from partnership.tenancy.rls import all_partnerships
from partnership.tenancy.scoping import partnership_scope

from .factories import PartnershipFactory


def _factories_write_across_partnerships():
    """Factories make test data for any partnership, as an operator would: while one runs, the database's guard is
    lifted (django-scopes still applies to any query the factory makes). The code under test never is."""
    generate = DjangoModelFactory._generate.__func__

    def generate_across_partnerships(cls, strategy, params):
        with all_partnerships(True):
            return generate(cls, strategy, params)

    DjangoModelFactory._generate = classmethod(generate_across_partnerships)


_factories_write_across_partnerships()


@pytest.fixture(autouse=True)
def reproducible_fake_data(request):
    """Each test draws the same names and words every run, whichever worker runs it: a failure seen once is seen
    again."""
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def isolated_cache_and_eager_tasks(settings):
    """Each test gets its own in-memory cache (rate limits, hand-off tokens); tasks run inline unless a test
    starts a real worker."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PORTAL_PORT = ""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests of the admin's pages sign operators in directly; tests/tenancy/test_admin.py proves the second factor.
    settings.PLATFORM_ADMIN_REQUIRES_TWO_FACTOR = False
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Celery marks "a task is running here, do not wait on results" in one process-wide flag, set and restored around
    # each eager task. Eager tasks run at once in the threads of a race test can restore each other's value and leave
    # it set, and a later test in the same process that waits on a real worker's result is then refused
    # ("Never call result.get() within a task!"). No task runs between two tests, so each starts with it clear.
    _set_task_join_will_block(False)
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def partnership_a(db):
    return PartnershipFactory(slug="alpha", name="Alpha Partnership")


@pytest.fixture
def partnership_b(db):
    return PartnershipFactory(slug="beta", name="Beta Partnership")


def host_of(partnership) -> str:
    return f"{partnership.slug}.localhost"


@pytest.fixture
def client_at():
    """client_at(partnership, user=None): a test client on the partnership's address, signed in as user."""

    def make(partnership, user=None) -> Client:
        client = Client(HTTP_HOST=host_of(partnership) if partnership else "localhost")
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def scope_of():
    return partnership_scope
