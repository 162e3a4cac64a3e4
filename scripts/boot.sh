#!/bin/sh
# Container start: migrate (retrying while the database comes up), then serve with gunicorn.
set -e
for i in 1 2 3 4 5 6 7 8 9 10; do
  flask --app server db upgrade && break
  echo "boot: database not ready, retrying in 3 s ($i)"; sleep 3
done
if [ "${HEATLEDGER_DEMO:-0}" = 1 ]; then flask --app server demo-seed --if-empty; fi
flask --app server analyze  # the planner's statistics (server/stats.py); the workers keep them true after
exec gunicorn -c python:server.gunicorn_config -w "${WEB_CONCURRENCY:-2}" -b 0.0.0.0:8000 --access-logfile - server.wsgi:app
