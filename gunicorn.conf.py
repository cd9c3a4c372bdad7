"""gunicorn's settings (read from this file by default): the web's share of the database connections.

Each worker is one process handling one request at a time with at most one database connection, so the web holds
at most WEB_CONCURRENCY connections (docs/deployment.md adds up the whole stack).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = 1
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# A worker is replaced after this many requests (with some jitter), bounding its memory.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
