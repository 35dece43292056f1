"""gunicorn settings: each worker warms up (model, reference models, shared stores) once it has
loaded the application (so Django is set up), before it takes a request.
`gunicorn -c config/gunicorn.conf.py config.wsgi`."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))


def post_worker_init(worker):
    """After the worker imported config.wsgi (which configures Django): post_fork would run
    before that, with no settings yet."""
    from matching.services.warmup import web_process_ready

    web_process_ready()
