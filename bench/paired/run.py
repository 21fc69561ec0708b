"""``make bench-http``: the project and a vanilla Wagtail peer over HTTP, side by side.

Started by ``scripts/bench-http``, which provides PostgreSQL (``DATABASE_URL`` pointing
to a server; this script creates its databases there and never restarts it) and wrk.
With the project's python (it needs only the standard library, psycopg and
dj-database-url), this script:

1. builds the vanilla peer of ``../shared/bench-peer/`` (``BENCH_PEER_RECIPE``) in the
   scratch folder ``BENCH_HTTP_DIR`` (default ``bench/results/http``, git-ignored): a
   virtual environment with the project's pinned Wagtail, Django, psycopg and gunicorn,
   ``wagtail start demo``, the recipe's files copied where its README says,
   ``makemigrations home``, ``collectstatic``. Rebuilt only when the recipe or the pins
   change;
2. loads ``BENCH_RENCONTRES`` pages (default 5,000) into each side: the peer with the
   recipe's ``create_events`` (the ordinary way, about 9 pages/s: its database,
   ``bench_http_peer_<count>_<recipe hash>``, is kept between runs and a larger one starts from a
   copy of the largest smaller one), the project with ``bench/paired/load_project.py``
   (the demo site and the Decidim importer, rebuilt at each run since the code
   changes); both are then analysed (``VACUUM ANALYZE``), as autovacuum would have
   done on a site in production;
3. counts the SQL queries of each endpoint through Django's test client
   (``bench/paired/count_queries.py``, with each side's python and settings);
4. serves each side with gunicorn (``BENCH_WORKERS`` sync workers, default 2, no
   control socket, a free loopback port) and production settings: the project's
   ``rencontres_site.settings.production`` with 20 rencontres per page
   (``bench/paired/project_settings.py``), the peer's ``demo.settings.perf``; both keep
   database connections (``CONN_MAX_AGE=600``) and get ``X-Forwarded-Proto: https``
   like behind a proxy terminating HTTPS;
5. for each endpoint: restarts both servers (empty caches: the cache is each worker's
   memory), runs wrk on one side then the other (which goes first alternates), cold;
   then warms each side up (two rounds of one request per worker) and runs wrk again,
   warm. ``BENCH_DURATION`` (default 10s), ``BENCH_CONNECTIONS`` (8) and
   ``BENCH_THREADS`` (2) set wrk; ``BENCH_ENDPOINTS`` (comma-separated keys, see
   ``ENDPOINTS``) restricts the run;
6. prints a table (requests per second, median and 99th-percentile latency of both
   sides, the ratio project/peer, SQL queries per request) and writes it as
   ``bench/results/http.json`` (``BENCH_RESULTS_DIR``).

Every server it starts is stopped on exit, whatever the exit.
"""

import datetime as dt
import hashlib
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import psycopg
from psycopg import sql

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

