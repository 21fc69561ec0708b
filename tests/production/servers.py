"""Real servers for the tests of the production stack, each on a free loopback port.

- :class:`RedisServer`: Debian's ``redis-server``, no persistence;
- :class:`S3Server`: an S3-compatible HTTP server (moto's server mode, from PyPI);
- :class:`AppProcess`: the site in gunicorn with the production settings;
- :func:`collect_static`: ``collectstatic`` with the production storage, once per
  version of the static files (the compressed copies take a minute to make).

Every process is started by the test run and stopped by it; nothing is mocked.
"""

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PRODUCTION = "rencontres_site.settings.production"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(**overrides):
    """The environment of a child process: nothing of the developer's shell that
    settings read (DEBUG, SECRET_KEY, REDIS_URL…), plus ``overrides``."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PGCONNECT_TIMEOUT")
    base = {name: os.environ[name] for name in keep if name in os.environ}
    return {**base, **{name: str(value) for name, value in overrides.items()}}


def wait_until(predicate, timeout, what, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        if predicate():
            return
        time.sleep(0.1)
    output = Path(log).read_text(errors="replace")[-4000:] if log else ""
    raise RuntimeError(f"{what} did not start in {timeout}s\n{output}")


class Process:
    """A child process whose output goes to a log file; stopped with ``stop_signal``."""

    stop_signal = signal.SIGTERM

    def __init__(self, args, log, env=None, cwd=ROOT):
        self.log = Path(log)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 (fixed programs, our arguments)
                args, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class RedisServer(Process):
    def __init__(self, directory):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "no redis-server: `make test` installs Debian's (scripts/system-deps redis)"
            )
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        super().__init__(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(directory),
             "--save", "", "--appendonly", "no"],
            log=Path(directory) / "redis.log",
        )  # fmt: skip
        wait_until(self.answers, 20, "redis-server", self.process, self.log)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)

    def answers(self):
        import redis

        try:
            return self.client().ping()
        except redis.exceptions.RedisError:
            return False


class S3Server(Process):
    """moto's S3 in server mode: a real HTTP endpoint speaking the S3 protocol,
    enforcing object ACLs for anonymous requests."""

    REGION = "eu-west-3"
    ACCESS_KEY = "rencontres-test"
    SECRET_KEY = "rencontres-test-secret"  # noqa: S105 (the test server's)

    def __init__(self, directory):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        super().__init__(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            log=Path(directory) / "s3.log",
            env=clean_environment(),
        )
        wait_until(self.answers, 60, "the S3 server", self.process, self.log)

    def answers(self):
        try:
            urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2).close()  # noqa: S310
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.REGION,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
        )

    def create_bucket(self, name):
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.REGION}
        )
        return name

    def environment(self, bucket):
        """The variables that put the site's media in ``bucket``."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": self.REGION,
            "AWS_ACCESS_KEY_ID": self.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY,
        }

    def storage_options(self, bucket):
        """``OPTIONS`` of ``rencontres_site.storage.MediaStorage`` for ``bucket``."""
        return {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint,
            "region_name": self.REGION,
            "access_key": self.ACCESS_KEY,
            "secret_key": self.SECRET_KEY,
        }

    def anonymous_get(self, url):
        """Status of a GET without credentials, as a visitor's browser sends it."""
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def production_environment(database, redis_url, static_root, **extra):
    """What `make serve` gives an app process, for ``database`` (a DATABASES entry)."""
    user = database["USER"] or ""
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DATABASE_URL=f"postgres://{credentials}{host}/{database['NAME']}",
        SECRET_KEY="production-test-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        REDIS_URL=redis_url,
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
        WAGTAILAPI_BASE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        STATIC_ROOT=static_root,
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
    )
    return {**environment, **{name: str(value) for name, value in extra.items()}}


