# Sésame production image: gunicorn serving portal.wsgi; the same image runs the Celery worker
# and beat (see docker-compose.yml). Build: docker build -t sesame .
FROM python:3.11-slim

# PYTHONPATH: the source tree comes first on the path, so settings find templates/, static/
# and locale/ beside the code whatever the command (gunicorn, celery, manage.py).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    SESAME_VAR_DIR=/app/var

# gettext: compilemessages turns locale/*.po into the .mo files Django reads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 1000 sesame \
    && useradd --system --uid 1000 --gid sesame --home-dir /app --shell /usr/sbin/nologin sesame

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
# The `stack` extra is the mail catcher that docker-compose's `mail` service runs.
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['stack']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code stays owned by root: the app user may write only static files and var/ (uploads,
# import result files), which compose mounts as a volume shared by web and worker.
COPY . .
RUN pip install --no-deps . \
    && if find . -path ./var -prune -o -name '*.po' -print | grep -q .; then \
         DEBUG=false SECRET_KEY=build-only-dummy-secret-key-never-used-at-runtime-0123456789abcdef \
         python manage.py compilemessages --ignore 'var/*'; \
       fi \
    && DEBUG=false SECRET_KEY=build-only-dummy-secret-key-never-used-at-runtime-0123456789abcdef \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/mail \
    && chown -R sesame:sesame /app/staticfiles /app/var

USER sesame
EXPOSE 8000

# Bind address, workers, threads, keep-alive, access log: gunicorn.conf.py (read from /app).
CMD ["gunicorn", "portal.wsgi"]
