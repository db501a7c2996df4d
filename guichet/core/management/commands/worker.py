"""`guichet worker`: runs background tasks, and enqueues the periodic ones on schedule."""

import logging
import threading
import time

from django.conf import settings
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
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            reload=False,
            verbosity=verbosity,
            startup_delay=False,
        )

    def _scheduler(self):
        last_run: dict[str, float] = {}
        while True:
            try:
                enqueue_periodic_tasks(last_run, time.monotonic())
            except Exception:  # the scheduler must outlive a database hiccup
                logger.exception("Could not enqueue periodic tasks")
            finally:
                close_old_connections()
            time.sleep(5)
