"""SQL queries of each benchmarked URL, through Django's test client.

Run by ``bench/paired/run.py`` with the python and the settings of one side (the
project's or the vanilla peer's, from that side's folder), so it imports nothing but
Django. Reads ``[[name, path], …]`` as JSON on stdin and writes, as JSON on stdout,
``{name: {"status": …, "cold": n, "warm": n, "bytes": n}}``: ``cold`` counts the
queries of a request made just after emptying the cache (``cache.clear()``), ``warm``
those of the same request made again just after.
"""

import json
import sys

import django

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def count(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        body = b"".join(response) if response.streaming else response.content
    return response.status_code, len(captured), len(body)


def main():
    # What a reverse proxy terminating HTTPS adds (SECURE_PROXY_SSL_HEADER in production).
    client = Client(headers={"x-forwarded-proto": "https"}, raise_request_exception=False)
    results = {}
    for name, path in json.load(sys.stdin):
        for alias in caches:
            caches[alias].clear()
        _status, cold, _size = count(client, path)
        status, warm, size = count(client, path)
        results[name] = {"status": status, "cold": cold, "warm": warm, "bytes": size}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
