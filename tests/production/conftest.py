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
def start_app(tmp_path, settings, production_static, redis_url):
    """``start_app(**environment)``: a gunicorn process with the production settings on
    the test database, the session's Redis and the collected static files; stopped
    after the test. The test needs a transactional database for the app to see its
    data."""
    started = []

    def start(**extra):
        environment = production_environment(
            settings.DATABASES["default"], redis_url, production_static, **extra
        )
        app = AppProcess(environment, log=tmp_path / f"gunicorn-{len(started)}.log")
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()
