"""`make load`: three runs of locust against `make serve`'s app processes (see
scripts/load, which starts the stack and hands over its parts in the environment).

1. ``steady``: ``LOAD_DURATION`` seconds (60) at ``LOAD_USERS`` visitors (64);
2. ``postgres-restart``: the same, with the stack's own PostgreSQL cluster restarted
   (``pg_ctl restart --mode=fast``) after a third of it; errors are allowed while it
   is down, none from 5 seconds after it accepts connections again, and the app
   processes are the same before and after (no restart);
3. ``redis-stopped``: the same with the stack's Redis stopped: no error.

Every request is recorded (bench/load/locustfile.py); the report gives, per run,
requests, throughput, errors, median and 95th percentile, and per kind of request,
and is written to ``LOAD_RESULTS_DIR/report.json`` and ``report.md``. Exits non-zero
when a run misses its goal.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(os.environ.get("LOAD_RESULTS_DIR", ROOT / "bench" / "results" / "load"))
DURATION = int(os.environ.get("LOAD_DURATION", "60"))
USERS = int(os.environ.get("LOAD_USERS", "64"))
RENCONTRES = int(os.environ.get("LOAD_RENCONTRES", "2000"))
#: Seconds after PostgreSQL accepts connections again from which no error is allowed.
RECOVERY = 5.0
PY = sys.executable


def as_owner(*command):
    """A PostgreSQL server command, as the cluster's owner (``postgres`` when root)."""
    if os.getuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def postgres_accepts():
    import psycopg

    try:
        psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=1).close()
    except psycopg.OperationalError:
        return False
    return True


def restart_postgres(after, events):
    """Restart the stack's own cluster ``after`` seconds into the run; record when it
    stops accepting connections and when it accepts them again."""
    time.sleep(after)
    data = os.environ["SERVE_PG_DATA"]
    pg_ctl = str(Path(os.environ["SERVE_PG_BIN"]) / "pg_ctl")
    events["restart_begins"] = time.time()
    command = as_owner(pg_ctl, f"--pgdata={data}", "--mode=fast", "--wait", "--silent", "restart")
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=120)  # noqa: S603
    while not postgres_accepts():
        time.sleep(0.05)
    events["accepts_again"] = time.time()


def stop_redis(events):
    pid = int(Path(os.environ["SERVE_REDIS_PID_FILE"]).read_text())
    os.kill(pid, 15)
    events["redis_stopped"] = time.time()


