"""Health checks for load balancers and orchestrators (django-health-check).

``/healthz/`` (liveness) answers 200 while the process serves requests: it reads
nothing. ``/readyz/`` (readiness) checks what a request needs and answers JSON::

    {"status": "ready", "checks": {"database": {"status": "ok", "seconds": 0.002}, …}}

- ``database`` and ``storage`` (a file written, read and deleted) down: ``unready``,
  503, so that the load balancer sends no more requests to this process;
- ``cache`` down: ``degraded``, 200 — pages are served without it;
- ``tasks``: the task backlog (tasks due but not started, per queue, and the longest
  wait). Its table unreadable: ``unready``; a task due for longer than
  ``HEALTH_TASK_MAX_WAIT`` seconds (the worker is stopped or behind): ``degraded``,
  200 — taking every app process out of service would not start the worker.

No check needs the internet (no DNS or mail check) and none reads the page tree.
"""

import asyncio
import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check import Cache, Database, HealthCheck, Storage
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView


@never_cache
def healthz(request):
    """Liveness: the process answers."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@dataclasses.dataclass
class TaskBacklog(HealthCheck):
    """Tasks due but not started on the database backend, per queue, and the longest
    wait; a warning past ``max_wait``."""

    backend: str = "default"
    max_wait: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(
            seconds=getattr(settings, "HEALTH_TASK_MAX_WAIT", 600)
        )
    )

    def __post_init__(self):
        self.details = {}

    async def run(self):
        # On the request's own thread and connection, closed with the request.
        await sync_to_async(self.measure, thread_sensitive=True)()

    def measure(self):
        backend = task_backends[self.backend]
        if not isinstance(backend, DatabaseBackend):
            self.details = {"backend": type(backend).__name__}
            return
        now = timezone.now()
        try:
            due = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
            queues = dict(due.order_by().values_list("queue_name").annotate(count=Count("pk")))
            # A task without run_after is due since it was enqueued; one with it, since then.
            since = [
                due.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
                due.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"],
            ]
        except DatabaseError as error:
            raise ServiceUnavailable("task table unreadable") from error
        oldest = min((moment for moment in since if moment), default=None)
        wait = (now - oldest).total_seconds() if oldest else 0
        self.details = {"due": queues, "longest_wait_seconds": round(max(wait, 0))}
        if wait > self.max_wait.total_seconds():
            raise ServiceWarning(
                f"a task has been due for {round(wait)}s: is the worker (db_worker) running?"
            )


#: Check name in the JSON, check class, and whether its failure makes the process unready.
CHECKS = {
    "database": (Database, True),
    "storage": (Storage, True),
    "tasks": (TaskBacklog, True),
    "cache": (Cache, False),
}


class ReadinessView(HealthCheckView):
    """Readiness as JSON: ``ready`` (200), ``degraded`` (200) or ``unready`` (503)."""

    checks = [check for check, _critical in CHECKS.values()]

    async def get(self, request, *args, **kwargs):
        names = list(CHECKS)
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        report, unready, degraded = {}, False, False
        for name, result in zip(names, results, strict=True):
            entry = {"status": "ok", "seconds": round(result.time_taken, 3)}
            entry.update(getattr(result.check, "details", {}))
            if result.error:
                critical = CHECKS[name][1] and not isinstance(result.error, ServiceWarning)
                entry["status"] = "unavailable" if critical else "degraded"
                entry["error"] = str(result.error)
                unready |= critical
                degraded |= not critical
            report[name] = entry
        status = "unready" if unready else "degraded" if degraded else "ready"
        return JsonResponse({"status": status, "checks": report}, status=503 if unready else 200)
