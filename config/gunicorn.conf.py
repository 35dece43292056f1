"""gunicorn settings: each worker warms up (model, reference models, shared stores) right after
it forks, before it takes a request. `gunicorn -c config/gunicorn.conf.py config.wsgi`."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))


def post_fork(server, worker):
    from django.conf import settings

    if settings.WARM_UP:
        from matching.services.warmup import warm_up

        warm_up()
