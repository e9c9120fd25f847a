#!/bin/sh
# The image's entry point: bring the schema up to date before the web server starts
# (`flask db upgrade` does nothing when it is current), then run the given command.
# MIGRATE_ON_START=0 leaves migrations to a one-off `flask --app app db upgrade`
# (with several app containers, so that only one of them migrates).
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "gunicorn" ] && [ "${MIGRATE_ON_START:-1}" = "1" ]; then
    echo "Applying database migrations…"
    flask --app app db upgrade
fi
exec "$@"
