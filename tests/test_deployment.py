"""Production settings and the docker-compose stack (no Docker engine here, so: parse and cross-check)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REAL_KEY = "k" * 20 + "-a-real-random-production-secret-key-000000000000"


def settings_variables() -> set[str]:
    text = (ROOT / "partnership" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', text))


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    missing = manage("check", DEBUG="0")
    assert missing.returncode != 0
    assert "SECRET_KEY must be set" in missing.stderr
    too_short = manage("check", DEBUG="0", SECRET_KEY="short")
    assert too_short.returncode != 0


def test_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, "0 warnings, not merely none above the fail level"


@pytest.mark.parametrize("debug", ["0", "1"])
def test_testserver_is_an_allowed_host_only_in_tests(debug, settings):
    code = "from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    shown = manage("shell", "-c", code, DEBUG=debug, SECRET_KEY=REAL_KEY)
    assert shown.returncode == 0, shown.stderr
    assert "localhost" in shown.stdout and "testserver" not in shown.stdout
    assert "testserver" in settings.ALLOWED_HOSTS  # added by the test runner for the test client


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_describes_the_whole_stack():
    services = compose()["services"]
    assert set(services) == {
        "postgres",
        "pgbouncer",
        "redis",
        "migrate",
        "web",
        "worker",
        "worker-pdf",
        "beat",
        "mailpit",
        "proxy",
    }
    assert "gunicorn partnership.wsgi" in services["web"]["command"]
    # Only nginx is published, with the configuration tests/test_slow_clients.py runs, in front of gunicorn.
    assert "ports" not in services["web"] and services["proxy"]["ports"] == ["8000:8000"]
    assert services["proxy"]["environment"]["PORTAL_UPSTREAM"] == "web:8000"
    assert (
        "./deploy/nginx/portal.conf.template:/etc/nginx/templates/default.conf.template:ro"
        in (services["proxy"]["volumes"])
    )
    # Migrations run once, as the owner, after the portal's own role is made (scripts/preflight.py); then the web.
    assert services["migrate"]["command"] == 'sh -c "python scripts/preflight.py && python manage.py migrate --noinput"'
    assert services["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "celery -A partnership worker" in services["worker"]["command"]
    assert "-Q default " in services["worker"]["command"]
    # PDF reports have a worker of their own whose processes restart every N tasks to bound memory.
    pdf_worker = services["worker-pdf"]["command"]
    assert "celery -A partnership worker" in pdf_worker and "-Q pdf " in pdf_worker
    assert re.search(r"--max-tasks-per-child \d+", pdf_worker)
    assert "celery -A partnership beat" in services["beat"]["command"]
    assert (ROOT / "Dockerfile").exists()


def test_compose_services_share_settings_the_portal_reads():
    services = compose()["services"]
    environments = [services[name]["environment"] for name in ("web", "worker", "worker-pdf", "beat")]
    assert all(environment == environments[0] for environment in environments)
    environment = environments[0]
    assert set(environment) <= settings_variables(), set(environment) - settings_variables()
    for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PORTAL_DOMAIN", "EMAIL_HOST", "DEBUG"):
        assert required in environment
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379")
    assert environment["EMAIL_HOST"] == "mailpit"
    postgres = services["postgres"]["environment"]
    assert (
        f"{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@postgres:5432/{postgres['POSTGRES_DB']}"
        in (environment["DATABASE_URL"])
    )


def test_the_procfile_runs_every_queue_and_a_pdf_worker_that_restarts_its_processes():
    processes = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(processes) == {"web", "worker", "worker-pdf", "beat"}
    assert "-Q default " in processes["worker"]
    assert "-Q pdf " in processes["worker-pdf"] and re.search(r"--max-tasks-per-child \d+", processes["worker-pdf"])


def test_the_configuration_page_documents_every_setting_compose_uses():
    page = (ROOT / "docs" / "configuration.md").read_text()
    for variable in compose()["services"]["web"]["environment"]:
        assert f"`{variable}`" in page, variable


def test_the_stacks_database_connections_are_bounded_and_fit():
    """Each gunicorn worker and Celery process holds at most one connection: their sum must fit PgBouncer's pool,
    and the pool PostgreSQL's max_connections, with room for the owner and an operator."""
    services = compose()["services"]
    web = int(re.search(r"--workers (\d+)", services["web"]["command"]).group(1))
    workers = sum(
        int(re.search(r"--concurrency (\d+)", services[name]["command"]).group(1)) for name in ("worker", "worker-pdf")
    )
    beat = 1
    bouncer = services["pgbouncer"]["environment"]
    assert bouncer["POOL_MODE"] == "transaction"
    pool = int(bouncer["MAX_DB_CONNECTIONS"])
    assert int(bouncer["DEFAULT_POOL_SIZE"]) <= pool
    max_connections = int(re.search(r"max_connections=(\d+)", services["postgres"]["command"]).group(1))
    assert web + workers + beat <= pool <= max_connections - 10
    environment = services["web"]["environment"]
    assert (environment["DATABASE_APP_HOST"], environment["DATABASE_APP_PORT"]) == ("pgbouncer", bouncer["LISTEN_PORT"])
    assert environment["DATABASE_TRANSACTION_POOLING"] == "1"
    assert "portal_app:" in bouncer["DATABASE_URL"], "only the portal's role goes through the pooler"


@pytest.mark.parametrize(("debug", "kept_for"), [("1", "0"), ("0", "60")])
def test_connections_are_kept_only_where_they_are_reused(debug, kept_for):
    """The development server starts a thread per request: kept connections would only pile up there."""
    code = "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    shown = manage("shell", "-c", code, DEBUG=debug, SECRET_KEY=REAL_KEY)
    assert shown.stdout.strip().splitlines()[-1] == kept_for, shown.stderr


WARMED = """
import json, sys
import partnership.wsgi
from django.db import connections
from django.template import engines
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "views imported": "partnership.governance.views.meetings" in sys.modules and "reviews.views.reports" in sys.modules,
    "templates compiled": len(getattr(loader, "get_template_cache", {})),
    "connections opened": [c.connection is not None for c in connections.all()],
}))
"""


def test_the_production_application_loads_views_and_templates_before_gunicorn_forks_without_a_connection():
    """gunicorn forks its workers from the loaded application (preload_app): every view imported and the templates
    compiled there, so a new worker's first request is not a second of CPU, and no database connection to share."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", WARMED],
        cwd=ROOT,
        env={**clean, "DEBUG": "0", "SECRET_KEY": REAL_KEY},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["views imported"]
    assert loaded["templates compiled"] > 200  # the portal's own, not only the first page's
    assert loaded["connections opened"] == [False]
