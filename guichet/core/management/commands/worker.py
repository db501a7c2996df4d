"""`guichet worker`: runs background tasks, and enqueues the periodic ones on schedule."""

import logging
import os
import secrets
import socket
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger("guichet.worker")


def enqueue_periodic_tasks(last_run: dict[str, float], now: float) -> list[str]:
    """Enqueues each periodic task never run yet or whose interval has elapsed; returns their
    paths. (`now` is a monotonic clock: its zero is arbitrary, e.g. the machine's boot.)"""
    started = []
    for path, interval in settings.GUICHET_PERIODIC_TASKS:
        previous = last_run.get(path)
        if previous is None or now - previous >= interval:
            import_string(path).enqueue()
            last_run[path] = now
            started.append(path)
    return started


# One scheduler at a time among all the workers sharing the cache (Redis when scaled out):
# the one holding this lease, renewed at each look (every 5 s), given up when it dies.
SCHEDULER_LEASE = "guichet:worker:scheduler"
SCHEDULER_LEASE_SECONDS = 15


def hold_scheduler_lease(owner: str) -> bool:
    """True when `owner` is the scheduler: it took the free lease (`cache.add` is atomic:
    SET NX on Redis, an INSERT on a primary key in the database cache) or holds it already
    (then renewed)."""
    if cache.add(SCHEDULER_LEASE, owner, timeout=SCHEDULER_LEASE_SECONDS):
        return True
    if cache.get(SCHEDULER_LEASE) == owner:
        cache.touch(SCHEDULER_LEASE, SCHEDULER_LEASE_SECONDS)
        return True
    return False


class Command(BaseCommand):
    help = "Run the background worker (tasks queued by the application, and periodic tasks)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run every periodic task once, process all queued tasks, then exit.",
        )
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, batch: bool, interval: float, verbosity: int, **options):
        if batch:
            enqueue_periodic_tasks({}, time.monotonic())
        else:
            threading.Thread(target=self._scheduler, daemon=True, name="scheduler").start()
        if settings.GUICHET_TASKS_ON_RQ:
            # RQ's worker, with the job class of django-tasks-rq (docs/deployment.md).
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                burst=batch,
                # Tasks deferred with run_after wait in RQ's scheduled registry; one worker
                # at a time (a lock in Redis) moves them to the queue when due.
                with_scheduler=True,
                verbosity=verbosity,
            )
            return
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            reload=False,
            verbosity=verbosity,
            startup_delay=False,
        )

    def _scheduler(self):
        owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        last_run: dict[str, float] = {}
        leading = False
        while True:
            try:
                if hold_scheduler_lease(owner):
                    if not leading:
                        # Taking over (at start, or from a worker that died): every periodic
                        # task at once, which sweeps up what a dead worker left undone.
                        last_run, leading = {}, True
                    enqueue_periodic_tasks(last_run, time.monotonic())
                else:
                    leading = False
            except Exception:  # the scheduler must outlive a database hiccup
                logger.exception("Could not enqueue periodic tasks")
            finally:
                close_old_connections()
            time.sleep(5)
