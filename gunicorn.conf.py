"""gunicorn's settings for Sésame, in one place: the Dockerfile, docker-compose, the Procfile and
the benches all start `gunicorn portal.wsgi` from the project root, where gunicorn reads this
file. Each setting can be changed by its environment variable; a command-line option wins.

Why these (bench/README.md, "The machine API at the speed of the database", 1-2 December
2026): one process per core, each with a few threads (gthread). Threads let a process go on
with another request while one waits for PostgreSQL, and gthread keeps client connections
open (keep-alive): sync workers close every connection, so each API call paid a new TCP
connection on both sides, which capped GET /health/ itself at a fraction of what the same
processes serve with keep-alive. More processes than cores only add context switches.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One process per core by default (WEB_CONCURRENCY is the usual name for it).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4)
# gthread only: keep client connections open between requests (sync workers always close).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Import Django once in the master, then fork: workers start at once and share that memory.
# Nothing touches the database at import, so no connection is shared by the forked workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
timeout = _int("GUNICORN_TIMEOUT", 30)
# Workers are not recycled by default (0): at 300 calls/s a recycled worker every 10,000
# requests drops its clients' kept-alive connections and its prepared statements, which made
# the bench's worst latencies (0.9-1.5 s). Set it (e.g. 100000, with the jitter) if a leak shows.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Django writes its own errors to the console; gunicorn's go to stderr too.
errorlog = "-"
# No control socket: unused here, and every gunicorn of a user would share ~/.gunicorn/.
control_socket_disable = True
