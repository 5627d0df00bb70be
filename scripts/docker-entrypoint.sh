#!/bin/sh
# Container start: bring the schema and the roles up to date, then hand the process to gunicorn.
# Any arguments run instead of gunicorn, after the same steps (e.g. `flask claimdesk demo`).
# With several instances, let one deploy job do the steps and set CLAIMDESK_DEPLOY_STEPS=0 on
# the others: migrations and the permission sync must not race each other.
set -eu

if [ "${CLAIMDESK_DEPLOY_STEPS:-1}" = "1" ]; then
    flask --app run db upgrade
    flask --app run claimdesk sync-roles
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

exec gunicorn \
    --bind "0.0.0.0:${CLAIMDESK_PORT:-8000}" \
    --workers "${CLAIMDESK_WORKERS:-2}" \
    --access-logfile - \
    --forwarded-allow-ips "${CLAIMDESK_FORWARDED_ALLOW_IPS:-127.0.0.1}" \
    run:app
