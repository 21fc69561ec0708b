"""Background jobs with retries: how the plugin runs slow or fallible work.

Every job of the project (translation pushes, webhooks, geocoding, imports) is a task
of Django's tasks API (django-tasks) declared with :func:`retrying_task`, on the queue
of its kind (:mod:`rencontres.queues`)::

    from rencontres import queues
    from rencontres.tasks import PermanentFailure, retrying_task

    @retrying_task(queue_name=queues.WEBHOOKS, max_attempts=8)
    def deliver(subscription_id, event):
        response = send(subscription_id, event)
        if response.status_code == 410:
            raise PermanentFailure("the partner removed its endpoint")  # no retry
        response.raise_for_status()  # any other error: tried again later

    deliver.enqueue(subscription.pk, event)  # returns at once; the worker runs it

When an attempt raises, the job is enqueued again on the same queue to run after a
delay that doubles with each failure: ``RENCONTRES_TASK_RETRY_DELAY`` seconds (30),
then 60, 120… up to ``RENCONTRES_TASK_RETRY_MAX_DELAY`` (an hour). After
``RENCONTRES_TASK_MAX_ATTEMPTS`` attempts (5), or at once for :class:`PermanentFailure`,
the job is given up: logged at ERROR on the ``rencontres.tasks`` logger and recorded
as a :class:`~rencontres.models.TaskFailure` (task, arguments, attempts, last error).

Each attempt is a task result of its own. An attempt that will be retried ends
FAILED with :class:`RetryScheduled` (its cause is the real error, its message names
the next attempt and when it runs); the last attempt ends FAILED with the real error.
The attempt number travels in the keyword argument ``_retry``, which the task's
function never sees.

With the database backend (``django_tasks_db``, production) a retry waits for its
time in the queue; a backend that cannot defer (the immediate backend of ``make run``
and of most tests) runs the retry at once.
"""

import dataclasses
import logging
from datetime import datetime, timedelta

from django.db import DatabaseError
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task
from django_tasks.utils import get_exception_traceback, normalize_json

from .conf import conf
from .models import TaskFailure
from .queues import DEFAULT

logger = logging.getLogger(__name__)

#: The keyword argument carrying the attempt number and the first enqueue time.
RETRY_KWARG = "_retry"


class PermanentFailure(Exception):
    """Raised by a task when trying again cannot help (a partner answered 410 Gone,
    an import file is not a Decidim export…): the job is given up at once."""


class RetryScheduled(Exception):
    """The end of an attempt that failed and will be retried; ``__cause__`` is the error."""


def retry_delay(attempt, *, delay, max_delay):
    """Seconds to wait after failed attempt number ``attempt`` (1, 2…): ``delay``
    doubled for each earlier failure, at most ``max_delay``."""
    return min(delay * 2 ** (attempt - 1), max_delay)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RetryingTask(Task):
    """A task that is enqueued again when it fails (see the module's documentation).

    ``None`` for ``max_attempts``, ``delay`` or ``max_delay`` reads the plugin's settings
    when the task runs."""

    max_attempts: int | None = None
    delay: float | None = None
    max_delay: float | None = None

    @property
    def attempts_allowed(self):
        return self.max_attempts if self.max_attempts is not None else conf.TASK_MAX_ATTEMPTS

    def delay_after(self, attempt):
        return retry_delay(
            attempt,
            delay=self.delay if self.delay is not None else conf.TASK_RETRY_DELAY,
            max_delay=self.max_delay if self.max_delay is not None else conf.TASK_RETRY_MAX_DELAY,
        )

    def call(self, *args, **kwargs):
        retry = kwargs.pop(RETRY_KWARG, None) or {}
        attempt = retry.get("attempt", 1)
        since = retry.get("since") or timezone.now().isoformat()
        try:
            return Task.call(self, *args, **kwargs)
        except Exception as error:
            # The worker passes the context first; a retry gets a fresh one.
            arguments = args[1:] if self.takes_context else args
            if isinstance(error, PermanentFailure) or attempt >= self.attempts_allowed:
                self.give_up(error, attempt, since, arguments, kwargs)
                raise
            raise self.schedule_retry(error, attempt, since, arguments, kwargs) from error

    def schedule_retry(self, error, attempt, since, args, kwargs):
        """Enqueue attempt ``attempt + 1``; return the :class:`RetryScheduled` to raise."""
        wait = self.delay_after(attempt)
        run_after = timezone.now() + timedelta(seconds=wait)
        if self.get_backend().supports_defer:
            retry_task = dataclasses.replace(self, run_after=run_after)
        else:
            retry_task = dataclasses.replace(self, run_after=None)
        logger.warning(
            "Task %s: attempt %d/%d failed (%s: %s); retrying in %ds",
            self.module_path,
            attempt,
            self.attempts_allowed,
            type(error).__name__,
            error,
            wait,
        )
        result = retry_task.enqueue(
            *args, **kwargs, **{RETRY_KWARG: {"attempt": attempt + 1, "since": since}}
        )
        return RetryScheduled(
            f"attempt {attempt}/{self.attempts_allowed} failed; attempt {attempt + 1} "
            f"after {run_after.isoformat()} (task result {result.id})"
        )

    def give_up(self, error, attempt, since, args, kwargs):
        """Log and record a job that will not be tried again."""
        logger.error(
            "Task %s given up after %d attempt(s): %s: %s",
            self.module_path,
            attempt,
            type(error).__name__,
            error,
            exc_info=error,
        )
        try:
            TaskFailure.objects.create(
                task_path=self.module_path,
                queue_name=self.queue_name,
                arguments=normalize_json({"args": list(args), "kwargs": kwargs}),
                attempts=attempt,
                exception_class=f"{type(error).__module__}.{type(error).__qualname__}",
                message=str(error),
                traceback=get_exception_traceback(error),
                first_enqueued_at=datetime.fromisoformat(since),
                failed_at=timezone.now(),
            )
        except DatabaseError:
            logger.exception("Task %s: the failure could not be recorded", self.module_path)


def retrying_task(
    function=None,
    *,
    queue_name=DEFAULT,
    priority=DEFAULT_TASK_PRIORITY,
    backend=DEFAULT_TASK_BACKEND_ALIAS,
    takes_context=False,
    max_attempts=None,
    delay=None,
    max_delay=None,
):
    """Declare a module-level function as a :class:`RetryingTask` (``@retrying_task``
    or ``@retrying_task(queue_name=…, max_attempts=…, delay=…, max_delay=…)``)."""

    def decorate(func):
        return RetryingTask(
            func=func,
            queue_name=queue_name,
            priority=priority,
            backend=backend,
            takes_context=takes_context,
            max_attempts=max_attempts,
            delay=delay,
            max_delay=max_delay,
        )

    return decorate(function) if function is not None else decorate
