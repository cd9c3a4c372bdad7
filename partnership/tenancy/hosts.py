"""Which partnership a request's host names, and the address of each partnership."""

from django.conf import settings
from django.http import Http404

from .models import Domain, Partnership

PORTAL_HOSTS_EXTRA = frozenset({"127.0.0.1", "testserver"})


def host_without_port(host: str) -> str:
    return host.rsplit(":", 1)[0].lower().rstrip(".") if not host.startswith("[") else host.lower()


def partnership_for_host(host: str) -> Partnership | None:
    """The partnership the host belongs to, None for the bare portal address; 404 for anything else."""
    name = host_without_port(host)
    portal = settings.PORTAL_DOMAIN.lower()
    if name == portal or name in PORTAL_HOSTS_EXTRA:
        return None
    suffix = f".{portal}"
    if name.endswith(suffix):
        slug = name[: -len(suffix)]
        if "." not in slug:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is not None:
                return partnership
        raise Http404("No partnership at this address")
    domain = Domain.objects.select_related("partnership").filter(domain=name).first()
    if domain is None:
        raise Http404("No partnership at this address")
    return domain.partnership


def _origin(host: str) -> str:
    port = f":{settings.PORTAL_PORT}" if settings.PORTAL_PORT else ""
    return f"{settings.PORTAL_SCHEME}://{host}{port}"


def portal_url(path: str = "/") -> str:
    return _origin(settings.PORTAL_DOMAIN) + path


def partnership_url(partnership: Partnership, path: str = "/") -> str:
    """The partnership's own address: <slug>.<portal domain>, which always works besides any custom domain."""
    return _origin(f"{partnership.slug}.{settings.PORTAL_DOMAIN}") + path