COUNT = int(os.environ.get("BENCH_RENCONTRES", "5000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
PER_PAGE = 20  # both sides: the peer's EventIndexPage, the project's project_settings
WORK = Path(os.environ.get("BENCH_HTTP_DIR") or ROOT / "bench" / "results" / "http").resolve()
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR") or ROOT / "bench" / "results")
# What a reverse proxy terminating HTTPS adds; the project's production settings
# redirect plain HTTP to HTTPS otherwise (SECURE_PROXY_SSL_HEADER, SECURE_SSL_REDIRECT).
HEADERS = {"X-Forwarded-Proto": "https"}
#: Headers of some endpoints' requests beside HEADERS: open-data consumers ask for gzip
#: (python-requests, curl --compressed, browsers and data.gouv.fr's harvester do).
GZIP = {"Accept-Encoding": "gzip"}
ENDPOINT_HEADERS = {"json": GZIP, "csv": GZIP}
# The benchmark's databases: bench_http_peer_<count>_<recipe>, bench_http_project_<count>.
PREFIX = "bench_http_"
# The peer database is complete once this comment is on it.
COMPLETE = "rencontres bench-http: complete"
PEER_PACKAGES = ["wagtail", "psycopg[binary]", "gunicorn"]


def recipe_folder():
    configured = os.environ.get("BENCH_PEER_RECIPE")
    candidates = [Path(configured)] if configured else []
    candidates += [
        ROOT.parent / "shared" / "bench-peer",
        ROOT.parent.parent / "shared" / "bench-peer",
    ]
    for folder in candidates:
        if (folder / "README.md").exists() and (folder / "create_events.py").exists():
            return folder.resolve()
    sys.exit(
        "bench-http: no peer recipe (../shared/bench-peer/ with create_events.py); "
        "set BENCH_PEER_RECIPE to its folder"
    )


# -- processes ---------------------------------------------------------------------

STARTED = []  # every Popen this script started, stopped on exit


def stop_process(process, grace=20):
    """Stop a process this script started, and its children (it leads its own session)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def stop_everything():
    while STARTED:
        stop_process(STARTED.pop())


def on_signal(number, _frame):
    raise SystemExit(128 + number)


def run(command, *, env=None, cwd=None, capture=False, stdin=None):
    """Run a command to its end (stopped with this script if it is interrupted)."""
    process = subprocess.Popen(  # noqa: S603 - commands built here, no shell
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else None,
        stdout=subprocess.PIPE if capture else None,
        text=True,
        start_new_session=True,
    )
    STARTED.append(process)
    try:
        out, _err = process.communicate(stdin)
    finally:
        stop_process(process)
        STARTED.remove(process)
    if process.returncode:
        sys.exit(f"bench-http: failed ({process.returncode}): {' '.join(map(str, command))}")
    return out


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log(message):
    print(f"\033[1m==> {message}\033[0m", flush=True)


# -- PostgreSQL --------------------------------------------------------------------


class Postgres:
    """The server of ``DATABASE_URL``: databases created, copied, analysed, dropped."""

    def __init__(self, url):
        db = dj_database_url.parse(url)
        self.server = {
            "host": db["HOST"] or "127.0.0.1",
            "port": str(db["PORT"] or 5432),
            "user": db["USER"] or "postgres",
            "password": db["PASSWORD"] or "",
        }

    def connect(self, dbname="postgres"):
        return psycopg.connect(
            dbname=dbname,
            autocommit=True,
            host=self.server["host"],
            port=self.server["port"],
            user=self.server["user"],
            password=self.server["password"] or None,
        )

    def url(self, name):
        s = self.server
        auth = quote(s["user"], safe="") + (
            f":{quote(s['password'], safe='')}" if s["password"] else ""
        )
        return f"postgres://{auth}@{s['host']}:{s['port']}/{name}"

    def databases(self):
        with self.connect() as connection:
            rows = connection.execute(
                "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
            ).fetchall()
        return dict(rows)

    def create(self, name, template=None):
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect() as connection:
            connection.execute(query)

    def drop(self, name):
        with self.connect() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def analyse(self, name):
        with self.connect(name) as connection:
            connection.execute("VACUUM ANALYZE")

    def mark_complete(self, name):
        with self.connect() as connection:
            connection.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(name), sql.Literal(COMPLETE)
                )
            )

    def version(self):
        with self.connect() as connection:
            return connection.execute("SHOW server_version").fetchone()[0]


# -- the two sides -----------------------------------------------------------------


class Side:
    """One site under test: how to run its python, its gunicorn and its requests."""

    def __init__(self, name, python, cwd, app, env, idle_path, pythonpath=()):
        self.name = name
        self.idle_path = idle_path
        self.python = python
        self.cwd = cwd
        self.app = app
        self.env = env
        self.pythonpath = pythonpath
        self.process = None
        self.port = None
        self.log = WORK / f"{name}-gunicorn.log"

    def manage(self, *arguments, capture=False):
        return run(
            [self.python, "manage.py", *arguments], env=self.env, cwd=self.cwd, capture=capture
        )

    def count_queries(self, paths):
        out = run(
            [self.python, str(HERE / "count_queries.py")],
            env=self.env,
            cwd=self.cwd,
            capture=True,
            stdin=json.dumps(list(paths.items())),
        )
        return json.loads(out)

    def start(self):
        ready = WORK / "ready" / self.name
        shutil.rmtree(ready, ignore_errors=True)
        ready.mkdir(parents=True)
        self.port = free_port()
        command = [
            self.python, "-m", "gunicorn", self.app,
            "--config", str(HERE / "gunicorn_conf.py"),
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(WORKERS),
            "--worker-class", "sync",
            "--no-control-socket",
            "--timeout", "300",
            "--log-level", "warning",
        ]  # fmt: skip
        for folder in self.pythonpath:
            command += ["--pythonpath", str(folder)]
        env = {**self.env, "BENCH_READY_DIR": str(ready)}
        with self.log.open("a") as output:
            self.process = subprocess.Popen(  # noqa: S603 - command built here, no shell
                command,
                cwd=self.cwd,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        STARTED.append(self.process)
        deadline = time.monotonic() + 180
        while len(list(ready.iterdir())) < WORKERS:
            if self.process.poll() is not None:
                sys.exit(f"bench-http: gunicorn of {self.name} stopped; see {self.log}")
            if time.monotonic() > deadline:
                sys.exit(f"bench-http: gunicorn of {self.name} not ready in 180 s; see {self.log}")
            time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            stop_process(self.process)
            STARTED.remove(self.process)
            self.process = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, extra=None):
        headers = {**HEADERS, **(extra or {})}
        request = urllib.request.Request(self.url(path), headers=headers)  # noqa: S310 - loopback
        try:
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def base_env():
    """The environment of both sides: this one without what selects a Django project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"  # create_events' progress as it goes
    return env


def project_side(postgres, database):
    env = base_env()
    env.update(
        DJANGO_SETTINGS_MODULE="project_settings",
        PYTHONPATH=os.pathsep.join([str(HERE), str(ROOT)]),
        DATABASE_URL=postgres.url(database),
        CONN_MAX_AGE="600",
        SECRET_KEY="bench-http-not-secret",  # noqa: S106 - a benchmark on loopback
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(WORK / "project-static"),
        MEDIA_ROOT=str(WORK / "project-media"),
        LOG_LEVEL="WARNING",
        # The shared cache (scripts/bench-http starts one when REDIS_URL is unset).
        REDIS_URL=os.environ["REDIS_URL"],
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
        WAGTAILAPI_BASE_URL="http://127.0.0.1",
        # Plain HTTP on loopback, as the peer: no redirect to https, no HSTS.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    return Side(
        "project",
        sys.executable,
        ROOT,
        "rencontres_site.wsgi:application",
        env,
        "/robots.txt",
        pythonpath=(HERE, ROOT),
    )


def peer_side(postgres, venv, folder, database):
    env = base_env()
    env.update(
        DJANGO_SETTINGS_MODULE="demo.settings.perf",
        PERF_DB_NAME=database,
        PERF_DB_HOST=postgres.server["host"],
        PERF_DB_PORT=postgres.server["port"],
        PERF_DB_USER=postgres.server["user"],
        PERF_DB_PASSWORD=postgres.server["password"],
        PERF_CONN_MAX_AGE="600",
        PYTHONPATH=str(folder),
    )
    return Side("peer", str(venv / "bin" / "python"), folder, "demo.wsgi:application", env, "/ok/")


# -- building the peer -------------------------------------------------------------


def pins(names):
    """``name==version`` lines of requirements.lock for ``names`` (and what the peer's
    python is), which the peer's virtual environment is built from."""
    wanted = {re.sub(r"\[.*\]", "", name).lower() for name in names} | {"django"}
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    found = sorted(line for line in lines if line.split("==")[0].lower() in wanted)
    return "\n".join([platform.python_version(), *found])


def recipe_hash(recipe):
    digest = hashlib.sha256(pins(PEER_PACKAGES).encode())
    for path in sorted(recipe.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(recipe)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def build_peer_venv():
    venv = WORK / "peer-venv"
    stamp = venv / "bench-pins.txt"
    wanted = pins(PEER_PACKAGES)
    if stamp.exists() and stamp.read_text() == wanted:
        return venv
    log(f"peer: virtual environment in {venv}")
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*pip, "--upgrade", "pip"])
    run([*pip, "-c", str(ROOT / "requirements.lock"), *PEER_PACKAGES])
    stamp.write_text(wanted)
    return venv


def build_peer_project(postgres, venv, recipe, stamp):
    """``wagtail start demo`` and the recipe's files, as its README says."""
    folder = WORK / "peer"
    if (folder / "bench-recipe.txt").exists() and (
        folder / "bench-recipe.txt"
    ).read_text() == stamp:
        return folder
    log(f"peer: wagtail start demo in {folder}, recipe {recipe}")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    run([str(venv / "bin" / "wagtail"), "start", "demo", str(folder)])
    shutil.copyfile(recipe / "vanilla_models.py", folder / "home" / "models.py")
    shutil.copytree(
        recipe / "vanilla_templates" / "home",
        folder / "home" / "templates" / "home",
        dirs_exist_ok=True,
    )
    shutil.copyfile(recipe / "vanilla_api.py", folder / "demo" / "api.py")
    shutil.copyfile(recipe / "vanilla_urls.py", folder / "demo" / "urls.py")
    shutil.copyfile(recipe / "perf_settings.py", folder / "demo" / "settings" / "perf.py")
    commands = folder / "home" / "management" / "commands"
    commands.mkdir(parents=True)
    (commands.parent / "__init__.py").touch()
    (commands / "__init__.py").touch()
    shutil.copyfile(recipe / "create_events.py", commands / "create_events.py")
    # The maintenance database: nothing of Django's in it, makemigrations checks nothing.
    side = peer_side(postgres, venv, folder, "postgres")
    side.manage("makemigrations", "home", "--verbosity", "0")
    side.manage("collectstatic", "--noinput", "--verbosity", "0")
    (folder / "bench-recipe.txt").write_text(stamp)
    return folder


def peer_database(postgres, venv, folder, stamp):
    """``peer_<COUNT>_<stamp>``, built once: from a copy of the largest complete smaller
    one when there is one, then ``create_events`` for the pages still missing."""
    name = f"{PREFIX}peer_{COUNT}_{stamp}"
    existing = postgres.databases()
    if existing.get(name) == COMPLETE:
        log(f"peer: database {name} kept from an earlier run")
        return name
    if name in existing:
        postgres.drop(name)  # an interrupted build
    smaller = [
        (int(match.group(1)), database)
        for database, comment in existing.items()
        if comment == COMPLETE
        and (match := re.fullmatch(rf"{PREFIX}peer_(\d+)_{stamp}", database))
        and int(match.group(1)) < COUNT
    ]
    start, template = max(smaller, default=(0, None))
    postgres.create(name, template=template)
    side = peer_side(postgres, venv, folder, name)
    try:
        side.manage("migrate", "--noinput", "--verbosity", "0")
        log(
            f"peer: create_events --count {COUNT - start} the ordinary way (about 9 pages/s "
            f"on 2 cores{f', on top of a copy of {template}' if template else ''}); "
            "the database is kept for the next runs"
        )
        side.manage("create_events", "--count", str(COUNT - start))
        postgres.analyse(name)
    except BaseException:
        postgres.drop(name)
        raise
    postgres.mark_complete(name)
    return name


def peer_page_id(postgres, database, slug):
    with postgres.connect(database) as connection:
        row = connection.execute(
            "SELECT id FROM wagtailcore_page WHERE slug = %s", [slug]
        ).fetchone()
    if row is None:
        sys.exit(f"bench-http: no page {slug} in {database}")
    return row[0]


# -- the project ----------------------------------------------------------------------


def project_database(postgres):
    name = f"{PREFIX}project_{COUNT}"
    postgres.drop(name)
    postgres.create(name)
    side = project_side(postgres, name)
    side.manage("migrate", "--noinput", "--verbosity", "0")
    side.manage("collectstatic", "--noinput", "--verbosity", "0")
    log(f"project: demo site and {COUNT} rencontres through the Decidim importer")
    found = WORK / "project-endpoints.json"
    run(
        [sys.executable, str(HERE / "load_project.py"), str(found), str(COUNT)],
        env=side.env,
        cwd=ROOT,
    )
    postgres.analyse(name)
    return name, json.loads(found.read_text())


# -- endpoints ------------------------------------------------------------------------


def endpoints(project, peer_id):
    """``[(key, label, project path, peer path or None)]``, in the order they run."""
    index, page = project["index"], project["rencontre"]
    project_deep = max(1, round(0.8 * math.ceil(project["listed"] / PER_PAGE)))
    peer_deep = max(1, round(0.8 * math.ceil(COUNT / PER_PAGE)))
    return [
        ("listing", "listing, page 1", index, "/events/"),
        (
            "deep",
            f"listing, page at 80 % ({project_deep} / {peer_deep})",
            f"{index}?page={project_deep}",
            f"/events/?page={peer_deep}",
        ),
        ("filtered", "listing, filtered", f"{index}?region=84&format=presentiel", None),
        ("search", "search « atelier »", f"{index}?q=atelier&periode=toutes", None),
        ("rencontre", "a rencontre's page", page, f"/events/event-{COUNT // 2:05d}/"),
        ("history", "its history", f"{page}changements/", None),
        ("version", "one version", f"{page}changements/{project['version']}/", None),
        (
            "api-v2-list",
            "API v2 list of 20",
            f"/api/v2/rencontres/?limit={PER_PAGE}",
            f"/api/v2/pages/?type=home.EventPage&fields=*&limit={PER_PAGE}",
        ),
        (
            "api-v2-detail",
            "API v2 detail",
            f"/api/v2/rencontres/{project['rencontre_id']}/",
            f"/api/v2/pages/{peer_id}/",
        ),
        ("api-v3-list", "API v3 list of 20", f"/api/v3/rencontres/?limit={PER_PAGE}", None),
        ("ics", "listing agenda.ics", f"{index}agenda.ics", None),
        ("rss", "listing RSS", f"{index}flux/", None),
        ("json", "open data JSON, gzip", f"{index}donnees.json", None),
        ("csv", "open data CSV, gzip", f"{index}donnees.csv", None),
        ("json-plain", "open data JSON, uncompressed", f"{index}donnees.json", None),
        ("csv-plain", "open data CSV, uncompressed", f"{index}donnees.csv", None),
        ("nodb", "no database (robots.txt / ok/)", "/robots.txt", "/ok/"),
    ]


# -- wrk --------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(side, path, extra=None):
    command = [
        "wrk",
        "--threads", str(THREADS),
        "--connections", str(CONNECTIONS),
        "--duration", DURATION,
        "--timeout", "120s",
        "--latency",
    ]  # fmt: skip
    for header, value in {**HEADERS, **(extra or {})}.items():
        command += ["--header", f"{header}: {value}"]
    out = run([*command, side.url(path)], capture=True)
    WRK_OUTPUT.append(out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": milliseconds(latency["50"]) if requests else None,
        "p99_ms": milliseconds(latency["99"]) if requests else None,
        "requests": requests,
        "errors": sum(map(int, errors.groups())) if errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


WRK_OUTPUT = []  # wrk's own report of every run, written beside the results


def drain(side):
    """Wait until the workers are done with the requests wrk left behind: a sync worker
    still answers those queued when wrk stopped, and would share the CPUs with the next
    run. One request per worker to the side's no-database page, queued behind them."""
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(side.get, [side.idle_path] * WORKERS))


def warm_up(side, path, extra=None):
    """Two rounds of one request per worker, all answered before wrk starts."""
    with ThreadPoolExecutor(WORKERS) as pool:
        for _round in range(2):
            list(pool.map(lambda path: side.get(path, extra), [path] * WORKERS))


# -- the table -----------------------------------------------------------------------


def median_run(runs):
    """The median of each figure over the rounds (errors: their sum)."""
    if not runs:
        return None

    def middle(name):
        values = [run[name] for run in runs if run[name] is not None]
        return statistics.median(values) if values else None

    return {
        "rps": middle("rps"),
        "p50_ms": middle("p50_ms"),
        "p99_ms": middle("p99_ms"),
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "rounds": runs,
    }


def number(value, width, digits=1):
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'–':>{width}}"


