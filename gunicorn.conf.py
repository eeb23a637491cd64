"""gunicorn's settings, one place for every way the portal is served (docker-compose, the
Dockerfile, `make stack`): gunicorn reads ./gunicorn.conf.py from the directory it starts in.

GUNICORN_BIND (default 0.0.0.0:8000, as in a container) and WEB_CONCURRENCY (workers, default
2) come from the environment."""

import os

bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# Django writes its own errors to the console; gunicorn's go to stderr too.
errorlog = "-"
# No control socket: unused here, and every gunicorn of a user would share ~/.gunicorn/.
control_socket_disable = True
