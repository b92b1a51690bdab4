"""gunicorn's settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Each value can be overridden with gunicorn's own GUNICORN_CMD_ARGS or command-line flags.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Longer than any page or upload takes; imports run in the worker process, never in a request
# (ADR 0006), and no request waits on an import's transaction (ADR 0009).
timeout = 60
graceful_timeout = 30
# Closes idle keep-alive connections behind a load balancer before it does.
keepalive = 5
# A worker restarts after this many requests (with jitter) so slow leaks cannot grow.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
