"""Celery tasks for boards: they take ids, load what they need inside the partnership's scope, call a service."""

from celery import shared_task

from partnership.tenancy.tasks import TenantTask

from .services.pack import pack_assemble


@shared_task(base=TenantTask, name="governance.tasks.assemble_pack", acks_late=True, ignore_result=True)
def assemble_pack_task(*, pack_id: int) -> None:
    pack_assemble(pack_id=pack_id)
