# Briefs: gunicorn on port 8000, as an unprivileged user. Build: docker build -t briefs .
# The base image is pinned to an exact release; pin its digest too in your registry mirror.
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY briefs ./briefs
RUN /opt/venv/bin/pip install '.[postgres,redis]' \
 && /opt/venv/bin/pybabel compile -d briefs/translations

FROM python:3.11.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    BRIEFS_INSTANCE_PATH=/app/instance BIND=0.0.0.0:8000
# pg_dump/pg_restore for `flask --app app backup` (the same major version as the db image).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin briefs
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY app.py ./
COPY --from=build /app/briefs ./briefs
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY deploy ./deploy
RUN mkdir -p instance/uploads && chown -R briefs:briefs instance
USER briefs
VOLUME ["/app/instance"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD python -c \
  "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "app:app"]
