"""gunicorn's settings for the app processes, read from the environment.

gunicorn loads this file by itself when started from the repository's root:

    DJANGO_SETTINGS_MODULE=rencontres_site.settings.production gunicorn rencontres_site.wsgi

PORT (8000) or GUNICORN_BIND (host:port) where to listen; WEB_CONCURRENCY (2) worker
processes; GUNICORN_THREADS (1) threads per worker; GUNICORN_TIMEOUT (30) seconds
before a stuck worker is restarted; FORWARDED_ALLOW_IPS (127.0.0.1) the proxies whose
X-Forwarded-* headers are trusted.
"""

import os

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Recycle workers now and then, so that a slow leak never grows for days.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"

# gunicorn ≥ 25 opens a control socket at one default path for every gunicorn of the
# user ($XDG_RUNTIME_DIR/gunicorn.ctl): a second app process on the machine would take
# the first one's. Each process gets its own path when GUNICORN_CONTROL_SOCKET is set,
# and none otherwise.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
