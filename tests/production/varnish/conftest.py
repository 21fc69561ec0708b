"""The stack of the HTTP cache's tests: Varnish (the repository's VCL) in front of two
gunicorn processes with the production settings on the test database, a real Redis,
and a task worker running the purges the processes enqueue — as ``make serve`` runs
them. Started once per test process, on free loopback ports.

Changes made by a test in its own process purge through the same task (the test
settings run tasks at once, in the process that enqueues them).
"""

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ..servers import AppProcess, production_environment, wait_until
from .servers import NoRedirect, VarnishServer, Worker, free_port

#: Seconds within which a change must be seen through the cache.
FRESH_WITHIN = 5.0


@pytest.fixture(scope="session")
def cache_stack(django_db_setup, redis_server, production_static, tmp_path_factory):
    logs = tmp_path_factory.mktemp("varnish-stack")
    varnish_port = free_port()
    environment = production_environment(
        django_settings.DATABASES["default"],
        redis_server.url,
        production_static,
        CACHE_PURGE_URLS=f"http://127.0.0.1:{varnish_port}/",
        TRUSTED_PROXIES="127.0.0.1",
        CHANGES_SETTLE_SECONDS="1",
        CACHE_PURGE_TIMEOUT="2",
    )
    apps = [AppProcess(environment, log=logs / f"gunicorn-{n}.log") for n in range(2)]
    worker = Worker(environment, log=logs / "worker.log")
    varnish = None
    try:
        for app in apps:
            app.wait_ready()
        varnish = VarnishServer([f"127.0.0.1:{app.port}" for app in apps], port=varnish_port)
        wait_until(
            lambda: Client(varnish.url).get("/healthz/").status == 200,
            30,
            "the site through Varnish",
            varnish.process,
            varnish.log,
        )
        yield Stack(varnish=varnish, apps=apps, worker=worker, environment=environment)
    finally:
        for process in [worker, *apps, *([varnish] if varnish else [])]:
            process.stop()


@dataclass
class Stack:
    varnish: VarnishServer
    apps: list
    worker: Worker
    environment: dict


def wait_for_the_worker(stack, within=30):
    """Until the stack's worker has run every task due (the purges the app processes
    queued): a purge of an earlier test must not empty the cache this test fills, and
    the suite must not delete a task's row while the worker runs it."""
    due = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.RUNNING)
        | Q(status=TaskResultStatus.READY, run_after__lte=timezone.now())
    )
    wait_until(lambda: not due.exists(), within, "the worker's tasks", stack.worker.process,
               stack.worker.log)  # fmt: skip


@pytest.fixture
def stack(cache_stack, redis_server, settings):
    """The stack, its cache and Redis emptied for this test; this process's changes
    purge it."""
    wait_for_the_worker(cache_stack)
    redis_server.client().flushall()  # Wagtail's site root paths of earlier tests
    cache_stack.varnish.ban_everything()
    settings.RENCONTRES_CACHE_PURGE_URLS = [cache_stack.varnish.url + "/"]
    settings.RENCONTRES_CACHE_PURGE_TIMEOUT = 2
    # This process shares the stack's cache, as every process of a deployment does: a
    # change made here replaces the publication generation its app processes read
    # (rencontres.fragments), as a change made by one of them would.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": cache_stack.environment["REDIS_URL"],
            "KEY_PREFIX": cache_stack.environment.get("CACHE_KEY_PREFIX", "rencontres"),
        }
    }
    yield cache_stack
    wait_for_the_worker(cache_stack)


@pytest.fixture
def through_cache(stack):
    return Client(stack.varnish.url)


@dataclass
class Response:
    status: int
    headers: object
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def hit(self):
        return self.headers.get("X-Cache") == "HIT"


class Client:
    """Anonymous requests through Varnish (no cookie jar, redirects not followed)."""

    def __init__(self, base_url, timeout=30):
        self.base_url = base_url
        self.timeout = timeout
        self.opener = urllib.request.build_opener(NoRedirect())

    def get(self, path, **headers):
        request = urllib.request.Request(self.base_url + path, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def warm(self, paths):
        """GET each path twice: the second must be a hit; returns ``{path: Response}``."""
        seen = {}
        for path in paths:
            first = self.get(path)
            second = self.get(path)
            assert second.hit, f"{path}: {dict(first.headers)} then {dict(second.headers)}"
            assert second.body == first.body, path
            seen[path] = second
        return seen

    def wait_until_fresh(self, checks, since, within=FRESH_WITHIN):
        """Poll ``checks`` (``{path: predicate(Response)}``) until every one holds;
        fail when some still do not ``within`` seconds after ``since``. Returns the
        seconds it took."""
        pending = dict(checks)
        last = {}
        while True:
            for path, check in list(pending.items()):
                response = self.get(path)
                last[path] = response
                if check(response):
                    del pending[path]
            elapsed = time.monotonic() - since
            if not pending:
                return elapsed
            if elapsed > within:
                details = {
                    path: (last[path].status, last[path].headers.get("X-Cache"),
                           last[path].headers.get("Age"), last[path].text[:300])
                    for path in pending
                }  # fmt: skip
                pytest.fail(f"still stale {elapsed:.1f} s after the change: {details}")
            time.sleep(0.1)