def table(rows, results, queries):
    header = (
        f"{'endpoint':<34} {'':4} | {'project req/s':>13} {'p50 ms':>8} {'p99 ms':>8} |"
        f" {'peer req/s':>10} {'p50 ms':>8} {'p99 ms':>8} | {'ratio':>6} | queries"
    )
    lines = [header, "-" * len(header)]
    for key, label, _project_path, peer_path in rows:
        for mode in ("cold", "warm"):
            mine = results[key]["project"][mode]
            theirs = results[key]["peer"].get(mode) if peer_path else None
            ratio = ""
            if theirs and mine["rps"] is not None and theirs["rps"]:
                ratio = f"{mine['rps'] / theirs['rps']:>5.2f}×"
            counted = f"{queries['project'][key][mode]}"
            if peer_path:
                counted += f" / {queries['peer'][key][mode]}"
            trouble = [s for s in (mine, theirs) if s and (s["errors"] or s["non_2xx"])]
            lines.append(
                f"{label if mode == 'cold' else '':<34} {mode:4} |"
                f" {number(mine['rps'], 13)} {number(mine['p50_ms'], 8)}"
                f" {number(mine['p99_ms'], 8)} |"
                f" {number(theirs and theirs['rps'], 10)}"
                f" {number(theirs and theirs['p50_ms'], 8)}"
                f" {number(theirs and theirs['p99_ms'], 8)} |"
                f" {ratio:>6} | {counted}{' !' if trouble else ''}"
            )
    return "\n".join(lines)


