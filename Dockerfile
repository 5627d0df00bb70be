# Claimdesk application image: gunicorn serving run:app, as an unprivileged user.
# Build:  docker build --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm -t claimdesk .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=run \
    CLAIMDESK_INSTANCE_PATH=/var/lib/claimdesk \
    CLAIMDESK_PORT=8000 \
    CLAIMDESK_WORKERS=2

WORKDIR /app

# A fixed numeric id, so that volume ownership means the same on every host.
RUN groupadd --system --gid 10001 claimdesk \
    && useradd --system --uid 10001 --gid claimdesk --home-dir /app --no-create-home claimdesk \
    && mkdir -p /var/lib/claimdesk \
    && chown 10001:10001 /var/lib/claimdesk

# Dependencies first: this layer is rebuilt only when the pins change.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . ./
RUN pybabel compile -d translations \
    && chmod 0755 scripts/docker-entrypoint.sh

USER 10001:10001
VOLUME ["/var/lib/claimdesk"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('CLAIMDESK_PORT', '8000'), timeout=4)"]

ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
