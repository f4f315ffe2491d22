#!/bin/bash
# Entrypoint of the antisocial image: dispatches on its first argument.
cd /app/

if [[ "$SETTINGS" ]]; then
    export DJANGO_SETTINGS_MODULE="$APP.$SETTINGS"
else
    export DJANGO_SETTINGS_MODULE="$APP.settings_docker"
fi

if [ "$1" == "migrate" ]; then
    exec /ve/bin/python manage.py migrate --noinput
fi

if [ "$1" == "collectstatic" ]; then
    exec /ve/bin/python manage.py collectstatic --noinput
fi

if [ "$1" == "worker" ]; then
    exec /ve/bin/python manage.py celery worker
fi

# run arbitrary commands
if [ "$1" == "manage" ]; then
    shift
    exec /ve/bin/python manage.py "$@"
fi

# The default: the web server. Without `exec` the shell stays PID 1 and
# `docker stop` sends SIGTERM to bash, not to gunicorn.
/ve/bin/gunicorn --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" \
    "$APP.wsgi:application" -b 0.0.0.0:8000 -w 3 \
    --access-logfile=- --error-logfile=-