def locust(name, targets):
    requests = RESULTS / f"{name}.tsv"
    requests.unlink(missing_ok=True)
    env = {**os.environ, "LOAD_TARGETS": str(targets), "LOAD_REQUESTS": str(requests)}
    began = time.time()
    subprocess.run(  # noqa: S603 (this virtualenv's locust, fixed arguments)
        [str(Path(PY).parent / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"),
         "--headless", "--users", str(USERS), "--spawn-rate", str(USERS),
         "--run-time", f"{DURATION}s", "--stop-timeout", "30", "--only-summary",
         "--loglevel", "ERROR", "--exit-code-on-error", "0"],
        env=env, check=True, stdout=(RESULTS / f"{name}.locust.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    rows = []
    for line in requests.read_text(encoding="utf-8").splitlines():
        start, kind, milliseconds, status, error = line.split("\t")
        rows.append((float(start), kind, float(milliseconds), int(status), error))
    return began, rows


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def summary(rows, seconds):
    times = [row[2] for row in rows]
    errors = [row for row in rows if row[3] != 200]
    return {
        "requests": len(rows),
        "per_second": round(len(rows) / seconds, 1),
        "errors": len(errors),
        "median_ms": round(statistics.median(times)) if times else 0,
        "p95_ms": round(percentile(times, 0.95)),
        "max_ms": round(max(times)) if times else 0,
    }


def booted():
    """gunicorn workers started so far (make serve's log): none should be replaced."""
    log = RESULTS / "serve.log"
    return log.read_text(errors="replace").count("Booting worker") if log.exists() else 0


def app_processes():
    return {int(pid) for pid in os.environ["SERVE_APP_PIDS"].split()}


def alive(pids):
    result = set()
    for pid in pids:
        try:
            os.kill(pid, 0)
            result.add(pid)
        except ProcessLookupError:
            pass
    return result


def main():
    RESULTS.mkdir(parents=True, exist_ok=True)
    hosts = [f"http://127.0.0.1:{port}" for port in os.environ["SERVE_PORTS"].split()]
    targets = RESULTS / "targets.json"
    subprocess.run(  # noqa: S603
        [PY, str(ROOT / "bench" / "load" / "load_data.py"), str(targets), str(RENCONTRES), *hosts],
        check=True,
    )
    wait_for_tasks()
    target_data = json.loads(targets.read_text())
    apps = app_processes()
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "rencontres": target_data["rencontres"],
        "users": USERS,
        "duration_s": DURATION,
        "runs": {},
    }
    failures = []

    # Warm-up (not measured): each process's first requests compile templates.
    locust_warm_up(targets)

    began, rows = locust("steady", targets)
    report["runs"]["steady"] = run_report(rows, DURATION)
    if report["runs"]["steady"]["errors"]:
        failures.append("steady: errors")

    events = {}
    booted_before = booted()
    thread = threading.Thread(target=restart_postgres, args=(DURATION / 3, events))
    thread.start()
    began, rows = locust("postgres-restart", targets)
    thread.join()
    # An error counts when it was answered (its start plus its time): requests wait in
    # the app processes' queue for seconds before they are served.
    answered = [row[0] + row[2] / 1000 for row in rows if row[3] != 200]
    late = [moment for moment in answered if moment > events["accepts_again"] + RECOVERY]
    last_error = max(answered, default=None)
    report["runs"]["postgres-restart"] = {
        **run_report(rows, DURATION),
        "restart_at_s": round(events["restart_begins"] - began, 1),
        "accepting_again_after_s": round(events["accepts_again"] - events["restart_begins"], 1),
        "last_error_after_accepting_s": (
            round(last_error - events["accepts_again"], 1) if last_error else None
        ),
        "errors_later_than_5s": len(late),
        "app_processes_unchanged": alive(apps) == apps,
        "gunicorn_workers_booted": booted() - booted_before,
    }
    if late:
        failures.append(f"postgres-restart: {len(late)} errors more than 5 s after recovery")
    if alive(apps) != apps:
        failures.append("postgres-restart: an app process stopped")

    events = {}
    stop_redis(events)
    began, rows = locust("redis-stopped", targets)
    report["runs"]["redis-stopped"] = {
        **run_report(rows, DURATION),
        "app_processes_unchanged": alive(apps) == apps,
    }
    if report["runs"]["redis-stopped"]["errors"]:
        failures.append("redis-stopped: errors")

    report["goals_met"] = not failures
    report["failures"] = failures
    (RESULTS / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (RESULTS / "report.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    if failures:
        sys.exit("load: " + "; ".join(failures))


def run_report(rows, seconds):
    kinds = sorted({row[1] for row in rows})
    by_kind = {kind: summary([row for row in rows if row[1] == kind], seconds) for kind in kinds}
    statuses = {}
    for row in rows:
        if row[3] != 200:
            key = str(row[3]) if row[3] else (row[4] or "no answer")
            statuses[key] = statuses.get(key, 0) + 1
    return {**summary(rows, seconds), "error_statuses": statuses, "by_kind": by_kind}


def locust_warm_up(targets):
    global DURATION, USERS
    duration, users = DURATION, USERS
    DURATION, USERS = 10, 8
    try:
        locust("warm-up", targets)
    finally:
        DURATION, USERS = duration, users


def wait_for_tasks():
    """Until the worker has run the import's index updates (10 minutes at most)."""
    code = (
        "from django_tasks_db.models import DBTaskResult;"
        "print(DBTaskResult.objects.ready().count())"
    )
    for _ in range(600):
        result = subprocess.run(  # noqa: S603
            [PY, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        if result.stdout.split()[-1:] == ["0"]:  # after the shell's "objects imported"
            return
        time.sleep(1)
    sys.exit("load: the worker did not run the queued tasks in 10 minutes")


def machine():
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{int(memory) // 1024 // 1024} GiB"
    except (OSError, StopIteration):
        memory = "?"
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{cpus} CPU ({model}), {memory}, {platform.system()} {platform.release()}, load {load}"


def markdown(report):
    lines = [
        f"`make load` on {report['date']}: {report['machine']}; {report['rencontres']} "
        f"rencontres, {report['users']} visitors without pause for {report['duration_s']} s per "
        "run, against 2 gunicorn processes × 2 workers.",
        "",
        "| run | requests | per second | errors | median | p95 | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, run in report["runs"].items():
        lines.append(
            f"| {name} | {run['requests']} | {run['per_second']} | {run['errors']} "
            f"| {run['median_ms']} ms | {run['p95_ms']} ms | {run['max_ms']} ms |"
        )
    restart = report["runs"].get("postgres-restart")
    if restart:
        lines += [
            "",
            f"PostgreSQL restarted {restart['restart_at_s']} s into its run, accepting "
            f"connections {restart['accepting_again_after_s']} s later; errors "
            f"{restart['error_statuses'] or 'none'}, the last answered "
            f"{restart['last_error_after_accepting_s']} s after it accepted connections "
            f"again ({restart['errors_later_than_5s']} later than 5 s); app processes "
            f"unchanged: {restart['app_processes_unchanged']}, gunicorn workers replaced: "
            f"{restart['gunicorn_workers_booted']}.",
        ]
    lines += ["", "| kind (steady run) | requests | median | p95 |", "|---|---|---|---|"]
    for kind, figures in report["runs"]["steady"]["by_kind"].items():
        lines.append(
            f"| {kind} | {figures['requests']} | {figures['median_ms']} ms "
            f"| {figures['p95_ms']} ms |"
        )
    lines += [
        "",
        "Goals met." if report["goals_met"] else "Missed: " + "; ".join(report["failures"]),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
