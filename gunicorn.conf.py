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
# The portal is loaded once, in the master, and each worker is a fork of it: a replaced worker starts at once
# instead of importing Django and every app again (about a core-second each, which under load stalled the other
# workers: benchmarks/load.py gave a p95 of 942 ms at 100 people without it, 156 ms with it). Nothing opens a
# database connection while the app loads, so no connection is shared between workers. A new release is started
# with a restart of the service, not a HUP (which reloads only the workers, from the code already loaded).
# Loading includes importing every view and compiling the templates (`warm_up` in partnership/wsgi.py), which a
# worker would otherwise do on its first request.
preload_app = True
# Workers share the requests evenly, so with a small jitter they all reached max_requests within a second and were
# replaced together; half of max_requests spreads the replacements out.
max_requests_jitter = 500
accesslog = "-"
