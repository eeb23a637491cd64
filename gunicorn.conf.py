"""gunicorn's settings for Sésame, in one place: the Dockerfile, docker-compose, the Procfile and
the benches all start `gunicorn portal.wsgi` from the project root, where gunicorn reads this
file. Each setting can be changed by its environment variable; a command-line option wins.

Why these (bench/README.md, "The machine API at the speed of the database"): the work of a
request is CPU (Python) and the database is on the same machine, so one synchronous worker per
core does best; threads (gthread) only add GIL contention and context switches on 2 cores.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One process per core by default (WEB_CONCURRENCY is the usual name for it).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
# gthread only: keep client connections open between requests (sync workers always close).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Import Django once in the master, then fork: workers start at once and share that memory.
# Nothing touches the database at import, so no connection is shared by the forked workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
timeout = _int("GUNICORN_TIMEOUT", 30)
# A worker is replaced after this many requests (with some jitter): bounds slow leaks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