LEGEND = """\
cold: wrk just after gunicorn restarted (empty caches); warm: wrk again after a warm-up.
req/s, p50, p99: medians over the rounds; ratio: project / peer requests per second.
queries: SQL queries per request, project / peer, counted with Django's test client
(cold: just after cache.clear()). !: wrk saw socket errors or non-2xx answers."""


def machine():
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1) if found else ""
    return {"cpus": os.cpu_count(), "cpu": model, "system": platform.platform()}


def measure(rows, project, peer):
    """Every round: for each endpoint, both servers restarted, wrk cold on each side
    (alternating which goes first), then warm-up and wrk warm on each side."""
    runs = {key: {"project": {"cold": [], "warm": []}, "peer": {"cold": [], "warm": []}}
            for key, *_rest in rows}  # fmt: skip
    position = 0
    for round_number in range(1, ROUNDS + 1):
        for key, label, project_path, peer_path in rows:
            pairs = [(project, project_path)]
            if peer_path:
                pairs.append((peer, peer_path))
                if position % 2:
                    pairs.reverse()
                position += 1
            project.stop()
            peer.stop()
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda side: side.start(), [side for side, _path in pairs]))
            for mode in ("cold", "warm"):
                extra = ENDPOINT_HEADERS.get(key)
                for side, path in pairs:
                    if mode == "warm":
                        warm_up(side, path, extra)
                    runs[key][side.name][mode].append(wrk(side, path, extra))
                    drain(side)
            summary = ", ".join(
                f"{side.name} {runs[key][side.name]['cold'][-1]['rps']:.1f} / "
                f"{runs[key][side.name]['warm'][-1]['rps']:.1f}"
                for side, _path in pairs
            )
            print(f"    round {round_number}, {label}: {summary} req/s (cold / warm)", flush=True)
    project.stop()
    peer.stop()
    return {
        key: {
            side: {mode: median_run(r) for mode, r in modes.items()}
            for side, modes in sides.items()
        }
        for key, sides in runs.items()
    }


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    began = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    postgres = Postgres(os.environ["DATABASE_URL"])
    recipe = recipe_folder()
    stamp = recipe_hash(recipe)
    try:
        venv = build_peer_venv()
        peer_folder = build_peer_project(postgres, venv, recipe, stamp)
        peer_db = peer_database(postgres, venv, peer_folder, stamp)
        peer = peer_side(postgres, venv, peer_folder, peer_db)
        project_db, found = project_database(postgres)
        project = project_side(postgres, project_db)
        rows = endpoints(found, peer_page_id(postgres, peer_db, f"event-{COUNT // 2:05d}"))
        selected = os.environ.get("BENCH_ENDPOINTS")
        if selected:
            keys = {key.strip() for key in selected.split(",")}
            rows = [row for row in rows if row[0] in keys]
        log(f"both sides ready in {time.monotonic() - began:.0f} s; counting SQL queries")
        queries = {
            "project": project.count_queries({key: path for key, _l, path, _p in rows}),
            "peer": peer.count_queries({key: path for key, _l, _m, path in rows if path}),
        }
        for side_name, counted in queries.items():
            wrong = {key: c["status"] for key, c in counted.items() if c["status"] != 200}
            if wrong:
                sys.exit(f"bench-http: {side_name} does not answer 200: {wrong}")

        wrk_runs = ROUNDS * 2 * sum(2 if peer_path else 1 for *_r, peer_path in rows)
        load_before = os.getloadavg()
        log(
            f"{len(rows)} endpoints, {ROUNDS} round(s), {wrk_runs} wrk runs of {DURATION} "
            f"({THREADS} threads, {CONNECTIONS} connections), gunicorn with {WORKERS} sync "
            f"workers on each side; load average {load_before[0]:.1f}"
        )
        results = measure(rows, project, peer)
        load_after = os.getloadavg()
    finally:
        stop_everything()

    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_1min": {"before": load_before[0], "after": load_after[0]},
        "postgresql": postgres.version(),
        "rencontres": COUNT,
        "rounds": ROUNDS,
        "wrk": {"duration": DURATION, "threads": THREADS, "connections": CONNECTIONS},
        "gunicorn_workers": WORKERS,
        "endpoints": {
            key: {
                "label": label,
                "project": project_path,
                "peer": peer_path,
                "queries": {side: queries[side].get(key) for side in queries},
                **results[key],
            }
            for key, label, project_path, peer_path in rows
        },  # fmt: skip
    }
    text = table(rows, results, queries)
    print()
    print(
        f"{COUNT} pages on each side; {report['machine']['cpus']} CPUs "
        f"({report['machine']['cpu']}); PostgreSQL {report['postgresql']}; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print(text)
    print(LEGEND)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "http.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "http.txt").write_text(text + "\n" + LEGEND + "\n")
    (WORK / "wrk-output.txt").write_text("\n".join(WRK_OUTPUT))
    print(f"written to {RESULTS / 'http.json'} and http.txt; wrk's reports in {WORK}")
    print(f"bench-http: {time.monotonic() - began:.0f} s in all")


if __name__ == "__main__":
    main()
