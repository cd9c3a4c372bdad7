"""Check that PostgreSQL and Redis answer, create the portal's database if it is missing, and the role the portal
connects as (DATABASE_APP_USER: neither superuser nor BYPASSRLS, so row-level security holds it).

Run before migrating (`make run` and `make test` do). Exits 1 with a message saying what to do.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django

django.setup()

import psycopg
import redis
from django.conf import settings
from psycopg import sql

POSTGRES_HELP = (
    "Start PostgreSQL (on this kind of machine: "
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), "
    "or set DATABASE_URL in .env to a server that is running."
)
REDIS_HELP = (
    "Start Redis (on this kind of machine: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''), "
    "or set REDIS_URL in .env to a server that is running. Celery needs it for emails, reminders and reports."
)


def database_url_for_display(db: dict) -> str:
    return f"postgres://{(db.get('OWNER') or db)['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def owner_connection_params(db: dict) -> dict:
    owner = db.get("OWNER") or db
    return {
        "host": owner["HOST"] or None,
        "port": owner["PORT"] or None,
        "user": owner["USER"] or None,
        "password": owner["PASSWORD"] or None,
        "connect_timeout": 5,
    }


def ensure_portal_role(conn: psycopg.Connection, db: dict) -> None:
    """Create the portal's role if missing; whatever it was, make sure it cannot bypass row-level security."""
    if not db.get("OWNER"):
        return
    role = sql.Identifier(db["USER"])
    attributes = sql.SQL("LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
    if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [db["USER"]]).fetchone():
        conn.execute(sql.SQL("CREATE ROLE {} {}").format(role, attributes))
        print(f"Created the portal's database role {db['USER']}.")
    conn.execute(sql.SQL("ALTER ROLE {} {}").format(role, attributes))
    if db["PASSWORD"]:
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(db["PASSWORD"])))


def ensure_database() -> None:
    db = settings.DATABASES["default"]
    params = owner_connection_params(db)
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                print(f"Created database {db['NAME']}.")
            ensure_portal_role(conn, db)
    except psycopg.OperationalError as error:
        sys.exit(
            f"PostgreSQL is not reachable at DATABASE_URL={database_url_for_display(db)}\n"
            f"  ({str(error).strip().splitlines()[0]})\n{POSTGRES_HELP}"
        )


def ensure_redis() -> None:
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        sys.exit(f"Redis is not reachable at REDIS_URL={settings.REDIS_URL} ({error}).\n{REDIS_HELP}")


if __name__ == "__main__":
    ensure_database()
    ensure_redis()
    print("PostgreSQL and Redis are reachable.")