class AppProcess(Process):
    """``gunicorn rencontres_site.wsgi`` with the repository's gunicorn.conf.py."""

    stop_signal = signal.SIGINT  # quick shutdown: the test is over, no request to finish

    def __init__(self, environment, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**environment, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        super().__init__(
            [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "rencontres_site.wsgi"],
            log=log,
            env=env,
        )

    def wait_ready(self):
        wait_until(self.answers, 120, f"gunicorn on port {self.port}", self.process, self.log)

    def answers(self):
        try:
            urllib.request.urlopen(f"{self.url}/healthz/", timeout=2).close()  # noqa: S310
        except OSError:
            return False
        return True


def static_sources_digest():
    """Changes with the pinned packages and the project's own static files."""
    digest = hashlib.sha256((ROOT / "requirements.lock").read_bytes())
    digest.update((ROOT / "site" / "settings" / "production.py").read_bytes())
    for folder in ("rencontres", "home", "site"):
        for path in sorted((ROOT / folder).glob("**/static/**/*")):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def collect_static(cache_dir):
    """``collectstatic`` with the production settings into ``cache_dir/<digest>``,
    unless an earlier run (or another test process) already did; returns the folder."""
    cache_dir = Path(cache_dir)
    target = cache_dir / static_sources_digest()
    with (cache_dir / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one test process collects, the others wait
        if (target / "staticfiles.json").exists():
            return target
        for stale in cache_dir.iterdir():
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        building = cache_dir / "building"
        env = production_environment(
            {"USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "NAME": "unused"},
            redis_url="redis://127.0.0.1:1/0",
            static_root=building,
        )
        subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=900,
        )
        building.rename(target)
    return target


@contextlib.contextmanager
def silent_server():
    """A TCP server that accepts connections and never answers (a hung Redis)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


class HungServer:
    """A TCP server that accepts connections and never answers (a hung Redis), counting
    the connections it accepted."""

    def __init__(self):
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:  # closed
                return
            self.accepted.append(connection)  # kept open, never read nor answered

    @property
    def connections(self):
        return len(self.accepted)

    def close(self):
        self.sock.close()
        for connection in self.accepted:
            connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _pg_bindir():
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("no PostgreSQL server binaries (scripts/system-deps postgresql)")
    return Path(initdb).parent


class PostgresCluster:
    """A PostgreSQL cluster of its own (as scripts/postgres.sh makes them), on a free
    loopback port, which the test stops and starts at will. As root, it belongs to the
    ``postgres`` user (initdb refuses root)."""

    def __init__(self):
        import tempfile

        self.bin = _pg_bindir()
        # Not under pytest's tmp_path, which the ``postgres`` user cannot traverse.
        self.directory = Path(tempfile.mkdtemp(prefix="rencontres-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.port = free_port()
        if os.getuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run("initdb", f"--pgdata={self.data}", "--username=postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        self.start()

    def _run(self, program, *args):
        command = [str(self.bin / program), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603

    def start(self):
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.directory} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", f"--pgdata={self.data}", f"--log={self.log}", "--wait", "--silent",
                  "start", f"--options={options}")  # fmt: skip

    def stop(self, mode="fast"):
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", f"--pgdata={self.data}", f"--mode={mode}", "--wait", "--silent",
                      "stop")  # fmt: skip

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def database(self, name):
        """A DATABASES entry for the database ``name`` of this cluster."""
        return {"USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": self.port,
                "NAME": name}  # fmt: skip

    def copy_database(self, source, name):
        """Create ``name`` here with the schema and data of ``source`` (a DATABASES
        entry of another server): pg_dump piped into psql."""
        client = Path(shutil.which("pg_dump") or self.bin / "pg_dump").parent
        env = {**clean_environment(), "PGPASSWORD": source["PASSWORD"] or ""}
        subprocess.run(  # noqa: S603
            [str(client / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             name], check=True, env=env, timeout=60)  # fmt: skip
        dump = subprocess.run(  # noqa: S603
            [str(client / "pg_dump"), "--no-owner", "--no-privileges",
             "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
             "-U", source["USER"] or "postgres", source["NAME"]],
            check=True, capture_output=True, env=env, timeout=300,
        )  # fmt: skip
        subprocess.run(  # noqa: S603
            [str(client / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
             "-p", str(self.port), "-U", "postgres", "-d", name],
            input=dump.stdout, check=True, capture_output=True, env=env, timeout=300,
        )  # fmt: skip

    def destroy(self):
        self.stop(mode="immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
