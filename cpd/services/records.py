"""A person's CPD record as a PDF: laid out by a worker on the `pdf` queue and stored under the hash of its
content, so the same record is rendered once and a changed one (a new booking, a mark, a certificate) gets a new
file. The web request that asks for it only enqueues and shows progress, then serves the stored file."""

import contextlib
import datetime
import hashlib
import logging

from django.core.cache import cache
from django.core.files.storage import default_storage
from redis.exceptions import RedisError

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership

from ..certificates_pdf import record_html, record_pdf
from ..selectors import cpd_record

logger = logging.getLogger(__name__)

# A second press of Download (or a second tab) within this time does not queue the same record again.
ENQUEUE_GUARD_SECONDS = 120


def record_document(*, person: User, partnership: Partnership, today: datetime.date) -> tuple[str, str]:
    """The record's HTML and the storage name its PDF has (or will have)."""
    html = record_html(cpd_record(person), partnership=partnership, today=today)
    digest = hashlib.sha256(html.encode()).hexdigest()
    return html, f"cpd-records/{partnership.pk}/{person.pk}/{digest[:24]}.pdf"


def record_render(*, user_id: int, partnership: Partnership, today: datetime.date) -> str:
    """Store the person's current record as a PDF (unless it is stored already); returns its storage name."""
    from reviews.reports.storage import write_atomically

    person = User.objects.get(pk=user_id)
    html, name = record_document(person=person, partnership=partnership, today=today)
    if not default_storage.exists(name):
        write_atomically(default_storage, name, record_pdf(html))
    return name


def record_enqueue(*, user_id: int, partnership_id: int) -> bool:
    """Queue the record's PDF on the `pdf` queue, once per few minutes per person. False if the broker is away
    (the page says so and the person can try again)."""
    from reviews.tasks.reports import pdf_queue

    from ..tasks import render_record

    key = f"cpd-record-render:{partnership_id}:{user_id}"
    try:
        if not cache.add(key, 1, ENQUEUE_GUARD_SECONDS):
            return True
    except RedisError:
        pass  # no guard without Redis; the render itself is idempotent
    try:
        render_record.apply_async(kwargs={"partnership_id": partnership_id, "user_id": user_id}, queue=pdf_queue())
    except Exception:
        logger.exception("Could not queue the CPD record of user %s", user_id)
        with contextlib.suppress(RedisError):
            cache.delete(key)
        return False
    return True
