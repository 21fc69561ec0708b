"""Fixtures of the production stack's tests: real Redis, S3 and gunicorn processes.

Each test process (pytest-xdist worker) starts the servers it needs once, on free
loopback ports, and stops them at the end of the session.
"""

import pytest

from .servers import AppProcess, RedisServer, S3Server, collect_static, production_environment


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The session's Redis, emptied for this test."""
    redis_server.client().flushall()
    return redis_server.url


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, request):
    """A new, empty bucket for this test."""
    name = "rencontres-" + "".join(c for c in request.node.name.lower() if c.isalnum())[:40]
    return s3_server.create_bucket(name)


@pytest.fixture(scope="session")
def production_static(request):
    """Static files collected with the production storage (cached between runs)."""
    return collect_static(request.config.cache.mkdir("production-static"))


@pytest.fixture
def start_apps(tmp_path, settings, production_static, redis_url):
    """``start_apps(count, **environment)``: ``count`` gunicorn processes with the
    production settings on the test database (``DATABASE_URL`` in ``environment``
    overrides it), the session's Redis and the collected static files, started side by
    side; stopped after the test. The test needs a transactional database for the
    processes to see its data."""
    started = []

    def start(count=1, **extra):
        environment = production_environment(
            settings.DATABASES["default"], redis_url, production_static, **extra
        )
        apps = [
            AppProcess(environment, log=tmp_path / f"gunicorn-{len(started) + n}.log")
            for n in range(count)
        ]
        started.extend(apps)
        for app in apps:
            app.wait_ready()
        return apps

    yield start
    for app in started:
        app.stop()
